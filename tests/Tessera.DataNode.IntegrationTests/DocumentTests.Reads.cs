using System.Net;
using System.Net.Http.Headers;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary>Reading single documents: old revisions, <c>revs</c>, <c>revs_info</c>, ETags, HEAD, design documents and ids.</summary>
public sealed partial class DocumentTests
{
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
}
