using System.Net;
using System.Net.Sockets;
using Orleans.Configuration;

namespace Microsoft.Extensions.Hosting;

internal static class SiloHostingExtensions
{
    /// <summary>
    /// Hosts an Orleans silo in this process. Embedded mode uses localhost clustering on free ports (so several servers,
    /// such as test hosts, can share a machine) unless <c>Tessera:Orleans:SiloPort</c>/<c>GatewayPort</c> are set.
    /// </summary>
    public static IHostApplicationBuilder AddTesseraSilo(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var siloPort = config.GetValue<int?>("Tessera:Orleans:SiloPort") ?? FreePort();
        var gatewayPort = config.GetValue<int?>("Tessera:Orleans:GatewayPort") ?? FreePort();
        var idleMinutes = config.GetValue<double?>("Tessera:Orleans:IdleDeactivationMinutes") ?? 2;
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort);
            silo.Configure<GrainCollectionOptions>(o =>
            {
                // Idle databases cost only rows: deactivate their grains soon after their last call.
                o.CollectionAge = TimeSpan.FromMinutes(idleMinutes);
                o.CollectionQuantum = TimeSpan.FromSeconds(Math.Clamp(idleMinutes * 30, 1, 60));
            });
        });
        return builder;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
