namespace Tessera.Storage;

/// <summary>A database of a tenant, as the control plane stores it.</summary>
/// <param name="Key">Storage key carried by every row of this database's data.</param>
public sealed record DatabaseRecord(
    long Key,
    string Tenant,
    string Name,
    long UpdateSeq,
    long DocCount,
    long DeletedDocCount,
    int RevsLimit,
    string? SecurityJson,
    DateTimeOffset CreatedAt,
    bool PublicRead = false);

/// <summary>
/// The stored state of one document: its revision tree (serialized by Tessera.Documents, opaque to storage),
/// the winning revision and the sequence of its last change.
/// </summary>
public sealed record DocumentRecord(string Id, string WinningRev, bool Deleted, long Seq, byte[] RevTree);

/// <summary>A document together with the JSON body of its winning revision (null when compacted away).</summary>
public sealed record DocumentWithBody(DocumentRecord Document, string? Body);

/// <summary>
/// The body of one revision: a JSON object without <c>_id</c>, <c>_rev</c>, <c>_deleted</c> and <c>_revisions</c>,
/// keeping <c>_attachments</c> stubs.
/// </summary>
public sealed record RevisionBody(string DocId, string Rev, string Json);

/// <summary>Identifies one revision's body.</summary>
public sealed record RevisionKey(string DocId, string Rev);

/// <summary>Attachment bytes, stored once per database by content digest (<c>md5-...</c>).</summary>
public sealed record AttachmentContent(string Digest, byte[] Data);

/// <summary>A <c>_local</c> document: not replicated, no revision tree, no sequence.</summary>
public sealed record LocalDocument(string Id, string Rev, string Json);

/// <summary>
/// A conditional write of a <c>_local</c> document, applied by <see cref="IDocumentWriter.UpdateLocalAsync"/>: a write
/// replaces the stored document only when its revision is <paramref name="ExpectedRev"/> (a missing document is created,
/// whatever was expected); a deletion (<paramref name="Deleted"/>) removes it when <paramref name="ExpectedRev"/> is null
/// or matches.
/// </summary>
public sealed record LocalDocumentUpdate(string Id, string? ExpectedRev, bool Deleted, string Json)
{
    /// <summary>The revision of a newly created <c>_local</c> document.</summary>
    public const string FirstRev = "0-1";

    /// <summary>The revision a replaced document gets: CouchDB's local revisions are "0-N", N counting the updates.</summary>
    public string NextRev => ExpectedRev is not null && ExpectedRev.StartsWith("0-", StringComparison.Ordinal)
        && long.TryParse(ExpectedRev.AsSpan(2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
        && n < long.MaxValue
            ? "0-" + (n + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : FirstRev;
}

/// <summary>What <see cref="IDocumentWriter.UpdateLocalAsync"/> did.</summary>
public enum LocalUpdateStatus
{
    /// <summary>Written or deleted; <see cref="LocalUpdateResult.Rev"/> is the new revision ("0-0" after a deletion).</summary>
    Written,

    /// <summary>The stored document has another revision; nothing changed.</summary>
    Conflict,

    /// <summary>A deletion of a document that does not exist; nothing changed.</summary>
    NotFound,
}

/// <summary>The outcome of a conditional <c>_local</c> write.</summary>
public readonly record struct LocalUpdateResult(LocalUpdateStatus Status, string? Rev);

/// <summary>
/// Everything one group commit writes, applied atomically by <see cref="IDocumentWriter.CommitAsync"/>.
/// Sequences of <see cref="Documents"/> are already assigned by the single writer. <see cref="Bodies"/> are new
/// revisions: storage holds no body of theirs yet, so it inserts them without looking and a body that exists anyway fails
/// the commit. The bodies of revisions they extend stay until compaction. <see cref="RemovedBodies"/> were stemmed out
/// of their tree and are deleted now.
/// </summary>
public sealed record CommitBatch(
    IReadOnlyList<DocumentRecord> Documents,
    IReadOnlyList<RevisionBody> Bodies,
    IReadOnlyList<RevisionKey> RemovedBodies,
    IReadOnlyList<AttachmentContent> Attachments,
    long UpdateSeq,
    long DocCountDelta,
    long DeletedDocCountDelta)
{
    /// <summary>
    /// The <c>update_seq</c> the writer last saw; the commit fails with <see cref="ConcurrentWriterException"/> and
    /// writes nothing when storage holds another one. Null commits unconditionally (tools and tests).
    /// Note: Orleans keeps one activation per grain, but while silos join or leave two can live for a moment; this
    /// fence makes the second writer fail instead of reusing sequence numbers.
    /// </summary>
    public long? ExpectedUpdateSeq { get; init; }

    /// <summary>
    /// Ids of <see cref="Documents"/> the writer knows storage does not hold yet (it looked, or minted the id).
    /// Storage may insert their rows without looking for existing ones, so a row that exists anyway fails the commit
    /// instead of being overwritten. Null: every document may exist.
    /// </summary>
    public IReadOnlySet<string>? NewDocuments { get; init; }
}

/// <summary>Key range and paging of an <c>_all_docs</c> read; keys are compared by ordinal UTF-8 order.</summary>
public sealed record AllDocsQuery(
    string? StartKey = null,
    string? EndKey = null,
    bool InclusiveEnd = true,
    bool Descending = false,
    int Skip = 0,
    int Limit = int.MaxValue,
    bool IncludeBodies = false);

/// <summary>A range read of <c>_changes</c>: documents whose last change is after <paramref name="Since"/>.</summary>
public sealed record ChangesQuery(long Since, int Limit = int.MaxValue, bool Descending = false, bool IncludeBodies = false);
