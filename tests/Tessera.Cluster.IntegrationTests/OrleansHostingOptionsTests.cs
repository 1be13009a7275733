using Microsoft.Extensions.Options;
using Tessera.Testing;

namespace Tessera.Cluster.IntegrationTests;

/// <summary>Clustering settings that cannot work stop the server at start with a message naming the setting.</summary>
public sealed class OrleansHostingOptionsTests
{
    public static TheoryData<string, string, string> InvalidSettings => new()
    {
        { "Tessera:Orleans:Kubernetes", "true", "Kubernetes=true needs Tessera:Orleans:Clustering=AdoNet" },
        { "Tessera:Orleans:AdvertisedIP", "not-an-ip", "is not an IP address" },
        { "Tessera:Orleans:ClusterId", "two words", "ClusterId" },
        { "Tessera:Orleans:SiloPort", "70000", "SiloPort" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task Start_WithInvalidOrleansSetting_FailsNamingIt(string key, string value, string message)
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => TesseraHost.StartAsync(settings: new Dictionary<string, string?> { [key] = value }));

        var validation = Assert.IsType<OptionsValidationException>(Unwrap(exception));
        Assert.Contains(message, validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithAdoNetClusteringButNoConnectionString_FailsNamingTheSettings()
    {
        // Without a connection string the server stores in SQLite, and nothing tells Orleans where its membership is.
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => TesseraHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Tessera:Orleans:Clustering"] = "AdoNet",
        }));

        var validation = Assert.IsType<OptionsValidationException>(Unwrap(exception));
        Assert.Contains("ConnectionStrings:Tessera or Tessera:Orleans:ConnectionString", validation.Message, StringComparison.Ordinal);
    }

    private static Exception Unwrap(Exception exception)
    {
        while (exception is not OptionsValidationException && exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }
}
