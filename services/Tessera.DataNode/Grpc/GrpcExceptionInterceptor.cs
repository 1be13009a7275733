using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Tessera.Documents;
using Tessera.Grains;

namespace Tessera.DataNode.Grpc;

/// <summary>
/// The last line of the gRPC error contract, like <c>CouchExceptionFilter</c> for REST: statuses thrown on purpose pass
/// through; a document the core refuses is still the client's mistake; a client that went away is CANCELLED; anything
/// else is logged and answered INTERNAL with a generic reason; a cluster moving grains is UNAVAILABLE.
/// </summary>
internal sealed partial class GrpcExceptionInterceptor(ILogger<GrpcExceptionInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            throw Translate(exception, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            throw Translate(exception, context);
        }
    }

    private RpcException Translate(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case DocumentException refused:
                return GrpcErrors.Create(GrpcErrors.CodeOf(refused.StatusCode), refused.Error, refused.Reason);
            case SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or DatabaseMovedException:
                // A silo died or left and its grains are moving: retrying in a moment works, unlike INTERNAL.
                return GrpcErrors.Create(StatusCode.Unavailable, "service_unavailable", "The database is moving to another node; retry shortly.");
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled."));
            default:
                LogUnhandled(logger, exception, context.Method);
                return GrpcErrors.Internal();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in gRPC call {Method}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method);
}
