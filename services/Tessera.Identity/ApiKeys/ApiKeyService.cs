using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using Tessera.Identity.Data;
using Tessera.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Tessera.Identity.ApiKeys;

/// <summary>A key as listed: never the secret.</summary>
public sealed record ApiKeyInfo(string Id, string Name, IReadOnlyList<string> Scopes, DateTime CreatedAt, string? CreatedBy);

/// <summary>A key just created: the only time its secret is seen.</summary>
public sealed record CreatedApiKey(string Id, string Secret, string Name, IReadOnlyList<string> Scopes, DateTime CreatedAt);

/// <summary>
/// API keys as OAuth clients: each key is a confidential OpenIddict application (client_id = key id, secret hashed by
/// OpenIddict) allowed the client-credentials grant, plus an <see cref="ApiKey"/> row with its tenant and scopes.
/// </summary>
public sealed class ApiKeyService(IdentityDbContext db, IOpenIddictApplicationManager applications, IOpenIddictTokenManager tokens,
    ApiKeyVerifier verifier, TimeProvider time)
{
    public const string IdPrefix = "key_";

    public async Task<CreatedApiKey> CreateAsync(string tenant, string? name, IEnumerable<string>? scopes, string? createdBy,
        CancellationToken cancellationToken, string? id = null, string? secret = null)
    {
        var granted = ApiKeyScopes.Validate(scopes);
        name = string.IsNullOrWhiteSpace(name) ? "key" : name.Trim();
        if (name.Length > 100)
        {
            throw PlatformException.Invalid("A key name has at most 100 characters.");
        }

        id ??= NewId();
        secret ??= NewSecret();
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        if (await db.ApiKeys.AnyAsync(k => k.Id == id, cancellationToken))
        {
            throw PlatformException.Conflict($"API key '{id}' exists.");
        }

        db.ApiKeys.Add(new ApiKey { Id = id, TenantSlug = tenant, Name = name, Scopes = string.Join(' ', granted), CreatedBy = createdBy, CreatedAt = now });
        await db.SaveChangesAsync(cancellationToken);
        await applications.CreateAsync(Descriptor(id, secret, tenant, name, granted), cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return new CreatedApiKey(id, secret, name, granted, now);
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string tenant, CancellationToken cancellationToken)
    {
        var keys = await db.ApiKeys.AsNoTracking()
            .Where(k => k.TenantSlug == tenant && k.RevokedAt == null)
            .ToListAsync(cancellationToken);
        return [.. keys.OrderBy(k => k.CreatedAt).Select(k => new ApiKeyInfo(k.Id, k.Name, DataScopes.Split(k.Scopes), k.CreatedAt, k.CreatedBy))];
    }

    /// <summary>Revokes a key of <paramref name="tenant"/>: its OAuth client and tokens are deleted, it stops verifying at once on this node.</summary>
    public async Task RevokeAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && k.TenantSlug == tenant && k.RevokedAt == null, cancellationToken)
            ?? throw PlatformException.NotFound($"API key '{id}' does not exist in this tenant.");
        key.RevokedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        if (await applications.FindByClientIdAsync(id, cancellationToken) is { } application)
        {
            var applicationId = await applications.GetIdAsync(application, cancellationToken);
            if (applicationId is not null)
            {
                await tokens.RevokeByApplicationIdAsync(applicationId, cancellationToken);
            }

            await applications.DeleteAsync(application, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        verifier.Forget(id);
    }

    /// <summary>
    /// Makes key <paramref name="id"/> of <paramref name="tenant"/> exist with <paramref name="secret"/> and
    /// <paramref name="scopes"/> (bootstrap settings). Returns true when it created or changed something.
    /// </summary>
    public async Task<bool> EnsureAsync(string tenant, string id, string secret, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null)
        {
            await CreateAsync(tenant, "bootstrap", scopes, "bootstrap", cancellationToken, id, secret);
            return true;
        }

        if (key.TenantSlug != tenant)
        {
            throw new InvalidOperationException($"Bootstrap API key '{id}' belongs to tenant '{key.TenantSlug}', not '{tenant}'.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var changed = key.RevokedAt is not null || key.Scopes != string.Join(' ', scopes);
        key.RevokedAt = null;
        key.Scopes = string.Join(' ', scopes);
        await db.SaveChangesAsync(cancellationToken);
        var application = await applications.FindByClientIdAsync(id, cancellationToken);
        if (application is null)
        {
            await applications.CreateAsync(Descriptor(id, secret, tenant, key.Name, scopes), cancellationToken);
            changed = true;
        }
        else if (!await applications.ValidateClientSecretAsync(application, secret, cancellationToken))
        {
            // Note: the configured secret wins, so CI can rotate it by changing an environment variable.
            await applications.UpdateAsync(application, Descriptor(id, secret, tenant, key.Name, scopes), cancellationToken);
            changed = true;
        }

        await transaction.CommitAsync(cancellationToken);
        verifier.Forget(id);
        return changed;
    }

    public static bool IsValidId(string? id) =>
        id is { Length: >= 3 and <= 100 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    private static OpenIddictApplicationDescriptor Descriptor(string id, string secret, string tenant, string name, IEnumerable<string> scopes)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = id,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = $"{tenant}: API key {name}",
            Permissions =
            {
                Permissions.Endpoints.Token,
                Permissions.Endpoints.Introspection,
                Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.ClientCredentials,
            },
        };
        foreach (var scope in scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        return descriptor;
    }

    private static string NewId() => IdPrefix + RandomToken(15).ToLowerInvariant().Replace('-', 'x').Replace('_', 'y');

    private static string NewSecret() => RandomToken(32);

    internal static string RandomToken(int bytes) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(bytes));
}
