using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Security;

namespace Tessera.Identity.Api;

/// <summary>
/// HTTP Basic with an API key id (user name) and secret (password) for the platform API, so a script holding a key can
/// call <c>/api/v1</c> without fetching a token first. Anything but a Basic header is left to the bearer scheme.
/// </summary>
internal sealed class ApiKeyBasicHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IApiKeyVerifier verifier) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header) ||
            !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return AuthenticateResult.NoResult();
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return AuthenticateResult.Fail("The Basic credentials are not base64.");
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return AuthenticateResult.Fail("The Basic credentials are not id:secret.");
        }

        var principal = await verifier.VerifyAsync(decoded[..colon], decoded[(colon + 1)..], Context.RequestAborted);
        return principal is null
            ? AuthenticateResult.Fail("Unknown API key or wrong secret.")
            : AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // Note: no WWW-Authenticate: Basic here (the bearer scheme answers the challenge), so browsers show no prompt.
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }
}
