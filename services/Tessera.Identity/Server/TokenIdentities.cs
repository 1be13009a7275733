using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using Tessera.Identity.Data;
using Tessera.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Tessera.Identity.Server;

/// <summary>
/// The identities behind Tessera tokens, with exactly the claims of the token contract (<see cref="TesseraClaims"/>):
/// <c>sub</c>, <c>tenant</c>, <c>name</c>, <c>role</c> (accounts only), <c>client_id</c>, <c>scope</c>; audience <c>tessera</c>.
/// </summary>
public static class TokenIdentities
{
    /// <summary>The identity OpenIddict turns into a client-credentials access token of an API key.</summary>
    public static ClaimsIdentity ForApiKey(ApiKey key, IEnumerable<string> scopes)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, key.Id)
            .SetClaim(TesseraClaims.Tenant, key.TenantSlug)
            .SetClaim(Claims.Name, key.Id);
        return Finish(identity, scopes);
    }

    /// <summary>The identity OpenIddict turns into the tokens of an account signed in through an app of <paramref name="tenant"/>.</summary>
    public static ClaimsIdentity ForAccount(Account account, string tenant, string role, IEnumerable<string> scopes)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, account.Id)
            .SetClaim(TesseraClaims.Tenant, tenant)
            .SetClaim(Claims.Name, account.Email)
            .SetClaim(Claims.Email, account.Email)
            .SetClaim(Claims.Role, role);
        return Finish(identity, scopes);
    }

    /// <summary>
    /// The principal of an API key verified by id and secret (HTTP Basic): the claims a client-credentials token of the
    /// key carries, with <c>scope</c> space-separated as in the JWT.
    /// </summary>
    public static ClaimsPrincipal ApiKeyPrincipal(ApiKey key) => new(new ClaimsIdentity(
        [
            new Claim(TesseraClaims.Subject, key.Id),
            new Claim(TesseraClaims.Tenant, key.TenantSlug),
            new Claim(TesseraClaims.Name, key.Id),
            new Claim(TesseraClaims.ClientId, key.Id),
            new Claim(TesseraClaims.Scope, string.Join(' ', DataScopes.Split(key.Scopes))),
        ],
        authenticationType: "ApiKey", nameType: TesseraClaims.Name, roleType: TesseraClaims.Role));

    private static ClaimsIdentity NewIdentity() =>
        new(authenticationType: TokenValidationParameters.DefaultAuthenticationType, nameType: Claims.Name, roleType: Claims.Role);

    private static ClaimsIdentity Finish(ClaimsIdentity identity, IEnumerable<string> scopes)
    {
        identity.SetScopes(scopes);
        identity.SetAudiences(TesseraClaims.Audience);
        identity.SetDestinations(Destinations);
        return identity;
    }

    /// <summary>Where each claim goes: the contract claims into the access token, who signed in into the identity token.</summary>
    public static IEnumerable<string> Destinations(Claim claim)
    {
        // Every contract claim lands in the access token and nothing else does; the identity token (openid) says who
        // signed in, with the email when the app asked for it.
        if (claim.Type != Claims.Email)
        {
            yield return OpenIddictConstants.Destinations.AccessToken;
        }

        var openId = claim.Subject?.HasScope(Scopes.OpenId) == true;
        if ((openId && claim.Type is Claims.Subject or Claims.Name) || (claim.Type == Claims.Email && claim.Subject?.HasScope(Scopes.Email) == true))
        {
            yield return OpenIddictConstants.Destinations.IdentityToken;
        }
    }
}
