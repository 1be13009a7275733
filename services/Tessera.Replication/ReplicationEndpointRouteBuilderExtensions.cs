using Microsoft.AspNetCore.Routing;
using Tessera.Replication.Endpoints;

namespace Microsoft.AspNetCore.Builder;

public static class ReplicationEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>_replicate</c>, <c>_replicator/{jobId}</c> and <c>_scheduler/{jobs,docs}</c> on the tenant group that
    /// <c>MapTesseraDataNode()</c> returns, so they get its tenant check and CouchDB error handling.
    /// </summary>
    public static RouteGroupBuilder MapTesseraReplication(this RouteGroupBuilder tenant) =>
        tenant.MapReplicateEndpoints()
            .MapReplicatorEndpoints()
            .MapSchedulerEndpoints();
}
