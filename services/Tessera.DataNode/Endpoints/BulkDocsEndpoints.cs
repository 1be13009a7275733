using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Documents;
using Tessera.Documents;
using Tessera.Grains;

namespace Tessera.DataNode.Endpoints;

/// <summary><c>POST /{db}/_bulk_docs</c>: many documents in one grain call, so they share one group commit.</summary>
public static class BulkDocsEndpoints
{
    public static RouteGroupBuilder MapBulkDocsEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapPost("/{db}/_bulk_docs", BulkDocsAsync);
        return tenant;
    }

    private static async Task<IResult> BulkDocsAsync(HttpContext context, string tenant, string db, IGrainFactory grains, IOptions<DataNodeOptions> options)
    {
        var (json, error) = await RequestBody.ReadJsonAsync(context.Request, options.Value.MaxRequestBytes);
        if (error is not null)
        {
            return error;
        }

        using (json)
        {
            var root = json!.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("docs", out var docs) || docs.ValueKind != JsonValueKind.Array)
            {
                return CouchError.BadRequest("POST body must include `docs` parameter.");
            }

            var newEdits = true;
            if (root.TryGetProperty("new_edits", out var flag))
            {
                if (flag.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    return CouchError.BadRequest("`new_edits` parameter must be a boolean.");
                }

                newEdits = flag.GetBoolean();
            }

            // Note: like CouchDB, one malformed document fails the whole request before anything is written; a
            // well-formed document we refuse to store gets its own "forbidden" row and the others are written.
            var writes = new List<DocumentWrite>(docs.GetArrayLength());
            var refused = new Dictionary<int, WriteResult>();
            foreach (var item in docs.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    return CouchError.BadRequest("Document must be a JSON object");
                }

                ParsedDocument document;
                try
                {
                    document = DocumentParser.Parse(item, DocumentLimits.Default);
                }
                catch (DocumentException exception) when (exception.Error == DocumentException.Forbidden)
                {
                    var refusedId = item.TryGetProperty("_id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : "";
                    refused[writes.Count + refused.Count] = new WriteResult(refusedId, null, exception.Error, exception.Reason);
                    continue;
                }
                catch (DocumentException exception)
                {
                    return new CouchError(exception.StatusCode, exception.Error, exception.Reason);
                }

                var id = document.Id ?? (newEdits ? DocumentWrites.NewId() : null);
                if (id is null)
                {
                    return new CouchError(400, "illegal_docid", "Document id must not be empty");
                }

                if (!DocumentIds.IsValid(id, out var reason))
                {
                    return new CouchError(400, "illegal_docid", reason);
                }

                if (!newEdits && DocumentWrites.ValidateReplicated(document, document.Rev) is { } replicatedError)
                {
                    return replicatedError;
                }

                writes.Add(DocumentWrites.From(document, id, document.Rev, document.Deleted, newEdits) with { NewId = document.Id is null });
            }

            var response = await grains.GetGrain<IDatabaseGrain>(DatabaseGrainKey.For(tenant, RouteNames.Decode(db)))
                .WriteAsync(new WriteRequest(writes, newEdits));
            if (response.Status == DatabaseStatus.NotFound)
            {
                return CouchError.DatabaseNotFound();
            }

            var results = Merge(response.Results, refused);

            return CouchJson.Created(w =>
            {
                w.WriteStartArray();
                foreach (var result in results)
                {
                    // With new_edits=false CouchDB reports only failures.
                    if (!newEdits && result.Ok)
                    {
                        continue;
                    }

                    w.WriteStartObject();
                    if (result.Ok)
                    {
                        w.WriteBoolean("ok", true);
                    }

                    w.WriteString("id", result.Id);
                    if (result.Rev is not null)
                    {
                        w.WriteString("rev", result.Rev);
                    }

                    if (!result.Ok)
                    {
                        w.WriteString("error", result.Error);
                        w.WriteString("reason", result.Reason);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
        }
    }

    /// <summary>Puts refused documents' rows back at their positions among the written ones.</summary>
    private static List<WriteResult> Merge(IReadOnlyList<WriteResult> written, Dictionary<int, WriteResult> refused)
    {
        var results = new List<WriteResult>(written.Count + refused.Count);
        var next = 0;
        for (var i = 0; i < written.Count + refused.Count; i++)
        {
            results.Add(refused.TryGetValue(i, out var row) ? row : written[next++]);
        }

        return results;
    }
}
