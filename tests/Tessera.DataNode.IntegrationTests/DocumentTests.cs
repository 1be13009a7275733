using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary>Single documents: create, update (rev in body, <c>?rev=</c>, <c>If-Match</c>), delete, read options, ETags, design documents.</summary>
public sealed class DocumentTests(SqliteServer server) : CouchTestBase(server), IClassFixture<SqliteServer>
{
    [Fact]
    public async Task PostDocument_WithoutId_Returns201WithGeneratedId()
    {
        var db = await Couch.CreateDatabaseAsync();

        var response = await Couch.PostAsync(db, """{"name":"ann","n":1}""");

        Assert.Equal(HttpStatusCode.Created, response.Status);
        var id = response.String("id");
        Assert.Matches("^[0-9a-f]{32}$", id);
        var rev = CouchAssert.Written(response, HttpStatusCode.Created, id, 1);
        Assert.Equal($"\"{rev}\"", response.ETag);
        Assert.EndsWith($"/t/dev/{db}/{id}", response.Headers.Location?.ToString(), StringComparison.Ordinal);
        CouchAssert.Document((await Couch.GetAsync($"{db}/{id}")).Json, id, rev, """{"name":"ann","n":1}""");
    }

    [Fact]
    public async Task PostDocument_WithId_UsesTheId()
    {
        var db = await Couch.CreateDatabaseAsync();

        var response = await Couch.PostAsync(db, """{"_id":"given","a":1}""");

        var rev = CouchAssert.Written(response, HttpStatusCode.Created, "given", 1);
        CouchAssert.Document((await Couch.GetAsync($"{db}/given")).Json, "given", rev, """{"a":1}""");
    }

    [Fact]
    public async Task PutDocument_New_Returns201AndStoresBodyExactly()
    {
        var db = await Couch.CreateDatabaseAsync();
        const string body = """{"s":"héllo ☃ \"quoted\"","n":-12.5,"big":12345678901234567890,"t":true,"z":null,"list":[1,"two",{"three":[3]}],"o":{}}""";

        var response = await Couch.PutAsync($"{db}/doc1", body);

        var rev = CouchAssert.Written(response, HttpStatusCode.Created, "doc1", 1);
        Assert.Equal($"\"{rev}\"", response.ETag);
        CouchAssert.Document((await Couch.GetAsync($"{db}/doc1")).Json, "doc1", rev, body);
    }

    [Fact]
    public async Task PutDocument_BodyIdDiffersFromUrl_UrlIdWins()
    {
        var db = await Couch.CreateDatabaseAsync();

        var response = await Couch.PutAsync($"{db}/fromurl", """{"_id":"frombody","a":1}""");

        CouchAssert.Written(response, HttpStatusCode.Created, "fromurl", 1);
        CouchAssert.Missing(await Couch.GetAsync($"{db}/frombody"));
    }

    [Fact]
    public async Task PutDocument_UpdateWithRevInBody_Returns201WithNextGeneration()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");

        var response = await Couch.PutAsync($"{db}/doc", $$"""{"_rev":"{{rev1}}","v":2}""");

