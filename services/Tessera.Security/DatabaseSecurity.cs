using System.Text.Json;

namespace Tessera.Security;

/// <summary>
/// A database's CouchDB-compatible <c>_security</c> object (admins and members, each by names and roles) plus its
/// public-read flag: what <see cref="AccessPolicy"/> needs to know about the database.
/// </summary>
public sealed record DatabaseSecurity(
    IReadOnlySet<string> AdminNames,
    IReadOnlySet<string> AdminRoles,
    IReadOnlySet<string> MemberNames,
    IReadOnlySet<string> MemberRoles,
    bool PublicRead)
{
    // Note: declared before Open, which reads it during static initialization.
    private static readonly IReadOnlySet<string> Empty = new HashSet<string>();

    public static DatabaseSecurity Open { get; } = new(Empty, Empty, Empty, Empty, false);

    /// <summary>CouchDB: a database with members listed is closed to everyone else (but its admins).</summary>
    public bool HasMembers => MemberNames.Count > 0 || MemberRoles.Count > 0;

    /// <summary>Reads a stored <c>_security</c> JSON (already validated when it was written); null means empty.</summary>
    public static DatabaseSecurity Parse(string? securityJson, bool publicRead)
    {
        if (string.IsNullOrEmpty(securityJson))
        {
            return publicRead ? Open with { PublicRead = true } : Open;
        }

        using var document = JsonDocument.Parse(securityJson);
        var root = document.RootElement;
        return new DatabaseSecurity(
            Strings(root, "admins", "names"),
            Strings(root, "admins", "roles"),
            Strings(root, "members", "names"),
            Strings(root, "members", "roles"),
            publicRead);
    }

    private static HashSet<string> Strings(JsonElement root, string section, string list)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty(section, out var value) && value.ValueKind == JsonValueKind.Object
            && value.TryGetProperty(list, out var items) && items.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    set.Add(item.GetString()!);
                }
            }
        }

        return set;
    }
}
