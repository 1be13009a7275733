using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Tessera.Security;

namespace Tessera.DataNode.Security;

/// <summary>
/// Credentials this process gives its own background work (the replicator reaching a bare database name over this
/// node's own HTTP address) to act as an administrator of one tenant. The secret is random per process and never leaves
/// it: a request carrying it can only come from this process. The gateway strips <c>X-Tessera-*</c> headers anyway.
/// </summary>
public sealed class LocalCallerCredentials
{
    public const string SecretHeader = "X-Tessera-Local";
    public const string TenantHeader = "X-Tessera-Local-Tenant";

    private readonly byte[] secret = RandomNumberGenerator.GetBytes(32);

    /// <summary>The headers that make a request to this process act as an administrator of <paramref name="tenant"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> HeadersFor(string tenant) =>
    [
        new(SecretHeader, Convert.ToBase64String(secret)),
        new(TenantHeader, tenant),
    ];

    /// <summary>The principal for a request carrying this process's secret; null when it carries none or another one.</summary>
    public ClaimsPrincipal? Authenticate(string? presented, string? tenant, string scheme)
    {
        if (string.IsNullOrEmpty(presented) || string.IsNullOrEmpty(tenant)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presented), Encoding.ASCII.GetBytes(Convert.ToBase64String(secret))))
        {
            return null;
        }

        return new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(TesseraClaims.Tenant, tenant),
                new Claim(TesseraClaims.Name, "_replicator"),
                new Claim(TesseraClaims.Scope, DataScopes.Admin),
            ],
            scheme));
    }
}
