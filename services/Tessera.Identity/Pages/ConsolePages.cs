using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Identity.Accounts;
using Tessera.Identity.ApiKeys;
using Tessera.Identity.Apps;
using Tessera.Identity.Data;
using Tessera.Security;

namespace Tessera.Identity.Pages;

/// <summary>
/// <c>/console</c>: a member's view of a tenant (members, invitations, API keys, apps, a link to the databases); owners
/// and admins change them here through the same operations as the platform API. Every form carries an antiforgery token.
/// </summary>
internal static class ConsolePages
{
    public static IEndpointRouteBuilder MapConsolePages(this IEndpointRouteBuilder app)
    {
        var console = app.MapGroup("/console").RequireAuthorization(IdentityDefaults.ConsolePolicy).ExcludeFromDescription();
        console.MapGet("", TenantsAsync);
        console.MapGet("/{tenant}", (HttpContext context, string tenant) => RunAsync(context, tenant, null));
        console.MapPost("/{tenant}/keys", (HttpContext context, string tenant) => RunAsync(context, tenant, CreateKeyAsync));
        console.MapPost("/{tenant}/keys/{id}/revoke", (HttpContext context, string tenant, string id) =>
            RunAsync(context, tenant, (s, c, f) => RevokeKeyAsync(s, c, id)));
        console.MapPost("/{tenant}/apps", (HttpContext context, string tenant) => RunAsync(context, tenant, CreateAppAsync));
        console.MapPost("/{tenant}/apps/{clientId}/delete", (HttpContext context, string tenant, string clientId) =>
            RunAsync(context, tenant, async (s, c, f) => { await s.GetRequiredService<AppService>().DeleteAsync(c, clientId, default); return $"App {clientId} deleted."; }));
        console.MapPost("/{tenant}/invitations", (HttpContext context, string tenant) => RunAsync(context, tenant, InviteAsync));
        console.MapPost("/{tenant}/members/{accountId}/role", (HttpContext context, string tenant, string accountId) =>
            RunAsync(context, tenant, async (s, c, f) => { await s.GetRequiredService<TenantService>().ChangeRoleAsync(c, accountId, f["role"], default); return "Role changed."; }));
        console.MapPost("/{tenant}/members/{accountId}/remove", (HttpContext context, string tenant, string accountId) =>
            RunAsync(context, tenant, async (s, c, f) => { await s.GetRequiredService<TenantService>().RemoveMemberAsync(c, accountId, default); return "Member removed."; }));
        return app;
    }

    private delegate Task<string> ConsoleAction(IServiceProvider services, PlatformCaller caller, IFormCollection form);

    private static async Task<IResult> TenantsAsync(HttpContext context, TenantService tenants)
    {
        if (await PageSession.GetAccountAsync(context) is not { } account)
        {
            return Results.Redirect("/login?returnUrl=%2Fconsole");
        }

        var list = await tenants.TenantsOfAsync(account.Id, context.RequestAborted);
        var items = string.Concat(list.Select(t => $"""<li><a href="/console/{Html.E(Uri.EscapeDataString(t.Tenant))}">{Html.E(t.Tenant)}</a> ({Html.E(t.Role)})</li>"""));
        return Html.Page(context, "Your tenants", $"""<ul id="tenants">{items}</ul><p><a href="/signup">Create another tenant</a></p>""");
    }

    private static async Task<IResult> RunAsync(HttpContext context, string tenant, ConsoleAction? action)
    {
        var services = context.RequestServices;
        if (await PageSession.GetAccountAsync(context) is not { } account)
        {
            return Results.Redirect("/login?returnUrl=" + Uri.EscapeDataString($"/console/{tenant}"));
        }

        var membership = await services.GetRequiredService<TenantService>().MembershipAsync(tenant, account.Id, context.RequestAborted);
        if (membership is null)
        {
            // Note: 404 whether or not the tenant exists, so the console tells nobody which other tenants exist.
            return Html.Page(context, "Not found", "<p class=\"error\">No such tenant among yours.</p>", StatusCodes.Status404NotFound);
        }

        var caller = new PlatformCaller(tenant, account.Email, account.Id, membership.Role, HasPlatformScope: false);
        string? notice = null, error = null;
        var status = StatusCodes.Status200OK;
        if (action is not null)
        {
            if (await PageSession.ReadFormAsync(context) is not { } form)
            {
                return PageSession.BadForm(context);
            }

            try
            {
                notice = await action(services, caller, form);
            }
            catch (PlatformException exception)
            {
                error = exception.Detail;
                status = exception.Status;
            }
        }

        return await RenderAsync(context, caller, notice, error, status);
    }

