using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Storage;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary>The server and tenant roots, <c>_all_dbs</c>, and tenant isolation.</summary>
public sealed class ServerTests(SqliteServer server) : CouchTestBase(server), IClassFixture<SqliteServer>
{
    [Fact]
    public void Server_WithoutConnectionString_StoresInSqlite()
    {
        var reader = Server.Host.Services.GetRequiredService<IDocumentReader>();

        Assert.StartsWith("Sqlite", reader.GetType().Name, StringComparison.Ordinal);
        Assert.Equal("dev", Server.Host.Tenant);
        Assert.Equal("127.0.0.1", Server.Host.BaseAddress.Host);
    }

    [Fact]
    public async Task GetServerRoot_Always_ReturnsWelcome()
    {
        var response = await Couch.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(CouchClient.Json, response.ContentType);
        AssertWelcome(response.Json);
    }

    [Fact]
    public async Task GetServerRoot_CalledTwice_ReturnsSameUuid()
    {
        var first = await Couch.GetAsync("/");
        var second = await Couch.GetAsync("/");

        Assert.Equal(first.String("uuid"), second.String("uuid"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/t/dev")]
    public async Task GetTenantRoot_WithOrWithoutSlash_ReturnsWelcomeWithStableUuid(string path)
    {
        var first = await Couch.GetAsync(path);
        var second = await Couch.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        AssertWelcome(first.Json);
        Assert.Equal(first.String("uuid"), second.String("uuid"));
    }

    [Fact]
    public async Task GetSession_WithTheTenantAdminKey_ReportsTheKeyAndTheAdminRole()
    {
        var response = await Couch.GetAsync("_session");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.True(response.Json.GetProperty("ok").GetBoolean());
        var user = response.Json.GetProperty("userCtx");
        Assert.Equal(Server.Host.ApiKey, user.GetProperty("name").GetString());
        Assert.Equal(["_admin"], user.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("basic", response.Json.GetProperty("info").GetProperty("authenticated").GetString());
    }

    [Fact]
    public async Task GetSession_WithoutCredentials_ReportsAnAnonymousCaller()
    {
        using var anonymous = new CouchClient(Server.Host.CreateAnonymousClient());

        var response = await anonymous.GetAsync("_session");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var user = response.Json.GetProperty("userCtx");
        Assert.Equal(JsonValueKind.Null, user.GetProperty("name").ValueKind);
        Assert.Empty(user.GetProperty("roles").EnumerateArray());
    }

    [Fact]
    public async Task GetSession_OfAnotherTenant_DoesNotTakeTheseCredentialsForItsOwn()
    {
        var response = await Couch.GetAsync("/t/other/_session");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(JsonValueKind.Null, response.Json.GetProperty("userCtx").GetProperty("name").ValueKind);
        Assert.Empty(response.Json.GetProperty("userCtx").GetProperty("roles").EnumerateArray());
    }

    [Fact]
    public async Task GetTenantRoot_OfAnyTenant_IsAPublicWelcomeWithItsOwnUuid()
    {
        var ours = await Couch.GetAsync("");
        var other = await Couch.GetAsync("/t/other/");

        Assert.Equal(HttpStatusCode.OK, other.Status);
        AssertWelcome(other.Json);
        Assert.NotEqual(ours.Json.GetProperty("uuid").GetString(), other.Json.GetProperty("uuid").GetString());
    }

    [Fact]
    public async Task GetUp_OnTenant_ReturnsStatusOk()
    {
        var response = await Couch.GetAsync("_up");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        CouchAssert.JsonEqual("""{"status":"ok"}""", response.Json);
    }

    [Fact]
    public async Task GetAllDbs_AfterCreates_ListsDatabasesSorted()
    {
        var b = await Couch.CreateDatabaseAsync("b");
        var a = await Couch.CreateDatabaseAsync("a");

        var response = await Couch.GetAsync("_all_dbs");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var names = response.Json.EnumerateArray().Select(n => n.GetString()!).ToList();
        Assert.Contains(a, names);
        Assert.Contains(b, names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task GetAllDbs_AfterDelete_OmitsDatabase()
    {
        var db = await Couch.CreateDatabaseAsync();
        Assert.Equal(HttpStatusCode.OK, (await Couch.DeleteAsync(db)).Status);

        var response = await Couch.GetAsync("_all_dbs");

        Assert.DoesNotContain(db, response.Json.EnumerateArray().Select(n => n.GetString()));
    }

    public static TheoryData<string, string, string?> UnknownTenantRequests => new()
    {
        { "GET", "_all_dbs", null },
        { "PUT", "{db}", null },
        { "GET", "{db}", null },
        { "HEAD", "{db}", null },
        { "DELETE", "{db}", null },
        { "POST", "{db}", """{"_id":"x"}""" },
        { "GET", "{db}/doc", null },
        { "HEAD", "{db}/doc", null },
        { "PUT", "{db}/doc", """{"a":1}""" },
        { "DELETE", "{db}/doc?rev=1-967a00dff5e02add41819138abb3284d", null },
        { "GET", "{db}/_design/x", null },
        { "PUT", "{db}/_design/x", "{}" },
        { "GET", "{db}/doc/file.txt", null },
        { "PUT", "{db}/doc/file.txt", "text" },
        { "DELETE", "{db}/doc/file.txt?rev=1-967a00dff5e02add41819138abb3284d", null },
        { "GET", "{db}/_all_docs", null },
        { "POST", "{db}/_all_docs", """{"keys":["doc"]}""" },
        { "POST", "{db}/_bulk_docs", """{"docs":[{"_id":"y"}]}""" },
        { "GET", "{db}/_changes", null },
        { "GET", "{db}/_changes?feed=longpoll&timeout=1", null },
        { "GET", "{db}/_changes?feed=continuous&timeout=1", null },
        { "POST", "{db}/_changes", "{}" },
        { "POST", "{db}/_revs_diff", """{"doc":["1-967a00dff5e02add41819138abb3284d"]}""" },
        { "POST", "{db}/_bulk_get", """{"docs":[{"id":"doc"}]}""" },
        { "GET", "{db}/_local/x", null },
        { "PUT", "{db}/_local/x", "{}" },
        { "DELETE", "{db}/_local/x", null },
        { "GET", "{db}/_revs_limit", null },
        { "PUT", "{db}/_revs_limit", "5" },
        { "POST", "{db}/_compact", "{}" },
        { "POST", "{db}/_ensure_full_commit", "{}" },
        { "GET", "{db}/_security", null },
        { "PUT", "{db}/_security", "{}" },
    };

    [Theory]
    [MemberData(nameof(UnknownTenantRequests))]
    public async Task AnyEndpoint_WithCredentialsOfAnotherTenant_Returns403AndLeavesServedTenantAlone(string method, string path, string? body)
    {
        // A database of that name exists in the served tenant: the other tenant must neither see nor change it.
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "doc", """{"a":1}""");
        var before = await Couch.StateAsync(db);

        var content = body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, CouchClient.Json);
        var response = await Couch.SendAsync(new HttpMethod(method), "/t/other/" + path.Replace("{db}", db, StringComparison.Ordinal), content);

        if (method == "HEAD")
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.Status);
            Assert.Empty(response.Bytes);
        }
        else
        {
            CouchAssert.Error(response, HttpStatusCode.Forbidden, "forbidden", "These credentials belong to another tenant.");
        }

        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task AnyEndpoint_OfInvalidTenantName_Returns404()
    {
        var response = await Couch.GetAsync("/t/Dev/_all_dbs");

        CouchAssert.Error(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task AnyEndpoint_OfTenantNameWithTrailingNewline_Returns404()
    {
        var response = await Couch.GetAsync("/t/dev%0A/_all_dbs");

        CouchAssert.Error(response, HttpStatusCode.NotFound, "not_found");
    }

    private static void AssertWelcome(JsonElement welcome)
    {
        Assert.Equal("Welcome", welcome.GetProperty("couchdb").GetString());
        Assert.Matches("^[0-9]+\\.[0-9]+\\.[0-9]+$", welcome.GetProperty("version").GetString());
        Assert.Matches("^[0-9a-f]{32}$", welcome.GetProperty("uuid").GetString());
        Assert.Equal("Tessera", welcome.GetProperty("vendor").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Array, welcome.GetProperty("features").ValueKind);
    }
}
