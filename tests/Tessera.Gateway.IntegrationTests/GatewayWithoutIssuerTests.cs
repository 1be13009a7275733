using System.Net.Http.Headers;
using Tessera.Gateway.IntegrationTests.Infrastructure;

namespace Tessera.Gateway.IntegrationTests;

/// <summary>When the gateway cannot judge tokens (no issuer configured, identity unreachable) it leaves them to the data nodes.</summary>
public sealed class GatewayWithoutIssuerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NoIssuer_BearerTokens_PassThroughUnchecked()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var data = await EchoDestination.StartAsync();
        var settings = GatewayHost.Settings(data.Address, data.Address, data.Address, issuer.Issuer, issuer.Address);
        settings["Tessera:Gateway:Issuer"] = "";
        settings["Tessera:Gateway:IdentityAddress"] = "";
        await using var gateway = await GatewayHost.StartAsync(settings);
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "t/acme/db");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not.a.jwt");

        using var response = await client.SendAsync(request, Cancel);

        var echo = await CouchErrorAssert.EchoAsync(response);
        Assert.Equal("Bearer not.a.jwt", echo.Headers["Authorization"]);
        Assert.Equal(0, issuer.JwksRequests);
    }

    [Fact]
    public async Task IdentityUnreachable_BearerTokens_PassToTheDataNode()
    {
        await using var issuer = await TestIssuer.StartAsync();
        var token = issuer.CreateToken("acme");
        var unreachable = issuer.Address;
        await issuer.DisposeAsync();
        await using var data = await EchoDestination.StartAsync();
        var settings = GatewayHost.Settings(data.Address, data.Address, data.Address, issuer.Issuer, unreachable);
        await using var gateway = await GatewayHost.StartAsync(settings);
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "t/acme/db");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await client.SendAsync(request, Cancel);

        // Note: failing open here is safe only because the data node validates every token itself.
        var echo = await CouchErrorAssert.EchoAsync(response);
        Assert.Equal($"Bearer {token}", echo.Headers["Authorization"]);
    }
}
