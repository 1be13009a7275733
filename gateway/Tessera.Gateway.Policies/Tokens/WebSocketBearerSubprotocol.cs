using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using OpenIddict.Validation;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Validation.OpenIddictValidationEvents;

namespace Tessera.Gateway.Policies.Tokens;

/// <summary>
/// Reads an access token offered as a WebSocket subprotocol, <c>Sec-WebSocket-Protocol: tessera.v1, tessera.bearer.{token}</c>:
/// browsers cannot set headers on a WebSocket, and a token in the URL would end up in logs. The data nodes read the
/// same place (<c>Tessera.DataNode.Security.WebSocketTokenExtraction</c>); the gateway must judge the same token.
/// </summary>
internal sealed class WebSocketBearerSubprotocol : IOpenIddictValidationHandler<ProcessAuthenticationContext>
{
    public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
        OpenIddictValidationHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .UseSingletonHandler<WebSocketBearerSubprotocol>()
            .SetOrder(OpenIddictValidationAspNetCoreHandlers.ExtractAccessTokenFromQueryString.Descriptor.Order + 1_000)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        if (string.IsNullOrEmpty(context.AccessToken) && context.Transaction.GetHttpRequest() is { } request
            && TryRead(request.Headers.SecWebSocketProtocol, out var token))
        {
            context.AccessToken = token;
        }

        return default;
    }

    public static bool Offers(HttpRequest request) => TryRead(request.Headers.SecWebSocketProtocol, out _);

    public static bool TryRead(Microsoft.Extensions.Primitives.StringValues header, out string token)
    {
        // Note: the shared reader takes an IEnumerable, which boxes; nearly every request has no such header.
        if (header.Count == 0)
        {
            token = "";
            return false;
        }

        return Tessera.Security.WebSocketBearer.TryRead(header, out token);
    }
}
