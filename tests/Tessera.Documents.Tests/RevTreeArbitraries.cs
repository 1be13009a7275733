using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Tessera.Documents;

namespace Tessera.Documents.Tests;

/// <summary>FsCheck generators for revision histories.</summary>
public static class RevTreeArbitraries
{
    public static Arbitrary<MergeScenario> MergeScenarios() => Arb.From(Scenario());

    public static Arbitrary<RevTree> Trees() =>
        Arb.From(Scenario().Select(s => MergeScenario.MergeAll(s.FirstOrder)));

    private static Gen<MergeScenario> Scenario() =>
        from nodeCount in Gen.Choose(1, 40)
        from specs in Gen.ArrayOf(NodeSpec(), nodeCount)
        let history = BuildHistory(specs)
        from pathSpecs in Gen.NonEmptyListOf(Gen.Zip(Gen.Choose(0, nodeCount - 1), Gen.Choose(1, 12)))
        let paths = pathSpecs.Select(p => CutPath(history, p.Item1, p.Item2)).ToArray()
        from duplicatesA in Gen.SubListOf(paths)
        from duplicatesB in Gen.SubListOf(paths)
        from secondOrder in Gen.Shuffle(paths.Concat(duplicatesB))
        select new MergeScenario(history, [.. paths, .. duplicatesA], secondOrder);

    // (parent pick, root roll 0..9, deleted roll 0..4, root generation, hash style roll 0..5)
    private static Gen<(int Pick, int RootRoll, int DeletedRoll, int RootGeneration, int HashRoll)> NodeSpec() =>
        from pick in Gen.Choose(0, 1_000_000)
        from rootRoll in Gen.Choose(0, 9)
        from deletedRoll in Gen.Choose(0, 4)
        from rootGeneration in Gen.Choose(1, 4)
        from hashRoll in Gen.Choose(0, 5)
        select (pick, rootRoll, deletedRoll, rootGeneration, hashRoll);

    private static (RevId Rev, RevId? Parent, bool Deleted)[] BuildHistory(
        (int Pick, int RootRoll, int DeletedRoll, int RootGeneration, int HashRoll)[] specs)
    {
        var nodes = new (RevId Rev, RevId? Parent, bool Deleted)[specs.Length];
        for (var i = 0; i < specs.Length; i++)
        {
            var spec = specs[i];
            // Mostly CouchDB-style hex hashes, sometimes other forms (PouchDB and friends).
            var hash = spec.HashRoll == 0
                ? "h" + i.ToString(CultureInfo.InvariantCulture)
                : RevHash.Next(null, deleted: false, BitConverter.GetBytes(i)).Hash;
            RevId? parent = i == 0 || spec.RootRoll == 0 ? null : nodes[spec.Pick % i].Rev;
            var generation = parent is { } p ? p.Generation + 1 : spec.RootGeneration;
            nodes[i] = (new RevId(generation, hash), parent, spec.DeletedRoll == 0);
        }

        return nodes;
    }

    private static (RevId[] Path, bool Deleted) CutPath((RevId Rev, RevId? Parent, bool Deleted)[] history, int end, int length)
    {
        var byRev = history.ToDictionary(n => n.Rev);
        var path = new List<RevId> { history[end].Rev };
        while (path.Count < length && byRev[path[^1]].Parent is { } parent)
        {
            path.Add(parent);
        }

        return ([.. path], history[end].Deleted);
    }
}
