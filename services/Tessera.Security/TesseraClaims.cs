namespace Tessera.Security;

/// <summary>
/// Claim types of Tessera access tokens. Identity writes them; the gateway and the data nodes read them from a JWT they
/// validate locally (no call per request).
/// </summary>
public static class TesseraClaims
{
    /// <summary>Account id, or the API key id for keys.</summary>
    public const string Subject = "sub";

    /// <summary>The tenant slug the token is valid for; a token is never valid for another tenant.</summary>
    public const string Tenant = "tenant";

    /// <summary>The caller's display name: the email of an account, the key id of an API key.</summary>
    public const string Name = "name";

    /// <summary>The tenant role of an account (see <see cref="TenantRoles"/>); absent for API keys.</summary>
    public const string Role = "role";

    /// <summary>The OAuth client the token was issued to.</summary>
    public const string ClientId = "client_id";

    /// <summary>Granted scopes, space separated in the JWT (see <see cref="DataScopes"/>).</summary>
    public const string Scope = "scope";

    /// <summary>The audience data nodes and the gateway require.</summary>
    public const string Audience = "tessera";
}
