using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Security;
using Tessera.DataNode.Documents;
using Tessera.Documents;
using Tessera.Grains;
using Tessera.Security;

namespace Tessera.DataNode.Endpoints;

/// <summary><c>POST /{db}/_bulk_docs</c>: many documents in one grain call, so they share one group commit.</summary>
public static class BulkDocsEndpoints
{
    public static RouteGroupBuilder MapBulkDocsEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapPost("/{db}/_bulk_docs", BulkDocsAsync).RequireDatabase(Rights.Write);
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

            var (input, inputError) = BulkDocsInput.Prepare(docs.EnumerateArray().ToList(), newEdits, RequestAccess.Of(context).MayWriteDocument);
            if (inputError is not null)
            {
                return inputError;
            }

            var response = await grains.GetDatabaseGrain(tenant, RouteNames.Decode(db))
                .WriteAsync(new WriteRequest(input!.Writes, newEdits));
            if (response.Status == DatabaseStatus.NotFound)
            {
                return CouchError.DatabaseNotFound();
            }

            var results = input.Merge(response.Results);

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

                    BulkDocsResults.Write(w, result);
                }

                w.WriteEndArray();
            });
        }
    }
}
