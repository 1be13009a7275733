using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Tessera.Identity.Accounts;

namespace Tessera.Identity.Pages;

/// <summary><c>/signup</c>, <c>/login</c>, <c>/logout</c> and <c>/invite/{token}</c>: server-rendered forms with antiforgery.</summary>
internal static class AccountPages
{
    public static IEndpointRouteBuilder MapAccountPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/signup", (Delegate)SignupForm).ExcludeFromDescription();
        app.MapPost("/signup", (Delegate)SignupAsync).ExcludeFromDescription();
        app.MapGet("/login", LoginFormAsync).ExcludeFromDescription();
        app.MapPost("/login", LoginAsync).ExcludeFromDescription();
        app.MapGet("/logout", (Delegate)LogoutFormAsync).ExcludeFromDescription();
        app.MapPost("/logout", (Delegate)LogoutAsync).ExcludeFromDescription();
        app.MapGet("/invite/{token}", InvitationFormAsync).ExcludeFromDescription();
        app.MapPost("/invite/{token}", AcceptAsync).ExcludeFromDescription();
        return app;
    }

    private static IResult SignupForm(HttpContext context) => SignupPage(context, null, null, null);

    private static IResult SignupPage(HttpContext context, string? error, string? email, string? tenant, int status = StatusCodes.Status200OK) =>
        Html.Page(context, "Create a tenant", $"""
            {Html.Error(error)}
            <form method="post" action="/signup">
              {Html.Antiforgery(context)}
              <label>Email <input type="email" name="email" id="email" required value="{Html.E(email)}"></label>
              <label>Password (at least {Credentials.MinPasswordLength} characters) <input type="password" name="password" id="password" required minlength="{Credentials.MinPasswordLength}"></label>
              <label>Tenant name (lowercase letters, digits, - and _) <input name="tenant" id="tenant" required value="{Html.E(tenant)}"></label>
              <button type="submit" id="submit">Create tenant</button>
            </form>
            <p>Already have an account? <a href="/login">Sign in</a>.</p>
            """, status);

    private static async Task<IResult> SignupAsync(HttpContext context, TenantService tenants, AccountService accounts)
    {
        if (await PageSession.ReadFormAsync(context) is not { } form)
        {
            return PageSession.BadForm(context);
        }

        try
        {
            var result = await tenants.SignupAsync(form["email"], form["password"], form["tenant"], context.RequestAborted);
            var account = await accounts.FindByIdAsync(result.AccountId, context.RequestAborted);
            await PageSession.SignInAsync(context, account!);
            return Html.Page(context, $"Tenant {result.Tenant} created", $"""
                <p class="notice">Your tenant <code>{Html.E(result.Tenant)}</code> is ready. This is its first API key (scopes
                <code>data:admin platform</code>). Copy the secret now: it is never shown again.</p>
                <p>Key id: <code id="key-id">{Html.E(result.Key.Id)}</code></p>
                <p>Secret: <code id="key-secret">{Html.E(result.Key.Secret)}</code></p>
                <p><a href="/console/{Html.E(Uri.EscapeDataString(result.Tenant))}" id="console">Open the console</a></p>
                """, StatusCodes.Status201Created);
        }
        catch (PlatformException exception)
        {
            return SignupPage(context, exception.Detail, form["email"], form["tenant"], exception.Status);
        }
    }

    private static async Task<IResult> LoginFormAsync(HttpContext context, string? returnUrl)
    {
        await PageSession.GetAccountAsync(context);
        return LoginPage(context, null, null, returnUrl);
    }

    private static IResult LoginPage(HttpContext context, string? error, string? email, string? returnUrl, int status = StatusCodes.Status200OK) =>
        Html.Page(context, "Sign in", $"""
            {Html.Error(error)}
            <form method="post" action="/login">
              {Html.Antiforgery(context)}
              <input type="hidden" name="returnUrl" value="{Html.E(Html.LocalUrl(returnUrl))}">
              <label>Email <input type="email" name="email" id="email" required value="{Html.E(email)}"></label>
              <label>Password <input type="password" name="password" id="password" required></label>
              <button type="submit" id="submit">Sign in</button>
            </form>
            <p>No account yet? <a href="/signup">Create a tenant</a>.</p>
            """, status);

    private static async Task<IResult> LoginAsync(HttpContext context, AccountService accounts, IOptions<TesseraIdentityOptions> options)
    {
        if (await PageSession.ReadFormAsync(context) is not { } form)
        {
            return PageSession.BadForm(context);
        }

        var returnUrl = Html.LocalUrl(form["returnUrl"]);
        var (status, account) = await accounts.LoginAsync(form["email"], form["password"], context.RequestAborted);
        switch (status)
        {
            case LoginStatus.Succeeded:
                await PageSession.SignInAsync(context, account!);
                return Results.Redirect(returnUrl);
            case LoginStatus.LockedOut:
                var minutes = options.Value.LockoutMinutes;
                context.Response.Headers.RetryAfter = (minutes * 60).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return LoginPage(context, $"Too many failed sign-ins: this account is locked for up to {minutes} minutes.", form["email"], returnUrl,
                    StatusCodes.Status429TooManyRequests);
            default:
                return LoginPage(context, "Wrong email or password.", form["email"], returnUrl, StatusCodes.Status401Unauthorized);
        }
    }

    private static async Task<IResult> LogoutFormAsync(HttpContext context)
    {
        await PageSession.GetAccountAsync(context);
        return Html.Page(context, "Sign out", $"""
            <form method="post" action="/logout">{Html.Antiforgery(context)}<button type="submit" id="submit">Sign out</button></form>
            """);
    }

    private static async Task<IResult> LogoutAsync(HttpContext context)
    {
        await PageSession.GetAccountAsync(context);
        if (await PageSession.ReadFormAsync(context) is null)
        {
            return PageSession.BadForm(context);
        }

        await context.SignOutAsync(IdentityDefaults.CookieScheme);
        return Results.Redirect("/login");
    }

    private static async Task<IResult> InvitationFormAsync(HttpContext context, string token, InvitationService invitations) =>
        InvitationPage(context, token, await invitations.FindAsync(token, context.RequestAborted) is { } invitation ? invitation : null,
            await PageSession.GetAccountAsync(context), null);

    private static IResult InvitationPage(HttpContext context, string token, Data.Invitation? invitation, Data.Account? account, string? error)
    {
        if (invitation is null)
        {
            return Html.Page(context, "Invitation", """<p class="error">This invitation does not exist, was used, or expired.</p>""", StatusCodes.Status404NotFound);
        }

        var password = account is not null && account.Email == invitation.Email
            ? ""
            : $"""<label>Password of {Html.E(invitation.Email)} (your existing one, or a new one of at least {Credentials.MinPasswordLength} characters) <input type="password" name="password" id="password" required></label>""";
        return Html.Page(context, $"Join {invitation.TenantSlug}", $"""
            {Html.Error(error)}
            <p><code>{Html.E(invitation.Email)}</code> is invited to tenant <code>{Html.E(invitation.TenantSlug)}</code> as <strong>{Html.E(invitation.Role)}</strong>.</p>
            <form method="post" action="/invite/{Html.E(Uri.EscapeDataString(token))}">{Html.Antiforgery(context)}{password}
            <button type="submit" id="submit">Accept</button></form>
            """);
    }

    private static async Task<IResult> AcceptAsync(HttpContext context, string token, InvitationService invitations, AccountService accounts)
    {
        var signedIn = await PageSession.GetAccountAsync(context);
        if (await PageSession.ReadFormAsync(context) is not { } form)
        {
            return PageSession.BadForm(context);
        }

        var invitation = await invitations.FindAsync(token, context.RequestAborted);
        try
        {
            var accepted = await invitations.AcceptAsync(token, form["password"], signedIn?.Email == invitation?.Email ? signedIn : null, context.RequestAborted);
            await PageSession.SignInAsync(context, (await accounts.FindByIdAsync(accepted.AccountId, context.RequestAborted))!);
            return Results.Redirect($"/console/{Uri.EscapeDataString(accepted.Tenant)}");
        }
        catch (PlatformException exception)
        {
            return InvitationPage(context, token, invitation, signedIn, exception.Detail);
        }
    }
}
