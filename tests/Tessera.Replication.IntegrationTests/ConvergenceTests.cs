using System.Net;

namespace Tessera.Replication.IntegrationTests;

/// <summary>
/// Two databases on two servers, edited independently (conflicting edits, deletions against edits, attachments on
/// both sides), replicated both ways, end with identical documents, revision trees and winners.
/// </summary>
public sealed class ConvergenceTests(TwoServers servers) : IClassFixture<TwoServers>, IDisposable
{
    private readonly CouchClient a = new(servers.First.CreateClient());
    private readonly CouchClient b = new(servers.Second.CreateClient());

    public void Dispose()
    {
        a.Dispose();
        b.Dispose();
    }

    [Fact]
    public async Task ReplicateBothWays_AfterIndependentEdits_DatabasesConverge()
    {
        var left = await a.CreateDatabaseAsync("left");
        var right = await b.CreateDatabaseAsync("right");

        // Common ancestry: seed on the left, copy to the right.
        await a.PutDocumentsAsync(left, "d", 8);
        var seed = await a.PutDocumentAsync(left, "with-att", """{"v":0}""");
        await a.PutAttachmentAsync(left, "with-att", seed, "a.bin", Bytes(1, 5000), "application/octet-stream");
        await ReplicateAsync(left, right);
        Assert.Equal(await a.LeavesAsync(left), await b.LeavesAsync(right));

        // Independent edits while "offline".
        var l = await Revs(a, left);
        var r = await Revs(b, right);
        await a.PutDocumentAsync(left, "d0000", $$"""{"_rev":"{{l["d0000"]}}","side":"left"}""");                     // conflict, same generation
        await b.PutDocumentAsync(right, "d0000", $$"""{"_rev":"{{r["d0000"]}}","side":"right"}""");
        var d1 = await a.PutDocumentAsync(left, "d0001", $$"""{"_rev":"{{l["d0001"]}}","step":1}""");               // conflict, longer branch on the left
        await a.PutDocumentAsync(left, "d0001", $$"""{"_rev":"{{d1}}","step":2}""");
        await b.PutDocumentAsync(right, "d0001", $$"""{"_rev":"{{r["d0001"]}}","step":"right"}""");
        await a.DeleteDocumentAsync(left, "d0002", l["d0002"]);                                                          // deletion against an edit
        await b.PutDocumentAsync(right, "d0002", $$"""{"_rev":"{{r["d0002"]}}","kept":true}""");
        await a.DeleteDocumentAsync(left, "d0003", l["d0003"]);                                                          // deleted on both sides
        await b.DeleteDocumentAsync(right, "d0003", r["d0003"]);
        await a.PutAttachmentAsync(left, "d0004", l["d0004"], "left.bin", Bytes(2, 3000), "image/png");             // attachments on both branches
        await b.PutAttachmentAsync(right, "d0004", r["d0004"], "right.txt", "right side"u8.ToArray(), "text/plain");
        var att = await b.PutDocumentAsync(right, "with-att", $$$$"""{"_rev":"{{{{r["with-att"]}}}}","v":1,"_attachments":{"a.bin":{"stub":true}}}""");
        await b.PutAttachmentAsync(right, "with-att", att, "b.bin", Bytes(3, 20_000), "application/octet-stream");
        await a.PutDocumentAsync(left, "same-new-id", """{"made":"left"}""");                                         // created on both sides
        await b.PutDocumentAsync(right, "same-new-id", """{"made":"right"}""");
        await a.PutDocumentAsync(left, "only-left", """{"x":1}""");
        await b.PutDocumentAsync(right, "only-right", """{"x":2}""");
        await b.PutAsync($"{right}/_local/not-replicated", """{"x":3}""");

        await ReplicateAsync(left, right);
        await ReplicateAsync(right, left);

        await AssertConvergedAsync(left, right);
        Assert.Equal(HttpStatusCode.NotFound, (await a.GetAsync($"{left}/_local/not-replicated")).Status);
        Assert.Contains("conflicts:1-", await a.WinnerAsync(left, "same-new-id"), StringComparison.Ordinal);
        Assert.Contains("conflicts:2-", await a.WinnerAsync(left, "d0000"), StringComparison.Ordinal);
        Assert.Equal(Bytes(3, 20_000), await b.Http.GetByteArrayAsync($"{right}/with-att/b.bin", TestContext.Current.CancellationToken));
        Assert.Equal(Bytes(3, 20_000), await a.Http.GetByteArrayAsync($"{left}/with-att/b.bin", TestContext.Current.CancellationToken));

        // Resolve a conflict on one side by deleting the losers, then converge again.
        var winner = await a.GetAsync($"{left}/d0000?conflicts=true");
        foreach (var loser in winner.Json.GetProperty("_conflicts").EnumerateArray())
        {
            await a.DeleteDocumentAsync(left, "d0000", loser.GetString()!);
        }

        await ReplicateAsync(left, right);
        await ReplicateAsync(right, left);

        await AssertConvergedAsync(left, right);
        Assert.EndsWith("conflicts:", await b.WinnerAsync(right, "d0000"), StringComparison.Ordinal);
    }

    private async Task ReplicateAsync(string from, string to)
    {
        // Push from the first server's database or pull into it, so both directions run on the first server.
        var body = from.StartsWith("left", StringComparison.Ordinal)
            ? $$"""{"source":"{{from}}","target":"{{b.Url(to)}}"}"""
            : $$"""{"source":"{{b.Url(from)}}","target":"{{to}}"}""";
        var response = await a.PostAsync("_replicate", body);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(0, response.Json.GetProperty("history")[0].GetProperty("doc_write_failures").GetInt64());
    }

    private async Task AssertConvergedAsync(string left, string right)
    {
        var leaves = await a.LeavesAsync(left);
        Assert.Equal(leaves, await b.LeavesAsync(right));
        foreach (var id in leaves.Keys)
        {
            Assert.Equal(await a.RevisionTreeAsync(left, id), await b.RevisionTreeAsync(right, id));
            Assert.Equal(await a.WinnerAsync(left, id), await b.WinnerAsync(right, id));
        }
    }

    private static async Task<Dictionary<string, string>> Revs(CouchClient couch, string db)
    {
        var response = await couch.GetAsync($"{db}/_all_docs");
        return response.Json.GetProperty("rows").EnumerateArray()
            .ToDictionary(row => row.GetProperty("id").GetString()!, row => row.GetProperty("value").GetProperty("rev").GetString()!);
    }

    private static byte[] Bytes(int seed, int length) => Enumerable.Range(0, length).Select(i => (byte)((i * 7) + (seed * 13))).ToArray();
}
