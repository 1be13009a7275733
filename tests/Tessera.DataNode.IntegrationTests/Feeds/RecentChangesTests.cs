using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.DataNode.Feeds;
using Tessera.Grains;
using Xunit;

namespace Tessera.DataNode.IntegrationTests.Feeds;

/// <summary>
/// Live feeds served from the change hub's recent rows (small commits carry their rows in their notification): the rows
/// must be the ones storage gives, byte for byte, and a reader the rows do not cover must fall back to storage.
/// Note: a class fixture of its own, so the feed metrics these tests read count only their own feeds.
/// </summary>
public sealed class RecentChangesTests(SqliteServer server) : CouchTestBase(server), IClassFixture<SqliteServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private FeedMetrics Metrics => Server.Host.Services.GetRequiredService<FeedMetrics>();

    private ChangeHub Hub => Server.Host.Services.GetRequiredService<ChangeHub>();

    [Fact]
    public async Task ContinuousFeed_WokenBySmallCommits_ServesRowsFromMemoryByteForByteAsStorage()
    {
        var db = await Couch.CreateDatabaseAsync();
        using var feed = await OpenAsync($"{db}/_changes?feed=continuous&since=0&heartbeat=60000");
        using var filtered = await OpenAsync($"{db}/_changes?feed=continuous&since=0&heartbeat=60000&filter=_doc_ids&doc_ids=%5B%22a%22%5D");
        var live = new List<string> { await WriteAndReceiveAsync(feed, () => Couch.PutDocumentAsync(db, "a", """{"v":1}""")) };
        var fromMemory = Metrics.PagesFromMemory;

        // Each write waits for its row, so the live feed shows every sequence once (nothing coalesced).
        var revB = "";
        live.Add(await WriteAndReceiveAsync(feed, async () => revB = await Couch.PutDocumentAsync(db, "b", """{"v":1}""")));
        live.Add(await WriteAndReceiveAsync(feed, async () => await Couch.PutDocumentAsync(db, "a", $$"""{"_rev":"{{await RevAsync(db, "a")}}","v":2}""")));
        live.Add(await WriteAndReceiveAsync(feed, async () => Assert.Equal(HttpStatusCode.OK, (await Couch.DeleteAsync($"{db}/b?rev={revB}")).Status)));
        live.Add(await WriteAndReceiveAsync(feed, () => Couch.PutDocumentAsync(db, "c", "{}")));

        Assert.True(Metrics.PagesFromMemory >= fromMemory + 4, $"Expected the woken pages to come from memory ({Metrics.PagesFromMemory - fromMemory}).");
        Assert.Equal(["1", "2", "3", "4", "5"], live.Select(SeqOf));
        Assert.NotNull(Hub.Recent(await KeyAsync(db)));

        // Storage lists each document once, at its latest sequence: those rows are exactly the live ones of that sequence.
        var stored = await StoredRowsAsync($"{db}/_changes");
        Assert.Equal(["3", "4", "5"], stored.Select(SeqOf));
        foreach (var row in stored)
        {
            Assert.Equal(row, live.Single(r => SeqOf(r) == SeqOf(row)));
        }

        Assert.Contains("\"deleted\":true", live[3], StringComparison.Ordinal);

        // doc_ids filters the same rows in memory: only "a" (at 1, unless that wake came late, then at 3), as storage shows it.
        var filteredRows = new List<string> { await NextRowAsync(filtered) };
        while (SeqOf(filteredRows[^1]) != "3")
        {
            filteredRows.Add(await NextRowAsync(filtered));
        }

        Assert.All(filteredRows, r => Assert.Equal("a", JsonDocument.Parse(r).RootElement.GetProperty("id").GetString()));
        Assert.Equal((await StoredRowsAsync($"{db}/_changes?filter=_doc_ids&doc_ids=%5B%22a%22%5D")).Single(), filteredRows[^1]);
    }

    [Fact]
    public async Task Feed_BehindWhatMemoryHolds_ReadsStorageAndGetsEveryChangeOnce()
    {
        var db = await Couch.CreateDatabaseAsync();
        using var follower = await OpenAsync($"{db}/_changes?feed=continuous&since=0&heartbeat=60000");
        await WriteAndReceiveAsync(follower, () => Couch.PutDocumentAsync(db, "d0", "{}"));
        await WriteAndReceiveAsync(follower, () => Couch.PutDocumentAsync(db, "d1", "{}"));

        // A commit too large to carry its rows drops what memory held: the next small commit starts over after it.
        var bulk = string.Join(",", Enumerable.Range(2, 70).Select(i => $$"""{"_id":"d{{i}}"}"""));
        Assert.Equal(HttpStatusCode.Created, (await Couch.PostAsync($"{db}/_bulk_docs", $$"""{"docs":[{{bulk}}]}""")).Status);
        await Couch.PutDocumentAsync(db, "d72", "{}");
        var recent = Hub.Recent(await KeyAsync(db));
        Assert.NotNull(recent);
        Assert.Equal(72, recent.From);
        Assert.Equal(73, recent.Through);

        // A reader at 1 is not covered (a missed notification looks the same): it reads storage, and gets 2..73 once each.
        var fromStorage = Metrics.PagesFromStorage;
        using var resumed = await OpenAsync($"{db}/_changes?feed=continuous&since=1&heartbeat=60000");
        var rows = new List<string>();
        for (var i = 0; i < 72; i++)
        {
            rows.Add(await NextRowAsync(resumed));
        }

        Assert.Equal(Enumerable.Range(2, 72).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), rows.Select(SeqOf));
        Assert.Equal(Enumerable.Range(1, 72).Select(i => $"d{i}"), rows.Select(r => JsonDocument.Parse(r).RootElement.GetProperty("id").GetString()));
        Assert.True(Metrics.PagesFromStorage > fromStorage);

        // And it continues live, from memory, without a row twice.
        var next = await WriteAndReceiveAsync(resumed, () => Couch.PutDocumentAsync(db, "d73", "{}"));
        Assert.Equal("74", SeqOf(next));
    }

    [Fact]
    public async Task RecentRows_OfADeletedDatabase_AreDropped()
    {
        var db = await Couch.CreateDatabaseAsync();
        using var feed = await OpenAsync($"{db}/_changes?feed=continuous&since=0&heartbeat=60000");
        await WriteAndReceiveAsync(feed, () => Couch.PutDocumentAsync(db, "x", "{}"));
        await WriteAndReceiveAsync(feed, () => Couch.PutDocumentAsync(db, "y", "{}"));
        var key = await KeyAsync(db);
        Assert.NotNull(Hub.Recent(key));

        Assert.Equal(HttpStatusCode.OK, (await Couch.DeleteAsync(db)).Status);

        Assert.Null(Hub.Recent(key));
    }

    private async Task<long> KeyAsync(string db) =>
        (await Server.Host.Services.GetRequiredService<Tessera.Storage.IDatabaseCatalog>().GetAsync(Server.Host.Tenant, db, Ct))!.Key;

    private async Task<string> RevAsync(string db, string id) => (await Couch.GetAsync($"{db}/{id}")).String("_rev");

    private async Task<List<string>> StoredRowsAsync(string path)
    {
        var response = await Couch.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return [.. response.Json.GetProperty("results").EnumerateArray().Select(r => r.GetRawText())];
    }

    private static string SeqOf(string row) => JsonDocument.Parse(row).RootElement.GetProperty("seq").GetString()!;

    private static async Task<string> WriteAndReceiveAsync(OpenFeed feed, Func<Task> write)
    {
        await write();
        return await NextRowAsync(feed);
    }

    private sealed record OpenFeed(HttpRequestMessage Request, HttpResponseMessage Response, StreamReader Lines) : IDisposable
    {
        public void Dispose()
        {
            Lines.Dispose();
            Response.Dispose();
            Request.Dispose();
        }
    }

    private async Task<OpenFeed> OpenAsync(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        var response = await Couch.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new OpenFeed(request, response, new StreamReader(await response.Content.ReadAsStreamAsync(Ct)));
    }

    /// <summary>The next row's raw text, as the server wrote it (heartbeat lines skipped).</summary>
    private static async Task<string> NextRowAsync(OpenFeed feed)
    {
        while (true)
        {
            var line = await feed.Lines.ReadLineAsync(Ct).AsTask().WaitAsync(FeedSocket.Bound, Ct) ?? throw new InvalidOperationException("The feed ended.");
            if (line.Length > 0)
            {
                return line;
            }
        }
    }
}
