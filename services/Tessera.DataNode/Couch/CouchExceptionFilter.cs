using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tessera.DataNode.Couch;

/// <summary>
/// The last line of the CouchDB API's error contract: a client's malformed request becomes its 4xx, anything else a
/// 500 with a generic reason (never the exception text, which could carry another tenant's data).
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
        catch (Exception exception)
        {
            LogUnhandled(logger, exception, context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            return new CouchError(500, "unknown_error", "The server could not complete the request.");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);
}
