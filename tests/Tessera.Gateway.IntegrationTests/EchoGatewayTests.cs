using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using Tessera.Gateway.IntegrationTests.Infrastructure;

namespace Tessera.Gateway.IntegrationTests;

/// <summary>What the gateway forwards, seen from the destination: headers, protocols, WebSockets, size caps.</summary>
public sealed partial class EchoGatewayTests(EchoGatewayFixture fixture) : IClassFixture<EchoGatewayFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ForgedForwardingHeaders_FromClient_AreReplacedByTheGatewaysOwn()
    {
        using var client = fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "t/acme/db/doc");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "6.6.6.6");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "evil.example");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Prefix", "/evil");
        request.Headers.TryAddWithoutValidation("Forwarded", "for=6.6.6.6;host=evil.example");
        request.Headers.TryAddWithoutValidation("X-Real-IP", "6.6.6.6");
        request.Headers.TryAddWithoutValidation("X-Tessera-Tenant", "other");
        request.Headers.TryAddWithoutValidation("x-tessera-internal", "1");
        request.Headers.TryAddWithoutValidation("X-Custom", "kept");

        using var response = await client.SendAsync(request, Cancel);
        var echo = await CouchErrorAssert.EchoAsync(response);

        Assert.Equal("/t/acme/db/doc", echo.Path);
        Assert.Equal("127.0.0.1", echo.Headers["X-Forwarded-For"]);
        Assert.Equal("http", echo.Headers["X-Forwarded-Proto"]);
        Assert.Equal(fixture.Gateway.BaseAddress.Authority, echo.Headers["X-Forwarded-Host"]);
        Assert.False(echo.Headers.ContainsKey("X-Forwarded-Prefix"));
        Assert.False(echo.Headers.ContainsKey("Forwarded"));
        Assert.False(echo.Headers.ContainsKey("X-Real-IP"));
        Assert.DoesNotContain(echo.Headers.Keys, k => k.StartsWith("X-Tessera-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("kept", echo.Headers["X-Custom"]);
    }

    [Fact]
    public async Task HostForm_Request_ReachesDestinationInPathForm()
    {
        using var client = fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "orders/doc1?rev=1-abc");
        request.Headers.Host = "acme.tessera.test";

        using var response = await client.SendAsync(request, Cancel);
        var echo = await CouchErrorAssert.EchoAsync(response);

        Assert.Equal("/t/acme/orders/doc1", echo.Path);
        Assert.Equal("?rev=1-abc", echo.Query);
        Assert.Equal("acme.tessera.test", echo.Headers["X-Forwarded-Host"]);
    }

    [Fact]
    public async Task HostForm_UppercaseHost_IsTheLowercaseTenant()
    {
        using var client = fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "ACME.Tessera.Test";

        using var response = await client.SendAsync(request, Cancel);
        var echo = await CouchErrorAssert.EchoAsync(response);

        Assert.Equal("/t/acme/", echo.Path);
    }

    [Fact]
    public async Task HostForm_ReservedLabel_IsNotATenant()
    {
        using var client = fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "console/settings");
        request.Headers.Host = "www.tessera.test";

        using var response = await client.SendAsync(request, Cancel);
        var echo = await CouchErrorAssert.EchoAsync(response);

        Assert.Equal("/console/settings", echo.Path);
    }

    [Fact]
    public async Task WebSocket_ThroughGateway_EchoesMessagesBothWays()
    {
        using var socket = new ClientWebSocket();
        var uri = new UriBuilder(fixture.Gateway.BaseAddress) { Scheme = "ws", Path = "/t/acme/db/_ws" }.Uri;
        await socket.ConnectAsync(uri, Cancel);

        var buffer = new byte[1024];
        foreach (var text in new[] { "hello", "{\"seq\":42}" })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, Cancel);
            var result = await socket.ReceiveAsync(buffer, Cancel);
            Assert.Equal(text, Encoding.UTF8.GetString(buffer, 0, result.Count));
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Cancel);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    [Fact]
    public async Task Grpc_OverHttp2_IsForwardedAsHttp2()
    {
        // Note: gRPC clients speak HTTP/2 to the gateway; without TLS that is h2c with prior knowledge.
        using var client = new HttpClient(new SocketsHttpHandler())
        {
            BaseAddress = fixture.Gateway.BaseAddress,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var content = new ByteArrayContent([0, 0, 0, 0, 0]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        using var response = await client.PostAsync("tessera.v1.Documents/Get", content, Cancel);

        var echo = await CouchErrorAssert.EchoAsync(response);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("/tessera.v1.Documents/Get", echo.Path);
        Assert.Equal("HTTP/2", echo.Protocol);
        Assert.Equal(5, echo.BodyLength);
    }

    [Fact]
    public async Task DeclaredBodyOverCap_Returns413_AndNothingIsForwarded()
    {
        using var client = fixture.Gateway.CreateClient();
        using var content = new ByteArrayContent(new byte[EchoGatewayFixture.MaxRequestBytes + 1]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync("t/acme/db", content, Cancel);

        await CouchErrorAssert.IsErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "too_large");
    }

    [Fact]
    public async Task ChunkedBodyOverCap_Returns413()
    {
        using var client = fixture.Gateway.CreateClient();
        // No Content-Length: the cap is only found while the body streams.
        using var content = new StreamContent(new ChunkedStream(EchoGatewayFixture.MaxRequestBytes * 2));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync("t/acme/db", content, Cancel);

        await CouchErrorAssert.IsErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "too_large");
    }

    [Fact]
    public async Task DeclaredBodyAtCap_IsForwardedWhole()
    {
        using var client = fixture.Gateway.CreateClient();
        using var content = new ByteArrayContent(new byte[EchoGatewayFixture.MaxRequestBytes]);

        using var response = await client.PostAsync("t/acme/db", content, Cancel);

        var echo = await CouchErrorAssert.EchoAsync(response);
        Assert.Equal(EchoGatewayFixture.MaxRequestBytes, echo.BodyLength);
    }

    [Fact]
    public async Task ChunkedBodyUnderCap_IsForwardedWhole()
    {
        using var client = fixture.Gateway.CreateClient();
        // Note: well under the cap: Kestrel counts a chunked body against it with some slack (tens of bytes).
        using var content = new StreamContent(new ChunkedStream(EchoGatewayFixture.MaxRequestBytes / 2));

        using var response = await client.PostAsync("t/acme/db", content, Cancel);

        var echo = await CouchErrorAssert.EchoAsync(response);
        Assert.Equal(EchoGatewayFixture.MaxRequestBytes / 2, echo.BodyLength);
    }

    /// <summary>A body of unknown length (so HttpClient sends it chunked).</summary>
    private sealed class ChunkedStream(long length) : Stream
    {
        private long _left = length;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, Math.Min(_left, 4096));
            Array.Fill(buffer, (byte)' ', offset, n);
            _left -= n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
