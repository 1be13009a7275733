using Microsoft.Extensions.Logging;

namespace Tessera.Grains;

/// <summary>
/// Cross-node fan-out: for each database this node follows, one registration of this node's observer with the database's
/// grain (wherever it runs), renewed every <see cref="ChangeNotificationOptions.RefreshInterval"/> and again when the grain
/// says it is deactivating. Each registration answers the committed sequence, which is published here: that is the safety
/// re-read that bounds a lost hint, done per followed database and node, never per subscriber.
/// </summary>
public sealed partial class ChangeHub
{
    private readonly IGrainFactory grains;
    private readonly ChangeNotificationOptions options;
    private readonly ILogger<ChangeHub> logger;
    private readonly Lock followGate = new();
    private readonly Dictionary<long, Followed> followed = [];
    private Relay? relay;
    private IChangeObserver? observer;
    private ITimer? refreshTimer;
    private int refreshing;

    /// <summary>
    /// Follows a database while the returned watch is not disposed: its commits on any node wake waiters here. Cheap per
    /// call (a counter); the first watch of a database registers with its grain in the background.
    /// </summary>
    public ChangeWatch Watch(string tenant, string database, long databaseKey)
    {
        Followed entry;
        var first = false;
        lock (followGate)
        {
            if (!followed.TryGetValue(databaseKey, out entry!))
            {
                entry = new Followed(tenant, database, databaseKey);
                followed[databaseKey] = entry;
                first = true;
            }

            entry.Watchers++;
            refreshTimer ??= TimeProvider.System.CreateTimer(_ => _ = RefreshAsync(), null, options.RefreshInterval, options.RefreshInterval);
        }

        if (first)
        {
            _ = RegisterAsync(entry);
        }

        return new ChangeWatch(this, entry);
    }

    /// <summary>The databases this node follows (for diagnostics and tests).</summary>
    public int FollowedCount
    {
        get
        {
            lock (followGate)
            {
                return followed.Count;
            }
        }
    }

    public void Dispose() => refreshTimer?.Dispose();

    // Note: the entry stays registered until the next refresh, so a subscriber that reconnects at once costs no grain call.
    internal void UnwatchEntry(Followed entry)
    {
        lock (followGate)
        {
            entry.Watchers--;
        }
    }

    private IChangeObserver Observer()
    {
        lock (followGate)
        {
            // Note: the runtime holds observer objects weakly; this hub keeps the relay alive for the process's lifetime.
            return observer ??= grains.CreateObjectReference<IChangeObserver>(relay ??= new Relay(this));
        }
    }

    private async Task RegisterAsync(Followed entry)
    {
        if (Interlocked.Exchange(ref entry.Registering, 1) == 1)
        {
            // One registration at a time per database; a request arriving meanwhile runs right after it.
            Volatile.Write(ref entry.Again, 1);
            return;
        }

        try
        {
            do
            {
                Volatile.Write(ref entry.Again, 0);
                var grain = grains.GetDatabaseGrain(entry.Tenant, entry.Database);
                var cursor = await SubscribeAsync(grain, entry);

                // A different key means the database was deleted (and maybe created again): wake its waiters to find out.
                Publish(entry.Key, cursor.DatabaseKey == entry.Key ? cursor.CommittedSeq : long.MaxValue);
            }
            while (Volatile.Read(ref entry.Again) == 1);
        }
        catch (Exception exception)
        {
            // The next refresh tries again; until then subscribers still see this node's own commits.
            LogRegistrationFailed(logger, exception, entry.Tenant, entry.Database);
        }
        finally
        {
            Volatile.Write(ref entry.Registering, 0);
            entry.Registered.TrySetResult();
        }
    }