    private static async Task<string> CreateKeyAsync(IServiceProvider services, PlatformCaller caller, IFormCollection form)
    {
        caller.RequireManage();
        var scopes = form["scopes"].ToString().Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        var key = await services.GetRequiredService<ApiKeyService>().CreateAsync(caller.Tenant, form["name"], scopes, caller.Name, default);
        return $"KEY:{key.Id}:{key.Secret}";
    }

    private static async Task<string> RevokeKeyAsync(IServiceProvider services, PlatformCaller caller, string id)
    {
        caller.RequireManage();
        await services.GetRequiredService<ApiKeyService>().RevokeAsync(caller.Tenant, id, default);
        return $"API key {id} revoked.";
    }

    private static async Task<string> CreateAppAsync(IServiceProvider services, PlatformCaller caller, IFormCollection form)
    {
        var uris = form["redirectUris"].ToString().Split([' ', '\n', '\r', ','], StringSplitOptions.RemoveEmptyEntries);
        var scopes = form["scopes"].ToString().Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        var app = await services.GetRequiredService<AppService>().CreateAsync(caller, form["name"], uris, scopes, default);
        return $"App created: client_id {app.ClientId}.";
    }

    private static async Task<string> InviteAsync(IServiceProvider services, PlatformCaller caller, IFormCollection form)
    {
        var created = await services.GetRequiredService<InvitationService>().InviteAsync(caller, form["email"], form["role"], default);
        return $"Invitation for {created.Email} created; send this link (shown once): /invite/{Uri.EscapeDataString(created.Token)}";
    }

    private static async Task<IResult> RenderAsync(HttpContext context, PlatformCaller caller, string? notice, string? error, int status)
    {
        var services = context.RequestServices;
        var cancellationToken = context.RequestAborted;
        var tenant = Html.E(Uri.EscapeDataString(caller.Tenant));
        var form = Html.Antiforgery(context);
        var body = new StringBuilder();
        body.Append(Html.Error(error));
        if (notice?.StartsWith("KEY:", StringComparison.Ordinal) == true)
        {
            var parts = notice.Split(':', 3);
            body.Append($"""
                <p class="notice" role="status">API key created. Copy the secret now: it is never shown again.<br>
                Key id: <code id="new-key-id">{Html.E(parts[1])}</code><br>Secret: <code id="new-key-secret">{Html.E(parts[2])}</code></p>
                """);
        }
        else
        {
            body.Append(Html.Notice(notice));
        }

        body.Append($"""
            <p>Tenant <code>{Html.E(caller.Tenant)}</code>, you are <strong>{Html.E(caller.Role)}</strong>.
            Databases: <code>/t/{tenant}/</code> (CouchDB API, <a href="/t/{tenant}/_all_dbs">_all_dbs</a>) and
            <code>/api/v1/tenants/{tenant}/databases</code>.</p>
            <h2>Members</h2><table id="members"><tr><th>Email</th><th>Role</th><th></th></tr>
            """);
        foreach (var member in await services.GetRequiredService<TenantService>().MembersAsync(caller.Tenant, cancellationToken))
        {
            var id = Html.E(Uri.EscapeDataString(member.AccountId));
            var actions = caller.CanManage
                ? $"""
                  <form class="inline" method="post" action="/console/{tenant}/members/{id}/role">{form}<select name="role">{RoleOptions(member.Role)}</select><button>Change</button></form>
                  <form class="inline" method="post" action="/console/{tenant}/members/{id}/remove">{form}<button>Remove</button></form>
                  """
                : "";
            body.Append($"<tr><td>{Html.E(member.Email)}</td><td>{Html.E(member.Role)}</td><td>{actions}</td></tr>");
        }

        body.Append("</table>");
        if (caller.CanManage)
        {
            body.Append($"""
                <form method="post" action="/console/{tenant}/invitations">{form}
                <label>Invite email <input type="email" name="email" id="invite-email" required></label>
                <label>Role <select name="role" id="invite-role">{RoleOptions(TenantRoles.Member)}</select></label><button id="invite">Invite</button></form>
                """);
            await AppendKeysAsync(body, services, caller, tenant, form, cancellationToken);
        }

        await AppendAppsAsync(body, services, caller, tenant, form, cancellationToken);
        return Html.Page(context, $"Console: {caller.Tenant}", body.ToString(), status);
    }

