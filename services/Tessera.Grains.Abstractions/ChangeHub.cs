using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tessera.Grains;

/// <summary>
/// This node's broadcast of "database D reached sequence S". Notifications are hints: a subscriber re-reads changes
/// from storage unless the hub's recent rows of small commits cover its whole gap (ChangeHub.Recent.cs), so a lost or
/// coalesced notification delays it and never loses a change.
/// A DatabaseGrain publishes here after each commit on its own node; feeds on this node wait here, and while a feed
/// follows a database (<see cref="Watch"/>) the hub also receives that database's hints from whichever node hosts its grain.
/// </summary>
public sealed partial class ChangeHub : IDisposable
{
    private readonly ConcurrentDictionary<long, Signal> signals = new();

    public ChangeHub(IGrainFactory grains, IOptions<ChangeNotificationOptions> options, ILogger<ChangeHub> logger)
    {
        this.grains = grains;
        this.options = options.Value;
        this.logger = logger;
    }

    /// <summary>Wakes every waiter of the database. Safe to call from any thread.</summary>
    public void Publish(long databaseKey, long updateSeq)
    {
        if (updateSeq == long.MaxValue)
        {
            Forget(databaseKey);
        }

        // Note: always keep the signal, so a waiter that read storage just before this publish still sees the new sequence.
        signals.GetOrAdd(databaseKey, static _ => new Signal()).Set(updateSeq);
    }

    /// <summary>
    /// The last sequence published for the database, or -1. Read it before reading storage: any change that storage did
    /// not show yet is published later with a higher sequence, so waiting for more than this value cannot miss it.
    /// <see cref="long.MaxValue"/> means the database was deleted.
    /// </summary>
    public long Current(long databaseKey) => signals.TryGetValue(databaseKey, out var signal) ? signal.Current.Seq : -1;

    /// <summary>Completes when the database reaches a sequence above <paramref name="afterSeq"/>, or when cancelled (then returns false).</summary>
    public async Task<bool> WaitAsync(long databaseKey, long afterSeq, CancellationToken cancellationToken)
    {
        var signal = signals.GetOrAdd(databaseKey, static _ => new Signal());
        while (true)
        {
            var (seq, next) = signal.Current;
            if (seq > afterSeq)
            {
                return true;
            }

            try
            {
                await next.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    // A hint from another node: only databases someone here waits for need a signal (a waiter that creates the signal
    // later reads storage after creating it, so it cannot miss this sequence).
    private void PublishRemote(long databaseKey, long updateSeq)
    {
        if (updateSeq == long.MaxValue)
        {
            Forget(databaseKey);
        }

        if (signals.TryGetValue(databaseKey, out var signal))
        {
            signal.Set(updateSeq);
        }
    }

    private sealed class Signal
    {
        private readonly Lock gate = new();
        private long seq = -1;
        private TaskCompletionSource next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public (long Seq, Task Next) Current
        {
            get
            {
                lock (gate)
                {
                    return (seq, next.Task);
                }
            }
        }

        public void Set(long updateSeq)
        {
            TaskCompletionSource fired;
            lock (gate)
            {
                if (updateSeq <= seq)
                {
                    return;
                }

                seq = updateSeq;
                fired = next;
                next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            fired.TrySetResult();
        }
    }
}
