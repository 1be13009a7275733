using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Replication.Definitions;
using Tessera.DataNode.Security;

namespace Tessera.Replication.Engine;

/// <summary>
/// Runs the CouchDB replication protocol between two CouchDB-compatible databases, as couch_replicator and PouchDB's
/// replicate.js do: open both, find the common checkpoint, then batch by batch read <c>_changes?style=all_docs</c>,
/// ask the target <c>_revs_diff</c>, fetch what it lacks with <c>_bulk_get?revs=true&amp;attachments=true</c> (or
/// <c>open_revs</c>), store it with <c>_bulk_docs</c> <c>new_edits=false</c> and record the checkpoint on both sides.
/// A continuous replication then follows <c>feed=longpoll</c>, applying each change as it comes, until cancelled.
/// </summary>
/// <remarks>Safe to share: each run keeps its state in its own locals. Failures surface as <see cref="ReplicationException"/>.</remarks>
public sealed partial class Replicator(
    IHttpClientFactory httpClients,
    LocalServerAddress localServer,
    LocalCallerCredentials localCredentials,
    IOptions<ReplicationOptions> options,
    TimeProvider time,
    ILogger<Replicator> logger)
{
    /// <summary>The named <see cref="HttpClient"/> the replicator uses (configured by <c>AddTesseraReplication</c>).</summary>
    public const string HttpClientName = "Tessera.Replication";

    /// <summary>The client for bare database names (this node itself): not subject to <see cref="OutboundAddressGuard"/>.</summary>
    public const string LocalHttpClientName = "Tessera.Replication.Local";

    /// <summary>
    /// Replicates until the source has no more changes (one-shot) or until <paramref name="cancellationToken"/> fires
    /// (continuous; then it throws <see cref="OperationCanceledException"/>). Counters accumulate in <paramref name="stats"/>.
    /// </summary>
    public async Task<ReplicationResult> RunAsync(ReplicationDefinition definition, ReplicationStats stats, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        var settings = options.Value;
        var source = Open(definition.Source, definition.Tenant);
        var target = Open(definition.Target, definition.Tenant);

        var sourceInfo = await source.GetInfoAsync(ct) ?? throw ReplicationException.DatabaseNotFound(source.Display);
        if (await target.GetInfoAsync(ct) is null && !(definition.CreateTarget && await target.CreateAsync(ct) && await target.GetInfoAsync(ct) is not null))
        {
            throw ReplicationException.DatabaseNotFound(target.Display);
        }

        stats.SourceSeq = sourceInfo.TryGetProperty("update_seq", out var updateSeq) ? updateSeq.GetRawText() : null;

        var logId = "_local/" + definition.ReplicationId;
        var sourceLog = Checkpoint.Parse(await source.GetLocalAsync(logId, ct));
        var targetLog = Checkpoint.Parse(await target.GetLocalAsync(logId, ct));
        var session = new Session(Guid.NewGuid().ToString("N"), Checkpoint.StartSeq(sourceLog, targetLog), Now(), stats.Snapshot());
        stats.CheckpointedSeq ??= session.StartSeq;
        LogStarting(logger, definition.ReplicationId, source.Display, target.Display, session.StartSeq);

        var since = session.StartSeq;
        var caughtUp = false;
        var readAny = false;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            TimeSpan? longPoll = definition.Continuous && caughtUp ? TimeSpan.FromMilliseconds(settings.LongPollTimeoutMs) : null;
            var batch = await source.ChangesAsync(since, settings.BatchSize, longPoll, definition.DocIds, definition.SelectorJson, ct);
            if (batch.Rows.Count > 0)
            {
                readAny = true;
                await ReplicateBatchAsync(source, target, batch.Rows, stats, ct);
            }

            stats.ChangesPending = batch.Pending;
            if (batch.LastSeq != since)
            {
                since = batch.LastSeq;
                stats.SourceSeq = since;
                var entry = session.Entry(stats, since, Now());
                await CheckpointAsync(source, sourceLog, logId, session.Id, since, entry, ct);
                await targetLog.WriteAsync(target, logId, session.Id, since, entry, ct);
                stats.CheckpointedSeq = since;
            }

            if (batch.Rows.Count > 0 || (!caughtUp && batch.Rows.Count < settings.BatchSize))
            {
                caughtUp |= batch.Rows.Count < settings.BatchSize;
                stats.Progressed?.Invoke();
            }

            if (batch.Rows.Count < settings.BatchSize && !definition.Continuous)
            {
                break;
            }
        }

        LogFinished(logger, definition.ReplicationId, stats.DocsWritten - session.Start.DocsWritten, since);
        return new ReplicationResult(session.Id, since, session.Entry(stats, since, Now()), sourceLog.History.Select(h => h.Raw).ToList(), !readAny);
    }

    private CouchDatabaseClient Open(ReplicationEndpoint endpoint, string tenant)
    {
        // Note: a bare database name is this tenant's database on this very node; the job acts as the tenant's
        // administrator there (only tenant admins can start replications).
        var (url, headers, client) = endpoint.Url is { } remote
            ? (remote, endpoint.Headers, HttpClientName)
            : (localServer.Database(tenant, endpoint.LocalDatabase!), [.. endpoint.Headers, .. localCredentials.HeadersFor(tenant)], LocalHttpClientName);
        return new CouchDatabaseClient(httpClients.CreateClient(client), url, headers, endpoint.Display, TimeSpan.FromMilliseconds(options.Value.RequestTimeoutMs));
    }

    private async Task ReplicateBatchAsync(CouchDatabaseClient source, CouchDatabaseClient target, IReadOnlyList<ChangeRow> rows, ReplicationStats stats, CancellationToken ct)
    {
        stats.MissingChecked += rows.Sum(r => r.Revs.Count);
        var missing = await target.RevsDiffAsync(rows, ct);
        var wanted = missing.SelectMany(m => m.Value.Select(rev => (Id: m.Key, Rev: rev))).ToList();
        stats.MissingFound += wanted.Count;
        if (wanted.Count == 0)
        {
            return;
        }

        var docs = await source.BulkGetAsync(wanted, ct);
        if (docs is null)
        {
            docs = [];
            foreach (var group in wanted.GroupBy(w => w.Id, StringComparer.Ordinal))
            {
                docs.AddRange(await source.OpenRevsAsync(group.Key, group.Select(g => g.Rev).ToList(), ct));
            }
        }

        // Note: latest=true can answer the same newer leaf for two asked revisions; store each revision once.
        docs = docs.DistinctBy(d => (d.Id, d.Rev)).ToList();
        stats.DocsRead += docs.Count;
        foreach (var chunk in ChunkBySize(docs, options.Value.MaxBulkDocsBytes))
        {
            await WriteAsync(target, chunk, stats, ct);
        }
    }

    /// <summary>Stores documents on the target, halving the batch whenever the target finds it too large.</summary>
    private async Task WriteAsync(CouchDatabaseClient target, List<FetchedRevision> docs, ReplicationStats stats, CancellationToken ct)
    {
        var failures = await target.BulkDocsAsync(docs, ct);
        if (failures is null && docs.Count > 1)
        {
            await WriteAsync(target, docs[..(docs.Count / 2)], stats, ct);
            await WriteAsync(target, docs[(docs.Count / 2)..], stats, ct);
            return;
        }

        failures ??= [new WriteFailure("", null, "too_large", "the document is too large for the target")];
        foreach (var failure in failures)
        {
            LogWriteFailure(logger, target.Display, failure.Id, failure.Error, failure.Reason);
        }

        stats.DocWriteFailures += failures.Count;
        stats.DocsWritten += docs.Count - failures.Count;
    }

    /// <summary>
    /// Writes the checkpoint on the source. Like PouchDB, a source that refuses writes (read-only credentials) only
    /// costs the ability to resume; any other failure fails the replication.
    /// </summary>
    private async Task CheckpointAsync(CouchDatabaseClient source, Checkpoint log, string logId, string sessionId, string seq, HistoryEntry entry, CancellationToken ct)
    {
        try
        {
            await log.WriteAsync(source, logId, sessionId, seq, entry, ct);
        }
        catch (ReplicationException exception) when (exception.Error == "unauthorized")
        {
            LogReadOnlySource(logger, source.Display);
        }
    }

    private static IEnumerable<List<FetchedRevision>> ChunkBySize(List<FetchedRevision> docs, long maxBytes)
    {
        var chunk = new List<FetchedRevision>();
        long size = 0;
        foreach (var doc in docs)
        {
            if (chunk.Count > 0 && size + doc.Json.Length > maxBytes)
            {
                yield return chunk;
                (chunk, size) = ([], 0);
            }

            chunk.Add(doc);
            size += doc.Json.Length;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    // CouchDB writes RFC 1123 times in replication histories.
    private string Now() => time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture);

    private sealed record Session(string Id, string StartSeq, string StartTime, ReplicationStats Start)
    {
        public HistoryEntry Entry(ReplicationStats now, string seq, string endTime) => new(
            Id,
            StartTime,
            endTime,
            StartSeq,
            seq,
            seq,
            now.MissingChecked - Start.MissingChecked,
            now.MissingFound - Start.MissingFound,
            now.DocsRead - Start.DocsRead,
            now.DocsWritten - Start.DocsWritten,
            now.DocWriteFailures - Start.DocWriteFailures);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replication {ReplicationId} from {Source} to {Target} starts at {Seq}")]
    private static partial void LogStarting(ILogger logger, string replicationId, string source, string target, string seq);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replication {ReplicationId} finished: {DocsWritten} revisions written, at {Seq}")]
    private static partial void LogFinished(ILogger logger, string replicationId, long docsWritten, string seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Target {Target} refused {DocId}: {Error} ({Reason})")]
    private static partial void LogWriteFailure(ILogger logger, string target, string docId, string error, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {Source} refuses checkpoint writes; the replication will not resume from it")]
    private static partial void LogReadOnlySource(ILogger logger, string source);
}
