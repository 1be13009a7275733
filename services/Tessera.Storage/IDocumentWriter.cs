namespace Tessera.Storage;

/// <summary>
/// Writes of one database. Only its single writer (the DatabaseGrain) calls these, one at a time per database.
/// </summary>
public interface IDocumentWriter
{
    /// <summary>
    /// Applies a whole batch in one transaction: upserts the documents, inserts the new bodies and attachments
    /// (attachments already stored are kept), deletes removed bodies, and sets the database's update sequence and counters.
    /// Returns only after the transaction committed.
    /// </summary>
    Task CommitAsync(long database, CommitBatch batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes or deletes a <c>_local</c> document if its stored revision is the one expected (see
    /// <see cref="LocalDocumentUpdate"/>), atomically: the check and the write are one step, so two concurrent updates
    /// from the same revision cannot both succeed.
    /// Note: unlike <see cref="CommitAsync"/>, this may return before the write is durable (PostgreSQL: asynchronous
    /// commit). A <c>_local</c> document is never replicated and serves as a replication checkpoint; losing the latest
    /// one in a crash only makes a replicator redo work, as with CouchDB's delayed commits.
    /// </summary>
    Task<LocalUpdateResult> UpdateLocalAsync(long database, LocalDocumentUpdate update, CancellationToken cancellationToken = default);

    /// <summary>
    /// Compaction, one page of documents at a time: deletes every stored body of the documents named in
    /// <paramref name="keep"/> except the revisions listed there (their leaves). Which revisions are leaves only the
    /// revision trees tell, so the writer's caller works that out; storage never reads a tree.
    /// </summary>
    Task DeleteBodiesExceptAsync(long database, IReadOnlyList<RevisionKey> keep, CancellationToken cancellationToken = default);

    /// <summary>Compaction, last step: deletes the attachments no remaining body references.</summary>
    Task DeleteUnreferencedAttachmentsAsync(long database, CancellationToken cancellationToken = default);
}
