using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace Tessera.Gateway.Proxy;

/// <summary>
/// With <see cref="GatewayProxyOptions.ResolveDestinations"/> on, turns each destination whose address names a host into
/// one destination per address of that name (<c>pods</c> at <c>http://tessera-data-headless:8080/</c> becomes
/// <c>pods[10.1.0.7]</c> at <c>http://10.1.0.7:8080/</c>, ...), and has YARP ask again every
/// <see cref="GatewayProxyOptions.DestinationRefreshPeriod"/>. YARP then health-checks and load-balances the addresses
/// one by one: a Kubernetes headless Service yields one destination per ready data pod, and <c>DatabaseAffinity</c>
/// chooses the pod instead of kube-proxy. Destinations given as IP addresses pass unchanged; with the option off, all do.
/// </summary>
/// <remarks>
/// Note: YARP's own <c>DnsDestinationResolver</c> names the results <c>{destination}[0]</c>, <c>[1]</c>, ... in the order
/// DNS answered, and cluster DNS shuffles that order (CoreDNS <c>loadbalance</c>). Affinity hashes the destination id,
/// and YARP keeps a destination's health by id, so positional ids would move databases and health verdicts between pods
/// at every refresh and differ between gateway replicas. Here the id carries the address, so it stays with the pod.
/// Note: a failed lookup keeps the addresses of the last successful one (a DNS hiccup must not empty the cluster; the
/// health checks take out pods that are gone) and never throws: YARP stops the gateway when its first resolution fails,
/// and a headless Service has no DNS record at all while none of its pods is ready.
/// </remarks>
public sealed partial class PerAddressDestinationResolver(
    IOptionsMonitor<GatewayProxyOptions> options,
    IDestinationAddressLookup lookup,
    ILogger<PerAddressDestinationResolver> logger) : IDestinationResolver
{
    private readonly ConcurrentDictionary<(string Host, DestinationAddressFamily Family), IPAddress[]> _lastResolved = new();

    public async ValueTask<ResolvedDestinationCollection> ResolveDestinationsAsync(
        IReadOnlyDictionary<string, DestinationConfig> destinations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var current = options.CurrentValue;
        if (!current.ResolveDestinations)
        {
            return new ResolvedDestinationCollection(destinations, changeToken: null);
        }

        var expansions = destinations.Select(d => ExpandAsync(d.Key, d.Value, current.DestinationAddressFamily, cancellationToken)).ToList();
        var resolved = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase);
        foreach (var expansion in await Task.WhenAll(expansions))
        {
            foreach (var (name, config) in expansion)
            {
                resolved[name] = config;
            }
        }

        // Note: the source is not disposed, as in YARP's resolver: it cancels itself once, and YARP drops the token then.
#pragma warning disable CA2000
        var refresh = new CancellationTokenSource(current.DestinationRefreshPeriod);
#pragma warning restore CA2000
        return new ResolvedDestinationCollection(resolved, new CancellationChangeToken(refresh.Token));
    }

    private async Task<List<(string Name, DestinationConfig Config)>> ExpandAsync(
        string name, DestinationConfig config, DestinationAddressFamily family, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(config.Address, UriKind.Absolute, out var address) || address.HostNameType != UriHostNameType.Dns)
        {
            return [(name, config)]; // an IP address, or an address YARP's validation reports: nothing to resolve
        }

        var addresses = await LookupAsync(name, address.DnsSafeHost, family, cancellationToken);
        var health = config.Health is { Length: > 0 } h && Uri.TryCreate(h, UriKind.Absolute, out var healthUri)
            && string.Equals(healthUri.DnsSafeHost, address.DnsSafeHost, StringComparison.OrdinalIgnoreCase) ? healthUri : null;
        var expanded = new List<(string, DestinationConfig)>(addresses.Length);
        foreach (var ip in addresses)
        {
            var text = ip.ToString();
            expanded.Add(($"{name}[{text}]", config with
            {
                Address = new UriBuilder(address) { Host = text }.Uri.AbsoluteUri,
                Health = health is null ? config.Health : new UriBuilder(health) { Host = text }.Uri.AbsoluteUri,
                // Note: the Host header the node would have seen without resolution (the name and port), not the bare
                // IP: HTTP/1.1 wants the authority, and gRPC's :authority comes from it.
                Host = config.Host ?? address.Authority,
            }));
        }

        return expanded;
    }

    private async Task<IPAddress[]> LookupAsync(string name, string host, DestinationAddressFamily family, CancellationToken cancellationToken)
    {
        var key = (host.ToLowerInvariant(), family);
        IPAddress[] addresses;
        try
        {
            addresses = [.. (await lookup.LookupAsync(host, family, cancellationToken)).Distinct()
                .OrderBy(a => a.AddressFamily).ThenBy(a => a.ToString(), StringComparer.Ordinal)];
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            var kept = _lastResolved.TryGetValue(key, out var last) ? last : [];
            LogLookupFailed(logger, exception, name, host, kept.Length);
            return kept;
        }

        var previous = _lastResolved.TryGetValue(key, out var before) ? before : null;
        _lastResolved[key] = addresses;
        if (previous is null || !previous.SequenceEqual(addresses))
        {
            LogResolved(logger, name, host, addresses.Length, string.Join(", ", addresses.Select(a => a.ToString())));
        }

        return addresses;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Destination '{Destination}': {Host} resolves to {Count} address(es): {Addresses}.")]
    private static partial void LogResolved(ILogger logger, string destination, string host, int count, string addresses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Destination '{Destination}': resolving {Host} failed; keeping the {Count} address(es) of the last successful lookup.")]
    private static partial void LogLookupFailed(ILogger logger, Exception exception, string destination, string host, int count);
}
