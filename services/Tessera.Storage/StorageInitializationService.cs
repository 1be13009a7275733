using Microsoft.Extensions.Hosting;

namespace Tessera.Storage;

/// <summary>Runs every <see cref="IStorageInitializer"/> when the host starts, before it serves requests.</summary>
internal sealed class StorageInitializationService(IEnumerable<IStorageInitializer> initializers) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var initializer in initializers)
        {
            await initializer.InitializeAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
