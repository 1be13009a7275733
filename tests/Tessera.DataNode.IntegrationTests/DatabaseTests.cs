using System.Net;
using System.Text.Json;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary>Database lifecycle and settings: PUT, GET, HEAD, DELETE, <c>_revs_limit</c>, <c>_compact</c>, <c>_ensure_full_commit</c>.</summary>
public sealed class DatabaseTests(SqliteServer server) : CouchTestBase(server), IClassFixture<SqliteServer>
{
    [Fact]
    public async Task PutDatabase_New_Returns201WithLocation()
    {
        var name = $"db-{Guid.NewGuid():N}";

        var response = await Couch.PutAsync(name);

        Assert.Equal(HttpStatusCode.Created, response.Status);
        CouchAssert.JsonEqual("""{"ok":true}""", response.Json);
        Assert.EndsWith($"/t/dev/{name}", response.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutDatabase_Existing_Returns412FileExistsAndKeepsData()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "doc", """{"a":1}""");
        var before = await Couch.StateAsync(db);

        var response = await Couch.PutAsync(db);

        CouchAssert.Error(response, HttpStatusCode.PreconditionFailed, "file_exists", "The database could not be created, the file already exists.");
        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Theory]
    [InlineData("A")]
    [InlineData("Abc")]
    [InlineData("1abc")]
    [InlineData("_x")]
    [InlineData("a%20b")]
    [InlineData("a%22b")]
    public async Task PutDatabase_WithIllegalName_Returns400IllegalDatabaseName(string name)
    {
        var response = await Couch.PutAsync(name);

        CouchAssert.Error(response, HttpStatusCode.BadRequest, "illegal_database_name");
        Assert.DoesNotContain(Uri.UnescapeDataString(name), (await Couch.GetAsync("_all_dbs")).Json.EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public async Task PutDatabase_WithIllegalName_ReasonQuotesTheName()
    {
        var response = await Couch.PutAsync("A");

        CouchAssert.Error(
            response,
            HttpStatusCode.BadRequest,
            "illegal_database_name",
            "Name: 'A'. Only lowercase characters (a-z), digits (0-9), and any of the characters _, $, (, ), +, -, and / are allowed. Must begin with a letter.");
    }

    [Fact]
    public async Task PutDatabase_WithEncodedSlash_CreatesDatabaseWithSlashInName()
    {
        var name = $"team-{Guid.NewGuid():N}/orders";

        var response = await Couch.PutAsync(Uri.EscapeDataString(name));

        Assert.Equal(HttpStatusCode.Created, response.Status);
        var info = await Couch.GetAsync(Uri.EscapeDataString(name));
        Assert.Equal(name, info.String("db_name"));
    }

    [Fact]
    public async Task GetDatabase_New_ReturnsZeroCountsAndStringSequence()
    {
        var db = await Couch.CreateDatabaseAsync();

        var response = await Couch.GetAsync(db);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var info = response.Json;
        Assert.Equal(db, info.GetProperty("db_name").GetString());
        Assert.Equal(0, info.GetProperty("doc_count").GetInt64());
        Assert.Equal(0, info.GetProperty("doc_del_count").GetInt64());
        Assert.Equal(JsonValueKind.String, info.GetProperty("update_seq").ValueKind);
        Assert.Equal(JsonValueKind.String, info.GetProperty("purge_seq").ValueKind);
        Assert.Equal(JsonValueKind.Object, info.GetProperty("sizes").ValueKind);
        Assert.False(info.GetProperty("compact_running").GetBoolean());
    }

    [Fact]
    public async Task GetDatabase_AfterWritesAndDelete_CountsDocumentsAndDeletions()
    {
        var db = await Couch.CreateDatabaseAsync();
        var before = (await Couch.GetAsync(db)).String("update_seq");
        await Couch.PutDocumentAsync(db, "a", "{}");
        var rev = await Couch.PutDocumentAsync(db, "b", "{}");
        Assert.Equal(HttpStatusCode.OK, (await Couch.DeleteAsync($"{db}/b?rev={rev}")).Status);

        var info = (await Couch.GetAsync(db)).Json;

        Assert.Equal(1, info.GetProperty("doc_count").GetInt64());
        Assert.Equal(1, info.GetProperty("doc_del_count").GetInt64());
        Assert.NotEqual(before, info.GetProperty("update_seq").GetString());
        Assert.Equal(info.GetProperty("update_seq").GetString(), (await Couch.GetAsync($"{db}/_changes")).String("last_seq"));
    }

    [Fact]
    public async Task GetDatabase_Missing_Returns404DatabaseDoesNotExist()
    {
        var response = await Couch.GetAsync($"missing-{Guid.NewGuid():N}");

        CouchAssert.DatabaseMissing(response);
    }

    [Fact]
    public async Task HeadDatabase_Existing_Returns200WithoutBody()
    {
        var db = await Couch.CreateDatabaseAsync();

        var response = await Couch.HeadAsync(db);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Empty(response.Bytes);
    }

    [Fact]
    public async Task HeadDatabase_Missing_Returns404WithoutBody()
    {
        var response = await Couch.HeadAsync($"missing-{Guid.NewGuid():N}");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Empty(response.Bytes);
    }

    [Fact]
    public async Task DeleteDatabase_Existing_Returns200ThenDatabaseIsGone()
    {
        var db = await Couch.CreateDatabaseAsync();

        var response = await Couch.DeleteAsync(db);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        CouchAssert.JsonEqual("""{"ok":true}""", response.Json);
        CouchAssert.DatabaseMissing(await Couch.GetAsync(db));
        CouchAssert.DatabaseMissing(await Couch.DeleteAsync(db));
    }

    [Fact]
    public async Task DeleteDatabase_WithRevParameter_Returns400AndKeepsDatabase()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev = await Couch.PutDocumentAsync(db, "doc", "{}");
        var before = await Couch.StateAsync(db);

        var response = await Couch.DeleteAsync($"{db}?rev={rev}");

        CouchAssert.Error(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task PutDatabase_AfterDelete_IsEmpty()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "doc", """{"a":1}""");
        Assert.Equal(HttpStatusCode.Created, (await Couch.PutAsync($"{db}/_local/checkpoint", """{"seq":1}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Couch.DeleteAsync(db)).Status);

        Assert.Equal(HttpStatusCode.Created, (await Couch.PutAsync(db)).Status);

        var info = (await Couch.GetAsync(db)).Json;
        Assert.Equal(0, info.GetProperty("doc_count").GetInt64());
        Assert.Equal(0, info.GetProperty("doc_del_count").GetInt64());
        Assert.Equal("0", info.GetProperty("update_seq").GetString());
        Assert.Empty((await Couch.GetAsync($"{db}/_all_docs")).Json.GetProperty("rows").EnumerateArray());
        Assert.Empty((await Couch.GetAsync($"{db}/_changes")).Json.GetProperty("results").EnumerateArray());
        CouchAssert.Missing(await Couch.GetAsync($"{db}/doc"));
        CouchAssert.Missing(await Couch.GetAsync($"{db}/_local/checkpoint"));
    }

    [Fact]
    public async Task GetRevsLimit_New_Returns1000()
    {
        var db = await Couch.CreateDatabaseAsync();

        var response = await Couch.GetAsync($"{db}/_revs_limit");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(1000, response.Json.GetInt32());
    }

    [Fact]
    public async Task PutRevsLimit_Positive_ReturnsOkAndIsReadBack()
    {
        var db = await Couch.CreateDatabaseAsync();

        var response = await Couch.PutAsync($"{db}/_revs_limit", "7");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        CouchAssert.JsonEqual("""{"ok":true}""", response.Json);
        Assert.Equal(7, (await Couch.GetAsync($"{db}/_revs_limit")).Json.GetInt32());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("\"5\"")]
    [InlineData("{\"limit\":5}")]
    [InlineData("")]
    public async Task PutRevsLimit_Invalid_Returns400AndKeepsLimit(string body)
    {
        var db = await Couch.CreateDatabaseAsync();
        Assert.Equal(HttpStatusCode.OK, (await Couch.PutAsync($"{db}/_revs_limit", "9")).Status);

        var response = await Couch.PutAsync($"{db}/_revs_limit", body);

        CouchAssert.Error(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.Equal(9, (await Couch.GetAsync($"{db}/_revs_limit")).Json.GetInt32());
    }

    [Fact]
    public async Task RevsLimit_OfMissingDatabase_Returns404()
    {
        var db = $"missing-{Guid.NewGuid():N}";

        CouchAssert.DatabaseMissing(await Couch.GetAsync($"{db}/_revs_limit"));
        CouchAssert.DatabaseMissing(await Couch.PutAsync($"{db}/_revs_limit", "5"));
    }

    [Fact]
    public async Task PostCompact_WithJson_Returns202()
    {
        var db = await Couch.CreateDatabaseAsync();

        var response = await Couch.PostAsync($"{db}/_compact", "");

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        CouchAssert.JsonEqual("""{"ok":true}""", response.Json);
    }

    [Fact]
    public async Task PostCompact_WithoutJsonContentType_Returns415()
    {
        var db = await Couch.CreateDatabaseAsync();

        var response = await Couch.PostAsync($"{db}/_compact", "", contentType: null);

        CouchAssert.Error(response, HttpStatusCode.UnsupportedMediaType, "bad_content_type", "Content-Type must be application/json");
    }

    [Fact]
    public async Task PostCompact_OfMissingDatabase_Returns404()
    {
        var response = await Couch.PostAsync($"missing-{Guid.NewGuid():N}/_compact", "");

        CouchAssert.DatabaseMissing(response);
    }

    [Fact]
    public async Task PostEnsureFullCommit_Always_Returns201Ok()
    {
        var db = await Couch.CreateDatabaseAsync();

        var response = await Couch.PostAsync($"{db}/_ensure_full_commit", "");

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.True(response.Json.GetProperty("ok").GetBoolean());
        Assert.Equal(JsonValueKind.String, response.Json.GetProperty("instance_start_time").ValueKind);
    }

    [Fact]
    public async Task PostEnsureFullCommit_WithoutJsonContentType_Returns415()
    {
        var db = await Couch.CreateDatabaseAsync();

        var response = await Couch.PostAsync($"{db}/_ensure_full_commit", "", contentType: "text/plain");

        CouchAssert.Error(response, HttpStatusCode.UnsupportedMediaType, "bad_content_type");
    }

    [Fact]
    public async Task PostEnsureFullCommit_OfMissingDatabase_Returns404()
    {
        var response = await Couch.PostAsync($"missing-{Guid.NewGuid():N}/_ensure_full_commit", "");

        CouchAssert.DatabaseMissing(response);
    }

    [Fact]
    public async Task Security_PutThenGet_RoundTrips()
    {
        var db = await Couch.CreateDatabaseAsync();
        const string security = """{"admins":{"names":["ann"],"roles":[]},"members":{"names":[],"roles":["staff"]}}""";

        var put = await Couch.PutAsync($"{db}/_security", security);

        Assert.Equal(HttpStatusCode.OK, put.Status);
        CouchAssert.JsonEqual(security, (await Couch.GetAsync($"{db}/_security")).Json);
    }
}
