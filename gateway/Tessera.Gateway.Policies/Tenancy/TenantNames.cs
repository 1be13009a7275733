using System.Text.RegularExpressions;

namespace Tessera.Gateway.Policies.Tenancy;

/// <summary>
/// CouchDB's rule for database names, which tenant names follow too.
/// Note: the same rule as <c>Tessera.DataNode.Tenancy.Names</c>, copied because the gateway must not depend on the
/// data node (and through it on Orleans and storage); a test checks that both agree.
/// </summary>
public static partial class TenantNames
{
    public const string Pattern = "^[a-z][a-z0-9_$()+/-]*$";

    public const int MaxLength = 238;

    /// <summary>The reason given for a name that breaks the rule (CouchDB's wording for database names).</summary>
    public const string InvalidReason =
        "Tenant names contain only lowercase characters (a-z), digits (0-9), and any of the characters _, $, (, ), +, -, and /, and must begin with a letter.";

    public static bool IsValid(string? name) => name is { Length: > 0 and <= MaxLength } && NameRegex().IsMatch(name);

    // Note: \z, not $: in .NET "$" also matches before a final newline, and a decoded path segment can end in one.
    [GeneratedRegex(@"^[a-z][a-z0-9_$()+/-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();
}
