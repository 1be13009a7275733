using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Tessera.Storage;

namespace Tessera.Grains.Tests;

/// <summary>
/// Two in-process silos over one SQLite store, each with its own <see cref="ChangeHub"/> (as two data nodes have). The
/// periodic refresh is set far beyond any test's wait, so a watcher that wakes was woken by a hint or a registration.
/// </summary>
public sealed class ChangeClusterFixture : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "tessera-changes-" + Guid.NewGuid().ToString("N"));
    private ServiceProvider storage = null!;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IDatabaseCatalog Catalog => storage.GetRequiredService<IDatabaseCatalog>();

    public IGrainFactory Grains => Cluster.Client;

    public async ValueTask InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTesseraStorage().UseSqlite(o => o.DataPath = folder);
        storage = services.BuildServiceProvider();
        foreach (var initializer in storage.GetServices<IStorageInitializer>())
        {
            await initializer.InitializeAsync(CancellationToken.None);
        }

        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.AddSingleton(Catalog);
            host.Services.AddSingleton(storage.GetRequiredService<IDocumentReader>());
            host.Services.AddSingleton(storage.GetRequiredService<IDocumentWriter>());
            host.Services.AddTesseraGrains();
            host.Services.Configure<ChangeNotificationOptions>(o =>
            {
                o.RefreshInterval = TimeSpan.FromMinutes(10);
                o.ObserverExpiry = TimeSpan.FromMinutes(30);
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public ChangeHub HubOf(InProcessSiloHandle silo) => silo.ServiceProvider.GetRequiredService<ChangeHub>();

    /// <summary>The silo the grain is active on, and the other one.</summary>
    public (InProcessSiloHandle Host, InProcessSiloHandle Other) Silos(IAddressable grain)
    {
        var host = Cluster.Silos.Single(s => Cluster.TryGetGrainContextOn(s, grain));
        return (host, Cluster.Silos.Single(s => s != host));
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await storage.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }
}
