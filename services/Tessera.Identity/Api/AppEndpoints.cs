using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Identity.Apps;

namespace Tessera.Identity.Api;

/// <summary><c>/api/v1/tenants/{tenant}/apps</c>: browser and mobile apps (public OAuth clients, PKCE required).</summary>
internal static class AppEndpoints
{
    public static RouteGroupBuilder MapAppEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/apps", ListAsync).WithName("ListApps").WithSummary("OAuth apps of the tenant (any member).");
        tenant.MapPost("/apps", CreateAsync).WithName("CreateApp")
            .WithSummary("Register an app: its redirect URIs and the data scopes it may ask for (default data:read data:write).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        tenant.MapDelete("/apps/{clientId}", DeleteAsync).WithName("DeleteApp").WithSummary("Delete an app and revoke its tokens.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return tenant;
    }

    private static async Task<Ok<AppResponse[]>> ListAsync(HttpContext context, AppService apps)
    {
        var caller = PlatformApi.Caller(context);
        caller.RequireRead();
        var list = await apps.ListAsync(caller.Tenant, context.RequestAborted);
        return TypedResults.Ok(list.Select(ToResponse).ToArray());
    }

    private static async Task<Created<AppResponse>> CreateAsync(HttpContext context, CreateAppRequest request, AppService apps)
    {
        var caller = PlatformApi.Caller(context);
        var app = await apps.CreateAsync(caller, request.Name, request.RedirectUris, request.Scopes, context.RequestAborted);
        return TypedResults.Created($"/api/v1/tenants/{Uri.EscapeDataString(caller.Tenant)}/apps/{app.ClientId}", ToResponse(app));
    }

    private static async Task<NoContent> DeleteAsync(HttpContext context, string clientId, AppService apps)
    {
        await apps.DeleteAsync(PlatformApi.Caller(context), clientId, context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static AppResponse ToResponse(AppInfo app) => new(app.ClientId, app.Name, app.RedirectUris, app.Scopes, app.CreatedAt);
}
