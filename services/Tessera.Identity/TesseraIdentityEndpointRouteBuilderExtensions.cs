using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Identity.Api;
using Tessera.Identity.Pages;
using Tessera.Identity.Server;

namespace Microsoft.AspNetCore.Builder;

public static class TesseraIdentityEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the identity endpoints: <c>/connect/authorize|token|logout</c> (OpenIddict answers discovery, JWKS,
    /// <c>/connect/revoke</c> and <c>/connect/introspect</c> itself), the platform API <c>/api/v1</c> with its OpenAPI
    /// document (<c>/openapi/v1.json</c>) and reference page (<c>/api</c>), and the pages <c>/signup</c>, <c>/login</c>,
    /// <c>/logout</c>, <c>/invite/{token}</c>, <c>/console</c>. Maps nothing when <c>AddTesseraIdentity</c> did not
    /// register the identity role. Call once.
    /// </summary>
    public static IEndpointRouteBuilder MapTesseraIdentity(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<TesseraIdentityServiceCollectionExtensions.IdentityServerMarker>() is null)
        {
            return app;
        }

        app.MapConnectEndpoints();
        app.MapPlatformApi();
        app.MapOpenApi();
        app.MapApiReference();
        app.MapAccountPages();
        app.MapConsolePages();
        return app;
    }
}
