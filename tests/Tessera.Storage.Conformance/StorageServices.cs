using Microsoft.Extensions.DependencyInjection;

namespace Tessera.Storage.Conformance;

/// <summary>Builds a storage provider without a host, the way the host would: register, build, run the initializers.</summary>
public static class StorageServices
{
    /// <summary>
    /// Calls <c>AddTesseraStorage()</c>, lets <paramref name="useProvider"/> pick the provider
    /// (<c>b => b.UseSqlite(...)</c>), builds the container and runs every <see cref="IStorageInitializer"/>.
    /// The caller owns (and disposes) the returned provider.
    /// </summary>
    public static async Task<ServiceProvider> BuildAsync(Action<TesseraStorageBuilder> useProvider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(useProvider);
        var services = new ServiceCollection();
        useProvider(services.AddTesseraStorage());
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        try
        {
            await InitializeAsync(provider, cancellationToken);
            return provider;
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs every registered <see cref="IStorageInitializer"/> (the schema migrations) in registration order.</summary>
    public static async Task InitializeAsync(IServiceProvider provider, CancellationToken cancellationToken = default)
    {
        foreach (var initializer in provider.GetServices<IStorageInitializer>())
        {
            await initializer.InitializeAsync(cancellationToken);
        }
    }
}
