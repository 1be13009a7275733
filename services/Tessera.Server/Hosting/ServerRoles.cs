namespace Tessera.Server.Hosting;

/// <summary>
/// What this process runs, from <c>Tessera:Roles</c> (environment <c>Tessera__Roles</c>): a comma list of
/// <c>data</c> (storage, the Orleans silo, the CouchDB API, gRPC, feeds, replication) and <c>identity</c> (the OpenIddict
/// server, signup, tenants, API keys, the platform API and pages). Unset or empty means both: embedded mode, what
/// <c>dotnet run</c> starts. Cluster mode runs one identity process and several data nodes.
/// </summary>
public sealed record ServerRoles(bool Data, bool Identity)
{
    /// <summary>The configuration key.</summary>
    public const string ConfigurationKey = "Tessera:Roles";

    public const string DataRole = "data";

    public const string IdentityRole = "identity";

    /// <summary>Both roles in one process.</summary>
    public bool Embedded => Data && Identity;

    /// <summary>Reads <c>Tessera:Roles</c>; an unknown role name fails the start with the valid ones listed.</summary>
    public static ServerRoles From(IConfiguration configuration) => Parse(configuration[ConfigurationKey]);

    public static ServerRoles Parse(string? value)
    {
        var names = (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
        {
            return new ServerRoles(Data: true, Identity: true);
        }

        var unknown = names.Where(n => !IsRole(n, DataRole) && !IsRole(n, IdentityRole)).ToList();
        if (unknown.Count > 0)
        {
            // Note: a typo must not silently start a process that serves nothing (or everything).
            throw new InvalidOperationException(
                $"{ConfigurationKey} '{value}': unknown role {string.Join(", ", unknown.Select(n => $"'{n}'"))}; use a comma list of '{DataRole}' and '{IdentityRole}', or leave it unset for both.");
        }

        return new ServerRoles(names.Any(n => IsRole(n, DataRole)), names.Any(n => IsRole(n, IdentityRole)));
    }

    private static bool IsRole(string name, string role) => string.Equals(name, role, StringComparison.OrdinalIgnoreCase);
}
