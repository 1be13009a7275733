using System.Collections.Immutable;
using System.Text;
using Microsoft.AspNetCore.Http;
using Tessera.Identity.Data;
using Tessera.Identity.Pages;

namespace Tessera.Identity.Server;

/// <summary>The consent page of <c>/connect/authorize</c>: which app of which tenant asks for what, accept or deny.</summary>
internal static class ConsentPage
{
    public static IResult Render(HttpContext context, OAuthApp app, Account account, string role, ImmutableArray<string> scopes)
    {
        // The form posts the authorization request back with the decision, so OpenIddict validates it again.
        var hidden = new StringBuilder();
        var parameters = context.Request.HasFormContentType ? context.Request.Form.AsEnumerable() : context.Request.Query;
        foreach (var (name, values) in parameters)
        {
            if (ConnectEndpoints.IsFormOnly(name))
            {
                continue;
            }

            foreach (var value in values)
            {
                hidden.Append($"""<input type="hidden" name="{Html.E(name)}" value="{Html.E(value)}">""");
            }
        }

        var list = string.Concat(scopes.Select(s => $"<li><code>{Html.E(s)}</code></li>"));
        var body = $"""
            <p><strong>{Html.E(app.Name)}</strong> (tenant <code>{Html.E(app.TenantSlug)}</code>) asks to act as
            <strong>{Html.E(account.Email)}</strong> ({Html.E(role)}) with these scopes:</p>
            <ul>{(list.Length > 0 ? list : "<li>none</li>")}</ul>
            <form method="post" action="/connect/authorize">
              {hidden}{Html.Antiforgery(context)}
              <button type="submit" name="consent" value="accept" id="accept">Allow</button>
              <button type="submit" name="consent" value="deny" id="deny">Deny</button>
            </form>
            """;
        return Html.Page(context, "Allow access?", body);
    }
}
