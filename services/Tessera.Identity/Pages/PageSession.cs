using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Identity.Accounts;
using Tessera.Identity.Data;

namespace Tessera.Identity.Pages;

/// <summary>The signed-in person of the hosted pages: the sign-in cookie, checked against the store on every request.</summary>
internal static class PageSession
{
    /// <summary>
    /// The account behind the cookie, or null. Sets <see cref="HttpContext.User"/> to the cookie's principal, so the
    /// antiforgery tokens of the page are bound to that person whatever scheme the host made the default.
    /// </summary>
    public static async Task<Account?> GetAccountAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(IdentityDefaults.CookieScheme);
        if (!result.Succeeded || result.Principal.FindFirst("sub")?.Value is not { } id)
        {
            return null;
        }

        context.User = result.Principal;
        var account = await context.RequestServices.GetRequiredService<AccountService>().FindByIdAsync(id, context.RequestAborted);
        if (account is null)
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity());
        }

        return account;
    }

    public static Task SignInAsync(HttpContext context, Account account)
    {
        var identity = new ClaimsIdentity([new Claim("sub", account.Id), new Claim("name", account.Email)], IdentityDefaults.CookieScheme, "name", "role");
        var principal = new ClaimsPrincipal(identity);
        context.User = principal;
        return context.SignInAsync(IdentityDefaults.CookieScheme, principal, new AuthenticationProperties { IsPersistent = false, IssuedUtc = DateTimeOffset.UtcNow });
    }

    /// <summary>Reads a posted form and checks its antiforgery token; false (and nothing done) when the token is missing or wrong.</summary>
    public static async Task<IFormCollection?> ReadFormAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            return null;
        }

        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return null;
        }

        return await context.Request.ReadFormAsync(context.RequestAborted);
    }

    /// <summary>The answer to a form whose antiforgery token failed: 400, nothing changed.</summary>
    public static IResult BadForm(HttpContext context) =>
        Html.Page(context, "Form expired", """<p class="error">The form was stale or not sent by this site. Go back, reload the page and try again.</p>""", StatusCodes.Status400BadRequest);
}
