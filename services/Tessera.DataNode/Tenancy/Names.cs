using System.Text.RegularExpressions;

namespace Tessera.DataNode.Tenancy;

/// <summary>CouchDB's rule for database names, used for tenant names too.</summary>
public static partial class Names
{
    // Note: \z, not $: in .NET "$" also matches before a final newline, which would admit "dev\n".
    public const string Pattern = @"^[a-z][a-z0-9_$()+/-]*\z";

    public const int MaxLength = 238;

    public static bool IsValid(string? name) => name is { Length: > 0 and <= MaxLength } && NameRegex().IsMatch(name);

    public static string InvalidReason(string name) =>
        $"Name: '{name}'. Only lowercase characters (a-z), digits (0-9), and any of the characters _, $, (, ), +, -, and / are allowed. Must begin with a letter.";

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();
}
