using System.Buffers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tessera.DataNode.Feeds;

/// <summary>
/// One accepted WebSocket of <c>_changes?feed=websocket</c> (protocol: docs/websocket-feed.md). Three kinds of work share
/// it: a receive loop (client messages: subscribe, unsubscribe, ping), one <see cref="ChangeStream"/> per followed
/// database (each queues rows on the <see cref="SendBuffer"/>), and one send loop, the only writer of the socket.
/// Idle, it holds no buffer: it waits with a zero-byte read, and rows wait in the change hub, not in memory.
/// </summary>
internal sealed partial class WebSocketFeedConnection : IDisposable
{
    private const string OverflowReason = "Consumer fell behind; resume each database from its overflow last_seq.";

    private readonly HttpContext context;
    private readonly string tenant;
    private readonly FeedServices services;
    private readonly FeedOptions options;
    private readonly SendBuffer buffer;
    private readonly TimeSpan heartbeat;
    private readonly Lock gate = new();
    private readonly Dictionary<string, WebSocketSubscription> subscriptions = new(StringComparer.Ordinal);

    // Cancels every socket operation: that aborts the socket. Armed with CloseTimeoutMs once the connection closes.
    private readonly CancellationTokenSource abort = new();
    private List<WebSocketSubscription>? overflowed;
    private WebSocketCloseStatus closeStatus = WebSocketCloseStatus.NormalClosure;
    private string closeReason = "";
    private WebSocket socket = null!;

    public WebSocketFeedConnection(HttpContext context, string tenant, FeedServices services, TimeSpan heartbeat)
    {
        this.context = context;
        this.tenant = tenant;
        this.services = services;
        this.heartbeat = heartbeat;
        options = services.Options;
        buffer = new SendBuffer(options, services.Metrics);
    }

    /// <summary>Accepts the socket, serves it until it closes, then disposes it and this connection.</summary>
    public async Task RunAsync(WebSocketAcceptContext accept, ChangeStream first)
    {
        try
        {
            socket = await context.WebSockets.AcceptWebSocketAsync(accept);
        }
        catch
        {
            Dispose();
            throw;
        }

        services.Metrics.ConnectionOpened();
        var sender = SendLoopAsync();
        try
        {
            using var stopping = services.Lifetime.ApplicationStopping.Register(
                static state => ((WebSocketFeedConnection)state!).Close(WebSocketCloseStatus.EndpointUnavailable, "The server is shutting down."), this);
            using var heartbeats = TimeProvider.System.CreateTimer(
                static state => ((WebSocketFeedConnection)state!).Enqueue(WebSocketMessages.Heartbeat()), this, heartbeat, heartbeat);
            Start(first);
            await ReceiveLoopAsync();
        }
        catch (Exception exception) when (IsDisconnect(exception))
        {
            // The client went away, or the socket was aborted after a close that timed out.
        }
        finally
        {
            Close(WebSocketCloseStatus.NormalClosure, "");
            await StopSubscriptionsAsync();
            await sender;
            services.Metrics.ConnectionClosed();
            Dispose();
        }
    }

    public void Dispose()
    {
        socket?.Dispose();
        abort.Dispose();
    }

    /// <summary>Queues a control message; one that does not fit even twice the byte bound overflows the connection.</summary>
    internal void Enqueue(OutgoingMessage message)
    {
        if (!buffer.TryEnqueue(message) && buffer.State == SendBufferState.Open)
        {
            Overflow();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        while (true)
        {
            // Note: a zero-byte read waits for the next frame without holding a buffer, so an idle connection owns none.
            var first = await socket.ReceiveAsync(Memory<byte>.Empty, abort.Token);
            if (first.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            var rented = ArrayPool<byte>.Shared.Rent(Math.Min(4096, options.MaxMessageBytes + 1));
            try
            {
                var length = 0;
                var result = first;
                while (!result.EndOfMessage)
                {
                    if (length == rented.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(rented.Length * 2, options.MaxMessageBytes + 1));
                        rented.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(rented);
                        rented = larger;
                    }

                    result = await socket.ReceiveAsync(rented.AsMemory(length), abort.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    length += result.Count;
                    if (length > options.MaxMessageBytes)
                    {
                        Enqueue(WebSocketMessages.Error(null, "too_large", $"Messages are limited to {options.MaxMessageBytes} bytes."));
                        Close(WebSocketCloseStatus.MessageTooBig, "Message too large.");
                        await DrainUntilCloseAsync(rented);
                        return;
                    }
                }

                if (buffer.State != SendBufferState.Open)
                {
                    continue;
                }

                if (first.MessageType == WebSocketMessageType.Binary)
                {
                    Enqueue(WebSocketMessages.Error(null, "bad_request", "Messages must be JSON text frames."));
                    continue;
                }

                await HandleAsync(ClientMessage.Parse(rented.AsMemory(0, length)));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // After the server started closing: read and discard until the client's close frame (or the close timeout aborts).
    private async Task DrainUntilCloseAsync(byte[] scratch)
    {
        while ((await socket.ReceiveAsync(scratch.AsMemory(), abort.Token)).MessageType != WebSocketMessageType.Close)
        {
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            while (true)
            {
                if (!buffer.TryDequeue(out var message))
                {
                    if (buffer.State != SendBufferState.Open)
                    {
                        break;
                    }

                    await buffer.WaitForDataAsync();
                    continue;
                }

                try
                {
                    await socket.SendAsync(message.Bytes, WebSocketMessageType.Text, endOfMessage: true, abort.Token);
                }
                finally
                {
                    buffer.Sent(message);
                }

                message.Owner?.Acknowledge(message.Seq);
            }

            if (buffer.State == SendBufferState.Overflowed)
            {
                // Each database's resume point is the last sequence the socket took: what was queued after it is gone.
                foreach (var subscription in overflowed ?? [])
                {
                    var notice = WebSocketMessages.Overflow(subscription.Db, subscription.Acknowledged);
                    try
                    {
                        await socket.SendAsync(notice.Bytes, WebSocketMessageType.Text, endOfMessage: true, abort.Token);
                    }
                    finally
                    {
                        notice.Release();
                    }
                }

                await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, OverflowReason, abort.Token);
            }
            else if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(closeStatus, closeReason, abort.Token);
            }
        }
        catch (Exception exception) when (IsDisconnect(exception))
        {
            // The socket broke or was aborted: stop everything; the receive loop ends with it.
            Close(WebSocketCloseStatus.NormalClosure, "");
            await abort.CancelAsync();
        }
        finally
        {
            buffer.DropAll();
        }
    }

    private void Close(WebSocketCloseStatus status, string reason)
    {
        lock (gate)
        {
            if (buffer.State != SendBufferState.Open)
            {
                return;
            }

            closeStatus = status;
            closeReason = reason;
        }

        if (buffer.Close())
        {
            CancelSubscriptions();
            abort.CancelAfter(options.CloseTimeoutMs);
        }
    }

    private void Overflow()
    {
        List<WebSocketSubscription> snapshot;
        lock (gate)
        {
            snapshot = [.. subscriptions.Values];
            if (buffer.State != SendBufferState.Open)
            {
                return;
            }

            overflowed = snapshot;
        }

        if (buffer.Overflow())
        {
            services.Metrics.Overflowed();
            CancelSubscriptions();
            abort.CancelAfter(options.CloseTimeoutMs);
        }
    }

    private static bool IsDisconnect(Exception exception) =>
        exception is WebSocketException or OperationCanceledException or IOException or Microsoft.AspNetCore.Connections.ConnectionAbortedException or ObjectDisposedException;
}
