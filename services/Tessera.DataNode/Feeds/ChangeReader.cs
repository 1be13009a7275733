using System.Runtime.CompilerServices;
using Tessera.Storage;

namespace Tessera.DataNode.Feeds;

/// <summary>
/// Reads changes from storage for every feed: each document once, at its latest sequence, after a given sequence.
/// Feeds never get rows from notifications, only from here, so a missed notification can delay but not lose a change.
/// </summary>
internal sealed class ChangeReader(IDocumentReader reader)
{
    public async IAsyncEnumerable<DocumentWithBody> ReadAsync(long database, ChangesRequest request, long since, int limit, [EnumeratorCancellation] CancellationToken ct)
    {
        if (request.DocIds is { } ids)
        {
            // Few ids: look them up directly instead of scanning the sequence index.
            var found = await reader.GetDocumentsAsync(database, ids.ToList(), ct);
            var rows = found.Values.Where(d => request.Descending || d.Seq > since).OrderBy(d => d.Seq).ToList();
            if (request.Descending)
            {
                rows.Reverse();
            }

            var taken = rows.Take(limit).ToList();
            var bodies = request.IncludeDocs
                ? await reader.GetBodiesAsync(database, taken.Where(d => !d.Deleted).Select(d => new RevisionKey(d.Id, d.WinningRev)).ToList(), ct)
                : null;
            foreach (var record in taken)
            {
                yield return new DocumentWithBody(record, bodies?.GetValueOrDefault(new RevisionKey(record.Id, record.WinningRev)));
            }

            yield break;
        }

        if (request.Selector is { } selector)
        {
            // The selector needs every body, and the limit counts matches, so storage reads without a limit.
            var all = new ChangesQuery(request.Descending ? 0 : since, int.MaxValue, request.Descending, IncludeBodies: true);
            var matched = 0;
            await foreach (var row in reader.GetChangesAsync(database, all, ct))
            {
                if (matched >= limit)
                {
                    yield break;
                }

                if (SelectorInput.Matches(selector, row))
                {
                    matched++;
                    yield return request.IncludeDocs ? row : row with { Body = null };
                }
            }

            yield break;
        }

        var query = new ChangesQuery(request.Descending ? 0 : since, limit, request.Descending, request.IncludeDocs);
        await foreach (var row in reader.GetChangesAsync(database, query, ct))
        {
            yield return row;
        }
    }
}
