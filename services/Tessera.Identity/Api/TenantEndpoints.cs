using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Identity.Accounts;

namespace Tessera.Identity.Api;

/// <summary><c>/api/v1/tenants/{tenant}</c>: the tenant, its members and invitations.</summary>
internal static class TenantEndpoints
{
    public static RouteGroupBuilder MapTenantEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("", GetAsync).WithName("GetTenant").WithSummary("The tenant (any member).");
        tenant.MapGet("/members", MembersAsync).WithName("ListMembers").WithSummary("Members and their roles (any member).");
        tenant.MapPatch("/members/{accountId}", ChangeRoleAsync).WithName("ChangeMemberRole")
            .WithSummary("Change a member's role (owner or admin; only owners grant or take owner).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        tenant.MapDelete("/members/{accountId}", RemoveAsync).WithName("RemoveMember").WithSummary("Remove a member (owner or admin).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        tenant.MapGet("/invitations", InvitationsAsync).WithName("ListInvitations").WithSummary("Pending invitations (owner or admin).");
        tenant.MapPost("/invitations", InviteAsync).WithName("Invite")
            .WithSummary("Invite an email with a role; the link's token is shown once.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        tenant.MapDelete("/invitations/{id}", CancelAsync).WithName("CancelInvitation").WithSummary("Cancel a pending invitation.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return tenant;
    }

    private static async Task<Ok<TenantResponse>> GetAsync(HttpContext context, TenantService tenants)
    {
        var caller = PlatformApi.Caller(context);
        caller.RequireRead();
        var info = await tenants.GetAsync(caller.Tenant, context.RequestAborted);
        return TypedResults.Ok(new TenantResponse(info.Tenant, info.CreatedAt, info.Members));
    }

    private static async Task<Ok<MemberResponse[]>> MembersAsync(HttpContext context, TenantService tenants)
    {
        var caller = PlatformApi.Caller(context);
        caller.RequireRead();
        var members = await tenants.MembersAsync(caller.Tenant, context.RequestAborted);
        return TypedResults.Ok(members.Select(m => new MemberResponse(m.AccountId, m.Email, m.Role, m.Since)).ToArray());
    }

    private static async Task<Ok<MemberResponse>> ChangeRoleAsync(HttpContext context, string accountId, RoleRequest request, TenantService tenants)
    {
        var member = await tenants.ChangeRoleAsync(PlatformApi.Caller(context), accountId, request.Role, context.RequestAborted);
        return TypedResults.Ok(new MemberResponse(member.AccountId, member.Email, member.Role, member.Since));
    }

    private static async Task<NoContent> RemoveAsync(HttpContext context, string accountId, TenantService tenants)
    {
        await tenants.RemoveMemberAsync(PlatformApi.Caller(context), accountId, context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<InvitationResponse[]>> InvitationsAsync(HttpContext context, InvitationService invitations)
    {
        var pending = await invitations.PendingAsync(PlatformApi.Caller(context), context.RequestAborted);
        return TypedResults.Ok(pending.Select(i => new InvitationResponse(i.Id, i.Email, i.Role, i.CreatedAt, i.ExpiresAt, i.InvitedBy)).ToArray());
    }

    private static async Task<Created<InvitationCreatedResponse>> InviteAsync(HttpContext context, InviteRequest request, InvitationService invitations)
    {
        var caller = PlatformApi.Caller(context);
        var created = await invitations.InviteAsync(caller, request.Email, request.Role, context.RequestAborted);
        var link = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/invite/{Uri.EscapeDataString(created.Token)}";
        return TypedResults.Created($"/api/v1/tenants/{Uri.EscapeDataString(caller.Tenant)}/invitations/{created.Id}",
            new InvitationCreatedResponse(created.Id, created.Email, created.Role, created.Token, link, created.ExpiresAt));
    }

    private static async Task<NoContent> CancelAsync(HttpContext context, string id, InvitationService invitations)
    {
        await invitations.CancelAsync(PlatformApi.Caller(context), id, context.RequestAborted);
        return TypedResults.NoContent();
    }
}
