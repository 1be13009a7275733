using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Tessera.Grains;

/// <summary>
/// Change hints: after each commit the grain publishes on its own node's <see cref="ChangeHub"/> and tells every node
/// that registered an observer (nodes with live subscribers of this database, see <c>ChangeHub.Watch</c>).
/// </summary>
internal sealed partial class DatabaseGrain
{
    private ObserverManager<IChangeObserver>? observers;

    // The last sequence whose commit finished: what a registration answers, so a node never wakes subscribers for a
    // commit that is still in flight (they would read storage too early and then wait for a hint already sent).
    private long committedSeq;

    public Task<ChangeCursor> SubscribeChangesAsync(IChangeObserver observer)
    {
        observers ??= new ObserverManager<IChangeObserver>(changeOptions.Value.ObserverExpiry, logger);
        observers.Subscribe(observer, observer);
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
            await NotifyAsync(o => o.OnDetachedAsync(db.Key));
        }
    }

    // Note: the observer methods are one-way, so notifying never waits for a node; a node that is gone is dropped on expiry.
    private async Task PublishCommittedAsync(long databaseKey, long updateSeq)
    {
        committedSeq = updateSeq;
        changes.Publish(databaseKey, updateSeq);
        await NotifyAsync(o => o.OnChangedAsync(databaseKey, updateSeq));
    }

    private async Task PublishDeletedAsync(long databaseKey)
    {
        changes.Publish(databaseKey, long.MaxValue);
        await NotifyAsync(o => o.OnChangedAsync(databaseKey, long.MaxValue));
    }

    // A hint must never fail the commit it follows: the writes are acknowledged right after it.
    private async Task NotifyAsync(Func<IChangeObserver, Task> notification)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Change hints of {Tenant}/{Database} could not be sent; nodes catch up at their next refresh")]
    private static partial void LogNotifyFailed(ILogger logger, Exception exception, string tenant, string database);
}
