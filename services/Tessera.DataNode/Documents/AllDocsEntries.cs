using System.Runtime.CompilerServices;
using Tessera.Documents;
using Tessera.Storage;

namespace Tessera.DataNode.Documents;

/// <summary>One row of <c>_all_docs</c>: a stored document (with its body when asked for), or an id that was never stored.</summary>
/// <param name="Record">Null for an id of <c>keys</c> that was never stored (CouchDB's <c>not_found</c> row).</param>
/// <param name="Body">The winning body, with include_docs and for a document that is not deleted.</param>
internal sealed record AllDocsEntry(string Id, DocumentRecord? Record, string? Body, DocumentExtras Extras);

/// <summary>Reads <c>_all_docs</c> rows for REST and gRPC alike: by a list of ids, or by a range of ids.</summary>
internal static class AllDocsEntries
{
    /// <param name="keys">Ids to answer in this order (reversed when descending); null for the range of <paramref name="query"/>.</param>
    /// <param name="query">The range, paging and order; <see cref="AllDocsQuery.IncludeBodies"/> is include_docs.</param>
    /// <param name="flags">Extras of each included document (conflicts).</param>
    public static async IAsyncEnumerable<AllDocsEntry> ReadAsync(
        IDocumentReader reader, long database, IReadOnlyList<string>? keys, AllDocsQuery query, ReadFlags flags,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (keys is null)
        {
            await foreach (var row in reader.GetAllDocsAsync(database, query, cancellationToken))
            {
                yield return await EntryAsync(reader, database, row.Document, query.IncludeBodies ? row.Body : null, flags, cancellationToken);
            }

            yield break;
        }

        var found = await reader.GetDocumentsAsync(database, keys.Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
        var bodies = query.IncludeBodies
            ? await reader.GetBodiesAsync(database, found.Values.Where(d => !d.Deleted).Select(d => new RevisionKey(d.Id, d.WinningRev)).ToList(), cancellationToken)
            : null;
        var ordered = query.Descending ? Enumerable.Reverse(keys) : keys;
        foreach (var id in ordered.Skip(query.Skip).Take(query.Limit))
        {
            if (!found.TryGetValue(id, out var record))
            {
                yield return new AllDocsEntry(id, null, null, DocumentExtras.None);
                continue;
            }

            var body = record.Deleted ? null : bodies?.GetValueOrDefault(new RevisionKey(id, record.WinningRev));
            yield return await EntryAsync(reader, database, record, body, flags, cancellationToken);
        }
    }

    private static async Task<AllDocsEntry> EntryAsync(IDocumentReader reader, long database, DocumentRecord record, string? body, ReadFlags flags, CancellationToken cancellationToken)
    {
        var extras = body is not null
            ? await DocumentRead.ExtrasAsync(reader, database, record, RevId.Parse(record.WinningRev), body, flags, cancellationToken)
            : DocumentExtras.None;
        return new AllDocsEntry(record.Id, record, body, extras);
    }
}
