using Tessera.Security;

namespace Tessera.Security.Tests;

public sealed class AccessPolicyTests
{
    private static readonly string[] AllData = ["data:admin"];

    private static Caller Account(string role, string name = "ann@example.com", string tenant = "acme", string[]? scopes = null) =>
        new(tenant, name, role, scopes ?? AllData);

    private static Caller Key(params string[] scopes) => new("acme", "key_1", null, scopes);

    private static DatabaseSecurity Security(string json, bool publicRead = false) => DatabaseSecurity.Parse(json, publicRead);

    [Theory]
    [InlineData(TenantRoles.Owner, Rights.Admin)]
    [InlineData(TenantRoles.Admin, Rights.Admin)]
    [InlineData(TenantRoles.Member, Rights.Write)]
    [InlineData(TenantRoles.Reader, Rights.Read)]
    public void RightsOn_OpenDatabase_FollowsTenantRole(string role, Rights expected)
    {
        Assert.Equal(expected, AccessPolicy.RightsOn(Account(role), "acme", "orders", DatabaseSecurity.Open));
    }

    [Fact]
    public void RightsOn_OtherTenant_GrantsNothingEvenWithAdminScopes()
    {
        Assert.Equal(Rights.None, AccessPolicy.RightsOn(Account(TenantRoles.Owner, tenant: "other"), "acme", "orders", DatabaseSecurity.Open));
        Assert.Equal(Rights.None, AccessPolicy.TenantRights(Account(TenantRoles.Owner, tenant: "other"), "acme"));
    }

    [Fact]
    public void RightsOn_OtherTenantOnPublicDatabase_GrantsReadOnly()
    {
        var publicRead = DatabaseSecurity.Open with { PublicRead = true };

        Assert.Equal(Rights.Read, AccessPolicy.RightsOn(Account(TenantRoles.Owner, tenant: "other"), "acme", "orders", publicRead));
        Assert.Equal(Rights.Read, AccessPolicy.RightsOn(Caller.Anonymous, "acme", "orders", publicRead));
        Assert.Equal(Rights.None, AccessPolicy.RightsOn(Caller.Anonymous, "acme", "orders", DatabaseSecurity.Open));
    }

    [Fact]
    public void RightsOn_ScopesCapTheRole()
    {
        Assert.Equal(Rights.Read, AccessPolicy.RightsOn(Account(TenantRoles.Owner, scopes: ["openid", "data:read"]), "acme", "orders", DatabaseSecurity.Open));
        Assert.Equal(Rights.None, AccessPolicy.RightsOn(Account(TenantRoles.Owner, scopes: ["openid"]), "acme", "orders", DatabaseSecurity.Open));
        Assert.Equal(Rights.Write, AccessPolicy.RightsOn(Account(TenantRoles.Member, scopes: ["data:admin:orders"]), "acme", "orders", DatabaseSecurity.Open));
    }

    [Fact]
    public void RightsOn_ApiKey_GetsWhatItsScopesGrantPerDatabase()
    {
        var key = Key("data:write:orders", "data:read:audit");

        Assert.Equal(Rights.Write, AccessPolicy.RightsOn(key, "acme", "orders", DatabaseSecurity.Open));
        Assert.Equal(Rights.Read, AccessPolicy.RightsOn(key, "acme", "audit", DatabaseSecurity.Open));
        Assert.Equal(Rights.None, AccessPolicy.RightsOn(key, "acme", "billing", DatabaseSecurity.Open));
        Assert.Equal(Rights.None, AccessPolicy.TenantRights(key, "acme"));
        Assert.Equal(Rights.Admin, AccessPolicy.TenantRights(Key("data:admin"), "acme"));
    }

    [Fact]
    public void RightsOn_SecurityAdminsByNameOrRole_Administer()
    {
        var security = Security("""{"admins":{"names":["bob@example.com"],"roles":["reader"]},"members":{"names":[],"roles":[]}}""");

        Assert.Equal(Rights.Admin, AccessPolicy.RightsOn(Account(TenantRoles.Member, name: "bob@example.com"), "acme", "orders", security));
        Assert.Equal(Rights.Admin, AccessPolicy.RightsOn(Account(TenantRoles.Reader), "acme", "orders", security));
    }

    [Fact]
    public void RightsOn_DatabaseWithMembers_ClosesItToUnlistedMembersButNotToTenantAdmins()
    {
        var security = Security("""{"members":{"names":["carl@example.com"],"roles":[]}}""");

        Assert.Equal(Rights.None, AccessPolicy.RightsOn(Account(TenantRoles.Member), "acme", "orders", security));
        Assert.Equal(Rights.None, AccessPolicy.RightsOn(Account(TenantRoles.Reader), "acme", "orders", security));
        Assert.Equal(Rights.Write, AccessPolicy.RightsOn(Account(TenantRoles.Reader, name: "carl@example.com"), "acme", "orders", security));
        Assert.Equal(Rights.Admin, AccessPolicy.RightsOn(Account(TenantRoles.Admin), "acme", "orders", security));
    }

    [Fact]
    public void TenantRights_IgnoresDatabaseScopedScopes()
    {
        Assert.Equal(Rights.None, AccessPolicy.TenantRights(Account(TenantRoles.Owner, scopes: ["data:admin:orders"]), "acme"));
        Assert.Equal(Rights.Write, AccessPolicy.TenantRights(Account(TenantRoles.Member), "acme"));
        Assert.Equal(Rights.None, AccessPolicy.TenantRights(Caller.Anonymous, "acme"));
    }
}
