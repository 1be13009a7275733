using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Tessera.Testing;

namespace Tessera.Cluster.IntegrationTests;

/// <summary>
/// Two real servers (each with its own Orleans silo and Kestrel on loopback) that share one PostgreSQL database and
/// form one Orleans cluster through ADO.NET membership, as two data nodes of a deployment do. Both start at the same
/// time, so the Orleans scripts are applied by whichever wins the advisory lock, once.
/// </summary>
public sealed class TwoSiloCluster(PostgresServer postgres) : IAsyncLifetime
{
    private TesseraHost? _a;
    private TesseraHost? _b;

    public TesseraHost A => _a ?? throw new InvalidOperationException("The cluster has not been started.");

    public TesseraHost B => _b ?? throw new InvalidOperationException("The cluster has not been started.");

    public string ConnectionString { get; private set; } = "";

    public string ClusterId { get; } = $"test-{Guid.NewGuid():N}";

    /// <summary>
    /// The bootstrap admin key's secret, the same on both nodes: they share the identity tables, and each node sets the
    /// key's secret from its own configuration at start.
    /// </summary>
    private string ApiSecret { get; } = $"secret-{Guid.NewGuid():N}";

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await postgres.CreateDatabaseAsync("cluster");
        var started = await Task.WhenAll(StartSiloAsync(), StartSiloAsync());
        (_a, _b) = (started[0], started[1]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Task.WhenAll(WaitForActiveSilosAsync(A, 2, timeout.Token), WaitForActiveSilosAsync(B, 2, timeout.Token));
    }

    public async ValueTask DisposeAsync()
    {
        // Note: stop both together; a silo that stops alone waits for the other to confirm it left.
        await Task.WhenAll(DisposeHostAsync(_a), DisposeHostAsync(_b));
    }

    public static SiloAddress SiloOf(TesseraHost host) => host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    /// <summary>Waits until the host's membership view holds <paramref name="count"/> active silos (an explicit signal: membership updates).</summary>
    public static async Task WaitForActiveSilosAsync(TesseraHost host, int count, CancellationToken cancellationToken)
    {
        var membership = host.Services.GetRequiredService<IClusterMembershipService>();
        if (ActiveCount(membership.CurrentSnapshot) >= count)
        {
            return;
        }

        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
        {
            if (ActiveCount(snapshot) >= count)
            {
                return;
            }
        }

        static int ActiveCount(ClusterMembershipSnapshot snapshot) => snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
    }

    private Task<TesseraHost> StartSiloAsync() =>
        TesseraHost.StartAsync(ConnectionString, new Dictionary<string, string?>
        {
            ["Tessera:Bootstrap:ApiSecret"] = ApiSecret,
            ["Tessera:Orleans:Clustering"] = "AdoNet",
            ["Tessera:Orleans:ClusterId"] = ClusterId,
            ["Tessera:Orleans:AdvertisedIP"] = "127.0.0.1",
            ["Tessera:Orleans:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Tessera:Orleans:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    private static async Task DisposeHostAsync(TesseraHost? host)
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
