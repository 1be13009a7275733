using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary>Single documents: create, update (rev in body, <c>?rev=</c>, <c>If-Match</c>), delete, read options, ETags, design documents.</summary>
public sealed partial class DocumentTests(SqliteServer server) : CouchTestBase(server), IClassFixture<SqliteServer>
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

    [Fact]
    public async Task DeleteDocument_Missing_Returns404Missing()
    {
        var db = await Couch.CreateDatabaseAsync();
        var before = await Couch.StateAsync(db);

        CouchAssert.Missing(await Couch.DeleteAsync($"{db}/nothing?rev=1-967a00dff5e02add41819138abb3284d"));
        CouchAssert.Missing(await Couch.DeleteAsync($"{db}/nothing"));
        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
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
