using Orleans.Concurrency;

namespace Tessera.Grains;

/// <summary>
/// Receives a database grain's change hints on a node that has live subscribers of that database (one observer per node,
/// registered with each database it follows; see <see cref="ChangeHub"/>). Hints are one-way and may be lost: subscribers
/// read changes from storage unless this node holds every row of their gap in memory (see <see cref="ChangeHub.Recent"/>),
/// and the node re-registers periodically, which also re-reads the committed sequence.
/// </summary>
public interface IChangeObserver : IGrainObserver
{
    /// <summary>The database committed every change up to <paramref name="updateSeq"/> (<see cref="long.MaxValue"/>: it was deleted).</summary>
    [OneWay]
    Task OnChangedAsync(long databaseKey, long updateSeq);

    /// <summary>The database's grain deactivates (it moves or its silo stops): register again to keep receiving hints.</summary>
    [OneWay]
    Task OnDetachedAsync(long databaseKey);

    /// <summary>
    /// One commit, with the change rows it produced when it was small (<see cref="CommittedChanges.Rows"/> null otherwise).
    /// Sent instead of <see cref="OnChangedAsync"/> only to observers registered with
    /// <see cref="IDatabaseGrain.SubscribeCommitsAsync"/>, so a node that predates this method never receives it.
    /// </summary>
    [OneWay]
    Task OnCommittedAsync(CommittedChanges changes);
}

/// <summary>What a database grain answers to a change registration: the database's storage key (0 when it does not exist) and its last committed sequence.</summary>
[GenerateSerializer, Immutable, Alias("tessera.ChangeCursor.v1")]
public sealed record ChangeCursor(
    [property: Id(0)] long DatabaseKey,
    [property: Id(1)] long CommittedSeq);

/// <summary>
/// One commit of a database: it moved the database from <see cref="FromSeq"/> to <see cref="UpdateSeq"/>, and
/// <see cref="Rows"/> (when not null) are every document it changed, once each, at its new sequence, in sequence order:
/// exactly the <c>_changes</c> rows (main_only style) with a sequence in (<see cref="FromSeq"/>, <see cref="UpdateSeq"/>].
/// </summary>
[GenerateSerializer, Immutable, Alias("tessera.CommittedChanges.v1")]
public sealed record CommittedChanges(
    [property: Id(0)] long DatabaseKey,
    [property: Id(1)] long FromSeq,
    [property: Id(2)] long UpdateSeq,
    [property: Id(3)] IReadOnlyList<CommittedChange>? Rows);

/// <summary>A document's winning revision after a commit: what a <c>_changes</c> row without bodies shows.</summary>
[GenerateSerializer, Immutable, Alias("tessera.CommittedChange.v1")]
public sealed record CommittedChange(
    [property: Id(0)] string Id,
    [property: Id(1)] string WinningRev,
    [property: Id(2)] bool Deleted,
    [property: Id(3)] long Seq);
