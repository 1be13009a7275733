using Microsoft.AspNetCore.Http;
using Tessera.Gateway.Policies.Limits;

namespace Tessera.Gateway.Policies.Tenancy;

/// <summary>
/// Resolves the tenant once per request into a <see cref="GatewayRequestFeature"/> and rewrites host-form requests
/// (<c>acme.{base}/orders/doc1</c>) to the path form (<c>/t/acme/orders/doc1</c>), so routing and the data nodes only
/// ever see one form. Runs before routing.
/// </summary>
internal sealed class TenantResolutionMiddleware(RequestDelegate next, TenantResolver resolver, LongLivedRequests longLived)
{
    public Task InvokeAsync(HttpContext context)
    {
        var resolution = resolver.Resolve(context.Request);
        if (resolution.HostError is not null)
        {
            return GatewayErrors.BadRequestAsync(context, resolution.HostError);
        }

        if (resolution.PathInvalid)
        {
            // Note: a name that breaks the rule cannot belong to any tenant, so saying so reveals nothing.
            return GatewayErrors.BadRequestAsync(context, TenantNames.InvalidReason);
        }

        context.Features.Set(new GatewayRequestFeature
        {
            Tenant = resolution.Tenant,
            Source = resolution.Source,
            IsLongLived = longLived.IsLongLived(context),
        });

        if (resolution.Source == TenantSource.Host && !IsGrpc(context.Request.Path))
        {
            RewriteToPathForm(context, resolution.Tenant!);
        }

        return next(context);
    }

    private static bool IsGrpc(PathString path) =>
        path.Value is { } value && value.StartsWith(TenantResolver.GrpcPrefix.Value!, StringComparison.Ordinal);

    private static void RewriteToPathForm(HttpContext context, string tenant)
    {
        // Note: a host label cannot hold "/", the one character Request.Path keeps escaped, so no escaping is needed.
        var prefix = "/t/" + tenant;
        var path = context.Request.Path;
        context.Request.Path = path.HasValue && path.Value != "/" ? new PathString(prefix).Add(path) : new PathString(prefix + "/");

        // The data node answers Location: /t/{tenant}/{db}/{doc}; on a tenant host the client's form is /{db}/{doc}.
        context.Response.OnStarting(static state =>
        {
            var (response, tenantPrefix) = ((HttpResponse, string))state;
            var location = response.Headers.Location.ToString();
            if (location.Length > 0)
            {
                response.Headers.Location = StripTenantPrefix(location, tenantPrefix);
            }

            return Task.CompletedTask;
        }, (context.Response, prefix));
    }

    internal static string StripTenantPrefix(string location, string tenantPrefix)
    {
        if (location.StartsWith('/'))
        {
            return Strip(location, tenantPrefix);
        }

        if (Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.AbsolutePath.StartsWith(tenantPrefix, StringComparison.Ordinal))
        {
            var builder = new UriBuilder(uri) { Path = Strip(uri.AbsolutePath, tenantPrefix) };
            return builder.Uri.AbsoluteUri;
        }

        return location;
    }

    private static string Strip(string path, string tenantPrefix)
    {
        if (!path.StartsWith(tenantPrefix, StringComparison.Ordinal))
        {
            return path;
        }

        if (path.Length == tenantPrefix.Length)
        {
            return "/";
        }

        // "/t/acme2/x" is not under "/t/acme": only a "/" or "?" may follow the tenant.
        return path[tenantPrefix.Length] switch
        {
            '/' => path[tenantPrefix.Length..],
            '?' => "/" + path[tenantPrefix.Length..],
            _ => path,
        };
    }
}
