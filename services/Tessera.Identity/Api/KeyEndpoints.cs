using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Identity.ApiKeys;

namespace Tessera.Identity.Api;

/// <summary><c>/api/v1/tenants/{tenant}/keys</c>: API keys (OAuth clients for servers); the secret is shown at creation only.</summary>
internal static class KeyEndpoints
{
    public static RouteGroupBuilder MapKeyEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/keys", ListAsync).WithName("ListKeys").WithSummary("API keys of the tenant, never their secrets (owner or admin).");
        tenant.MapPost("/keys", CreateAsync).WithName("CreateKey")
            .WithSummary("Create an API key with the given scopes (data:read|write|admin[:{db}], platform); the secret is shown once.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        tenant.MapDelete("/keys/{id}", RevokeAsync).WithName("RevokeKey")
            .WithSummary("Revoke an API key: no new tokens, Basic stops at once on this node, its tokens are revoked.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return tenant;
    }

    private static async Task<Ok<KeyResponse[]>> ListAsync(HttpContext context, ApiKeyService keys)
    {
        var caller = PlatformApi.Caller(context);
        caller.RequireManage();
        var list = await keys.ListAsync(caller.Tenant, context.RequestAborted);
        return TypedResults.Ok(list.Select(k => new KeyResponse(k.Id, k.Name, k.Scopes, k.CreatedAt, k.CreatedBy)).ToArray());
    }

    private static async Task<Created<KeyCreatedResponse>> CreateAsync(HttpContext context, CreateKeyRequest request, ApiKeyService keys)
    {
        var caller = PlatformApi.Caller(context);
        caller.RequireManage();
        var key = await keys.CreateAsync(caller.Tenant, request.Name, request.Scopes, caller.Name, context.RequestAborted);
        return TypedResults.Created($"/api/v1/tenants/{Uri.EscapeDataString(caller.Tenant)}/keys/{key.Id}",
            new KeyCreatedResponse(key.Id, key.Secret, key.Name, key.Scopes, key.CreatedAt));
    }

    private static async Task<NoContent> RevokeAsync(HttpContext context, string id, ApiKeyService keys)
    {
        var caller = PlatformApi.Caller(context);
        caller.RequireManage();
        await keys.RevokeAsync(caller.Tenant, id, context.RequestAborted);
        return TypedResults.NoContent();
    }
}
