extern alias GatewayApp;

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;

namespace Tessera.Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// The real gateway (<c>gateway/Tessera.Gateway/Program.cs</c> with its appsettings.json) on real Kestrel bound to
/// 127.0.0.1 on a free port. Settings override appsettings.json, so tests point its clusters at their own servers.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly Factory _factory;

    private GatewayHost(Factory factory, Uri baseAddress)
    {
        _factory = factory;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>Starts the gateway; <paramref name="configureServices"/> runs after Program's registrations (to replace one).</summary>
    public static async Task<GatewayHost> StartAsync(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        var factory = new Factory(settings, configureServices);
        try
        {
            // HTTP/1.1 and HTTP/2 with prior knowledge on one cleartext port, as the gateway ships.
            factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1AndHttp2));
            await Task.Run(factory.StartServer);
            var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            return new GatewayHost(factory, new Uri(address.TrimEnd('/') + "/"));
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of its own (no redirects, no cookies) with the gateway as base address.</summary>
    public HttpClient CreateClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>Waits, without sleeping blindly, until YARP's health checks leave exactly <paramref name="count"/> usable destinations in the cluster.</summary>
    public async Task WaitForAvailableDestinationsAsync(string clusterId, int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var proxy = Services.GetRequiredService<IProxyStateLookup>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (!proxy.TryGetCluster(clusterId, out var cluster) || cluster.DestinationsState.AvailableDestinations.Count != count)
        {
            try
            {
                await timer.WaitForNextTickAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                var seen = proxy.TryGetCluster(clusterId, out var c) ? c.DestinationsState.AvailableDestinations.Count : -1;
                throw new TimeoutException($"Cluster '{clusterId}' still has {seen} available destinations after {timeout}, expected {count}.");
            }
        }
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    /// <summary>The settings that point every cluster of appsettings.json at test servers, with fast health checks.</summary>
    public static Dictionary<string, string?> Settings(Uri data1, Uri data2, Uri identity, Uri issuer, Uri identityAddress)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Logging:LogLevel:Default"] = "Warning",
            // Note: the failover tests make probes fail on purpose; their warnings would bury the test output.
            ["Logging:LogLevel:Yarp"] = "Error",
            ["Tessera:Gateway:BaseDomain"] = "tessera.test",
            ["Tessera:Gateway:Issuer"] = issuer.AbsoluteUri,
            ["Tessera:Gateway:IdentityAddress"] = identityAddress.AbsoluteUri,
            ["ReverseProxy:Clusters:identity:Destinations:identity1:Address"] = identity.AbsoluteUri,
        };
        foreach (var cluster in new[] { "data", "data-grpc" })
        {
            settings[$"ReverseProxy:Clusters:{cluster}:Destinations:data1:Address"] = data1.AbsoluteUri;
            settings[$"ReverseProxy:Clusters:{cluster}:Destinations:data2:Address"] = data2.AbsoluteUri;
        }

        foreach (var cluster in new[] { "data", "data-grpc", "identity" })
        {
            settings[$"ReverseProxy:Clusters:{cluster}:HealthCheck:Active:Interval"] = "00:00:00.500";
            settings[$"ReverseProxy:Clusters:{cluster}:HealthCheck:Active:Timeout"] = "00:00:02";
        }

        return settings;
    }

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices) : WebApplicationFactory<GatewayApp::Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // Note: the gateway's own folder, so its appsettings.json (routes, clusters) is the one loaded; the test
            // output folder also holds the data server's appsettings.json.
            builder.UseContentRoot(RepositoryPaths.GatewayProject);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            if (configureServices is not null)
            {
                builder.ConfigureTestServices(configureServices);
            }
        }
    }
}
