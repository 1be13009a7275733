using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Feeds;
using Tessera.Grains;
using Tessera.Storage;

namespace Tessera.DataNode.Endpoints;

/// <summary><c>GET/POST /{db}/_changes</c> with <c>feed=normal|longpoll|continuous|eventsource</c>.</summary>
public static class ChangesEndpoints
{
    public static RouteGroupBuilder MapChangesEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/{db}/_changes", (HttpContext c, string tenant, string db, IServiceProvider s) => ChangesAsync(c, tenant, db, null, s));
        tenant.MapPost("/{db}/_changes", PostAsync);
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

        var feed = new ChangesFeedWriter(services.GetRequiredService<ChangeReader>(), services.GetRequiredService<ChangeHub>(), info, request!);
        return request!.Feed switch
        {
            ChangesFeed.Continuous or ChangesFeed.EventSource => new StreamingChangesResult(feed),
            _ => new CouchStreamedJson(feed.WriteBatchAsync),
        };
    }
}
