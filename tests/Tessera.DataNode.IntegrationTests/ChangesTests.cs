using System.Net;
using System.Text.Json;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary><c>GET/POST /{db}/_changes</c>: normal, longpoll and continuous feeds and their options.</summary>
public sealed class ChangesTests(SqliteServer server) : CouchTestBase(server), IClassFixture<SqliteServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Writes a (1), b (2), a again (3), c (4) then deletes b (5).</summary>
    private async Task<(string Db, Dictionary<string, string> Revs)> SeedAsync()
    {
        var db = await Couch.CreateDatabaseAsync();
        var revs = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["a"] = await Couch.PutDocumentAsync(db, "a", """{"v":1}"""),
            ["b"] = await Couch.PutDocumentAsync(db, "b", """{"v":1}"""),
        };
        revs["a"] = await Couch.PutDocumentAsync(db, "a", $$"""{"_rev":"{{revs["a"]}}","v":2}""");
        revs["c"] = await Couch.PutDocumentAsync(db, "c", """{"v":1}""");
        revs["b"] = (await Couch.DeleteAsync($"{db}/b?rev={revs["b"]}")).Rev;
        return (db, revs);
    }

    [Fact]
    public async Task GetChanges_Normal_ListsEachDocumentOnceAtItsLatestSequence()
    {
        var (db, revs) = await SeedAsync();

        var response = await Couch.GetAsync($"{db}/_changes");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var json = response.Json;
        CouchAssert.JsonEqual(
            $$"""
            [{"seq":"3","id":"a","changes":[{"rev":"{{revs["a"]}}"}]},
             {"seq":"4","id":"c","changes":[{"rev":"{{revs["c"]}}"}]},
             {"seq":"5","id":"b","changes":[{"rev":"{{revs["b"]}}"}],"deleted":true}]
            """,
            json.GetProperty("results"));
        Assert.Equal("5", json.GetProperty("last_seq").GetString());
        Assert.Equal(0, json.GetProperty("pending").GetInt64());
    }

    [Fact]
    public async Task GetChanges_Since_ReturnsOnlyLaterChanges()
    {
        var (db, _) = await SeedAsync();

        var json = (await Couch.GetAsync($"{db}/_changes?since=3")).Json;

        Assert.Equal(["c", "b"], CouchAssert.Ids(json.GetProperty("results")));
        Assert.Equal("5", json.GetProperty("last_seq").GetString());
    }

    [Fact]
    public async Task GetChanges_SinceLastSeq_ReturnsNothingAndSameLastSeq()
    {
        var (db, _) = await SeedAsync();
        var last = (await Couch.GetAsync($"{db}/_changes")).String("last_seq");

        var json = (await Couch.GetAsync($"{db}/_changes?since={Uri.EscapeDataString(last)}")).Json;

        Assert.Empty(json.GetProperty("results").EnumerateArray());
        Assert.Equal(last, json.GetProperty("last_seq").GetString());
    }

    [Fact]
    public async Task GetChanges_Limit_StopsAndReportsPending()
    {
        var (db, _) = await SeedAsync();

        var json = (await Couch.GetAsync($"{db}/_changes?limit=1")).Json;

        Assert.Equal(["a"], CouchAssert.Ids(json.GetProperty("results")));
        Assert.Equal("3", json.GetProperty("last_seq").GetString());
        Assert.Equal(2, json.GetProperty("pending").GetInt64());

        var next = (await Couch.GetAsync($"{db}/_changes?since={json.GetProperty("last_seq").GetString()}&limit=1")).Json;
        Assert.Equal(["c"], CouchAssert.Ids(next.GetProperty("results")));
    }

    [Fact]
    public async Task GetChanges_IncludeDocs_EmbedsDocumentsAndTombstones()
    {
        var (db, revs) = await SeedAsync();

        var results = (await Couch.GetAsync($"{db}/_changes?include_docs=true")).Json.GetProperty("results").EnumerateArray().ToList();

        CouchAssert.Document(results[0].GetProperty("doc"), "a", revs["a"], """{"v":2}""");
        CouchAssert.JsonEqual($$"""{"_id":"b","_rev":"{{revs["b"]}}","_deleted":true}""", results[2].GetProperty("doc"));
    }

    [Fact]
    public async Task GetChanges_Descending_ListsNewestFirst()
    {
        var (db, _) = await SeedAsync();

        var json = (await Couch.GetAsync($"{db}/_changes?descending=true")).Json;

        Assert.Equal(["b", "c", "a"], CouchAssert.Ids(json.GetProperty("results")));
        Assert.Equal(["5", "4", "3"], json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("seq").GetString()!));
    }

    [Fact]
    public async Task GetChanges_DescendingWithLimit_ReturnsNewest()
    {
        var (db, _) = await SeedAsync();

        var json = (await Couch.GetAsync($"{db}/_changes?descending=true&limit=1")).Json;

        Assert.Equal(["b"], CouchAssert.Ids(json.GetProperty("results")));
        Assert.Equal("5", json.GetProperty("last_seq").GetString());
    }

    [Fact]
    public async Task GetChanges_DocIdsFilterInQuery_ListsOnlyThoseDocuments()
    {
        var (db, _) = await SeedAsync();

        var json = (await Couch.GetAsync($"{db}/_changes?filter=_doc_ids&doc_ids={Uri.EscapeDataString("[\"c\",\"a\",\"nothing\"]")}")).Json;

        Assert.Equal(["a", "c"], CouchAssert.Ids(json.GetProperty("results")));
    }

    [Fact]
    public async Task PostChanges_DocIdsFilterInBody_ListsOnlyThoseDocuments()
    {
        var (db, _) = await SeedAsync();

        var response = await Couch.PostAsync($"{db}/_changes?filter=_doc_ids", """{"doc_ids":["b"]}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var row = Assert.Single(response.Json.GetProperty("results").EnumerateArray());
        Assert.Equal("b", row.GetProperty("id").GetString());
        Assert.True(row.GetProperty("deleted").GetBoolean());
    }

    [Fact]
    public async Task PostChanges_WithEmptyObject_BehavesLikeGet()
    {
        var (db, _) = await SeedAsync();

        var response = await Couch.PostAsync($"{db}/_changes?since=4", "{}");

        Assert.Equal(["b"], CouchAssert.Ids(response.Json.GetProperty("results")));
    }

    [Fact]
    public async Task GetChanges_SinceNow_ReturnsNothingAndCurrentSequence()
    {
        var (db, _) = await SeedAsync();

        var json = (await Couch.GetAsync($"{db}/_changes?since=now")).Json;

        Assert.Empty(json.GetProperty("results").EnumerateArray());
        Assert.Equal("5", json.GetProperty("last_seq").GetString());
    }

    [Fact]
    public async Task GetChanges_StyleAllDocs_ListsEveryLeaf()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.ReplicateAsync(db, """
            [{"_id":"doc","_rev":"1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","v":1},
             {"_id":"doc","_rev":"1-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","v":2}]
            """);

        var main = Assert.Single((await Couch.GetAsync($"{db}/_changes")).Json.GetProperty("results").EnumerateArray());
        var all = Assert.Single((await Couch.GetAsync($"{db}/_changes?style=all_docs")).Json.GetProperty("results").EnumerateArray());

        Assert.Equal(["1-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"], Revs(main));
        Assert.Equal(["1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "1-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"], Revs(all).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetChanges_InMissingDatabase_Returns404()
    {
        CouchAssert.DatabaseMissing(await Couch.GetAsync($"missing-{Guid.NewGuid():N}/_changes"));
    }

    [Fact]
    public async Task GetChangesLongPoll_WriteOnAnotherConnection_ReturnsWithThatChange()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "before", "{}");
        var seq = (await Couch.GetAsync(db)).String("update_seq");
        using var listener = Server.CreateClient();

        // Since the current sequence, the request can only answer once a later change exists: no race with the write.
        var poll = listener.GetAsync($"{db}/_changes?feed=longpoll&since={seq}&timeout=60000");
        var rev = await Couch.PutDocumentAsync(db, "live", """{"v":1}""");
        var response = await poll;

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var row = Assert.Single(response.Json.GetProperty("results").EnumerateArray());
        Assert.Equal("live", row.GetProperty("id").GetString());
        Assert.Equal([rev], Revs(row));
        Assert.Equal(row.GetProperty("seq").GetString(), response.String("last_seq"));
    }

    [Fact]
    public async Task GetChangesLongPoll_WithEarlierChanges_ReturnsAtOnce()
    {
        var (db, _) = await SeedAsync();

        var json = (await Couch.GetAsync($"{db}/_changes?feed=longpoll&since=4&timeout=60000")).Json;

        Assert.Equal(["b"], CouchAssert.Ids(json.GetProperty("results")));
    }

    [Fact]
    public async Task GetChangesLongPoll_NoChangeWithinTimeout_ReturnsEmptyResults()
    {
        var (db, _) = await SeedAsync();

        var json = (await Couch.GetAsync($"{db}/_changes?feed=longpoll&since=5&timeout=50")).Json;

        Assert.Empty(json.GetProperty("results").EnumerateArray());
        Assert.Equal("5", json.GetProperty("last_seq").GetString());
    }

    [Fact]
    public async Task GetChangesContinuous_WriteOnAnotherConnection_StreamsTheRow()
    {
        var db = await Couch.CreateDatabaseAsync();
        var seq = (await Couch.GetAsync(db)).String("update_seq");
        using var listener = Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{db}/_changes?feed=continuous&since={seq}&timeout=60000");

        // Since the current sequence, the feed streams the write whether it starts before or after it; headers are
        // awaited only after the write (see GetChangesContinuous_BeforeAnyChange_SendsHeadersAtOnce).
        var opening = listener.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        var rev = await Couch.PutDocumentAsync(db, "live", """{"v":1}""");
        using var response = await opening;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync(Ct);
        using var lines = new StreamReader(stream);

        var line = await ReadRowAsync(lines);
        var row = JsonDocument.Parse(line).RootElement;
        Assert.True(row.TryGetProperty("id", out var id), $"Expected a change row, got {line}");
        Assert.Equal("live", id.GetString());
        Assert.Equal([rev], Revs(row));
        Assert.Equal(JsonValueKind.String, row.GetProperty("seq").ValueKind);
    }

    [Fact]
    public async Task GetChangesContinuous_BeforeAnyChange_SendsHeadersAtOnce()
    {
        var db = await Couch.CreateDatabaseAsync();
        var seq = (await Couch.GetAsync(db)).String("update_seq");
        using var listener = Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{db}/_changes?feed=continuous&since={seq}&timeout=60000");

        using var response = await listener.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync(Ct);
        using var lines = new StreamReader(stream);
        var rev = await Couch.PutDocumentAsync(db, "live", """{"v":1}""");

        var line = await ReadRowAsync(lines);
        var row = JsonDocument.Parse(line).RootElement;
        Assert.True(row.TryGetProperty("id", out var id), $"Expected a change row, got {line}");
        Assert.Equal("live", id.GetString());
        Assert.Equal([rev], Revs(row));
    }

    [Fact]
    public async Task GetChangesContinuous_WithTimeout_StreamsRowsThenEndsWithLastSeq()
    {
        var (db, _) = await SeedAsync();

        var response = await Couch.GetAsync($"{db}/_changes?feed=continuous&since=3&timeout=50");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var lines = response.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("c", JsonDocument.Parse(lines[0]).RootElement.GetProperty("id").GetString());
        Assert.Equal("b", JsonDocument.Parse(lines[1]).RootElement.GetProperty("id").GetString());
        CouchAssert.JsonEqual("""{"last_seq":"5","pending":0}""", JsonDocument.Parse(lines[2]).RootElement);
    }

    [Fact]
    public async Task GetChangesContinuous_WithLimit_EndsAfterThatManyRows()
    {
        var (db, _) = await SeedAsync();

        var response = await Couch.GetAsync($"{db}/_changes?feed=continuous&limit=1&timeout=60000");

        var lines = response.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("a", JsonDocument.Parse(lines[0]).RootElement.GetProperty("id").GetString());
        Assert.Equal("3", JsonDocument.Parse(lines[1]).RootElement.GetProperty("last_seq").GetString());
    }

    [Theory]
    [InlineData("limit=abc")]
    [InlineData("limit=-1")]
    [InlineData("since=abc")]
    [InlineData("feed=bogus")]
    [InlineData("style=bogus")]
    [InlineData("timeout=abc")]
    [InlineData("heartbeat=abc")]
    [InlineData("filter=_doc_ids&doc_ids=abc")]
    [InlineData("filter=_doc_ids&doc_ids=%5B1%5D")]
    public async Task GetChanges_WithInvalidQueryParameter_Returns400(string query)
    {
        // Note: CouchDB answers most of these with error "bad_request", Tessera with "query_parse_error": only the status is asserted.
        var (db, _) = await SeedAsync();

        var response = await Couch.GetAsync($"{db}/_changes?{query}");

        CouchAssert.Error(response, HttpStatusCode.BadRequest, error: null);
    }

    [Theory]
    [InlineData("timeout=5000000000")]
    [InlineData("timeout=99999999999999999")]
    [InlineData("feed=longpoll&timeout=5000000000")]
    [InlineData("feed=continuous&heartbeat=99999999999999999&limit=1")]
    public async Task GetChanges_WithHugeTimeout_CapsItAndAnswers(string query)
    {
        var (db, _) = await SeedAsync();

        var response = await Couch.GetAsync($"{db}/_changes?since=4&{query}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Contains("\"b\"", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostChanges_BodyNotAnObject_Returns400()
    {
        var (db, _) = await SeedAsync();

        var response = await Couch.PostAsync($"{db}/_changes", "[1]");

        CouchAssert.Error(response, HttpStatusCode.BadRequest, "bad_request", "Request body must be a JSON object");
    }

    private static async Task<string> ReadRowAsync(StreamReader lines)
    {
        while (true)
        {
            // An empty line is a heartbeat.
            var line = await lines.ReadLineAsync(Ct) ?? throw new InvalidOperationException("The feed ended before a row arrived.");
            if (line.Length > 0)
            {
                return line;
            }
        }
    }

    private static string[] Revs(JsonElement row) => [.. row.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("rev").GetString()!)];
}
