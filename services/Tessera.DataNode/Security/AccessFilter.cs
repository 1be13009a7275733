using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Tenancy;
using Tessera.Security;

namespace Tessera.DataNode.Security;

/// <summary>
/// The one access check of every endpoint under <c>/t/{tenant}</c>: who calls (bearer token or API key), and whether
/// <see cref="AccessPolicy"/> grants the rights the endpoint declares (<see cref="RequiredAccess"/>). Anonymous callers
/// are told 401, callers with credentials 403; neither answer says whether the database exists.
/// </summary>
internal sealed class AccessFilter(DatabaseResolver databases, ILogger<AccessFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var required = http.GetEndpoint()?.Metadata.GetMetadata<RequiredAccess>();
        if (required is null)
        {
            logger.LogError("Endpoint {Endpoint} declares no RequiredAccess; refusing it.", http.GetEndpoint()?.DisplayName);
            return Refuse(http, 403, "forbidden", "This endpoint is not open.");
        }

        var tenant = (string)http.Request.RouteValues["tenant"]!;
        if (!Names.IsValid(tenant))
        {
            return Refuse(http, 404, "not_found", "Tenant does not exist.");
        }

        var authenticated = await CallerAuthentication.AuthenticateAsync(http);
        if (authenticated is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"tessera\", error=\"invalid_token\"";
            return Refuse(http, 401, "unauthorized", CallerAuthentication.BadCredentials);
        }

        var (caller, via) = authenticated.Value;

        var rights = required.Target switch
        {
            AccessTarget.Public => Rights.None,
            AccessTarget.Tenant => AccessPolicy.TenantRights(caller, tenant),
            _ => await DatabaseRightsAsync(caller, tenant, http),
        };
        http.Features.Set(new RequestAccess(caller, rights, via));

        if (required.Target == AccessTarget.Public || rights >= required.Rights
            || (required.Target == AccessTarget.Tenant && required.Rights == Rights.Read && caller.IsAuthenticated && caller.Tenant == tenant))
        {
            // Note: a caller of the tenant may always ask tenant-level reads such as _all_dbs; those answers are filtered to what it may see.
            return await next(context);
        }

        if (!caller.IsAuthenticated)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"tessera\"";
            return Refuse(http, 401, "unauthorized", CallerAuthentication.DenialReason(caller, tenant));
        }

        return Refuse(http, 403, "forbidden", CallerAuthentication.DenialReason(caller, tenant));
    }

    // Note: the CouchDB API answers CouchDB errors, the platform API problem details; the decision is the same.
    private static IResult Refuse(HttpContext http, int status, string error, string reason) =>
        http.GetEndpoint()?.Metadata.GetMetadata<ProblemDetailsErrors>() is null
            ? new CouchError(status, error, reason)
            : TypedResults.Problem(reason, statusCode: status, title: error);

    private async Task<Rights> DatabaseRightsAsync(Caller caller, string tenant, HttpContext http)
    {
        var name = RouteNames.Decode((string)http.Request.RouteValues["db"]!);

        // A database that does not exist is judged as a new, open one: the caller learns it is missing only if it
        // could have used it, and may create it only with admin rights over that name.
        var database = await databases.GetAsync(tenant, name, http.RequestAborted);
        return AccessPolicy.RightsOn(caller, tenant, name, database?.Security ?? DatabaseSecurity.Open);
    }
}
