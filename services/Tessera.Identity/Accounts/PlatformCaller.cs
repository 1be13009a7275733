using System.Security.Claims;
using Tessera.Security;

namespace Tessera.Identity.Accounts;

/// <summary>
/// Who calls a management operation of a tenant: an account with a role (token of an app, or the console's cookie) or
/// an API key (its scopes). Built once per request; operations ask it what it may do.
/// </summary>
public sealed record PlatformCaller(string Tenant, string Name, string? AccountId, string? Role, bool HasPlatformScope)
{
    /// <summary>Change members, invitations, keys and apps: owners, admins and <c>platform</c>-scoped tokens.</summary>
    public bool CanManage => HasPlatformScope || Role is TenantRoles.Owner or TenantRoles.Admin;

    /// <summary>Read the tenant and its member list: every member of the tenant, too.</summary>
    public bool CanRead => CanManage || TenantRoles.IsValid(Role);

    public bool IsOwner => Role == TenantRoles.Owner;

    /// <summary>The caller a validated access token describes, or null when the token is not for <paramref name="tenant"/>.</summary>
    public static PlatformCaller? FromToken(ClaimsPrincipal principal, string tenant)
    {
        if (principal.FindFirst(TesseraClaims.Tenant)?.Value != tenant)
        {
            return null;
        }

        var scopes = principal.FindAll(TesseraClaims.Scope).SelectMany(c => DataScopes.Split(c.Value))
            .Concat(principal.FindAll("oi_scp").Select(c => c.Value));
        var role = principal.FindFirst(TesseraClaims.Role)?.Value;
        var subject = principal.FindFirst(TesseraClaims.Subject)?.Value ?? "";
        var isAccount = role is not null;
        // Note: an account's management rights come from its role alone; a platform scope counts for API keys only, so
        // a reader cannot gain them by signing in through an app that asks for platform.
        return new PlatformCaller(tenant, principal.FindFirst(TesseraClaims.Name)?.Value ?? subject, isAccount ? subject : null, role,
            !isAccount && scopes.Contains(DataScopes.Platform, StringComparer.Ordinal));
    }

    public void RequireManage()
    {
        if (!CanManage)
        {
            throw PlatformException.Forbidden("This operation needs an owner or admin of the tenant, or a token with the platform scope.");
        }
    }

    public void RequireRead()
    {
        if (!CanRead)
        {
            throw PlatformException.Forbidden("This operation needs a member of the tenant, or a token with the platform scope.");
        }
    }
}
