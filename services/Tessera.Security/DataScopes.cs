namespace Tessera.Security;

/// <summary>
/// The OAuth scopes that grant data rights: <c>data:read</c>, <c>data:write</c>, <c>data:admin</c> for every database of
/// the token's tenant, and <c>data:read:{db}</c>, <c>data:write:{db}</c>, <c>data:admin:{db}</c> for one database.
/// <c>platform</c> lets the caller manage its tenant through <c>/api/v1</c>.
/// </summary>
public static class DataScopes
{
    public const string Read = "data:read";
    public const string Write = "data:write";
    public const string Admin = "data:admin";
    public const string Platform = "platform";

    private const string Prefix = "data:";

    /// <summary>The scope granting <paramref name="rights"/> on one database, or on all of them when <paramref name="database"/> is null.</summary>
    public static string Format(Rights rights, string? database = null)
    {
        var level = rights switch
        {
            Rights.Read => "read",
            Rights.Write => "write",
            Rights.Admin => "admin",
            _ => throw new ArgumentOutOfRangeException(nameof(rights), rights, "A scope grants read, write or admin."),
        };
        return database is null ? Prefix + level : $"{Prefix}{level}:{database}";
    }

    /// <summary>
    /// Reads a data scope. Returns false for scopes that are not data scopes (openid, platform, ...) and for malformed
    /// ones; <paramref name="database"/> is null when the scope covers every database.
    /// </summary>
    public static bool TryParse(string scope, out Rights rights, out string? database)
    {
        rights = Rights.None;
        database = null;
        if (!scope.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = scope.AsSpan(Prefix.Length);
        var colon = rest.IndexOf(':');
        var level = colon < 0 ? rest : rest[..colon];
        rights = level switch
        {
            "read" => Rights.Read,
            "write" => Rights.Write,
            "admin" => Rights.Admin,
            _ => Rights.None,
        };
        if (rights == Rights.None)
        {
            return false;
        }

        if (colon >= 0)
        {
            database = rest[(colon + 1)..].ToString();
            if (database.Length == 0)
            {
                rights = Rights.None;
                database = null;
                return false;
            }
        }

        return true;
    }

    /// <summary>The highest right the scopes grant on <paramref name="database"/>.</summary>
    public static Rights RightsOn(IEnumerable<string> scopes, string database)
    {
        var best = Rights.None;
        foreach (var scope in scopes)
        {
            if (TryParse(scope, out var rights, out var scoped) && rights > best && (scoped is null || scoped == database))
            {
                best = rights;
            }
        }

        return best;
    }

    /// <summary>Splits a space-separated scope claim.</summary>
    public static string[] Split(string? scopeClaim) =>
        string.IsNullOrWhiteSpace(scopeClaim) ? [] : scopeClaim.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
