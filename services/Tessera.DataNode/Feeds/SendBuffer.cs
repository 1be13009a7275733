using System.Diagnostics.CodeAnalysis;

namespace Tessera.DataNode.Feeds;

/// <summary>
/// A WebSocket connection's outgoing messages, waiting for its one sender, bounded by <see cref="FeedOptions.SendBufferBytes"/>
/// and <see cref="FeedOptions.SendBufferChanges"/> (a message counts until the socket took it). Rows wait for room;
/// control messages (acknowledgements, errors, checkpoints, heartbeats) always join, up to twice the byte bound, beyond
/// which the connection overflows. Once closed nothing joins and the sender sends what is queued; once overflowed,
/// what is queued is dropped.
/// </summary>
internal sealed class SendBuffer(FeedOptions options, FeedMetrics metrics)
{
    private readonly Lock gate = new();
    private OutgoingMessage? head;
    private OutgoingMessage? tail;
    private long bytes;
    private int rows;
    private TaskCompletionSource? dataWaiter;
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

    public bool TryEnqueueRow(OutgoingMessage message)
    {
        lock (gate)
        {
            if (State != SendBufferState.Open || !HasRoom())
            {
                return false;
            }

            Append(message);
            return true;
        }
    }

    /// <summary>
    /// Adds a control message; false (and the message dropped) when the buffer no longer accepts messages, or when it
    /// would hold more than twice the byte bound (then the caller overflows the connection).
    /// </summary>
    public bool TryEnqueue(OutgoingMessage message)
    {
        lock (gate)
        {
            if (State == SendBufferState.Open && bytes + message.Length <= 2L * options.SendBufferBytes)
            {
                Append(message);
                return true;
            }
        }

        message.Release();
        return false;
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

    /// <summary>Takes the next message for the socket; false when none is queued (see <see cref="WaitForDataAsync"/>).</summary>
    public bool TryDequeue([NotNullWhen(true)] out OutgoingMessage? message)
    {
        lock (gate)
        {
            message = head;
            if (message is null)
            {
                return false;
            }

            head = message.Next;
            message.Next = null;
            if (head is null)
            {
                tail = null;
            }

            return true;
        }
    }

    /// <summary>
    /// Completes when a message is queued or the buffer stops accepting messages. Note: a plain task, no async state
    /// machine, since every idle connection's sender waits here.
    /// </summary>
    public Task WaitForDataAsync()
    {
        lock (gate)
        {
            if (head is not null || State != SendBufferState.Open)
            {
                return Task.CompletedTask;
            }

            dataWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return dataWaiter.Task;
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

    /// <summary>The consumer fell behind: drop what waits and let the sender tell the client where to resume. True for the call that did it.</summary>
    public bool Overflow() => Stop(SendBufferState.Overflowed, drop: true);

    /// <summary>The connection ends: nothing joins any more; the sender sends what is queued, then closes the socket.</summary>
    public bool Close() => Stop(SendBufferState.Closed, drop: false);

    /// <summary>Drops whatever is still queued, whatever the state (the socket broke, or the connection is over).</summary>
    public void DropAll() => Stop(State == SendBufferState.Open ? SendBufferState.Closed : State, drop: true);

    private bool Stop(SendBufferState state, bool drop)
    {
        OutgoingMessage? dropped = null;
        TaskCompletionSource? data, room;
        bool changed;
        lock (gate)
        {
            changed = State == SendBufferState.Open && state != SendBufferState.Open;
            if (changed)
            {
                State = state;
            }
            else if (!drop)
            {
                return false;
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

            (data, dataWaiter) = (dataWaiter, null);
            (room, roomWaiter) = (roomWaiter, null);
        }

        for (var m = dropped; m is not null; m = m.Next)
        {
            m.Release();
        }

        data?.TrySetResult();
        room?.TrySetResult();
        return changed;
    }

    private bool HasRoom() => bytes < options.SendBufferBytes && rows < options.SendBufferChanges;

    private void Append(OutgoingMessage message)
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
        if (dataWaiter is { } data)
        {
            dataWaiter = null;
            data.TrySetResult();
        }
    }
}

internal enum SendBufferState
{
    Open,
    Closed,
    Overflowed,
}
