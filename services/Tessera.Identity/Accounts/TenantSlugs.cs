using System.Collections.Frozen;
using Tessera.Security;

namespace Tessera.Identity.Accounts;

/// <summary>
/// Which tenant slugs may be taken: CouchDB's rule for database names (<see cref="CouchNames"/>) minus names the
/// platform uses for itself in host names and paths.
/// </summary>
public static class TenantSlugs
{
    public const int MaxLength = CouchNames.MaxLength;

    /// <summary>Names of platform hosts and paths; a tenant called <c>api</c> would shadow <c>api.{base-domain}</c>.</summary>
    public static FrozenSet<string> Reserved { get; } = FrozenSet.Create(StringComparer.Ordinal,
        "t", "api", "www", "admin", "administrator", "login", "logout", "signup", "signin", "console", "identity", "connect",
        "oauth", "oauth2", "oidc", "auth", "account", "accounts", "app", "apps", "static", "assets", "cdn", "docs", "doc",
        "help", "support", "status", "health", "healthz", "readyz", "livez", "metrics", "openapi", "swagger", "well-known",
        "mail", "email", "smtp", "ftp", "root", "system", "internal", "billing", "dashboard", "tessera", "platform",
        "gateway", "grpc", "ws", "wss", "dev-null", "null", "undefined", "localhost", "security", "keys", "tenants");

    /// <summary>Null when <paramref name="slug"/> can be a tenant, else why not.</summary>
    public static string? Problem(string? slug)
    {
        if (string.IsNullOrEmpty(slug))
        {
            return "A tenant name is required.";
        }

        if (!CouchNames.IsValid(slug))
        {
            return $"Tenant name '{slug}' is not valid: use lowercase letters (a-z), digits (0-9) and _ $ ( ) + - /, beginning with a letter, at most {MaxLength} characters.";
        }

        return Reserved.Contains(slug) ? $"Tenant name '{slug}' is reserved by the platform." : null;
    }
}
