using System.Diagnostics.Metrics;

namespace Tessera.DataNode.Feeds;

/// <summary>
/// Live-feed counters of this node, as properties (for tests and diagnostics) and as the <c>Tessera.Feeds</c> meter.
/// <see cref="PeakConnectionBufferedBytes"/> is how the send-buffer bound is checked: no connection ever held more.
/// </summary>
public sealed class FeedMetrics
{
    public const string MeterName = "Tessera.Feeds";

    private readonly Counter<long> overflows;
    private readonly UpDownCounter<long> connections;
    private readonly UpDownCounter<long> subscriptions;
    private long openConnections;
    private long activeSubscriptions;
    private long bufferedBytes;
    private long peakConnectionBufferedBytes;
    private long overflowCount;
    private long pagesFromMemory;
    private long pagesFromStorage;

    public FeedMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        overflows = meter.CreateCounter<long>("tessera.feeds.overflows", description: "WebSocket connections closed because the consumer fell behind");
        connections = meter.CreateUpDownCounter<long>("tessera.feeds.websocket.connections", description: "Open WebSocket feed connections");
        subscriptions = meter.CreateUpDownCounter<long>("tessera.feeds.subscriptions", description: "Databases followed by live feeds");
        meter.CreateObservableGauge("tessera.feeds.buffered_bytes", () => Interlocked.Read(ref bufferedBytes), "By", "Bytes held in WebSocket send buffers");
    }

    public long OpenConnections => Interlocked.Read(ref openConnections);

    public long ActiveSubscriptions => Interlocked.Read(ref activeSubscriptions);

    /// <summary>Bytes held in all WebSocket send buffers right now.</summary>
    public long BufferedBytes => Interlocked.Read(ref bufferedBytes);

    /// <summary>The most bytes any single WebSocket connection's send buffer ever held.</summary>
    public long PeakConnectionBufferedBytes => Interlocked.Read(ref peakConnectionBufferedBytes);

    public long Overflows => Interlocked.Read(ref overflowCount);

    /// <summary>Live-feed pages served from the change hub's recent rows, without a storage read.</summary>
    public long PagesFromMemory => Interlocked.Read(ref pagesFromMemory);

    /// <summary>Live-feed pages read from storage.</summary>
    public long PagesFromStorage => Interlocked.Read(ref pagesFromStorage);

    internal void PageFromMemory() => Interlocked.Increment(ref pagesFromMemory);

    internal void PageFromStorage() => Interlocked.Increment(ref pagesFromStorage);

    internal void ConnectionOpened()
    {
        Interlocked.Increment(ref openConnections);
        connections.Add(1);
    }

    internal void ConnectionClosed()
    {
        Interlocked.Decrement(ref openConnections);
        connections.Add(-1);
    }

    internal void SubscriptionStarted()
    {
        Interlocked.Increment(ref activeSubscriptions);
        subscriptions.Add(1);
    }

    internal void SubscriptionEnded()
    {
        Interlocked.Decrement(ref activeSubscriptions);
        subscriptions.Add(-1);
    }

    internal void Buffered(long delta, long connectionTotal)
    {
        Interlocked.Add(ref bufferedBytes, delta);
        var peak = Interlocked.Read(ref peakConnectionBufferedBytes);
        while (connectionTotal > peak && Interlocked.CompareExchange(ref peakConnectionBufferedBytes, connectionTotal, peak) != peak)
        {
            peak = Interlocked.Read(ref peakConnectionBufferedBytes);
        }
    }

    internal void Overflowed()
    {
        Interlocked.Increment(ref overflowCount);
        overflows.Add(1);
    }
}
