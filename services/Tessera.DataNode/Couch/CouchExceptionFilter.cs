using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Tessera.Grains;

namespace Tessera.DataNode.Couch;

/// <summary>
/// The last line of the CouchDB API's error contract: a client's malformed request becomes its 4xx, anything else a
/// 500 with a generic reason (never the exception text, which could carry another tenant's data); a node of the
/// cluster that is unreachable while grains move is a 503 with Retry-After.
/// </summary>
internal sealed partial class CouchExceptionFilter(ILogger<CouchExceptionFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (BadHttpRequestException exception)
        {
            return exception.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? CouchError.TooLarge()
                : new CouchError(exception.StatusCode, "bad_request", exception.Message);
        }
        catch (OperationCanceledException) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (Exception exception) when (exception is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or DatabaseMovedException)
        {
            // A silo died or left and its grains are moving: the request may be retried in a moment, unlike a 500.
            LogUnavailable(logger, exception, context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            context.HttpContext.Response.Headers.RetryAfter = "1";
            return new CouchError(503, "service_unavailable", "The database is moving to another node; retry shortly.");
        }
        catch (Exception exception)
        {
            LogUnhandled(logger, exception, context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            return new CouchError(500, "unknown_error", "The server could not complete the request.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster unavailable for {Method} {Path}")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string method, PathString path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);
}
