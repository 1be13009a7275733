using System.ComponentModel.DataAnnotations;

namespace Tessera.DataNode;

/// <summary>Settings of the CouchDB-compatible data API, bound from <c>Tessera:DataNode</c>.</summary>
public sealed class DataNodeOptions
{
    /// <summary>Largest accepted request body; also caps one document (CouchDB's max_document_size is 8 MB by default).</summary>
    [Range(1024, 1L << 32)]
    public long MaxRequestBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Longest a <c>feed=longpoll</c> request waits for a change when it gives no timeout.</summary>
    [Range(1, 3_600_000)]
    public int DefaultLongPollTimeoutMs { get; set; } = 60_000;

    /// <summary>How long a node trusts its cached name-to-key mapping of a database it did not write to.</summary>
    [Range(0, 60_000)]
    public int DatabaseCacheMs { get; set; } = 2_000;
}
