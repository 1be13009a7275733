using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Security;
using Tessera.DataNode.Feeds;
using Tessera.Grains;
using Tessera.Storage;
using Tessera.Security;

namespace Tessera.DataNode.Endpoints;

/// <summary>
/// <c>GET/POST /{db}/_changes</c> with <c>feed=normal|longpoll|continuous|eventsource</c>, and <c>GET</c> with
/// <c>feed=websocket</c> (docs/websocket-feed.md). Every check, the URL database's included, answers before an upgrade.
/// </summary>
public static class ChangesEndpoints
{
    public static RouteGroupBuilder MapChangesEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/{db}/_changes", (HttpContext c, string tenant, string db, IServiceProvider s) => ChangesAsync(c, tenant, db, null, s))
            .RequireDatabase(Rights.Read);
        tenant.MapPost("/{db}/_changes", PostAsync).RequireDatabase(Rights.Read);
        return tenant;
    }

    private static async Task<IResult> PostAsync(HttpContext context, string tenant, string db, IServiceProvider services)
    {
        if (context.Request.ContentLength is 0 or null && !RequestBody.IsJson(context.Request))
        {
            return await ChangesAsync(context, tenant, db, null, services);
        }

        var options = services.GetRequiredService<IOptions<DataNodeOptions>>().Value;
        var (json, error) = await RequestBody.ReadJsonAsync(context.Request, options.MaxRequestBytes);
        if (error is not null)
        {
            return error;
        }

        using (json)
        {
            if (json!.RootElement.ValueKind != JsonValueKind.Object)
            {
                return CouchError.BadRequest("Request body must be a JSON object");
            }

            return await ChangesAsync(context, tenant, db, json.RootElement, services);
        }
    }

    private static async Task<IResult> ChangesAsync(HttpContext context, string tenant, string db, JsonElement? body, IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<DataNodeOptions>>().Value;
        var (request, sinceNow, error) = ChangesRequestParser.Parse(context.Request, body, options);
        if (error is not null)
        {
            return error;
        }

        var info = await services.GetRequiredService<IDatabaseCatalog>().GetAsync(tenant, RouteNames.Decode(db), context.RequestAborted);
        if (info is null)
        {
            return CouchError.DatabaseNotFound();
        }

        if (sinceNow)
        {
            request = request! with { Since = info.UpdateSeq };
        }

        switch (request!.Feed)
        {
            case ChangesFeed.WebSocket:
                return await WebSocketAsync(context, info, request, services);
            case ChangesFeed.Continuous or ChangesFeed.EventSource:
                if (request.Feed == ChangesFeed.EventSource && LastEventId(context) is long lastEventId)
                {
                    // A browser's EventSource reconnects with the id of the last event it saw: resume after it.
                    request = request with { Since = lastEventId };
                }

                return new StreamingChangesResult(services.GetRequiredService<FeedServices>().Stream(info, request));
            default:
                var feed = new ChangesFeedWriter(services.GetRequiredService<ChangeReader>(), services.GetRequiredService<ChangeHub>(), info, request);
                return new CouchStreamedJson(feed.WriteBatchAsync);
        }
    }

    private static async Task<IResult> WebSocketAsync(HttpContext context, DatabaseRecord database, ChangesRequest request, IServiceProvider services)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return CouchError.BadRequest("feed=websocket needs a WebSocket upgrade request (GET with Upgrade: websocket).");
        }

        if (request.Descending || context.Request.Query.ContainsKey("limit"))
        {
            return CouchError.BadRequest("feed=websocket supports neither descending nor limit.");
        }

        var feeds = services.GetRequiredService<FeedServices>();
        if (await feeds.Authorizer.AuthorizeReadAsync(context, database, context.RequestAborted) is { } denial)
        {
            return new CouchError(denial.StatusCode, denial.Error, denial.Reason);
        }

        // The heartbeat query parameter sets the connection's heartbeat; a subscription itself never times out.
        var heartbeat = context.Request.Query.ContainsKey("heartbeat") && request.Heartbeat is { } asked
            ? asked
            : TimeSpan.FromMilliseconds(feeds.Options.HeartbeatMs);
        var first = feeds.Stream(database, request with { Heartbeat = null, Timeout = Timeout.InfiniteTimeSpan });
        return new WebSocketFeed(first, heartbeat, feeds);
    }

    private static long? LastEventId(HttpContext context) =>
        context.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } id && Sequences.TryParse(id, out var seq) ? seq : null;
}
