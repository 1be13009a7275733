using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using Tessera.Identity.Accounts;
using Tessera.Identity.ApiKeys;
using Tessera.Identity.Data;
using Tessera.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Tessera.Identity.Apps;

public sealed record AppInfo(string ClientId, string Name, IReadOnlyList<string> RedirectUris, IReadOnlyList<string> Scopes, DateTime CreatedAt);

/// <summary>
/// Browser and mobile apps of a tenant: public OAuth clients (no secret) with registered redirect URIs, the
/// authorization-code flow with PKCE required, refresh tokens, and explicit consent of the signing-in member.
/// </summary>
public sealed class AppService(IdentityDbContext db, IOpenIddictApplicationManager applications, IOpenIddictTokenManager tokens, TimeProvider time)
{
    public const int MaxRedirectUris = 10;

    /// <summary>Scopes every app may ask for besides its data scopes.</summary>
    public static IReadOnlyList<string> ProtocolScopes { get; } = [Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.OfflineAccess];

    public async Task<AppInfo> CreateAsync(PlatformCaller caller, string? name, IEnumerable<string>? redirectUris, IEnumerable<string>? scopes,
        CancellationToken cancellationToken)
    {
        caller.RequireManage();
        name = string.IsNullOrWhiteSpace(name) ? throw PlatformException.Invalid("An app needs a name.") : name.Trim();
        if (name.Length > 100)
        {
            throw PlatformException.Invalid("An app name has at most 100 characters.");
        }

        var uris = ValidateRedirectUris(redirectUris);
        // Note: no platform scope for apps: an account's management rights come from its role (see PlatformCaller).
        var granted = ApiKeyScopes.Validate(scopes is null || !scopes.Any() ? [DataScopes.Read, DataScopes.Write] : scopes, allowPlatform: false);
        var clientId = "app_" + ApiKeyService.RandomToken(12).ToLowerInvariant().Replace('-', 'x').Replace('_', 'y');
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Apps.Add(new OAuthApp { ClientId = clientId, TenantSlug = caller.Tenant, Name = name, RedirectUris = string.Join(' ', uris), Scopes = string.Join(' ', granted), CreatedAt = now });
        await db.SaveChangesAsync(cancellationToken);
        await applications.CreateAsync(Descriptor(clientId, caller.Tenant, name, uris, granted), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new AppInfo(clientId, name, uris, granted, now);
    }

    public async Task<IReadOnlyList<AppInfo>> ListAsync(string tenant, CancellationToken cancellationToken)
    {
        var rows = await db.Apps.AsNoTracking().Where(a => a.TenantSlug == tenant).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(a => a.CreatedAt).Select(ToInfo)];
    }

    public Task<OAuthApp?> FindAsync(string clientId, CancellationToken cancellationToken) =>
        db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.ClientId == clientId, cancellationToken);

    public async Task DeleteAsync(PlatformCaller caller, string clientId, CancellationToken cancellationToken)
    {
        caller.RequireManage();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var app = await db.Apps.FirstOrDefaultAsync(a => a.ClientId == clientId && a.TenantSlug == caller.Tenant, cancellationToken)
            ?? throw PlatformException.NotFound($"App '{clientId}' does not exist in this tenant.");
        db.Apps.Remove(app);
        await db.SaveChangesAsync(cancellationToken);
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is { } application)
        {
            if (await applications.GetIdAsync(application, cancellationToken) is { } id)
            {
                await tokens.RevokeByApplicationIdAsync(id, cancellationToken);
            }

            await applications.DeleteAsync(application, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public static AppInfo ToInfo(OAuthApp a) => new(a.ClientId, a.Name, DataScopes.Split(a.RedirectUris), DataScopes.Split(a.Scopes), a.CreatedAt);

    /// <summary>
    /// Absolute URIs without fragments: https anywhere, http only on loopback (development), or a private scheme with a
    /// dot in it (mobile apps, RFC 8252, e.g. <c>com.example.app:/callback</c>).
    /// </summary>
    public static string[] ValidateRedirectUris(IEnumerable<string>? redirectUris)
    {
        var result = new List<string>();
        foreach (var raw in redirectUris ?? [])
        {
            if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri) || uri.Fragment.Length > 0 || raw.Length > 2000 ||
                !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback) || (uri.Scheme.Contains('.', StringComparison.Ordinal) && uri.Scheme.Length > 3)))
            {
                throw PlatformException.Invalid($"Redirect URI '{raw}' is not allowed: use https, http on localhost, or a reverse-domain private scheme, without a fragment.");
            }

            if (!result.Contains(raw, StringComparer.Ordinal))
            {
                result.Add(raw);
            }
        }

        return result.Count is > 0 and <= MaxRedirectUris
            ? [.. result]
            : throw PlatformException.Invalid($"An app needs between 1 and {MaxRedirectUris} redirect URIs.");
    }

    private static OpenIddictApplicationDescriptor Descriptor(string clientId, string tenant, string name, IEnumerable<string> uris, IEnumerable<string> scopes)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientType = ClientTypes.Public,
            ConsentType = ConsentTypes.Explicit,
            DisplayName = $"{name} ({tenant})",
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var uri in uris)
        {
            descriptor.RedirectUris.Add(new Uri(uri));
            descriptor.PostLogoutRedirectUris.Add(new Uri(uri));
        }

        foreach (var scope in ProtocolScopes.Concat(scopes))
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        return descriptor;
    }
}
