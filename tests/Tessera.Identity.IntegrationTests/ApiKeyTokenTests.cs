using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Security;

namespace Tessera.Identity.IntegrationTests;

/// <summary>API keys as OAuth clients: client credentials, scopes, secrets, revocation, introspection, HTTP Basic.</summary>
public sealed class ApiKeyTokenTests(IdentityServer server) : IClassFixture<IdentityServer>
{
    [Fact]
    public async Task ClientCredentials_WithKey_IssuesJwtWithContractClaims()
    {
        using var client = server.CreateClient();
        var tenant = await client.NewTenantAsync();

        var reply = await client.ClientCredentialsAsync(tenant.KeyId, tenant.KeySecret);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("Bearer", reply.String("token_type"));
        Assert.InRange(reply.Json.GetProperty("expires_in").GetInt32(), 60, 15 * 60);
        Assert.False(reply.Json.TryGetProperty("refresh_token", out _));
        var claims = IdentityClient.JwtPayload(reply.String("access_token")!);
        Assert.Equal(tenant.Tenant, claims.GetProperty("tenant").GetString());
        Assert.Equal(tenant.KeyId, claims.GetProperty("sub").GetString());
        Assert.Equal(tenant.KeyId, claims.GetProperty("client_id").GetString());
        Assert.Equal(tenant.KeyId, claims.GetProperty("name").GetString());
        Assert.Equal("data:admin platform", claims.GetProperty("scope").GetString());
        Assert.Equal("tessera", claims.GetProperty("aud").ValueKind == System.Text.Json.JsonValueKind.Array
            ? claims.GetProperty("aud")[0].GetString() : claims.GetProperty("aud").GetString());
        Assert.Equal(server.Host.BaseAddress.ToString(), claims.GetProperty("iss").GetString());
        Assert.False(claims.TryGetProperty("role", out _));
    }

    [Fact]
    public async Task ClientCredentials_AskingForSubsetOfKeyScopes_GetsThatSubset()
    {
        using var client = server.CreateClient();
        var tenant = await client.NewTenantAsync();
        var key = await CreateKeyAsync(client, tenant, "data:write:orders data:read");

        var token = IdentityClient.JwtPayload(await client.AccessTokenAsync(key.Id, key.Secret, "data:write:orders"));

        Assert.Equal("data:write:orders", token.GetProperty("scope").GetString());
    }

