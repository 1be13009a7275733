using System.Net;

namespace Tessera.Identity.IntegrationTests;

public sealed class SignupTests(IdentityServer server) : IClassFixture<IdentityServer>
{
    [Fact]
    public async Task Signup_WithValidInput_Returns201TenantAndKeyThatWorks()
    {
        using var client = server.CreateClient();
        var tenant = IdentityClient.NewName("acme");

        var reply = await client.SignupAsync($"owner@{tenant}.example.com", IdentityClient.Password, tenant);

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal($"/api/v1/tenants/{tenant}", reply.Location!.AbsolutePath);
        Assert.Equal(tenant, reply.String("tenant"));
        var key = reply.Json.GetProperty("key");
        var id = key.GetProperty("id").GetString()!;
        var secret = key.GetProperty("secret").GetString()!;
        Assert.StartsWith("key_", id, StringComparison.Ordinal);
        Assert.True(secret.Length >= 40);

        var token = IdentityClient.JwtPayload(await client.AccessTokenAsync(id, secret));
        Assert.Equal(tenant, token.GetProperty("tenant").GetString());
        Assert.Equal("data:admin platform", token.GetProperty("scope").GetString());
        var info = await client.GetAsync($"/api/v1/tenants/{tenant}", basic: (id, secret));
        Assert.Equal(HttpStatusCode.OK, info.Status);
        Assert.Equal(1, info.Json.GetProperty("members").GetInt32());
    }

    [Fact]
    public async Task Signup_WithTakenSlug_Returns409AndCreatesNothing()
    {
        using var client = server.CreateClient();
        var first = await client.NewTenantAsync("dup");
        var before = await StoreCounts.ReadAsync(server.Host);

        var reply = await client.SignupAsync("other@example.com", IdentityClient.Password, first.Tenant);

        Assert.Equal(HttpStatusCode.Conflict, reply.Status);
        Assert.Equal(409, reply.Json.GetProperty("status").GetInt32());
        Assert.Equal(before, await StoreCounts.ReadAsync(server.Host));
    }

    [Theory]
    [InlineData("not-an-email", IdentityClient.Password, "fine-name")]
    [InlineData("ok@example.com", "short", "fine-name")]
    [InlineData("ok@example.com", "1234567890", "fine-name")]
    [InlineData("ok@example.com", IdentityClient.Password, "Bad Name")]
    [InlineData("ok@example.com", IdentityClient.Password, "api")]
    [InlineData("ok@example.com", IdentityClient.Password, "console")]
    [InlineData("ok@example.com", IdentityClient.Password, "_users")]
    [InlineData(null, IdentityClient.Password, "fine-name")]
    [InlineData("ok@example.com", null, "fine-name")]
    [InlineData("ok@example.com", IdentityClient.Password, null)]
    public async Task Signup_WithBadInput_Returns400ProblemAndCreatesNothing(string? email, string? password, string? tenant)
    {
        using var client = server.CreateClient();
        var before = await StoreCounts.ReadAsync(server.Host);

        var reply = await client.SignupAsync(email, password, tenant is null ? null : tenant == "fine-name" ? IdentityClient.NewName("fine") : tenant);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(400, reply.Json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(reply.String("detail")));
        Assert.Equal(before, await StoreCounts.ReadAsync(server.Host));
    }

    [Fact]
    public async Task Signup_WithMalformedJson_Returns400AndCreatesNothing()
    {
        using var client = server.CreateClient();
        var before = await StoreCounts.ReadAsync(server.Host);
        using var http = new HttpClient { BaseAddress = server.Host.BaseAddress };
        using var content = new StringContent("{\"email\":", System.Text.Encoding.UTF8, "application/json");

        using var response = await http.PostAsync("/api/v1/signup", content, IdentityClient.Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await StoreCounts.ReadAsync(server.Host));
    }

    [Fact]
    public async Task Signup_WithExistingEmail_AddsTenantOnlyWithThatAccountsPassword()
    {
        using var client = server.CreateClient();
        var first = await client.NewTenantAsync("two");
        var before = await StoreCounts.ReadAsync(server.Host);

        var wrong = await client.SignupAsync(first.Email, "another password 1", IdentityClient.NewName("two"));
        Assert.Equal(HttpStatusCode.Conflict, wrong.Status);
        Assert.Equal(before, await StoreCounts.ReadAsync(server.Host));

        var second = await client.SignupAsync(first.Email, first.Password, IdentityClient.NewName("two"));
        Assert.Equal(HttpStatusCode.Created, second.Status);
        var after = await StoreCounts.ReadAsync(server.Host);
        Assert.Equal(before.Accounts, after.Accounts);
        Assert.Equal(before.Tenants + 1, after.Tenants);
    }

    [Fact]
    public async Task Signup_GuessingExistingAccountsPassword_CountsTowardLockout()
    {
        using var client = server.CreateClient();
        var victim = await client.NewTenantAsync("vic");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Conflict, (await client.SignupAsync(victim.Email, $"guess number {i}", IdentityClient.NewName("g"))).Status);
        }

        var withRightPassword = await client.SignupAsync(victim.Email, victim.Password, IdentityClient.NewName("g"));
        using var browser = server.CreateClient(cookies: true);
        var login = await browser.LoginAsync(victim.Email, victim.Password);

        Assert.Equal(HttpStatusCode.Conflict, withRightPassword.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, login.Status);
    }
}
