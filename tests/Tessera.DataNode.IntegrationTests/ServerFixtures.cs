using Tessera.Testing;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary>
/// One real server per test class (an <see cref="IClassFixture{TFixture}"/>): test classes run in parallel, each against
/// its own server and storage, while the tests of one class share it and create their own databases.
/// </summary>
public abstract class TesseraServerFixture : IAsyncLifetime
{
    private TesseraHost? _host;

    public TesseraHost Host => _host ?? throw new InvalidOperationException("The server has not been started.");

    /// <summary>Configuration overrides for this server.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    /// <summary>A PostgreSQL database to store into, or null for SQLite in a temporary folder.</summary>
    protected virtual Task<string?> ConnectionStringAsync() => Task.FromResult<string?>(null);

    public CouchClient CreateClient() => new(Host.CreateClient());

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

/// <summary>The server as shipped, on SQLite.</summary>
public sealed class SqliteServer : TesseraServerFixture;

/// <summary>A SQLite server whose request bodies are capped at <see cref="MaxRequestBytes"/>, to test 413 cheaply.</summary>
public sealed class SmallBodySqliteServer : TesseraServerFixture
{
    /// <summary>The smallest cap the options allow is 1024; deep-nesting bodies (about 400 bytes) still fit under this one.</summary>
    public const int MaxRequestBytes = 4096;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Tessera:DataNode:MaxRequestBytes"] = MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>The server on PostgreSQL: a fresh database of the assembly's <see cref="PostgresServer"/>.</summary>
public sealed class PostgresTesseraServer(PostgresServer postgres) : TesseraServerFixture
{
    protected override async Task<string?> ConnectionStringAsync() => await postgres.CreateDatabaseAsync("datanode");
}

[CollectionDefinition(PostgresServer.CollectionName)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>;
