using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Tessera.Identity.Pages;

/// <summary>
/// Server-rendered HTML for the hosted pages: one layout, encoded values, an antiforgery field for every form, no
/// external assets (the pages work offline and under a strict content security policy).
/// </summary>
internal static class Html
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem;color:#1d2433}
        header{display:flex;gap:1rem;align-items:baseline;border-bottom:1px solid #ccd;margin-bottom:1rem}
        header a{color:#345}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
        label{display:block;margin:.5rem 0}input,select{padding:.3rem;font:inherit}
        table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #dde;padding:.3rem;text-align:left;vertical-align:top}
        .error{background:#fde8e8;border:1px solid #e99;padding:.5rem}.notice{background:#e8f5e8;border:1px solid #9c9;padding:.5rem}
        code{background:#f2f2f6;padding:.1rem .3rem;word-break:break-all}form.inline{display:inline}
        """;

    public static string E(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    /// <summary>A complete page. Framing is refused, so the consent and console forms cannot be clickjacked.</summary>
    public static IResult Page(HttpContext context, string title, string body, int status = StatusCodes.Status200OK)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XFrameOptions = "DENY";
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        var signedIn = context.User.Identity?.IsAuthenticated == true && context.User.Identity.AuthenticationType != null
            && context.User.FindFirst("name") is { } name
            ? $"""<span>{E(name.Value)}</span> <a href="/console">Console</a> <a href="/logout">Sign out</a>"""
            : """<a href="/login">Sign in</a> <a href="/signup">Sign up</a>""";
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>{E(title)} · Tessera</title><style>{Style}</style></head>
            <body><header><strong>Tessera</strong><a href="/api">API</a>{signedIn}</header>
            <h1>{E(title)}</h1>
            {body}
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>The hidden antiforgery field for a form of this request (bound to the signed-in user, if any).</summary>
    public static string Antiforgery(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return $"""<input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">""";
    }

    public static string Error(string? message) => message is null ? "" : $"""<p class="error" role="alert">{E(message)}</p>""";

    public static string Notice(string? message) => message is null ? "" : $"""<p class="notice" role="status">{E(message)}</p>""";

    /// <summary>A local return URL, or <paramref name="fallback"/>: never an absolute URL (open redirect).</summary>
    public static string LocalUrl(string? url, string fallback = "/console") =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : fallback;
}
