using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Where ASP.NET Core's authentication and authorization middleware run. WebApplication adds both for every request
/// whenever their services are registered; these place them explicitly (on the app's own properties, so WebApplication
/// does not add them a second time) and only for the requests that need them.
/// Note: the authentication middleware offers every request to each scheme's request handler. OpenIddict's server and
/// validation handlers inspect every request for their own endpoints, about 15% of the CPU of a document read in a
/// profile of W3 (docs/benchmarks.md); endpoints that authenticate themselves can skip that.
/// </summary>
public static class AuthenticationPipelineExtensions
{
    /// <summary>Runs authentication and authorization (each only when its services are registered) for requests that match <paramref name="condition"/>.</summary>
    public static IApplicationBuilder UseAuthenticationWhere(this IApplicationBuilder app, Func<HttpContext, bool> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return Place(app, condition);
    }

    /// <summary>Keeps the authentication and authorization middleware out of the pipeline: every endpoint authenticates itself.</summary>
    public static IApplicationBuilder UseNoAuthenticationMiddleware(this IApplicationBuilder app) => Place(app, condition: null);

    private static IApplicationBuilder Place(IApplicationBuilder app, Func<HttpContext, bool>? condition)
    {
        var registered = app.ApplicationServices.GetRequiredService<IServiceProviderIsService>();
        var conditional = new ConditionalApplicationBuilder(app, condition);
        if (registered.IsService(typeof(IAuthenticationSchemeProvider)))
        {
            conditional.UseAuthentication();
        }

        if (registered.IsService(typeof(IAuthorizationHandlerProvider)))
        {
            conditional.UseAuthorization();
        }

        return app;
    }

    /// <summary>An application builder whose middleware runs only for requests that match a condition (null: none).</summary>
    private sealed class ConditionalApplicationBuilder(IApplicationBuilder app, Func<HttpContext, bool>? condition) : IApplicationBuilder
    {
        public IServiceProvider ApplicationServices { get => app.ApplicationServices; set => app.ApplicationServices = value; }

        public IFeatureCollection ServerFeatures => app.ServerFeatures;

        // The app's own properties, so the "middleware already added" flags land where WebApplication looks for them.
        public IDictionary<string, object?> Properties => app.Properties;

        public IApplicationBuilder Use(Func<RequestDelegate, RequestDelegate> middleware)
        {
            app.Use(next =>
            {
                if (condition is null)
                {
                    return next;
                }

                var withMiddleware = middleware(next);
                return http => condition(http) ? withMiddleware(http) : next(http);
            });
            return this;
        }

        public IApplicationBuilder New() => app.New();

        public RequestDelegate Build() => app.Build();
    }
}
