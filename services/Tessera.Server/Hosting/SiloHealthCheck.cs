using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Tessera.Server.Hosting;

/// <summary>
/// Ready while the local silo is an active member of its cluster: before that (joining) grain calls may fail, and
/// after it (shutting down, or declared dead by the others) this node should get no new requests.
/// </summary>
internal sealed class SiloHealthCheck(IClusterMembershipService membership, ILocalSiloDetails localSilo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(localSilo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"The silo is {status}."));
    }
}
