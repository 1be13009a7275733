using System.ComponentModel.DataAnnotations;

namespace Tessera.Identity;

/// <summary>Settings of the identity service (OpenIddict server, accounts, API keys), bound from <c>Tessera:Identity</c>.</summary>
public sealed class TesseraIdentityOptions
{
    /// <summary>
    /// The issuer written into tokens and discovery (in clusters: the public gateway URL). Null: the base address of the
    /// request that reaches the identity service, which is right for embedded mode.
    /// </summary>
    public Uri? Issuer { get; set; }

    /// <summary>
    /// The RSA private key (PEM) that signs tokens. Null: a key generated once and kept in the identity database, so
    /// restarts and several identity replicas sign with the same key.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// The 256-bit key (base64) that encrypts authorization codes and refresh tokens. Null: generated once and kept in
    /// the identity database, like the signing key.
    /// </summary>
    public string? EncryptionKey { get; set; }

    [Range(1, 24 * 60)]
    public int AccessTokenMinutes { get; set; } = 15;

    [Range(1, 365)]
    public int RefreshTokenDays { get; set; } = 14;

    /// <summary>How long a verified API key id and secret (HTTP Basic) is trusted without hashing the secret again.</summary>
    [Range(0, 3600)]
    public int ApiKeyCacheSeconds { get; set; } = 60;

    /// <summary>Failed logins in a row after which an account is locked for <see cref="LockoutMinutes"/>.</summary>
    [Range(1, 1000)]
    public int MaxFailedLogins { get; set; } = 5;

    [Range(1, 24 * 60)]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>Login form posts per minute from one client IP address.</summary>
    [Range(1, 100_000)]
    public int LoginsPerMinutePerIp { get; set; } = 30;

    /// <summary>Login form posts per minute for one email address, from anywhere.</summary>
    [Range(1, 100_000)]
    public int LoginsPerMinutePerAccount { get; set; } = 10;

    /// <summary>Token endpoint requests per minute from one client IP address.</summary>
    [Range(1, 100_000)]
    public int TokenRequestsPerMinutePerIp { get; set; } = 300;

    /// <summary>Token endpoint requests per minute for one client_id, from anywhere.</summary>
    [Range(1, 100_000)]
    public int TokenRequestsPerMinutePerClient { get; set; } = 60;

    /// <summary>Signups (API and page) per hour from one client IP address.</summary>
    [Range(1, 100_000)]
    public int SignupsPerHourPerIp { get; set; } = 20;

    /// <summary>How long an invitation link stays valid.</summary>
    [Range(1, 90)]
    public int InvitationDays { get; set; } = 7;
}
