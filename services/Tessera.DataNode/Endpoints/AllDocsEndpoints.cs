using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Documents;
using Tessera.DataNode.Tenancy;
using Tessera.Documents;
using Tessera.Storage;

namespace Tessera.DataNode.Endpoints;

/// <summary><c>GET/POST /{db}/_all_docs</c>: documents by id, by range or by a list of keys.</summary>
public static class AllDocsEndpoints
{
    public static RouteGroupBuilder MapAllDocsEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/{db}/_all_docs", (HttpContext c, string tenant, string db, IDocumentReader r, IDatabaseCatalog k) => AllDocsAsync(c, tenant, db, null, r, k));
        tenant.MapPost("/{db}/_all_docs", PostAsync);
        return tenant;
    }

    private static async Task<IResult> PostAsync(HttpContext context, string tenant, string db, IDocumentReader reader, IDatabaseCatalog catalog, IOptions<DataNodeOptions> options)
    {
        var (json, error) = await RequestBody.ReadJsonAsync(context.Request, options.Value.MaxRequestBytes);
        if (error is not null)
        {
            return error;
        }

        using (json)
        {
            var root = json!.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
            {
                return CouchError.BadRequest("`keys` body member must be an array.");
            }

            var ids = new List<string>();
            foreach (var key in keys.EnumerateArray())
            {
                if (key.ValueKind != JsonValueKind.String)
                {
                    return CouchError.BadRequest("`keys` member must contain only strings.");
                }

                ids.Add(key.GetString()!);
            }

            return await AllDocsAsync(context, tenant, db, ids, reader, catalog);
        }
    }

    private static async Task<IResult> AllDocsAsync(HttpContext context, string tenant, string db, List<string>? keys, IDocumentReader reader, IDatabaseCatalog catalog)
    {
        var q = new QueryOptions(context.Request.Query);
        var includeDocs = q.Bool("include_docs");
        var conflicts = q.Bool("conflicts");
        var descending = q.Bool("descending");
        var inclusiveEnd = q.Bool("inclusive_end", fallback: true);
        var skip = q.Long("skip", 0);
        var limit = q.Long("limit", int.MaxValue);
        var updateSeq = q.Bool("update_seq");
        var startKey = q.JsonString("startkey", "start_key", "startkey_docid", "start_key_doc_id");
        var endKey = q.JsonString("endkey", "end_key", "endkey_docid", "end_key_doc_id");
        if (q.JsonString("key") is { } single)
        {
            keys = [single];
        }

        if (keys is null && q.Json("keys") is { } keysParam)
        {
            keys = keysParam.ValueKind == JsonValueKind.Array && keysParam.EnumerateArray().All(k => k.ValueKind == JsonValueKind.String)
                ? keysParam.EnumerateArray().Select(k => k.GetString()!).ToList()
                : null;
            if (keys is null)
            {
                q.Fail("`keys` must be a JSON array of strings");
            }
        }

        if (q.Error is { } queryError)
        {
            return queryError;
        }

        var ct = context.RequestAborted;
        var info = await catalog.GetAsync(tenant, RouteNames.Decode(db), ct);
        if (info is null)
        {
            return CouchError.DatabaseNotFound();
        }

        var flags = conflicts ? ReadFlags.Conflicts : ReadFlags.None;
        var seq = info.UpdateSeq;
        return new CouchStreamedJson(async (w, flush) =>
        {
            w.WriteStartObject();
            w.WriteNumber("total_rows", info.DocCount);
            w.WriteNumber("offset", keys is null ? skip : 0);
            if (updateSeq)
            {
                w.WriteString("update_seq", Sequences.Format(seq));
            }

            w.WriteStartArray("rows");
            if (keys is not null)
            {
                var found = await reader.GetDocumentsAsync(info.Key, keys.Distinct(StringComparer.Ordinal).ToList(), ct);
                var bodies = includeDocs
                    ? await reader.GetBodiesAsync(info.Key, found.Values.Where(d => !d.Deleted).Select(d => new RevisionKey(d.Id, d.WinningRev)).ToList(), ct)
                    : null;
                var ordered = descending ? Enumerable.Reverse(keys) : keys;
                foreach (var id in ordered.Skip((int)Math.Min(skip, int.MaxValue)).Take((int)Math.Min(limit, int.MaxValue)))
                {
                    if (!found.TryGetValue(id, out var record))
                    {
                        ErrorRow(w, id);
                        continue;
                    }

                    var body = bodies?.GetValueOrDefault(new RevisionKey(id, record.WinningRev));
                    var extras = body is not null ? await DocumentRead.ExtrasAsync(reader, info.Key, record, RevId.Parse(record.WinningRev), body, flags, ct) : null;
                    Row(w, record, includeDocs, body, extras);
                    await flush();
                }
            }
            else
            {
                var query = new AllDocsQuery(startKey, endKey, inclusiveEnd, descending, (int)Math.Min(skip, int.MaxValue), (int)Math.Min(limit, int.MaxValue), includeDocs);
                await foreach (var row in reader.GetAllDocsAsync(info.Key, query, ct))
                {
                    var extras = includeDocs && conflicts ? await DocumentRead.ExtrasAsync(reader, info.Key, row.Document, RevId.Parse(row.Document.WinningRev), row.Body, flags, ct) : null;
                    Row(w, row.Document, includeDocs, row.Body, extras);
                    await flush();
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void Row(Utf8JsonWriter w, DocumentRecord record, bool includeDocs, string? body, DocumentExtras? extras)
    {
        w.WriteStartObject();
        w.WriteString("id", record.Id);
        w.WriteString("key", record.Id);
        w.WriteStartObject("value");
        w.WriteString("rev", record.WinningRev);
        if (record.Deleted)
        {
            w.WriteBoolean("deleted", true);
        }

        w.WriteEndObject();
        if (includeDocs)
        {
            w.WritePropertyName("doc");
            if (record.Deleted || body is null)
            {
                w.WriteNullValue();
            }
            else
            {
                DocumentJsonWriter.Write(w, record.Id, record.WinningRev, false, body, extras ?? DocumentExtras.None);
            }
        }

        w.WriteEndObject();
    }

    private static void ErrorRow(Utf8JsonWriter w, string id)
    {
        w.WriteStartObject();
        w.WriteString("key", id);
        w.WriteString("error", "not_found");
        w.WriteEndObject();
    }
}
