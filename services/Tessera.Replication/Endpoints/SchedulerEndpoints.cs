using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Security;
using Tessera.Replication.Jobs;
using Tessera.Security;

namespace Tessera.Replication.Endpoints;

/// <summary>
/// <c>GET /t/{tenant}/_scheduler/jobs</c> and <c>/_scheduler/docs[/_replicator/{jobId}]</c>: the tenant's replication
/// jobs with their state (<c>pending</c>, <c>running</c>, <c>crashing</c>, <c>completed</c>, <c>failed</c>), last error,
/// error count, next retry and counters, in CouchDB's shape.
/// </summary>
public static class SchedulerEndpoints
{
    public static RouteGroupBuilder MapSchedulerEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/_scheduler/jobs", (string tenant, ReplicationJobStore store, TransientJobRegistry transient, IGrainFactory grains, CancellationToken ct) =>
            ListAsync(tenant, "jobs", store, transient, grains, ct)).RequireTenant(Rights.Admin);
        tenant.MapGet("/_scheduler/docs", (string tenant, ReplicationJobStore store, TransientJobRegistry transient, IGrainFactory grains, CancellationToken ct) =>
            ListAsync(tenant, "docs", store, transient, grains, ct)).RequireTenant(Rights.Admin);
        tenant.MapGet("/_scheduler/docs/_replicator/{**jobId:minlength(1)}", GetAsync).RequireTenant(Rights.Admin);
        return tenant;
    }

    private static async Task<IResult> ListAsync(string tenant, string member, ReplicationJobStore store, TransientJobRegistry transient, IGrainFactory grains, CancellationToken ct)
    {
        var keys = (await store.ListAsync(tenant, ct)).Select(j => ReplicationJobKey.Persistent(tenant, j.Id))
            .Concat(transient.List(tenant).Select(id => ReplicationJobKey.Transient(tenant, id)));
        var statuses = await Task.WhenAll(keys.Select(key => grains.GetGrain<IReplicationJobGrain>(key).GetStatusAsync()));
        var listed = statuses.Where(s => s.Transient ? s.State != ReplicationJobStates.Cancelled : s.DocRev is not null).ToList();
        return CouchJson.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("total_rows", listed.Count);
            w.WriteNumber("offset", 0);
            w.WriteStartArray(member);
            listed.ForEach(s => WriteJob(w, s));
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> GetAsync(string tenant, string jobId, ReplicationJobStore store, IGrainFactory grains, CancellationToken ct)
    {
        jobId = Uri.UnescapeDataString(jobId);
        if (await store.GetAsync(tenant, jobId, ct) is null)
        {
            return CouchError.NotFound();
        }

        var status = await grains.GetGrain<IReplicationJobGrain>(ReplicationJobKey.Persistent(tenant, jobId)).GetStatusAsync();
        return CouchJson.Ok(w => WriteJob(w, status));
    }

    private static void WriteJob(Utf8JsonWriter w, ReplicationJobStatus job)
    {
        w.WriteStartObject();
        if (job.Transient)
        {
            w.WriteNull("database");
            w.WriteNull("doc_id");
        }
        else
        {
            w.WriteString("database", ReplicationJobStore.DatabaseName);
            w.WriteString("doc_id", job.JobId);
        }

        w.WriteString("id", job.ReplicationId);
        w.WriteString("source", job.Source);
        w.WriteString("target", job.Target);
        w.WriteString("state", job.State);
        w.WriteString("error", job.Error);
        w.WriteNumber("error_count", job.ErrorCount);
        WriteTime(w, "next_retry", job.NextRetry);
        w.WriteBoolean("continuous", job.Continuous);
        WriteTime(w, "start_time", job.StartTime);
        WriteTime(w, "last_updated", job.LastUpdated);
        w.WriteNull("user");
        w.WriteStartObject("info");
        var c = job.Counters;
        w.WriteNumber("revisions_checked", c.MissingChecked);
        w.WriteNumber("missing_revisions_found", c.MissingFound);
        w.WriteNumber("docs_read", c.DocsRead);
        w.WriteNumber("docs_written", c.DocsWritten);
        w.WriteNumber("doc_write_failures", c.DocWriteFailures);
        if (c.ChangesPending is long pending)
        {
            w.WriteNumber("changes_pending", pending);
        }
        else
        {
            w.WriteNull("changes_pending");
        }

        WriteSeq(w, "checkpointed_source_seq", c.CheckpointedSeq);
        WriteSeq(w, "source_seq", c.SourceSeq);
        w.WriteString("error", job.Error);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            w.WriteString(name, time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteSeq(Utf8JsonWriter w, string name, string? raw)
    {
        w.WritePropertyName(name);
        if (raw is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteRawValue(raw, skipInputValidation: true);
        }
    }
}
