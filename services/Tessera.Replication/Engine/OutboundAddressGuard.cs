using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tessera.Replication.Engine;

/// <summary>
/// Keeps replications from reaching the network the server lives in (server-side request forgery): when
/// <see cref="ReplicationOptions.AllowPrivateAddresses"/> is off, a connection to a host that resolves to a loopback,
/// private, link-local (cloud metadata), unique-local, shared (CGNAT), unspecified, multicast or reserved address
/// (also inside an IPv6 address that carries an IPv4 one: NAT64, 6to4, IPv4-compatible or -translated) is refused, unless the host is in <see cref="ReplicationOptions.AllowedHosts"/> or the address in
/// <see cref="ReplicationOptions.AllowedNetworks"/>.
/// </summary>
/// <remarks>
/// Note: the check runs in the HTTP handler's <c>ConnectCallback</c>, on the addresses the socket then connects to, so a
/// name that resolves to a public address when checked and to an internal one when connecting (DNS rebinding) and a
/// redirect to an internal URL are refused too. Every resolved address must pass, not only the first.
/// Jobs naming a bare database of the tenant use a separate client without this guard (they reach this node itself).
/// </remarks>
public sealed partial class OutboundAddressGuard
{
    private readonly HashSet<string> exactHosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> hostSuffixes = [];
    private readonly List<IPNetwork> allowedNetworks = [];
    private readonly ILogger<OutboundAddressGuard> logger;
    private readonly IOutboundHostResolver resolver;

    /// <param name="resolver">Where host names are looked up; null for the system resolver.</param>
    public OutboundAddressGuard(IOptions<ReplicationOptions> options, ILogger<OutboundAddressGuard> logger, IOutboundHostResolver? resolver = null)
    {
        this.logger = logger;
        this.resolver = resolver ?? new SystemHostResolver();
        var settings = options.Value;
        Enabled = settings.AllowPrivateAddresses != true;
        foreach (var host in settings.AllowedHosts.Select(h => h.Trim().TrimEnd('.')).Where(h => h.Length > 0))
        {
            if (host.StartsWith("*.", StringComparison.Ordinal))
            {
                hostSuffixes.Add(host[1..]);
            }
            else
            {
                exactHosts.Add(host.Trim('[', ']'));
            }
        }

        allowedNetworks.AddRange(settings.AllowedNetworks.Select(n => IPNetwork.Parse(n.Trim())));
    }

    /// <summary>Whether connections are checked at all (false when private addresses are allowed).</summary>
    public bool Enabled { get; }

    /// <summary>Whether <paramref name="host"/> may resolve to anything: an exact name of the allow-list or under one of its <c>*.domain</c> entries.</summary>
    public bool IsAllowListed(string host)
    {
        host = host.Trim('[', ']').TrimEnd('.');
        return exactHosts.Contains(host) || hostSuffixes.Any(s => host.EndsWith(s, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Loopback, private, link-local, unique-local, shared, unspecified, multicast or reserved: never on the public internet.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] switch
            {
                0 or 10 or 127 => true, // "this network"/unspecified, private, loopback
                100 => b[1] is >= 64 and < 128, // 100.64/10 shared address space (cloud-internal, 100.100.100.200 metadata)
                169 => b[1] == 254, // link-local, 169.254.169.254 cloud metadata
                172 => b[1] is >= 16 and < 32, // private
                192 => (b[1] == 168) || (b[1] == 0 && b[2] == 0), // private; 192.0.0/24 protocol assignments (192.0.0.192 metadata)
                198 => b[1] is 18 or 19, // benchmarking
                >= 224 => true, // multicast, reserved, broadcast
                _ => false,
            };
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return true;
        }

        if (IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6Any.Equals(address)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast)
        {
            return true;
        }

        Span<byte> v6 = stackalloc byte[16];
        address.TryWriteBytes(v6, out _);
        if (v6.StartsWith(Nat64LocalUse) || v6.StartsWith(Teredo) || v6.StartsWith(Documentation) || v6.StartsWith(DiscardOnly))
        {
            // Local-use NAT64 translates into the operator's own network; Teredo tunnels are reached through relays
            // and hide their IPv4 address; documentation and discard-only prefixes are never routed.
            return true;
        }

        // Note: these carry an IPv4 address, which is judged as such: NAT64 (64:ff9b::/96), IPv4-compatible (::/96),
        // IPv4-translated (::ffff:0:0:0/96) and 6to4 (2002::/16, the IPv4 address in bytes 2 to 5).
        if (v6[0] == 0x20 && v6[1] == 0x02)
        {
            return IsInternal(new IPAddress(v6[2..6]));
        }

        var nat64 = v6.StartsWith(Nat64) && !v6[4..12].ContainsAnyExcept((byte)0);
        var compatible = !v6[..12].ContainsAnyExcept((byte)0);
        var translated = !v6[..8].ContainsAnyExcept((byte)0) && v6[8] == 0xff && v6[9] == 0xff && v6[10] == 0 && v6[11] == 0;
        return (nat64 || compatible || translated) && IsInternal(new IPAddress(v6[12..]));
    }

