using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tessera.Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// A stand-in for the identity service's token side on real Kestrel: an OpenID Connect discovery document and a JWKS
/// with an RSA key generated here, and access tokens signed with it exactly as the token contract describes (JWT,
/// <c>typ: at+jwt</c>, audience <c>tessera</c>, <c>tenant</c> claim). The documents name a public issuer that is not
/// this server's address, as in a cluster where the gateway reaches identity at an internal address.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key;
    private readonly RsaSecurityKey _strangerKey;

    private TestIssuer(WebApplication app, Uri address, Uri publicIssuer, RsaSecurityKey key, RsaSecurityKey strangerKey)
    {
        _app = app;
        Address = address;
        Issuer = publicIssuer;
        _key = key;
        _strangerKey = strangerKey;
    }

    /// <summary>Where this server listens (the gateway's <c>IdentityAddress</c>).</summary>
    public Uri Address { get; }

    /// <summary>The issuer named in the documents and tokens (the gateway's <c>Issuer</c>); nothing listens there.</summary>
    public Uri Issuer { get; }

    private int _jwksRequests;

    /// <summary>How many times the gateway fetched the JWKS: at most once per key set, never per request.</summary>
    public int JwksRequests => Volatile.Read(ref _jwksRequests);

    public static async Task<TestIssuer> StartAsync()
    {
        var publicIssuer = new Uri("http://public-issuer.tessera.test/");
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "test-key" };
        // Same key id, another key: a token signed with it looks right but is not.
        var strangerKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "test-key" };

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        TestIssuer? issuer = null;
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = publicIssuer.AbsoluteUri,
            ["jwks_uri"] = new Uri(publicIssuer, ".well-known/jwks").AbsoluteUri,
            ["token_endpoint"] = new Uri(publicIssuer, "connect/token").AbsoluteUri,
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        app.MapGet("/.well-known/jwks", () =>
        {
            Interlocked.Increment(ref issuer!._jwksRequests);
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, use = "sig", alg = "RS256", kid = jwk.Kid, n = jwk.N, e = jwk.E } } });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        issuer = new TestIssuer(app, new Uri(address.TrimEnd('/') + "/"), publicIssuer, key, strangerKey);
        return issuer;
    }

    /// <summary>An access token for <paramref name="tenant"/>; the optional arguments make it wrong in one way each.</summary>
    public string CreateToken(
        string tenant,
        string audience = "tessera",
        TimeSpan? lifetime = null,
        bool signedByStranger = false,
        string? issuer = null,
        string? plan = null)
    {
        var now = DateTime.UtcNow;
        var life = lifetime ?? TimeSpan.FromMinutes(10);
        var claims = new Dictionary<string, object>
        {
            ["sub"] = "account-1",
            ["tenant"] = tenant,
            ["name"] = "someone@example.com",
            ["client_id"] = "console",
            ["scope"] = "data:write",
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (plan is not null)
        {
            claims["plan"] = plan;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer.AbsoluteUri,
            Audience = audience,
            Claims = claims,
            IssuedAt = life < TimeSpan.Zero ? now + life - TimeSpan.FromMinutes(1) : now,
            NotBefore = life < TimeSpan.Zero ? now + life - TimeSpan.FromMinutes(1) : now,
            Expires = now + life,
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(signedByStranger ? _strangerKey : _key, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Rsa.Dispose();
        _strangerKey.Rsa.Dispose();
    }
}
