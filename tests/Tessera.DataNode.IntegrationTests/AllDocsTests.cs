using System.Net;
using System.Text.Json;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary><c>GET/POST /{db}/_all_docs</c>: ranges, paging, ordering, <c>include_docs</c> and <c>keys</c>.</summary>
public sealed class AllDocsTests(SqliteServer server) : CouchTestBase(server), IClassFixture<SqliteServer>
{
    /// <summary>Documents a, b, d, e live and c deleted; returns the database and each document's current revision.</summary>
    private async Task<(string Db, Dictionary<string, string> Revs)> SeedAsync()
    {
        var db = await Couch.CreateDatabaseAsync();
        var revs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in new[] { "e", "b", "a", "d", "c" })
        {
            revs[id] = await Couch.PutDocumentAsync(db, id, $$"""{"name":"{{id}}"}""");
        }

        revs["c"] = (await Couch.DeleteAsync($"{db}/c?rev={revs["c"]}")).Rev;
        return (db, revs);
    }

    [Fact]
    public async Task GetAllDocs_Default_ReturnsLiveDocumentsSortedById()
    {
        var (db, revs) = await SeedAsync();

        var response = await Couch.GetAsync($"{db}/_all_docs");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var json = response.Json;
        Assert.Equal(4, json.GetProperty("total_rows").GetInt64());
        Assert.Equal(0, json.GetProperty("offset").GetInt64());
        CouchAssert.JsonEqual(
            $$$"""
            [{"id":"a","key":"a","value":{"rev":"{{{revs["a"]}}}"}},
             {"id":"b","key":"b","value":{"rev":"{{{revs["b"]}}}"}},
             {"id":"d","key":"d","value":{"rev":"{{{revs["d"]}}}"}},
             {"id":"e","key":"e","value":{"rev":"{{{revs["e"]}}}"}}]
            """,
            json.GetProperty("rows"));
    }

    [Theory]
    [InlineData("startkey=%22b%22&endkey=%22d%22", new[] { "b", "d" })]
    [InlineData("start_key=%22b%22&end_key=%22d%22", new[] { "b", "d" })]
    [InlineData("startkey=%22bb%22", new[] { "d", "e" })]
    [InlineData("endkey=%22d%22&inclusive_end=false", new[] { "a", "b" })]
    [InlineData("endkey=%22d%22&inclusive_end=true", new[] { "a", "b", "d" })]
    [InlineData("limit=2", new[] { "a", "b" })]
    [InlineData("limit=0", new string[0])]
    [InlineData("skip=1&limit=2", new[] { "b", "d" })]
    [InlineData("skip=10", new string[0])]
    [InlineData("descending=true", new[] { "e", "d", "b", "a" })]
    [InlineData("descending=true&startkey=%22d%22", new[] { "d", "b", "a" })]
    [InlineData("descending=true&startkey=%22d%22&endkey=%22b%22&inclusive_end=false", new[] { "d" })]
    [InlineData("descending=true&limit=1&skip=1", new[] { "d" })]
    [InlineData("key=%22b%22", new[] { "b" })]
    [InlineData("keys=%5B%22e%22%2C%22a%22%5D", new[] { "e", "a" })]
    public async Task GetAllDocs_WithQueryOptions_ReturnsSelectedRows(string query, string[] expected)
    {
        var (db, _) = await SeedAsync();

        var response = await Couch.GetAsync($"{db}/_all_docs?{query}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(expected, CouchAssert.Ids(response.Json.GetProperty("rows")));
        Assert.Equal(4, response.Json.GetProperty("total_rows").GetInt64());
    }

    [Fact]
    public async Task GetAllDocs_WithSkip_ReportsOffset()
    {
        var (db, _) = await SeedAsync();

        var json = (await Couch.GetAsync($"{db}/_all_docs?skip=2")).Json;

        Assert.Equal(2, json.GetProperty("offset").GetInt64());
        Assert.Equal(["d", "e"], CouchAssert.Ids(json.GetProperty("rows")));
    }

    [Fact]
    public async Task GetAllDocs_IncludeDocs_EmbedsEachDocument()
    {
        var (db, revs) = await SeedAsync();

        var rows = (await Couch.GetAsync($"{db}/_all_docs?include_docs=true&limit=2")).Json.GetProperty("rows").EnumerateArray().ToList();

        Assert.Equal(2, rows.Count);
        CouchAssert.Document(rows[0].GetProperty("doc"), "a", revs["a"], """{"name":"a"}""");
        CouchAssert.Document(rows[1].GetProperty("doc"), "b", revs["b"], """{"name":"b"}""");
    }

    [Fact]
    public async Task GetAllDocs_UpdateSeqTrue_ReportsSequence()
    {
        var (db, _) = await SeedAsync();
        var seq = (await Couch.GetAsync(db)).String("update_seq");

        var json = (await Couch.GetAsync($"{db}/_all_docs?update_seq=true")).Json;

        Assert.Equal(seq, json.GetProperty("update_seq").GetString());
    }

    [Fact]
    public async Task PostAllDocs_KeysWithMissingAndDeleted_ReturnsRowsInKeyOrder()
    {
        var (db, revs) = await SeedAsync();

        var response = await Couch.PostAsync($"{db}/_all_docs", """{"keys":["e","missing","c","a"]}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        CouchAssert.JsonEqual(
            $$$"""
            [{"id":"e","key":"e","value":{"rev":"{{{revs["e"]}}}"}},
             {"key":"missing","error":"not_found"},
             {"id":"c","key":"c","value":{"rev":"{{{revs["c"]}}}","deleted":true}},
             {"id":"a","key":"a","value":{"rev":"{{{revs["a"]}}}"}}]
            """,
            response.Json.GetProperty("rows"));
    }

    [Fact]
    public async Task PostAllDocs_KeysWithIncludeDocs_GivesDeletedRowsANullDoc()
    {
        var (db, revs) = await SeedAsync();

        var response = await Couch.PostAsync($"{db}/_all_docs?include_docs=true", """{"keys":["c","a","missing"]}""");

        var rows = response.Json.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("doc").ValueKind);
        Assert.True(rows[0].GetProperty("value").GetProperty("deleted").GetBoolean());
        CouchAssert.Document(rows[1].GetProperty("doc"), "a", revs["a"], """{"name":"a"}""");
        CouchAssert.JsonEqual("""{"key":"missing","error":"not_found"}""", rows[2]);
    }

    [Fact]
    public async Task GetAllDocs_EmptyDatabase_ReturnsNoRows()
    {
        var db = await Couch.CreateDatabaseAsync();

        var json = (await Couch.GetAsync($"{db}/_all_docs")).Json;

        Assert.Equal(0, json.GetProperty("total_rows").GetInt64());
        Assert.Empty(json.GetProperty("rows").EnumerateArray());
    }

    [Fact]
    public async Task GetAllDocs_InMissingDatabase_Returns404()
    {
        CouchAssert.DatabaseMissing(await Couch.GetAsync($"missing-{Guid.NewGuid():N}/_all_docs"));
    }

    [Theory]
    [InlineData("limit=abc")]
    [InlineData("limit=-1")]
    [InlineData("skip=abc")]
    [InlineData("skip=-1")]
    [InlineData("descending=maybe")]
    [InlineData("include_docs=yes")]
    [InlineData("inclusive_end=1")]
    [InlineData("startkey=abc")]
    [InlineData("endkey=%7B")]
    [InlineData("keys=abc")]
    public async Task GetAllDocs_WithInvalidQueryParameter_Returns400QueryParseError(string query)
    {
        var (db, _) = await SeedAsync();

        var response = await Couch.GetAsync($"{db}/_all_docs?{query}");

        CouchAssert.Error(response, HttpStatusCode.BadRequest, "query_parse_error");
    }
}
