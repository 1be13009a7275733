using Orleans.Concurrency;

namespace Tessera.Grains;

/// <summary>
/// Receives a database grain's change hints on a node that has live subscribers of that database (one observer per node,
/// registered with each database it follows; see <see cref="ChangeHub"/>). Hints are one-way and may be lost: subscribers
/// always read changes from storage, and the node re-registers periodically, which also re-reads the committed sequence.
/// </summary>
public interface IChangeObserver : IGrainObserver
{
    /// <summary>The database committed every change up to <paramref name="updateSeq"/> (<see cref="long.MaxValue"/>: it was deleted).</summary>
    [OneWay]
    Task OnChangedAsync(long databaseKey, long updateSeq);

    /// <summary>The database's grain deactivates (it moves or its silo stops): register again to keep receiving hints.</summary>
    [OneWay]
    Task OnDetachedAsync(long databaseKey);
}

/// <summary>What a database grain answers to a change registration: the database's storage key (0 when it does not exist) and its last committed sequence.</summary>
[GenerateSerializer, Immutable, Alias("tessera.ChangeCursor.v1")]
public sealed record ChangeCursor(
    [property: Id(0)] long DatabaseKey,
    [property: Id(1)] long CommittedSeq);
