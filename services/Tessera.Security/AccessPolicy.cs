namespace Tessera.Security;

/// <summary>
/// The one rule deciding what a caller may do with a database, used by REST, feeds, gRPC and WebSocket alike.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>Credentials of another tenant grant nothing, whatever they say.</item>
/// <item>An account's rights come from its tenant role (owner/admin administer, member writes, reader reads) and from
/// the database's <c>_security</c>: listed admins (by name or role) administer, listed members write. A database with
/// members listed is closed to the tenant's members and readers who are not listed (CouchDB's rule); tenant owners and
/// admins keep their rights.</item>
/// <item>An API key's rights are what its scopes grant: the admin who created it chose them database by database.</item>
/// <item>Rights never exceed what the token's scopes grant (<see cref="DataScopes"/>).</item>
/// <item>A public-read database can be read by anyone, anonymous callers included, and nothing more.</item>
/// </list>
/// </remarks>
public static class AccessPolicy
{
    public static Rights RightsOn(Caller caller, string tenant, string database, DatabaseSecurity security)
    {
        var floor = security.PublicRead ? Rights.Read : Rights.None;
        if (!caller.IsAuthenticated || !string.Equals(caller.Tenant, tenant, StringComparison.Ordinal))
        {
            return floor;
        }

        var granted = caller.IsApiKey ? Rights.Admin : AccountRights(caller, security);
        var scoped = Min(granted, DataScopes.RightsOn(caller.Scopes, database));
        return scoped > floor ? scoped : floor;
    }

    /// <summary>
    /// Rights over the whole tenant (every database, existing or not), for tenant-level operations such as creating a
    /// database or running replications: the role's rights capped by the tenant-wide scopes only.
    /// </summary>
    public static Rights TenantRights(Caller caller, string tenant)
    {
        if (!caller.IsAuthenticated || !string.Equals(caller.Tenant, tenant, StringComparison.Ordinal))
        {
            return Rights.None;
        }

        var granted = caller.IsApiKey ? Rights.Admin : TenantRoles.RightsOf(caller.Role);
        var scoped = Rights.None;
        foreach (var scope in caller.Scopes)
        {
            if (DataScopes.TryParse(scope, out var rights, out var database) && database is null && rights > scoped)
            {
                scoped = rights;
            }
        }

        return Min(granted, scoped);
    }

    private static Rights AccountRights(Caller caller, DatabaseSecurity security)
    {
        var role = TenantRoles.RightsOf(caller.Role);
        var name = caller.Name ?? "";
        var roleName = caller.Role ?? "";
        if (security.AdminNames.Contains(name) || security.AdminRoles.Contains(roleName))
        {
            return Rights.Admin;
        }

        var member = security.MemberNames.Contains(name) || security.MemberRoles.Contains(roleName);
        if (security.HasMembers && !member)
        {
            // Closed database: only the tenant's own administrators stay in.
            return role == Rights.Admin ? Rights.Admin : Rights.None;
        }

        return member && role < Rights.Write ? Rights.Write : role;
    }

    private static Rights Min(Rights a, Rights b) => a < b ? a : b;
}
