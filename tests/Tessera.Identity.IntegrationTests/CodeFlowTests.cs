using System.Net;

namespace Tessera.Identity.IntegrationTests;

/// <summary>Authorization code + PKCE for a tenant's app, driven by hand: login cookie, authorize, consent, token, refresh.</summary>
public sealed class CodeFlowTests(IdentityServer server) : IClassFixture<IdentityServer>
{
    private const string RedirectUri = "http://127.0.0.1:5555/callback";
    private const string Scope = "openid offline_access data:read";

    [Fact]
    public async Task CodeFlow_WithPkce_IssuesAccountTokensWithTenantAndRole()
    {
        var (tenant, clientId) = await NewAppAsync();
        using var browser = server.CreateClient(cookies: true);
        var (verifier, challenge) = IdentityClient.Pkce();

        var code = await browser.AuthorizationCodeAsync(tenant.Email, tenant.Password, clientId, RedirectUri, challenge, Scope);
        var reply = await browser.RedeemCodeAsync(clientId, code, RedirectUri, verifier);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.NotNull(reply.String("refresh_token"));
        Assert.NotNull(reply.String("id_token"));
        var claims = IdentityClient.JwtPayload(reply.String("access_token")!);
        Assert.Equal(tenant.Tenant, claims.GetProperty("tenant").GetString());
        Assert.Equal("owner", claims.GetProperty("role").GetString());
        Assert.Equal(tenant.Email, claims.GetProperty("name").GetString());
        Assert.Equal(clientId, claims.GetProperty("client_id").GetString());
        Assert.StartsWith("acc_", claims.GetProperty("sub").GetString(), StringComparison.Ordinal);
        Assert.Equal(Scope, claims.GetProperty("scope").GetString());
        Assert.False(claims.TryGetProperty("email", out _));
    }

    [Fact]
    public async Task CodeFlow_WithWrongVerifier_ReturnsInvalidGrant()
    {
        var (tenant, clientId) = await NewAppAsync();
        using var browser = server.CreateClient(cookies: true);
        var (_, challenge) = IdentityClient.Pkce();
        var code = await browser.AuthorizationCodeAsync(tenant.Email, tenant.Password, clientId, RedirectUri, challenge, Scope);

        var reply = await browser.RedeemCodeAsync(clientId, code, RedirectUri, IdentityClient.Pkce().Verifier);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("invalid_grant", reply.String("error"));
    }

    [Fact]
    public async Task CodeFlow_RedeemingCodeTwice_SecondIsInvalidGrantAndRevokesFirstTokens()
    {
        var (tenant, clientId) = await NewAppAsync();
        using var browser = server.CreateClient(cookies: true);
        var (verifier, challenge) = IdentityClient.Pkce();
        var code = await browser.AuthorizationCodeAsync(tenant.Email, tenant.Password, clientId, RedirectUri, challenge, Scope);
        var first = await browser.RedeemCodeAsync(clientId, code, RedirectUri, verifier);
        Assert.Equal(HttpStatusCode.OK, first.Status);

        var second = await browser.RedeemCodeAsync(clientId, code, RedirectUri, verifier);

        Assert.Equal("invalid_grant", second.String("error"));
        Assert.Equal("invalid_grant", (await browser.RefreshAsync(clientId, first.String("refresh_token")!)).String("error"));
    }

