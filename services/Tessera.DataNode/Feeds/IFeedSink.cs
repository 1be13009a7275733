using Tessera.Storage;

namespace Tessera.DataNode.Feeds;

/// <summary>
/// Where a <see cref="ChangeStream"/> delivers: the framing differs (newline-delimited JSON, server-sent events, WebSocket
/// messages), the rows and the loop do not. Any method may wait (backpressure) and throws
/// <see cref="OperationCanceledException"/> when the feed must stop.
/// </summary>
internal interface IFeedSink
{
    ValueTask WriteRowAsync(DocumentWithBody row, CancellationToken cancellationToken);

    /// <summary>The feed caught up with storage: every change up to <paramref name="lastSeq"/> was delivered or filtered out.</summary>
    ValueTask CaughtUpAsync(long lastSeq, CancellationToken cancellationToken);

    ValueTask HeartbeatAsync(CancellationToken cancellationToken);

    /// <summary>The feed ends normally (its limit or idle timeout was reached, or the database was deleted).</summary>
    ValueTask EndAsync(long lastSeq, CancellationToken cancellationToken);
}
