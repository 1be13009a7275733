namespace Tessera.Replication.Jobs;

/// <summary>
/// The owner of one replication job, keyed <c>{tenant}/{jobId}</c> for a persistent job (a document of the tenant's
/// <c>_replicator</c> database) or <c>{tenant}/_replicate/{local id}</c> for a continuous <c>_replicate</c> (see
/// <see cref="ReplicationJobKey"/>). It runs the replication loop, checkpoints, retries failures with exponential
/// backoff and stays active while the job runs, wherever Orleans placed it.
/// </summary>
public interface IReplicationJobGrain : IGrainWithStringKey
{
    /// <summary>
    /// Persistent jobs: re-reads the job document and starts, restarts (a new revision) or stops (deleted) the job.
    /// Safe to call any number of times; an unchanged running job is left alone.
    /// </summary>
    Task RefreshAsync();

    /// <summary>Transient jobs: starts the continuous replication described by <paramref name="definitionJson"/> unless it already runs.</summary>
    Task<ReplicationJobStatus> StartAsync(string definitionJson);

    /// <summary>Stops the job; false when it was not running.</summary>
    Task<bool> CancelAsync();

    Task<ReplicationJobStatus> GetStatusAsync();
}

/// <summary>Builds and splits the keys of <see cref="IReplicationJobGrain"/>.</summary>
public static class ReplicationJobKey
{
    // Note: user job ids are document ids, which never start with '_' (but for _design/ and _local/, refused for jobs),
    // so transient keys cannot collide with persistent ones.
    private const string TransientMarker = "_replicate/";

    public static string Persistent(string tenant, string jobId) => tenant + "/" + jobId;

    public static string Transient(string tenant, string localId) => tenant + "/" + TransientMarker + localId;

    public static (string Tenant, string Id, bool Transient) Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            throw new FormatException($"Not a replication job key: {key}");
        }

        var rest = key[(slash + 1)..];
        return rest.StartsWith(TransientMarker, StringComparison.Ordinal)
            ? (key[..slash], rest[TransientMarker.Length..], true)
            : (key[..slash], rest, false);
    }
}

/// <summary>The states of a job, as CouchDB's scheduler names them.</summary>
public static class ReplicationJobStates
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Crashing = "crashing";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

/// <summary>What <c>_scheduler/jobs</c> shows of one job.</summary>
/// <param name="JobId">The <c>_replicator</c> document id, or the local id of a transient job.</param>
/// <param name="ReplicationId">CouchDB's <c>_local_id</c> (replication id plus options); null while the definition is invalid.</param>
/// <param name="Error">The last error, kept until the job makes progress again.</param>
/// <param name="NextRetry">When a crashing job tries again.</param>
/// <param name="CheckpointedSeq">Raw JSON, like <paramref name="SourceSeq"/>.</param>
[GenerateSerializer, Immutable, Alias("tessera.ReplicationJobStatus.v1")]
public sealed record ReplicationJobStatus(
    [property: Id(0)] string Tenant,
    [property: Id(1)] string JobId,
    [property: Id(2)] bool Transient,
    [property: Id(3)] string? DocRev,
    [property: Id(4)] string? ReplicationId,
    [property: Id(5)] string State,
    [property: Id(6)] string? Error,
    [property: Id(7)] int ErrorCount,
    [property: Id(8)] DateTimeOffset? NextRetry,
    [property: Id(9)] string? Source,
    [property: Id(10)] string? Target,
    [property: Id(11)] bool Continuous,
    [property: Id(12)] ReplicationJobCounters Counters,
    [property: Id(13)] DateTimeOffset? StartTime,
    [property: Id(14)] DateTimeOffset LastUpdated);

/// <summary>A job's counters since it (re)started on its current activation.</summary>
[GenerateSerializer, Immutable, Alias("tessera.ReplicationJobCounters.v1")]
public sealed record ReplicationJobCounters(
    [property: Id(0)] long DocsRead,
    [property: Id(1)] long DocsWritten,
    [property: Id(2)] long DocWriteFailures,
    [property: Id(3)] long MissingChecked,
    [property: Id(4)] long MissingFound,
    [property: Id(5)] string? CheckpointedSeq,
    [property: Id(6)] string? SourceSeq,
    [property: Id(7)] long? ChangesPending);
