using System.Net;

namespace Tessera.Replication.Engine;

/// <summary>
/// Looks up the addresses of a host name that a replication connects to, for <see cref="OutboundAddressGuard"/>,
/// which checks the answer and connects to exactly those addresses.
/// </summary>
/// <remarks>
/// The default, <see cref="SystemHostResolver"/>, asks the operating system. Register another implementation before
/// <c>AddTesseraReplication()</c> to replace it (it is added with <c>TryAdd</c>); tests do so to script answers, such as a
/// name that resolves to a public address once and to a loopback one the next time (DNS rebinding).
/// </remarks>
public interface IOutboundHostResolver
{
    /// <summary>Every address <paramref name="host"/> (a name, never an IP literal) resolves to.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The name does not resolve.</exception>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}

/// <summary>The operating system's resolver (<see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>).</summary>
public sealed class SystemHostResolver : IOutboundHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Dns.GetHostAddressesAsync(host, ct);
}
