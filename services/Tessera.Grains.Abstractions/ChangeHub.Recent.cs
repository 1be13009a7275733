using System.Collections.Concurrent;

namespace Tessera.Grains;

/// <summary>
/// Recent change rows: for each database this node follows, the rows of its last small commits (carried by their
/// notifications, see <see cref="CommittedChanges"/>), so a woken subscriber whose whole gap they cover needs no storage
/// read. Only contiguous commits are kept: a notification that does not start where the kept rows end (a lost or
/// reordered hint, a large commit sent without rows, a hint from a silo that predates rows) starts over, and a
/// subscriber whose position the rows do not reach reads storage as before. Bounded in rows per database
/// (<see cref="ChangeNotificationOptions.RecentRowsPerDatabase"/>) and in databases
/// (<see cref="ChangeNotificationOptions.RecentDatabases"/>); dropped when the database is deleted, no longer followed,
/// or idle for a refresh interval.
/// </summary>
public sealed partial class ChangeHub
{
    private readonly ConcurrentDictionary<long, RecentChanges> recent = new();
    private readonly Lock recentGate = new();

    /// <summary>The number of databases this node keeps recent change rows for (diagnostics and tests).</summary>
    public int RecentCount => recent.Count;

    /// <summary>
    /// Publishes a commit of this node's grain: keeps its rows when the database is followed here, then wakes waiters
    /// as <see cref="Publish"/> does (rows first, so a woken waiter finds them).
    /// </summary>
    public void PublishCommitted(CommittedChanges changes)
    {
        Remember(changes);
        Publish(changes.DatabaseKey, changes.UpdateSeq);
    }

    /// <summary>
    /// The recent rows of the database, or null. Immutable: every change with a sequence in
    /// (<see cref="RecentChanges.From"/>, <see cref="RecentChanges.Through"/>] is in it, once per document at its latest sequence.
    /// </summary>
    public RecentChanges? Recent(long databaseKey) => recent.TryGetValue(databaseKey, out var rows) ? rows : null;

    private void PublishCommittedRemote(CommittedChanges changes)
    {
        Remember(changes);
        PublishRemote(changes.DatabaseKey, changes.UpdateSeq);
    }

    private void Remember(CommittedChanges changes)
    {
        var key = changes.DatabaseKey;
        var max = options.RecentRowsPerDatabase;
        lock (recentGate)
        {
            recent.TryGetValue(key, out var kept);
            if (kept is not null && changes.UpdateSeq <= kept.Through)
            {
                // Known already: this node's grain published it and this node's observer received it too.
                return;
            }

            var next = changes.Rows is null || max == 0 || !IsFollowed(key) ? null
                : kept is not null && kept.Through == changes.FromSeq ? kept.Append(changes, max)
                : kept is not null || recent.Count < options.RecentDatabases ? RecentChanges.Start(changes, max)
                : null;
            if (next is null)
            {
                recent.TryRemove(key, out _);
            }
            else
            {
                recent[key] = next;
            }
        }
    }

    private void Forget(long databaseKey)
    {
        lock (recentGate)
        {
            recent.TryRemove(databaseKey, out _);
        }
    }

    // Called by the refresh: rows of databases nobody here follows any more, or that saw no commit for a whole
    // interval, are dropped (the next commit starts them again, from where every caught-up subscriber is).
    private void ForgetIdle()
    {
        var idleSince = Environment.TickCount64 - (long)options.RefreshInterval.TotalMilliseconds;
        foreach (var (key, rows) in recent)
        {
            if (rows.Touched < idleSince || !IsFollowed(key))
            {
                lock (recentGate)
                {
                    recent.TryRemove(KeyValuePair.Create(key, rows));
                }
            }
        }
    }

    private bool IsFollowed(long databaseKey)
    {
        lock (followGate)
        {
            return followed.TryGetValue(databaseKey, out var entry) && entry.Watchers > 0;
        }
    }
}

/// <summary>An immutable window of a database's recent change rows (see <see cref="ChangeHub.Recent"/>).</summary>
public sealed class RecentChanges
{
    private readonly CommittedChange[] rows;

    private RecentChanges(long from, long through, CommittedChange[] rows)
    {
        From = from;
        Through = through;
        this.rows = rows;
        Touched = Environment.TickCount64;
    }

    /// <summary>The rows cover every change after this sequence (exclusive).</summary>
    public long From { get; }

    /// <summary>The rows cover every change up to this sequence (inclusive): the last commit they hold.</summary>
    public long Through { get; }

    /// <summary>In sequence order, one per document, at the document's latest sequence up to <see cref="Through"/>.</summary>
    public IReadOnlyList<CommittedChange> Rows => rows;

    internal long Touched { get; }

    /// <summary>True when the rows hold everything a reader positioned at <paramref name="since"/> needs to catch up to <paramref name="upTo"/>.</summary>
    public bool Covers(long since, long upTo) => From <= since && since <= Through && upTo <= Through;

    /// <summary>The index of the first row with a sequence above <paramref name="since"/> (<see cref="Rows"/>.Count when none).</summary>
    public int IndexAfter(long since)
    {
        int low = 0, high = rows.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (rows[middle].Seq <= since)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    internal static RecentChanges? Start(CommittedChanges changes, int max) =>
        IsWellFormed(changes, max) ? new RecentChanges(changes.FromSeq, changes.UpdateSeq, [.. changes.Rows!]) : null;

    /// <summary>Adds the next commit (it starts at <see cref="Through"/>); the oldest rows go when more than <paramref name="max"/>.</summary>
    internal RecentChanges? Append(CommittedChanges changes, int max)
    {
        if (!IsWellFormed(changes, max))
        {
            return null;
        }

        var changed = new HashSet<string>(changes.Rows!.Count, StringComparer.Ordinal);
        foreach (var row in changes.Rows)
        {
            changed.Add(row.Id);
        }

        // Note: a document changed again leaves its older row (CouchDB lists a document once, at its latest sequence).
        var merged = new List<CommittedChange>(rows.Length + changes.Rows.Count);
        foreach (var row in rows)
        {
            if (!changed.Contains(row.Id))
            {
                merged.Add(row);
            }
        }

        merged.AddRange(changes.Rows);
        var from = From;
        var drop = merged.Count - max;
        if (drop > 0)
        {
            // Every row left has a higher sequence than the dropped ones, so the window now starts at the last dropped.
            from = merged[drop - 1].Seq;
            merged.RemoveRange(0, drop);
        }

        return new RecentChanges(from, changes.UpdateSeq, [.. merged]);
    }

    // Defensive: rows out of order or outside the commit's range would make the window lie, so such a commit is not kept.
    private static bool IsWellFormed(CommittedChanges changes, int max)
    {
        if (changes.Rows is not { } rows || rows.Count > max || changes.FromSeq >= changes.UpdateSeq)
        {
            return false;
        }

        var previous = changes.FromSeq;
        foreach (var row in rows)
        {
            if (row.Seq <= previous || row.Seq > changes.UpdateSeq)
            {
                return false;
            }

            previous = row.Seq;
        }

        return true;
    }
}
