extern alias GatewayApp;

using System.Net;
using System.Net.Sockets;
using GatewayApp::Tessera.Gateway.Proxy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tessera.Gateway.IntegrationTests.Infrastructure;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;

namespace Tessera.Gateway.IntegrationTests;

/// <summary>
/// <c>Tessera:Gateway:ResolveDestinations</c>: one destination named by a host (in Kubernetes, the data pods' headless
/// Service) becomes one destination per address of that name. Here the name resolves, through a replaced
/// <see cref="IDestinationAddressLookup"/>, to two loopback addresses with a data-node stand-in on the same port each,
/// as pods share the container port; the last test resolves <c>localhost</c> through real DNS.
/// </summary>
public sealed class DestinationResolutionTests
{
    private const string PodsHost = "data-pods.test";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ResolvedDestinations_OfOneHostName_EachGetTheirOwnDatabasesAndTheNameAsHostHeader()
    {
        await using var pods = await LoopbackPods.StartAsync();
        var lookup = new StubLookup(pods.FirstAddress, pods.SecondAddress);
        await using var identity = await EchoDestination.StartAsync();
        await using var issuer = await TestIssuer.StartAsync();
        await using var gateway = await StartGatewayAsync(pods.Port, lookup, identity, issuer);
        await gateway.WaitForAvailableDestinationsAsync("data", 2, TimeSpan.FromSeconds(30), Cancel);

        // Ids carry the address, so a database's choice (the id is what DatabaseAffinity hashes) stays with its pod.
        Assert.Equal(new[] { $"pods[{pods.FirstAddress}]", $"pods[{pods.SecondAddress}]" }.Order(StringComparer.Ordinal), DestinationIds(gateway, "data"));
        Assert.Equal(DestinationIds(gateway, "data"), DestinationIds(gateway, "data-grpc"));

        using var client = gateway.CreateClient();
        var podOf = new Dictionary<string, EchoDestination>();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 20; i++)
            {
                var (pod, reply) = await GetAsync(client, pods, $"t/acme/db{i}/doc{round}");
                Assert.Same(podOf.TryAdd($"db{i}", pod) ? pod : podOf[$"db{i}"], pod);
                // The node sees the name it would have seen without resolution, not the bare address.
                Assert.Equal($"{PodsHost}:{pods.Port}", reply.Headers["Host"]);
            }
        }

        Assert.Contains(pods.First, podOf.Values);
        Assert.Contains(pods.Second, podOf.Values);
    }

    [Fact]
    public async Task ResolvedDestinations_AsPodsComeAndGo_FollowTheNameAndTheHealthChecks()
    {
        await using var pods = await LoopbackPods.StartAsync();
        var lookup = new StubLookup(); // no pod is ready yet: the name does not resolve
        await using var identity = await EchoDestination.StartAsync();
        await using var issuer = await TestIssuer.StartAsync();
        await using var gateway = await StartGatewayAsync(pods.Port, lookup, identity, issuer);
        using var client = gateway.CreateClient();

        // A gateway that starts before its data nodes runs (YARP would stop it when its first resolution throws) and says 503.
        using (var response = await client.GetAsync("t/acme/db1/doc", Cancel))
        {
            await CouchErrorAssert.IsErrorAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        }

        lookup.Set(pods.FirstAddress);
        await gateway.WaitForAvailableDestinationsAsync("data", 1, TimeSpan.FromSeconds(30), Cancel);
        Assert.Same(pods.First, (await GetAsync(client, pods, "t/acme/db1/doc")).Pod);

        // A new pod gets its share of databases once the name resolves to it.
        lookup.Set(pods.FirstAddress, pods.SecondAddress);
        await gateway.WaitForAvailableDestinationsAsync("data", 2, TimeSpan.FromSeconds(30), Cancel);
        var onSecond = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            if ((await GetAsync(client, pods, $"t/acme/db{i}/doc")).Pod == pods.Second)
            {
                onSecond.Add($"db{i}");
            }
        }

        Assert.NotEmpty(onSecond);

        // A pod that dies while DNS still names it is taken out by the active health checks; its databases move.
        await pods.Second.DisposeAsync();
        await gateway.WaitForAvailableDestinationsAsync("data", 1, TimeSpan.FromSeconds(30), Cancel);
        foreach (var database in onSecond)
        {
            Assert.Same(pods.First, (await GetAsync(client, pods, $"t/acme/{database}/doc")).Pod);
        }

        // Once DNS stops naming it, the destination is gone, not just unhealthy.
        lookup.Set(pods.FirstAddress);
        await WaitForAsync(() => DestinationIds(gateway, "data").SequenceEqual([$"pods[{pods.FirstAddress}]"]), "the dead pod to leave the cluster");
    }

    [Fact]
    public async Task Resolver_WithRealDns_ExpandsNamesIntoOneDestinationPerAddressAndPassesAddressesThrough()
    {
        var expected = (await Dns.GetHostAddressesAsync("localhost", Cancel)).Distinct().Select(a => a.ToString()).ToHashSet();
        Assert.NotEmpty(expected);
        var resolver = new PerAddressDestinationResolver(
            new FixedOptions(new GatewayProxyOptions { ResolveDestinations = true, DestinationRefreshPeriod = TimeSpan.FromMinutes(1) }),
            new DnsDestinationAddressLookup(), NullLogger<PerAddressDestinationResolver>.Instance);

        var result = await resolver.ResolveDestinationsAsync(new Dictionary<string, DestinationConfig>
        {
            ["pods"] = new() { Address = "http://localhost:5984/base/", Health = "http://localhost:5985/" },
            ["fixed"] = new() { Address = "http://127.0.0.1:5984/" },
        }, Cancel);

        Assert.Equal(expected.Select(a => $"pods[{a}]").Append("fixed").Order(StringComparer.Ordinal), result.Destinations.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("http://127.0.0.1:5984/", result.Destinations["fixed"].Address);
        Assert.Null(result.Destinations["fixed"].Host);
        foreach (var address in expected)
        {
            var destination = result.Destinations[$"pods[{address}]"];
            var host = IPAddress.Parse(address).AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address;
            Assert.Equal($"http://{host}:5984/base/", destination.Address);
            Assert.Equal($"http://{host}:5985/", destination.Health);
            Assert.Equal("localhost:5984", destination.Host);
        }

        Assert.NotNull(result.ChangeToken);
    }

    [Fact]
    public async Task Resolver_WhenLookupFails_KeepsTheLastAddressesAndWhenOff_PassesEverythingThrough()
    {
        var lookup = new StubLookup(IPAddress.Parse("fd00::7"), IPAddress.Parse("10.1.0.8"));
        var options = new GatewayProxyOptions { ResolveDestinations = true };
        var resolver = new PerAddressDestinationResolver(new FixedOptions(options), lookup, NullLogger<PerAddressDestinationResolver>.Instance);
        var destinations = new Dictionary<string, DestinationConfig> { ["pods"] = new() { Address = "http://tessera-data-headless:8080/" } };

        var first = await resolver.ResolveDestinationsAsync(destinations, Cancel);
        lookup.Set(); // the name stops resolving (NXDOMAIN, a DNS outage)
        var second = await resolver.ResolveDestinationsAsync(destinations, Cancel);

        Assert.Equal(new[] { "pods[10.1.0.8]", "pods[fd00::7]" }, first.Destinations.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(first.Destinations.Keys.Order(StringComparer.Ordinal), second.Destinations.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("http://10.1.0.8:8080/", second.Destinations["pods[10.1.0.8]"].Address);
        Assert.Equal("http://[fd00::7]:8080/", second.Destinations["pods[fd00::7]"].Address);
        Assert.All(second.Destinations.Values, d => Assert.Equal("tessera-data-headless:8080", d.Host));

        options.ResolveDestinations = false;
        var off = await resolver.ResolveDestinationsAsync(destinations, Cancel);
        Assert.Same(destinations["pods"], Assert.Single(off.Destinations).Value);
        Assert.Null(off.ChangeToken);
    }

    private static Task<GatewayHost> StartGatewayAsync(int port, StubLookup lookup, EchoDestination identity, TestIssuer issuer)
    {
        var settings = GatewayHost.Settings(identity.Address, identity.Address, identity.Address, issuer.Issuer, issuer.Address);
        foreach (var cluster in new[] { "data", "data-grpc" })
        {
            settings.Remove($"ReverseProxy:Clusters:{cluster}:Destinations:data1:Address");
            settings.Remove($"ReverseProxy:Clusters:{cluster}:Destinations:data2:Address");
            settings[$"ReverseProxy:Clusters:{cluster}:Destinations:pods:Address"] = $"http://{PodsHost}:{port}/";
        }

        settings["Tessera:Gateway:ResolveDestinations"] = "true";
        settings["Tessera:Gateway:DestinationRefreshPeriod"] = "00:00:00.200";
        return GatewayHost.StartAsync(settings, services => services.AddSingleton<IDestinationAddressLookup>(lookup));
    }

    /// <summary>Sends a GET through the gateway and tells which pod answered it (by their request counts).</summary>
    private static async Task<(EchoDestination Pod, EchoReply Reply)> GetAsync(HttpClient client, LoopbackPods pods, string path)
    {
        var (first, second) = (pods.First.Requests, pods.Second.Requests);
        using var response = await client.GetAsync(path, Cancel);
        var reply = await CouchErrorAssert.EchoAsync(response);
        var (firstGot, secondGot) = (pods.First.Requests - first, pods.Second.Requests - second);
        Assert.True(firstGot + secondGot == 1, $"{path}: expected one pod to answer, got {firstGot} and {secondGot}");
        return (firstGot == 1 ? pods.First : pods.Second, reply);
    }

    private static string[] DestinationIds(GatewayHost gateway, string clusterId) =>
        gateway.Services.GetRequiredService<IProxyStateLookup>().TryGetCluster(clusterId, out var cluster)
            ? [.. cluster.Destinations.Keys.Order(StringComparer.Ordinal)]
            : [];

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (!condition())
        {
            try
            {
                await timer.WaitForNextTickAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!Cancel.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }
        }
    }

    /// <summary>Answers lookups with the addresses last set; with none set, fails as DNS does for an unknown name.</summary>
    private sealed class StubLookup(params IPAddress[] addresses) : IDestinationAddressLookup
    {
        private volatile IPAddress[] _addresses = addresses;

        public void Set(params IPAddress[] addresses) => _addresses = addresses;

        public Task<IPAddress[]> LookupAsync(string host, DestinationAddressFamily family, CancellationToken cancellationToken)
        {
            var addresses = _addresses;
            return addresses.Length == 0
                ? Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound))
                : Task.FromResult(addresses);
        }
    }

    private sealed class FixedOptions(GatewayProxyOptions value) : IOptionsMonitor<GatewayProxyOptions>
    {
        public GatewayProxyOptions CurrentValue => value;

        public GatewayProxyOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<GatewayProxyOptions, string?> listener) => null;
    }

    /// <summary>
    /// Two data-node stand-ins on one port at two loopback addresses: 127.0.0.1 and 127.0.0.2 (Linux routes all of
    /// 127.0.0.0/8 to loopback), or ::1 where 127.0.0.2 is not configured (macOS).
    /// </summary>
    private sealed class LoopbackPods : IAsyncDisposable
    {
        private LoopbackPods(EchoDestination first, EchoDestination second, IPAddress secondAddress)
        {
            (First, Second, SecondAddress) = (first, second, secondAddress);
        }

        public EchoDestination First { get; }

        public EchoDestination Second { get; }

        public IPAddress FirstAddress => IPAddress.Loopback;

        public IPAddress SecondAddress { get; }

        public int Port => First.Address.Port;

        public static async Task<LoopbackPods> StartAsync()
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var first = await EchoDestination.StartAsync();
                foreach (var candidate in new[] { IPAddress.Parse("127.0.0.2"), IPAddress.IPv6Loopback })
                {
                    try
                    {
                        return new LoopbackPods(first, await EchoDestination.StartAsync(candidate, first.Address.Port), candidate);
                    }
                    catch (IOException)
                    {
                        // Not configured here, or the port is taken at that address: try the next one.
                    }
                }

                await first.DisposeAsync();
            }

            Assert.Skip("This machine has no second loopback address (127.0.0.2 or ::1) whose port matches 127.0.0.1's.");
            throw new InvalidOperationException("unreachable");
        }

        public async ValueTask DisposeAsync()
        {
            await First.DisposeAsync();
            await Second.DisposeAsync();
        }
    }
}
