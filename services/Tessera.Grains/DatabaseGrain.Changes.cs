using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using Tessera.Storage;

namespace Tessera.Grains;

/// <summary>
/// Change hints: after each commit the grain publishes on its own node's <see cref="ChangeHub"/> and tells every node
/// that registered an observer (nodes with live subscribers of this database, see <c>ChangeHub.Watch</c>).
/// </summary>
internal sealed partial class DatabaseGrain
{
    private ObserverManager<IChangeObserver, Registration>? observers;

    // The last sequence whose commit finished: what a registration answers, so a node never wakes subscribers for a
    // commit that is still in flight (they would read storage too early and then wait for a hint already sent).
    private long committedSeq;

    public Task<ChangeCursor> SubscribeChangesAsync(IChangeObserver observer) => Subscribe(observer, commits: false);

    public Task<ChangeCursor> SubscribeCommitsAsync(IChangeObserver observer) => Subscribe(observer, commits: true);

    private Task<ChangeCursor> Subscribe(IChangeObserver observer, bool commits)
    {
        observers ??= new ObserverManager<IChangeObserver, Registration>(changeOptions.Value.ObserverExpiry, logger);
        observers.Subscribe(observer, new Registration(observer, commits));
        return Task.FromResult(new ChangeCursor(database?.Key ?? 0, committedSeq));
    }

    public Task UnsubscribeChangesAsync(IChangeObserver observer)
    {
        observers?.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Nodes register again at once, with the next activation (on this silo or another), instead of waiting for a refresh.
        // Note: not while this silo shuts down: its own node's observer is unreachable by then, and the other nodes
        // re-register at their next refresh (ChangeNotificationOptions.RefreshInterval bounds that delay).
        if (database is { } db && reason.ReasonCode != DeactivationReasonCode.ShuttingDown)
        {
            await NotifyAsync(r => r.Observer.OnDetachedAsync(db.Key));
        }
    }

    // Note: the observer methods are one-way, so notifying never waits for a node; a node that is gone is dropped on expiry.
    private async Task PublishCommittedAsync(long databaseKey, long fromSeq, CommitBatch batch)
    {
        committedSeq = batch.UpdateSeq;
        var committed = new CommittedChanges(databaseKey, fromSeq, batch.UpdateSeq, RowsOf(batch));
        changes.PublishCommitted(committed);
        await NotifyAsync(r => r.Commits ? r.Observer.OnCommittedAsync(committed) : r.Observer.OnChangedAsync(databaseKey, batch.UpdateSeq));
    }

    // Small commits carry their change rows (what a main_only _changes row without a body shows), so subscribers can
    // skip the storage read; large ones send the sequence only. The batch holds each changed document once, in sequence order.
    private CommittedChange[]? RowsOf(CommitBatch batch)
    {
        if (batch.Documents.Count > changeOptions.Value.RowsPerNotification)
        {
            return null;
        }

        var rows = new CommittedChange[batch.Documents.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var document = batch.Documents[i];
            rows[i] = new CommittedChange(document.Id, document.WinningRev, document.Deleted, document.Seq);
        }

        return rows;
    }

    private async Task PublishDeletedAsync(long databaseKey)
    {
        changes.Publish(databaseKey, long.MaxValue);
        await NotifyAsync(r => r.Observer.OnChangedAsync(databaseKey, long.MaxValue));
    }

    // A hint must never fail the commit it follows: the writes are acknowledged right after it.
    private async Task NotifyAsync(Func<Registration, Task> notification)
    {
        if (observers is not { Count: > 0 } current)
        {
            return;
        }

        try
        {
            await current.Notify(notification);
        }
        catch (Exception exception)
        {
            LogNotifyFailed(logger, exception, tenant, name);
        }
    }

    /// <summary>A node's observer, and whether it registered for <see cref="IChangeObserver.OnCommittedAsync"/>.</summary>
    private sealed record Registration(IChangeObserver Observer, bool Commits);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Change hints of {Tenant}/{Database} could not be sent; nodes catch up at their next refresh")]
    private static partial void LogNotifyFailed(ILogger logger, Exception exception, string tenant, string database);
}
