using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenIddict.Validation.AspNetCore;
using Tessera.Security;

namespace Tessera.DataNode.Security;

/// <summary>
/// How data nodes learn who calls: a bearer access token (a JWT from Tessera's identity, validated locally with its
/// published keys: no call per request), or HTTP Basic with an API key. One policy scheme picks between them.
/// </summary>
public static class DataNodeAuthentication
{
    public const string Scheme = "Tessera";
    public const string ApiKeyScheme = "TesseraApiKey";

    /// <summary>
    /// Registers the schemes. With the identity role in this process (embedded mode) tokens are validated against the
    /// local OpenIddict server; otherwise against the issuer <c>Tessera:Identity:Issuer</c>, whose discovery document
    /// is fetched from <c>Tessera:Identity:Address</c> when set (the identity service's address inside the cluster),
    /// and so is its key set (<see cref="InternalJwksAddress"/>).
    /// </summary>
    public static void AddDataNodeAuthentication(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(DataNodeAuthenticationMarker)))
        {
            return;
        }

        services.AddSingleton<DataNodeAuthenticationMarker>();
        services.AddSingleton<LocalCallerCredentials>();
        services.AddSingleton<ValidatedTokenCache>();
        services.AddAuthentication()
            .AddPolicyScheme(Scheme, "Tessera bearer token or API key", o => o.ForwardDefaultSelector = SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyScheme, null);

        var config = builder.Configuration;
        var roles = config["Tessera:Roles"];
        var identityHere = string.IsNullOrWhiteSpace(roles)
            || roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Contains("identity", StringComparer.OrdinalIgnoreCase);
        services.AddOpenIddict().AddValidation(options =>
        {
            options.AddAudiences(TesseraClaims.Audience);
            options.UseAspNetCore();
            options.AddEventHandler(WebSocketTokenExtraction.Descriptor);
            if (identityHere)
            {
                options.UseLocalServer();
                return;
            }

            var issuer = new Uri(config["Tessera:Identity:Issuer"]
                ?? throw new InvalidOperationException("Tessera:Identity:Issuer must be set on data nodes that do not run the identity role."), UriKind.Absolute);
            options.SetIssuer(issuer);
            if (config["Tessera:Identity:Address"] is { Length: > 0 } address)
            {
                // Discovery and keys from the identity's internal address; the document still names the public issuer.
                var inside = new Uri(address, UriKind.Absolute);
                options.Configure(o => o.ConfigurationEndpoint = InternalJwksAddress.DiscoveryAddress(inside));
                options.AddEventHandler(InternalJwksAddress.Descriptor(issuer, inside));
            }

            options.UseSystemNetHttp();
        });
    }

    /// <summary>
    /// Opens OpenIddict validation's per-request state when the authentication middleware did not run for this request
    /// (the host skips it on the data API, see <see cref="DataApiPaths"/>) and the request carries a token. Its request
    /// handler normally does this in the middleware; token validation fails without it. False when the handler
    /// answered the request itself.
    /// </summary>
    internal static async Task<bool> PrepareTokenValidationAsync(HttpContext context)
    {
        if (context.Features.Get<IAuthenticationFeature>() is not null
            || SelectScheme(context) != OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
        {
            return true;
        }

        var handlers = context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
        var handler = await handlers.GetHandlerAsync(context, OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme) as IAuthenticationRequestHandler;
        return handler is null || !await handler.HandleRequestAsync();
    }

    private static string? SelectScheme(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return ApiKeyScheme;
        }

        return authorization.Length > 0 || WebSocketTokenExtraction.Offers(context.Request)
            ? OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme
            : ApiKeyScheme; // Note: no credentials at all; the API key handler answers "no result", i.e. anonymous.
    }

    private sealed class DataNodeAuthenticationMarker;
}
