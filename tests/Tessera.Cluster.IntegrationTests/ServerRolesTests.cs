using Tessera.Server.Hosting;

namespace Tessera.Cluster.IntegrationTests;

/// <summary><c>Tessera:Roles</c>: what one process of the one executable runs.</summary>
public sealed class ServerRolesTests
{
    [Theory]
    [InlineData(null, true, true)]
    [InlineData("", true, true)]
    [InlineData(" , ", true, true)]
    [InlineData("data", true, false)]
    [InlineData("identity", false, true)]
    [InlineData("data,identity", true, true)]
    [InlineData(" Identity , DATA ", true, true)]
    public void Parse_RoleList_SelectsThoseRoles(string? value, bool data, bool identity)
    {
        var roles = ServerRoles.Parse(value);

        Assert.Equal(data, roles.Data);
        Assert.Equal(identity, roles.Identity);
    }

    [Theory]
    [InlineData("gateway")]
    [InlineData("data;identity")]
    [InlineData("data,idnetity")]
    public void Parse_UnknownRole_FailsNamingIt(string value)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => ServerRoles.Parse(value));

        Assert.Contains("Tessera:Roles", exception.Message, StringComparison.Ordinal);
        Assert.Contains("unknown role", exception.Message, StringComparison.Ordinal);
    }
}
