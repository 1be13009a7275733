using System.Net;
using Microsoft.Playwright;

namespace Tessera.Identity.IntegrationTests;

/// <summary>
/// The hosted pages in a real browser (system Chromium through Playwright): signup, sign out and in, an API key made in
/// the console, and the authorization-code flow with PKCE through the consent page, ending in a token.
/// </summary>
public sealed class BrowserTests(IdentityServer server) : IClassFixture<IdentityServer>, IAsyncLifetime
{
    private const string Callback = "http://127.0.0.1:9/callback";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    [Fact]
    public async Task Pages_SignupLoginCreateKeyAndAuthorizeApp_EndInWorkingTokens()
    {
        await using var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Host.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        var tenant = IdentityClient.NewName("web");
        var email = $"{tenant}@example.com";

        // Sign up through the page: the tenant's first key is shown once.
        await page.GotoAsync("/signup");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", IdentityClient.Password);
        await page.FillAsync("#tenant", tenant);
        await page.ClickAsync("#submit");
        Assert.StartsWith("key_", await page.TextContentAsync("#key-id"), StringComparison.Ordinal);

        // Sign out, then in again.
        await page.GotoAsync("/logout");
        await page.ClickAsync("#submit");
        Assert.EndsWith("/login", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", IdentityClient.Password);
        await page.ClickAsync("#submit");
        Assert.EndsWith("/console", page.Url, StringComparison.Ordinal);
        await page.ClickAsync($"a[href='/console/{tenant}']");

        // An API key made in the console works at the token endpoint.
        await page.FillAsync("#key-name", "from-console");
        await page.FillAsync("#key-scopes", "data:write:orders");
        await page.ClickAsync("#create-key");
        var keyId = (await page.TextContentAsync("#new-key-id"))!;
        var keySecret = (await page.TextContentAsync("#new-key-secret"))!;
        Assert.Contains(keyId, await page.TextContentAsync("#keys"), StringComparison.Ordinal);
        using var api = server.CreateClient();
        var keyToken = IdentityClient.JwtPayload(await api.AccessTokenAsync(keyId, keySecret));
        Assert.Equal("data:write:orders", keyToken.GetProperty("scope").GetString());

        // Register an app in the console, then run its code flow with PKCE in the browser.
        await page.FillAsync("#app-name", "Browser app");
        await page.FillAsync("#app-redirects", Callback);
        await page.ClickAsync("#create-app");
        var clientId = (await page.TextContentAsync("#apps tr:nth-child(2) td:first-child"))!.Trim();
        Assert.StartsWith("app_", clientId, StringComparison.Ordinal);

        string? redirected = null;
        await page.RouteAsync(Callback + "**", async route =>
        {
            redirected = route.Request.Url;
            await route.FulfillAsync(new RouteFulfillOptions { Status = 200, Body = "done" });
        });
        var (verifier, challenge) = IdentityClient.Pkce();
        await page.GotoAsync(IdentityClient.AuthorizePath(clientId, Callback, challenge, "openid offline_access data:read"));
        Assert.Contains("Browser app", await page.TextContentAsync("body"), StringComparison.Ordinal);
        await page.ClickAsync("#accept");
        await page.WaitForURLAsync(Callback + "**");

        var query = System.Web.HttpUtility.ParseQueryString(new Uri(redirected!).Query);
        var tokens = await api.RedeemCodeAsync(clientId, query["code"]!, Callback, verifier);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        var claims = IdentityClient.JwtPayload(tokens.String("access_token")!);
        Assert.Equal(tenant, claims.GetProperty("tenant").GetString());
        Assert.Equal("owner", claims.GetProperty("role").GetString());
    }
}
