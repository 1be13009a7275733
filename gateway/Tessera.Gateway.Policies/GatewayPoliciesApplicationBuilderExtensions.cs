using Tessera.Gateway.Policies.Headers;
using Tessera.Gateway.Policies.Limits;
using Tessera.Gateway.Policies.Tenancy;
using Tessera.Gateway.Policies.Tokens;

namespace Microsoft.AspNetCore.Builder;

public static class GatewayPoliciesApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the gateway policies to the pipeline, in this order: strip client-supplied forwarding and internal
    /// headers; resolve the tenant and rewrite host-form paths to <c>/t/{tenant}/...</c>; cap the request size (413);
    /// check a bearer token (401/403); apply the tenant's rate and concurrency limits (429 with Retry-After). Then
    /// routing, so endpoints match the rewritten path. Call it right after <c>Build()</c>, before any <c>Map*</c>;
    /// requires <c>AddTesseraGatewayPolicies()</c>.
    /// </summary>
    public static IApplicationBuilder UseTesseraGatewayPolicies(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<ForwardingHeaderStripper>();
        app.UseMiddleware<TenantResolutionMiddleware>();
        app.UseMiddleware<RequestSizeMiddleware>();
        app.UseMiddleware<TokenCheckMiddleware>();
        app.UseRateLimiter();
        // Note: routing after the rewrite; WebApplication would otherwise route first, against the host-form path.
        app.UseRouting();
        return app;
    }
}
