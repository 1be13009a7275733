using System.Text.Json;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Tenancy;
using Tessera.Documents.Selectors;

namespace Tessera.DataNode.Feeds;

/// <summary>The WebSocket feed protocol's messages (docs/websocket-feed.md): what the server sends, and parsing what clients send.</summary>
internal static class WebSocketMessages
{
    private static readonly ReadOnlyMemory<byte> HeartbeatBytes = "{\"type\":\"heartbeat\"}"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> PongBytes = "{\"type\":\"pong\"}"u8.ToArray();

    // Note: a new message object each time (a message links into one connection's queue), over shared bytes.
    public static OutgoingMessage Heartbeat() => OutgoingMessage.Constant(HeartbeatBytes);

    public static OutgoingMessage Pong() => OutgoingMessage.Constant(PongBytes);

    public static OutgoingMessage Subscribed(WebSocketSubscription subscription) =>
        WithSeq("subscribed", subscription, "since", subscription.Stream.Request.Since);

    public static OutgoingMessage Checkpoint(WebSocketSubscription subscription, long lastSeq) =>
        WithSeq("checkpoint", subscription, "last_seq", lastSeq);

    public static OutgoingMessage Unsubscribed(string db, long lastSeq) =>
        OutgoingMessage.Write(w => WriteSeqMessage(w, "unsubscribed", db, "last_seq", lastSeq));

    public static OutgoingMessage Overflow(string db, long lastSeq) =>
        OutgoingMessage.Write(w => WriteSeqMessage(w, "overflow", db, "last_seq", lastSeq));

    /// <summary><c>{"type":"error","db":…,"error":…,"reason":…}</c>; <paramref name="lastSeq"/> when the client should resubscribe from there.</summary>
    public static OutgoingMessage Error(string? db, string error, string reason, long? lastSeq = null) =>
        OutgoingMessage.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "error");
            if (db is not null)
            {
                w.WriteString("db", db);
            }

            w.WriteString("error", error);
            w.WriteString("reason", reason);
            if (lastSeq is long seq)
            {
                w.WriteString("last_seq", Sequences.Format(seq));
            }

            w.WriteEndObject();
        });

    private static OutgoingMessage WithSeq(string type, WebSocketSubscription subscription, string name, long seq) =>
        OutgoingMessage.Write(w => WriteSeqMessage(w, type, subscription.Db, name, seq), subscription, seq);

    private static void WriteSeqMessage(Utf8JsonWriter w, string type, string db, string name, long seq)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteString("db", db);
        w.WriteString(name, Sequences.Format(seq));
        w.WriteEndObject();
    }
}

/// <summary>A parsed client message; <see cref="Error"/> set when it is malformed (the connection stays open).</summary>
internal sealed record ClientMessage(string Type, string? Db, SubscribeOptions? Subscribe, string? Error = null, string? Reason = null)
{
    public static ClientMessage Parse(ReadOnlyMemory<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException)
        {
            return Fail(null, "bad_request", "invalid UTF-8 JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                return Fail(null, "bad_request", "A message must be a JSON object with a string member \"type\".");
            }

            var type = typeElement.GetString()!;
            string? db = null;
            if (type is "subscribe" or "unsubscribe")
            {
                if (!root.TryGetProperty("db", out var dbElement) || dbElement.ValueKind != JsonValueKind.String)
                {
                    return Fail(null, "bad_request", $"A {type} message needs a string member \"db\".");
                }

                db = dbElement.GetString()!;
                if (!Names.IsValid(db))
                {
                    return Fail(db, "illegal_database_name", Names.InvalidReason(db));
                }
            }

            return type switch
            {
                "subscribe" => ParseSubscribe(db!, root),
                "unsubscribe" or "ping" => new ClientMessage(type, db, null),
                _ => Fail(db, "bad_request", $"Unknown message type \"{type}\". Supported: subscribe, unsubscribe, ping."),
            };
        }
    }

    private static ClientMessage ParseSubscribe(string db, JsonElement root)
    {
        var since = "0";
        if (root.TryGetProperty("since", out var sinceElement))
        {
            if (sinceElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
            {
                return Fail(db, "bad_request", "`since` must be a sequence (a string or a number) or \"now\".");
            }

            since = sinceElement.ValueKind == JsonValueKind.String ? sinceElement.GetString()! : sinceElement.GetRawText();
        }

        long sinceSeq = 0;
        if (since != "now" && !Sequences.TryParse(since, out sinceSeq))
        {
            return Fail(db, "bad_request", $"Malformed sequence supplied in 'since': {since}");
        }

        if (!TryBool(root, "include_docs", out var includeDocs) || !TryBool(root, "conflicts", out var conflicts))
        {
            return Fail(db, "bad_request", "include_docs and conflicts must be true or false.");
        }

        var style = root.TryGetProperty("style", out var styleElement) ? (styleElement.ValueKind == JsonValueKind.String ? styleElement.GetString() : "") : null;
        if (style is not (null or "main_only" or "all_docs"))
        {
            return Fail(db, "bad_request", "Supported `style` values: main_only, all_docs");
        }

        var filter = root.TryGetProperty("filter", out var filterElement) ? (filterElement.ValueKind == JsonValueKind.String ? filterElement.GetString() : "") : null;
        var hasIds = root.TryGetProperty("doc_ids", out var ids);
        var hasSelector = root.TryGetProperty("selector", out var selectorElement);
        if (filter is not (null or "_doc_ids" or "_selector") || (hasIds && hasSelector)
            || (filter == "_doc_ids" && !hasIds) || (filter == "_selector" && !hasSelector))
        {
            return Fail(db, "bad_request", "Filter with either \"doc_ids\" (a list of ids) or \"selector\" (a Mango selector), not both.");
        }

        HashSet<string>? docIds = null;
        if (hasIds)
        {
            if (ids.ValueKind != JsonValueKind.Array || ids.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String))
            {
                return Fail(db, "bad_request", "`doc_ids` filter parameter is not a list of doc ids.");
            }

            docIds = ids.EnumerateArray().Select(i => i.GetString()!).ToHashSet(StringComparer.Ordinal);
        }

        Selector? selector = null;
        if (hasSelector)
        {
            if (selectorElement.ValueKind != JsonValueKind.Object)
            {
                return Fail(db, "bad_request", "Selector must be a JSON object.");
            }

            try
            {
                // Note: the selector keeps elements of what it parsed; a clone outlives this message's document.
                selector = Selector.Parse(selectorElement.Clone());
            }
            catch (SelectorException exception)
            {
                return Fail(db, "bad_request", exception.Reason);
            }
        }

        var request = new ChangesRequest(
            ChangesFeed.WebSocket, sinceSeq, int.MaxValue, false, includeDocs, style == "all_docs", conflicts, docIds, selector,
            Timeout.InfiniteTimeSpan, null);
        return new ClientMessage("subscribe", db, new SubscribeOptions(request, since == "now"));
    }

    private static bool TryBool(JsonElement root, string name, out bool value)
    {
        value = false;
        if (!root.TryGetProperty(name, out var element))
        {
            return true;
        }

        value = element.ValueKind == JsonValueKind.True;
        return element.ValueKind is JsonValueKind.True or JsonValueKind.False;
    }

    private static ClientMessage Fail(string? db, string error, string reason) => new("error", db, null, error, reason);
}

/// <param name="SinceNow">Resolve <c>since</c> to the database's current sequence when subscribing.</param>
internal sealed record SubscribeOptions(ChangesRequest Request, bool SinceNow);
