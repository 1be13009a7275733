using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Tessera.Storage;

namespace Microsoft.Extensions.DependencyInjection;

public static class TesseraStorageServiceCollectionExtensions
{
    /// <summary>
    /// Adds Tessera storage; pick a provider on the returned builder. Safe to call more than once.
    /// Migrations of the chosen provider run when the host starts, before requests are served.
    /// </summary>
    public static TesseraStorageBuilder AddTesseraStorage(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StorageInitializationService>());
        return new TesseraStorageBuilder(services);
    }
}
