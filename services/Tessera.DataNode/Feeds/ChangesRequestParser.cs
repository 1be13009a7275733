using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tessera.DataNode.Couch;

namespace Tessera.DataNode.Feeds;

/// <summary>Parses <c>_changes</c> query parameters (and a POST body's <c>doc_ids</c>) with CouchDB's validation.</summary>
internal static class ChangesRequestParser
{
    public static (ChangesRequest? Request, bool SinceNow, CouchError? Error) Parse(HttpRequest http, JsonElement? body, DataNodeOptions options)
    {
        var q = new QueryOptions(http.Query);
        var feed = q.String("feed") switch
        {
            null or "normal" => ChangesFeed.Normal,
            "longpoll" => ChangesFeed.LongPoll,
            "continuous" => ChangesFeed.Continuous,
            "eventsource" => ChangesFeed.EventSource,
            var other => Fail(q, $"Supported `feed` types: normal, continuous, longpoll, eventsource; not {other}"),
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

        var timeout = TimeSpan.FromMilliseconds(q.Long("timeout", options.DefaultLongPollTimeoutMs));
        TimeSpan? heartbeat = q.String("heartbeat") switch
        {
            null => null,
            "true" => TimeSpan.FromSeconds(60),
            _ => TimeSpan.FromMilliseconds(Math.Max(q.Long("heartbeat", 60_000, min: 1), 10)),
        };
        var docIds = ReadDocIds(q, body);
        if (q.Error is { } error)
        {
            return (null, false, error);
        }

        var request = new ChangesRequest(feed, since, (int)Math.Min(limit, int.MaxValue), descending, includeDocs, style == "all_docs", conflicts, docIds, timeout, heartbeat);
        return (request, sinceNow, null);
    }

    private static HashSet<string>? ReadDocIds(QueryOptions q, JsonElement? body)
    {
        var filter = q.String("filter");
        if (filter is null)
        {
            return null;
        }

        if (filter != "_doc_ids")
        {
            q.Fail($"Unsupported filter: {filter}");
            return null;
        }

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
