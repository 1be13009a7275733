using Tessera.Gateway.Policies;
using Yarp.ReverseProxy.Forwarder;

namespace Tessera.Gateway.Proxy;

/// <summary>
/// Gives the proxy's own failures a CouchDB-style body: YARP answers them with a status and no body, which PouchDB
/// and CouchDB replicators report as an unexplained failure. Destination answers, errors included, pass untouched.
/// </summary>
internal sealed class ProxyErrorMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);

        if (context.Response.HasStarted)
        {
            return;
        }

        var error = context.GetForwarderErrorFeature()?.Error;
        if (error is null or ForwarderError.None)
        {
            return;
        }

        var (status, code, reason) = (error, context.Response.StatusCode) switch
        {
            (ForwarderError.NoAvailableDestinations, _) => (503, "service_unavailable", "No server is available for this request; retry shortly."),
            (_, StatusCodes.Status413PayloadTooLarge) => (413, "too_large", "the request entity is too large"),
            (_, StatusCodes.Status504GatewayTimeout) => (504, "gateway_timeout", "The server did not answer in time."),
            (_, StatusCodes.Status400BadRequest or StatusCodes.Status408RequestTimeout) => (context.Response.StatusCode, "bad_request", "The request body could not be read."),
            _ => (StatusCodes.Status502BadGateway, "bad_gateway", "The server could not be reached; retry shortly."),
        };
        await GatewayErrors.WriteAsync(context, status, code, reason);
    }
}
