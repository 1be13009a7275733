using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Tessera.ServiceDefaults;

/// <summary>
/// Puts the request counter first in the pipeline, so requests answered by any middleware (rate limits, auth, 404s)
/// are counted too. The tenant route value is read after the rest of the pipeline ran, when routing has set it.
/// </summary>
internal sealed class TenantRequestCountingStartupFilter(TenantRequestMetrics metrics) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            // Note: probes hit the health endpoints every few seconds; counting them would drown the tenants' traffic.
            if (HealthEndpoints.IsHealthPath(context.Request.Path))
            {
                await nextMiddleware(context);
                return;
            }

            try
            {
                await nextMiddleware(context);
            }
            catch when (!context.Response.HasStarted)
            {
                // The server answers 500 for an exception that escapes before the response started; count it as such.
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                throw;
            }
            finally
            {
                metrics.Record(context);
            }
        });
        next(app);
    };
}
