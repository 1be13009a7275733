using Grpc.Core;
using Tessera.Contracts.V1;

namespace Tessera.DataNode.IntegrationTests.Grpc;

/// <summary><c>tessera.v1.Documents/Changes</c>: the same feed as REST <c>_changes</c>, resumable and live.</summary>
public sealed class ChangesGrpcTests(SqliteServer server) : GrpcTestBase(server), IClassFixture<SqliteServer>
{
    private ChangesRequest Request(string db, string since = "", bool live = false) =>
        new() { Tenant = Tenant, Database = db, Since = since, Live = live };

    /// <summary>Reads <paramref name="count"/> messages of a call, then lets it go (the client disconnects).</summary>
    private static async Task<List<Change>> TakeAsync(AsyncServerStreamingCall<Change> call, int count)
    {
        var changes = new List<Change>();
        while (changes.Count < count && await call.ResponseStream.MoveNext(Ct))
        {
            changes.Add(call.ResponseStream.Current);
        }

        Assert.Equal(count, changes.Count);
        return changes;
    }

    private async Task<List<Change>> ReadAllAsync(ChangesRequest request)
    {
        using var call = Client.Changes(request, cancellationToken: Ct);
        var changes = new List<Change>();
        await foreach (var change in call.ResponseStream.ReadAllAsync(Ct))
        {
            changes.Add(change);
        }

        return changes;
    }

    private async Task<string> UpdateSeqAsync(string db) => (await Couch.GetAsync(db)).String("update_seq");

    [Fact]
    public async Task Changes_Normal_MatchesRestChangesRowForRow()
    {
        var db = await Couch.CreateDatabaseAsync();
        var a = await Couch.PutDocumentAsync(db, "a", """{"v":1}""");
        await Couch.PutDocumentAsync(db, "b", """{"v":1}""");
        await Couch.PutDocumentAsync(db, "a", $$"""{"_rev":"{{a}}","v":2}""");
        var b = (await Couch.GetAsync($"{db}/b")).String("_rev");
        await Couch.DeleteAsync($"{db}/b?rev={b}");

        var request = Request(db);
        request.IncludeDocs = true;
        var changes = await ReadAllAsync(request);
        var rest = await Couch.GetAsync($"{db}/_changes?include_docs=true");

        var expected = rest.Json.GetProperty("results").EnumerateArray().Select(row => (
            row.GetProperty("seq").GetString(),
            row.GetProperty("id").GetString(),
            row.GetProperty("changes")[0].GetProperty("rev").GetString(),
            row.TryGetProperty("deleted", out var deleted) && deleted.GetBoolean(),
            row.GetProperty("doc").GetRawText()));
        Assert.Equal(expected, changes.Select(c => ((string?)c.Seq, (string?)c.Id, (string?)c.Rev, c.Deleted, c.Json)));
        Assert.Equal(["a", "b"], changes.Select(c => c.Id));
    }

