using Tessera.Gateway.IntegrationTests.Infrastructure;

namespace Tessera.Gateway.IntegrationTests;

/// <summary>
/// The gateway in front of <see cref="EchoDestination"/> servers, which show exactly what it forwarded, with plans that
/// make limits easy to reach: tenant <c>slow</c> may send 1 request per second (burst 2), tenant <c>solo</c> one
/// request at a time.
/// </summary>
public sealed class EchoGatewayFixture : IAsyncLifetime
{
    public const int MaxRequestBytes = 64 * 1024;

    public EchoDestination Data { get; private set; } = null!;

    public EchoDestination Identity { get; private set; } = null!;

    public TestIssuer Issuer { get; private set; } = null!;

    public GatewayHost Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Data = await EchoDestination.StartAsync();
        Identity = await EchoDestination.StartAsync();
        Issuer = await TestIssuer.StartAsync();
        var settings = GatewayHost.Settings(Data.Address, Data.Address, Identity.Address, Issuer.Issuer, Issuer.Address);
        settings["ReverseProxy:Clusters:data-grpc:Destinations:data1:Address"] = Data.Http2Address.AbsoluteUri;
        settings["ReverseProxy:Clusters:data-grpc:Destinations:data2:Address"] = Data.Http2Address.AbsoluteUri;
        settings["Tessera:Gateway:MaxRequestBytes"] = MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Tessera:Gateway:Plans:tiny:RequestsPerSecond"] = "1";
        settings["Tessera:Gateway:Plans:tiny:Burst"] = "2";
        settings["Tessera:Gateway:Plans:tiny:ConcurrentRequests"] = "10";
        settings["Tessera:Gateway:Plans:single:RequestsPerSecond"] = "1000";
        settings["Tessera:Gateway:Plans:single:Burst"] = "1000";
        settings["Tessera:Gateway:Plans:single:ConcurrentRequests"] = "1";
        settings["Tessera:Gateway:TenantPlans:slow"] = "tiny";
        settings["Tessera:Gateway:TenantPlans:solo"] = "single";
        Gateway = await GatewayHost.StartAsync(settings);
    }

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        foreach (var disposable in new IAsyncDisposable?[] { Data, Identity, Issuer })
        {
            if (disposable is not null)
            {
                await disposable.DisposeAsync();
            }
        }
    }
}
