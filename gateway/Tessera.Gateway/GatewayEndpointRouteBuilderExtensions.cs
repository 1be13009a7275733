using Tessera.Gateway.Proxy;

namespace Microsoft.AspNetCore.Builder;

public static class GatewayEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the proxy routes: per request, load balancing over the cluster's healthy destinations, passive health
    /// checks (a destination that fails requests is taken out for a while), and CouchDB-style JSON bodies for the
    /// proxy's own errors (502, 503, 504, 413).
    /// </summary>
    public static IEndpointRouteBuilder MapTesseraGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<ProxyErrorMiddleware>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return endpoints;
    }
}
