using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using Tessera.Identity.Accounts;

namespace Tessera.Identity.Api;

/// <summary>
/// The platform API under <c>/api/v1</c>: signup and invitations (anonymous), and per tenant its members,
/// invitations, API keys and apps (a token of that tenant, or an API key as HTTP Basic). Errors are RFC 9457 problems.
/// </summary>
internal static class PlatformApi
{
    private const string CallerKey = "Tessera.Identity.PlatformCaller";

    public static IEndpointRouteBuilder MapPlatformApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1")
            .AddEndpointFilter<ProblemFilter>()
            .WithTags("Platform");
        api.MapSignupEndpoints();

        var tenant = api.MapGroup("/tenants/{tenant}")
            .RequireAuthorization(IdentityDefaults.PlatformPolicy)
            .AddEndpointFilter<TenantCallerFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        tenant.MapTenantEndpoints().MapKeyEndpoints().MapAppEndpoints();
        return app;
    }

    /// <summary>The caller the <see cref="TenantCallerFilter"/> admitted for this request's tenant.</summary>
    public static PlatformCaller Caller(HttpContext context) =>
        context.Items[CallerKey] as PlatformCaller ?? throw new InvalidOperationException("The tenant caller filter did not run.");

    public static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    /// <summary>Turns <see cref="PlatformException"/> into problem details; nothing was changed when it is thrown.</summary>
    private sealed class ProblemFilter : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            try
            {
                return await next(context);
            }
            catch (PlatformException exception)
            {
                return Problem(exception.Status, exception.Title, exception.Detail);
            }
        }
    }

    /// <summary>
    /// Admits a token (or key) only for its own tenant; for accounts the role is read again from the store, so a
    /// demoted or removed member loses rights at once, not when the token expires.
    /// </summary>
    private sealed class TenantCallerFilter : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var http = context.HttpContext;
            var tenant = http.Request.RouteValues["tenant"] as string ?? "";
            var caller = PlatformCaller.FromToken(http.User, tenant);
            if (caller is null)
            {
                return Problem(StatusCodes.Status403Forbidden, "Forbidden", "The credentials are not for this tenant.");
            }

            // A revoked token (or one of a revoked key or deleted app) stops managing the tenant at once, although
            // data nodes accept the JWT until it expires.
            if (http.User.GetTokenId() is { Length: > 0 } tokenId)
            {
                var tokens = http.RequestServices.GetRequiredService<IOpenIddictTokenManager>();
                var token = await tokens.FindByIdAsync(tokenId, http.RequestAborted);
                if (token is null || !await tokens.HasStatusAsync(token, OpenIddictConstants.Statuses.Valid, http.RequestAborted))
                {
                    return Problem(StatusCodes.Status401Unauthorized, "Unauthorized", "The token was revoked.");
                }
            }

            if (caller.AccountId is not null)
            {
                var membership = await http.RequestServices.GetRequiredService<TenantService>().MembershipAsync(tenant, caller.AccountId, http.RequestAborted);
                if (membership is null)
                {
                    return Problem(StatusCodes.Status403Forbidden, "Forbidden", "The account is not a member of this tenant.");
                }

                caller = caller with { Role = membership.Role };
            }

            http.Items[CallerKey] = caller;
            return await next(context);
        }
    }
}
