namespace Tessera.Identity.Data;

// Note: the identity tables are small control-plane rows, kept in the same DbContext as OpenIddict's stores so one
// transaction covers a signup (tenant, account, membership, API key and its OAuth client) and nothing half-made remains.

/// <summary>A tenant: the unit of isolation. Its slug is the <c>{tenant}</c> of every route and the <c>tenant</c> claim.</summary>
public sealed class Tenant
{
    public required string Slug { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>A person who signs in with email and password.</summary>
public sealed class Account
{
    public required string Id { get; set; }

    /// <summary>Lowercased and trimmed; unique.</summary>
    public required string Email { get; set; }

    /// <summary>ASP.NET Core Identity's <c>PasswordHasher</c> format (PBKDF2, salted).</summary>
    public required string PasswordHash { get; set; }

    /// <summary>Failed logins since the last success; reaching the limit locks the account for a while.</summary>
    public int FailedLogins { get; set; }

    public DateTime? LockedUntil { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>An account's role in a tenant (<see cref="Tessera.Security.TenantRoles"/>).</summary>
public sealed class Membership
{
    public required string TenantSlug { get; set; }

    public required string AccountId { get; set; }

    public required string Role { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>An invitation of an email address into a tenant with a role; the link carries a token whose hash is stored.</summary>
public sealed class Invitation
{
    public required string Id { get; set; }

    public required string TenantSlug { get; set; }

    public required string Email { get; set; }

    public required string Role { get; set; }

    /// <summary>SHA-256 (hex) of the token in the link; the token itself is shown once.</summary>
    public required string TokenHash { get; set; }

    public string? InvitedBy { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? AcceptedAt { get; set; }
}

/// <summary>
/// What Tessera knows about an API key beyond its OAuth client (an OpenIddict application whose client_id is
/// <see cref="Id"/> and whose secret OpenIddict stores hashed).
/// </summary>
public sealed class ApiKey
{
    public required string Id { get; set; }

    public required string TenantSlug { get; set; }

    public required string Name { get; set; }

    /// <summary>Space-separated scopes the key may ask for (and gets by default).</summary>
    public required string Scopes { get; set; }

    public string? CreatedBy { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Set when revoked; the OAuth client is deleted then, this row stays for the audit trail.</summary>
    public DateTime? RevokedAt { get; set; }
}

/// <summary>A browser or mobile app of a tenant: a public OAuth client with registered redirect URIs (PKCE required).</summary>
public sealed class OAuthApp
{
    public required string ClientId { get; set; }

    public required string TenantSlug { get; set; }

    public required string Name { get; set; }

    /// <summary>Space-separated.</summary>
    public required string RedirectUris { get; set; }

    /// <summary>Space-separated data scopes the app may ask for, on top of openid, profile, email and offline_access.</summary>
    public required string Scopes { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>Key material generated once and shared by every identity replica (token signing and encryption keys).</summary>
public sealed class KeyMaterial
{
    public required string Purpose { get; set; }

    public required string Value { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>An ASP.NET Core Data Protection key (cookies, antiforgery), shared by every identity replica.</summary>
public sealed class DataProtectionKey
{
    public int Id { get; set; }

    public required string FriendlyName { get; set; }

    public required string Xml { get; set; }
}
