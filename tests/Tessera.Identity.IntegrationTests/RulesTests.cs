using Tessera.Identity.Accounts;
using Tessera.Identity.ApiKeys;
using Tessera.Identity.Apps;

namespace Tessera.Identity.IntegrationTests;

/// <summary>The input rules themselves (no server): passwords, emails, tenant names, scopes, redirect URIs.</summary>
public sealed class RulesTests
{
    [Theory]
    [InlineData("short1!", false)]
    [InlineData("aaaaaaaaaaaa", false)]
    [InlineData("1234567890", false)]
    [InlineData("Password123", false)]
    [InlineData("qwertyuiop", false)]
    [InlineData("correct horse battery", true)]
    [InlineData("x7#Lq9!mPz", true)]
    public void PasswordRule_ByStrength_AcceptsOrRefuses(string password, bool ok) =>
        Assert.Equal(ok, Credentials.PasswordProblem(password, "someone@example.com") is null);

    [Fact]
    public void PasswordRule_ContainingEmailName_Refused() =>
        Assert.NotNull(Credentials.PasswordProblem("alice-secret-2024", "alice@example.com"));

    [Theory]
    [InlineData("Alice@Example.COM ", "alice@example.com")]
    [InlineData("not-an-email", null)]
    [InlineData("Alice <alice@example.com>", null)]
    [InlineData("a b@example.com", null)]
    [InlineData("", null)]
    public void Email_Normalized_OrRefused(string email, string? expected) => Assert.Equal(expected, Credentials.NormalizeEmail(email));

    [Theory]
    [InlineData("acme", true)]
    [InlineData("acme-corp_2", true)]
    [InlineData("a(b)+c$/d", true)]
    [InlineData("Acme", false)]
    [InlineData("1acme", false)]
    [InlineData("_users", false)]
    [InlineData("acme corp", false)]
    [InlineData("api", false)]
    [InlineData("www", false)]
    [InlineData("console", false)]
    [InlineData("t", false)]
    [InlineData("connect", false)]
    [InlineData("", false)]
    public void TenantSlug_ByRule_AcceptsOrRefuses(string slug, bool ok) => Assert.Equal(ok, TenantSlugs.Problem(slug) is null);

    [Fact]
    public void TenantSlug_LongerThan238_Refused() => Assert.NotNull(TenantSlugs.Problem(new string('a', 239)));

    [Theory]
    [InlineData("data:read", true)]
    [InlineData("data:write:orders", true)]
    [InlineData("data:admin:a/b", true)]
    [InlineData("platform", true)]
    [InlineData("data:delete", false)]
    [InlineData("data:read:", false)]
    [InlineData("data:read:Orders", false)]
    [InlineData("openid", false)]
    [InlineData("admin", false)]
    public void KeyScope_ByRule_AcceptsOrRefuses(string scope, bool ok) => Assert.Equal(ok, ApiKeyScopes.IsValid(scope));

    [Theory]
    [InlineData("https://app.example.com/callback", true)]
    [InlineData("http://127.0.0.1:5000/cb", true)]
    [InlineData("http://localhost/cb", true)]
    [InlineData("com.example.app:/callback", true)]
    [InlineData("http://evil.example.com/cb", false)]
    [InlineData("https://app.example.com/cb#frag", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("/relative", false)]
    public void RedirectUri_ByRule_AcceptsOrRefuses(string uri, bool ok)
    {
        if (ok)
        {
            Assert.Equal([uri], AppService.ValidateRedirectUris([uri]));
        }
        else
        {
            Assert.Throws<PlatformException>(() => AppService.ValidateRedirectUris([uri]));
        }
    }
}
