using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Tessera.DataNode.Feeds;
using Xunit;

namespace Tessera.DataNode.IntegrationTests.Feeds;

/// <summary>A server with a small WebSocket send buffer, so a client that stops reading overflows it cheaply.</summary>
public sealed class SmallSendBufferServer : TesseraServerFixture
{
    public const int SendBufferBytes = 16 * 1024;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Tessera:Feeds:SendBufferBytes"] = SendBufferBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Tessera:Feeds:SendBufferChanges"] = "50",
        ["Tessera:Feeds:MaxLagChanges"] = "20",
        ["Tessera:Feeds:CloseTimeoutMs"] = "60000",
    };
}

/// <summary>A consumer that stops reading is cut off with where to resume, and the server never holds more than its bound.</summary>
public sealed class SlowConsumerTests(SmallSendBufferServer server) : CouchTestBase(server), IClassFixture<SmallSendBufferServer>
{
    private const int DocBytes = 4000;
    private const int BatchSize = 50;
    private const int MaxBatches = 400;

    [Fact]
    public async Task WebSocket_ClientStopsReading_IsCutOffWithOverflowAndTheBufferStaysBounded()
    {
        var metrics = Server.Host.Services.GetRequiredService<FeedMetrics>();
        var overflowsBefore = metrics.Overflows;
        var db = await Couch.CreateDatabaseAsync();
        await using var feed = await FeedSocket.ConnectAsync(Server.Host, $"{db}/_changes?feed=websocket&since=now&include_docs=true", receiveBufferBytes: 4096);
        await feed.ExpectLiveAsync(db);

        // The client reads nothing more; the writer goes on until the server reports the overflow (kernel buffers
        // absorb the first few hundred kilobytes, so how many writes that takes varies).
        var written = new List<string>();
        var filler = new string('x', DocBytes);
        for (var batch = 0; metrics.Overflows == overflowsBefore; batch++)
        {
            Assert.True(batch < MaxBatches, $"No overflow after {written.Count} documents of {DocBytes} bytes.");
            var ids = Enumerable.Range(0, BatchSize).Select(i => $"doc{batch:000}-{i:00}").ToList();
            var docs = string.Join(',', ids.Select(id => $$"""{"_id":"{{id}}","filler":"{{filler}}"}"""));
            var response = await Couch.PostAsync($"{db}/_bulk_docs", $$"""{"docs":[{{docs}}]}""");
            Assert.Equal(HttpStatusCode.Created, response.Status);
            written.AddRange(ids);
        }

        // Now read: the rows the socket took, then the overflow notice, then a policy-violation close.
        var received = new List<(string Id, long Seq)>();
        string? overflowSeq = null;
        WebSocketCloseStatus? close;
        while (true)
        {
            var (message, status) = await feed.ReceiveOrCloseAsync();
            if (message is not { } m)
            {
                close = status;
                break;
            }

            if (FeedSocket.IsRow(m))
            {
                Assert.Null(overflowSeq);
                received.Add((m.GetProperty("id").GetString()!, FeedSocket.Seq(m)));
            }
            else if (FeedSocket.Type(m) == "overflow")
            {
                Assert.Equal(db, FeedSocket.Db(m));
                overflowSeq = m.GetProperty("last_seq").GetString();
            }
        }

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, close);
        Assert.NotNull(overflowSeq);
        var resumeFrom = long.Parse(overflowSeq, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(received.Count == 0 ? 0 : received[^1].Seq, resumeFrom);
        Assert.True(received.Count < written.Count, "The overflow must have dropped rows, or nothing was held back.");

        // The bound held: no connection ever buffered more than the limit plus one row (and its small notices).
        Assert.InRange(metrics.PeakConnectionBufferedBytes, 1, SmallSendBufferServer.SendBufferBytes + DocBytes + 1024);

        // Resuming from the overflow's last_seq delivers the rest exactly once.
        await using var resumed = await FeedSocket.ConnectAsync(Server.Host, $"{db}/_changes?feed=websocket&since={resumeFrom}");
        var rest = new List<string>();
        while (received.Count + rest.Count < written.Count)
        {
            var m = await resumed.ReceiveSkippingHeartbeatsAsync();
            if (FeedSocket.IsRow(m))
            {
                rest.Add(m.GetProperty("id").GetString()!);
            }
        }

        Assert.Equal(written, received.Select(r => r.Id).Concat(rest));
    }

    [Fact]
    public async Task WebSocket_OversizedClientMessage_ClosesWithMessageTooBig()
    {
        var db = await Couch.CreateDatabaseAsync();
        await using var feed = await FeedSocket.ConnectAsync(Server.Host, $"{db}/_changes?feed=websocket&since=now");
        await feed.ExpectLiveAsync(db);

        await feed.SendAsync("{\"type\":\"ping\",\"pad\":\"" + new string('p', 70 * 1024) + "\"}");

        var error = await feed.ExpectAsync("error");
        Assert.Equal("too_large", error.GetProperty("error").GetString());
        var (_, close) = await feed.ReceiveOrCloseAsync();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, close);
    }
}
