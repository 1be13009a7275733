using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;

namespace Tessera.Gateway.Proxy;

/// <summary>
/// Readiness of the proxy: unhealthy until YARP has loaded clusters; degraded (still ready) while some cluster has no
/// healthy destination. Note: a gateway without data nodes stays in rotation on purpose: it answers 503 with a
/// CouchDB-style body, which clients retry, where an unready gateway would refuse connections.
/// </summary>
internal sealed class ProxyDestinationsHealthCheck(IProxyStateLookup proxy) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var clusters = proxy.GetClusters().ToList();
        if (clusters.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("No proxy clusters are configured."));
        }

        var empty = clusters.Where(c => c.DestinationsState.AvailableDestinations.Count == 0).Select(c => c.ClusterId).ToList();
        return Task.FromResult(empty.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded($"No healthy destination in: {string.Join(", ", empty)}."));
    }
}
