using System.Net;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary><c>/{db}/_local/{id}</c>: non-replicated documents with "0-N" revisions, outside <c>_changes</c> and <c>_all_docs</c>.</summary>
public sealed class LocalDocumentTests(SqliteServer server) : CouchTestBase(server), IClassFixture<SqliteServer>
{
    [Fact]
    public async Task PutLocal_New_Returns201WithRev0Dash1()
    {
        var db = await Couch.CreateDatabaseAsync();

        var response = await Couch.PutAsync($"{db}/_local/checkpoint", """{"seq":"12","history":[1,2]}""");

        Assert.Equal(HttpStatusCode.Created, response.Status);
        CouchAssert.JsonEqual("""{"ok":true,"id":"_local/checkpoint","rev":"0-1"}""", response.Json);
        var doc = await Couch.GetAsync($"{db}/_local/checkpoint");
        Assert.Equal(HttpStatusCode.OK, doc.Status);
        CouchAssert.Document(doc.Json, "_local/checkpoint", "0-1", """{"seq":"12","history":[1,2]}""");
    }

    [Fact]
    public async Task PutLocal_UpdateWithRev_Returns0Dash2()
    {
        var db = await Couch.CreateDatabaseAsync();
        Assert.Equal("0-1", (await Couch.PutAsync($"{db}/_local/cp", """{"seq":1}""")).Rev);

        var inBody = await Couch.PutAsync($"{db}/_local/cp", """{"_rev":"0-1","seq":2}""");
        var inQuery = await Couch.PutAsync($"{db}/_local/cp?rev=0-2", """{"seq":3}""");

        CouchAssert.JsonEqual("""{"ok":true,"id":"_local/cp","rev":"0-2"}""", inBody.Json);
        CouchAssert.JsonEqual("""{"ok":true,"id":"_local/cp","rev":"0-3"}""", inQuery.Json);
        CouchAssert.Document((await Couch.GetAsync($"{db}/_local/cp")).Json, "_local/cp", "0-3", """{"seq":3}""");
    }

    [Fact]
    public async Task PutLocal_WithStaleRev_Returns409AndKeepsDocument()
    {
        // Note: Tessera checks local revisions, like CouchDB 1.x; CouchDB 3.x overwrites on any well-formed rev.
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutAsync($"{db}/_local/cp", """{"seq":1}""");
        await Couch.PutAsync($"{db}/_local/cp", """{"_rev":"0-1","seq":2}""");

        var response = await Couch.PutAsync($"{db}/_local/cp", """{"_rev":"0-1","seq":"stale"}""");

        CouchAssert.Conflict(response);
        CouchAssert.Document((await Couch.GetAsync($"{db}/_local/cp")).Json, "_local/cp", "0-2", """{"seq":2}""");
    }

    [Fact]
    public async Task PutLocal_ExistingWithoutRev_Returns409AndKeepsDocument()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutAsync($"{db}/_local/cp", """{"seq":1}""");

        var response = await Couch.PutAsync($"{db}/_local/cp", """{"seq":2}""");

        CouchAssert.Conflict(response);
        CouchAssert.Document((await Couch.GetAsync($"{db}/_local/cp")).Json, "_local/cp", "0-1", """{"seq":1}""");
    }

    [Fact]
    public async Task DeleteLocal_WithRev_Returns200AndGetIs404()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutAsync($"{db}/_local/cp", """{"seq":1}""");

        var response = await Couch.DeleteAsync($"{db}/_local/cp?rev=0-1");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        CouchAssert.JsonEqual("""{"ok":true,"id":"_local/cp","rev":"0-0"}""", response.Json);
        CouchAssert.Missing(await Couch.GetAsync($"{db}/_local/cp"));
    }

    [Fact]
    public async Task DeleteLocal_Missing_Returns404()
    {
        var db = await Couch.CreateDatabaseAsync();

        CouchAssert.Missing(await Couch.DeleteAsync($"{db}/_local/nothing?rev=0-1"));
    }

    [Fact]
    public async Task DeleteLocal_WithStaleRev_Returns409AndKeepsDocument()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutAsync($"{db}/_local/cp", """{"seq":1}""");
        await Couch.PutAsync($"{db}/_local/cp", """{"_rev":"0-1","seq":2}""");

        var response = await Couch.DeleteAsync($"{db}/_local/cp?rev=0-1");

        CouchAssert.Conflict(response);
        CouchAssert.Document((await Couch.GetAsync($"{db}/_local/cp")).Json, "_local/cp", "0-2", """{"seq":2}""");
    }

    [Fact]
    public async Task PutLocal_AfterDelete_StartsAgainAt0Dash1()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutAsync($"{db}/_local/cp", """{"seq":1}""");
        await Couch.DeleteAsync($"{db}/_local/cp?rev=0-1");

        var response = await Couch.PutAsync($"{db}/_local/cp", """{"seq":9}""");

        Assert.Equal("0-1", response.Rev);
    }

    [Fact]
    public async Task GetLocal_Missing_Returns404()
    {
        var db = await Couch.CreateDatabaseAsync();

        CouchAssert.Missing(await Couch.GetAsync($"{db}/_local/nothing"));
    }

    [Fact]
    public async Task LocalDocuments_Written_StayOutOfChangesAllDocsAndCounts()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "doc", "{}");
        var before = await Couch.StateAsync(db);
        var allDocs = (await Couch.GetAsync($"{db}/_all_docs")).Body;

        await Couch.PutAsync($"{db}/_local/cp", """{"seq":1}""");
        await Couch.PutAsync($"{db}/_local/cp", """{"_rev":"0-1","seq":2}""");

        Assert.Equal(before, await Couch.StateAsync(db));
        Assert.Equal(allDocs, (await Couch.GetAsync($"{db}/_all_docs")).Body);
    }

    [Fact]
    public async Task Local_IdWithSlash_IsOneDocument()
    {
        var db = await Couch.CreateDatabaseAsync();

        var response = await Couch.PutAsync($"{db}/_local/replication/abc", """{"x":1}""");

        CouchAssert.JsonEqual("""{"ok":true,"id":"_local/replication/abc","rev":"0-1"}""", response.Json);
        CouchAssert.Document((await Couch.GetAsync($"{db}/_local/replication%2Fabc")).Json, "_local/replication/abc", "0-1", """{"x":1}""");
    }

    [Fact]
    public async Task Local_InMissingDatabase_Returns404()
    {
        var db = $"missing-{Guid.NewGuid():N}";

        CouchAssert.DatabaseMissing(await Couch.GetAsync($"{db}/_local/cp"));
        CouchAssert.DatabaseMissing(await Couch.PutAsync($"{db}/_local/cp", "{}"));
        CouchAssert.DatabaseMissing(await Couch.DeleteAsync($"{db}/_local/cp?rev=0-1"));
    }
}
