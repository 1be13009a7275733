using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tessera.Cluster.IntegrationTests.Processes;
using Tessera.Testing;

namespace Tessera.Cluster.IntegrationTests;

/// <summary>Runs alone: the failure window it measures must not include CPU taken by other test classes on 2 cores.</summary>
[CollectionDefinition(nameof(ProcessClusterCollection), DisableParallelization = true)]
public sealed class ProcessClusterCollection;

/// <summary>
/// The deployment of docker-compose.yml as separate OS processes on loopback (<see cref="ProcessCluster"/>): PostgreSQL,
/// identity, the gateway and two data silos. Everything a client does goes through the gateway, as in production.
/// </summary>
[Collection(nameof(ProcessClusterCollection))]
public sealed partial class MultiProcessClusterTests(PostgresServer postgres)
{
    private const int PouchDocsPerSide = 100;

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    private static ITestOutputHelper Output => TestContext.Current.TestOutputHelper ?? throw new InvalidOperationException("No test output.");

    [Fact]
    public async Task SeparateProcesses_SignupSyncThenKill9OfASilo_EveryAcknowledgedWriteKeptAndWritesResumeWithin10s()
    {
        var tenant = $"proc{Guid.NewGuid():N}"[..16];
        await using var cluster = await ProcessCluster.StartAsync(postgres, tenant, CancellationToken);
        Output.WriteLine($"Cluster up: identity {cluster.Identity.BaseAddress}, data1 {cluster.Data1.BaseAddress}, data2 {cluster.Data2.BaseAddress}, gateway {cluster.Gateway.BaseAddress}; public issuer {cluster.PublicIssuer}; logs in {cluster.Folder}");
        try
        {
            var key = await SignupAndUseAsync(cluster);
            await SyncWithPouchDbAsync(cluster, key);
            await KillASiloWhileClientsWriteAsync(cluster, key);
            cluster.DiscardLogs();
        }
        catch
        {
            Output.WriteLine(cluster.DescribeLogs(60));
            throw;
        }
    }

    /// <summary>Signup, a token, a database, a write and a read, all through the gateway; each role serves only its own endpoints.</summary>
    private static async Task<ApiKey> SignupAndUseAsync(ProcessCluster cluster)
    {
        using var gateway = CreateClient(cluster.Gateway.BaseAddress);
        using var signup = await gateway.PostAsJsonAsync("api/v1/signup",
            new { email = $"owner@{cluster.Tenant}.test", password = "a long enough passphrase 7", tenant = cluster.Tenant }, CancellationToken);
        using var signedUp = await ReadJsonAsync(signup, HttpStatusCode.Created);
        Assert.Equal(cluster.Tenant, signedUp.RootElement.GetProperty("tenant").GetString());
        var keyElement = signedUp.RootElement.GetProperty("key");
        var id = keyElement.GetProperty("id").GetString()!;
        var secret = keyElement.GetProperty("secret").GetString()!;

        using var tokenResponse = await gateway.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = id,
            ["client_secret"] = secret,
            ["scope"] = "data:admin",
        }), CancellationToken);
        using var token = await ReadJsonAsync(tokenResponse, HttpStatusCode.OK);
        var key = new ApiKey(cluster.Tenant, id, secret, token.RootElement.GetProperty("access_token").GetString()!);

        // No credentials: refused before any data is touched (by the gateway, or the data node behind it).
        using (var anonymous = await gateway.PutAsync($"t/{key.Tenant}/first", null, CancellationToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        // Note: both the gateway and the data node validate this JWT with keys fetched from the identity's internal
        // address; the public issuer's host does not resolve (ProcessCluster), so following jwks_uri would fail.
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.AccessToken);
        using (var created = await gateway.PutAsync($"t/{key.Tenant}/first", null, CancellationToken))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var written = await gateway.PutAsJsonAsync($"t/{key.Tenant}/first/hello", new { greeting = "from a client" }, CancellationToken))
        {
            using var body = await ReadJsonAsync(written, HttpStatusCode.Created);
            Assert.StartsWith("1-", body.RootElement.GetProperty("rev").GetString(), StringComparison.Ordinal);
        }

        using (var read = await gateway.GetAsync($"t/{key.Tenant}/first/hello", CancellationToken))
        {
            using var body = await ReadJsonAsync(read, HttpStatusCode.OK);
            Assert.Equal("from a client", body.RootElement.GetProperty("greeting").GetString());
        }

        // The API key itself (HTTP Basic) works on a data-only node: it reads the identity tables, not the identity process.
        using (var basic = CreateClient(cluster.Gateway.BaseAddress))
        {
            basic.DefaultRequestHeaders.Authorization = key.Basic;
            using var read = await basic.GetAsync($"t/{key.Tenant}/first/hello", CancellationToken);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        // Roles: the identity process serves no data, a data node no OAuth endpoints.
        using (var identity = CreateClient(cluster.Identity.BaseAddress))
        {
            identity.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.AccessToken);
            using var data = await identity.GetAsync($"t/{key.Tenant}/first/hello", CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, data.StatusCode);
        }

        using (var data1 = CreateClient(cluster.Data1.BaseAddress))
        {
            using var discovery = await data1.GetAsync(".well-known/openid-configuration", CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, discovery.StatusCode);
        }

        return key;
    }

    /// <summary>Real PouchDB (node) syncs both ways with a database through the gateway, credentials in the URL.</summary>
    private static async Task SyncWithPouchDbAsync(ProcessCluster cluster, ApiKey key)
    {
        using var gateway = CreateClient(cluster.Gateway.BaseAddress);
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.AccessToken);
        using (var created = await gateway.PutAsync($"t/{key.Tenant}/pouch", null, CancellationToken))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var docs = Enumerable.Range(0, PouchDocsPerSide).Select(i => new { _id = $"remote-{i:0000}", from = "server", i });
        using (var bulk = await gateway.PostAsJsonAsync($"t/{key.Tenant}/pouch/_bulk_docs", new { docs }, CancellationToken))
        {
            Assert.Equal(HttpStatusCode.Created, bulk.StatusCode);
        }

        var url = new UriBuilder(new Uri(cluster.Gateway.BaseAddress, $"t/{key.Tenant}/pouch"))
        {
            UserName = Uri.EscapeDataString(key.Id),
            Password = Uri.EscapeDataString(key.Secret),
        }.Uri.AbsoluteUri;
        var (exitCode, output) = await NodeScript.RunAsync("pouch-sync.cjs", [url, PouchDocsPerSide.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(60), CancellationToken);
        Output.WriteLine($"PouchDB sync through the gateway: {output.Trim()}");
        Assert.True(exitCode == 0, $"pouch-sync.cjs exited with {exitCode}:\n{output}");

        // What PouchDB pushed is in storage: read back from a data node directly.
        using var data1 = CreateClient(cluster.Data1.BaseAddress);
        data1.DefaultRequestHeaders.Authorization = key.Basic;
        using var response = await data1.GetAsync($"t/{key.Tenant}/pouch", CancellationToken);
        using var info = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(2 * PouchDocsPerSide, info.RootElement.GetProperty("doc_count").GetInt32());
    }

    private static HttpClient CreateClient(Uri baseAddress) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(CancellationToken);
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }

    /// <summary>The API key signup returned, and an access token issued for it.</summary>
    private sealed record ApiKey(string Tenant, string Id, string Secret, string AccessToken)
    {
        public AuthenticationHeaderValue Basic =>
            new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Id}:{Secret}")));
    }
}
