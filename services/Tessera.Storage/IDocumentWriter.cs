namespace Tessera.Storage;

/// <summary>
/// Writes of one database. Only its single writer (the DatabaseGrain) calls these, one at a time per database.
/// </summary>
public interface IDocumentWriter
{
    /// <summary>
    /// Applies a whole batch in one transaction: upserts the documents, inserts the new bodies and attachments
    /// (attachments already stored are kept), marks superseded bodies, deletes removed bodies, and sets the database's update sequence and counters.
    /// Returns only after the transaction committed.
    /// </summary>
    Task CommitAsync(long database, CommitBatch batch, CancellationToken cancellationToken = default);

    /// <summary>Writes or replaces a <c>_local</c> document.</summary>
    Task PutLocalAsync(long database, LocalDocument document, CancellationToken cancellationToken = default);

    /// <summary>Deletes a <c>_local</c> document; false when it did not exist.</summary>
    Task<bool> DeleteLocalAsync(long database, string id, CancellationToken cancellationToken = default);

    /// <summary>Deletes the bodies of superseded (non-leaf) revisions and the attachments no remaining body references.</summary>
    Task CompactAsync(long database, CancellationToken cancellationToken = default);
}
