using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Tessera.Grains;
using Tessera.Storage;

namespace Tessera.DataNode.Feeds;

/// <summary>
/// Reads changes for every feed: each document once, at its latest sequence, after a given sequence. Live pages come
/// from the change hub's recent rows when those cover the reader's whole gap and the request needs nothing else
/// (<see cref="FromMemory"/>), and from storage otherwise, so a missed notification can delay but not lose a change.
/// </summary>
internal sealed class ChangeReader(IDocumentReader reader, ChangeHub hub, FeedMetrics metrics)
{
    // A selector scans rows to find matches: in chunks, and at most this many per page so one read never runs long.
    private const int ScanChunk = 500;
    private const int MaxScanChunks = 4;

    // Unfiltered pages being read now, so subscribers of one database woken by the same commit share one query.
    private readonly ConcurrentDictionary<SharedPageKey, Task<ChangePage>> sharedReads = new();

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

    /// <summary>
    /// One page of a live feed, ascending, read whole: no storage read stays open while a slow client is written to.
    /// At most <paramref name="max"/> rows after <paramref name="since"/>; <see cref="ChangePage.Complete"/> when storage
    /// had no more, and <see cref="ChangePage.ScannedThrough"/> says how far rows were looked at (a filter may skip many).
    /// </summary>
    /// <param name="observed">The change hub's sequence read just before this read (see <see cref="ChangeStream"/>).</param>
    public Task<ChangePage> ReadPageAsync(long database, ChangesRequest request, long since, int max, long observed, CancellationToken ct)
    {
        if (FromMemory(database, request, since, max, observed) is { } recent)
        {
            metrics.PageFromMemory();
            return Task.FromResult(recent);
        }

        metrics.PageFromStorage();
        if (request.DocIds is not null || request.Selector is not null)
        {
            return ReadPageAsync(database, request, since, max, ct);
        }

        // Note: a read is shared only among callers that observed the same hub sequence before it started, so it saw
        // every commit each of them may skip to (ChangeStream advances its cursor to that sequence). The shared read
        // itself is not cancelled by any one caller; each caller stops waiting for it when cancelled.
        var key = new SharedPageKey(database, since, max, request.IncludeDocs, observed);
        while (true)
        {
            if (sharedReads.TryGetValue(key, out var running))
            {
                return running.WaitAsync(ct);
            }

            var read = new TaskCompletionSource<ChangePage>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!sharedReads.TryAdd(key, read.Task))
            {
                continue;
            }

            _ = ShareAsync(key, read, database, request, since, max);
            return read.Task.WaitAsync(ct);
        }
    }

    /// <summary>
    /// The page from the hub's recent rows, or null when storage must be read: the request needs more than a row holds
    /// (bodies, a selector, other leaves or conflicts), or the rows do not cover every change after <paramref name="since"/>
    /// up to <paramref name="observed"/>. Then the rows are exactly what storage holds for that range (the grain sent them
    /// after the commit), so the page is the one storage would give, in the same shape.
    /// </summary>
    private ChangePage? FromMemory(long database, ChangesRequest request, long since, int max, long observed)
    {
        if (request.IncludeDocs || request.Selector is not null || request.AllLeaves || request.Conflicts || request.Descending
            || hub.Recent(database) is not { } recent || !recent.Covers(since, observed))
        {
            return null;
        }

        var rows = new List<DocumentWithBody>();
        var all = recent.Rows;
        for (var i = recent.IndexAfter(since); i < all.Count; i++)
        {
            var row = all[i];
            if (request.DocIds is { } ids && !ids.Contains(row.Id))
            {
                continue;
            }

            if (rows.Count == max)
            {
                return new ChangePage(rows, rows[^1].Document.Seq, Complete: false);
            }

            rows.Add(new DocumentWithBody(new DocumentRecord(row.Id, row.WinningRev, row.Deleted, row.Seq, NoRevTree), null));
        }

        // Note: every change up to Through is in the rows, so the reader may skip to it (ChangeStream then is at or past observed).
        return new ChangePage(rows, recent.Through, Complete: true);
    }

    // A row from memory has no revision tree: only requests that do not read it (no conflicts, no all_docs style) get one.
    private static readonly byte[] NoRevTree = [];

    private async Task ShareAsync(SharedPageKey key, TaskCompletionSource<ChangePage> read, long database, ChangesRequest request, long since, int max)
    {
        try
        {
            read.TrySetResult(await ReadPageAsync(database, request, since, max, CancellationToken.None));
        }
        catch (Exception exception)
        {
            read.TrySetException(exception);
        }
        finally
        {
            sharedReads.TryRemove(KeyValuePair.Create(key, read.Task));
        }
    }

    private async Task<ChangePage> ReadPageAsync(long database, ChangesRequest request, long since, int max, CancellationToken ct)
    {
        var rows = new List<DocumentWithBody>();
        if (request.DocIds is { } ids)
        {
            var found = await reader.GetDocumentsAsync(database, ids.ToList(), ct);
            var newer = found.Values.Where(d => d.Seq > since).OrderBy(d => d.Seq).ToList();
            var taken = newer.Take(max).ToList();
            var bodies = request.IncludeDocs && taken.Count > 0
                ? await reader.GetBodiesAsync(database, taken.Where(d => !d.Deleted).Select(d => new RevisionKey(d.Id, d.WinningRev)).ToList(), ct)
                : null;
            rows.AddRange(taken.Select(d => new DocumentWithBody(d, bodies?.GetValueOrDefault(new RevisionKey(d.Id, d.WinningRev)))));
            return new ChangePage(rows, taken.Count > 0 ? taken[^1].Seq : since, newer.Count <= max);
        }

        if (request.Selector is { } selector)
        {
            var cursor = since;
            for (var chunk = 0; chunk < MaxScanChunks; chunk++)
            {
                var scanned = 0;
                await foreach (var row in reader.GetChangesAsync(database, new ChangesQuery(cursor, ScanChunk, IncludeBodies: true), ct))
                {
                    scanned++;
                    cursor = row.Document.Seq;
                    if (SelectorInput.Matches(selector, row))
                    {
                        rows.Add(request.IncludeDocs ? row : row with { Body = null });
                        if (rows.Count == max)
                        {
                            return new ChangePage(rows, cursor, Complete: false);
                        }
                    }
                }

                if (scanned < ScanChunk)
                {
                    return new ChangePage(rows, cursor, Complete: true);
                }
            }

            return new ChangePage(rows, cursor, Complete: false);
        }

        await foreach (var row in reader.GetChangesAsync(database, new ChangesQuery(since, max, IncludeBodies: request.IncludeDocs), ct))
        {
            rows.Add(row);
        }

        return new ChangePage(rows, rows.Count > 0 ? rows[^1].Document.Seq : since, rows.Count < max);
    }
}

internal readonly record struct SharedPageKey(long Database, long Since, int Max, bool IncludeDocs, long Observed);

/// <param name="Rows">Changes in sequence order; shared by the callers of one read, so never modified.</param>
/// <param name="ScannedThrough">Every change up to this sequence was looked at (and is in <paramref name="Rows"/> if it qualified).</param>
/// <param name="Complete">Storage held no further change when read: the feed has caught up.</param>
internal sealed record ChangePage(List<DocumentWithBody> Rows, long ScannedThrough, bool Complete);
