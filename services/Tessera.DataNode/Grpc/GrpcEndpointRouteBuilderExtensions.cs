using Microsoft.AspNetCore.Routing;
using Tessera.DataNode.Grpc;

namespace Microsoft.AspNetCore.Builder;

public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the <c>tessera.v1</c> gRPC services (<c>tessera.v1.Documents</c>) and gRPC server reflection at the root
    /// (<c>/tessera.v1.Documents/Get</c>, ...). Called by <c>MapTesseraDataNode()</c>; needs <c>AddTesseraGrpc()</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapTesseraGrpc(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<DocumentsService>();
        app.MapGrpcReflectionService();
        return app;
    }
}
