using System.Net;
using System.Net.Sockets;

namespace Tessera.Gateway.Proxy;

/// <summary>Finds the addresses a destination's host name stands for; <see cref="DnsDestinationAddressLookup"/> asks DNS.</summary>
public interface IDestinationAddressLookup
{
    /// <summary>The addresses of <paramref name="host"/> in <paramref name="family"/>; throws when the name cannot be resolved.</summary>
    Task<IPAddress[]> LookupAsync(string host, DestinationAddressFamily family, CancellationToken cancellationToken);
}

/// <summary>
/// Resolves host names with the operating system's resolver (<see cref="Dns"/>), as HttpClient would. Note: nothing is
/// cached in the process; in Kubernetes the cluster DNS answers a headless Service with its ready pods (CoreDNS caches
/// those records for their 5-second TTL).
/// </summary>
public sealed class DnsDestinationAddressLookup : IDestinationAddressLookup
{
    public Task<IPAddress[]> LookupAsync(string host, DestinationAddressFamily family, CancellationToken cancellationToken) =>
        family switch
        {
            DestinationAddressFamily.IPv4 => Dns.GetHostAddressesAsync(host, AddressFamily.InterNetwork, cancellationToken),
            DestinationAddressFamily.IPv6 => Dns.GetHostAddressesAsync(host, AddressFamily.InterNetworkV6, cancellationToken),
            _ => Dns.GetHostAddressesAsync(host, cancellationToken),
        };
}
