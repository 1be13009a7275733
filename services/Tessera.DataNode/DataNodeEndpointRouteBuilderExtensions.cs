using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Endpoints;
using Tessera.DataNode.Tenancy;

namespace Microsoft.AspNetCore.Builder;

public static class DataNodeEndpointRouteBuilderExtensions
{
    /// <summary>Maps the server root and the CouchDB API of each tenant under <c>/t/{tenant}</c>.</summary>
    public static RouteGroupBuilder MapTesseraDataNode(this IEndpointRouteBuilder app)
    {
        var tenant = app.MapGroup("/t/{tenant}")
            .AddEndpointFilter<CouchExceptionFilter>()
            .AddEndpointFilter<TenantFilter>()
            .WithTags("CouchDB");
        app.MapServerEndpoints(tenant)
            .MapDatabaseEndpoints()
            .MapDocumentEndpoints()
            .MapAttachmentEndpoints()
            .MapBulkDocsEndpoints()
            .MapAllDocsEndpoints()
            .MapChangesEndpoints()
            .MapLocalDocumentEndpoints()
            .MapReplicationEndpoints();
        app.MapFallback(() => CouchError.NotFound());
        return tenant;
    }
}
