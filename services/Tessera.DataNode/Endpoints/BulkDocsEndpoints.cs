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

            // Note: like CouchDB, one invalid document fails the whole request before anything is written.
            var writes = new List<DocumentWrite>(docs.GetArrayLength());
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

                writes.Add(DocumentWrites.From(document, id, document.Rev, document.Deleted, newEdits));
            }

            var response = await grains.GetGrain<IDatabaseGrain>(DatabaseGrainKey.For(tenant, RouteNames.Decode(db)))
                .WriteAsync(new WriteRequest(writes, newEdits));
            if (response.Status == DatabaseStatus.NotFound)
            {
                return CouchError.DatabaseNotFound();
            }

            return CouchJson.Created(w =>
            {
                w.WriteStartArray();
                foreach (var result in response.Results)
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
}
