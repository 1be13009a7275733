using System.Net;

namespace Tessera.Identity.IntegrationTests;

/// <summary>
/// Lockout after failed logins, 429 with Retry-After from the token and signup limits; and, on the same configured
/// server, a configured issuer and signing key.
/// </summary>
public sealed class AbuseTests(StrictIdentityServer server) : IClassFixture<StrictIdentityServer>
{
    [Fact]
    public async Task Login_AfterMaxFailures_LocksAccountEvenForRightPassword()
    {
        var tenant = await NewTenantAsync();
        using var browser = server.CreateClient(cookies: true);

        for (var i = 1; i < StrictIdentityServer.MaxFailedLogins; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.LoginAsync(tenant.Email, "wrong password 1")).Status);
        }

        var locking = await browser.LoginAsync(tenant.Email, "wrong password 1");
        var right = await browser.LoginAsync(tenant.Email, tenant.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, locking.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.Status);
        Assert.NotNull(right.Headers.RetryAfter);
        Assert.Contains("locked", right.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/console")).Status);
    }

    [Fact]
    public async Task TokenEndpoint_OverPerClientLimit_Returns429WithRetryAfterAndOAuthError()
    {
        var tenant = await NewTenantAsync();
        using var client = server.CreateClient();

        for (var i = 0; i < StrictIdentityServer.TokenRequestsPerClient; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.ClientCredentialsAsync(tenant.KeyId, tenant.KeySecret)).Status);
        }

        var refused = await client.ClientCredentialsAsync(tenant.KeyId, tenant.KeySecret);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("temporarily_unavailable", refused.String("error"));
        // Another client is not affected by this client's limit.
        Assert.Equal(HttpStatusCode.OK, (await client.ClientCredentialsAsync(server.Host.ApiKey, server.Host.ApiSecret)).Status);
    }

    [Fact]
    public async Task Signup_OverPerIpLimit_Returns429Problem()
    {
        using var client = server.CreateClient();
        Reply? last = null;
        for (var i = 0; i <= StrictIdentityServer.SignupsPerIp && last?.Status != HttpStatusCode.TooManyRequests; i++)
        {
            last = await client.SignupAsync("bad", "bad", "bad name");
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last!.Status);
        Assert.NotNull(last.Headers.RetryAfter);
        Assert.Equal(429, last.Json.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task ConfiguredIssuer_IsInDiscoveryAndTokensAndTokensStillWork()
    {
        using var client = server.CreateClient();

        var discovery = await client.GetAsync("/.well-known/openid-configuration");
        var token = await client.AccessTokenAsync(server.Host.ApiKey, server.Host.ApiSecret);

        Assert.Equal(StrictIdentityServer.Issuer, discovery.String("issuer"));
        Assert.Equal(StrictIdentityServer.Issuer, IdentityClient.JwtPayload(token).GetProperty("iss").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/tenants/{server.Host.Tenant}", bearer: token)).Status);
    }

    [Fact]
    public async Task ConfiguredSigningKey_IsTheOneInJwks()
    {
        using var client = server.CreateClient();

        var jwks = new Microsoft.IdentityModel.Tokens.JsonWebKeySet((await client.GetAsync("/.well-known/jwks")).Body);

        var key = Assert.Single(jwks.Keys);
        var modulus = StrictIdentityServer.SigningKey.ExportParameters(false).Modulus!;
        Assert.Equal(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(modulus), key.N);
    }

    private async Task<TestTenant> NewTenantAsync()
    {
        // Note: made through the bootstrap key's platform rights (an invitation), not signup, so the signup limit test
        // keeps its whole budget whichever test runs first.
        using var client = server.CreateClient();
        var admin = (server.Host.ApiKey, server.Host.ApiSecret);
        var email = $"{IdentityClient.NewName("abuse")}@example.com";
        var invite = await client.SendAsync(HttpMethod.Post, $"/api/v1/tenants/{server.Host.Tenant}/invitations", new { email, role = "admin" }, basic: admin);
        await client.SendAsync(HttpMethod.Post, "/api/v1/invitations/accept", new { token = invite.String("token"), password = IdentityClient.Password });
        var key = await client.SendAsync(HttpMethod.Post, $"/api/v1/tenants/{server.Host.Tenant}/keys", new { name = "abuse", scopes = new[] { "data:read" } }, basic: admin);
        return new TestTenant(server.Host.Tenant, email, IdentityClient.Password, key.String("id")!, key.String("secret")!);
    }
}
