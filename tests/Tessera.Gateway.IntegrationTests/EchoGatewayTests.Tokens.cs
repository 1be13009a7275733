using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using Tessera.Gateway.IntegrationTests.Infrastructure;

namespace Tessera.Gateway.IntegrationTests;

/// <summary>
/// Token checks before proxying: the echo destination counts what reaches it, so a rejection is provably the
/// gateway's. Tokens come from <see cref="TestIssuer"/>, whose documents name a public issuer nobody listens at.
/// </summary>
public sealed partial class EchoGatewayTests
{
    [Fact]
    public async Task Token_ValidForTheTenant_IsForwardedUntouched()
    {
        var token = fixture.Issuer.CreateToken("acme");

        using var response = await SendWithAuthorizationAsync("t/acme/db/doc", new AuthenticationHeaderValue("Bearer", token));

        var echo = await CouchErrorAssert.EchoAsync(response);
        // The data node checks the token again, so it must arrive as sent.
        Assert.Equal($"Bearer {token}", echo.Headers["Authorization"]);
    }

    public static TheoryData<string> BadTokens => ["expired", "wrong-audience", "stranger-signature", "wrong-issuer", "malformed", "empty"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Token_Bad_Returns401BeforeProxying(string kind)
    {
        var token = kind switch
        {
            "expired" => fixture.Issuer.CreateToken("acme", lifetime: TimeSpan.FromMinutes(-10)),
            "wrong-audience" => fixture.Issuer.CreateToken("acme", audience: "someone-else"),
            "stranger-signature" => fixture.Issuer.CreateToken("acme", signedByStranger: true),
            "wrong-issuer" => fixture.Issuer.CreateToken("acme", issuer: "http://evil.example/"),
            "malformed" => "not.a.jwt",
            _ => null,
        };
        var before = fixture.Data.Requests;

        using var response = await SendWithAuthorizationAsync("t/acme/db/doc", new AuthenticationHeaderValue("Bearer", token));

        await CouchErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.Equal(before, fixture.Data.Requests);
    }

    [Fact]
    public async Task Token_OfAnotherTenant_Returns403BeforeProxying()
    {
        var before = fixture.Data.Requests;

        using var response = await SendWithAuthorizationAsync("t/acme/db/doc", new AuthenticationHeaderValue("Bearer", fixture.Issuer.CreateToken("other")));

        await CouchErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(before, fixture.Data.Requests);
    }

    [Fact]
    public async Task Token_OfAnotherTenant_OnTenantHost_Returns403()
    {
        using var client = fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "db/doc");
        request.Headers.Host = "acme.tessera.test";
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Issuer.CreateToken("other"));

        using var response = await client.SendAsync(request, Cancel);

        await CouchErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Token_InQueryString_IsCheckedToo()
    {
        using var client = fixture.Gateway.CreateClient();
        var token = fixture.Issuer.CreateToken("acme", audience: "someone-else");

        using var response = await client.GetAsync($"t/acme/db/_changes?feed=longpoll&access_token={token}", Cancel);

        await CouchErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Token_AsWebSocketSubprotocol_IsChecked()
    {
        var uri = new UriBuilder(fixture.Gateway.BaseAddress) { Scheme = "ws", Path = "/t/acme/db/_ws" }.Uri;

        using (var refused = new ClientWebSocket())
        {
            refused.Options.AddSubProtocol("tessera.v1");
            refused.Options.AddSubProtocol("tessera.bearer." + fixture.Issuer.CreateToken("other"));
            refused.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(uri, Cancel));
            Assert.Equal(HttpStatusCode.Forbidden, refused.HttpStatusCode);
        }

        using var accepted = new ClientWebSocket();
        accepted.Options.AddSubProtocol("tessera.v1");
        accepted.Options.AddSubProtocol("tessera.bearer." + fixture.Issuer.CreateToken("acme"));
        await accepted.ConnectAsync(uri, Cancel);
        Assert.Equal("tessera.v1", accepted.SubProtocol);
        await accepted.SendAsync("ping"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, Cancel);
        var buffer = new byte[16];
        var result = await accepted.ReceiveAsync(buffer, Cancel);
        Assert.Equal("ping", Encoding.UTF8.GetString(buffer, 0, result.Count));
    }

    [Fact]
    public async Task BasicCredentials_PassThroughUnchecked()
    {
        // The gateway cannot check an API key's secret (no key store); the data node does, so it must arrive as sent.
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("key_123:secret"));

        using var response = await SendWithAuthorizationAsync("t/acme/db/doc", new AuthenticationHeaderValue("Basic", basic));

        var echo = await CouchErrorAssert.EchoAsync(response);
        Assert.Equal($"Basic {basic}", echo.Headers["Authorization"]);
    }

    [Fact]
    public async Task BadToken_OnIdentityRoute_IsLeftToIdentity()
    {
        using var client = fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "connect/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not.a.jwt");

        using var response = await client.SendAsync(request, Cancel);

        var echo = await CouchErrorAssert.EchoAsync(response);
        Assert.Equal("/connect/userinfo", echo.Path);
    }

    [Fact]
    public async Task Tokens_AreValidatedLocally_KeysFetchedOnceFromTheInternalAddress()
    {
        for (var i = 0; i < 5; i++)
        {
            using var response = await SendWithAuthorizationAsync("t/acme/db", new AuthenticationHeaderValue("Bearer", fixture.Issuer.CreateToken("acme")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The discovery document names the public issuer's JWKS address, where nothing listens: had the gateway gone
        // there, no token would validate. One fetch, from the internal address, serves every request.
        Assert.Equal(1, fixture.Issuer.JwksRequests);
    }

    private async Task<HttpResponseMessage> SendWithAuthorizationAsync(string path, AuthenticationHeaderValue authorization)
    {
        using var client = fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = authorization;
        return await client.SendAsync(request, Cancel);
    }
}
