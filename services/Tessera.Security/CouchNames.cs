using System.Text.RegularExpressions;

namespace Tessera.Security;

/// <summary>
/// CouchDB's rule for database names, which tenant names follow too: one rule for the data nodes, the identity service
/// and the gateway.
/// </summary>
public static partial class CouchNames
{
    // Note: \z, not $: in .NET "$" also matches before a final newline, which would admit "dev\n".
    public const string Pattern = @"^[a-z][a-z0-9_$()+/-]*\z";

    public const int MaxLength = 238;

    public static bool IsValid(string? name) => name is { Length: > 0 and <= MaxLength } && NameRegex().IsMatch(name);

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();
}
