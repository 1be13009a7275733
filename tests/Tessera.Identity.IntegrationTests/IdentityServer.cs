using Tessera.Testing;

namespace Tessera.Identity.IntegrationTests;

/// <summary>One real server per test class (SQLite in a temporary folder unless a subclass gives PostgreSQL).</summary>
public class IdentityServer : IAsyncLifetime
{
    private TesseraHost? _host;

    public TesseraHost Host => _host ?? throw new InvalidOperationException("The server has not been started.");

    /// <summary>
    /// Configuration overrides of this server. By default only the signup limit is raised: every test signs up from
    /// 127.0.0.1, and a class makes more tenants than one client IP may in an hour.
    /// </summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings { get; } = new Dictionary<string, string?>
    {
        ["Tessera:Identity:SignupsPerHourPerIp"] = "10000",
    };

    protected virtual Task<string?> ConnectionStringAsync() => Task.FromResult<string?>(null);

    /// <summary>A client of the server root, without cookies or credentials, following no redirects.</summary>
    public IdentityClient CreateClient(bool cookies = false) => new(Host.BaseAddress, cookies);

    public async ValueTask InitializeAsync() => _host = await TesseraHost.StartAsync(await ConnectionStringAsync(), Settings);

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Lockout after three failed logins and tight limits, so abuse tests need few requests; also a configured issuer, as
/// clusters set it to the public gateway URL, and a configured signing key.
/// </summary>
public sealed class StrictIdentityServer : IdentityServer
{
    public const string Issuer = "https://id.example.test/";

    /// <summary>The signing key given in configuration (PEM), as production gives it from a secret store.</summary>
    public static readonly System.Security.Cryptography.RSA SigningKey = System.Security.Cryptography.RSA.Create(2048);

    public const int MaxFailedLogins = 3;
    public const int TokenRequestsPerClient = 4;
    public const int SignupsPerIp = 3;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Tessera:Identity:MaxFailedLogins"] = MaxFailedLogins.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Tessera:Identity:TokenRequestsPerMinutePerClient"] = TokenRequestsPerClient.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Tessera:Identity:SignupsPerHourPerIp"] = SignupsPerIp.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Tessera:Identity:Issuer"] = Issuer,
        ["Tessera:Identity:SigningKey"] = SigningKey.ExportPkcs8PrivateKeyPem(),
    };
}

/// <summary>The server on PostgreSQL: a fresh database of the assembly's <see cref="PostgresServer"/>.</summary>
public sealed class PostgresIdentityServer(PostgresServer postgres) : IdentityServer
{
    public string ConnectionString { get; private set; } = "";

    protected override async Task<string?> ConnectionStringAsync() => ConnectionString = await postgres.CreateDatabaseAsync("identity");
}

[CollectionDefinition(PostgresServer.CollectionName)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>;
