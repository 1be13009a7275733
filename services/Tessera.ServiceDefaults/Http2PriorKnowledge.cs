using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Tessera.ServiceDefaults;

/// <summary>
/// Lets one cleartext port serve HTTP/1.1 (REST, PouchDB, browsers, WebSocket) and HTTP/2 with prior knowledge (gRPC,
/// and the gateway forwarding gRPC): a connection that opens with HTTP/2's 24-byte client preface is served as HTTP/2,
/// any other as HTTP/1.1, its bytes untouched.
/// </summary>
/// <remarks>
/// <para>
/// Why: without TLS there is no ALPN, and Kestrel (through .NET 10) then serves an <c>Http1AndHttp2</c> endpoint as
/// HTTP/1.1 only: it logs "HTTP/2 is not enabled ... TLS is not enabled" and answers a prior-knowledge client with
/// HTTP_1_1_REQUIRED (dotnet/aspnetcore#56984; the fix, a preface check like this one, is proposed in #67782). The
/// alternatives were a second port for gRPC, against "tessera.v1 services on the same port", or an HTTP/2-only port,
/// which PouchDB, browsers and curl without flags cannot use.
/// </para>
/// <para>
/// Note: Kestrel lets a connection choose its protocols through its internal <c>HttpProtocolsFeature</c> (its TLS layer
/// sets it per connection); we set it by reflection. Should a Kestrel update remove it, this middleware does nothing,
/// the server serves HTTP/1.1 as before, and the gRPC integration tests fail, which is where to notice. Remove this file
/// once Kestrel detects the preface itself. TLS endpoints never match: their first byte is a TLS record (0x16), and
/// ALPN picks the protocol there.
/// </para>
/// </remarks>
public sealed class Http2PriorKnowledge(ConnectionDelegate next, ListenOptions listen)
{
    private static readonly Type? FeatureType =
        typeof(KestrelServerOptions).Assembly.GetType("Microsoft.AspNetCore.Server.Kestrel.Core.Internal.HttpProtocolsFeature");

    private static readonly object? Http2Only = FeatureType is null ? null : Activator.CreateInstance(FeatureType, HttpProtocols.Http2);

    /// <summary>True when this Kestrel lets us choose the protocol per connection.</summary>
    public static bool IsSupported => Http2Only is not null;

    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>Adds the preface check to an endpoint; it acts only on connections of endpoints that allow both HTTP/1.1 and HTTP/2.</summary>
    public static void Use(ListenOptions listen) => listen.Use(next => new Http2PriorKnowledge(next, listen).OnConnectionAsync);

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var protocols = listen.Protocols;
        if (IsSupported && protocols.HasFlag(HttpProtocols.Http1) && protocols.HasFlag(HttpProtocols.Http2)
            && await StartsWithPrefaceAsync(connection.Transport.Input, connection.ConnectionClosed))
        {
            connection.Features[FeatureType!] = Http2Only;
        }

        await next(connection);
    }

    /// <summary>Looks at the first bytes without consuming them; gives up (HTTP/1.1) when the client stays silent too long.</summary>
    private async Task<bool> StartsWithPrefaceAsync(PipeReader input, CancellationToken closed)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(closed);
        timeout.CancelAfter(listen.KestrelServerOptions.Limits.RequestHeadersTimeout);
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(timeout.Token);
                var buffer = read.Buffer;
                var (matches, seen) = Compare(buffer);
                if (matches && seen < Preface.Length && !read.IsCompleted && !read.IsCanceled)
                {
                    // A prefix of the preface so far: wait for more bytes, consuming none.
                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }

                // Note: consumed and examined nothing, so HTTP/1.1 or HTTP/2 parsing sees the connection from its first byte.
                input.AdvanceTo(buffer.Start);
                return matches && seen == Preface.Length;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Whether the bytes received so far agree with the preface, and how many of them were compared.</summary>
    private static (bool Matches, int Seen) Compare(ReadOnlySequence<byte> buffer)
    {
        var seen = (int)Math.Min(buffer.Length, Preface.Length);
        Span<byte> head = stackalloc byte[Preface.Length];
        buffer.Slice(0, seen).CopyTo(head);
        return (head[..seen].SequenceEqual(Preface[..seen]), seen);
    }
}
