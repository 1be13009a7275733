using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Tessera.Testing;

/// <summary>
/// The real Tessera server (<c>services/Tessera.Server/Program.cs</c>, embedded mode) started in this process on real
/// Kestrel bound to 127.0.0.1 on a free port, so tests talk to it over real sockets, as PouchDB or curl would. The port
/// serves HTTP/1.1 and, for gRPC clients (<c>GrpcChannel.ForAddress(host.BaseAddress)</c>), HTTP/2 with prior knowledge.
/// </summary>
/// <remarks>
/// <para>
/// Storage is SQLite in a fresh temporary folder (deleted on dispose) unless a PostgreSQL connection string is given
/// (for example from <see cref="PostgresServer.CreateDatabaseAsync"/>). Each host runs its own Orleans silo on free
/// ports, so several hosts can run side by side in one test process: start one per test class.
/// </para>
/// <code>
/// await using var host = await TesseraHost.StartAsync(settings: new Dictionary&lt;string, string?&gt;
/// {
///     ["Tessera:DataNode:MaxRequestBytes"] = "4096",
/// });
/// using var client = host.CreateClient();        // BaseAddress is the tenant root, /t/dev/
/// var response = await client.PutAsync("orders", null, cancellationToken);
/// </code>
/// </remarks>
public sealed class TesseraHost : IAsyncDisposable
{
    private const string TenantSetting = "Tessera:Bootstrap:Tenant";
    private const string ApiKeySetting = "Tessera:Bootstrap:ApiKey";
    private const string ApiSecretSetting = "Tessera:Bootstrap:ApiSecret";

    private readonly Factory _factory;
    private readonly string? _dataPath;

    private TesseraHost(Factory factory, Uri baseAddress, string tenant, string apiKey, string apiSecret, string? dataPath)
    {
        _factory = factory;
        _dataPath = dataPath;
        BaseAddress = baseAddress;
        Tenant = tenant;
        ApiKey = apiKey;
        ApiSecret = apiSecret;
    }

    /// <summary>The server root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The tenant the server creates at start (<c>Tessera:Bootstrap:Tenant</c>, <c>dev</c> unless set).</summary>
    public string Tenant { get; }

    /// <summary>The id of the tenant's admin API key fixed at start (<c>Tessera:Bootstrap:ApiKey</c>); HTTP Basic user name.</summary>
    public string ApiKey { get; }

    /// <summary>The secret of <see cref="ApiKey"/> (<c>Tessera:Bootstrap:ApiSecret</c>); HTTP Basic password.</summary>
    public string ApiSecret { get; }

    /// <summary><see cref="TenantAddress"/> with the admin key as userinfo, as PouchDB and CouchDB replication URLs carry it.</summary>
    public Uri TenantAddressWithCredentials =>
        new UriBuilder(TenantAddress) { UserName = Uri.EscapeDataString(ApiKey), Password = Uri.EscapeDataString(ApiSecret) }.Uri;

    /// <summary>The <c>Authorization</c> header value of the admin key.</summary>
    public string BasicAuthorization => "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{ApiKey}:{ApiSecret}"));

    /// <summary>
    /// An access token (JWT) of the tenant's admin API key from <c>POST /connect/token</c>
    /// (<c>grant_type=client_credentials</c>), with <paramref name="scope"/> (space-separated) or all of the key's scopes.
    /// </summary>
    public async Task<string> GetAccessTokenAsync(string? scope = null, CancellationToken cancellationToken = default)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = ApiKey, ["client_secret"] = ApiSecret };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        using var response = await client.PostAsync("connect/token", new FormUrlEncodedContent(form), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The token endpoint answered {(int)response.StatusCode}: {body}");
        }

        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>The tenant's CouchDB root, <c>{BaseAddress}t/{Tenant}/</c>: CouchDB clients treat it as a server.</summary>
    public Uri TenantAddress => new(BaseAddress, $"t/{Tenant}/");

    /// <summary>The server's services, for tests that need to look behind the HTTP API.</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>
    /// Starts a server and returns once it accepts connections.
    /// </summary>
    /// <param name="postgresConnectionString">A PostgreSQL database to store into; null for SQLite in a temporary folder.</param>
    /// <param name="settings">Configuration overrides, such as <c>Tessera:DataNode:MaxRequestBytes</c>; they win over appsettings.json.</param>
    /// <param name="configureServices">Replaces services after the server registered its own (a seam such as a DNS resolver).</param>
    public static async Task<TesseraHost> StartAsync(
        string? postgresConnectionString = null, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var configuration = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            // Note: keep test output readable; warnings and errors (such as an unhandled 500) still show.
            ["Logging:LogLevel:Default"] = "Warning",
            [TenantSetting] = "dev",
            [ApiKeySetting] = "key_testadmin",
            [ApiSecretSetting] = "secret-" + Guid.NewGuid().ToString("N"),
        };
        string? dataPath = null;
        if (string.IsNullOrWhiteSpace(postgresConnectionString))
        {
            dataPath = Path.Combine(Path.GetTempPath(), $"tessera-host-{Guid.NewGuid():N}");
            Directory.CreateDirectory(dataPath);
            configuration["Tessera:DataPath"] = dataPath;
        }
        else
        {
            configuration["ConnectionStrings:Tessera"] = postgresConnectionString;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var factory = new Factory(configuration, configureServices);
        try
        {
            // One cleartext port for HTTP/1.1 (REST, WebSocket) and HTTP/2 with prior knowledge (gRPC), as the server
            // ships; the data node's endpoint defaults, applied by Listen, add the HTTP/2 preface check.
            factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1AndHttp2));
            // StartServer blocks while the host (and its Orleans silo) starts.
            await Task.Run(factory.StartServer);
            var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            return new TesseraHost(
                factory, new Uri(address.TrimEnd('/') + "/"), configuration[TenantSetting]!, configuration[ApiKeySetting]!, configuration[ApiSecretSetting]!, dataPath);
        }
        catch
        {
            await factory.DisposeAsync();
            DeleteFolder(dataPath);
            throw;
        }
    }

    /// <summary>
    /// A new client with its own connection pool whose <see cref="HttpClient.BaseAddress"/> is <see cref="TenantAddress"/>,
    /// so relative paths such as <c>"orders/doc1"</c> address the tenant's databases, authenticated as the tenant's
    /// admin API key (HTTP Basic). It follows no redirects and keeps no cookies. Dispose it when done.
    /// </summary>
    public HttpClient CreateClient()
    {
        var client = CreateAnonymousClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", BasicAuthorization);
        return client;
    }

    /// <summary>Like <see cref="CreateClient"/>, without credentials.</summary>
    public HttpClient CreateAnonymousClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = TenantAddress,
            Timeout = TimeSpan.FromMinutes(2),
        };

    /// <summary>Stops the server and deletes its SQLite folder, if it had one.</summary>
    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        DeleteFolder(_dataPath);
    }

    private static void DeleteFolder(string? path)
    {
        try
        {
            if (path is not null && Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Note: a file still held open must not fail the test run; the OS cleans the temp folder eventually.
        }
    }

    private sealed class Factory(IReadOnlyDictionary<string, string?> configuration, Action<IServiceCollection>? configureServices) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in configuration)
            {
                builder.UseSetting(key, value);
            }

            if (configureServices is not null)
            {
                builder.ConfigureTestServices(configureServices);
            }
        }
    }
}
