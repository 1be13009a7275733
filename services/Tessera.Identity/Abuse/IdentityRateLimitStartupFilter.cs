using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Tessera.Identity.Abuse;

/// <summary>Puts <see cref="IdentityRateLimiter"/> in front of the whole pipeline (see its remarks for why).</summary>
internal sealed class IdentityRateLimitStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var limiter = app.ApplicationServices.GetRequiredService<IdentityRateLimiter>();
        app.Use((context, nextMiddleware) => limiter.InvokeAsync(context, nextMiddleware));
        next(app);
    };
}
