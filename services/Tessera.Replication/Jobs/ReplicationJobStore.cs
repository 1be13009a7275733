using System.Text.Json;
using Tessera.Grains;
using Tessera.Storage;

namespace Tessera.Replication.Jobs;

/// <summary>A job document of a tenant's <c>_replicator</c> database: its id, revision and definition (the body, without <c>_</c> members).</summary>
public sealed record StoredJob(string Id, string Rev, string Body);

/// <summary>How a job that stops by itself ended, kept so a restart does not run a completed one-shot job again.</summary>
/// <param name="DocRev">The job document revision the outcome belongs to; a new revision starts the job afresh.</param>
public sealed record JobOutcome(string DocRev, string State, string? Error, ReplicationJobCounters Counters, DateTimeOffset Time);

/// <summary>
/// Durable job definitions, as CouchDB's <c>_replicator</c> database keeps them: documents of a reserved per-tenant
/// database named <see cref="DatabaseName"/>, written through its <see cref="IDatabaseGrain"/> (single writer, revisions,
/// conflicts) and read straight from storage. Outcomes of finished jobs are <c>_local/outcome/{jobId}</c> documents of
/// the same database.
/// </summary>
/// <remarks>
/// Note: users cannot create a database named <c>_replicator</c> (names must start with a letter), so only this store does.
/// </remarks>
public sealed class ReplicationJobStore(IGrainFactory grains, IDatabaseCatalog catalog, IDocumentReader reader)
{
    public const string DatabaseName = "_replicator";

    private const string OutcomePrefix = "_local/outcome/";

    public async Task<StoredJob?> GetAsync(string tenant, string jobId, CancellationToken ct = default)
    {
        if (await catalog.GetAsync(tenant, DatabaseName, ct) is not { } database)
        {
            return null;
        }

        var stored = await reader.GetWinningAsync(database.Key, jobId, ct);
        return stored is { Document.Deleted: false, Body: { } body } ? new StoredJob(jobId, stored.Document.WinningRev, body) : null;
    }

    /// <summary>Every live job document of the tenant, in id order.</summary>
    public async Task<IReadOnlyList<StoredJob>> ListAsync(string tenant, CancellationToken ct = default)
    {
        if (await catalog.GetAsync(tenant, DatabaseName, ct) is not { } database)
        {
            return [];
        }

        var jobs = new List<StoredJob>();
        await foreach (var row in reader.GetAllDocsAsync(database.Key, new AllDocsQuery(IncludeBodies: true), ct))
        {
            if (row.Body is { } body && !row.Document.Deleted)
            {
                jobs.Add(new StoredJob(row.Document.Id, row.Document.WinningRev, body));
            }
        }

        return jobs;
    }

    /// <summary>
    /// Writes job documents (new revisions and deletions) in one grain call, so they share one commit; creates the
    /// database on first use and forgets the outcome of every job it deleted. The caller has checked the documents.
    /// </summary>
    public async Task<IReadOnlyList<WriteResult>> WriteAsync(string tenant, IReadOnlyList<DocumentWrite> writes)
    {
        var database = Database(tenant);
        await database.CreateAsync();
        var response = await database.WriteAsync(new WriteRequest(writes));
        for (var i = 0; i < writes.Count && i < response.Results.Count; i++)
        {
            if (writes[i].Deleted && response.Results[i].Ok)
            {
                await database.PutLocalAsync(new LocalWrite(OutcomePrefix + writes[i].Id, null, true, "{}"));
            }
        }

        return response.Results;
    }

    /// <summary>Deletes a job document (a tombstone, as for any document) and its outcome.</summary>
    public async Task<WriteResult> DeleteAsync(string tenant, string jobId, string rev)
    {
        var database = Database(tenant);
        var response = await database.WriteAsync(new WriteRequest([new DocumentWrite(jobId, rev, true, "{}", null, [])]));
        if (response.Status == DatabaseStatus.NotFound)
        {
            return new WriteResult(jobId, null, "not_found", "missing");
        }

        await database.PutLocalAsync(new LocalWrite(OutcomePrefix + jobId, null, true, "{}"));
        return response.Results[0];
    }

    public async Task<JobOutcome?> GetOutcomeAsync(string tenant, string jobId, CancellationToken ct = default)
    {
        if (await catalog.GetAsync(tenant, DatabaseName, ct) is not { } database
            || await reader.GetLocalAsync(database.Key, OutcomePrefix + jobId, ct) is not { } local)
        {
            return null;
        }

        using var json = JsonDocument.Parse(local.Json);
        var root = json.RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        long Number(string name) => root.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : 0;
        var counters = new ReplicationJobCounters(
            Number("docs_read"), Number("docs_written"), Number("doc_write_failures"), Number("missing_checked"), Number("missing_found"),
            Text("checkpointed_source_seq"), Text("source_seq"), null);
        return Text("doc_rev") is { } docRev && Text("state") is { } state
            ? new JobOutcome(docRev, state, Text("error"), counters, DateTimeOffset.TryParse(Text("time"), out var at) ? at : DateTimeOffset.UnixEpoch)
            : null;
    }

    /// <summary>Records how the job ended (last writer wins; only the job's grain writes it).</summary>
    public async Task SaveOutcomeAsync(string tenant, string jobId, JobOutcome outcome, CancellationToken ct = default)
    {
        if (await catalog.GetAsync(tenant, DatabaseName, ct) is not { } record)
        {
            return;
        }

        var current = await reader.GetLocalAsync(record.Key, OutcomePrefix + jobId, ct);
        var body = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["doc_rev"] = outcome.DocRev,
            ["state"] = outcome.State,
            ["error"] = outcome.Error,
            ["docs_read"] = outcome.Counters.DocsRead,
            ["docs_written"] = outcome.Counters.DocsWritten,
            ["doc_write_failures"] = outcome.Counters.DocWriteFailures,
            ["missing_checked"] = outcome.Counters.MissingChecked,
            ["missing_found"] = outcome.Counters.MissingFound,
            ["checkpointed_source_seq"] = outcome.Counters.CheckpointedSeq,
            ["source_seq"] = outcome.Counters.SourceSeq,
            ["time"] = outcome.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        });
        await Database(tenant).PutLocalAsync(new LocalWrite(OutcomePrefix + jobId, current?.Rev, false, body));
    }

    private IDatabaseGrain Database(string tenant) => grains.GetDatabaseGrain(tenant, DatabaseName);
}