    private static ReadOnlySpan<byte> Nat64 => [0x00, 0x64, 0xff, 0x9b];

    private static ReadOnlySpan<byte> Nat64LocalUse => [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01];

    private static ReadOnlySpan<byte> Teredo => [0x20, 0x01, 0x00, 0x00];

    private static ReadOnlySpan<byte> Documentation => [0x20, 0x01, 0x0d, 0xb8];

    private static ReadOnlySpan<byte> DiscardOnly => [0x01, 0x00, 0, 0, 0, 0, 0, 0];

    /// <summary>
    /// The addresses a connection to <paramref name="host"/> may use: all of them, or a refusal when any is internal
    /// and neither the host nor the address is allowed.
    /// </summary>
    /// <exception cref="OutboundAddressRefusedException">The host resolves to an internal address.</exception>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        var bare = host.Trim('[', ']');
        var addresses = IPAddress.TryParse(bare, out var literal) ? [literal] : await resolver.ResolveAsync(bare, ct);
        if (!Enabled || IsAllowListed(bare))
        {
            return addresses;
        }

        foreach (var address in addresses)
        {
            var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            if (IsInternal(plain) && !allowedNetworks.Any(n => n.Contains(plain)))
            {
                LogRefused(logger, bare, plain);
                throw new OutboundAddressRefusedException(bare);
            }
        }

        return addresses;
    }

    /// <summary>The <c>ConnectCallback</c> of the replicator's HTTP handler: resolve, check, connect to exactly the checked addresses.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await ResolveAsync(context.DnsEndPoint.Host, ct);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Before a replication starts: the first URL of <paramref name="urls"/> whose host is refused, or null. Names that do
    /// not resolve pass (the replication then reports the database as not found); the connection is checked again anyway.
    /// </summary>
    public async Task<Uri?> FirstRefusedAsync(IEnumerable<Uri> urls, CancellationToken ct)
    {
        if (!Enabled)
        {
            return null;
        }

        foreach (var url in urls)
        {
            try
            {
                await ResolveAsync(url.IdnHost, ct);
            }
            catch (OutboundAddressRefusedException)
            {
                return url;
            }
            catch (SocketException)
            {
                // Unknown host: not a refusal.
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replication connection to {Host} refused: it resolves to the internal address {Address} (Tessera:Replication:AllowPrivateAddresses is off)")]
    private static partial void LogRefused(ILogger logger, string host, IPAddress address);
}

/// <summary>A replication tried to connect to a host that resolves to an internal address while that is not allowed.</summary>
public sealed class OutboundAddressRefusedException(string host)
    : IOException($"{host} resolves to a loopback, private, link-local or otherwise internal address, which replications may not reach on this server")
{
    public string Host { get; } = host;
}