    [Fact]
    public async Task Authorize_WithUnregisteredRedirectUri_AnswersErrorWithoutRedirect()
    {
        var (tenant, clientId) = await NewAppAsync();
        using var browser = server.CreateClient(cookies: true);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.LoginAsync(tenant.Email, tenant.Password)).Status);

        var reply = await browser.GetAsync(IdentityClient.AuthorizePath(clientId, "https://evil.example.com/cb", IdentityClient.Pkce().Challenge, Scope));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Null(reply.Location);
        Assert.Contains("invalid_request", reply.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_WithoutPkce_AnswersInvalidRequestAndNoCode()
    {
        var (tenant, clientId) = await NewAppAsync();
        using var browser = server.CreateClient(cookies: true);
        await browser.LoginAsync(tenant.Email, tenant.Password);
        var path = IdentityClient.AuthorizePath(clientId, RedirectUri, "x", Scope).Replace("&code_challenge=x&code_challenge_method=S256", "", StringComparison.Ordinal);

        var reply = await browser.GetAsync(path);

        // OpenIddict refuses before it trusts the redirect URI, so it answers here instead of redirecting.
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains("invalid_request", reply.Body, StringComparison.Ordinal);
        Assert.Contains("code_challenge", reply.Body, StringComparison.Ordinal);
        Assert.Null(reply.Location);
    }

    [Fact]
    public async Task Authorize_AskingForScopeAppLacks_RedirectsWithInvalidScope()
    {
        var (tenant, clientId) = await NewAppAsync();
        using var browser = server.CreateClient(cookies: true);
        await browser.LoginAsync(tenant.Email, tenant.Password);

        var reply = await browser.GetAsync(IdentityClient.AuthorizePath(clientId, RedirectUri, IdentityClient.Pkce().Challenge, "openid data:admin"));

        Assert.Equal(HttpStatusCode.Redirect, reply.Status);
        Assert.Contains("error=invalid_scope", reply.Location!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_ByNonMember_RedirectsWithAccessDenied()
    {
        var (_, clientId) = await NewAppAsync();
        using var api = server.CreateClient();
        var stranger = await api.NewTenantAsync("other");
        using var browser = server.CreateClient(cookies: true);
        await browser.LoginAsync(stranger.Email, stranger.Password);

        var reply = await browser.GetAsync(IdentityClient.AuthorizePath(clientId, RedirectUri, IdentityClient.Pkce().Challenge, Scope));

        Assert.Contains("error=access_denied", reply.Location!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_WhenSignedOut_RedirectsToLoginAndConsentDenyReturnsAccessDenied()
    {
        var (tenant, clientId) = await NewAppAsync();
        using var browser = server.CreateClient(cookies: true);
        var path = IdentityClient.AuthorizePath(clientId, RedirectUri, IdentityClient.Pkce().Challenge, Scope);

        var anonymous = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.Status);
        Assert.Equal("/login", anonymous.Location!.AbsolutePath);

        await browser.LoginAsync(tenant.Email, tenant.Password);
        var denied = await browser.ConsentAsync(await browser.GetAsync(path), "deny");
        Assert.Contains("error=access_denied", denied.Location!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consent_PostedWithoutAntiforgeryToken_Returns400AndNoCode()
    {
        var (tenant, clientId) = await NewAppAsync();
        using var browser = server.CreateClient(cookies: true);
        await browser.LoginAsync(tenant.Email, tenant.Password);
        var page = await browser.GetAsync(IdentityClient.AuthorizePath(clientId, RedirectUri, IdentityClient.Pkce().Challenge, Scope));
        var forged = new Reply(page.Status, page.Headers, page.Body.Replace("__RequestVerificationToken", "ignored", StringComparison.Ordinal), null);

        var reply = await browser.ConsentAsync(forged);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Null(reply.Location);
    }

    [Fact]
    public async Task Refresh_RotatesAndRejectsTheUsedRefreshToken()
    {
        var (tenant, clientId) = await NewAppAsync();
        using var browser = server.CreateClient(cookies: true);
        var (verifier, challenge) = IdentityClient.Pkce();
        var code = await browser.AuthorizationCodeAsync(tenant.Email, tenant.Password, clientId, RedirectUri, challenge, Scope);
        var first = (await browser.RedeemCodeAsync(clientId, code, RedirectUri, verifier)).String("refresh_token")!;

        var rotated = await browser.RefreshAsync(clientId, first);
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        var second = rotated.String("refresh_token")!;
        Assert.NotEqual(first, second);
        Assert.Equal(tenant.Tenant, IdentityClient.JwtPayload(rotated.String("access_token")!).GetProperty("tenant").GetString());

        var reused = await browser.RefreshAsync(clientId, first);
        Assert.Equal(HttpStatusCode.BadRequest, reused.Status);
        Assert.Equal("invalid_grant", reused.String("error"));
    }

    [Fact]
    public async Task Refresh_AfterMemberRemoved_ReturnsInvalidGrant()
    {
        var (tenant, clientId) = await NewAppAsync();
        using var api = server.CreateClient();
        var member = await api.NewTenantAsync("mem");
        var invite = await api.SendAsync(HttpMethod.Post, $"/api/v1/tenants/{tenant.Tenant}/invitations", new { email = member.Email, role = "reader" }, basic: (tenant.KeyId, tenant.KeySecret));
        var accepted = await api.SendAsync(HttpMethod.Post, "/api/v1/invitations/accept", new { token = invite.String("token"), password = member.Password });
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        using var browser = server.CreateClient(cookies: true);
        var (verifier, challenge) = IdentityClient.Pkce();
        var code = await browser.AuthorizationCodeAsync(member.Email, member.Password, clientId, RedirectUri, challenge, Scope);
        var tokens = await browser.RedeemCodeAsync(clientId, code, RedirectUri, verifier);
        Assert.Equal("reader", IdentityClient.JwtPayload(tokens.String("access_token")!).GetProperty("role").GetString());

        var removed = await api.SendAsync(HttpMethod.Delete, $"/api/v1/tenants/{tenant.Tenant}/members/{accepted.String("accountId")}", basic: (tenant.KeyId, tenant.KeySecret));
        Assert.Equal(HttpStatusCode.NoContent, removed.Status);

        Assert.Equal("invalid_grant", (await browser.RefreshAsync(clientId, tokens.String("refresh_token")!)).String("error"));
    }

    [Fact]
    public async Task AccountToken_OfReader_ReadsTenantButCannotManage()
    {
        var (tenant, clientId) = await NewAppAsync();
        using var api = server.CreateClient();
        var email = $"{IdentityClient.NewName("rdr")}@example.com";
        var invite = await api.SendAsync(HttpMethod.Post, $"/api/v1/tenants/{tenant.Tenant}/invitations", new { email, role = "reader" }, basic: (tenant.KeyId, tenant.KeySecret));
        await api.SendAsync(HttpMethod.Post, "/api/v1/invitations/accept", new { token = invite.String("token"), password = IdentityClient.Password });
        using var browser = server.CreateClient(cookies: true);
        var (verifier, challenge) = IdentityClient.Pkce();
        var code = await browser.AuthorizationCodeAsync(email, IdentityClient.Password, clientId, RedirectUri, challenge, Scope);
        var token = (await browser.RedeemCodeAsync(clientId, code, RedirectUri, verifier)).String("access_token")!;

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/tenants/{tenant.Tenant}", bearer: token)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/tenants/{tenant.Tenant}/members", bearer: token)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync($"/api/v1/tenants/{tenant.Tenant}/keys", bearer: token)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(HttpMethod.Post, $"/api/v1/tenants/{tenant.Tenant}/keys",
            new { name = "x", scopes = new[] { "data:read" } }, bearer: token)).Status);
    }

    [Fact]
    public async Task Logout_EndsTheSignInSession()
    {
        var (tenant, clientId) = await NewAppAsync();
        using var browser = server.CreateClient(cookies: true);
        await browser.LoginAsync(tenant.Email, tenant.Password);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/console")).Status);

        var logout = await browser.GetAsync($"/connect/logout?client_id={clientId}&post_logout_redirect_uri={Uri.EscapeDataString(RedirectUri)}");

        Assert.Equal(HttpStatusCode.Redirect, logout.Status);
        Assert.StartsWith(RedirectUri, logout.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/console")).Status);
    }

    private async Task<(TestTenant Tenant, string ClientId)> NewAppAsync()
    {
        using var api = server.CreateClient();
        var tenant = await api.NewTenantAsync("app");
        var reply = await api.SendAsync(HttpMethod.Post, $"/api/v1/tenants/{tenant.Tenant}/apps",
            new { name = "Web app", redirectUris = new[] { RedirectUri }, scopes = new[] { "data:read", "data:write" } }, basic: (tenant.KeyId, tenant.KeySecret));
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        return (tenant, reply.String("clientId")!);
    }
}
