using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tessera.DataNode;
using Tessera.DataNode.Grpc;

namespace Microsoft.Extensions.DependencyInjection;

public static class GrpcServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <c>tessera.v1</c> gRPC services and server reflection. Called by <c>AddTesseraDataNode()</c>; safe to
    /// call more than once. gRPC shares the REST port thanks to <c>AddServiceDefaults()</c>, which serves HTTP/2 with prior
    /// knowledge on cleartext endpoints (Tessera.ServiceDefaults' Http2PriorKnowledge).
    /// </summary>
    public static IHostApplicationBuilder AddTesseraGrpc(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(GrpcMarker)))
        {
            return builder;
        }

        services.AddSingleton<GrpcMarker>();
        services.AddGrpc().AddServiceOptions<DocumentsService>(o => o.Interceptors.Add<GrpcExceptionInterceptor>());
        services.AddOptions<GrpcServiceOptions<DocumentsService>>()
            .Configure<IOptions<DataNodeOptions>>((grpc, node) => grpc.MaxReceiveMessageSize = (int)Math.Min(node.Value.MaxRequestBytes, int.MaxValue));
        services.AddGrpcReflection();
        services.TryAddSingleton<GrpcDatabaseAccess>();
        services.TryAddSingleton<ChangesStream>();
        return builder;
    }

    private sealed class GrpcMarker;
}
