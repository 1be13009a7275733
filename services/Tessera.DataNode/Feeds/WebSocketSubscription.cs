using Tessera.DataNode.Couch;
using Tessera.Storage;

namespace Tessera.DataNode.Feeds;

/// <summary>
/// One database followed on a WebSocket connection: a <see cref="ChangeStream"/> whose sink turns rows into messages
/// (<c>{"db":…, …the CouchDB row…}</c>) and catching up into <c>{"type":"checkpoint"}</c>, queued on the connection.
/// </summary>
internal sealed class WebSocketSubscription : IFeedSink
{
    private readonly WebSocketFeedConnection connection;
    private long acknowledged;
    private long reported;
    private bool live;

    public WebSocketSubscription(WebSocketFeedConnection connection, ChangeStream stream)
    {
        this.connection = connection;
        Stream = stream;
        acknowledged = reported = stream.Request.Since;
    }

    public string Db => Stream.Database.Name;

    public ChangeStream Stream { get; }

    public CancellationTokenSource Cancellation { get; } = new();

    public Task Running { get; set; } = Task.CompletedTask;

    /// <summary>The highest sequence whose message the socket took: where the client resumes if the rest is dropped.</summary>
    public long Acknowledged => Interlocked.Read(ref acknowledged);

    public void Acknowledge(long seq)
    {
        var current = Interlocked.Read(ref acknowledged);
        while (seq > current && Interlocked.CompareExchange(ref acknowledged, seq, current) != current)
        {
            current = Interlocked.Read(ref acknowledged);
        }
    }

    public ValueTask WriteRowAsync(DocumentWithBody row, CancellationToken cancellationToken)
    {
        var request = Stream.Request;
        var db = Db;
        var message = OutgoingMessage.Write(
            w =>
            {
                w.WriteStartObject();
                w.WriteString("db", db);
                ChangeRowWriter.WriteMembers(w, row, request);
                w.WriteEndObject();
            },
            this,
            row.Document.Seq,
            isRow: true);
        reported = Math.Max(reported, row.Document.Seq);
        return connection.EnqueueRowAsync(this, message, cancellationToken);
    }

    /// <summary>
    /// The first time, and whenever filtered or superseded changes moved the cursor past the last row sent, the client
    /// learns its resume point explicitly, so it never re-reads changes its filter skipped.
    /// </summary>
    public ValueTask CaughtUpAsync(long lastSeq, CancellationToken cancellationToken)
    {
        if (!live || lastSeq > reported)
        {
            live = true;
            reported = lastSeq;
            connection.Enqueue(WebSocketMessages.Checkpoint(this, lastSeq));
        }

        return ValueTask.CompletedTask;
    }

    // Heartbeats are per connection, not per subscription.
    public ValueTask HeartbeatAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask EndAsync(long lastSeq, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
