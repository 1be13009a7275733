using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tessera.Testing;

/// <summary>
/// Asks the Docker engine named by <c>DOCKER_HOST</c> (or <c>/var/run/docker.sock</c>) for <c>/_ping</c> within a
/// short timeout, so the fixture can fall back to a local cluster on machines without one instead of failing.
/// </summary>
internal static class DockerEngine
{
    public static async Task<bool> AnswersAsync(TimeSpan timeout)
    {
        if (Endpoint() is not { } endpoint)
        {
            return false;
        }

        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            using var socket = endpoint is UnixDomainSocketEndPoint
                ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(endpoint, cancellation.Token);
            await socket.SendAsync("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8.ToArray(), SocketFlags.None, cancellation.Token);
            var buffer = new byte[256];
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellation.Token);
            var status = Encoding.ASCII.GetString(buffer, 0, read);
            return status.StartsWith("HTTP/1.", StringComparison.Ordinal) && status.Contains(" 200 ", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    private static EndPoint? Endpoint()
    {
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (string.IsNullOrWhiteSpace(dockerHost))
        {
            const string defaultSocket = "/var/run/docker.sock";
            return OperatingSystem.IsWindows() || !File.Exists(defaultSocket) ? null : new UnixDomainSocketEndPoint(defaultSocket);
        }

        if (dockerHost.StartsWith("unix://", StringComparison.Ordinal))
        {
            return new UnixDomainSocketEndPoint(dockerHost["unix://".Length..]);
        }

        if (dockerHost.StartsWith("tcp://", StringComparison.Ordinal) && Uri.TryCreate(dockerHost, UriKind.Absolute, out var uri))
        {
            return new DnsEndPoint(uri.Host, uri.Port);
        }

        // npipe:// and ssh:// engines are not probed; the fixture uses a local cluster instead.
        return null;
    }
}
