using Tessera.Testing;

namespace Tessera.Replication.IntegrationTests;

/// <summary>Settings every test server shares: failing jobs retry quickly, so crash states show up fast.</summary>
internal static class TestSettings
{
    public static Dictionary<string, string?> Replication(string? dataPath = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tessera:Replication:InitialBackoffMs"] = "200",
            ["Tessera:Replication:MaxBackoffMs"] = "2000",
            ["Tessera:Replication:LongPollTimeoutMs"] = "10000",
        };
        if (dataPath is not null)
        {
            settings["Tessera:DataPath"] = dataPath;
        }

        return settings;
    }
}

/// <summary>One real server (SQLite) per test class; tests create their own databases, so they never share state.</summary>
public sealed class OneServer : IAsyncLifetime
{
    private TesseraHost? _host;

    public TesseraHost Host => _host ?? throw new InvalidOperationException("The server has not been started.");

    public CouchClient CreateClient() => new(Host.CreateClient());

    public async ValueTask InitializeAsync() => _host = await TesseraHost.StartAsync(settings: TestSettings.Replication());

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

/// <summary>Two independent servers (each its own silo and SQLite store) per test class.</summary>
public sealed class TwoServers : IAsyncLifetime
{
    private TesseraHost? _first;
    private TesseraHost? _second;

    public TesseraHost First => _first ?? throw new InvalidOperationException("The servers have not been started.");

    public TesseraHost Second => _second ?? throw new InvalidOperationException("The servers have not been started.");

    public async ValueTask InitializeAsync()
    {
        _first = await TesseraHost.StartAsync(settings: TestSettings.Replication());
        _second = await TesseraHost.StartAsync(settings: TestSettings.Replication());
    }

    public async ValueTask DisposeAsync()
    {
        if (_first is not null)
        {
            await _first.DisposeAsync();
        }

        if (_second is not null)
        {
            await _second.DisposeAsync();
        }
    }
}
