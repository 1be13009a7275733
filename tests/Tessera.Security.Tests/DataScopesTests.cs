using Tessera.Security;

namespace Tessera.Security.Tests;

public sealed class DataScopesTests
{
    [Theory]
    [InlineData("data:read", Rights.Read, null)]
    [InlineData("data:write", Rights.Write, null)]
    [InlineData("data:admin", Rights.Admin, null)]
    [InlineData("data:write:orders", Rights.Write, "orders")]
    [InlineData("data:read:a/b(c)", Rights.Read, "a/b(c)")]
    public void TryParse_DataScope_ReadsRightsAndDatabase(string scope, Rights rights, string? database)
    {
        Assert.True(DataScopes.TryParse(scope, out var parsedRights, out var parsedDatabase));
        Assert.Equal(rights, parsedRights);
        Assert.Equal(database, parsedDatabase);
        Assert.Equal(scope, DataScopes.Format(rights, database));
    }

    [Theory]
    [InlineData("openid")]
    [InlineData("platform")]
    [InlineData("data:")]
    [InlineData("data:delete")]
    [InlineData("data:read:")]
    [InlineData("datax:read")]
    public void TryParse_OtherOrMalformedScope_ReturnsFalse(string scope)
    {
        Assert.False(DataScopes.TryParse(scope, out var rights, out var database));
        Assert.Equal(Rights.None, rights);
        Assert.Null(database);
    }

    [Fact]
    public void RightsOn_TakesTheHighestMatchingScope()
    {
        string[] scopes = ["openid", "data:read", "data:admin:orders", "data:write:other"];

        Assert.Equal(Rights.Admin, DataScopes.RightsOn(scopes, "orders"));
        Assert.Equal(Rights.Write, DataScopes.RightsOn(scopes, "other"));
        Assert.Equal(Rights.Read, DataScopes.RightsOn(scopes, "third"));
        Assert.Equal(Rights.None, DataScopes.RightsOn(["data:write:orders"], "orders2"));
    }
}