    [Theory]
    [InlineData("data:admin")]
    [InlineData("data:write:other")]
    [InlineData("platform")]
    [InlineData("data:read data:admin:orders")]
    public async Task ClientCredentials_AskingForScopeKeyLacks_ReturnsInvalidScope(string scope)
    {
        using var client = server.CreateClient();
        var tenant = await client.NewTenantAsync();
        var key = await CreateKeyAsync(client, tenant, "data:write:orders data:read");

        var reply = await client.ClientCredentialsAsync(key.Id, key.Secret, scope);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("invalid_scope", reply.String("error"));
        Assert.False(reply.Json.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task ClientCredentials_WithWrongSecretOrUnknownKey_ReturnsInvalidClient()
    {
        using var client = server.CreateClient();
        var tenant = await client.NewTenantAsync();

        var wrong = await client.ClientCredentialsAsync(tenant.KeyId, tenant.KeySecret + "x");
        var unknown = await client.ClientCredentialsAsync("key_doesnotexist", tenant.KeySecret);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal("invalid_client", wrong.String("error"));
        Assert.Equal("invalid_client", unknown.String("error"));
        Assert.False(wrong.Json.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task RevokedKey_GetsNoTokenAndFailsBasicAndItsTokensAreInactive()
    {
        using var client = server.CreateClient();
        var tenant = await client.NewTenantAsync();
        var key = await CreateKeyAsync(client, tenant, "data:read");
        var token = await client.AccessTokenAsync(key.Id, key.Secret);
        var verifier = server.Host.Services.GetRequiredService<IApiKeyVerifier>();
        Assert.NotNull(await verifier.VerifyAsync(key.Id, key.Secret, IdentityClient.Cancel));

        var revoke = await client.SendAsync(HttpMethod.Delete, $"/api/v1/tenants/{tenant.Tenant}/keys/{key.Id}", basic: (tenant.KeyId, tenant.KeySecret));

        Assert.Equal(HttpStatusCode.NoContent, revoke.Status);
        Assert.Equal("invalid_client", (await client.ClientCredentialsAsync(key.Id, key.Secret)).String("error"));
        Assert.Null(await verifier.VerifyAsync(key.Id, key.Secret, IdentityClient.Cancel));
        var introspection = await client.PostFormAsync("/connect/introspect", [new("token", token)], (tenant.KeyId, tenant.KeySecret));
        Assert.False(introspection.Json.GetProperty("active").GetBoolean());
        var list = await client.GetAsync($"/api/v1/tenants/{tenant.Tenant}/keys", basic: (tenant.KeyId, tenant.KeySecret));
        Assert.DoesNotContain(key.Id, list.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound,
            (await client.SendAsync(HttpMethod.Delete, $"/api/v1/tenants/{tenant.Tenant}/keys/{key.Id}", basic: (tenant.KeyId, tenant.KeySecret))).Status);
    }

    [Fact]
    public async Task Introspection_ThenRevocation_OfOwnToken_ActiveThenInactive()
    {
        using var client = server.CreateClient();
        var tenant = await client.NewTenantAsync();
        var token = await client.AccessTokenAsync(tenant.KeyId, tenant.KeySecret);
        var basic = (tenant.KeyId, tenant.KeySecret);

        var active = await client.PostFormAsync("/connect/introspect", [new("token", token)], basic);
        Assert.Equal(HttpStatusCode.OK, active.Status);
        Assert.True(active.Json.GetProperty("active").GetBoolean());
        Assert.Equal(tenant.KeyId, active.String("client_id"));

        var revoked = await client.PostFormAsync("/connect/revoke", [new("token", token)], basic);
        Assert.Equal(HttpStatusCode.OK, revoked.Status);

        var inactive = await client.PostFormAsync("/connect/introspect", [new("token", token)], basic);
        Assert.False(inactive.Json.GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/v1/tenants/{tenant.Tenant}", bearer: token)).Status);
    }

    [Fact]
    public async Task Introspection_OfAnotherKeysToken_IsInactiveForCaller()
    {
        using var client = server.CreateClient();
        var a = await client.NewTenantAsync();
        var b = await client.NewTenantAsync();
        var token = await client.AccessTokenAsync(a.KeyId, a.KeySecret);

        var reply = await client.PostFormAsync("/connect/introspect", [new("token", token)], (b.KeyId, b.KeySecret));

        Assert.False(reply.Json.GetProperty("active").GetBoolean());
        Assert.DoesNotContain(a.Tenant, reply.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verifier_WithRightSecret_ReturnsKeyPrincipalAndWithWrongSecretNull()
    {
        using var client = server.CreateClient();
        var tenant = await client.NewTenantAsync();
        var verifier = server.Host.Services.GetRequiredService<IApiKeyVerifier>();

        var principal = await verifier.VerifyAsync(tenant.KeyId, tenant.KeySecret, IdentityClient.Cancel);
        var again = await verifier.VerifyAsync(tenant.KeyId, tenant.KeySecret, IdentityClient.Cancel);

        Assert.NotNull(principal);
        Assert.Same(principal, again);
        Assert.Equal(tenant.Tenant, principal.FindFirst(TesseraClaims.Tenant)?.Value);
        Assert.Equal(tenant.KeyId, principal.FindFirst(TesseraClaims.Subject)?.Value);
        Assert.Equal("data:admin platform", principal.FindFirst(TesseraClaims.Scope)?.Value);
        Assert.Null(principal.FindFirst(TesseraClaims.Role));
        Assert.Null(await verifier.VerifyAsync(tenant.KeyId, tenant.KeySecret + "x", IdentityClient.Cancel));
        Assert.Null(await verifier.VerifyAsync("key_unknown", tenant.KeySecret, IdentityClient.Cancel));
    }

    private static async Task<(string Id, string Secret)> CreateKeyAsync(IdentityClient client, TestTenant tenant, string scopes)
    {
        var reply = await client.SendAsync(HttpMethod.Post, $"/api/v1/tenants/{tenant.Tenant}/keys",
            new { name = "worker", scopes = scopes.Split(' ') }, basic: (tenant.KeyId, tenant.KeySecret));
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        return (reply.String("id")!, reply.String("secret")!);
    }
}
