using System.Net;
using Tessera.Gateway.IntegrationTests.Infrastructure;
using Tessera.Testing;

namespace Tessera.Gateway.IntegrationTests;

/// <summary>Two data nodes behind the gateway; one stops.</summary>
public sealed class FailoverTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeadDestination_AfterHealthCheckMarksItDown_RequestsKeepSucceedingOnTheOther()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var identity = await EchoDestination.StartAsync();
        var startFirst = TesseraHost.StartAsync();
        var startSecond = TesseraHost.StartAsync();
        await using var first = await startFirst;
        TesseraHost? second = await startSecond;
        try
        {
            await using var gateway = await GatewayHost.StartAsync(
                GatewayHost.Settings(first.BaseAddress, second.BaseAddress, identity.Address, issuer.Issuer, issuer.Address));
            using var client = gateway.CreateClient();
            await gateway.WaitForAvailableDestinationsAsync("data", 2, TimeSpan.FromSeconds(30), Cancel);
            for (var i = 0; i < 4; i++)
            {
                using var response = await client.GetAsync("t/dev/", Cancel);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            await second.DisposeAsync();
            second = null;

            // The active health check (every 0.5 s here, two failures in a row) takes it out.
            await gateway.WaitForAvailableDestinationsAsync("data", 1, TimeSpan.FromSeconds(30), Cancel);
            for (var i = 0; i < 40; i++)
            {
                using var response = await client.GetAsync("t/dev/", Cancel);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
        finally
        {
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AllDestinationsDead_Returns502CouchError()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var identity = await EchoDestination.StartAsync();
        var data = await EchoDestination.StartAsync();
        var address = data.Address;
        await data.DisposeAsync();

        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Settings(address, address, identity.Address, issuer.Issuer, issuer.Address));
        using var client = gateway.CreateClient();

        // Note: with every destination down YARP's default policy ("HealthyOrPanic") tries them anyway, in case the
        // health checks are what is broken; the connection is refused and the client learns why in CouchDB's terms.
        using var response = await client.GetAsync("t/dev/db", Cancel);

        await CouchErrorAssert.IsErrorAsync(response, HttpStatusCode.BadGateway, "bad_gateway");
    }
}
