using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using OpenIddict.Validation.AspNetCore;
using Tessera.Gateway.Policies.Tenancy;
using Tessera.Security;

namespace Tessera.Gateway.Policies.Tokens;

/// <summary>
/// Rejects data requests that carry a bad access token before they reach a data node: malformed, expired, badly
/// signed or for another audience is 401; a token of another tenant is 403. Validation is local (keys from the
/// identity's JWKS, cached), no call per request.
/// </summary>
/// <remarks>
/// Requests without a token, and requests with HTTP Basic (an API key id and secret), pass through: checking Basic
/// needs the key store, which only identity and the data nodes have. Data nodes check every request again, tokens
/// included, and trust no header the gateway sets. Identity routes (OAuth endpoints, pages, the platform API other than
/// a tenant's) are not checked here: identity accepts tokens of its own there (userinfo) that need not carry our audience.
/// </remarks>
internal sealed partial class TokenCheckMiddleware(RequestDelegate next, IAuthenticationSchemeProvider schemes, ILogger<TokenCheckMiddleware> logger)
{
    private const string Scheme = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;

    // Note: OpenIddict's keys for the failure details it puts in AuthenticationProperties.
    private const string ErrorProperty = ".error";
    private const string ErrorDescriptionProperty = ".error_description";

    private Task<bool>? _enabled;

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<GatewayRequestFeature>();
        var isGrpc = context.Request.Path.Value?.StartsWith(TenantResolver.GrpcPrefix.Value!, StringComparison.Ordinal) == true;
        // Note: most requests carry no token (API keys use Basic) or come before any scheme exists: they go on without
        // an async state machine of their own.
        if ((feature?.Tenant is null && !isGrpc) || !CarriesToken(context.Request))
        {
            return next(context);
        }

        var enabled = IsEnabledAsync();
        if (enabled.IsCompletedSuccessfully && !enabled.Result)
        {
            return next(context);
        }

        return CheckAsync(context, feature, enabled);
    }

    private async Task CheckAsync(HttpContext context, GatewayRequestFeature? feature, Task<bool> enabled)
    {
        if (!await enabled)
        {
            await next(context);
            return;
        }

        AuthenticateResult result;
        try
        {
            if (await BeginValidationAsync(context))
            {
                return;
            }

            result = await context.AuthenticateAsync(Scheme);
        }
        catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or OperationCanceledException && !context.RequestAborted.IsCancellationRequested)
        {
            LogValidationUnavailable(logger, exception);
            await next(context);
            return;
        }

        if (!result.Succeeded)
        {
            string? error = null;
            result.Properties?.Items.TryGetValue(ErrorProperty, out error);
            if (error is not (null or "invalid_token" or "invalid_request"))
            {
                // Note: identity's discovery document or keys could not be fetched (server_error), so the token cannot
                // be judged here. The request goes on: the data node validates it again and refuses it if it is bad;
                // refusing here would take every token-bearing client down with identity.
                LogValidationUnavailable(logger, null);
                await next(context);
                return;
            }

            await GatewayErrors.UnauthorizedAsync(context, Describe(result));
            return;
        }

        var tokenTenant = result.Principal.FindFirst(TesseraClaims.Tenant)?.Value;
        if (feature?.Tenant is { } tenant)
        {
            if (!string.Equals(tokenTenant, tenant, StringComparison.Ordinal))
            {
                await GatewayErrors.ForbiddenAsync(context, "The access token is not valid for this tenant.");
                return;
            }
        }
        else if (feature is not null && TenantNames.IsValid(tokenTenant))
        {
            // gRPC names its database in the message, not the path: the token's tenant is the one to limit.
            feature.Tenant = tokenTenant;
            feature.Source = TenantSource.Token;
        }

        if (feature is not null)
        {
            feature.TokenPlan = result.Principal.FindFirst(GatewayClaims.Plan)?.Value;
        }

        await next(context);
    }

    /// <summary>
    /// Whether the request offers a token where the data nodes look for one: a bearer Authorization header, an
    /// <c>access_token</c> query parameter, or a <c>tessera.bearer.{token}</c> WebSocket subprotocol (browsers cannot set
    /// headers on a WebSocket).
    /// </summary>
    private static bool CarriesToken(HttpRequest request)
    {
        StringValues authorization = request.Headers.Authorization;
        if (authorization.Count > 0)
        {
            // "Bearer" with no token is a malformed bearer request, answered 401 like a bad token.
            var value = authorization.ToString();
            return value.StartsWith("Bearer", StringComparison.OrdinalIgnoreCase) && (value.Length == 6 || value[6] == ' ');
        }

        // Note: Request.Query parses (and allocates) the query string; most requests have none.
        return (request.QueryString.HasValue && request.Query.ContainsKey("access_token")) || WebSocketBearerSubprotocol.Offers(request);
    }

    /// <summary>
    /// Does for this request what the authentication middleware does for every request: OpenIddict starts its per-request
    /// transaction in its request handler, and authenticating without one fails. True when the handler answered the
    /// request itself.
    /// </summary>
    /// <remarks>
    /// Note: the gateway keeps the authentication middleware out of its pipeline (see <c>MapTesseraGateway</c>), so only
    /// requests that carry a token pay for OpenIddict. When a host runs the middleware anyway (embedded mode), the
    /// transaction already exists and this does nothing.
    /// </remarks>
    private static async Task<bool> BeginValidationAsync(HttpContext context)
    {
        if (context.Features.Get<OpenIddictValidationAspNetCoreFeature>()?.Transaction is not null)
        {
            return false;
        }

        var handlers = context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
        return await handlers.GetHandlerAsync(context, Scheme) is IAuthenticationRequestHandler handler && await handler.HandleRequestAsync();
    }

    private Task<bool> IsEnabledAsync() =>
        _enabled ??= schemes.GetSchemeAsync(Scheme).ContinueWith(static t => t.Result is not null, TaskScheduler.Default);

    private static string Describe(AuthenticateResult result)
    {
        if (result.Properties?.Items.TryGetValue(ErrorDescriptionProperty, out var description) == true && !string.IsNullOrEmpty(description))
        {
            return description;
        }

        return result.None ? "The access token is missing." : "The access token is not valid.";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check an access token (identity's discovery document or keys are unavailable); the data node will check it.")]
    private static partial void LogValidationUnavailable(ILogger logger, Exception? exception);
}
