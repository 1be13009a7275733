using Grpc.Core;
using Tessera.Contracts.V1;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Documents;
using Tessera.DataNode.Feeds;
using Tessera.Documents;
using Tessera.Storage;
using FeedRequest = Tessera.DataNode.Feeds.ChangesRequest;

namespace Tessera.DataNode.Grpc;

/// <summary>
/// Delivers a <see cref="ChangeStream"/> as <c>Change</c> messages. A heartbeat is a checkpoint: a message with only
/// <c>seq</c>, the point up to which every change was delivered or filtered out, so resuming from it is exact.
/// </summary>
internal sealed class GrpcChangeSink(IServerStreamWriter<Change> stream, FeedRequest feed) : IFeedSink
{
    private long caughtUp = feed.Since;

    public async ValueTask WriteRowAsync(DocumentWithBody row, CancellationToken cancellationToken) =>
        await stream.WriteAsync(ToChange(row), cancellationToken);

    public ValueTask CaughtUpAsync(long lastSeq, CancellationToken cancellationToken)
    {
        caughtUp = lastSeq;
        return ValueTask.CompletedTask;
    }

    public async ValueTask HeartbeatAsync(CancellationToken cancellationToken) =>
        await stream.WriteAsync(new Change { Seq = Sequences.Format(caughtUp) }, cancellationToken);

    // The stream ends when the call returns; its last message already carries the position.
    public ValueTask EndAsync(long lastSeq, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    private Change ToChange(DocumentWithBody row)
    {
        var record = row.Document;
        var change = new Change { Seq = Sequences.Format(record.Seq), Id = record.Id, Rev = record.WinningRev, Deleted = record.Deleted };
        if (!feed.IncludeDocs)
        {
            return change;
        }

        // Note: the same document as a REST change row's "doc" (Feeds/ChangeRowWriter); a compacted body stays empty.
        if (record.Deleted)
        {
            change.Json = JsonText.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("_id", record.Id);
                w.WriteString("_rev", record.WinningRev);
                w.WriteBoolean("_deleted", true);
                w.WriteEndObject();
            });
        }
        else if (row.Body is { } body)
        {
            var extras = feed.Conflicts ? new DocumentExtras(Conflicts: RevTree.Deserialize(record.RevTree).Conflicts) : DocumentExtras.None;
            change.Json = JsonText.Write(w => DocumentJsonWriter.Write(w, record.Id, record.WinningRev, false, body, extras));
        }

        return change;
    }
}