        var rev2 = CouchAssert.Written(response, HttpStatusCode.Created, "doc", 2);
        CouchAssert.Document((await Couch.GetAsync($"{db}/doc")).Json, "doc", rev2, """{"v":2}""");
    }

    [Fact]
    public async Task PutDocument_UpdateWithRevQuery_Returns201()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");

        var response = await Couch.PutAsync($"{db}/doc?rev={rev1}", """{"v":2}""");

        var rev2 = CouchAssert.Written(response, HttpStatusCode.Created, "doc", 2);
        CouchAssert.Document((await Couch.GetAsync($"{db}/doc")).Json, "doc", rev2, """{"v":2}""");
    }

    [Fact]
    public async Task PutDocument_UpdateWithIfMatch_Returns201()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");

        var response = await Couch.SendAsync(HttpMethod.Put, $"{db}/doc", Json("""{"v":2}"""), h => h.IfMatch.Add(new EntityTagHeaderValue($"\"{rev1}\"")));

        var rev2 = CouchAssert.Written(response, HttpStatusCode.Created, "doc", 2);
        CouchAssert.Document((await Couch.GetAsync($"{db}/doc")).Json, "doc", rev2, """{"v":2}""");
    }

    [Fact]
    public async Task PutDocument_WithStaleRev_Returns409ConflictAndChangesNothing()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");
        await Couch.PutDocumentAsync(db, "doc", $$"""{"_rev":"{{rev1}}","v":2}""");
        var before = await Couch.StateAsync(db);

        CouchAssert.Conflict(await Couch.PutAsync($"{db}/doc", $$"""{"_rev":"{{rev1}}","v":3}"""));
        CouchAssert.Conflict(await Couch.PutAsync($"{db}/doc?rev={rev1}", """{"v":3}"""));
        CouchAssert.Conflict(await Couch.SendAsync(HttpMethod.Put, $"{db}/doc", Json("""{"v":3}"""), h => h.IfMatch.Add(new EntityTagHeaderValue($"\"{rev1}\""))));

        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task PutDocument_ExistingWithoutRev_Returns409ConflictAndChangesNothing()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");
        var before = await Couch.StateAsync(db);

        var response = await Couch.PutAsync($"{db}/doc", """{"v":2}""");

        CouchAssert.Conflict(response);
        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task PutDocument_NewWithRev_Returns409Conflict()
    {
        var db = await Couch.CreateDatabaseAsync();
        var before = await Couch.StateAsync(db);

        var response = await Couch.PutAsync($"{db}/doc", """{"_rev":"1-967a00dff5e02add41819138abb3284d"}""");

        CouchAssert.Conflict(response);
        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task PutDocument_BodyRevAndQueryRevDiffer_Returns400AndChangesNothing()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");
        var rev2 = await Couch.PutDocumentAsync(db, "doc", $$"""{"_rev":"{{rev1}}","v":2}""");
        var before = await Couch.StateAsync(db);

        var response = await Couch.PutAsync($"{db}/doc?rev={rev1}", $$"""{"_rev":"{{rev2}}","v":3}""");

        CouchAssert.Error(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task PutDocument_InMissingDatabase_Returns404()
    {
        var response = await Couch.PutAsync($"missing-{Guid.NewGuid():N}/doc", "{}");

        CouchAssert.DatabaseMissing(response);
    }

    [Fact]
    public async Task DeleteDocument_WithRev_Returns200AndGetSaysDeleted()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");

        var response = await Couch.DeleteAsync($"{db}/doc?rev={rev1}");

        var rev2 = CouchAssert.Written(response, HttpStatusCode.OK, "doc", 2);
        Assert.Equal($"\"{rev2}\"", response.ETag);
        CouchAssert.Missing(await Couch.GetAsync($"{db}/doc"), "deleted");
        var info = (await Couch.GetAsync(db)).Json;
        Assert.Equal(0, info.GetProperty("doc_count").GetInt64());
        Assert.Equal(1, info.GetProperty("doc_del_count").GetInt64());
    }

    [Fact]
    public async Task DeleteDocument_WithIfMatch_Returns200()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", "{}");

        var response = await Couch.SendAsync(HttpMethod.Delete, $"{db}/doc", null, h => h.IfMatch.Add(new EntityTagHeaderValue($"\"{rev1}\"")));

        CouchAssert.Written(response, HttpStatusCode.OK, "doc", 2);
        CouchAssert.Missing(await Couch.GetAsync($"{db}/doc"), "deleted");
    }

    [Fact]
    public async Task DeleteDocument_WithoutRev_Returns409ConflictAndChangesNothing()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");
        var before = await Couch.StateAsync(db);

        var response = await Couch.DeleteAsync($"{db}/doc");

        CouchAssert.Conflict(response);
        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task DeleteDocument_WithStaleRev_Returns409ConflictAndChangesNothing()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");
        await Couch.PutDocumentAsync(db, "doc", $$"""{"_rev":"{{rev1}}","v":2}""");
        var before = await Couch.StateAsync(db);

        var response = await Couch.DeleteAsync($"{db}/doc?rev={rev1}");

        CouchAssert.Conflict(response);
        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact(Skip = "server bug: DELETE of a document that does not exist answers 409 conflict; CouchDB 3 (chttpd_db db_doc_req 'DELETE' opens the doc first) answers 404 missing")]
    public async Task DeleteDocument_Missing_Returns404Missing()
    {
        var db = await Couch.CreateDatabaseAsync();
        var before = await Couch.StateAsync(db);

        CouchAssert.Missing(await Couch.DeleteAsync($"{db}/nothing?rev=1-967a00dff5e02add41819138abb3284d"));
        CouchAssert.Missing(await Couch.DeleteAsync($"{db}/nothing"));
        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact(Skip = "server bug: DELETE ?rev=<tombstone rev> of an already deleted document answers 200 and writes another tombstone (3-...); CouchDB 3 opens the winner first and answers 404 deleted")]
    public async Task DeleteDocument_AlreadyDeleted_Returns404Deleted()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", "{}");
        var rev2 = (await Couch.DeleteAsync($"{db}/doc?rev={rev1}")).Rev;
        var before = await Couch.StateAsync(db);

        CouchAssert.Missing(await Couch.DeleteAsync($"{db}/doc?rev={rev2}"), "deleted");
        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task PutDocument_AfterDelete_RecreatesOnTopOfTombstone()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");
        await Couch.DeleteAsync($"{db}/doc?rev={rev1}");

        var response = await Couch.PutAsync($"{db}/doc", """{"v":"again"}""");

        var rev3 = CouchAssert.Written(response, HttpStatusCode.Created, "doc", 3);
        CouchAssert.Document((await Couch.GetAsync($"{db}/doc")).Json, "doc", rev3, """{"v":"again"}""");
    }

    [Fact]
    public async Task GetDocument_Missing_Returns404Missing()
    {
        var db = await Couch.CreateDatabaseAsync();

        CouchAssert.Missing(await Couch.GetAsync($"{db}/nothing"));
    }

    [Fact]
    public async Task GetDocument_InMissingDatabase_Returns404()
    {
        CouchAssert.DatabaseMissing(await Couch.GetAsync($"missing-{Guid.NewGuid():N}/doc"));
    }

    [Fact]
    public async Task GetDocument_WithOldRev_ReturnsThatRevision()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");
        await Couch.PutDocumentAsync(db, "doc", $$"""{"_rev":"{{rev1}}","v":2}""");

        var response = await Couch.GetAsync($"{db}/doc?rev={rev1}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        CouchAssert.Document(response.Json, "doc", rev1, """{"v":1}""");
        Assert.Equal($"\"{rev1}\"", response.ETag);
    }

    [Fact]
    public async Task GetDocument_WithRevOfDeletion_ReturnsTombstone()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");
        var rev2 = (await Couch.DeleteAsync($"{db}/doc?rev={rev1}")).Rev;

        var response = await Couch.GetAsync($"{db}/doc?rev={rev2}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        CouchAssert.Document(response.Json, "doc", rev2, """{"_deleted":true}""");
    }

    [Fact]
    public async Task GetDocument_WithUnknownRev_Returns404Missing()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "doc", "{}");

        CouchAssert.Missing(await Couch.GetAsync($"{db}/doc?rev=1-967a00dff5e02add41819138abb3284d"));
        CouchAssert.Missing(await Couch.GetAsync($"{db}/doc?rev=9-967a00dff5e02add41819138abb3284d"));
    }

    [Fact]
    public async Task GetDocument_RevsTrue_ReturnsRevisionPathNewestFirst()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");
        var rev2 = await Couch.PutDocumentAsync(db, "doc", $$"""{"_rev":"{{rev1}}","v":2}""");
        var rev3 = await Couch.PutDocumentAsync(db, "doc", $$"""{"_rev":"{{rev2}}","v":3}""");

        var doc = (await Couch.GetAsync($"{db}/doc?revs=true")).Json;

        var revisions = doc.GetProperty("_revisions");
        Assert.Equal(3, revisions.GetProperty("start").GetInt32());
        Assert.Equal([Hash(rev3), Hash(rev2), Hash(rev1)], revisions.GetProperty("ids").EnumerateArray().Select(i => i.GetString()!));
        Assert.Equal(rev3, doc.GetProperty("_rev").GetString());
    }

    [Fact]
    public async Task GetDocument_RevsTrueWithOldRev_ReturnsThatRevisionsPath()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");
        var rev2 = await Couch.PutDocumentAsync(db, "doc", $$"""{"_rev":"{{rev1}}","v":2}""");
        await Couch.PutDocumentAsync(db, "doc", $$"""{"_rev":"{{rev2}}","v":3}""");

        var revisions = (await Couch.GetAsync($"{db}/doc?revs=true&rev={rev2}")).Json.GetProperty("_revisions");

        Assert.Equal(2, revisions.GetProperty("start").GetInt32());
        Assert.Equal([Hash(rev2), Hash(rev1)], revisions.GetProperty("ids").EnumerateArray().Select(i => i.GetString()!));
    }

    [Fact]
    public async Task GetDocument_RevsInfoTrue_ListsEveryRevisionAsAvailable()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");
        var rev2 = await Couch.PutDocumentAsync(db, "doc", $$"""{"_rev":"{{rev1}}","v":2}""");

        var doc = (await Couch.GetAsync($"{db}/doc?revs_info=true")).Json;

        CouchAssert.JsonEqual(
            $$"""[{"rev":"{{rev2}}","status":"available"},{"rev":"{{rev1}}","status":"available"}]""",
            doc.GetProperty("_revs_info"));
    }

    [Fact]
    public async Task GetDocument_IfNoneMatchCurrentETag_Returns304WithoutBody()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev = await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");
        var etag = (await Couch.GetAsync($"{db}/doc")).ETag;
        Assert.Equal($"\"{rev}\"", etag);

        var response = await Couch.SendAsync(HttpMethod.Get, $"{db}/doc", null, h => h.IfNoneMatch.Add(new EntityTagHeaderValue(etag!)));

        Assert.Equal(HttpStatusCode.NotModified, response.Status);
        Assert.Empty(response.Bytes);
    }

    [Fact]
    public async Task GetDocument_IfNoneMatchOldETag_Returns200WithCurrentDocument()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");
        var rev2 = await Couch.PutDocumentAsync(db, "doc", $$"""{"_rev":"{{rev1}}","v":2}""");

        var response = await Couch.SendAsync(HttpMethod.Get, $"{db}/doc", null, h => h.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{rev1}\"")));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        CouchAssert.Document(response.Json, "doc", rev2, """{"v":2}""");
        Assert.Equal($"\"{rev2}\"", response.ETag);
    }

    [Fact]
    public async Task HeadDocument_Existing_Returns200WithETagAndNoBody()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev = await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");

        var response = await Couch.HeadAsync($"{db}/doc");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal($"\"{rev}\"", response.ETag);
        Assert.Empty(response.Bytes);
    }

    [Fact]
    public async Task HeadDocument_Missing_Returns404WithoutBody()
    {
        var db = await Couch.CreateDatabaseAsync();

        var response = await Couch.HeadAsync($"{db}/nothing");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Empty(response.Bytes);
    }

    [Fact]
    public async Task DesignDocument_PutGetUpdateDelete_BehavesLikeADocument()
    {
        var db = await Couch.CreateDatabaseAsync();
        const string body = """{"language":"javascript","views":{"by_name":{"map":"function (doc) { emit(doc.name); }"}}}""";

        var created = await Couch.PutAsync($"{db}/_design/app", body);
        var rev1 = CouchAssert.Written(created, HttpStatusCode.Created, "_design/app", 1);
        CouchAssert.Document((await Couch.GetAsync($"{db}/_design/app")).Json, "_design/app", rev1, body);

        var updated = await Couch.PutAsync($"{db}/_design/app?rev={rev1}", """{"views":{}}""");
        var rev2 = CouchAssert.Written(updated, HttpStatusCode.Created, "_design/app", 2);
        Assert.Contains("_design/app", CouchAssert.Ids((await Couch.GetAsync($"{db}/_all_docs")).Json.GetProperty("rows")));
        Assert.Equal(rev1, (await Couch.GetAsync($"{db}/_design/app?rev={rev1}")).String("_rev"));

        var deleted = await Couch.DeleteAsync($"{db}/_design/app?rev={rev2}");
        CouchAssert.Written(deleted, HttpStatusCode.OK, "_design/app", 3);
        CouchAssert.Missing(await Couch.GetAsync($"{db}/_design/app"), "deleted");
    }

    [Fact]
    public async Task DesignDocument_WithEncodedSlash_IsTheSameDocument()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev = CouchAssert.Written(await Couch.PutAsync($"{db}/_design%2Fapp", "{}"), HttpStatusCode.Created, "_design/app", 1);

        var response = await Couch.GetAsync($"{db}/_design/app");

        CouchAssert.Document(response.Json, "_design/app", rev, "{}");
    }

    [Fact]
    public async Task Document_IdWithReservedCharacters_RoundTripsThroughEncoding()
    {
        var db = await Couch.CreateDatabaseAsync();
        const string id = "a b/c?d#e&f+ü=;";

        var rev = CouchAssert.Written(await Couch.PutAsync($"{db}/{Uri.EscapeDataString(id)}", """{"x":1}"""), HttpStatusCode.Created, id, 1);

        CouchAssert.Document((await Couch.GetAsync($"{db}/{Uri.EscapeDataString(id)}")).Json, id, rev, """{"x":1}""");
        Assert.Equal([id], CouchAssert.Ids((await Couch.GetAsync($"{db}/_all_docs")).Json.GetProperty("rows")));
    }

    [Fact(Skip = "server bug: ids are percent-decoded twice (Kestrel, then RouteNames.Decode), so PUT /db/50%2541 stores the id \"50A\" instead of \"50%41\"; the same applies to database and attachment names")]
    public async Task PutDocument_IdWithEncodedPercent_KeepsThePercentLiterally()
    {
        var db = await Couch.CreateDatabaseAsync();
        const string id = "50%41";

        var response = await Couch.PutAsync($"{db}/{Uri.EscapeDataString(id)}", "{}");

        CouchAssert.Written(response, HttpStatusCode.Created, id, 1);
        Assert.Equal([id], CouchAssert.Ids((await Couch.GetAsync($"{db}/_all_docs")).Json.GetProperty("rows")));
    }

    private static string Hash(string rev) => rev[(rev.IndexOf('-', StringComparison.Ordinal) + 1)..];

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, CouchClient.Json);
}
