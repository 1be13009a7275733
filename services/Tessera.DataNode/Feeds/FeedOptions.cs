using System.ComponentModel.DataAnnotations;

namespace Tessera.DataNode.Feeds;

/// <summary>Settings of the live feeds (WebSocket, eventsource, continuous), bound from <c>Tessera:Feeds</c>.</summary>
public sealed class FeedOptions
{
    /// <summary>A WebSocket connection sends <c>{"type":"heartbeat"}</c> after this long without any other message (the <c>heartbeat</c> query parameter overrides it).</summary>
    [Range(1_000, 3_600_000)]
    public int HeartbeatMs { get; set; } = 30_000;

    /// <summary>Interval of WebSocket protocol pings (kept alive through proxies and NATs, answered by browsers on their own); 0 turns them off.</summary>
    [Range(0, 3_600_000)]
    public int KeepAliveMs { get; set; } = 30_000;

    /// <summary>Most bytes of messages a WebSocket connection holds that the socket has not taken yet.</summary>
    [Range(4_096, 64 * 1024 * 1024)]
    public int SendBufferBytes { get; set; } = 256 * 1024;

    /// <summary>Most change rows a WebSocket connection holds that the socket has not taken yet.</summary>
    [Range(1, 1_000_000)]
    public int SendBufferChanges { get; set; } = 1_000;

    /// <summary>
    /// A slow consumer: while a connection's send buffer is full, once more than this many further changes are committed
    /// to a database it follows, the server sends <c>{"type":"overflow"}</c> with each database's resume point and closes.
    /// </summary>
    [Range(0, 10_000_000)]
    public int MaxLagChanges { get; set; } = 1_000;

    /// <summary>Most databases one WebSocket connection may follow at once.</summary>
    [Range(1, 10_000)]
    public int MaxSubscriptionsPerConnection { get; set; } = 100;

    /// <summary>Largest client message accepted on a WebSocket; a larger one closes the connection (1009).</summary>
    [Range(1_024, 16 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>How long a closing WebSocket waits for the client to take the last messages and answer the close handshake.</summary>
    [Range(100, 600_000)]
    public int CloseTimeoutMs { get; set; } = 5_000;

    /// <summary>Change rows read from storage per read of one live feed.</summary>
    [Range(1, 10_000)]
    public int PageSize { get; set; } = 100;
}
