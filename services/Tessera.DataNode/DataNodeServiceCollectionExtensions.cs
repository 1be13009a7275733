using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Tessera.DataNode;
using Tessera.DataNode.Feeds;
using Tessera.DataNode.Tenancy;
using Tessera.Grains;

namespace Microsoft.Extensions.DependencyInjection;

public static class DataNodeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the CouchDB-compatible data API. Needs storage (<c>AddTesseraStorage()</c>) and an Orleans silo or client
    /// that can reach the database grains. Safe to call more than once.
    /// </summary>
    public static IHostApplicationBuilder AddTesseraDataNode(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DataNodeOptions>().BindConfiguration("Tessera:DataNode").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BootstrapOptions>().BindConfiguration("Tessera:Bootstrap").ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DatabaseResolver>();
        services.TryAddSingleton<ChangeReader>();
        services.TryAddSingleton<ChangeHub>();
        return builder;
    }
}
