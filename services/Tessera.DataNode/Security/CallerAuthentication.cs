using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Security;

namespace Tessera.DataNode.Security;

/// <summary>Who calls, from a request's credentials, and why a refusal is one; shared by REST, feeds and gRPC.</summary>
internal static class CallerAuthentication
{
    public const string BadCredentials = "Name or password is incorrect, or the token is invalid or expired.";

    /// <summary>The caller and how it authenticated ("basic", "bearer" or "none"); null when credentials were given but are bad.</summary>
    public static async Task<(Caller Caller, string Via)?> AuthenticateAsync(HttpContext http)
    {
        var token = BearerToken(http.Request);
        var cache = token is null ? null : http.RequestServices.GetService<ValidatedTokenCache>();
        if (token is not null && cache is not null && cache.TryGet(token, out var cached))
        {
            return (cached, "bearer");
        }

        if (!await DataNodeAuthentication.PrepareTokenValidationAsync(http))
        {
            return null;
        }

        var authentication = await http.AuthenticateAsync(DataNodeAuthentication.Scheme);
        if (authentication.Failure is not null)
        {
            return null;
        }

        if (!authentication.Succeeded)
        {
            return (Caller.Anonymous, "none");
        }

        var caller = Caller.From(authentication.Principal);
        if (authentication.Ticket.AuthenticationScheme == DataNodeAuthentication.ApiKeyScheme)
        {
            return (caller, "basic");
        }

        if (token is not null && cache is not null)
        {
            cache.Add(token, caller, Expiry(authentication));
        }

        return (caller, "bearer");
    }

    private static string? BearerToken(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        return WebSocketTokenExtraction.TryRead(request.Headers.SecWebSocketProtocol, out var token) ? token : null;
    }

    // The token's own expiry: the ticket's, else the JWT's "exp" claim (seconds since the Unix epoch).
    private static DateTimeOffset? Expiry(AuthenticateResult authentication)
    {
        if (authentication.Properties?.ExpiresUtc is { } expires)
        {
            return expires;
        }

        return long.TryParse(authentication.Principal?.FindFirst("exp")?.Value, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
    }

    /// <summary>The reason given to a caller without the rights it needs: no credentials, another tenant's, or too few rights.</summary>
    public static string DenialReason(Caller caller, string tenant) =>
        !caller.IsAuthenticated ? "You are not authorized to access this db."
        : caller.Tenant == tenant ? "You are not allowed to access this db."
        : "These credentials belong to another tenant.";
}
