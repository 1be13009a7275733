namespace Tessera.Storage;

/// <summary>
/// Reads of one database's documents straight from storage. Safe from any node and any thread:
/// readers never queue behind the writer and always see every acknowledged commit.
/// </summary>
public interface IDocumentReader
{
    Task<DocumentRecord?> GetDocumentAsync(long database, string id, CancellationToken cancellationToken = default);

    /// <summary>The stored documents among <paramref name="ids"/>, keyed by id; missing ids are absent.</summary>
    Task<IReadOnlyDictionary<string, DocumentRecord>> GetDocumentsAsync(long database, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);

    /// <summary>The document and its winning body in one round trip (the hot path of GET by id).</summary>
    Task<DocumentWithBody?> GetWinningAsync(long database, string id, CancellationToken cancellationToken = default);

    /// <summary>The body of one revision, or null when unknown or compacted.</summary>
    Task<string?> GetBodyAsync(long database, string id, string rev, CancellationToken cancellationToken = default);

    /// <summary>
    /// The bodies of many revisions in one round trip (what <c>_bulk_get</c> and <c>include_docs</c> over ids need);
    /// unknown or compacted revisions are absent from the result.
    /// </summary>
    Task<IReadOnlyDictionary<RevisionKey, string>> GetBodiesAsync(long database, IReadOnlyCollection<RevisionKey> revisions, CancellationToken cancellationToken = default);

    /// <summary>Documents changed after <see cref="ChangesQuery.Since"/>, in sequence order; each document once, at its last change.</summary>
    IAsyncEnumerable<DocumentWithBody> GetChangesAsync(long database, ChangesQuery query, CancellationToken cancellationToken = default);

    /// <summary>Documents by id in ordinal order within the query's range, deleted ones excluded.</summary>
    IAsyncEnumerable<DocumentWithBody> GetAllDocsAsync(long database, AllDocsQuery query, CancellationToken cancellationToken = default);

    Task<LocalDocument?> GetLocalAsync(long database, string id, CancellationToken cancellationToken = default);

    Task<AttachmentContent?> GetAttachmentAsync(long database, string digest, CancellationToken cancellationToken = default);
}
