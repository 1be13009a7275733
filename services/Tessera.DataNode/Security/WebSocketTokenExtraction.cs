using Microsoft.AspNetCore;
using OpenIddict.Validation;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Validation.OpenIddictValidationEvents;

namespace Tessera.DataNode.Security;

/// <summary>
/// Browsers cannot set headers on a WebSocket, but they can offer subprotocols: a browser offers
/// <c>["tessera.v1", "tessera.bearer.&lt;access token&gt;"]</c> and the server answers <c>tessera.v1</c>. The token
/// thus travels in a header, never in a URL that proxies and servers log.
/// </summary>
internal sealed class WebSocketTokenExtraction : IOpenIddictValidationHandler<ProcessAuthenticationContext>
{
    public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
        OpenIddictValidationHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .UseSingletonHandler<WebSocketTokenExtraction>()
            .SetOrder(OpenIddictValidationAspNetCoreHandlers.ExtractAccessTokenFromQueryString.Descriptor.Order + 1_000)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        if (!string.IsNullOrEmpty(context.AccessToken) || context.Transaction.GetHttpRequest() is not { } request)
        {
            return default;
        }

        if (TryRead(request.Headers.SecWebSocketProtocol, out var token))
        {
            context.AccessToken = token;
        }

        return default;
    }

    public static bool Offers(Microsoft.AspNetCore.Http.HttpRequest request) => TryRead(request.Headers.SecWebSocketProtocol, out _);

    public static bool TryRead(Microsoft.Extensions.Primitives.StringValues header, out string token) => Tessera.Security.WebSocketBearer.TryRead(header, out token);
}
