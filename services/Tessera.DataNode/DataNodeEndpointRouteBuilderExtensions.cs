using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Endpoints;
using Tessera.DataNode.Security;

namespace Microsoft.AspNetCore.Builder;

public static class DataNodeEndpointRouteBuilderExtensions
{
    /// <summary>Maps the server root, the CouchDB API of each tenant under <c>/t/{tenant}</c> and the <c>tessera.v1</c> gRPC services.</summary>
    public static RouteGroupBuilder MapTesseraDataNode(this IEndpointRouteBuilder app)
    {
        var tenant = app.MapGroup("/t/{tenant}")
            .AddEndpointFilter<CouchExceptionFilter>()
            .AddEndpointFilter<AccessFilter>()
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
        app.MapPlatformDatabaseEndpoints();
        app.MapTesseraGrpc();
        app.MapFallback(() => CouchError.NotFound());
        return tenant;
    }
}
