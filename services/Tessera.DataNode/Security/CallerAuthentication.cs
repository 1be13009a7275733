using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Tessera.Security;

namespace Tessera.DataNode.Security;

/// <summary>Who calls, from a request's credentials, and why a refusal is one; shared by REST, feeds and gRPC.</summary>
internal static class CallerAuthentication
{
    public const string BadCredentials = "Name or password is incorrect, or the token is invalid or expired.";

    /// <summary>The caller and how it authenticated ("basic", "bearer" or "none"); null when credentials were given but are bad.</summary>
    public static async Task<(Caller Caller, string Via)?> AuthenticateAsync(HttpContext http)
    {
        var authentication = await http.AuthenticateAsync(DataNodeAuthentication.Scheme);
        if (authentication.Failure is not null)
        {
            return null;
        }

        return authentication.Succeeded
            ? (Caller.From(authentication.Principal), authentication.Ticket.AuthenticationScheme == DataNodeAuthentication.ApiKeyScheme ? "basic" : "bearer")
            : (Caller.Anonymous, "none");
    }

    /// <summary>The reason given to a caller without the rights it needs: no credentials, another tenant's, or too few rights.</summary>
    public static string DenialReason(Caller caller, string tenant) =>
        !caller.IsAuthenticated ? "You are not authorized to access this db."
        : caller.Tenant == tenant ? "You are not allowed to access this db."
        : "These credentials belong to another tenant.";
}
