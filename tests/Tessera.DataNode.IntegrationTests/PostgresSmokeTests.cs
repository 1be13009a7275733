using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Storage;
using Tessera.Testing;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary>
/// The same server on PostgreSQL (a fresh database of the assembly's <see cref="PostgresServer"/>): one pass through
/// each area, to prove the provider behind the HTTP API; the SQLite classes cover the details.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresSmokeTests(PostgresTesseraServer server) : CouchTestBase(server), IClassFixture<PostgresTesseraServer>
{
    [Fact]
    public void Server_WithConnectionString_StoresInPostgres()
    {
        // Guards the fixture itself: without this, a host that silently fell back to SQLite would pass every test here.
        var reader = Server.Host.Services.GetRequiredService<IDocumentReader>();

        Assert.StartsWith("Postgres", reader.GetType().Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DatabaseLifecycle_OnPostgres_CreatesCountsDeletesAndRecreatesEmpty()
    {
        var db = await Couch.CreateDatabaseAsync();
        CouchAssert.Error(await Couch.PutAsync(db), HttpStatusCode.PreconditionFailed, "file_exists");
        await Couch.PutDocumentAsync(db, "a", "{}");
        Assert.Contains(db, (await Couch.GetAsync("_all_dbs")).Json.EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(1, (await Couch.GetAsync(db)).Json.GetProperty("doc_count").GetInt64());

        Assert.Equal(HttpStatusCode.OK, (await Couch.DeleteAsync(db)).Status);
        CouchAssert.DatabaseMissing(await Couch.GetAsync(db));
        Assert.Equal(HttpStatusCode.Created, (await Couch.PutAsync(db)).Status);

        var info = (await Couch.GetAsync(db)).Json;
        Assert.Equal(0, info.GetProperty("doc_count").GetInt64());
        Assert.Equal("0", info.GetProperty("update_seq").GetString());
        CouchAssert.Missing(await Couch.GetAsync($"{db}/a"));
    }

    [Fact]
    public async Task DocumentEdits_OnPostgres_UpdateConflictDeleteAndReadOldRevision()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"v":1,"s":"ü☃"}""");
        var rev2 = await Couch.PutDocumentAsync(db, "doc", $$"""{"_rev":"{{rev1}}","v":2}""");
        var before = await Couch.StateAsync(db);

        CouchAssert.Conflict(await Couch.PutAsync($"{db}/doc", $$"""{"_rev":"{{rev1}}","v":3}"""));
        Assert.Equal(before, await Couch.StateAsync(db));

        CouchAssert.Document((await Couch.GetAsync($"{db}/doc?rev={rev1}")).Json, "doc", rev1, """{"v":1,"s":"ü☃"}""");
        var rev3 = CouchAssert.Written(await Couch.DeleteAsync($"{db}/doc?rev={rev2}"), HttpStatusCode.OK, "doc", 3);
        CouchAssert.Missing(await Couch.GetAsync($"{db}/doc"), "deleted");
        Assert.Equal(rev3, (await Couch.GetAsync($"{db}/doc?rev={rev3}")).String("_rev"));
    }

    [Fact]
    public async Task ReplicatedConflict_OnPostgres_PicksCouchDbWinnerAndListsConflict()
    {
        var db = await Couch.CreateDatabaseAsync();

        await Couch.ReplicateAsync(db, """
            [{"_id":"doc","_rev":"2-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","v":"b","_revisions":{"start":2,"ids":["bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","11111111111111111111111111111111"]}},
             {"_id":"doc","_rev":"2-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","v":"a","_revisions":{"start":2,"ids":["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","11111111111111111111111111111111"]}}]
            """);

        var doc = (await Couch.GetAsync($"{db}/doc?conflicts=true")).Json;
        Assert.Equal("2-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", doc.GetProperty("_rev").GetString());
        Assert.Equal(["2-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"], doc.GetProperty("_conflicts").EnumerateArray().Select(r => r.GetString()!));
        Assert.Equal(2, (await Couch.GetAsync($"{db}/doc?open_revs=all")).Json.GetArrayLength());
    }

    [Fact]
    public async Task AllDocsAndChanges_OnPostgres_ReturnRangesAndSequences()
    {
        var db = await Couch.CreateDatabaseAsync();
        foreach (var id in new[] { "c", "a", "b" })
        {
            await Couch.PutDocumentAsync(db, id, "{}");
        }

        var range = (await Couch.GetAsync($"{db}/_all_docs?startkey=%22b%22&limit=5")).Json;
        var keys = (await Couch.PostAsync($"{db}/_all_docs", """{"keys":["a","zz"]}""")).Json;
        var changes = (await Couch.GetAsync($"{db}/_changes?since=1")).Json;

        Assert.Equal(["b", "c"], CouchAssert.Ids(range.GetProperty("rows")));
        CouchAssert.JsonEqual("""{"key":"zz","error":"not_found"}""", keys.GetProperty("rows")[1]);
        Assert.Equal(["a", "b"], CouchAssert.Ids(changes.GetProperty("results")));
        Assert.Equal("3", changes.GetProperty("last_seq").GetString());
    }

    [Fact]
    public async Task LongPoll_OnPostgres_ReturnsWhenAnotherConnectionWrites()
    {
        var db = await Couch.CreateDatabaseAsync();
        var seq = (await Couch.GetAsync(db)).String("update_seq");
        using var listener = Server.CreateClient();

        var poll = listener.GetAsync($"{db}/_changes?feed=longpoll&since={seq}&timeout=60000");
        await Couch.PutDocumentAsync(db, "live", "{}");
        var response = await poll;

        Assert.Equal(["live"], CouchAssert.Ids(response.Json.GetProperty("results")));
    }

    [Fact]
    public async Task Attachment_OnPostgres_RoundTripsBinaryByteExact()
    {
        var db = await Couch.CreateDatabaseAsync();
        var bytes = new byte[20_000];
        Random.Shared.NextBytes(bytes);
        Array.Clear(bytes, 100, 500);

        CouchAssert.Written(await Couch.PutBytesAsync($"{db}/doc/blob.bin", bytes, "image/png"), HttpStatusCode.Created, "doc", 1);

        var response = await Couch.GetAsync($"{db}/doc/blob.bin");
        Assert.Equal("image/png", response.ContentType);
        Assert.Equal(bytes, response.Bytes);
    }

    [Fact]
    public async Task LocalDocument_OnPostgres_PutUpdateStaleDelete()
    {
        var db = await Couch.CreateDatabaseAsync();

        Assert.Equal("0-1", (await Couch.PutAsync($"{db}/_local/cp", """{"seq":1}""")).Rev);
        Assert.Equal("0-2", (await Couch.PutAsync($"{db}/_local/cp", """{"_rev":"0-1","seq":2}""")).Rev);
        CouchAssert.Conflict(await Couch.PutAsync($"{db}/_local/cp", """{"_rev":"0-1","seq":3}"""));
        CouchAssert.Document((await Couch.GetAsync($"{db}/_local/cp")).Json, "_local/cp", "0-2", """{"seq":2}""");
        Assert.Equal(HttpStatusCode.OK, (await Couch.DeleteAsync($"{db}/_local/cp?rev=0-2")).Status);
        CouchAssert.Missing(await Couch.GetAsync($"{db}/_local/cp"));
    }

    [Fact]
    public async Task HostileWrites_OnPostgres_AreRefusedAndChangeNothing()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");
        var before = await Couch.StateAsync(db);

        CouchAssert.Error(await Couch.PutAsync($"{db}/x", "{\"a\":"), HttpStatusCode.BadRequest, "bad_request", "invalid UTF-8 JSON");
        CouchAssert.Error(await Couch.PutAsync($"{db}/x", "[1]"), HttpStatusCode.BadRequest, "bad_request");
        CouchAssert.Error(await Couch.PutAsync($"{db}/_x", "{}"), HttpStatusCode.BadRequest, "illegal_docid");
        CouchAssert.Error(await Couch.PutAsync($"{db}/doc", """{"_rev":"abc"}"""), HttpStatusCode.BadRequest, "bad_request", "Invalid rev format");
        CouchAssert.Error(await Couch.PutAsync($"{db}/x", """{"_foo":1}"""), HttpStatusCode.BadRequest, "doc_validation");
        CouchAssert.Error(await Couch.PostAsync($"{db}/_bulk_docs", """{"docs":[{"_id":"ok"},5]}"""), HttpStatusCode.BadRequest, "bad_request");
        CouchAssert.Error(await Couch.PostAsync(db, """{"a":1}""", "text/plain"), HttpStatusCode.UnsupportedMediaType, "bad_content_type");
        var deep = "{\"a\":" + new string('[', 200) + new string(']', 200) + "}";
        CouchAssert.Error(await Couch.PutAsync($"{db}/x", deep), HttpStatusCode.BadRequest, "bad_request");
        var invalidUtf8 = new ByteArrayContent([.. Encoding.UTF8.GetBytes("{\"a\":\""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}")]);
        CouchAssert.Error(await Couch.SendAsync(HttpMethod.Put, $"{db}/x", invalidUtf8), HttpStatusCode.BadRequest, "bad_request");

        Assert.Equal(before, await Couch.StateAsync(db));
    }
}
