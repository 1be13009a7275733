using System.Diagnostics.CodeAnalysis;

namespace Tessera.DataNode.Feeds;

/// <summary>
/// A WebSocket connection's outgoing messages, waiting for its one sender, bounded by <see cref="FeedOptions.SendBufferBytes"/>
/// and <see cref="FeedOptions.SendBufferChanges"/> (a message counts until the socket took it). Rows wait for room;
/// control messages (acknowledgements, errors, checkpoints, heartbeats) always join, up to twice the byte bound, beyond
/// which the connection overflows. Once closed nothing joins and the sender sends what is queued; once overflowed,
/// what is queued is dropped.
/// </summary>
/// <remarks>
/// Note: there is no sender task while the connection is idle. Whoever queues a message into an idle buffer is told to
/// start sending (<see cref="SendStart.Start"/>); that sender takes messages until the queue is empty, then gives the
/// role back in the same lock that a new message checks. So the common case (one row into an idle connection) is written
/// to the socket by the thread that produced it, without a hop to another task, and an idle connection holds no sender.
/// </remarks>
internal sealed class SendBuffer(FeedOptions options, FeedMetrics metrics)
{
    private readonly Lock gate = new();
    private OutgoingMessage? head;
    private OutgoingMessage? tail;
    private long bytes;
    private int rows;
    private bool sending;
    private TaskCompletionSource? roomWaiter;

    public SendBufferState State { get; private set; }

    /// <summary>Bytes held now (queued and in flight).</summary>
    public long Bytes
    {
        get
        {
            lock (gate)
            {
                return bytes;
            }
        }
    }

    /// <summary>Adds a row if it fits; <see cref="SendStart.Start"/> tells the caller to start the sender.</summary>
    public SendStart TryEnqueueRow(OutgoingMessage message)
    {
        lock (gate)
        {
            if (State != SendBufferState.Open || !HasRoom())
            {
                return SendStart.Rejected;
            }

            return Append(message);
        }
    }

    /// <summary>
    /// Adds a control message; <see cref="SendStart.Rejected"/> (and the message dropped) when the buffer no longer
    /// accepts messages, or when it would hold more than twice the byte bound (then the caller overflows the connection).
    /// </summary>
    public SendStart TryEnqueue(OutgoingMessage message)
    {
        lock (gate)
        {
            if (State == SendBufferState.Open && bytes + message.Length <= 2L * options.SendBufferBytes)
            {
                return Append(message);
            }
        }

        message.Release();
        return SendStart.Rejected;
    }

    /// <summary>Completes when a row would fit, or when the buffer stops accepting messages.</summary>
    public Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (State != SendBufferState.Open || HasRoom())
            {
                return Task.CompletedTask;
            }

            roomWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return roomWaiter.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The sender takes the next message for the socket. When none is queued: while the buffer is open the sender role is
    /// given back (the next message starts a sender again) and this returns <see cref="SendNext.Idle"/>; once the buffer
    /// was closed or overflowed, the sender keeps the role for good and gets <see cref="SendNext.Finish"/>: it ends the
    /// connection (no other sender ever starts).
    /// </summary>
    public SendNext TryDequeue([NotNullWhen(true)] out OutgoingMessage? message)
    {
        lock (gate)
        {
            message = head;
            if (message is null)
            {
                if (State == SendBufferState.Open)
                {
                    sending = false;
                    return SendNext.Idle;
                }

                return SendNext.Finish;
            }

            head = message.Next;
            message.Next = null;
            if (head is null)
            {
                tail = null;
            }

            return SendNext.Message;
        }
    }

    /// <summary>The socket took the message (or failed to): it no longer counts, and its bytes go back to the pool.</summary>
    public void Sent(OutgoingMessage message)
    {
        TaskCompletionSource? room = null;
        lock (gate)
        {
            bytes -= message.Length;
            rows -= message.IsRow ? 1 : 0;
            metrics.Buffered(-message.Length, bytes);
            if (roomWaiter is not null && HasRoom())
            {
                room = roomWaiter;
                roomWaiter = null;
            }
        }

        message.Release();
        room?.TrySetResult();
    }

    /// <summary>
    /// The consumer fell behind: drop what waits and let the sender tell the client where to resume. <see cref="SendStop.Stopped"/>
    /// for the call that did it, <see cref="SendStop.StoppedStartSender"/> when no sender runs and the caller must start one.
    /// </summary>
    public SendStop Overflow() => Stop(SendBufferState.Overflowed, drop: true);

    /// <summary>The connection ends: nothing joins any more; the sender sends what is queued, then closes the socket.</summary>
    public SendStop Close() => Stop(SendBufferState.Closed, drop: false);

    /// <summary>Drops whatever is still queued, whatever the state (the socket broke, or the connection is over).</summary>
    public void DropAll() => Stop(State == SendBufferState.Open ? SendBufferState.Closed : State, drop: true);

    private SendStop Stop(SendBufferState state, bool drop)
    {
        OutgoingMessage? dropped = null;
        TaskCompletionSource? room;
        var result = SendStop.AlreadyStopped;
        lock (gate)
        {
            var changed = State == SendBufferState.Open && state != SendBufferState.Open;
            if (changed)
            {
                State = state;

                // The sender finishes the connection; if none runs, the caller starts one to do that.
                result = sending ? SendStop.Stopped : SendStop.StoppedStartSender;
                sending = true;
            }
            else if (!drop)
            {
                return SendStop.AlreadyStopped;
            }

            if (drop)
            {
                dropped = head;
                head = tail = null;
                for (var m = dropped; m is not null; m = m.Next)
                {
                    bytes -= m.Length;
                    rows -= m.IsRow ? 1 : 0;
                    metrics.Buffered(-m.Length, bytes);
                }
            }

            (room, roomWaiter) = (roomWaiter, null);
        }

        for (var m = dropped; m is not null; m = m.Next)
        {
            m.Release();
        }

        room?.TrySetResult();
        return result;
    }

    private bool HasRoom() => bytes < options.SendBufferBytes && rows < options.SendBufferChanges;

    private SendStart Append(OutgoingMessage message)
    {
        if (tail is null)
        {
            head = tail = message;
        }
        else
        {
            tail.Next = message;
            tail = message;
        }

        bytes += message.Length;
        rows += message.IsRow ? 1 : 0;
        metrics.Buffered(message.Length, bytes);
        if (sending)
        {
            return SendStart.Queued;
        }

        sending = true;
        return SendStart.Start;
    }
}

internal enum SendBufferState
{
    Open,
    Closed,
    Overflowed,
}

/// <summary>What queuing a message asks of the caller.</summary>
internal enum SendStart
{
    /// <summary>Not queued (and released).</summary>
    Rejected,

    /// <summary>Queued; the running sender takes it.</summary>
    Queued,

    /// <summary>Queued into an idle buffer: the caller is now the sender and must start sending.</summary>
    Start,
}

/// <summary>What the sender does next.</summary>
internal enum SendNext
{
    Message,
    Idle,
    Finish,
}

/// <summary>The result of closing or overflowing the buffer.</summary>
internal enum SendStop
{
    AlreadyStopped,
    Stopped,
    StoppedStartSender,
}
