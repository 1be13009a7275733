using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tessera.DataNode.Couch;
using Tessera.Documents.Selectors;

namespace Tessera.DataNode.Feeds;

/// <summary>Parses <c>_changes</c> query parameters (and a POST body's <c>doc_ids</c>) with CouchDB's validation.</summary>
internal static class ChangesRequestParser
{
    private const long MaxWaitMs = 60_000;

    public static (ChangesRequest? Request, bool SinceNow, CouchError? Error) Parse(HttpRequest http, JsonElement? body, DataNodeOptions options)
    {
        var q = new QueryOptions(http.Query);
        var feed = q.String("feed") switch
        {
            null or "normal" => ChangesFeed.Normal,
            "longpoll" => ChangesFeed.LongPoll,
            "continuous" => ChangesFeed.Continuous,
            "eventsource" => ChangesFeed.EventSource,
            "websocket" => ChangesFeed.WebSocket,
            var other => Fail(q, $"Supported `feed` types: normal, continuous, longpoll, eventsource, websocket; not {other}"),
        };
        var sinceText = q.String("since");
        var sinceNow = sinceText == "now";
        long since = 0;
        if (!sinceNow && !Sequences.TryParse(sinceText, out since))
        {
            q.Fail($"Malformed sequence supplied in 'since' parameter: {sinceText}");
        }

        var limit = q.Long("limit", int.MaxValue);
        var descending = q.Bool("descending");
        var includeDocs = q.Bool("include_docs");
        var conflicts = q.Bool("conflicts");
        var style = q.String("style");
        if (style is not (null or "main_only" or "all_docs"))
        {
            q.Fail("Supported `style` values: main_only, all_docs");
        }

        // Like CouchDB, no wait is longer than a minute, so dead connections are noticed; larger values are capped.
        var timeout = TimeSpan.FromMilliseconds(Math.Min(q.Long("timeout", options.DefaultLongPollTimeoutMs), MaxWaitMs));
        TimeSpan? heartbeat = q.String("heartbeat") switch
        {
            null => null,
            "true" => TimeSpan.FromSeconds(60),
            _ => TimeSpan.FromMilliseconds(Math.Clamp(q.Long("heartbeat", 60_000, min: 1), 10, MaxWaitMs)),
        };
        var filter = q.String("filter");
        var docIds = filter == "_doc_ids" ? ReadDocIds(q, body) : null;
        var selector = filter == "_selector" ? ReadSelector(q, body) : null;
        if (filter is not (null or "_doc_ids" or "_selector"))
        {
            q.Fail($"Unsupported filter: {filter}. Supported: _doc_ids, _selector");
        }

        if (q.Error is { } error)
        {
            return (null, false, error);
        }

        var request = new ChangesRequest(feed, since, (int)Math.Min(limit, int.MaxValue), descending, includeDocs, style == "all_docs", conflicts, docIds, selector, timeout, heartbeat);
        return (request, sinceNow, null);
    }

    private static Selector? ReadSelector(QueryOptions q, JsonElement? body)
    {
        var selector = body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("selector", out var fromBody) ? fromBody : q.Json("selector");
        if (selector is not { ValueKind: JsonValueKind.Object } value)
        {
            q.Fail(CouchError.BadRequest("Selector must be specified in POST payload"));
            return null;
        }

        try
        {
            // Note: the selector keeps elements of what it parsed, and a live feed outlives the request body's document.
            return Selector.Parse(value.Clone());
        }
        catch (SelectorException exception)
        {
            q.Fail(CouchError.BadRequest(exception.Reason));
            return null;
        }
    }

    private static HashSet<string>? ReadDocIds(QueryOptions q, JsonElement? body)
    {
        var ids = body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("doc_ids", out var fromBody) ? fromBody : q.Json("doc_ids");
        if (ids is not { ValueKind: JsonValueKind.Array } array || array.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String))
        {
            q.Fail("`doc_ids` filter parameter is not a list of doc ids.");
            return null;
        }

        return array.EnumerateArray().Select(i => i.GetString()!).ToHashSet(StringComparer.Ordinal);
    }

    private static ChangesFeed Fail(QueryOptions q, string reason)
    {
        q.Fail(reason);
        return ChangesFeed.Normal;
    }
}
