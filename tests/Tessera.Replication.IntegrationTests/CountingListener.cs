using System.Net;
using System.Net.Sockets;

namespace Tessera.Replication.IntegrationTests;

/// <summary>A loopback TCP port that counts the connections made to it (and closes them at once).</summary>
internal sealed class CountingListener : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private int accepted;

    public CountingListener()
    {
        listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public int Accepted => Volatile.Read(ref accepted);

    public void Dispose() => listener.Stop();

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref accepted);
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
