using System.Net;
using Microsoft.IdentityModel.Tokens;

namespace Tessera.Identity.IntegrationTests;

public sealed class DiscoveryTests(IdentityServer server) : IClassFixture<IdentityServer>
{
    [Fact]
    public async Task Discovery_OnEmbeddedServer_NamesEndpointsUnderOwnBaseAddress()
    {
        using var client = server.CreateClient();

        var reply = await client.GetAsync("/.well-known/openid-configuration");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var root = server.Host.BaseAddress.ToString();
        Assert.Equal(root, reply.String("issuer"));
        Assert.Equal(root + "connect/token", reply.String("token_endpoint"));
        Assert.Equal(root + "connect/authorize", reply.String("authorization_endpoint"));
        Assert.Equal(root + "connect/revoke", reply.String("revocation_endpoint"));
        Assert.Equal(root + "connect/introspect", reply.String("introspection_endpoint"));
        Assert.Equal(root + "connect/logout", reply.String("end_session_endpoint"));
        var grants = reply.Json.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()).ToList();
        Assert.Contains("authorization_code", grants);
        Assert.Contains("client_credentials", grants);
        Assert.Contains("refresh_token", grants);
        Assert.Contains("S256", reply.Json.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task Jwks_ServesOneRsaSigningKeyThatVerifiesIssuedTokens()
    {
        using var client = server.CreateClient();
        var jwksUri = (await client.GetAsync("/.well-known/openid-configuration")).String("jwks_uri")!;

        var jwks = await client.GetAsync(new Uri(jwksUri).PathAndQuery);

        Assert.Equal(HttpStatusCode.OK, jwks.Status);
        var keys = new JsonWebKeySet(jwks.Body).Keys;
        var key = Assert.Single(keys);
        Assert.Equal("RSA", key.Kty);
        Assert.False(string.IsNullOrEmpty(key.Kid));
        Assert.False(key.HasPrivateKey);

        var token = await client.AccessTokenAsync(server.Host.ApiKey, server.Host.ApiSecret);
        var handler = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler();
        var result = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = server.Host.BaseAddress.ToString(),
            ValidAudience = "tessera",
            IssuerSigningKeys = keys,
            ValidTypes = ["at+jwt"],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }
}
