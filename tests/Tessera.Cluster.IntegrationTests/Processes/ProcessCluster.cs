using System.Globalization;
using System.Text;
using Tessera.Testing;

namespace Tessera.Cluster.IntegrationTests.Processes;

/// <summary>
/// The cluster of docker-compose.yml on loopback, each part its own OS process started from the build output: identity
/// (<c>Tessera.Server</c> with <c>Tessera__Roles=identity</c>), two data nodes (<c>Tessera__Roles=data</c>, one Orleans
/// cluster through ADO.NET membership) and the gateway (<c>Tessera.Gateway</c>, its own appsettings.json with the
/// destinations pointed here), all on one fresh PostgreSQL database. Logs go to files under <see cref="Folder"/>, kept
/// when the test fails.
/// </summary>
/// <remarks>
/// Note: the public issuer is <c>http://tessera.invalid:{gateway port}/</c>, a name that never resolves. Clients only ever
/// talk to the gateway's address, and the gateway and data nodes fetch discovery and keys from the identity's internal
/// address, so a token check that still followed the document's public <c>jwks_uri</c> would fail here.
/// </remarks>
internal sealed class ProcessCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly List<TesseraProcess> _processes = [];
    private bool _keepLogs = true;

    private ProcessCluster(string folder, string tenant)
    {
        Folder = folder;
        Tenant = tenant;
    }

    /// <summary>Holds the logs (<c>{name}.log</c>) and each process's working directory.</summary>
    public string Folder { get; }

    /// <summary>The tenant the gateway gives the "pro" plan, so the writers are not rate limited as "free" tenants are.</summary>
    public string Tenant { get; }

    public TesseraProcess Identity { get; private set; } = null!;

    public TesseraProcess Data1 { get; private set; } = null!;

    public TesseraProcess Data2 { get; private set; } = null!;

    public TesseraProcess Gateway { get; private set; } = null!;

    public Uri PublicIssuer { get; private set; } = null!;

    public static async Task<ProcessCluster> StartAsync(PostgresServer postgres, string tenant, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"tessera-cluster-{DateTime.UtcNow:HHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(folder);
        var cluster = new ProcessCluster(folder, tenant);
        try
        {
            await cluster.StartAllAsync(await postgres.CreateDatabaseAsync("processes"), cancellationToken);
            return cluster;
        }
        catch (Exception exception)
        {
            var logs = cluster.DescribeLogs(60);
            await cluster.DisposeAsync();
            throw new InvalidOperationException($"The cluster did not start: {exception.Message}\n{logs}", exception);
        }
    }

    /// <summary>The log files and the last lines of each, for a failure message.</summary>
    public string DescribeLogs(int tailLines)
    {
        var text = new StringBuilder($"Logs in {Folder}:\n");
        foreach (var process in _processes)
        {
            text.Append(CultureInfo.InvariantCulture, $"--- {process.Name} ({process.LogPath}), last {tailLines} lines:\n{process.Tail(tailLines)}\n");
        }

        return text.ToString();
    }

    /// <summary>Deletes the logs on dispose (call when the test passed).</summary>
    public void DiscardLogs() => _keepLogs = false;

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_processes.Select(p => p.DisposeAsync().AsTask()));
        if (!_keepLogs)
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
                // A log still open somewhere; /tmp is cleaned eventually.
            }
        }
    }

    private async Task StartAllAsync(string connectionString, CancellationToken cancellationToken)
    {
        var server = BuildOutput.AppDll("Tessera.Server");
        var gatewayDll = BuildOutput.AppDll("Tessera.Gateway");
        var gatewayPort = TesseraProcess.FreePort();
        PublicIssuer = new Uri($"http://tessera.invalid:{gatewayPort}/");
        var identityPort = TesseraProcess.FreePort();
        var identityAddress = new Uri($"http://127.0.0.1:{identityPort}/");
        var clusterId = $"processes-{Guid.NewGuid():N}";

        var common = new Dictionary<string, string>
        {
            ["ConnectionStrings__Tessera"] = connectionString,
            ["Tessera__Identity__Issuer"] = PublicIssuer.AbsoluteUri,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        Identity = Start("identity", server, identityPort, new(common)
        {
            ["Tessera__Roles"] = "identity",
        });
        Data1 = Start("data1", server, TesseraProcess.FreePort(), DataNode(common, identityAddress, clusterId));
        Data2 = Start("data2", server, TesseraProcess.FreePort(), DataNode(common, identityAddress, clusterId));
        await Task.WhenAll(_processes.Select(p => p.WaitUntilReadyAsync(StartTimeout, cancellationToken)));

        // The gateway last, so its first health probes find every destination up.
        var gateway = new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            ["Tessera__Gateway__Issuer"] = PublicIssuer.AbsoluteUri,
            ["Tessera__Gateway__IdentityAddress"] = identityAddress.AbsoluteUri,
            [$"Tessera__Gateway__TenantPlans__{Tenant}"] = "pro",
            ["ReverseProxy__Clusters__identity__Destinations__identity1__Address"] = identityAddress.AbsoluteUri,
        };
        foreach (var proxyCluster in new[] { "data", "data-grpc" })
        {
            gateway[$"ReverseProxy__Clusters__{proxyCluster}__Destinations__data1__Address"] = Data1.BaseAddress.AbsoluteUri;
            gateway[$"ReverseProxy__Clusters__{proxyCluster}__Destinations__data2__Address"] = Data2.BaseAddress.AbsoluteUri;
        }

        Gateway = Start("gateway", gatewayDll, gatewayPort, gateway);
        await Gateway.WaitUntilReadyAsync(StartTimeout, cancellationToken);
    }

    private static Dictionary<string, string> DataNode(Dictionary<string, string> common, Uri identityAddress, string clusterId) => new(common)
    {
        ["Tessera__Roles"] = "data",
        ["Tessera__Identity__Address"] = identityAddress.AbsoluteUri,
        ["Tessera__Orleans__Clustering"] = "AdoNet",
        ["Tessera__Orleans__ClusterId"] = clusterId,
        ["Tessera__Orleans__AdvertisedIP"] = "127.0.0.1",
        ["Tessera__Orleans__SiloPort"] = TesseraProcess.FreePort().ToString(CultureInfo.InvariantCulture),
        ["Tessera__Orleans__GatewayPort"] = TesseraProcess.FreePort().ToString(CultureInfo.InvariantCulture),
    };

    private TesseraProcess Start(string name, string dll, int port, Dictionary<string, string> environment)
    {
        var workingDirectory = Path.Combine(Folder, name);
        Directory.CreateDirectory(workingDirectory);
        var process = TesseraProcess.Start(name, dll, port, environment, workingDirectory, Folder);
        _processes.Add(process);
        return process;
    }
}
