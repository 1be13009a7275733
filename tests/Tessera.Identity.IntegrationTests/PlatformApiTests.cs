using System.Net;

namespace Tessera.Identity.IntegrationTests;

/// <summary>The tenant part of <c>/api/v1</c>: who may read and change members, invitations, keys and apps.</summary>
public sealed class PlatformApiTests(IdentityServer server) : IClassFixture<IdentityServer>
{
    [Fact]
    public async Task TenantApi_WithoutCredentials_Returns401()
    {
        using var client = server.CreateClient();
        var tenant = await client.NewTenantAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/v1/tenants/{tenant.Tenant}")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/v1/tenants/{tenant.Tenant}/keys", bearer: "not-a-jwt")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/v1/tenants/{tenant.Tenant}/keys", basic: (tenant.KeyId, "wrong"))).Status);
    }

    [Fact]
    public async Task TenantApi_WithOtherTenantsToken_Returns403WithoutTheirData()
    {
        using var client = server.CreateClient();
        var a = await client.NewTenantAsync();
        var b = await client.NewTenantAsync();
        var tokenOfB = await client.AccessTokenAsync(b.KeyId, b.KeySecret);

        foreach (var path in new[] { "", "/members", "/keys", "/apps", "/invitations" })
        {
            var reply = await client.GetAsync($"/api/v1/tenants/{a.Tenant}{path}", bearer: tokenOfB);
            Assert.Equal(HttpStatusCode.Forbidden, reply.Status);
            Assert.DoesNotContain(a.Email, reply.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(a.KeyId, reply.Body, StringComparison.Ordinal);
        }

        var create = await client.SendAsync(HttpMethod.Post, $"/api/v1/tenants/{a.Tenant}/keys", new { name = "x", scopes = new[] { "data:admin" } }, bearer: tokenOfB);
        Assert.Equal(HttpStatusCode.Forbidden, create.Status);
    }

    [Fact]
    public async Task Keys_CreateShowsSecretOnceAndListNeverDoes()
    {
        using var client = server.CreateClient();
        var tenant = await client.NewTenantAsync();
        var token = await client.AccessTokenAsync(tenant.KeyId, tenant.KeySecret);

        var created = await client.SendAsync(HttpMethod.Post, $"/api/v1/tenants/{tenant.Tenant}/keys", new { name = "ci", scopes = new[] { "data:read:orders" } }, bearer: token);
        var list = await client.GetAsync($"/api/v1/tenants/{tenant.Tenant}/keys", bearer: token);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var secret = created.String("secret")!;
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal(2, list.Json.GetArrayLength());
        Assert.Contains(created.String("id")!, list.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(tenant.KeySecret, list.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", list.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("data:delete")]
    [InlineData("openid")]
    [InlineData("")]
    public async Task Keys_CreateWithBadScope_Returns400AndCreatesNothing(string scope)
    {
        using var client = server.CreateClient();
        var tenant = await client.NewTenantAsync();
        var before = await StoreCounts.ReadAsync(server.Host);

        var reply = await client.SendAsync(HttpMethod.Post, $"/api/v1/tenants/{tenant.Tenant}/keys",
            new { name = "bad", scopes = scope.Length == 0 ? Array.Empty<string>() : [scope] }, basic: (tenant.KeyId, tenant.KeySecret));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(before, await StoreCounts.ReadAsync(server.Host));
    }

    [Fact]
    public async Task KeyWithoutPlatformScope_CannotManageTenant()
    {
        using var client = server.CreateClient();
        var tenant = await client.NewTenantAsync();
        var created = await client.SendAsync(HttpMethod.Post, $"/api/v1/tenants/{tenant.Tenant}/keys", new { name = "data", scopes = new[] { "data:admin" } },
            basic: (tenant.KeyId, tenant.KeySecret));
        var dataKey = (created.String("id")!, created.String("secret")!);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/v1/tenants/{tenant.Tenant}/keys", basic: dataKey)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/v1/tenants/{tenant.Tenant}/members", basic: dataKey)).Status);
    }

    [Fact]
    public async Task Invitation_AcceptedWithNewPassword_CreatesMemberWithRole()
    {
        using var client = server.CreateClient();
        var tenant = await client.NewTenantAsync();
        var key = (tenant.KeyId, tenant.KeySecret);
        var email = $"{IdentityClient.NewName("new")}@example.com";

        var invite = await client.SendAsync(HttpMethod.Post, $"/api/v1/tenants/{tenant.Tenant}/invitations", new { email, role = "member" }, basic: key);
        Assert.Equal(HttpStatusCode.Created, invite.Status);
        Assert.Contains("/invite/", invite.String("link"), StringComparison.Ordinal);
        Assert.Equal(1, (await client.GetAsync($"/api/v1/tenants/{tenant.Tenant}/invitations", basic: key)).Json.GetArrayLength());

        var weak = await client.SendAsync(HttpMethod.Post, "/api/v1/invitations/accept", new { token = invite.String("token"), password = "short" });
        Assert.Equal(HttpStatusCode.BadRequest, weak.Status);
        var accepted = await client.SendAsync(HttpMethod.Post, "/api/v1/invitations/accept", new { token = invite.String("token"), password = IdentityClient.Password });
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Equal("member", accepted.String("role"));

        var members = await client.GetAsync($"/api/v1/tenants/{tenant.Tenant}/members", basic: key);
        Assert.Contains(members.Json.EnumerateArray(), m => m.GetProperty("email").GetString() == email && m.GetProperty("role").GetString() == "member");
        var reused = await client.SendAsync(HttpMethod.Post, "/api/v1/invitations/accept", new { token = invite.String("token"), password = IdentityClient.Password });
        Assert.Equal(HttpStatusCode.NotFound, reused.Status);
        Assert.Equal(0, (await client.GetAsync($"/api/v1/tenants/{tenant.Tenant}/invitations", basic: key)).Json.GetArrayLength());
    }

    [Fact]
    public async Task Members_ChangeRoleAndRemove_KeepAtLeastOneOwner()
    {
        using var client = server.CreateClient();
        var tenant = await client.NewTenantAsync();
        var key = (tenant.KeyId, tenant.KeySecret);
        var owner = (await client.GetAsync($"/api/v1/tenants/{tenant.Tenant}/members", basic: key)).Json[0].GetProperty("accountId").GetString();

        // A platform key acts as an admin: it may not touch the owner role.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(HttpMethod.Patch, $"/api/v1/tenants/{tenant.Tenant}/members/{owner}", new { role = "reader" }, basic: key)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(HttpMethod.Patch, $"/api/v1/tenants/{tenant.Tenant}/members/{owner}", new { role = "king" }, basic: key)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(HttpMethod.Delete, $"/api/v1/tenants/{tenant.Tenant}/members/acc_nobody", basic: key)).Status);

        var email = $"{IdentityClient.NewName("adm")}@example.com";
        var invite = await client.SendAsync(HttpMethod.Post, $"/api/v1/tenants/{tenant.Tenant}/invitations", new { email, role = "admin" }, basic: key);
        var accepted = await client.SendAsync(HttpMethod.Post, "/api/v1/invitations/accept", new { token = invite.String("token"), password = IdentityClient.Password });
        var changed = await client.SendAsync(HttpMethod.Patch, $"/api/v1/tenants/{tenant.Tenant}/members/{accepted.String("accountId")}", new { role = "reader" }, basic: key);
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Equal("reader", changed.String("role"));
    }

    [Fact]
    public async Task Apps_CreateWithBadRedirectUri_Returns400AndCreatesNothing()
    {
        using var client = server.CreateClient();
        var tenant = await client.NewTenantAsync();
        var before = await StoreCounts.ReadAsync(server.Host);

        var reply = await client.SendAsync(HttpMethod.Post, $"/api/v1/tenants/{tenant.Tenant}/apps",
            new { name = "bad", redirectUris = new[] { "http://evil.example.com/cb" } }, basic: (tenant.KeyId, tenant.KeySecret));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(before, await StoreCounts.ReadAsync(server.Host));
    }

    [Fact]
    public async Task OpenApi_DocumentsPlatformOperationsAndReferencePageListsThem()
    {
        using var client = server.CreateClient();

        var document = await client.GetAsync("/openapi/v1.json");
        var page = await client.GetAsync("/api");

        Assert.Equal(HttpStatusCode.OK, document.Status);
        var paths = document.Json.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/signup", out _));
        Assert.True(paths.TryGetProperty("/api/v1/tenants/{tenant}/keys", out _));
        Assert.True(paths.TryGetProperty("/api/v1/tenants/{tenant}/apps", out _));
        Assert.False(paths.TryGetProperty("/connect/token", out _));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("/api/v1/tenants/{tenant}/members", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page.Body, StringComparison.OrdinalIgnoreCase);
    }
}
