using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Identity.Accounts;

namespace Tessera.Identity.Api;

/// <summary>Anonymous platform operations: signup (a tenant, its owner and a first admin key) and accepting an invitation.</summary>
internal static class SignupEndpoints
{
    public static RouteGroupBuilder MapSignupEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/signup", SignupAsync)
            .WithName("Signup")
            .WithSummary("Create a tenant, its owner account and a first admin API key (secret shown once).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("/invitations/accept", AcceptAsync)
            .WithName("AcceptInvitation")
            .WithSummary("Accept an invitation with the invited email's password (existing account) or a new one.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Created<SignupResponse>> SignupAsync(SignupRequest request, TenantService tenants, CancellationToken cancellationToken)
    {
        var result = await tenants.SignupAsync(request.Email, request.Password, request.Tenant, cancellationToken);
        return TypedResults.Created($"/api/v1/tenants/{Uri.EscapeDataString(result.Tenant)}",
            new SignupResponse(result.Tenant, new KeySecret(result.Key.Id, result.Key.Secret)));
    }

    private static async Task<Ok<AcceptInvitationResponse>> AcceptAsync(AcceptInvitationRequest request, InvitationService invitations, CancellationToken cancellationToken)
    {
        var accepted = await invitations.AcceptAsync(request.Token, request.Password, null, cancellationToken);
        return TypedResults.Ok(new AcceptInvitationResponse(accepted.Tenant, accepted.Role, accepted.AccountId, accepted.Email));
    }
}
