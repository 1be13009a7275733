using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Tessera.DataNode.Couch;

namespace Tessera.DataNode.Tenancy;

/// <summary>
/// Admits requests under <c>/t/{tenant}</c> only for a tenant this node serves; every other tenant is 404, so the
/// answer never tells whether another tenant exists. Until identity lands, that is the bootstrap tenant alone.
/// </summary>
internal sealed class TenantFilter(IOptions<BootstrapOptions> bootstrap) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var tenant = context.HttpContext.Request.RouteValues["tenant"] as string;
        if (!string.Equals(tenant, bootstrap.Value.Tenant, StringComparison.Ordinal))
        {
            return CouchError.NotFound("Tenant does not exist.");
        }

        return await next(context);
    }
}
