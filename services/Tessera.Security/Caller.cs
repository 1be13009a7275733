using System.Security.Claims;

namespace Tessera.Security;

/// <summary>
/// Who is calling, as far as data access is concerned: read once per request from a validated token or API key.
/// </summary>
/// <param name="Tenant">The tenant the credentials belong to; null for an anonymous caller.</param>
/// <param name="Name">The account's email or the API key id; matched against <c>_security</c> names.</param>
/// <param name="Role">The account's tenant role; null for API keys and client-credentials tokens.</param>
/// <param name="Scopes">The granted scopes; data rights never exceed what they grant.</param>
public sealed record Caller(string? Tenant, string? Name, string? Role, IReadOnlyList<string> Scopes)
{
    public static Caller Anonymous { get; } = new(null, null, null, []);

    public bool IsAuthenticated => Tenant is not null;

    /// <summary>An API key (or any client-credentials token): its rights come from its scopes alone.</summary>
    public bool IsApiKey => IsAuthenticated && Role is null;

    /// <summary>Reads the Tessera claims; a principal without a tenant claim is anonymous.</summary>
    public static Caller From(ClaimsPrincipal principal)
    {
        var tenant = principal.FindFirst(TesseraClaims.Tenant)?.Value;
        if (string.IsNullOrEmpty(tenant))
        {
            return Anonymous;
        }

        // Note: a JWT carries one space-separated "scope" claim; OpenIddict's validated principal may instead carry one
        // "oi_scp" claim per scope. Accept both.
        var scopes = new List<string>();
        foreach (var claim in principal.Claims)
        {
            if (claim.Type is TesseraClaims.Scope or "oi_scp")
            {
                scopes.AddRange(DataScopes.Split(claim.Value));
            }
        }

        var name = principal.FindFirst(TesseraClaims.Name)?.Value ?? principal.FindFirst(TesseraClaims.Subject)?.Value;
        var role = principal.FindFirst(TesseraClaims.Role)?.Value;
        return new Caller(tenant, name, TenantRoles.IsValid(role) ? role : null, scopes);
    }
}
