using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Tessera.Gateway.IntegrationTests;

/// <summary>The data node's WebSocket change feed (<c>_changes?feed=websocket</c>) through the gateway.</summary>
public sealed partial class DataGatewayTests
{
    [Fact]
    public async Task WebSocketFeed_ThroughGateway_DeliversAWriteMadeAfterItCaughtUp()
    {
        var db = NewDatabase();
        using var gateway = CreateGatewayClient();
        (await gateway.PutAsync($"t/dev/{db}", null, Cancel)).EnsureSuccessStatusCode();

        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("tessera.v1");
        socket.Options.SetRequestHeader("Authorization", fixture.Data.BasicAuthorization);
        var uri = new UriBuilder(fixture.Gateway.BaseAddress) { Scheme = "ws", Path = $"/t/dev/{db}/_changes", Query = "feed=websocket&since=now" }.Uri;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(uri, deadline.Token);
        Assert.Equal("tessera.v1", socket.SubProtocol);

        // The feed is live once it has caught up.
        await ReceiveUntilAsync(socket, m => m.TryGetProperty("type", out var type) && type.GetString() == "checkpoint", deadline.Token);

        using (var written = await gateway.PutAsync($"t/dev/{db}/live", Json(new { n = 1 }), Cancel))
        {
            Assert.Equal(HttpStatusCode.Created, written.StatusCode);
        }

        var row = await ReceiveUntilAsync(socket, m => m.TryGetProperty("id", out var id) && id.GetString() == "live", deadline.Token);
        Assert.Equal(db, row.GetProperty("db").GetString());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Cancel);
    }

    private static async Task<JsonElement> ReceiveUntilAsync(ClientWebSocket socket, Func<JsonElement, bool> match, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var text = new StringBuilder();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, cancellationToken);
                Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
                text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            }
            while (!result.EndOfMessage);

            using var message = JsonDocument.Parse(text.ToString());
            if (match(message.RootElement))
            {
                return message.RootElement.Clone();
            }
        }
    }
}
