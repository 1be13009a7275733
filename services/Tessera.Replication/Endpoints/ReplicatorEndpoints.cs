using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Security;
using Tessera.Documents;
using Tessera.Replication.Definitions;
using Tessera.Replication.Jobs;
using Tessera.Security;

namespace Tessera.Replication.Endpoints;

/// <summary>
/// <c>PUT/GET/DELETE /t/{tenant}/_replicator/{jobId}</c>: persistent jobs, as documents of the tenant's
/// <c>_replicator</c> database (CouchDB's replicator documents). A PUT is validated as a <c>_replicate</c> body and
/// (re)starts the job; a DELETE stops it.
/// </summary>
public static class ReplicatorEndpoints
{
    private const long MaxBodyBytes = 1024 * 1024;

    public static RouteGroupBuilder MapReplicatorEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapPut("/_replicator/{**jobId:minlength(1)}", PutAsync).RequireTenant(Rights.Admin);
        tenant.MapGet("/_replicator/{**jobId:minlength(1)}", GetAsync).RequireTenant(Rights.Admin);
        tenant.MapDelete("/_replicator/{**jobId:minlength(1)}", DeleteAsync).RequireTenant(Rights.Admin);
        return tenant;
    }

    private static async Task<IResult> PutAsync(HttpContext context, string tenant, ReplicationJobStore store, IGrainFactory grains)
    {
        if (JobId(context) is not { } jobId)
        {
            return InvalidId();
        }

        var (bytes, error) = await RequestBody.ReadBytesAsync(context.Request, MaxBodyBytes);
        if (error is not null)
        {
            return error;
        }

        ParsedDocument document;
        try
        {
            using var json = JsonDocument.Parse(bytes);
            if (!ReplicationDefinitionParser.TryParse(json.RootElement, tenant, out var definition, out var reason))
            {
                return CouchError.BadRequest(reason);
            }

            if (definition.Cancel)
            {
                return CouchError.BadRequest("`cancel` is for _replicate; delete the job document to stop the job");
            }

            document = DocumentParser.Parse(json.RootElement, DocumentLimits.Default);
        }
        catch (JsonException)
        {
            return CouchError.InvalidJson();
        }
        catch (DocumentException exception)
        {
            return new CouchError(exception.StatusCode, exception.Error, exception.Reason);
        }

        if (document.Attachments.Count > 0 || document.Deleted)
        {
            return CouchError.BadRequest("A replication job document has no attachments and is deleted with DELETE");
        }

        var (revId, revError) = RequestedRevision.Read(context.Request, document.Rev);
        var rev = revId?.ToString();
        if (revError is not null)
        {
            return revError;
        }

        var result = await store.PutAsync(tenant, jobId, rev, document.Body);
        if (!result.Ok)
        {
            return WriteError(result.Error!, result.Reason);
        }

        await grains.GetGrain<IReplicationJobGrain>(ReplicationJobKey.Persistent(tenant, jobId)).RefreshAsync();
        return WriteOk(201, jobId, result.Rev!);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string tenant, ReplicationJobStore store)
    {
        if (JobId(context) is not { } jobId)
        {
            return InvalidId();
        }

        var job = await store.GetAsync(tenant, jobId, context.RequestAborted);
        if (job is null)
        {
            return CouchError.NotFound();
        }

        context.Response.Headers.ETag = "\"" + job.Rev + "\"";
        return CouchJson.Ok(w =>
        {
            using var body = JsonDocument.Parse(job.Body);
            w.WriteStartObject();
            w.WriteString("_id", job.Id);
            w.WriteString("_rev", job.Rev);
            foreach (var member in body.RootElement.EnumerateObject())
            {
                member.WriteTo(w);
            }

            w.WriteEndObject();
        });
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string tenant, ReplicationJobStore store, IGrainFactory grains)
    {
        if (JobId(context) is not { } jobId)
        {
            return InvalidId();
        }

        var (revId, revError) = RequestedRevision.Read(context.Request, null);
        var rev = revId?.ToString();
        if (revError is not null)
        {
            return revError;
        }

        if (rev is null)
        {
            return CouchError.Conflict();
        }

        var result = await store.DeleteAsync(tenant, jobId, rev);
        if (!result.Ok)
        {
            return WriteError(result.Error!, result.Reason);
        }

        await grains.GetGrain<IReplicationJobGrain>(ReplicationJobKey.Persistent(tenant, jobId)).RefreshAsync();
        return WriteOk(200, jobId, result.Rev!);
    }

    /// <summary>
    /// The job id from the raw request target (ids may hold any character; '/' arrives as %2F or as a separator),
    /// decoded once; null when it is not a valid id for a job.
    /// </summary>
    private static string? JobId(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? raw[..query] : raw;
        if (Uri.TryCreate(path, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal))
        {
            path = absolute.AbsolutePath;
        }

        // segments: [path base...], "t", tenant, "_replicator", id...
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var baseSegments = context.Request.PathBase.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries).Length ?? 0;
        if (segments.Length <= baseSegments + 3)
        {
            return null;
        }

        var id = string.Join('/', segments.Skip(baseSegments + 3).Select(Uri.UnescapeDataString));
        return DocumentIds.IsValid(id, out _) && !DocumentIds.IsDesign(id) && !DocumentIds.IsLocal(id) ? id : null;
    }

    private static CouchError InvalidId() =>
        new(400, "illegal_docid", "A replication job id is a document id that does not start with '_'");

    private static CouchError WriteError(string error, string? reason) => error switch
    {
        "conflict" => CouchError.Conflict(),
        "not_found" => CouchError.NotFound(reason ?? "missing"),
        _ => new CouchError(400, error, reason ?? ""),
    };

    private static CouchJson WriteOk(int status, string id, string rev) => new(status, w =>
    {
        w.WriteStartObject();
        w.WriteBoolean("ok", true);
        w.WriteString("id", id);
        w.WriteString("rev", rev);
        w.WriteEndObject();
    });
}
