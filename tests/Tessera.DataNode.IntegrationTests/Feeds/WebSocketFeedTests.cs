using System.Net;
using System.Text.Json;
using Xunit;

namespace Tessera.DataNode.IntegrationTests.Feeds;

/// <summary><c>_changes?feed=websocket</c> (docs/websocket-feed.md) over real Kestrel and a real ClientWebSocket.</summary>
public sealed class WebSocketFeedTests(SqliteServer server) : CouchTestBase(server), IClassFixture<SqliteServer>
{
    private Task<FeedSocket> ConnectAsync(string db, string query = "since=now", IEnumerable<string>? subProtocols = null) =>
        FeedSocket.ConnectAsync(Server.Host, $"{db}/_changes?feed=websocket&{query}", subProtocols);

    [Fact]
    public async Task WebSocket_WriteOnAnotherConnection_ReachesTheSubscriberAsACouchRow()
    {
        var db = await Couch.CreateDatabaseAsync();
        await using var feed = await ConnectAsync(db);
        await feed.ExpectLiveAsync(db);

        var rev = await Couch.PutDocumentAsync(db, "live", """{"v":1}""");

        var row = await feed.ReceiveSkippingHeartbeatsAsync();
        Assert.True(FeedSocket.IsRow(row), row.GetRawText());
        Assert.Equal(["changes", "db", "id", "seq"], row.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(db, FeedSocket.Db(row));
        Assert.Equal("live", row.GetProperty("id").GetString());
        Assert.Equal("1", row.GetProperty("seq").GetString());
        CouchAssert.JsonEqual($$"""[{"rev":"{{rev}}"}]""", row.GetProperty("changes"));
    }

    [Fact]
    public async Task WebSocket_ManySubscribersOfOneDatabase_EachGetEveryRowOnce()
    {
        // Subscribers woken by the same commit share one storage read; each must still get every row, once, in order.
        var db = await Couch.CreateDatabaseAsync();
        var feeds = new List<FeedSocket>();
        for (var i = 0; i < 5; i++)
        {
            feeds.Add(await ConnectAsync(db));
            await feeds[^1].ExpectLiveAsync(db);
        }

        try
        {
            for (var i = 0; i < 3; i++)
            {
                await Couch.PutDocumentAsync(db, $"d{i}", "{}");
            }

            foreach (var feed in feeds)
            {
                var ids = new List<string>();
                while (ids.Count < 3)
                {
                    var row = await feed.ReceiveUntilAsync(FeedSocket.IsRow);
                    ids.Add(row.GetProperty("id").GetString()!);
                }

                Assert.Equal(["d0", "d1", "d2"], ids);
            }
        }
        finally
        {
            foreach (var feed in feeds)
            {
                await feed.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task WebSocket_OfferingTesseraV1_IsAnsweredWithTesseraV1Only()
    {
        var db = await Couch.CreateDatabaseAsync();

        await using var feed = await ConnectAsync(db, subProtocols: ["other.protocol", "tessera.v1"]);

        Assert.Equal("tessera.v1", feed.Socket.SubProtocol);
        await feed.ExpectLiveAsync(db);
    }

    [Fact]
    public async Task WebSocket_UnknownDatabaseInUrl_Answers404BeforeTheUpgrade()
    {
        var status = await FeedSocket.RefusedStatusAsync(Server.Host, $"missing-{Guid.NewGuid():N}/_changes?feed=websocket");

        Assert.Equal(404, status);
    }

    [Theory]
    [InlineData("since=abc")]
    [InlineData("limit=5")]
    [InlineData("descending=true")]
    [InlineData("filter=_doc_ids&doc_ids=notalist")]
    public async Task WebSocket_BadUrlParameter_Answers400BeforeTheUpgrade(string query)
    {
        var db = await Couch.CreateDatabaseAsync();

        Assert.Equal(400, await FeedSocket.RefusedStatusAsync(Server.Host, $"{db}/_changes?feed=websocket&{query}"));
    }

    [Fact]
    public async Task WebSocket_WithoutAnUpgradeRequest_Returns400()
    {
        var db = await Couch.CreateDatabaseAsync();

        var response = await Couch.GetAsync($"{db}/_changes?feed=websocket");

        CouchAssert.Error(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task WebSocket_SecondDatabaseByMessage_DeliversBothOnOneSocketWithTheirNames()
    {
        var orders = await Couch.CreateDatabaseAsync("orders");
        var users = await Couch.CreateDatabaseAsync("users");
        await using var feed = await ConnectAsync(orders);
        await feed.ExpectLiveAsync(orders);

        await feed.SendAsync($$"""{"type":"subscribe","db":"{{users}}","since":"now"}""");
        await feed.ExpectLiveAsync(users);
        await Couch.PutDocumentAsync(users, "u1", "{}");
        await Couch.PutDocumentAsync(orders, "o1", "{}");

        var first = await feed.ReceiveUntilAsync(FeedSocket.IsRow);
        var second = await feed.ReceiveUntilAsync(FeedSocket.IsRow);
        Assert.Equal((users, "u1"), (FeedSocket.Db(first), first.GetProperty("id").GetString()));
        Assert.Equal((orders, "o1"), (FeedSocket.Db(second), second.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task WebSocket_ResumeAfterDisconnect_DeliversEveryChangeExactlyOnce()
    {
        const int Total = 100;
        var db = await Couch.CreateDatabaseAsync();
        var seen = new List<(string Id, long Seq)>();
        var first = await ConnectAsync(db, "since=0");
        await first.ExpectAsync("subscribed", db);

        // The writer keeps going while the client drops its connection and comes back.
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < Total; i++)
            {
                await Couch.PutDocumentAsync(db, $"d{i:000}", $$"""{"n":{{i}}}""");
            }
        }, TestContext.Current.CancellationToken);
        while (seen.Count < 30)
        {
            var message = await first.ReceiveSkippingHeartbeatsAsync();
            if (FeedSocket.IsRow(message))
            {
                seen.Add((message.GetProperty("id").GetString()!, FeedSocket.Seq(message)));
            }
        }

        first.Socket.Abort();
        await first.DisposeAsync();
        var resumeFrom = seen[^1].Seq;
        await using var second = await ConnectAsync(db, $"since={resumeFrom}");
        var afterResume = new List<(string Id, long Seq)>();
        while (seen.Count + afterResume.Count < Total)
        {
            var message = await second.ReceiveSkippingHeartbeatsAsync();
            if (FeedSocket.IsRow(message))
            {
                afterResume.Add((message.GetProperty("id").GetString()!, FeedSocket.Seq(message)));
            }
        }

        await writer;
        Assert.All(afterResume, r => Assert.True(r.Seq > resumeFrom, $"{r.Id} at {r.Seq} was already seen before {resumeFrom}"));
        var all = seen.Concat(afterResume).ToList();
        Assert.Equal(Enumerable.Range(0, Total).Select(i => $"d{i:000}"), all.Select(r => r.Id));
        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), all.Select(r => r.Seq));
    }

    [Fact]
    public async Task WebSocket_IncludeDocs_EmbedsTheDocumentAndTombstones()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev = await Couch.PutDocumentAsync(db, "a", """{"v":1}""");
        var deleted = (await Couch.DeleteAsync($"{db}/a?rev={rev}")).Rev;
        var bRev = await Couch.PutDocumentAsync(db, "b", """{"v":2}""");
        await using var feed = await ConnectAsync(db, "since=0&include_docs=true");

        var rows = new[] { await feed.ReceiveUntilAsync(FeedSocket.IsRow), await feed.ReceiveUntilAsync(FeedSocket.IsRow) };

        CouchAssert.JsonEqual($$"""{"_id":"a","_rev":"{{deleted}}","_deleted":true}""", rows[0].GetProperty("doc"));
        Assert.True(rows[0].GetProperty("deleted").GetBoolean());
        CouchAssert.Document(rows[1].GetProperty("doc"), "b", bRev, """{"v":2}""");
    }

    [Fact]
    public async Task WebSocket_DocIdsFilter_DeliversOnlyThoseAndCheckpointsPastTheOthers()
    {
        var db = await Couch.CreateDatabaseAsync();
        await using var feed = await ConnectAsync(db, "since=now");
        await feed.ExpectLiveAsync(db);
        await feed.SendAsync($$"""{"type":"subscribe","db":"{{db}}","since":"0","doc_ids":["y"]}""");
        await feed.ExpectLiveAsync(db);

        await Couch.PutDocumentAsync(db, "x", "{}");
        await Couch.PutDocumentAsync(db, "y", "{}");
        await Couch.PutDocumentAsync(db, "z", "{}");

        var row = await feed.ReceiveUntilAsync(FeedSocket.IsRow);
        Assert.Equal("y", row.GetProperty("id").GetString());

        // z does not match: the client still learns it may resume after it.
        var checkpoint = await feed.ReceiveUntilAsync(m => FeedSocket.Type(m) == "checkpoint" && m.GetProperty("last_seq").GetString() == "3");
        Assert.Equal(db, FeedSocket.Db(checkpoint));
    }

    [Fact]
    public async Task WebSocket_SelectorFilter_DeliversOnlyMatchingDocuments()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "cheap", """{"price":5}""");
        await Couch.PutDocumentAsync(db, "dear", """{"price":500}""");
        await using var feed = await ConnectAsync(db, "since=now");
        await feed.ExpectLiveAsync(db);

        await feed.SendAsync($$$"""{"type":"subscribe","db":"{{{db}}}","since":0,"selector":{"price":{"$gt":100}},"include_docs":true}""");
        await feed.ExpectAsync("subscribed", db);
        var row = await feed.ReceiveSkippingHeartbeatsAsync();
        await Couch.PutDocumentAsync(db, "cheap2", """{"price":6}""");
        await Couch.PutDocumentAsync(db, "dear2", """{"price":600}""");
        var live = await feed.ReceiveUntilAsync(FeedSocket.IsRow);

        Assert.Equal("dear", row.GetProperty("id").GetString());
        Assert.Equal(500, row.GetProperty("doc").GetProperty("price").GetInt32());
        Assert.Equal("dear2", live.GetProperty("id").GetString());
    }

    [Fact]
    public async Task WebSocket_Idle_SendsHeartbeats()
    {
        var db = await Couch.CreateDatabaseAsync();
        await using var feed = await ConnectAsync(db, "since=now&heartbeat=200");
        await feed.ExpectLiveAsync(db);

        var first = await feed.ReceiveAsync();
        var second = await feed.ReceiveAsync();

        CouchAssert.JsonEqual("""{"type":"heartbeat"}""", first);
        CouchAssert.JsonEqual("""{"type":"heartbeat"}""", second);
    }

    [Fact]
    public async Task WebSocket_BadMessages_GetErrorsAndTheConnectionStaysOpen()
    {
        var db = await Couch.CreateDatabaseAsync();
        var missing = $"missing-{Guid.NewGuid():N}";
        await using var feed = await ConnectAsync(db);
        await feed.ExpectLiveAsync(db);

        await feed.SendAsync("not json");
        CouchAssert.JsonEqual("""{"type":"error","error":"bad_request","reason":"invalid UTF-8 JSON"}""", await feed.ExpectAsync("error"));
        await feed.SendAsync("""{"type":"subscribe"}""");
        Assert.Equal("bad_request", (await feed.ExpectAsync("error")).GetProperty("error").GetString());
        await feed.SendAsync("""{"type":"launch"}""");
        Assert.Equal("bad_request", (await feed.ExpectAsync("error")).GetProperty("error").GetString());
        await feed.SendAsync($$"""{"type":"subscribe","db":"{{missing}}"}""");
        CouchAssert.JsonEqual($$"""{"type":"error","db":"{{missing}}","error":"not_found","reason":"Database does not exist."}""", await feed.ExpectAsync("error"));
        await feed.SendAsync("""{"type":"subscribe","db":"Bad Name"}""");
        Assert.Equal("illegal_database_name", (await feed.ExpectAsync("error", "Bad Name")).GetProperty("error").GetString());
        await feed.SendAsync($$"""{"type":"subscribe","db":"{{db}}","doc_ids":"a"}""");
        Assert.Equal("bad_request", (await feed.ExpectAsync("error", db)).GetProperty("error").GetString());
        await feed.SendAsync($$"""{"type":"subscribe","db":"{{db}}","since":"abc"}""");
        Assert.Equal("bad_request", (await feed.ExpectAsync("error", db)).GetProperty("error").GetString());
        await feed.SendAsync($$"""{"type":"subscribe","db":"{{db}}","selector":""" + """{"a":{"$bogus":1}}}""");
        Assert.Equal("bad_request", (await feed.ExpectAsync("error", db)).GetProperty("error").GetString());
        await feed.SendAsync($$"""{"type":"unsubscribe","db":"{{missing}}"}""");
        Assert.Equal("not_found", (await feed.ExpectAsync("error", missing)).GetProperty("error").GetString());

        // Still open, and the first subscription still delivers.
        await feed.SendAsync("""{"type":"ping"}""");
        await feed.ExpectAsync("pong");
        await Couch.PutDocumentAsync(db, "after", "{}");
        Assert.Equal("after", (await feed.ReceiveUntilAsync(FeedSocket.IsRow)).GetProperty("id").GetString());
    }

    [Fact]
    public async Task WebSocket_Unsubscribe_AcknowledgesWithLastSeqAndStopsRows()
    {
        var first = await Couch.CreateDatabaseAsync();
        var second = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(first, "a", "{}");
        await using var feed = await ConnectAsync(first, "since=0");
        await feed.ExpectAsync("subscribed", first);
        Assert.Equal("a", (await feed.ReceiveUntilAsync(FeedSocket.IsRow)).GetProperty("id").GetString());
        await feed.SendAsync($$"""{"type":"subscribe","db":"{{second}}","since":"now"}""");
        await feed.ExpectLiveAsync(second);

        await feed.SendAsync($$"""{"type":"unsubscribe","db":"{{first}}"}""");
        var ack = await feed.ExpectAsync("unsubscribed", first);
        await Couch.PutDocumentAsync(first, "ignored", "{}");
        await Couch.PutDocumentAsync(second, "b", "{}");

        Assert.Equal("1", ack.GetProperty("last_seq").GetString());
        var row = await feed.ReceiveUntilAsync(FeedSocket.IsRow);
        Assert.Equal((second, "b"), (FeedSocket.Db(row), row.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task WebSocket_ClientCloses_ServerAnswersTheCloseHandshake()
    {
        var db = await Couch.CreateDatabaseAsync();
        await using var feed = await ConnectAsync(db);
        await feed.ExpectLiveAsync(db);

        await feed.Socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye", TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, feed.Socket.CloseStatus);
    }
}
