using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Tessera.Identity.Accounts;
using Tessera.Identity.Apps;
using Tessera.Identity.Data;
using Tessera.Identity.Pages;
using Tessera.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Tessera.Identity.Server;

/// <summary>
/// The OpenIddict passthrough endpoints: OpenIddict validates each request (client, redirect URI, PKCE, code and
/// refresh token state) before these run, and turns their sign-in or forbid results into protocol responses.
/// Discovery, JWKS, revocation and introspection are answered by OpenIddict alone.
/// </summary>
internal static class ConnectEndpoints
{
    public static IEndpointRouteBuilder MapConnectEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).ExcludeFromDescription();
        app.MapPost("/connect/token", TokenAsync).ExcludeFromDescription();
        app.MapMethods("/connect/logout", [HttpMethods.Get, HttpMethods.Post], (Delegate)LogoutAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> TokenAsync(HttpContext context, IdentityDbContext db, AccountService accounts, TenantService tenants)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenIddict token request.");
        var cancellationToken = context.RequestAborted;
        if (request.IsClientCredentialsGrantType())
        {
            // OpenIddict has checked the key's secret; the key's own row says its tenant and which scopes it may have.
            var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == request.ClientId && k.RevokedAt == null, cancellationToken);
            if (key is null)
            {
                return Forbid(Errors.InvalidClient, "The client is not an API key, or the key was revoked.");
            }

            var allowed = DataScopes.Split(key.Scopes);
            var requested = request.GetScopes();
            if (requested.FirstOrDefault(s => !allowed.Contains(s, StringComparer.Ordinal)) is { } extra)
            {
                return Forbid(Errors.InvalidScope, $"The API key may not ask for scope '{extra}'.");
            }

            var identity = TokenIdentities.ForApiKey(key, requested.IsEmpty ? allowed : requested);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var principal = result.Principal;
            var subject = principal?.GetClaim(Claims.Subject);
            var tenant = principal?.GetClaim(TesseraClaims.Tenant);
            var account = subject is null ? null : await accounts.FindByIdAsync(subject, cancellationToken);
            var membership = account is null || tenant is null ? null : await tenants.MembershipAsync(tenant, account.Id, cancellationToken);
            if (principal is null || account is null || membership is null)
            {
                return Forbid(Errors.InvalidGrant, "The account no longer exists or is no longer a member of the tenant.");
            }

            // Refresh the role: it may have changed since the code or refresh token was issued.
            var identity = new ClaimsIdentity(principal.Claims, TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Name, account.Email).SetClaim(Claims.Email, account.Email).SetClaim(Claims.Role, membership.Role);
            identity.SetDestinations(TokenIdentities.Destinations);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Forbid(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext context, IOpenIddictApplicationManager applications,
        IOpenIddictAuthorizationManager authorizations, AppService apps, TenantService tenants)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenIddict authorization request.");
        var cancellationToken = context.RequestAborted;
        var account = await PageSession.GetAccountAsync(context);
        if (account is null || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.LoginRequired, "The user is not signed in.");
            }

            // Back to this same request after login, without prompt=login (which would loop).
            var parameters = (context.Request.HasFormContentType ? context.Request.Form.AsEnumerable() : context.Request.Query)
                .Where(p => p.Key != Parameters.Prompt && !IsFormOnly(p.Key))
                .ToList();
            var returnUrl = context.Request.PathBase + context.Request.Path + QueryString.Create(parameters);
            return Results.Redirect("/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        }

        var app = await apps.FindAsync(request.ClientId!, cancellationToken);
        var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken);
        if (app is null || application is null)
        {
            return Forbid(Errors.InvalidClient, "The client is not an app of a tenant.");
        }

        var membership = await tenants.MembershipAsync(app.TenantSlug, account.Id, cancellationToken);
        if (membership is null)
        {
            return Forbid(Errors.AccessDenied, $"{account.Email} is not a member of tenant '{app.TenantSlug}'.");
        }

        var scopes = request.GetScopes();
        var allowed = AppService.ProtocolScopes.Concat(DataScopes.Split(app.Scopes)).ToHashSet(StringComparer.Ordinal);
        if (scopes.FirstOrDefault(s => !allowed.Contains(s)) is { } extra)
        {
            return Forbid(Errors.InvalidScope, $"The app may not ask for scope '{extra}'.");
        }

        var applicationId = await applications.GetIdAsync(application, cancellationToken);
        var granted = await authorizations.FindAsync(account.Id, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, scopes, cancellationToken)
            .ToListAsync(cancellationToken);
        var decision = context.Request.HasFormContentType ? context.Request.Form["consent"].ToString() : "";
        if (decision.Length > 0)
        {
            if (await PageSession.ReadFormAsync(context) is null)
            {
                return PageSession.BadForm(context);
            }

            if (decision != "accept")
            {
                return Forbid(Errors.AccessDenied, "The user denied the app access.");
            }
        }
        else if (granted.Count == 0 || request.HasPromptValue(PromptValues.Consent))
        {
            return request.HasPromptValue(PromptValues.None)
                ? Forbid(Errors.ConsentRequired, "The user has not consented to this app yet.")
                : ConsentPage.Render(context, app, account, membership.Role, scopes);
        }

        var identity = TokenIdentities.ForAccount(account, app.TenantSlug, membership.Role, scopes);
        var authorization = granted.LastOrDefault() ?? await authorizations.CreateAsync(identity, account.Id, applicationId!,
            AuthorizationTypes.Permanent, scopes, cancellationToken);
        identity.SetAuthorizationId(await authorizations.GetIdAsync(authorization, cancellationToken));
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> LogoutAsync(HttpContext context)
    {
        // Note: no confirmation page; signing out is harmless and apps call this after their own logout button.
        await context.SignOutAsync(IdentityDefaults.CookieScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/login" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    /// <summary>Fields the consent form adds to the authorization request; never part of a redirect.</summary>
    internal static bool IsFormOnly(string name) => name is "consent" or "__RequestVerificationToken";

    private static IResult Forbid(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
