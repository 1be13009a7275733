using Tessera.Security;

namespace Tessera.Gateway.Policies.Tenancy;

/// <summary>CouchDB's rule for database names, which tenant names follow too (<see cref="CouchNames"/>), with the gateway's wording.</summary>
public static class TenantNames
{
    public const int MaxLength = CouchNames.MaxLength;

    /// <summary>The reason given for a name that breaks the rule (CouchDB's wording for database names).</summary>
    public const string InvalidReason =
        "Tenant names contain only lowercase characters (a-z), digits (0-9), and any of the characters _, $, (, ), +, -, and /, and must begin with a letter.";

    public static bool IsValid(string? name) => CouchNames.IsValid(name);
}
