using System.ComponentModel.DataAnnotations;

namespace Tessera.Replication;

/// <summary>Settings of the server-side replicator, bound from <c>Tessera:Replication</c>.</summary>
public sealed class ReplicationOptions
{
    /// <summary>Changes read per <c>_changes</c> request, and so documents per <c>_revs_diff</c>/<c>_bulk_get</c>/<c>_bulk_docs</c> round.</summary>
    [Range(1, 5000)]
    public int BatchSize { get; set; } = 250;

    /// <summary>Largest <c>_bulk_docs</c> body sent at once (documents with inline attachments are split across requests).</summary>
    [Range(64 * 1024, 1L << 31)]
    public long MaxBulkDocsBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How long one request to a source or target may take before the job counts it as failed.</summary>
    [Range(1_000, 3_600_000)]
    public int RequestTimeoutMs { get; set; } = 60_000;

    /// <summary>The <c>timeout</c> of the <c>feed=longpoll</c> requests a continuous replication waits on.</summary>
    [Range(100, 600_000)]
    public int LongPollTimeoutMs { get; set; } = 30_000;

    /// <summary>First wait before retrying a failed job; doubled on each further failure, with jitter.</summary>
    [Range(10, 3_600_000)]
    public int InitialBackoffMs { get; set; } = 1_000;

    /// <summary>Longest wait between retries of a failing job.</summary>
    [Range(10, 86_400_000)]
    public int MaxBackoffMs { get; set; } = 300_000;

    /// <summary>How often each node re-activates the jobs stored in every tenant's <c>_replicator</c> database (after a node loss, say).</summary>
    [Range(1_000, 86_400_000)]
    public int RescanIntervalMs { get; set; } = 60_000;

    /// <summary>
    /// Where this node reaches its own CouchDB API for jobs naming a bare database (<c>"source":"orders"</c>), such as
    /// <c>http://127.0.0.1:5984/</c>; null to use the first address the server listens on.
    /// </summary>
    [Url]
    public string? LocalBaseAddress { get; set; }

    /// <summary>
    /// Whether replications may connect to loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local
    /// (169.254/16 with the cloud metadata service, fe80::/10), shared, unspecified, multicast and reserved addresses.
    /// Unset: allowed on a single node (embedded mode, where replicating with a local CouchDB is the common case) and
    /// refused in a cluster (<c>Tessera:Orleans:Clustering=AdoNet</c>), where a tenant's URL must not reach the
    /// cluster's own services or the metadata endpoint. Bare database names of the tenant are never affected.
    /// </summary>
    public bool? AllowPrivateAddresses { get; set; }

    /// <summary>
    /// Hosts replications may reach even when they resolve to internal addresses: exact names (<c>couch.internal</c>,
    /// <c>10.1.2.3</c>) or <c>*.domain</c> for every name under a domain.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>Internal networks replications may reach, in CIDR notation (<c>10.20.0.0/16</c>, <c>fd00:1::/64</c>).</summary>
    public IList<string> AllowedNetworks { get; } = [];
}
