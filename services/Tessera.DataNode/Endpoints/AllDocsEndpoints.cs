using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Security;
using Tessera.DataNode.Documents;
using Tessera.DataNode.Tenancy;
using Tessera.Documents;
using Tessera.Storage;
using Tessera.Security;

namespace Tessera.DataNode.Endpoints;

/// <summary><c>GET/POST /{db}/_all_docs</c>: documents by id, by range or by a list of keys.</summary>
public static class AllDocsEndpoints
{
    public static RouteGroupBuilder MapAllDocsEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/{db}/_all_docs", (HttpContext c, string tenant, string db, IDocumentReader r, IDatabaseCatalog k) => AllDocsAsync(c, tenant, db, null, r, k))
            .RequireDatabase(Rights.Read);
        tenant.MapPost("/{db}/_all_docs", PostAsync).RequireDatabase(Rights.Read);
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
            var query = new AllDocsQuery(startKey, endKey, inclusiveEnd, descending, (int)Math.Min(skip, int.MaxValue), (int)Math.Min(limit, int.MaxValue), includeDocs);
            await foreach (var entry in AllDocsEntries.ReadAsync(reader, info.Key, keys, query, flags, ct))
            {
                if (entry.Record is { } record)
                {
                    Row(w, record, includeDocs, entry.Body, entry.Extras);
                }
                else
                {
                    ErrorRow(w, entry.Id);
                }

                await flush();
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
