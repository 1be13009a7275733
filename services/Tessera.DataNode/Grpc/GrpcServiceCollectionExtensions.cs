using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tessera.DataNode;
using Tessera.DataNode.Grpc;

namespace Microsoft.Extensions.DependencyInjection;

public static class GrpcServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <c>tessera.v1</c> gRPC services, server reflection, and HTTP/2 with prior knowledge on cleartext
    /// endpoints that also serve HTTP/1.1 (see <see cref="Http2PriorKnowledge"/>), so gRPC and REST share one port.
    /// Called by <c>AddTesseraDataNode()</c>; safe to call more than once.
    /// </summary>
    /// <remarks>
    /// Note: Kestrel keeps a single endpoint-defaults callback (<c>ConfigureEndpointDefaults</c>); this one installs the
    /// HTTP/2 preface check. Whoever needs endpoint defaults too must add to it here, not set another one.
    /// </remarks>
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
        services.Configure<KestrelServerOptions>(kestrel => kestrel.ConfigureEndpointDefaults(Http2PriorKnowledge.Use));
        return builder;
    }

    private sealed class GrpcMarker;
}
