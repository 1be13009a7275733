using System.Net;
using Microsoft.Extensions.Configuration;
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
        services.AddOptions<ReplicationOptions>().BindConfiguration("Tessera:Replication")
            .PostConfigure(o => o.AllowPrivateAddresses ??= !IsCluster(builder.Configuration))
            .Validate(o => o.AllowedNetworks.All(n => IPNetwork.TryParse(n.Trim(), out _)), "Tessera:Replication:AllowedNetworks must hold CIDR networks such as 10.20.0.0/16")
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LocalServerAddress>();
        services.TryAddSingleton<Replicator>();
        services.TryAddSingleton<ReplicationJobStore>();
        services.TryAddSingleton<TransientJobRegistry>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReplicationJobStarter>());
        services.TryAddSingleton<IOutboundHostResolver, SystemHostResolver>();
        services.TryAddSingleton<OutboundAddressGuard>();
        // Remote sources and targets: every connection passes the guard (when it is on).
        services.AddHttpClient(Replicator.HttpClientName, ConfigureClient)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var handler = Handler();
                var guard = sp.GetRequiredService<OutboundAddressGuard>();
                if (guard.Enabled)
                {
                    handler.ConnectCallback = guard.ConnectAsync;
                    // Note: through a proxy the callback would only see the proxy's address, not the destination.
                    handler.UseProxy = false;
                }

                return handler;
            })
            .RemoveAllLoggers();
        // Bare database names of the tenant: this node's own address, which is loopback or private by nature.
        services.AddHttpClient(Replicator.LocalHttpClientName, ConfigureClient)
            .ConfigurePrimaryHttpMessageHandler(Handler)
            .RemoveAllLoggers();
        return builder;
    }

    private static void ConfigureClient(HttpClient client)
    {
        // Note: each request has its own deadline (longpoll requests wait longer than the others).
        client.Timeout = Timeout.InfiniteTimeSpan;
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Tessera-Replicator/1.0");
    }

    private static SocketsHttpHandler Handler() => new()
    {
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.All,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    /// <summary>Several nodes share an Orleans cluster (ADO.NET membership): the node sits in a private network worth protecting.</summary>
    private static bool IsCluster(IConfiguration configuration) =>
        string.Equals(configuration["Tessera:Orleans:Clustering"], "AdoNet", StringComparison.OrdinalIgnoreCase);
}
