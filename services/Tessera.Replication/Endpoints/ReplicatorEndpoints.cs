using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Security;
using Tessera.Documents;
using Tessera.Grains;
using Tessera.Replication.Jobs;
using Tessera.Security;

namespace Tessera.Replication.Endpoints;

/// <summary>
/// <c>PUT/GET/DELETE /t/{tenant}/_replicator/{jobId}</c>, <c>POST /t/{tenant}/_replicator</c> and
/// <c>POST /t/{tenant}/_replicator/_bulk_docs</c>: persistent jobs, as documents of the tenant's <c>_replicator</c>
/// database (CouchDB's replicator documents). Every write is checked by <see cref="JobDocuments.Check"/> first: an
/// invalid job is refused with 403 <c>forbidden</c> and nothing is stored. A write (re)starts the job; a deletion stops it.
/// </summary>
/// <remarks>
/// Note: these routes start with the literal <c>_replicator</c>, so they win over the data node's <c>/{db}</c> routes;
/// without the POST routes a job document could be written around the check through <c>POST /{db}</c> or
/// <c>POST /{db}/_bulk_docs</c>.
/// </remarks>
public static partial class ReplicatorEndpoints
{
    private const long MaxBodyBytes = 1024 * 1024;

    public static RouteGroupBuilder MapReplicatorEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapPost("/_replicator", PostAsync).RequireTenant(Rights.Admin);
        tenant.MapPost("/_replicator/_bulk_docs", BulkDocsAsync).RequireTenant(Rights.Admin);
        tenant.MapPut("/_replicator/{**jobId:minlength(1)}", PutAsync).RequireTenant(Rights.Admin);
        tenant.MapGet("/_replicator/{**jobId:minlength(1)}", GetAsync).RequireTenant(Rights.Admin);
        tenant.MapDelete("/_replicator/{**jobId:minlength(1)}", DeleteAsync).RequireTenant(Rights.Admin);
        return tenant;
    }

    private static async Task<IResult> PutAsync(HttpContext context, string tenant, ReplicationJobStore store, IGrainFactory grains)
    {
        if (JobId(context) is not { } jobId)
        {
            return JobDocuments.InvalidId();
        }

        var (document, error) = await ReadJobAsync(context.Request, tenant, requireJsonContentType: false);
        if (error is not null)
        {
            return error;
        }

        var (revId, revError) = RequestedRevision.Read(context.Request, document!.Rev);
        if (revError is not null)
        {
            return revError;
        }

        return await WriteOneAsync(store, grains, tenant, JobDocuments.Write(jobId, revId?.ToString(), document));
    }

    /// <summary>Reads a job document's body and checks it as a replication definition (403 <c>forbidden</c> when it cannot run).</summary>
    private static async Task<(ParsedDocument? Document, CouchError? Error)> ReadJobAsync(HttpRequest request, string tenant, bool requireJsonContentType)
    {
        var (json, error) = await RequestBody.ReadJsonAsync(request, MaxBodyBytes, requireJsonContentType);
        if (error is not null)
        {
            return (null, error);
        }

        using (json)
        {
            return JobDocuments.Check(json!.RootElement, tenant);
        }
    }

    /// <summary><c>POST /_replicator</c>: a job document whose id is its <c>_id</c>, or a new one when it has none (CouchDB's <c>POST /{db}</c>).</summary>
    private static async Task<IResult> PostAsync(HttpContext context, string tenant, ReplicationJobStore store, IGrainFactory grains)
    {
        var (document, error) = await ReadJobAsync(context.Request, tenant, requireJsonContentType: true);
        if (error is not null)
        {
            return error;
        }

        var jobId = document!.Id ?? SequentialIds.Next();
        return JobDocuments.IsJobId(jobId)
            ? await WriteOneAsync(store, grains, tenant, JobDocuments.Write(jobId, document.Rev?.ToString(), document) with { NewId = document.Id is null })
            : JobDocuments.InvalidId();
    }

    private static async Task<IResult> WriteOneAsync(ReplicationJobStore store, IGrainFactory grains, string tenant, DocumentWrite write)
    {
        var result = (await store.WriteAsync(tenant, [write]))[0];
        if (!result.Ok)
        {
            return WriteError(result.Error!, result.Reason);
        }

        await grains.GetGrain<IReplicationJobGrain>(ReplicationJobKey.Persistent(tenant, write.Id)).RefreshAsync();
        return WriteOk(201, write.Id, result.Rev!);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string tenant, ReplicationJobStore store)
    {
        if (JobId(context) is not { } jobId)
        {
            return JobDocuments.InvalidId();
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
            return JobDocuments.InvalidId();
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
        return JobDocuments.IsJobId(id) ? id : null;
    }

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
