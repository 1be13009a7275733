using System.Net;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary><c>POST /{db}/_bulk_docs</c> with interactive edits (<c>new_edits</c> true, the default).</summary>
public sealed class BulkDocsTests(SqliteServer server) : CouchTestBase(server), IClassFixture<SqliteServer>
{
    [Fact]
    public async Task BulkDocs_MixedSuccessAndConflict_Returns201WithOneResultPerDocumentInOrder()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "existing", """{"v":1}""");
        var rev2 = await Couch.PutDocumentAsync(db, "existing", $$"""{"_rev":"{{rev1}}","v":2}""");

        var response = await Couch.PostAsync($"{db}/_bulk_docs", $$"""
            {"docs":[
              {"_id":"new","v":1},
              {"_id":"existing","_rev":"{{rev1}}","v":"stale"},
              {"v":"no id"},
              {"_id":"existing2","_rev":"{{rev2}}","v":"wrong doc"}
            ]}
            """);

        Assert.Equal(HttpStatusCode.Created, response.Status);
        var results = response.Json.EnumerateArray().ToList();
        Assert.Equal(4, results.Count);
        Assert.True(results[0].GetProperty("ok").GetBoolean());
        Assert.Equal("new", results[0].GetProperty("id").GetString());
        Assert.StartsWith("1-", results[0].GetProperty("rev").GetString(), StringComparison.Ordinal);
        CouchAssert.JsonEqual("""{"id":"existing","error":"conflict","reason":"Document update conflict."}""", results[1]);
        Assert.True(results[2].GetProperty("ok").GetBoolean());
        Assert.Matches("^[0-9a-f]{32}$", results[2].GetProperty("id").GetString());
        CouchAssert.JsonEqual("""{"id":"existing2","error":"conflict","reason":"Document update conflict."}""", results[3]);

        CouchAssert.Document((await Couch.GetAsync($"{db}/existing")).Json, "existing", rev2, """{"v":2}""");
        CouchAssert.Document((await Couch.GetAsync($"{db}/new")).Json, "new", results[0].GetProperty("rev").GetString()!, """{"v":1}""");
        CouchAssert.Missing(await Couch.GetAsync($"{db}/existing2"));
        Assert.Equal(3, (await Couch.GetAsync(db)).Json.GetProperty("doc_count").GetInt64());
    }

    [Fact]
    public async Task BulkDocs_UpdatesAndDeletes_AppliesEach()
    {
        var db = await Couch.CreateDatabaseAsync();
        var a = await Couch.PutDocumentAsync(db, "a", """{"v":1}""");
        var b = await Couch.PutDocumentAsync(db, "b", """{"v":1}""");

        var response = await Couch.PostAsync($"{db}/_bulk_docs", $$"""{"docs":[{"_id":"a","_rev":"{{a}}","v":2},{"_id":"b","_rev":"{{b}}","_deleted":true}]}""");

        Assert.Equal(HttpStatusCode.Created, response.Status);
        var results = response.Json.EnumerateArray().ToList();
        Assert.All(results, r => Assert.True(r.GetProperty("ok").GetBoolean()));
        CouchAssert.Document((await Couch.GetAsync($"{db}/a")).Json, "a", results[0].GetProperty("rev").GetString()!, """{"v":2}""");
        CouchAssert.Missing(await Couch.GetAsync($"{db}/b"), "deleted");
    }

    [Fact]
    public async Task BulkDocs_SameIdTwiceInOneRequest_SecondConflicts()
    {
        var db = await Couch.CreateDatabaseAsync();

        var response = await Couch.PostAsync($"{db}/_bulk_docs", """{"docs":[{"_id":"twin","v":1},{"_id":"twin","v":2}]}""");

        Assert.Equal(HttpStatusCode.Created, response.Status);
        var results = response.Json.EnumerateArray().ToList();
        Assert.True(results[0].GetProperty("ok").GetBoolean());
        CouchAssert.JsonEqual("""{"id":"twin","error":"conflict","reason":"Document update conflict."}""", results[1]);
        CouchAssert.Document((await Couch.GetAsync($"{db}/twin")).Json, "twin", results[0].GetProperty("rev").GetString()!, """{"v":1}""");
    }

    [Fact]
    public async Task BulkDocs_EmptyDocs_Returns201EmptyArrayAndChangesNothing()
    {
        var db = await Couch.CreateDatabaseAsync();
        var before = await Couch.StateAsync(db);

        var response = await Couch.PostAsync($"{db}/_bulk_docs", """{"docs":[]}""");

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal("[]", response.Body.Trim());
        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task BulkDocs_InMissingDatabase_Returns404()
    {
        var response = await Couch.PostAsync($"missing-{Guid.NewGuid():N}/_bulk_docs", """{"docs":[{"_id":"a"}]}""");

        CouchAssert.DatabaseMissing(response);
    }

    [Fact]
    public async Task BulkDocsNewEditsFalse_WithoutRevision_Returns400AndWritesNothing()
    {
        var db = await Couch.CreateDatabaseAsync();
        var before = await Couch.StateAsync(db);

        var response = await Couch.PostAsync($"{db}/_bulk_docs", """{"new_edits":false,"docs":[{"_id":"a","_rev":"1-11111111111111111111111111111111"},{"_id":"b","v":1}]}""");

        CouchAssert.Error(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.Equal(before, await Couch.StateAsync(db));
    }
}
