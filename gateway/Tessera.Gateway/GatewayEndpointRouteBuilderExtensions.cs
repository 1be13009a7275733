using Tessera.Gateway.Proxy;

namespace Microsoft.AspNetCore.Builder;

public static class GatewayEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the proxy routes: per request, load balancing over the cluster's healthy destinations, passive health
    /// checks (a destination that fails requests is taken out for a while), and CouchDB-style JSON bodies for the
    /// proxy's own errors (502, 503, 504, 413).
    /// </summary>
    /// <remarks>
    /// On a <see cref="WebApplication"/> this also keeps the authentication and authorization middlewares, which
    /// WebApplication adds by itself when their services are registered (OpenIddict validation, YARP), out of the
    /// pipeline: the gateway authenticates only requests that carry a token, in its token check, and its routes have no
    /// authorization policies. Note: with OpenIddict validation as the only scheme (hence the default one), the
    /// automatic authentication middleware would run OpenIddict's pipeline on every request, tokens or not.
    /// </remarks>
    public static IEndpointRouteBuilder MapTesseraGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints is IApplicationBuilder app)
        {
            app.UseNoAuthenticationMiddleware();
        }

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
