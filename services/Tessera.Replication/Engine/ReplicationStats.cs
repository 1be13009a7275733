namespace Tessera.Replication.Engine;

/// <summary>
/// Counters of a replication (CouchDB's names), updated by the replicator as it goes and read by whoever watches it.
/// Not thread-safe: the replicator and its watcher share one logical thread (a request, or a grain's scheduler).
/// </summary>
public sealed class ReplicationStats
{
    /// <summary>Revisions read from the source.</summary>
    public long DocsRead { get; set; }

    /// <summary>Revisions the target stored.</summary>
    public long DocsWritten { get; set; }

    /// <summary>Revisions the target refused.</summary>
    public long DocWriteFailures { get; set; }

    /// <summary>Revisions asked about with <c>_revs_diff</c>.</summary>
    public long MissingChecked { get; set; }

    /// <summary>Revisions <c>_revs_diff</c> reported missing from the target.</summary>
    public long MissingFound { get; set; }

    /// <summary>The last sequence recorded in the checkpoints (raw JSON), or null before the first.</summary>
    public string? CheckpointedSeq { get; set; }

    /// <summary>The source's last known update sequence (raw JSON).</summary>
    public string? SourceSeq { get; set; }

    /// <summary>Changes the source said were left after the last batch (an upper bound), when it said so.</summary>
    public long? ChangesPending { get; set; }

    /// <summary>Called after each batch the target accepted and when a continuous replication has caught up.</summary>
    public Action? Progressed { get; set; }

    public ReplicationStats Snapshot() => (ReplicationStats)MemberwiseClone();
}