    [Fact(Timeout = 60_000)]
    public async Task Changes_ResumeFromLastSeq_DeliversEveryLaterChangeExactlyOnce()
    {
        var db = await Couch.CreateDatabaseAsync();
        for (var i = 0; i < 10; i++)
        {
            await Couch.PutDocumentAsync(db, $"doc{i:D2}", """{"v":1}""");
        }

        // Read 4, disconnect, write more (including an update of an already-read document), then resume.
        List<Change> first;
        using (var call = Client.Changes(Request(db, live: true), cancellationToken: TestContext.Current.CancellationToken))
        {
            first = await TakeAsync(call, 4);
        }

        var rev = (await Couch.GetAsync($"{db}/doc01")).String("_rev");
        await Couch.PutDocumentAsync(db, "doc01", $$"""{"_rev":"{{rev}}","v":2}""");
        await Couch.PutDocumentAsync(db, "doc10", """{"v":1}""");
        var resumed = await ReadAllAsync(Request(db, since: first[^1].Seq));

        Assert.Equal(["doc00", "doc01", "doc02", "doc03"], first.Select(c => c.Id));
        Assert.Equal(["doc04", "doc05", "doc06", "doc07", "doc08", "doc09", "doc01", "doc10"], resumed.Select(c => c.Id));
        var seqs = first.Concat(resumed).Select(c => long.Parse(c.Seq, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(seqs.Count, seqs.Distinct().Count());
        Assert.Equal(await UpdateSeqAsync(db), resumed[^1].Seq);
    }

    [Fact(Timeout = 60_000)]
    public async Task Changes_Live_ReceivesWritesMadeOverRestAsTheyCommit()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "before", """{"v":1}""");
        var since = await UpdateSeqAsync(db);
        var request = Request(db, since, live: true);
        request.IncludeDocs = true;
        using var call = Client.Changes(request, cancellationToken: TestContext.Current.CancellationToken);

        var rev = await Couch.PutDocumentAsync(db, "live", """{"v":"pushed"}""");
        var pushed = (await TakeAsync(call, 1))[0];
        await Couch.PutDocumentAsync(db, "live2", """{"v":2}""");
        var second = (await TakeAsync(call, 1))[0];

        Assert.Equal(("live", rev), (pushed.Id, pushed.Rev));
        Assert.Equal($$"""{"_id":"live","_rev":"{{rev}}","v":"pushed"}""", pushed.Json);
        Assert.Equal("live2", second.Id);
        Assert.True(long.Parse(second.Seq, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(pushed.Seq, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact(Timeout = 60_000)]
    public async Task Changes_LiveWithDocIdsAndHeartbeat_SendsOnlyThoseDocumentsAndCheckpointsPastOthers()
    {
        var db = await Couch.CreateDatabaseAsync();
        var request = Request(db, live: true);
        request.DocIds.Add("watched");
        request.HeartbeatMs = 20;
        using var call = Client.Changes(request, cancellationToken: TestContext.Current.CancellationToken);

        await Couch.PutDocumentAsync(db, "other", """{"v":1}""");
        await Couch.PutDocumentAsync(db, "watched", """{"v":1}""");
        await Couch.PutDocumentAsync(db, "other2", """{"v":1}""");
        var last = await UpdateSeqAsync(db);

        // Messages until a checkpoint at the last sequence: only "watched" may appear among them, once.
        var messages = new List<Change>();
        while (await call.ResponseStream.MoveNext(Ct))
        {
            messages.Add(call.ResponseStream.Current);
            if (messages[^1] is { Id: "" } checkpoint && checkpoint.Seq == last)
            {
                break;
            }
        }

        Assert.Equal(["watched"], messages.Where(m => m.Id.Length > 0).Select(m => m.Id));
        Assert.All(messages.Where(m => m.Id.Length == 0), m => Assert.Equal("", m.Rev));
    }

    [Fact]
    public async Task Changes_SinceNowAndLimit_StartAtTheEndAndStopAfterLimit()
    {
        var db = await Couch.CreateDatabaseAsync();
        for (var i = 0; i < 3; i++)
        {
            await Couch.PutDocumentAsync(db, $"d{i}", "{}");
        }

        var limited = Request(db);
        limited.Limit = 2;

        Assert.Empty(await ReadAllAsync(Request(db, since: "now")));
        Assert.Equal(["d0", "d1"], (await ReadAllAsync(limited)).Select(c => c.Id));
    }

    [Fact]
    public async Task Changes_BadRequests_InvalidArgumentOrNotFound()
    {
        var db = await Couch.CreateDatabaseAsync();
        var both = Request(db);
        both.DocIds.Add("a");
        both.Selector = """{"v":1}""";
        var badSelector = Request(db);
        badSelector.Selector = "[1]";

        await AssertFailsAsync(StatusCode.InvalidArgument, "bad_request", () => ReadAllAsync(Request(db, since: "yesterday")));
        await AssertFailsAsync(StatusCode.InvalidArgument, "bad_request", () => ReadAllAsync(both));
        await AssertFailsAsync(StatusCode.InvalidArgument, "bad_request", () => ReadAllAsync(badSelector));
        await AssertFailsAsync(StatusCode.NotFound, "not_found", () => ReadAllAsync(Request("missing-db")));
    }
}
