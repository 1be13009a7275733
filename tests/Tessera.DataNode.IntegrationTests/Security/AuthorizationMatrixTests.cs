using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Tessera.Testing;

namespace Tessera.DataNode.IntegrationTests.Security;

/// <summary>
/// Every data endpoint and every tenant endpoint of the platform API, called by every kind of caller: nobody, a malformed token, an expired
/// token, another tenant's admin, and this tenant's reader, writer and admin (real tokens from the server's identity).
/// Each cell asserts the exact status; refused calls must change nothing and show none of the tenant's data.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationMatrixTests.MatrixServer server) : IClassFixture<AuthorizationMatrixTests.MatrixServer>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> Endpoints => [.. AuthorizationMatrix.Rows.Select(r => r.Endpoint)];

    [Fact]
    public void Matrix_CoversEveryEndpoint()
    {
        var routed = server.Host.Services.GetServices<EndpointDataSource>()
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'), Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods))
            .Where(e => e.Pattern.StartsWith("/t/{tenant}", StringComparison.Ordinal)
                || e.Pattern.StartsWith("/api/v1/tenants/{tenant}", StringComparison.Ordinal))
            .Select(e => $"{string.Join(',', e.Methods ?? ["*"])} {e.Pattern}")
            .ToHashSet();
        var listed = AuthorizationMatrix.Rows.Select(r => r.Endpoint).ToHashSet();

        Assert.True(routed.SetEquals(listed),
            $"Endpoints without a matrix row: [{string.Join("; ", routed.Except(listed))}]. Rows without an endpoint: [{string.Join("; ", listed.Except(routed))}].");
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_EachCaller_GetsExactStatus(string endpoint)
    {
        var row = AuthorizationMatrix.Rows.Single(r => r.Endpoint == endpoint);
        var failures = new List<string>();
        foreach (var caller in Enum.GetValues<MatrixCaller>())
        {
            var setup = await server.SetUpAsync(withJob: endpoint.Contains("/_replicator", StringComparison.Ordinal) || endpoint.Contains("/_scheduler", StringComparison.Ordinal));
            var before = await server.SnapshotAsync(setup);
            using var request = row.Request(setup);
            server.Authenticate(request, caller);
            using var response = await server.Http.SendAsync(request, Token);
            var body = await response.Content.ReadAsStringAsync(Token);
            var expected = AuthorizationMatrix.Expected(row, caller);
            if (response.StatusCode != expected)
            {
                failures.Add($"{caller}: expected {(int)expected}, got {(int)response.StatusCode} {body}");
                continue;
            }

            if (expected is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                if (body.Contains(AuthorizationMatrix.Marker, StringComparison.Ordinal) || body.Contains(setup.Db, StringComparison.Ordinal))
                {
                    failures.Add($"{caller}: the refusal shows the tenant's data: {body}");
                }

                var after = await server.SnapshotAsync(setup);
                if (after != before)
                {
                    failures.Add($"{caller}: the refused call changed the database: {before} -> {after}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    public sealed class MatrixServer : IAsyncLifetime
    {
        private readonly Dictionary<MatrixCaller, AuthenticationHeaderValue?> _credentials = [];
        private TesseraHost? _host;
        private HttpClient? _admin;
        private HttpClient? _http;

        public TesseraHost Host => _host!;

        /// <summary>A client of the server root without credentials; each request gets the caller's.</summary>
        public HttpClient Http => _http!;

        public async ValueTask InitializeAsync()
        {
            _host = await TesseraHost.StartAsync();
            _admin = _host.CreateClient();
            _admin.BaseAddress = _host.BaseAddress;
            _http = _host.CreateAnonymousClient();
            _http.BaseAddress = _host.BaseAddress;

            async Task<AuthenticationHeaderValue> BearerAsync(string scopes)
            {
                var (id, secret) = await Credentials.CreateKeyAsync(_host, scopes.Split(' '));
                return new AuthenticationHeaderValue("Bearer", await Credentials.AccessTokenAsync(_host, id, secret));
            }

            _credentials[MatrixCaller.None] = null;
            _credentials[MatrixCaller.MalformedToken] = new AuthenticationHeaderValue("Bearer", "not.a.jwt");
            _credentials[MatrixCaller.ExpiredToken] = new AuthenticationHeaderValue("Bearer", ExpiredToken(_host));
            _credentials[MatrixCaller.Reader] = await BearerAsync("data:read");
            _credentials[MatrixCaller.Writer] = await BearerAsync("data:write");
            _credentials[MatrixCaller.Admin] = await BearerAsync("data:admin platform");
            var other = await Credentials.SignupAsync(_host, "matrix-other");
            _credentials[MatrixCaller.OtherTenant] = new AuthenticationHeaderValue("Bearer", await Credentials.AccessTokenAsync(_host, other.Id, other.Secret));
        }

        public void Authenticate(HttpRequestMessage request, MatrixCaller caller) => request.Headers.Authorization = _credentials[caller];

        /// <summary>A fresh database with a document and a design document (each with an attachment), a local document and a replication job.</summary>
        public async Task<MatrixSetup> SetUpAsync(bool withJob)
        {
            var db = $"m{Guid.NewGuid():N}";
            var tenant = Host.Tenant;
            await Expect(HttpStatusCode.Created, await _admin!.PutAsync($"t/{tenant}/{db}", null, Token));
            var attachment = """{"a.txt":{"content_type":"text/plain","data":"eA=="}}""";
            var bulk = await Expect(HttpStatusCode.Created, await _admin.PostAsync($"t/{tenant}/{db}/_bulk_docs", Json($$"""
                {"docs":[{"_id":"doc1","secret":"{{AuthorizationMatrix.Marker}}","_attachments":{{attachment}} },
                         {"_id":"_design/d","secret":"{{AuthorizationMatrix.Marker}}","_attachments":{{attachment}} }]}
                """), Token));
            var local = await Expect(HttpStatusCode.Created, await _admin.PutAsync($"t/{tenant}/{db}/_local/l1", Json("""{"l":1}"""), Token));
            var jobId = $"job-{db}";
            var jobRev = "";
            if (withJob)
            {
                var job = await Expect(HttpStatusCode.Created, await _admin.PutAsync(
                    $"t/{tenant}/_replicator/{jobId}", Json($$"""{"source":"{{db}}","target":"{{db}}-job","create_target":true}"""), Token));
                jobRev = job.GetProperty("rev").GetString()!;
            }

            return new MatrixSetup(tenant, db, bulk[0].GetProperty("rev").GetString()!, bulk[1].GetProperty("rev").GetString()!,
                local.GetProperty("rev").GetString()!, jobId, jobRev);
        }

        /// <summary>What a refused call must leave alone: the database's sequence and counts, its security and the job.</summary>
        public async Task<string> SnapshotAsync(MatrixSetup setup)
        {
            var info = await _admin!.GetStringAsync($"t/{setup.Tenant}/{setup.Db}", Token);
            using var json = JsonDocument.Parse(info);
            var security = await _admin.GetStringAsync($"t/{setup.Tenant}/{setup.Db}/_security", Token);
            var job = await _admin.GetAsync($"t/{setup.Tenant}/_replicator/{setup.JobId}", Token);
            // Note: a job's target ("-job") appears whenever its replication gets to it; only other names count.
            var dbs = JsonSerializer.Deserialize<string[]>(await _admin.GetStringAsync($"t/{setup.Tenant}/_all_dbs", Token))!
                .Count(name => name.StartsWith(setup.Db, StringComparison.Ordinal) && !name.EndsWith("-job", StringComparison.Ordinal));
            return $"seq={json.RootElement.GetProperty("update_seq")} docs={json.RootElement.GetProperty("doc_count")} security={security.Trim()} job={(int)job.StatusCode} dbs={dbs}";
        }

        public async ValueTask DisposeAsync()
        {
            _admin?.Dispose();
            _http?.Dispose();
            if (_host is not null)
            {
                await _host.DisposeAsync();
            }
        }

        private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

        private static async Task<JsonElement> Expect(HttpStatusCode status, HttpResponseMessage response)
        {
            var body = await response.Content.ReadAsStringAsync(Token);
            Assert.True(response.StatusCode == status, $"setup: expected {(int)status}, got {(int)response.StatusCode} {body}");
            return JsonDocument.Parse(body).RootElement.Clone();
        }

        // A token the server itself signed, for this tenant with admin scopes, that expired an hour ago.
        private static string ExpiredToken(TesseraHost host)
        {
            var options = host.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
            var now = DateTime.UtcNow;
            return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = (options.Issuer ?? host.BaseAddress).AbsoluteUri,
                Audience = "tessera",
                Subject = new ClaimsIdentity([new Claim("sub", "key_expired"), new Claim("tenant", host.Tenant), new Claim("scope", "data:admin")]),
                IssuedAt = now.AddHours(-2),
                NotBefore = now.AddHours(-2),
                Expires = now.AddHours(-1),
                TokenType = "at+jwt",
                SigningCredentials = options.SigningCredentials.First(),
            });
        }
    }
}
