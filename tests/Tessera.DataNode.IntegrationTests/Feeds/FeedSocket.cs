using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Tessera.Testing;
using Xunit;

namespace Tessera.DataNode.IntegrationTests.Feeds;

/// <summary>
/// A real <see cref="ClientWebSocket"/> on <c>_changes?feed=websocket</c>, authenticated as the host's admin key, with
/// helpers to send protocol messages and read them back as JSON. Every read is bounded, so a missing message fails the
/// test instead of hanging it.
/// </summary>
public sealed class FeedSocket : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private FeedSocket(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <param name="pathAndQuery">Relative to the tenant root, e.g. <c>orders/_changes?feed=websocket</c>.</param>
    /// <param name="receiveBufferBytes">A small kernel receive buffer, so a client that stops reading backs up the server sooner.</param>
    public static async Task<FeedSocket> ConnectAsync(TesseraHost host, string pathAndQuery, IEnumerable<string>? subProtocols = null, int? receiveBufferBytes = null)
    {
        var socket = Create(host, subProtocols);
        try
        {
            using var invoker = receiveBufferBytes is int size ? new HttpMessageInvoker(SmallReceiveBuffer(size)) : null;
            await socket.ConnectAsync(Uri(host, pathAndQuery), invoker, Ct);
            return new FeedSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Tries to connect and returns the HTTP status the server answered instead of upgrading.</summary>
    public static async Task<int> RefusedStatusAsync(TesseraHost host, string pathAndQuery)
    {
        using var socket = Create(host, null);
        var failure = await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Uri(host, pathAndQuery), Ct));
        Assert.Equal(WebSocketError.NotAWebSocket, failure.WebSocketErrorCode);
        return (int)socket.HttpStatusCode;
    }

    public Task SendAsync(string text) => Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, Ct);

    /// <summary>The next message, parsed; fails if the server closes first.</summary>
    public async Task<JsonElement> ReceiveAsync()
    {
        var (message, close) = await ReceiveOrCloseAsync();
        Assert.True(message is not null, $"Expected a message, the server closed with {close}");
        return message.Value;
    }

    /// <summary>The next message, or the close status once the server closed.</summary>
    public async Task<(JsonElement? Message, WebSocketCloseStatus? Close)> ReceiveOrCloseAsync()
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bounded.CancelAfter(Bound);
        using var message = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer, bounded.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (null, result.CloseStatus);
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                using var document = JsonDocument.Parse(message.ToArray());
                return (document.RootElement.Clone(), null);
            }
        }
    }

    /// <summary>Reads until a message matches (heartbeats and other messages in between are skipped).</summary>
    public async Task<JsonElement> ReceiveUntilAsync(Func<JsonElement, bool> match)
    {
        while (true)
        {
            var message = await ReceiveAsync();
            if (match(message))
            {
                return message;
            }
        }
    }

    /// <summary>The next message that is not a heartbeat.</summary>
    public Task<JsonElement> ReceiveSkippingHeartbeatsAsync() => ReceiveUntilAsync(m => Type(m) != "heartbeat");

    public async Task<JsonElement> ExpectAsync(string type, string? db = null)
    {
        var message = await ReceiveSkippingHeartbeatsAsync();
        Assert.True(Type(message) == type && (db is null || Db(message) == db), $"Expected a {type} message for {db}, got {message.GetRawText()}");
        return message;
    }

    /// <summary>Reads up to <c>subscribed</c> then the first <c>checkpoint</c> of a database: from then on its feed is live.</summary>
    public async Task<string> ExpectLiveAsync(string db)
    {
        await ReceiveUntilAsync(m => Type(m) == "subscribed" && Db(m) == db);
        return (await ReceiveUntilAsync(m => Type(m) == "checkpoint" && Db(m) == db)).GetProperty("last_seq").GetString()!;
    }

    public static string? Type(JsonElement message) => message.TryGetProperty("type", out var type) ? type.GetString() : null;

    public static string? Db(JsonElement message) => message.TryGetProperty("db", out var db) ? db.GetString() : null;

    /// <summary>A change row: no <c>type</c>, an <c>id</c>.</summary>
    public static bool IsRow(JsonElement message) => Type(message) is null && message.TryGetProperty("id", out _);

    public static long Seq(JsonElement row) => long.Parse(row.GetProperty("seq").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", bounded.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
                // The server may have closed first.
            }
        }

        Socket.Dispose();
    }

    private static ClientWebSocket Create(TesseraHost host, IEnumerable<string>? subProtocols)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", host.BasicAuthorization);
        socket.Options.CollectHttpResponseDetails = true;
        foreach (var protocol in subProtocols ?? [])
        {
            socket.Options.AddSubProtocol(protocol);
        }

        return socket;
    }

    private static Uri Uri(TesseraHost host, string pathAndQuery) =>
        new(new Uri(host.TenantAddress.ToString().Replace("http://", "ws://", StringComparison.Ordinal)), pathAndQuery);

    private static SocketsHttpHandler SmallReceiveBuffer(int size) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            // Set before connecting, so the kernel does not grow the window past it.
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = size };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
