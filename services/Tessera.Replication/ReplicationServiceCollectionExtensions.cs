using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Tessera.Replication;
using Tessera.Replication.Engine;
using Tessera.Replication.Jobs;

namespace Microsoft.Extensions.DependencyInjection;

public static class ReplicationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the server-side replicator: the replication engine, the job store (per-tenant <c>_replicator</c> databases),
    /// the job grains' services and the hosted service that resumes stored jobs when the node starts. Needs storage,
    /// the data node and an Orleans silo (the job grains live in this assembly). Safe to call more than once.
    /// </summary>
    public static IHostApplicationBuilder AddTesseraReplication(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ReplicationOptions>().BindConfiguration("Tessera:Replication").ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LocalServerAddress>();
        services.TryAddSingleton<Replicator>();
        services.TryAddSingleton<ReplicationJobStore>();
        services.TryAddSingleton<TransientJobRegistry>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReplicationJobStarter>());
        services.AddHttpClient(Replicator.HttpClientName, client =>
            {
                // Note: each request has its own deadline (longpoll requests wait longer than the others).
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Tessera-Replicator/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.All,
                ConnectTimeout = TimeSpan.FromSeconds(15),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .RemoveAllLoggers();
        return builder;
    }
}
