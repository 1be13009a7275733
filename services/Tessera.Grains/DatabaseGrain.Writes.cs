using Microsoft.Extensions.Logging;
using Tessera.Storage;

namespace Tessera.Grains;

/// <summary>The drain loop: group commits, pipelined one deep, in strict sequence order.</summary>
internal sealed partial class DatabaseGrain
{
    // Note: the recent-documents cache must hold every document of an uncommitted batch while the next one is prepared
    // on top of it (4,096 entries, two generations); larger batches commit before the next is prepared.
    private const int PipelineLimit = 2000;

    // Note: a request this large is prepared as soon as it arrives, while the previous commit still runs (preparing a
    // _bulk_docs of 1,000 documents takes milliseconds that storage would otherwise sit idle for). Smaller writes wait
    // for the commit and join the next group, so a trickle of single-document writes does not split into tiny commits.
    private const int PrepareEarlyDocuments = 100;

    // Set while the drain loop waits for a commit with nothing queued: a large write arriving then wakes it.
    private TaskCompletionSource? writeArrived;

    // Note: runs on the activation's scheduler; the queue needs no lock because turns never run in parallel.
    private async Task DrainAsync()
    {
        InFlightCommit? inFlight = null;
        while (queue.Count > 0 || inFlight is not null)
        {
            // Let calls already delivered to this activation enqueue first, so they join this batch (a synchronous
            // store such as SQLite would otherwise commit every request alone).
            await Task.Yield();
            if (queue.Count > 0 && queue.Peek() is PendingWrite && database is not null
                && (inFlight is null || inFlight.Commit.Batch.Documents.Count <= PipelineLimit))
            {
                // Prepare the next batch while the previous one commits, so their CPU and I/O overlap; commits still
                // reach storage one after the other, in sequence order.
                var batch = TakeWriteBatch();
                var prepared = await PrepareAsync(batch);
                if (inFlight is not null && !await FinishAsync(inFlight))
                {
                    if (prepared is not null)
                    {
                        // It was prepared on top of the commit that failed, so it cannot be written as prepared.
                        Fail(batch, new InvalidOperationException("An earlier commit of this database failed; nothing of this request was written."));
                    }

                    inFlight = null;
                    continue;
                }

                inFlight = prepared is null ? null : Start(prepared, batch);
            }
            else if (inFlight is not null)
            {
                if (queue.Count == 0 && !inFlight.Task.IsCompleted && inFlight.Commit.Batch.Documents.Count <= PipelineLimit)
                {
                    // Wait for the commit or for a large write (PrepareEarlyDocuments), whichever comes first.
                    writeArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    await Task.WhenAny(inFlight.Task, writeArrived.Task);
                    writeArrived = null;
                    if (!inFlight.Task.IsCompleted)
                    {
                        continue;
                    }
                }

                await FinishAsync(inFlight);
                inFlight = null;
            }
            else if (queue.Peek() is PendingWrite)
            {
                foreach (var pending in TakeWriteBatch())
                {
                    pending.Completion.TrySetResult(new WriteResponse(DatabaseStatus.NotFound, [], 0));
                }
            }
            else
            {
                await queue.Dequeue().RunAsync();
            }
        }
    }

    private List<PendingWrite> TakeWriteBatch()
    {
        var batch = new List<PendingWrite>();
        var documents = 0;
        while (queue.Count > 0 && queue.Peek() is PendingWrite next
            && (batch.Count == 0 || documents + next.Request.Documents.Count <= MaxDocumentsPerCommit))
        {
            queue.Dequeue();
            batch.Add(next);
            documents += next.Request.Documents.Count;
        }

        return batch;
    }

    private async Task<GroupCommit?> PrepareAsync(List<PendingWrite> batch)
    {
        try
        {
            return await GroupCommit.PrepareAsync(database!, batch.Select(p => p.Request).ToList(), reader, recent);
        }
        catch (Exception exception)
        {
            LogCommitFailed(logger, exception, tenant, name, batch.Count);
            Fail(batch, exception);
            return null;
        }
    }

    /// <summary>Starts the commit and takes its outcome as the grain's state; <see cref="FinishAsync"/> undoes that if it fails.</summary>
    private InFlightCommit? Start(GroupCommit commit, List<PendingWrite> batch)
    {
        var current = database!;
        if (commit.Batch.Documents.Count == 0)
        {
            Complete(commit, batch, current.Key);
            return null;
        }

        database = current with
        {
            UpdateSeq = commit.Batch.UpdateSeq,
            DocCount = current.DocCount + commit.Batch.DocCountDelta,
            DeletedDocCount = current.DeletedDocCount + commit.Batch.DeletedDocCountDelta,
        };
        foreach (var document in commit.Batch.Documents)
        {
            recent.Set(document);
        }

        var fenced = commit.Batch with { ExpectedUpdateSeq = current.UpdateSeq };
        return new InFlightCommit(commit, batch, current.Key, current.UpdateSeq, writer.CommitAsync(current.Key, fenced));
    }

    /// <summary>Waits for the commit; acknowledges its writes only now. Returns false when it failed.</summary>
    private async Task<bool> FinishAsync(InFlightCommit inFlight)
    {
        try
        {
            await inFlight.Task;
        }
        catch (Exception exception)
        {
            if (exception is ConcurrentWriterException)
            {
                // Another activation of this grain wrote meanwhile: this one is stale. Its callers may retry at once; the
                // next call reaches the activation Orleans keeps, or a fresh one that loads the current state.
                LogSecondWriter(logger, exception, tenant, name);
                Fail(inFlight.Batch, new DatabaseMovedException());
                DeactivateOnIdle();
            }
            else
            {
                LogCommitFailed(logger, exception, tenant, name, inFlight.Batch.Count);
                Fail(inFlight.Batch, exception);
            }

            // Note: nothing of the failed transaction is visible; drop what was taken on trust and reload.
            recent.Clear();
            database = await catalog.GetAsync(tenant, name);
            return false;
        }

        await PublishCommittedAsync(inFlight.DatabaseKey, inFlight.FromSeq, inFlight.Commit.Batch);
        Complete(inFlight.Commit, inFlight.Batch, inFlight.DatabaseKey);
        return true;
    }

    private static void Complete(GroupCommit commit, List<PendingWrite> batch, long databaseKey)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(new WriteResponse(DatabaseStatus.Ok, commit.Results[i], databaseKey));
        }
    }

    private static void Fail(List<PendingWrite> batch, Exception exception)
    {
        foreach (var pending in batch)
        {
            pending.Completion.TrySetException(exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Commit of {Count} write requests to {Tenant}/{Database} failed")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, string tenant, string database, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Another writer committed to {Tenant}/{Database}; this activation stops writing and deactivates")]
    private static partial void LogSecondWriter(ILogger logger, Exception exception, string tenant, string database);

    /// <param name="FromSeq">The database's sequence the commit starts from (its first change is the next one).</param>
    private sealed record InFlightCommit(GroupCommit Commit, List<PendingWrite> Batch, long DatabaseKey, long FromSeq, Task Task);
}
