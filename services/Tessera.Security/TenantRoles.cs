namespace Tessera.Security;

/// <summary>The roles an account holds in a tenant, and the rights each grants on every database of the tenant.</summary>
public static class TenantRoles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";
    public const string Reader = "reader";

    public static IReadOnlyList<string> All { get; } = [Owner, Admin, Member, Reader];

    public static bool IsValid(string? role) => role is Owner or Admin or Member or Reader;

    /// <summary>Owners and admins administer every database, members write, readers read.</summary>
    public static Rights RightsOf(string? role) => role switch
    {
        Owner or Admin => Rights.Admin,
        Member => Rights.Write,
        Reader => Rights.Read,
        _ => Rights.None,
    };
}
