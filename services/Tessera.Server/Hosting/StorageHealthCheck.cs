using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tessera.Storage;

namespace Tessera.Server.Hosting;

/// <summary>
/// Ready while storage answers a catalog query (PostgreSQL reachable and migrated, or the SQLite file readable).
/// Note: it goes through the storage contract, not a provider's connection, so it tests what requests use; the
/// empty tenant names no real tenant, so the query reads an index and returns nothing.
/// </summary>
internal sealed class StorageHealthCheck(IDatabaseCatalog catalog) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await catalog.GetAsync(string.Empty, string.Empty, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("Storage did not answer.", exception);
        }
    }
}
