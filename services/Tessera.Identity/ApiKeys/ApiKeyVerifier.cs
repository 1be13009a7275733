using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using Tessera.Identity.Data;
using Tessera.Identity.Server;
using Tessera.Security;

namespace Tessera.Identity.ApiKeys;

/// <summary>
/// Verifies an API key id and secret against the identity store (HTTP Basic on data endpoints). The secret check is
/// OpenIddict's, slow by design (PBKDF2), so a success is remembered for <see cref="TesseraIdentityOptions.ApiKeyCacheSeconds"/>
/// under a SHA-256 of id and secret (the secret itself is never kept).
/// </summary>
/// <remarks>
/// Note: a key revoked through this node is forgotten at once; a key revoked on another node stays usable here for at
/// most the cache time, like a JWT stays valid until it expires.
/// </remarks>
public sealed class ApiKeyVerifier(IServiceScopeFactory scopes, IdentityStoreInitializer initializer, IOptions<TesseraIdentityOptions> options, TimeProvider time)
    : IApiKeyVerifier
{
    private readonly ConcurrentDictionary<string, (ClaimsPrincipal Principal, string KeyId, long Expires)> _cache = new(StringComparer.Ordinal);

    public async ValueTask<ClaimsPrincipal?> VerifyAsync(string keyId, string secret, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(keyId) || string.IsNullOrEmpty(secret) || keyId.Length > 200 || secret.Length > 500)
        {
            return null;
        }

        var cacheKey = CacheKey(keyId, secret);
        var now = time.GetTimestamp();
        if (_cache.TryGetValue(cacheKey, out var hit))
        {
            if (hit.Expires > now)
            {
                return hit.Principal;
            }

            _cache.TryRemove(cacheKey, out _);
        }

        await initializer.EnsureCreatedAsync();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == keyId && k.RevokedAt == null, cancellationToken);
        if (key is null)
        {
            return null;
        }

        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var application = await applications.FindByClientIdAsync(keyId, cancellationToken);
        if (application is null || !await applications.ValidateClientSecretAsync(application, secret, cancellationToken))
        {
            return null;
        }

        var principal = TokenIdentities.ApiKeyPrincipal(key);
        var seconds = options.Value.ApiKeyCacheSeconds;
        if (seconds > 0)
        {
            _cache[cacheKey] = (principal, keyId, now + (seconds * time.TimestampFrequency));
        }

        return principal;
    }

    /// <summary>Drops every remembered verification of <paramref name="keyId"/> (after a revoke or a secret change).</summary>
    public void Forget(string keyId)
    {
        foreach (var (cacheKey, entry) in _cache)
        {
            if (entry.KeyId == keyId)
            {
                _cache.TryRemove(cacheKey, out _);
            }
        }
    }

    private static string CacheKey(string keyId, string secret) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(keyId + "\n" + secret)));
}
