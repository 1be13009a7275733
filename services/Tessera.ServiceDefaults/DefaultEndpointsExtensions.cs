using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Tessera.ServiceDefaults;

namespace Microsoft.AspNetCore.Builder;

public static class DefaultEndpointsExtensions
{
    /// <summary>
    /// Maps <c>/healthz</c> (liveness: 200 while the process serves HTTP) and <c>/readyz</c> (readiness: 200 when every
    /// check tagged <see cref="HealthEndpoints.ReadyTag"/> passes, 503 otherwise). Both answer anonymous GET/HEAD with a
    /// small JSON body and are not cached. Call after <c>Build()</c>, next to the other <c>Map*</c> calls.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(HealthEndpoints.LivenessPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthEndpoints.LiveTag),
            ResponseWriter = HealthEndpoints.WriteResponseAsync,
        }).AllowAnonymous().WithTags("Health");
        app.MapHealthChecks(HealthEndpoints.ReadinessPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthEndpoints.ReadyTag),
            ResponseWriter = HealthEndpoints.WriteResponseAsync,
        }).AllowAnonymous().WithTags("Health");
        return app;
    }
}
