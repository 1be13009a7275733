using System.Net;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary>What a replicator asks besides documents and changes: <c>_revs_diff</c> and <c>_bulk_get</c>.</summary>
public sealed class ReplicationTests(SqliteServer server) : CouchTestBase(server), IClassFixture<SqliteServer>
{
    private const string Root = "1-11111111111111111111111111111111";
    private const string Child = "2-22222222222222222222222222222222";
    private const string Unknown = "3-33333333333333333333333333333333";

    private async Task<string> SeedAsync()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.ReplicateAsync(db, $$$"""[{"_id":"doc","_rev":"{{{Child}}}","v":2,"_revisions":{"start":2,"ids":["{{{Child[2..]}}}","{{{Root[2..]}}}"]}}]""");
        return db;
    }

    [Fact]
    public async Task RevsDiff_MixOfKnownAndUnknown_ListsOnlyMissingWithPossibleAncestors()
    {
        var db = await SeedAsync();

        var response = await Couch.PostAsync($"{db}/_revs_diff", $$"""{"doc":["{{Root}}","{{Child}}","{{Unknown}}"],"other":["{{Root}}"]}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        CouchAssert.JsonEqual(
            $$$"""{"doc":{"missing":["{{{Unknown}}}"],"possible_ancestors":["{{{Child}}}"]},"other":{"missing":["{{{Root}}}"]}}""",
            response.Json);
    }

    [Fact]
    public async Task RevsDiff_AllKnown_ReturnsEmptyObject()
    {
        var db = await SeedAsync();

        var response = await Couch.PostAsync($"{db}/_revs_diff", $$"""{"doc":["{{Child}}"]}""");

        CouchAssert.JsonEqual("{}", response.Json);
    }

    [Fact]
    public async Task BulkGet_KnownAndMissing_ReturnsDocsAndErrorsInOrder()
    {
        var db = await SeedAsync();

        var response = await Couch.PostAsync($"{db}/_bulk_get?revs=true", $$"""{"docs":[{"id":"doc","rev":"{{Child}}"},{"id":"doc","rev":"{{Unknown}}"},{"id":"nothing"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var results = response.Json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(3, results.Count);
        var ok = Assert.Single(results[0].GetProperty("docs").EnumerateArray()).GetProperty("ok");
        Assert.Equal(Child, ok.GetProperty("_rev").GetString());
        Assert.Equal(2, ok.GetProperty("_revisions").GetProperty("start").GetInt32());
        CouchAssert.JsonEqual(
            $$$"""{"id":"doc","docs":[{"error":{"id":"doc","rev":"{{{Unknown}}}","error":"not_found","reason":"missing"}}]}""",
            results[1]);
        CouchAssert.JsonEqual(
            """{"id":"nothing","docs":[{"error":{"id":"nothing","rev":"undefined","error":"not_found","reason":"missing"}}]}""",
            results[2]);
    }

    [Fact]
    public async Task BulkGet_WithoutRev_ReturnsWinner()
    {
        var db = await SeedAsync();

        var response = await Couch.PostAsync($"{db}/_bulk_get", """{"docs":[{"id":"doc"}]}""");

        var doc = response.Json.GetProperty("results")[0].GetProperty("docs")[0].GetProperty("ok");
        CouchAssert.Document(doc, "doc", Child, """{"v":2}""");
    }

    [Fact]
    public async Task BulkGet_LatestWithAncestorRev_ReturnsTheLeafInstead()
    {
        var db = await SeedAsync();

        // The body read with the request is the asked revision's (none: an ancestor); the leaf's is read after the tree.
        var response = await Couch.PostAsync($"{db}/_bulk_get?latest=true", $$"""{"docs":[{"id":"doc","rev":"{{Root}}"},{"id":"doc","rev":"{{Child}}"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var results = response.Json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        CouchAssert.Document(Assert.Single(results[0].GetProperty("docs").EnumerateArray()).GetProperty("ok"), "doc", Child, """{"v":2}""");
        CouchAssert.Document(Assert.Single(results[1].GetProperty("docs").EnumerateArray()).GetProperty("ok"), "doc", Child, """{"v":2}""");
    }

    [Fact]
    public async Task BulkGet_AncestorRevWithoutLatest_ReturnsMissing()
    {
        var db = await SeedAsync();

        var response = await Couch.PostAsync($"{db}/_bulk_get", $$"""{"docs":[{"id":"doc","rev":"{{Root}}"}]}""");

        CouchAssert.JsonEqual(
            $$$"""{"results":[{"id":"doc","docs":[{"error":{"id":"doc","rev":"{{{Root}}}","error":"not_found","reason":"missing"}}]}]}""",
            response.Json);
    }

    [Theory]
    [InlineData("_revs_diff", "[]")]
    [InlineData("_revs_diff", """{"doc":"1-11111111111111111111111111111111"}""")]
    [InlineData("_revs_diff", """{"doc":["abc"]}""")]
    [InlineData("_revs_diff", """{"doc":[5]}""")]
    [InlineData("_bulk_get", "[]")]
    [InlineData("_bulk_get", "{}")]
    [InlineData("_bulk_get", """{"docs":{}}""")]
    [InlineData("_bulk_get", """{"docs":[5]}""")]
    [InlineData("_bulk_get", """{"docs":[{"rev":"1-11111111111111111111111111111111"}]}""")]
    [InlineData("_bulk_get", """{"docs":[{"id":"doc","rev":"abc"}]}""")]
    public async Task Replication_MalformedRequest_Returns400(string endpoint, string body)
    {
        var db = await SeedAsync();

        var response = await Couch.PostAsync($"{db}/{endpoint}", body);

        CouchAssert.Error(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task Replication_InMissingDatabase_Returns404()
    {
        var db = $"missing-{Guid.NewGuid():N}";

        CouchAssert.DatabaseMissing(await Couch.PostAsync($"{db}/_revs_diff", $$"""{"doc":["{{Root}}"]}"""));
        CouchAssert.DatabaseMissing(await Couch.PostAsync($"{db}/_bulk_get", """{"docs":[{"id":"doc"}]}"""));
    }
}
