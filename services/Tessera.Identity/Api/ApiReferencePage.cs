using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Identity.Pages;

namespace Tessera.Identity.Api;

/// <summary>
/// <c>/api</c>: the platform API reference, rendered on the server from the same OpenAPI document as
/// <c>/openapi/v1.json</c> (no script or CDN asset, so it works offline).
/// </summary>
internal static class ApiReferencePage
{
    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api", (Delegate)RenderAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> RenderAsync(HttpContext context)
    {
        var provider = context.RequestServices.GetRequiredKeyedService<IOpenApiDocumentProvider>(IdentityDefaults.OpenApiDocument);
        var document = await provider.GetOpenApiDocumentAsync(context.RequestAborted);
        var rows = new StringBuilder();
        foreach (var (path, item) in (document.Paths ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                var statuses = string.Join(" ", (operation.Responses ?? []).Keys.Order(StringComparer.Ordinal));
                rows.Append($"""
                    <tr><td><code>{Html.E(method.Method.ToUpperInvariant())}</code></td><td><code>{Html.E(path)}</code></td>
                    <td>{Html.E(operation.Summary)}</td><td>{Html.E(statuses)}</td></tr>
                    """);
            }
        }

        var body = $"""
            <p>Machine-readable: <a href="/openapi/{IdentityDefaults.OpenApiDocument}.json">/openapi/{IdentityDefaults.OpenApiDocument}.json</a>.
            Errors are RFC 9457 problem details. Authenticate with a bearer token of the tenant
            (<code>POST /connect/token</code>, <code>grant_type=client_credentials</code> with an API key) or with the key
            as HTTP Basic credentials. OAuth discovery: <a href="/.well-known/openid-configuration">/.well-known/openid-configuration</a>.</p>
            <table><thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Statuses</th></tr></thead>
            <tbody>{rows}</tbody></table>
            """;
        return Html.Page(context, "Platform API reference", body);
    }
}
