using System.Net;
using System.Text.Json;
using Tessera.Testing;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary>
/// Documents as served: <c>_id</c>, <c>_rev</c>, the stored body's members once each, then the extras asked for
/// (Documents/DocumentJsonWriter.cs). On PostgreSQL the stored text is jsonb's own rendering, so these run there.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class DocumentOutputTests(PostgresTesseraServer server) : CouchTestBase(server), IClassFixture<PostgresTesseraServer>
{
    [Fact]
    public async Task GetDocument_WithRevisions_HasEachMemberOnceAndExtrasAfterTheBody()
    {
        var db = await Couch.CreateDatabaseAsync();
        var body = """{"s":"ü☃ \"q\" \\ \n","n":[1,2.5,{"a":null}],"e":{},"t":true}""";
        var rev = await Couch.PutDocumentAsync(db, "doc", body);

        var response = await Couch.GetAsync($"{db}/doc?revs=true&conflicts=true");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var names = response.Json.EnumerateObject().Select(m => m.Name).ToList();
        Assert.Equal(7, names.Count);
        Assert.Equal(["_id", "_rev"], names.Take(2));
        Assert.Equal("_revisions", names[^1]);
        Assert.Equal(["e", "n", "s", "t"], names.Skip(2).Take(4).Order(StringComparer.Ordinal));
        CouchAssert.JsonEqual(body, Without(response.Json, "_id", "_rev", "_revisions"));
        Assert.Equal(rev, response.String("_rev"));
        Assert.Equal(1, response.Json.GetProperty("_revisions").GetProperty("start").GetInt32());
    }

    [Fact]
    public async Task BulkGet_EmptyAndDeletedBodies_AreWellFormedDocuments()
    {
        var db = await Couch.CreateDatabaseAsync();
        var empty = await Couch.PutDocumentAsync(db, "empty", "{}");
        var gone = await Couch.PutDocumentAsync(db, "gone", """{"x":1}""");
        var deleted = CouchAssert.Written(await Couch.DeleteAsync($"{db}/gone?rev={gone}"), HttpStatusCode.OK, "gone", 2);

        var response = await Couch.PostAsync($"{db}/_bulk_get?revs=true",
            $$"""{"docs":[{"id":"empty","rev":"{{empty}}"},{"id":"gone","rev":"{{deleted}}"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var docs = response.Json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("docs")[0].GetProperty("ok")).ToList();
        Assert.Equal(["_id", "_rev", "_revisions"], docs[0].EnumerateObject().Select(m => m.Name));
        Assert.Equal(empty, docs[0].GetProperty("_rev").GetString());
        Assert.Equal(["_id", "_rev", "_deleted", "_revisions"], docs[1].EnumerateObject().Select(m => m.Name));
        Assert.True(docs[1].GetProperty("_deleted").GetBoolean());
        Assert.Equal(2, docs[1].GetProperty("_revisions").GetProperty("ids").GetArrayLength());
    }

    private static JsonElement Without(JsonElement doc, params string[] names)
    {
        var members = doc.EnumerateObject().Where(m => !names.Contains(m.Name)).ToDictionary(m => m.Name, m => m.Value);
        return JsonSerializer.SerializeToElement(members);
    }
}