    // Registers for commits with their rows; a grain on a silo that predates that method fails the call, and then the
    // node registers for sequence hints only (its subscribers read storage, as before).
    private async Task<ChangeCursor> SubscribeAsync(IDatabaseGrain grain, Followed entry)
    {
        try
        {
            return await grain.SubscribeCommitsAsync(Observer());
        }
        catch (Exception exception)
        {
            LogCommitsUnsupported(logger, exception, entry.Tenant, entry.Database);
        }

        return await grain.SubscribeChangesAsync(Observer());
    }

    private async Task RefreshAsync()
    {
        if (Interlocked.Exchange(ref refreshing, 1) == 1)
        {
            return;
        }

        try
        {
            ForgetIdle();
            List<Followed> active = [], dropped = [];
            lock (followGate)
            {
                foreach (var entry in followed.Values)
                {
                    (entry.Watchers > 0 ? active : dropped).Add(entry);
                }

                foreach (var entry in dropped)
                {
                    followed.Remove(entry.Key);
                }
            }

            await Parallel.ForEachAsync(active.Concat(dropped), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (entry, _) =>
            {
                if (entry.Watchers > 0)
                {
                    await RegisterAsync(entry);
                    return;
                }

                try
                {
                    await grains.GetDatabaseGrain(entry.Tenant, entry.Database).UnsubscribeChangesAsync(Observer());
                }
                catch (Exception exception)
                {
                    // Harmless: the grain forgets the registration when it expires.
                    LogRegistrationFailed(logger, exception, entry.Tenant, entry.Database);
                }

                // Note: one observer serves every database, so this may have undone a registration made meanwhile by a
                // new watch of the same database; register that one again.
                Reattach(entry.Key);
            });
        }
        finally
        {
            Volatile.Write(ref refreshing, 0);
        }
    }

    private void Reattach(long databaseKey)
    {
        Followed? entry;
        lock (followGate)
        {
            followed.TryGetValue(databaseKey, out entry);
        }

        if (entry is { Watchers: > 0 })
        {
            _ = RegisterAsync(entry);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not register for commit rows of {Tenant}/{Database} (an older silo?); registering for sequence hints")]
    private static partial void LogCommitsUnsupported(ILogger logger, Exception exception, string tenant, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not register for change notifications of {Tenant}/{Database}; retrying at the next refresh")]
    private static partial void LogRegistrationFailed(ILogger logger, Exception exception, string tenant, string database);

    /// <summary>A followed database: how many watches this node holds on it.</summary>
    internal sealed class Followed(string tenant, string database, long key)
    {
        public string Tenant { get; } = tenant;

        public string Database { get; } = database;

        public long Key { get; } = key;

        /// <summary>Guarded by the hub's follow lock.</summary>
        public int Watchers { get; set; }

        public TaskCompletionSource Registered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // Fields, not properties: Interlocked and Volatile need them.
        public int Registering;
        public int Again;
    }

    /// <summary>The node's one observer object: hints go straight into the hub.</summary>
    private sealed class Relay(ChangeHub hub) : IChangeObserver
    {
        public Task OnChangedAsync(long databaseKey, long updateSeq)
        {
            hub.PublishRemote(databaseKey, updateSeq);
            return Task.CompletedTask;
        }

        public Task OnCommittedAsync(CommittedChanges changes)
        {
            hub.PublishCommittedRemote(changes);
            return Task.CompletedTask;
        }

        public Task OnDetachedAsync(long databaseKey)
        {
            hub.Reattach(databaseKey);
            return Task.CompletedTask;
        }
    }
}

/// <summary>Keeps a database followed by this node (see <see cref="ChangeHub.Watch"/>) until disposed.</summary>
public sealed class ChangeWatch : IDisposable
{
    private readonly ChangeHub hub;
    private readonly ChangeHub.Followed entry;
    private int disposed;

    internal ChangeWatch(ChangeHub hub, ChangeHub.Followed entry)
    {
        this.hub = hub;
        this.entry = entry;
    }

    /// <summary>Completes once the first registration with the database's grain was attempted (tests wait on it before writing).</summary>
    public Task Registered => entry.Registered.Task;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            hub.UnwatchEntry(entry);
        }
    }
}
