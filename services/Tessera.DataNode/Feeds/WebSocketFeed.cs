using Microsoft.AspNetCore.Http;

namespace Tessera.DataNode.Feeds;

/// <summary>
/// The result of <c>GET /t/{tenant}/{db}/_changes?feed=websocket</c>: accepts the WebSocket and runs the connection. It is
/// an ordinary endpoint result, so the route group's filters (tenant, authentication) and the checks of the URL's database
/// (404, 401/403) all ran before this, and a refused request is never upgraded.
/// </summary>
internal sealed class WebSocketFeed(ChangeStream first, TimeSpan heartbeat, FeedServices services) : IResult
{
    /// <summary>The protocol a client may ask for with <c>Sec-WebSocket-Protocol</c>; the only one ever answered.</summary>
    public const string SubProtocol = "tessera.v1";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        // Note: browsers cannot set headers on a WebSocket, so they offer a token as a second subprotocol
        // (tessera.bearer.<jwt>) for the authentication layer; the server must never echo that one back.
        var offered = httpContext.WebSockets.WebSocketRequestedProtocols;
        var accept = new WebSocketAcceptContext
        {
            SubProtocol = offered.Contains(SubProtocol, StringComparer.Ordinal) ? SubProtocol : null,
            KeepAliveInterval = services.Options.KeepAliveMs > 0 ? TimeSpan.FromMilliseconds(services.Options.KeepAliveMs) : Timeout.InfiniteTimeSpan,
            DangerousEnableCompression = false,
        };

        // The connection accepts, runs and disposes itself (one state machine less per idle connection).
        return new WebSocketFeedConnection(httpContext, first.Database.Tenant, services, heartbeat).RunAsync(accept, first);
    }
}