    private static async Task AppendKeysAsync(StringBuilder body, IServiceProvider services, PlatformCaller caller, string tenant, string form, CancellationToken cancellationToken)
    {
        body.Append("""<h2>API keys</h2><table id="keys"><tr><th>Id</th><th>Name</th><th>Scopes</th><th>Created</th><th></th></tr>""");
        foreach (var key in await services.GetRequiredService<ApiKeyService>().ListAsync(caller.Tenant, cancellationToken))
        {
            body.Append($"""
                <tr><td><code>{Html.E(key.Id)}</code></td><td>{Html.E(key.Name)}</td><td>{Html.E(string.Join(' ', key.Scopes))}</td>
                <td>{key.CreatedAt:u}</td><td><form class="inline" method="post" action="/console/{tenant}/keys/{Html.E(Uri.EscapeDataString(key.Id))}/revoke">{form}<button>Revoke</button></form></td></tr>
                """);
        }

        body.Append($"""
            </table><form method="post" action="/console/{tenant}/keys">{form}
            <label>Key name <input name="name" id="key-name" required></label>
            <label>Scopes (space-separated: data:read, data:write, data:admin, data:write:orders, platform) <input name="scopes" id="key-scopes" value="data:write" required></label>
            <button id="create-key">Create key</button></form>
            """);
    }

    private static async Task AppendAppsAsync(StringBuilder body, IServiceProvider services, PlatformCaller caller, string tenant, string form, CancellationToken cancellationToken)
    {
        body.Append("""<h2>Apps</h2><table id="apps"><tr><th>Client id</th><th>Name</th><th>Redirect URIs</th><th>Scopes</th><th></th></tr>""");
        foreach (var app in await services.GetRequiredService<AppService>().ListAsync(caller.Tenant, cancellationToken))
        {
            var delete = caller.CanManage
                ? $"""<form class="inline" method="post" action="/console/{tenant}/apps/{Html.E(Uri.EscapeDataString(app.ClientId))}/delete">{form}<button>Delete</button></form>"""
                : "";
            body.Append($"""
                <tr><td><code>{Html.E(app.ClientId)}</code></td><td>{Html.E(app.Name)}</td><td>{Html.E(string.Join(' ', app.RedirectUris))}</td>
                <td>{Html.E(string.Join(' ', app.Scopes))}</td><td>{delete}</td></tr>
                """);
        }

        body.Append("</table>");
        if (caller.CanManage)
        {
            body.Append($"""
                <form method="post" action="/console/{tenant}/apps">{form}
                <label>App name <input name="name" id="app-name" required></label>
                <label>Redirect URIs (space-separated) <input name="redirectUris" id="app-redirects" required></label>
                <label>Data scopes <input name="scopes" id="app-scopes" value="data:read data:write"></label>
                <button id="create-app">Register app</button></form>
                """);
        }
    }

    private static string RoleOptions(string selected) =>
        string.Concat(TenantRoles.All.Select(r => $"<option{(r == selected ? " selected" : "")}>{r}</option>"));
}
