using System.Buffers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tessera.DataNode.Feeds;

/// <summary>
/// One accepted WebSocket of <c>_changes?feed=websocket</c> (protocol: docs/websocket-feed.md). Three kinds of work share
/// it: a receive loop (client messages: subscribe, unsubscribe, ping), one <see cref="ChangeStream"/> per followed
/// database (each queues rows on the <see cref="SendBuffer"/>), and one sender at a time, the only writer of the socket,
/// started by whoever queues a message into an idle buffer (<see cref="SendAsync"/>).
/// Idle, it holds no buffer and no sender: it waits with a zero-byte read, and rows wait in the change hub, not in memory.
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

    // Completed by the sender once it ended the connection (close frame sent, or the socket broke).
    private readonly TaskCompletionSource finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
        try
        {
            using var stopping = services.Lifetime.ApplicationStopping.Register(
                static state => ((WebSocketFeedConnection)state!).Close(WebSocketCloseStatus.EndpointUnavailable, "The server is shutting down."), this);
            using var heartbeats = TimeProvider.System.CreateTimer(
                static state => ((WebSocketFeedConnection)state!).Enqueue(WebSocketMessages.Heartbeat()), this, heartbeat, heartbeat);
            Start(first);

            // Note: the receive loop is this method's own (no second state machine per idle connection). A zero-byte read
            // waits for the next frame without holding a buffer, so an idle connection owns none.
            while (true)
            {
                var next = await socket.ReceiveAsync(Memory<byte>.Empty, abort.Token);
                if (next.MessageType == WebSocketMessageType.Close || !await ReceiveMessageAsync(next))
                {
                    break;
                }
            }
        }
        catch (Exception exception) when (IsDisconnect(exception))
        {
            // The client went away, or the socket was aborted after a close that timed out.
        }
        finally
        {
            Close(WebSocketCloseStatus.NormalClosure, "");
            await StopSubscriptionsAsync();
            await finished.Task;
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
        switch (buffer.TryEnqueue(message))
        {
            case SendStart.Start:
                _ = SendAsync();
                break;
            case SendStart.Rejected when buffer.State == SendBufferState.Open:
                Overflow();
                break;
        }
    }

    /// <summary>Reads the rest of a client message whose first frame arrived, and handles it. False: the connection ends.</summary>
    private async Task<bool> ReceiveMessageAsync(ValueWebSocketReceiveResult first)
    {
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
                    return false;
                }

                length += result.Count;
                if (length > options.MaxMessageBytes)
                {
                    Enqueue(WebSocketMessages.Error(null, "too_large", $"Messages are limited to {options.MaxMessageBytes} bytes."));
                    Close(WebSocketCloseStatus.MessageTooBig, "Message too large.");
                    await DrainUntilCloseAsync(rented);
                    return false;
                }
            }

            if (buffer.State != SendBufferState.Open)
            {
                return true;
            }

            if (first.MessageType == WebSocketMessageType.Binary)
            {
                Enqueue(WebSocketMessages.Error(null, "bad_request", "Messages must be JSON text frames."));
                return true;
            }

            await HandleAsync(ClientMessage.Parse(rented.AsMemory(0, length)));
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // After the server started closing: read and discard until the client's close frame (or the close timeout aborts).
    private async Task DrainUntilCloseAsync(byte[] scratch)
    {
        while ((await socket.ReceiveAsync(scratch.AsMemory(), abort.Token)).MessageType != WebSocketMessageType.Close)
        {
        }
    }

    /// <summary>
    /// The sender: writes queued messages to the socket until the queue is empty, then gives the role back. Started by
    /// whoever queued into an idle buffer (<see cref="SendStart.Start"/>), so it runs on that thread until a write has to
    /// wait for the socket. Once the buffer is closed or overflowed the last sender also ends the connection.
    /// </summary>
    private async Task SendAsync()
    {
        var ending = false;
        try
        {
            while (true)
            {
                var next = buffer.TryDequeue(out var message);
                if (next == SendNext.Idle)
                {
                    return;
                }

                if (next == SendNext.Finish)
                {
                    ending = true;
                    await FinishAsync();
                    return;
                }

                try
                {
                    await socket.SendAsync(message!.Bytes, WebSocketMessageType.Text, endOfMessage: true, abort.Token);
                }
                finally
                {
                    buffer.Sent(message!);
                }

                message.Owner?.Acknowledge(message.Seq);
            }
        }
        catch (Exception exception)
        {
            // The socket broke or was aborted: stop everything; the receive loop ends with it. (This sender keeps the role:
            // the buffer is closed now, so no other one starts.)
            ending = true;
            if (!IsDisconnect(exception))
            {
                LogSendFailed(services.Logger, exception, tenant);
            }

            Close(WebSocketCloseStatus.NormalClosure, "");
            await abort.CancelAsync();
        }
        finally
        {
            if (ending)
            {
                buffer.DropAll();
                finished.TrySetResult();
            }
        }
    }

    // The buffer was closed and everything queued went out (or was dropped by an overflow): the close handshake.
    private async Task FinishAsync()
    {
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

        Stopped(buffer.Close());
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

        var stop = buffer.Overflow();
        if (stop != SendStop.AlreadyStopped)
        {
            services.Metrics.Overflowed();
        }

        Stopped(stop);
    }

    private void Stopped(SendStop stop)
    {
        if (stop == SendStop.AlreadyStopped)
        {
            return;
        }

        CancelSubscriptions();
        abort.CancelAfter(options.CloseTimeoutMs);
        if (stop == SendStop.StoppedStartSender)
        {
            _ = SendAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending on a WebSocket feed of {Tenant} failed; the connection was closed")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string tenant);

    private static bool IsDisconnect(Exception exception) =>
        exception is WebSocketException or OperationCanceledException or IOException or Microsoft.AspNetCore.Connections.ConnectionAbortedException or ObjectDisposedException;
}
