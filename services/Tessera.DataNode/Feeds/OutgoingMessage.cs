using System.Buffers;
using System.Text.Json;
using Tessera.DataNode.Couch;

namespace Tessera.DataNode.Feeds;

/// <summary>
/// One serialized WebSocket message waiting in a <see cref="SendBuffer"/>. Its bytes are rented from the shared pool and
/// returned once the socket took them (or the message was dropped), so idle connections hold no buffers.
/// </summary>
internal sealed class OutgoingMessage
{
    private byte[]? rented;
    private readonly ReadOnlyMemory<byte> bytes;

    private OutgoingMessage(byte[]? rented, ReadOnlyMemory<byte> bytes, WebSocketSubscription? owner, long seq, bool isRow)
    {
        this.rented = rented;
        this.bytes = bytes;
        Owner = owner;
        Seq = seq;
        IsRow = isRow;
    }

    public ReadOnlyMemory<byte> Bytes => bytes;

    public int Length => bytes.Length;

    /// <summary>The subscription whose resume point this message carries (a row, checkpoint or acknowledgement), if any.</summary>
    public WebSocketSubscription? Owner { get; }

    /// <summary>The sequence the client can resume from once it received this message; -1 for none.</summary>
    public long Seq { get; }

    /// <summary>Counted against <see cref="FeedOptions.SendBufferChanges"/>.</summary>
    public bool IsRow { get; }

    /// <summary>Singly linked queue of the send buffer (no per-connection array that outlives a burst).</summary>
    public OutgoingMessage? Next { get; set; }

    public static OutgoingMessage Write(Action<Utf8JsonWriter> write, WebSocketSubscription? owner = null, long seq = -1, bool isRow = false)
    {
        var buffer = new PooledBufferWriter();
        using (var writer = new Utf8JsonWriter(buffer, CouchJson.WriterOptions))
        {
            write(writer);
        }

        var (array, length) = buffer.Detach();
        return new OutgoingMessage(array, array.AsMemory(0, length), owner, seq, isRow);
    }

    /// <summary>A message whose bytes are shared and never returned (heartbeats, pongs).</summary>
    public static OutgoingMessage Constant(ReadOnlyMemory<byte> bytes) => new(null, bytes, null, -1, false);

    public void Release()
    {
        if (Interlocked.Exchange(ref rented, null) is { } array)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    /// <summary>An <see cref="IBufferWriter{T}"/> over arrays rented from the shared pool, growing by renting a larger one.</summary>
    private sealed class PooledBufferWriter : IBufferWriter<byte>
    {
        private byte[] buffer = ArrayPool<byte>.Shared.Rent(256);
        private int written;

        public void Advance(int count) => written += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return buffer.AsMemory(written);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return buffer.AsSpan(written);
        }

        public (byte[] Array, int Length) Detach() => (buffer, written);

        private void Ensure(int sizeHint)
        {
            var needed = written + Math.Max(sizeHint, 1);
            if (needed <= buffer.Length)
            {
                return;
            }

            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
            buffer.AsSpan(0, written).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }
    }
}
