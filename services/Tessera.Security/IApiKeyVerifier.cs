using System.Security.Claims;

namespace Tessera.Security;

/// <summary>
/// Checks an API key id and secret (HTTP Basic on data endpoints, so PouchDB and CouchDB replication URLs with
/// credentials work) and returns the key's identity: the claims a client-credentials token of that key would carry
/// (<see cref="TesseraClaims"/>). Implemented by Tessera.Identity over its store; data nodes register it too.
/// </summary>
public interface IApiKeyVerifier
{
    /// <summary>The key's principal, or null when the id is unknown, the key revoked or the secret wrong.</summary>
    ValueTask<ClaimsPrincipal?> VerifyAsync(string keyId, string secret, CancellationToken cancellationToken);
}
