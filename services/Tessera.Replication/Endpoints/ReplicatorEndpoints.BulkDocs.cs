using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Documents;
using Tessera.Documents;
using Tessera.Grains;
using Tessera.Replication.Jobs;

namespace Tessera.Replication.Endpoints;

public static partial class ReplicatorEndpoints
{
    /// <summary>
    /// <c>POST /_replicator/_bulk_docs</c>: each document is checked like a PUT. As CouchDB answers a document its
    /// validation refuses, an invalid job gets its own <c>{"id","error":"forbidden","reason"}</c> row and the others are
    /// written; a malformed request or document fails the whole request with 400 and writes nothing.
    /// </summary>
    /// <remarks>
    /// Note: <c>new_edits=false</c> (a replicator writing revisions it read elsewhere) is refused: CouchDB skips its
    /// check for such writes, which here would store jobs nobody checked.
    /// </remarks>
    private static async Task<IResult> BulkDocsAsync(HttpContext context, string tenant, ReplicationJobStore store, IGrainFactory grains)
    {
        var (json, error) = await RequestBody.ReadJsonAsync(context.Request, MaxBodyBytes);
        if (error is not null)
        {
            return error;
        }

        var writes = new List<DocumentWrite>();
        var refused = new Dictionary<int, WriteResult>();
        using (json)
        {
            var root = json!.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("docs", out var docs) || docs.ValueKind != JsonValueKind.Array)
            {
                return CouchError.BadRequest("POST body must include `docs` parameter.");
            }

            if (root.TryGetProperty("new_edits", out var newEdits) && newEdits.ValueKind != JsonValueKind.True)
            {
                return newEdits.ValueKind == JsonValueKind.False
                    ? CouchError.BadRequest("`new_edits=false` is not supported on _replicator; write job documents as new edits")
                    : CouchError.BadRequest("`new_edits` parameter must be a boolean.");
            }

            var index = 0;
            foreach (var item in docs.EnumerateArray())
            {
                var (document, itemError) = JobDocuments.Check(item, tenant);
                if (itemError is { StatusCode: 403 })
                {
                    var refusedId = item.TryGetProperty("_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : "";
                    refused[index++] = new WriteResult(refusedId, null, itemError.Error, itemError.Reason);
                    continue;
                }

                if (itemError is not null)
                {
                    return itemError;
                }

                var jobId = document!.Id ?? SequentialIds.Next();
                if (!JobDocuments.IsJobId(jobId))
                {
                    return JobDocuments.InvalidId();
                }

                writes.Add(JobDocuments.Write(jobId, document.Rev?.ToString(), document) with { NewId = document.Id is null });
                index++;
            }
        }

        var written = writes.Count > 0 ? await store.WriteAsync(tenant, writes) : [];
        var results = BulkDocsResults.Merge(written, refused);

        foreach (var result in results.Where(r => r.Ok).DistinctBy(r => r.Id))
        {
            await grains.GetGrain<IReplicationJobGrain>(ReplicationJobKey.Persistent(tenant, result.Id)).RefreshAsync();
        }

        return CouchJson.Created(w =>
        {
            w.WriteStartArray();
            foreach (var result in results)
            {
                BulkDocsResults.Write(w, result);
            }

            w.WriteEndArray();
        });
    }
}
