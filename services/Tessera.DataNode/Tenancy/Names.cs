using Tessera.Security;

namespace Tessera.DataNode.Tenancy;

/// <summary>CouchDB's rule for database names, used for tenant names too (<see cref="CouchNames"/>), with CouchDB's wording.</summary>
public static class Names
{
    public static bool IsValid(string? name) => CouchNames.IsValid(name);

    public static string InvalidReason(string name) =>
        $"Name: '{name}'. Only lowercase characters (a-z), digits (0-9), and any of the characters _, $, (, ), +, -, and / are allowed. Must begin with a letter.";
}
