using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Tessera.Gateway.Policies.Limits;

/// <summary>
/// Caps request bodies at <see cref="GatewayOptions.MaxRequestBytes"/>: a declared Content-Length above it is answered
/// 413 at once; a chunked body is cut by the server when it passes the cap (the proxy then answers 413 too).
/// </summary>
internal sealed class RequestSizeMiddleware(RequestDelegate next, IOptionsMonitor<GatewayOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var max = options.CurrentValue.MaxRequestBytes;
        if (context.Request.ContentLength > max)
        {
            return GatewayErrors.TooLargeAsync(context);
        }

        // Note: also raises Kestrel's own default cap (30 MB) to ours, which would otherwise cut bodies in between.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = max;
        }

        return next(context);
    }
}
