using System.Text.Json;
using Tessera.DataNode.Couch;
using Tessera.Grains;
using Tessera.Storage;

namespace Tessera.DataNode.Feeds;

/// <summary>Delivers a batch <c>_changes</c> request (normal, longpoll); the live feeds run a <see cref="ChangeStream"/>.</summary>
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
        ChangeWatch? watch = null;
        w.WriteStartObject();
        w.WriteStartArray("results");
        try
        {
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

                if (count > 0 || request.Feed != ChangesFeed.LongPoll || request.Descending)
                {
                    break;
                }

                // Follow the database while waiting, so a commit on another node wakes this poll too.
                watch ??= hub.Watch(database.Tenant, database.Name, database.Key);
                if (!await hub.WaitAsync(database.Key, Math.Max(since, observed), timeout.Token))
                {
                    break;
                }
            }
        }
        finally
        {
            watch?.Dispose();
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
}
