using Tessera.DataNode.Tenancy;
using Tessera.Gateway.Policies.Tenancy;

namespace Tessera.Gateway.IntegrationTests;

/// <summary>The gateway's copy of the tenant name rule must judge names as the data node does.</summary>
public sealed class TenantNamesTests
{
    [Theory]
    [InlineData("dev")]
    [InlineData("a")]
    [InlineData("acme/eu")]
    [InlineData("a9_$()+-/")]
    [InlineData("")]
    [InlineData("Dev")]
    [InlineData("9lives")]
    [InlineData("_users")]
    [InlineData("a b")]
    [InlineData("a.b")]
    [InlineData("é")]
    public void IsValid_SameAnswerAsTheDataNode(string name)
    {
        Assert.Equal(Names.IsValid(name), TenantNames.IsValid(name));
    }

    [Fact]
    public void IsValid_LengthLimit_SameAnswerAsTheDataNode()
    {
        var longest = "a" + new string('b', TenantNames.MaxLength - 1);
        Assert.True(TenantNames.IsValid(longest));
        Assert.Equal(Names.IsValid(longest), TenantNames.IsValid(longest));
        Assert.False(TenantNames.IsValid(longest + "c"));
        Assert.Equal(Names.IsValid(longest + "c"), TenantNames.IsValid(longest + "c"));
    }

    [Fact]
    public void IsValid_TrailingNewline_IsRefused()
    {
        // A decoded path segment can end in "\n" (%0A); "$" in a .NET regex would let it through.
        Assert.False(TenantNames.IsValid("dev\n"));
    }
}
