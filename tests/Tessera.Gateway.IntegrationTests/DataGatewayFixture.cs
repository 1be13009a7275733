using Tessera.Gateway.IntegrationTests.Infrastructure;
using Tessera.Testing;

namespace Tessera.Gateway.IntegrationTests;

/// <summary>
/// The gateway in front of a real Tessera data node (both data destinations of appsettings.json point at it), with the
/// identity cluster pointed at an echo server and tokens from <see cref="TestIssuer"/>.
/// </summary>
public sealed class DataGatewayFixture : IAsyncLifetime
{
    /// <summary>The gateway's request cap here, low so the 413 tests send little.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    public TesseraHost Data { get; private set; } = null!;

    public EchoDestination Identity { get; private set; } = null!;

    public TestIssuer Issuer { get; private set; } = null!;

    public GatewayHost Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var data = TesseraHost.StartAsync();
        var identity = EchoDestination.StartAsync();
        var issuer = TestIssuer.StartAsync();
        Data = await data;
        Identity = await identity;
        Issuer = await issuer;
        var settings = GatewayHost.Settings(Data.BaseAddress, Data.BaseAddress, Identity.Address, Issuer.Issuer, Issuer.Address);
        settings["Tessera:Gateway:MaxRequestBytes"] = MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Gateway = await GatewayHost.StartAsync(settings);
    }

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        await Task.WhenAll(
            Data is null ? Task.CompletedTask : Data.DisposeAsync().AsTask(),
            Identity is null ? Task.CompletedTask : Identity.DisposeAsync().AsTask(),
            Issuer is null ? Task.CompletedTask : Issuer.DisposeAsync().AsTask());
    }
}
