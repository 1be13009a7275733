using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Tessera.Storage;

namespace Tessera.Grains.Tests;

/// <summary>
/// Two in-process silos over one real SQLite store (shared instances, as two nodes share one PostgreSQL), so a grain
/// can be moved between silos and must rebuild its state from storage.
/// </summary>
public sealed class GrainClusterFixture : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "tessera-grains-" + Guid.NewGuid().ToString("N"));
    private ServiceProvider storage = null!;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public CountingWriter Writer { get; private set; } = null!;

    public IDocumentReader Reader => storage.GetRequiredService<IDocumentReader>();

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

        Writer = new CountingWriter(storage.GetRequiredService<IDocumentWriter>());
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.AddSingleton(Catalog);
            host.Services.AddSingleton(Reader);
            host.Services.AddSingleton<IDocumentWriter>(Writer);
            host.Services.AddTesseraGrains();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await storage.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }
}
