using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Gateway.Proxy;
using Tessera.ServiceDefaults;
using Yarp.ReverseProxy.Transforms;

namespace Microsoft.Extensions.DependencyInjection;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>The configuration section YARP reads its routes and clusters from.</summary>
    public const string ReverseProxySection = "ReverseProxy";

    /// <summary>
    /// Registers the YARP reverse proxy with routes and clusters from the <c>ReverseProxy</c> configuration section
    /// (reloaded when it changes), forwarding headers set by the proxy alone (<c>X-Forwarded-For</c>, <c>-Proto</c>,
    /// <c>-Host</c>, <c>-Prefix</c>; the client's were stripped by the policies), and a readiness check that reports
    /// clusters without a healthy destination. Cleartext endpoints accept HTTP/2 with prior knowledge next to HTTP/1.1,
    /// so gRPC clients and REST clients share the port. With <c>Tessera:Gateway:ResolveDestinations</c> on, each
    /// destination named by a host is expanded into one destination per address of that name (see
    /// <see cref="PerAddressDestinationResolver"/>); replace <see cref="IDestinationAddressLookup"/> to resolve names
    /// differently. Safe to call more than once.
    /// </summary>
    public static IHostApplicationBuilder AddTesseraGateway(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(ProxyDestinationsHealthCheck)))
        {
            return builder;
        }

        builder.Services.AddSingleton<ProxyDestinationsHealthCheck>();
        builder.Services.AddSingleton<Yarp.ReverseProxy.LoadBalancing.ILoadBalancingPolicy, DatabaseAffinityLoadBalancingPolicy>();
        builder.Services.AddOptions<GatewayProxyOptions>().BindConfiguration(GatewayProxyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<IDestinationAddressLookup, DnsDestinationAddressLookup>();
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection(ReverseProxySection))
            // Note: "Set" replaces any value; the policies already removed the client's, so these are the proxy's alone.
            .AddTransforms(static context => context.AddXForwarded(ForwardedTransformActions.Set));
        // Note: registered even with resolution off (it then passes destinations through), so the option is read when
        // YARP loads its configuration, not when services are registered.
        builder.Services.Replace(ServiceDescriptor.Singleton<Yarp.ReverseProxy.ServiceDiscovery.IDestinationResolver, PerAddressDestinationResolver>());
        builder.Services.AddHealthChecks()
            .AddCheck<ProxyDestinationsHealthCheck>("destinations", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }
}
