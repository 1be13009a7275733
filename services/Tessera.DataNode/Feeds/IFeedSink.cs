using System.Text.Json;

namespace Tessera.DataNode.Feeds;

/// <summary>Where a streaming feed writes: the framing differs (newline-delimited JSON, server-sent events), the rows do not.</summary>
internal interface IFeedSink
{
    ValueTask WriteRowAsync(Action<Utf8JsonWriter> row, long seq, CancellationToken cancellationToken);

    ValueTask HeartbeatAsync(CancellationToken cancellationToken);

    ValueTask WriteLastSeqAsync(long seq, CancellationToken cancellationToken);

    ValueTask FlushAsync(CancellationToken cancellationToken);
}
