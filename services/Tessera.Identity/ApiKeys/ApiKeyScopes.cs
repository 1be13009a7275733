using Tessera.Identity.Accounts;
using Tessera.Security;

namespace Tessera.Identity.ApiKeys;

/// <summary>Which scopes an API key or app may be given: data scopes (<see cref="DataScopes"/>) and <c>platform</c>.</summary>
public static class ApiKeyScopes
{
    /// <summary>The scopes of the first admin key of a tenant (signup, bootstrap).</summary>
    public static IReadOnlyList<string> Admin { get; } = [DataScopes.Admin, DataScopes.Platform];

    /// <summary>The distinct, validated scopes; throws <see cref="PlatformException"/> (400) naming the first bad one.</summary>
    public static string[] Validate(IEnumerable<string>? scopes, bool allowPlatform = true)
    {
        var result = new List<string>();
        foreach (var scope in scopes ?? [])
        {
            if (!IsValid(scope, allowPlatform))
            {
                throw PlatformException.Invalid($"Scope '{scope}' is not valid: use data:read, data:write, data:admin, data:{{right}}:{{database}}{(allowPlatform ? " or platform" : "")}.");
            }

            if (!result.Contains(scope, StringComparer.Ordinal))
            {
                result.Add(scope);
            }
        }

        return result.Count > 0 ? [.. result] : throw PlatformException.Invalid("At least one scope is required.");
    }

    public static bool IsValid(string? scope, bool allowPlatform = true)
    {
        if (scope is null)
        {
            return false;
        }

        if (scope == DataScopes.Platform)
        {
            return allowPlatform;
        }

        // A database scope names a database by CouchDB's rule (the tenant rule without the reserved names).
        return DataScopes.TryParse(scope, out _, out var database)
            && (database is null || (database.Length <= TenantSlugs.MaxLength && IsDatabaseName(database)));
    }

    private static bool IsDatabaseName(string name) =>
        name.Length > 0 && name[0] is >= 'a' and <= 'z' && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '$' or '(' or ')' or '+' or '-' or '/');
}
