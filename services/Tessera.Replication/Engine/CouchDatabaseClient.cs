using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Tessera.Replication.Engine;

/// <summary>
/// The replicator's view of one CouchDB-compatible database over HTTP: exactly the calls the replication protocol
/// makes (info, create, <c>_local</c> checkpoints, <c>_changes</c>, <c>_revs_diff</c>, <c>_bulk_get</c> or
/// <c>open_revs</c>, <c>_bulk_docs</c>). Documents travel as raw JSON text, never re-serialized.
/// </summary>
internal sealed class CouchDatabaseClient(HttpClient http, Uri database, IReadOnlyList<KeyValuePair<string, string>> headers, string display, TimeSpan requestTimeout)
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    /// <summary>The database URL without credentials (or the bare local name), for errors and logs.</summary>
    public string Display => display;

    /// <summary>The database info, or null when it does not exist; 401/403 and unreachable servers throw CouchDB's errors.</summary>
    public async Task<JsonElement?> GetInfoAsync(CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(HttpMethod.Get, "", null, requestTimeout, ct);
        }
        catch (ReplicationException exception) when (exception.Error == "connection_failed")
        {
            throw ReplicationException.DatabaseNotFound(display, exception);
        }

        using (response)
        {
            return response.StatusCode switch
            {
                HttpStatusCode.OK => await ReadJsonAsync(response, ct),
                HttpStatusCode.NotFound => null,
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => throw ReplicationException.Unauthorized(display),
                _ => throw await FailureAsync(response, "GET", "", ct),
            };
        }
    }

    /// <summary>Creates the database; true when it was created or already existed.</summary>
    public async Task<bool> CreateAsync(CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Put, "", null, requestTimeout, ct);
        return response.StatusCode switch
        {
            HttpStatusCode.Created or HttpStatusCode.Accepted or HttpStatusCode.PreconditionFailed => true,
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => throw ReplicationException.Unauthorized(display),
            _ => false,
        };
    }

    /// <summary>A <c>_local</c> document, or null when it does not exist.</summary>
    public async Task<JsonElement?> GetLocalAsync(string id, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, id, null, requestTimeout, ct);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => await ReadJsonAsync(response, ct),
            HttpStatusCode.NotFound => null,
            _ => throw await FailureAsync(response, "GET", id, ct),
        };
    }

    /// <summary>Writes a <c>_local</c> document; returns its new revision, or null on a conflict (a stale <c>_rev</c>).</summary>
    public async Task<string?> PutLocalAsync(string id, Action<Utf8JsonWriter> body, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Put, id, body, requestTimeout, ct);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return null;
        }

        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.Accepted))
        {
            throw await FailureAsync(response, "PUT", id, ct);
        }

        var json = await ReadJsonAsync(response, ct);
        return json.TryGetProperty("rev", out var rev) && rev.ValueKind == JsonValueKind.String ? rev.GetString() : null;
    }

    /// <summary>
    /// Changes after <paramref name="since"/> (raw JSON), with every leaf (<c>style=all_docs</c>). With a
    /// <paramref name="longPoll"/> timeout the source holds the request until a change arrives.
    /// </summary>
    public async Task<ChangesBatch> ChangesAsync(string since, int limit, TimeSpan? longPoll, IReadOnlyList<string>? docIds, string? selector, CancellationToken ct)
    {
        var query = $"_changes?style=all_docs&since={Uri.EscapeDataString(SeqParameter(since))}&limit={limit}";
        if (longPoll is { } wait)
        {
            query += $"&feed=longpoll&timeout={(long)wait.TotalMilliseconds}";
        }

        Action<Utf8JsonWriter>? body = null;
        if (docIds is not null)
        {
            query += "&filter=_doc_ids";
            body = w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("doc_ids");
                foreach (var id in docIds)
                {
                    w.WriteStringValue(id);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            };
        }
        else if (selector is not null)
        {
            query += "&filter=_selector";
            body = w =>
            {
                w.WriteStartObject();
                w.WritePropertyName("selector");
                w.WriteRawValue(selector, skipInputValidation: true);
                w.WriteEndObject();
            };
        }

        var timeout = requestTimeout + (longPoll ?? TimeSpan.Zero);
        using var response = await SendAsync(body is null ? HttpMethod.Get : HttpMethod.Post, query, body, timeout, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await FailureAsync(response, body is null ? "GET" : "POST", "_changes", ct);
        }

        var root = await ReadJsonAsync(response, ct);
        if (!root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
        {
            throw Malformed("_changes");
        }

        var rows = new List<ChangeRow>(results.GetArrayLength());
        var lastSeq = since;
        foreach (var row in results.EnumerateArray())
        {
            if (!row.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || !row.TryGetProperty("seq", out var seq)
                || !row.TryGetProperty("changes", out var changes) || changes.ValueKind != JsonValueKind.Array)
            {
                throw Malformed("_changes");
            }

            var revs = changes.EnumerateArray()
                .Select(c => c.TryGetProperty("rev", out var rev) && rev.ValueKind == JsonValueKind.String ? rev.GetString()! : throw Malformed("_changes"))
                .ToList();
            var deleted = row.TryGetProperty("deleted", out var d) && d.ValueKind == JsonValueKind.True;
            lastSeq = seq.GetRawText();
            rows.Add(new ChangeRow(lastSeq, id.GetString()!, revs, deleted));
        }

        if (root.TryGetProperty("last_seq", out var last) && last.ValueKind is JsonValueKind.String or JsonValueKind.Number)
        {
            lastSeq = last.GetRawText();
        }

        long? pending = root.TryGetProperty("pending", out var p) && p.TryGetInt64(out var count) ? count : null;
        return new ChangesBatch(rows, lastSeq, pending);
    }

    /// <summary>For each document, the given revisions the database lacks.</summary>
    public async Task<Dictionary<string, List<string>>> RevsDiffAsync(IReadOnlyList<ChangeRow> rows, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, "_revs_diff", w =>
        {
            w.WriteStartObject();
            foreach (var row in rows)
            {
                w.WriteStartArray(row.Id);
                foreach (var rev in row.Revs)
                {
                    w.WriteStringValue(rev);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }, requestTimeout, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await FailureAsync(response, "POST", "_revs_diff", ct);
        }

        var root = await ReadJsonAsync(response, ct);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("_revs_diff");
        }

        var missing = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var doc in root.EnumerateObject())
        {
            if (doc.Value.ValueKind == JsonValueKind.Object && doc.Value.TryGetProperty("missing", out var revs) && revs.ValueKind == JsonValueKind.Array)
            {
                missing[doc.Name] = revs.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!).ToList();
            }
        }

        return missing;
    }

    /// <summary>
    /// The given revisions with their history and inline attachments, through <c>_bulk_get</c>; null when the server
    /// has no <c>_bulk_get</c> (the caller falls back to <see cref="OpenRevsAsync"/>). Revisions gone from the source are skipped.
    /// </summary>
    public async Task<List<FetchedRevision>?> BulkGetAsync(IReadOnlyList<(string Id, string Rev)> wanted, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, "_bulk_get?revs=true&attachments=true&latest=true", w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("docs");
            foreach (var (id, rev) in wanted)
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteString("rev", rev);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }, requestTimeout, ct);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.BadRequest or HttpStatusCode.NotImplemented)
        {
            return null;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await FailureAsync(response, "POST", "_bulk_get", ct);
        }

        var root = await ReadJsonAsync(response, ct);
        if (!root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
        {
            throw Malformed("_bulk_get");
        }

        var docs = new List<FetchedRevision>(wanted.Count);
        foreach (var result in results.EnumerateArray())
        {
            if (result.TryGetProperty("docs", out var entries) && entries.ValueKind == JsonValueKind.Array)
            {
                docs.AddRange(Fetched(entries));
            }
        }

        return docs;
    }

    /// <summary>Revisions of one document through <c>GET {doc}?open_revs=[...]&amp;revs=true&amp;attachments=true&amp;latest=true</c>.</summary>
    public async Task<List<FetchedRevision>> OpenRevsAsync(string id, IReadOnlyList<string> revs, CancellationToken ct)
    {
        var path = $"{Uri.EscapeDataString(id)}?revs=true&attachments=true&latest=true&open_revs={Uri.EscapeDataString(JsonSerializer.Serialize(revs))}";
        using var response = await SendAsync(HttpMethod.Get, path, null, requestTimeout, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await FailureAsync(response, "GET", "open_revs", ct);
        }

        var root = await ReadJsonAsync(response, ct);
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw Malformed("open_revs");
        }

        return Fetched(root).ToList();
    }

    /// <summary>
    /// Stores revisions as they are (<c>new_edits=false</c>). Returns the refused ones, or null when the body was too
    /// large for the target (413), so the caller can split it.
    /// </summary>
    public async Task<List<WriteFailure>?> BulkDocsAsync(IReadOnlyList<FetchedRevision> docs, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, "_bulk_docs", w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("new_edits", false);
            w.WriteStartArray("docs");
            foreach (var doc in docs)
            {
                w.WriteRawValue(doc.Json, skipInputValidation: true);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }, requestTimeout, ct);
        if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge)
        {
            return null;
        }

        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Accepted))
        {
            throw await FailureAsync(response, "POST", "_bulk_docs", ct);
        }

        var root = await ReadJsonAsync(response, ct);
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw Malformed("_bulk_docs");
        }

        return root.EnumerateArray()
            .Where(r => r.TryGetProperty("error", out _))
            .Select(r => new WriteFailure(
                Text(r, "id") ?? "",
                Text(r, "rev"),
                Text(r, "error") ?? "unknown_error",
                Text(r, "reason") ?? ""))
            .ToList();
    }

    /// <summary>The <c>{"ok": doc}</c> entries of a <c>_bulk_get</c> result or an <c>open_revs</c> answer.</summary>
    private static IEnumerable<FetchedRevision> Fetched(JsonElement entries) =>
        entries.EnumerateArray()
            .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.Object)
            .Select(e => e.GetProperty("ok"))
            .Select(doc => new FetchedRevision(Text(doc, "_id") ?? "", Text(doc, "_rev") ?? "", doc.GetRawText()));

    /// <summary>The <c>since</c> query value of a raw JSON sequence: a JSON string's text, a number as written.</summary>
    private static string SeqParameter(string seq) =>
        seq.StartsWith('"') ? JsonSerializer.Deserialize<string>(seq) ?? "0" : seq;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string relative, Action<Utf8JsonWriter>? body, TimeSpan timeout, CancellationToken ct)
    {
        // Note: built by concatenation, not new Uri(base, relative), so an id holding ':' can never read as a scheme.
        using var request = new HttpRequestMessage(method, new Uri(relative.Length == 0 ? database.AbsoluteUri.TrimEnd('/') : database.AbsoluteUri + relative));
        request.Headers.Accept.ParseAdd("application/json");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            var buffer = new ArrayBufferWriter<byte>(1024);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                body(writer);
            }

            request.Content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
            request.Content.Headers.ContentType = JsonType;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
        }
        catch (OperationCanceledException exception) when (!ct.IsCancellationRequested)
        {
            throw new ReplicationException(500, "connection_failed", $"{method} {display} timed out after {timeout.TotalSeconds:0} s", exception);
        }
        catch (HttpRequestException exception) when (Refusal(exception) is { } refused)
        {
            throw ReplicationException.AddressRefused(display, refused);
        }
        catch (HttpRequestException exception)
        {
            throw new ReplicationException(500, "connection_failed", $"{method} {display} failed: {exception.Message}", exception);
        }
    }

    private static OutboundAddressRefusedException? Refusal(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is OutboundAddressRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            using var json = await JsonDocument.ParseAsync(stream, default, ct);
            return json.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new ReplicationException(500, "bad_response", $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} did not answer JSON", exception);
        }
    }

    private async Task<ReplicationException> FailureAsync(HttpResponseMessage response, string method, string what, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return ReplicationException.Unauthorized(display);
        }

        string? error = null;
        string? reason = null;
        try
        {
            var json = await ReadJsonAsync(response, ct);
            if (json.ValueKind == JsonValueKind.Object)
            {
                (error, reason) = (Text(json, "error"), Text(json, "reason"));
            }
        }
        catch (ReplicationException)
        {
            // Not JSON: the status alone tells what happened.
        }

        if (response.StatusCode == HttpStatusCode.NotFound && what.Length == 0)
        {
            return ReplicationException.DatabaseNotFound(display);
        }

        var detail = error is null ? "" : $": {error}{(reason is null ? "" : " (" + reason + ")")}";
        return new ReplicationException(500, "replication_failed", $"{method} {what} on {display} answered {status}{detail}");
    }

    private ReplicationException Malformed(string what) =>
        new(500, "bad_response", $"{what} of {display} answered an unexpected JSON shape");
}
