using System.Net;
using System.Text.Json;
using Xunit;

namespace Tessera.DataNode.IntegrationTests.Feeds;

/// <summary><c>feed=eventsource</c> and <c>feed=continuous</c> over real HTTP: the same change stream as WebSocket, flushed per change.</summary>
public sealed class EventSourceFeedTests(SqliteServer server) : CouchTestBase(server), IClassFixture<SqliteServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Write_ReachesWebSocketAndEventSourceSubscribersAlike()
    {
        var db = await Couch.CreateDatabaseAsync();
        await using var socket = await FeedSocket.ConnectAsync(Server.Host, $"{db}/_changes?feed=websocket&since=now");
        await socket.ExpectLiveAsync(db);
        using var sse = await OpenAsync(Couch.Http, $"{db}/_changes?feed=eventsource&since=0");

        var rev = await Couch.PutDocumentAsync(db, "both", """{"v":1}""");

        var (id, data) = await NextEventAsync(sse.Lines);
        var row = await socket.ReceiveUntilAsync(FeedSocket.IsRow);
        Assert.Equal("1", id);
        Assert.Equal("both", data.GetProperty("id").GetString());
        Assert.Equal(rev, data.GetProperty("changes")[0].GetProperty("rev").GetString());
        Assert.Equal("both", row.GetProperty("id").GetString());
        Assert.Equal(rev, row.GetProperty("changes")[0].GetProperty("rev").GetString());
        Assert.Equal("text/event-stream", sse.Response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task EventSource_WithLastEventId_ResumesAfterThatEvent()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "a", "{}");
        await Couch.PutDocumentAsync(db, "b", "{}");
        await Couch.PutDocumentAsync(db, "c", "{}");

        using var sse = await OpenAsync(Couch.Http, $"{db}/_changes?feed=eventsource", lastEventId: "1");
        var (id, data) = await NextEventAsync(sse.Lines);

        Assert.Equal("2", id);
        Assert.Equal("b", data.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("continuous")]
    [InlineData("eventsource")]
    public async Task Feed_WithAcceptEncodingGzip_DeliversEachChangeBeforeTheNextWrite(string feedType)
    {
        var db = await Couch.CreateDatabaseAsync();
        using var gzipClient = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.GZip })
        {
            BaseAddress = Server.Host.TenantAddress,
        };
        gzipClient.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", Server.Host.BasicAuthorization);
        using var feed = await OpenAsync(gzipClient, $"{db}/_changes?feed={feedType}&since=now&heartbeat=60000");
        Assert.Contains("gzip", feed.Request.Headers.AcceptEncoding.ToString(), StringComparison.Ordinal);

        // Each row must arrive while no later write exists: nothing may sit in a compressor or buffer waiting for more.
        foreach (var id in new[] { "first", "second" })
        {
            await Couch.PutDocumentAsync(db, id, "{}");
            var row = feedType == "continuous" ? await NextRowAsync(feed.Lines) : (await NextEventAsync(feed.Lines)).Data;
            Assert.Equal(id, row.GetProperty("id").GetString());
        }
    }

    private sealed record OpenFeed(HttpRequestMessage Request, HttpResponseMessage Response, StreamReader Lines) : IDisposable
    {
        public void Dispose()
        {
            Lines.Dispose();
            Response.Dispose();
            Request.Dispose();
        }
    }

    private static async Task<OpenFeed> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new OpenFeed(request, response, new StreamReader(await response.Content.ReadAsStreamAsync(Ct)));
    }

    private static async Task<string> ReadLineAsync(StreamReader lines) =>
        await lines.ReadLineAsync(Ct).AsTask().WaitAsync(FeedSocket.Bound, Ct) ?? throw new InvalidOperationException("The feed ended.");

    private static async Task<JsonElement> NextRowAsync(StreamReader lines)
    {
        while (true)
        {
            var line = await ReadLineAsync(lines);
            if (line.Length > 0)
            {
                return JsonDocument.Parse(line).RootElement.Clone();
            }
        }
    }

    /// <summary>The next <c>data:</c> event (heartbeat events skipped) and its <c>id:</c>.</summary>
    private static async Task<(string? Id, JsonElement Data)> NextEventAsync(StreamReader lines)
    {
        string? id = null, data = null, type = null;
        while (true)
        {
            var line = await ReadLineAsync(lines);
            if (line.Length == 0)
            {
                if (data is { Length: > 0 } && type is null)
                {
                    return (id, JsonDocument.Parse(data).RootElement.Clone());
                }

                (id, data, type) = (null, null, null);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
        }
    }
}
