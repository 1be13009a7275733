using System.Text.Json;
using Xunit;

namespace Tessera.DataNode.IntegrationTests.Feeds;

/// <summary>
/// The WebSocket feed's fan-out: subscribers of one database share storage reads, and a connection's rows are written to
/// the socket by whichever subscription queues into an idle connection (no sender task of its own). Neither may lose,
/// repeat or reorder a row.
/// </summary>
public sealed class WebSocketFanOutTests(SqliteServer server) : CouchTestBase(server), IClassFixture<SqliteServer>
{
    [Fact]
    public async Task WebSocket_SubscribersOfOneDatabaseFromDifferentSince_EachGetExactlyTheRowsAfterTheirSince()
    {
        var db = await Couch.CreateDatabaseAsync();
        for (var i = 0; i < 6; i++)
        {
            await Couch.PutDocumentAsync(db, $"old{i}", "{}");
        }

        string[] sinces = ["0", "2", "5", "now", "now"];
        var feeds = new List<FeedSocket>();
        try
        {
            foreach (var since in sinces)
            {
                feeds.Add(await FeedSocket.ConnectAsync(Server.Host, $"{db}/_changes?feed=websocket&since={since}"));
                if (since == "now")
                {
                    // Live before the writes below; the others' catch-up rows stay unread until the checks.
                    await feeds[^1].ExpectLiveAsync(db);
                }
            }

            // Written while every subscriber is live: the ones at "now" (and those caught up) wake on the same commits.
            var writes = Enumerable.Range(0, 4).Select(i => Couch.PutDocumentAsync(db, $"new{i}", "{}"));
            await Task.WhenAll(writes);

            for (var f = 0; f < feeds.Count; f++)
            {
                var from = sinces[f] == "now" ? 6 : long.Parse(sinces[f], System.Globalization.CultureInfo.InvariantCulture);
                var seqs = await RowSeqsAsync(feeds[f], until: 10);
                Assert.Equal(Enumerable.Range((int)from + 1, 10 - (int)from).Select(s => (long)s), seqs);
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
    public async Task WebSocket_ConcurrentWritesToSeveralFollowedDatabases_DeliverEveryRowOnceInOrderPerDatabase()
    {
        // Three subscriptions of one connection queue rows at the same time and hand the socket to each other.
        const int PerDatabase = 40;
        string[] dbs = [await Couch.CreateDatabaseAsync(), await Couch.CreateDatabaseAsync(), await Couch.CreateDatabaseAsync()];
        await using var feed = await FeedSocket.ConnectAsync(Server.Host, $"{dbs[0]}/_changes?feed=websocket&since=now");
        await feed.ExpectLiveAsync(dbs[0]);
        foreach (var db in dbs.Skip(1))
        {
            await feed.SendAsync($$"""{"type":"subscribe","db":"{{db}}","since":"now"}""");
            await feed.ExpectLiveAsync(db);
        }

        var writers = dbs.Select(db => Task.Run(
            async () =>
            {
                for (var i = 0; i < PerDatabase; i++)
                {
                    await Couch.PutDocumentAsync(db, $"d{i:00}", "{}");
                }
            },
            TestContext.Current.CancellationToken)).ToList();

        var rows = dbs.ToDictionary(db => db, _ => new List<(string Id, long Seq)>());
        for (var received = 0; received < dbs.Length * PerDatabase; received++)
        {
            var row = await feed.ReceiveUntilAsync(FeedSocket.IsRow);
            rows[FeedSocket.Db(row)!].Add((row.GetProperty("id").GetString()!, FeedSocket.Seq(row)));
        }

        await Task.WhenAll(writers);
        foreach (var db in dbs)
        {
            Assert.Equal(Enumerable.Range(0, PerDatabase).Select(i => $"d{i:00}"), rows[db].Select(r => r.Id));
            Assert.Equal(Enumerable.Range(1, PerDatabase).Select(i => (long)i), rows[db].Select(r => r.Seq));
        }

        // No row twice: the ping's answer comes before any further row.
        await feed.SendAsync("""{"type":"ping"}""");
        var next = await feed.ReceiveUntilAsync(m => FeedSocket.IsRow(m) || FeedSocket.Type(m) == "pong");
        Assert.Equal("pong", FeedSocket.Type(next));
    }

    private static async Task<List<long>> RowSeqsAsync(FeedSocket feed, long until)
    {
        var seqs = new List<long>();
        while (seqs.Count == 0 || seqs[^1] < until)
        {
            JsonElement row = await feed.ReceiveUntilAsync(FeedSocket.IsRow);
            seqs.Add(FeedSocket.Seq(row));
        }

        return seqs;
    }
}
