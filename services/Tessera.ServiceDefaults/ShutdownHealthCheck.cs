using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Tessera.ServiceDefaults;

/// <summary>
/// Unready as soon as the host begins to stop, so load balancers and Kubernetes endpoints stop sending new requests
/// while in-flight ones (and the Orleans silo's graceful shutdown) finish.
/// </summary>
internal sealed class ShutdownHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("The host is shutting down.")
            : HealthCheckResult.Healthy());
}
