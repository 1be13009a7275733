using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Security;

namespace Tessera.DataNode.Security;

/// <summary>
/// HTTP Basic with an API key id as the user name and its secret as the password, so PouchDB and CouchDB replication
/// URLs with credentials (<c>https://key:secret@host/t/acme/orders</c>) work. The key store does the checking.
/// Also admits this process's own background work (<see cref="LocalCallerCredentials"/>).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IEnumerable<IApiKeyVerifier> verifiers,
    LocalCallerCredentials local)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers.TryGetValue(LocalCallerCredentials.SecretHeader, out var presented))
        {
            var principal = local.Authenticate(presented, Request.Headers[LocalCallerCredentials.TenantHeader], Scheme.Name);
            return principal is null ? AuthenticateResult.Fail("Invalid local credentials.") : AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
        }

        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        string pair;
        try
        {
            pair = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter ?? ""));
        }
        catch (FormatException)
        {
            return AuthenticateResult.Fail("Malformed Basic credentials.");
        }

        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return AuthenticateResult.Fail("Malformed Basic credentials.");
        }

        var verifier = verifiers.FirstOrDefault();
        var key = verifier is null ? null : await verifier.VerifyAsync(pair[..colon], pair[(colon + 1)..], Context.RequestAborted);
        return key is null
            ? AuthenticateResult.Fail("Name or password is incorrect.")
            : AuthenticateResult.Success(new AuthenticationTicket(key, Scheme.Name));
    }
}
