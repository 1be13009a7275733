using Tessera.Grains;
using Tessera.Storage;

namespace Tessera.DataNode.Feeds;

/// <summary>How a <see cref="ChangeStream"/> ended.</summary>
internal enum ChangeStreamEnd
{
    Finished,
    DatabaseDeleted,
}

/// <summary>
/// The one loop every live feed runs (continuous, eventsource, each WebSocket subscription): read a page of changes from
/// storage after the cursor, hand its rows to the sink, and once caught up wait on the <see cref="ChangeHub"/> until the
/// database moves past the cursor. Rows come from storage only, so a lost hint delays a feed and never loses a change.
/// While it runs the database is followed (<see cref="ChangeHub.Watch"/>), so commits on other nodes wake it too.
/// </summary>
internal sealed class ChangeStream(ChangeReader reader, ChangeHub hub, DatabaseRecord database, ChangesRequest request, int pageSize)
{
    private long cursor = request.Since;

    public DatabaseRecord Database => database;

    public ChangesRequest Request => request;

    /// <summary>Every change up to this sequence was handed to the sink or filtered out: where a client resumes.</summary>
    public long Cursor => Volatile.Read(ref cursor);

    public async Task<ChangeStreamEnd> RunAsync(IFeedSink sink, CancellationToken cancellationToken)
    {
        using var watch = hub.Watch(database.Tenant, database.Name, database.Key);
        var sent = 0;
        var idleTimeout = request.Heartbeat is null && request.Timeout != Timeout.InfiniteTimeSpan;
        var idleUntil = DateTime.UtcNow + (idleTimeout ? request.Timeout : TimeSpan.Zero);
        while (sent < request.Limit)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var observed = hub.Current(database.Key);
            if (observed == long.MaxValue)
            {
                await sink.EndAsync(Cursor, cancellationToken);
                return ChangeStreamEnd.DatabaseDeleted;
            }

            var (delivered, complete) = await DeliverPageAsync(sink, Math.Min(pageSize, request.Limit - sent), observed, cancellationToken);
            sent += delivered;
            if (!complete)
            {
                continue;
            }

            // Note: every commit up to the sequence observed before the read was published after it committed, so the
            // read saw it: rows up to there that did not come back were filtered out or superseded. Skipping them spares
            // a filtered feed from scanning them again on every wake. (Storage is one primary; no lagging replicas.)
            Advance(observed);
            if (delivered > 0)
            {
                idleUntil = DateTime.UtcNow + (idleTimeout ? request.Timeout : TimeSpan.Zero);
            }

            await sink.CaughtUpAsync(Cursor, cancellationToken);
            if (request.Heartbeat is null && !idleTimeout)
            {
                // A WebSocket subscription: wait until the database moves or the subscription ends, without a timer (and
                // without another state machine: every idle subscription waits here).
                if (!await hub.WaitAsync(database.Key, Cursor, cancellationToken))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
            else if (!await WaitAsync(sink, idleTimeout ? idleUntil - DateTime.UtcNow : null, cancellationToken))
            {
                break;
            }
        }

        await sink.EndAsync(Cursor, cancellationToken);
        return ChangeStreamEnd.Finished;
    }

    // Note: a method of its own, so the page's rows are not kept alive by the loop's state while it waits for changes.
    private async Task<(int Delivered, bool Complete)> DeliverPageAsync(IFeedSink sink, int max, long observed, CancellationToken cancellationToken)
    {
        var page = await reader.ReadPageAsync(database.Key, request, Cursor, max, observed, cancellationToken);
        foreach (var row in page.Rows)
        {
            await sink.WriteRowAsync(row, cancellationToken);
            Advance(row.Document.Seq);
        }

        Advance(page.ScannedThrough);
        return (page.Rows.Count, page.Complete);
    }

    /// <summary>Waits for the database to move past the cursor; sends heartbeats meanwhile. False when the idle timeout passed.</summary>
    private async Task<bool> WaitAsync(IFeedSink sink, TimeSpan? idleLeft, CancellationToken cancellationToken)
    {
        var wait = (request.Heartbeat ?? idleLeft)!.Value;
        if (request.Heartbeat is null && wait <= TimeSpan.Zero)
        {
            return false;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1));
        if (await hub.WaitAsync(database.Key, Cursor, timeout.Token))
        {
            return true;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (request.Heartbeat is null)
        {
            return false;
        }

        await sink.HeartbeatAsync(cancellationToken);
        return true;
    }

    private void Advance(long seq)
    {
        if (seq > cursor)
        {
            Volatile.Write(ref cursor, seq);
        }
    }
}
