using System.Text.Json;
using Tessera.DataNode.Couch;
using Tessera.Grains;
using Tessera.Storage;

namespace Tessera.DataNode.Feeds;

/// <summary>Delivers one <c>_changes</c> request: a batch (normal, longpoll) or a stream of rows (continuous, eventsource).</summary>
internal sealed class ChangesFeedWriter(ChangeReader reader, ChangeHub hub, DatabaseRecord database, ChangesRequest request)
{
    public ChangesRequest Request => request;

    /// <summary>normal and longpoll: <c>{"results":[...],"last_seq":"N","pending":P}</c>.</summary>
    public async Task WriteBatchAsync(Utf8JsonWriter w, Func<ValueTask> flush)
    {
        using var timeout = new CancellationTokenSource(request.Timeout);
        var since = request.Since;
        var lastSeq = request.Descending ? 0 : since;
        var count = 0;
        w.WriteStartObject();
        w.WriteStartArray("results");
        while (true)
        {
            var observed = hub.Current(database.Key);
            await foreach (var row in reader.ReadAsync(database.Key, request, since, request.Limit, CancellationToken.None))
            {
                ChangeRowWriter.Write(w, row, request);
                lastSeq = request.Descending ? row.Document.Seq : Math.Max(lastSeq, row.Document.Seq);
                count++;
                await flush();
            }

            if (count > 0 || request.Feed != ChangesFeed.LongPoll || request.Descending
                || !await hub.WaitAsync(database.Key, Math.Max(since, observed), timeout.Token))
            {
                break;
            }
        }

        w.WriteEndArray();
        var limited = count >= request.Limit;
        if (!limited && !request.Descending)
        {
            lastSeq = Math.Max(lastSeq, Math.Max(since, database.UpdateSeq));
        }

        w.WriteString("last_seq", Sequences.Format(lastSeq));
        // Note: an upper bound (sequences of documents changed again are counted twice), exact when 0.
        w.WriteNumber("pending", limited && !request.Descending ? Math.Max(0, database.UpdateSeq - lastSeq) : 0);
        w.WriteEndObject();
    }

    /// <summary>continuous and eventsource: one row per change as it happens, heartbeats while idle.</summary>
    public async Task StreamAsync(IFeedSink sink, CancellationToken aborted)
    {
        var since = request.Since;
        var sent = 0;
        var idleUntil = DateTime.UtcNow + request.Timeout;
        while (!aborted.IsCancellationRequested && sent < request.Limit)
        {
            var any = false;
            var observed = hub.Current(database.Key);
            await foreach (var row in reader.ReadAsync(database.Key, request, since, request.Limit - sent, aborted))
            {
                await sink.WriteRowAsync(w => ChangeRowWriter.Write(w, row, request), row.Document.Seq, aborted);
                since = Math.Max(since, row.Document.Seq);
                sent++;
                any = true;
            }

            if (any)
            {
                idleUntil = DateTime.UtcNow + request.Timeout;
                await sink.FlushAsync(aborted);
                continue;
            }

            var wait = request.Heartbeat ?? (idleUntil - DateTime.UtcNow);
            if (request.Heartbeat is null && wait <= TimeSpan.Zero)
            {
                break;
            }

            using var waitCts = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            waitCts.CancelAfter(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1));
            if (!await hub.WaitAsync(database.Key, Math.Max(since, observed), waitCts.Token) && !aborted.IsCancellationRequested)
            {
                if (request.Heartbeat is null)
                {
                    break;
                }

                await sink.HeartbeatAsync(aborted);
            }
        }

        if (!aborted.IsCancellationRequested)
        {
            await sink.WriteLastSeqAsync(since, aborted);
        }
    }
}
