using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Identity.ApiKeys;
using Tessera.Identity.Data;
using Tessera.Security;

namespace Tessera.Identity.IntegrationTests;

/// <summary>The first start: the bootstrap tenant, its owner, and the admin key fixed by <c>Tessera:Bootstrap</c>.</summary>
public sealed class BootstrapTests(IdentityServer server) : IClassFixture<IdentityServer>
{
    [Fact]
    public async Task BootstrapKey_FromSettings_GetsAdminTokenForBootstrapTenant()
    {
        using var client = server.CreateClient();

        var claims = IdentityClient.JwtPayload(await client.AccessTokenAsync(server.Host.ApiKey, server.Host.ApiSecret));

        Assert.Equal(server.Host.Tenant, claims.GetProperty("tenant").GetString());
        Assert.Equal("data:admin platform", claims.GetProperty("scope").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/tenants/{server.Host.Tenant}", basic: (server.Host.ApiKey, server.Host.ApiSecret))).Status);
    }

    [Fact]
    public async Task HostHelper_GetAccessToken_ReturnsBootstrapKeyToken()
    {
        var token = await server.Host.GetAccessTokenAsync("data:admin", IdentityClient.Cancel);

        var claims = IdentityClient.JwtPayload(token);
        Assert.Equal(server.Host.ApiKey, claims.GetProperty("client_id").GetString());
        Assert.Equal("data:admin", claims.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task FirstStart_CreatesBootstrapTenantWithOneOwner()
    {
        await using var scope = server.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();

        var memberships = await db.Memberships.Where(m => m.TenantSlug == server.Host.Tenant).ToListAsync(IdentityClient.Cancel);

        var owner = Assert.Single(memberships);
        Assert.Equal(TenantRoles.Owner, owner.Role);
        Assert.True(await db.ApiKeys.AnyAsync(k => k.Id == server.Host.ApiKey && k.TenantSlug == server.Host.Tenant, IdentityClient.Cancel));
    }

    [Fact]
    public async Task EnsureKey_WithChangedSecret_UpdatesItSoOnlyTheNewSecretWorks()
    {
        using var client = server.CreateClient();
        var newSecret = "rotated-" + Guid.NewGuid().ToString("N");
        await using (var scope = server.Host.Services.CreateAsyncScope())
        {
            var keys = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
            Assert.True(await keys.EnsureAsync(server.Host.Tenant, "key_ci", "first-secret-0000", ApiKeyScopes.Admin, IdentityClient.Cancel));
            Assert.False(await keys.EnsureAsync(server.Host.Tenant, "key_ci", "first-secret-0000", ApiKeyScopes.Admin, IdentityClient.Cancel));
            Assert.True(await keys.EnsureAsync(server.Host.Tenant, "key_ci", newSecret, ApiKeyScopes.Admin, IdentityClient.Cancel));
        }

        Assert.Equal("invalid_client", (await client.ClientCredentialsAsync("key_ci", "first-secret-0000")).String("error"));
        Assert.Equal(HttpStatusCode.OK, (await client.ClientCredentialsAsync("key_ci", newSecret)).Status);
    }
}
