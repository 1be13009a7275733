using System.Net;
using Tessera.Gateway.IntegrationTests.Infrastructure;

namespace Tessera.Gateway.IntegrationTests;

/// <summary>Two data nodes behind the gateway: each database's requests go to one of them, databases spread over both.</summary>
public sealed class DatabaseAffinityTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DatabaseRequests_OfOneDatabase_AlwaysReachTheSameNode_AndDatabasesSpreadOverBoth()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var identity = await EchoDestination.StartAsync();
        await using var first = await EchoDestination.StartAsync();
        await using var second = await EchoDestination.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Settings(first.Address, second.Address, identity.Address, issuer.Issuer, issuer.Address));
        await gateway.WaitForAvailableDestinationsAsync("data", 2, TimeSpan.FromSeconds(30), Cancel);
        using var client = gateway.CreateClient();

        var nodeOf = new Dictionary<string, string>();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 20; i++)
            {
                var path = round switch { 0 => $"t/acme/db{i}", 1 => $"t/acme/db{i}/doc{round}", _ => $"t/acme/db{i}/_changes?since=0" };
                using var response = await client.GetAsync(path, Cancel);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var node = (await CouchErrorAssert.EchoAsync(response)).Headers["Host"];
                Assert.Equal(nodeOf.TryAdd($"db{i}", node) ? node : nodeOf[$"db{i}"], node);
            }
        }

        Assert.Equal(2, nodeOf.Values.Distinct().Count());
        Assert.Contains(first.Address.Authority, nodeOf.Values);
        Assert.Contains(second.Address.Authority, nodeOf.Values);
    }

    [Fact]
    public async Task DatabaseRequests_WhenTheirNodeIsDown_GoToTheOtherNode()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var identity = await EchoDestination.StartAsync();
        await using var first = await EchoDestination.StartAsync();
        var second = await EchoDestination.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Settings(first.Address, second.Address, identity.Address, issuer.Issuer, issuer.Address));
        await gateway.WaitForAvailableDestinationsAsync("data", 2, TimeSpan.FromSeconds(30), Cancel);
        using var client = gateway.CreateClient();

        await second.DisposeAsync();
        await gateway.WaitForAvailableDestinationsAsync("data", 1, TimeSpan.FromSeconds(30), Cancel);

        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync($"t/acme/db{i}/doc", Cancel);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(first.Address.Authority, (await CouchErrorAssert.EchoAsync(response)).Headers["Host"]);
        }
    }
}
