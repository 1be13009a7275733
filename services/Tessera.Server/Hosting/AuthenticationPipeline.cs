using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Tessera.DataNode;

namespace Tessera.Server.Hosting;

/// <summary>
/// Places ASP.NET Core's authentication and authorization middleware where WebApplication would (after routing), but
/// runs them only outside the data API.
/// Note: the authentication middleware offers every request to each scheme's request handler; OpenIddict's server and
/// validation handlers look at every request for their own endpoints, which cost about 15% of the CPU of a document
/// read in a profile of W3 (docs/benchmarks.md). Data endpoints authenticate themselves and never read
/// <c>HttpContext.User</c> (<see cref="DataApiPaths"/>), so they skip both. Calling UseAuthentication and
/// UseAuthorization here, on the app's own properties, also stops WebApplication from adding them for every request.
/// </summary>
internal static class AuthenticationPipeline
{
    public static WebApplication UseAuthenticationOutsideDataApi(this WebApplication app)
    {
        // As WebApplication does: each middleware only when its services are registered (a data-only node has no authorization).
        var registered = app.Services.GetRequiredService<IServiceProviderIsService>();
        var outsideDataApi = new ConditionalApplicationBuilder(app, http => !DataApiPaths.Contains(http.Request.Path));
        if (registered.IsService(typeof(IAuthenticationSchemeProvider)))
        {
            outsideDataApi.UseAuthentication();
        }

        if (registered.IsService(typeof(IAuthorizationHandlerProvider)))
        {
            outsideDataApi.UseAuthorization();
        }

        return app;
    }

    /// <summary>An application builder whose middleware runs only for requests that match a condition.</summary>
    private sealed class ConditionalApplicationBuilder(IApplicationBuilder app, Func<HttpContext, bool> condition) : IApplicationBuilder
    {
        public IServiceProvider ApplicationServices { get => app.ApplicationServices; set => app.ApplicationServices = value; }

        public IFeatureCollection ServerFeatures => app.ServerFeatures;

        // The app's own properties, so the "middleware already added" flags land where WebApplication looks for them.
        public IDictionary<string, object?> Properties => app.Properties;

        public IApplicationBuilder Use(Func<RequestDelegate, RequestDelegate> middleware)
        {
            app.Use(next =>
            {
                var withMiddleware = middleware(next);
                return http => condition(http) ? withMiddleware(http) : next(http);
            });
            return this;
        }

        public IApplicationBuilder New() => app.New();

        public RequestDelegate Build() => app.Build();
    }
}
