using FsCheck.Xunit;
using Tessera.Documents;
using Xunit;

namespace Tessera.Documents.Tests;

[Properties(Arbitrary = [typeof(RevTreeArbitraries)], MaxTest = 300)]
public sealed class RevTreeProperties
{
    [Property]
    public void Merge_InTwoOrdersWithDuplicates_GivesIdenticalTrees(MergeScenario scenario)
    {
        var first = MergeScenario.MergeAll(scenario.FirstOrder);
        var second = MergeScenario.MergeAll(scenario.SecondOrder);

        Assert.Equal(first.Nodes, second.Nodes);
        Assert.Equal(first.Winner, second.Winner);
        Assert.Equal(first.Leaves, second.Leaves);
        Assert.Equal(first.Conflicts, second.Conflicts);
        Assert.Equal(first.DeletedConflicts, second.DeletedConflicts);
    }

    [Property]
    public void Merge_AnyPaths_KeepsExactlyWhatThePathsSay(MergeScenario scenario)
    {
        // Independent model: a rev's parent is known when some path holds both, and a rev is
        // deleted when some path ends at it as a deletion.
        var expected = new SortedDictionary<RevId, (RevId? Parent, bool Deleted)>();
        foreach (var (path, deleted) in scenario.FirstOrder)
        {
            for (var i = 0; i < path.Length; i++)
            {
                expected.TryGetValue(path[i], out var known);
                expected[path[i]] = (
                    i + 1 < path.Length ? path[i + 1] : known.Parent,
                    known.Deleted || (i == 0 && deleted));
            }
        }

        var tree = MergeScenario.MergeAll(scenario.FirstOrder);

        Assert.Equal(expected.Select(e => (e.Key, e.Value.Parent, e.Value.Deleted)), tree.Nodes);
    }

    [Property]
    public void Merge_EachPath_ReportsExactlyTheLeavesItEnded(MergeScenario scenario)
    {
        var tree = new RevTree();
        foreach (var (path, deleted) in scenario.FirstOrder)
        {
            var nodesBefore = tree.Nodes;
            var leavesBefore = tree.Leaves.Select(l => l.Rev).ToHashSet();

            var result = tree.Merge(path, deleted);

            Assert.Equal(leavesBefore.Where(r => !tree.IsLeaf(r)).Order(), result.Superseded.Order());
            Assert.Equal(!nodesBefore.SequenceEqual(tree.Nodes), result.Added);
        }
    }

    [Property]
    public void Winner_AnyTree_IsTheBestLeafByCouchDbRule(RevTree tree)
    {
        var leaves = tree.Nodes.Where(n => tree.IsLeaf(n.Rev)).Select(n => new RevLeaf(n.Rev, n.Deleted)).ToList();
        var best = leaves.OrderBy(l => l.Deleted).ThenByDescending(l => l.Rev.Generation)
            .ThenByDescending(l => l.Rev.Hash, StringComparer.Ordinal).First();

        Assert.Equal(best.Rev, tree.Winner);
        Assert.Equal(best.Deleted, tree.WinnerDeleted);
        Assert.Equal(leaves.Count, tree.Leaves.Count);
        Assert.Equal(leaves.Count - 1, tree.Conflicts.Count + tree.DeletedConflicts.Count);
    }

    [Property]
    public void Stem_AfterMergeInEitherOrder_GivesIdenticalTrees(MergeScenario scenario, byte limitSeed)
    {
        var limit = (limitSeed % 6) + 1;
        var first = MergeScenario.MergeAll(scenario.FirstOrder);
        var second = MergeScenario.MergeAll(scenario.SecondOrder);

        var removedFirst = first.Stem(limit);
        var removedSecond = second.Stem(limit);

        Assert.Equal(first.Nodes, second.Nodes);
        Assert.Equal(removedFirst, removedSecond);
    }

    [Property]
    public void Stem_AnyTree_KeepsTheLastRevsOfEveryLeafPathAndNothingElse(RevTree tree, byte limitSeed)
    {
        var limit = (limitSeed % 6) + 1;
        var before = tree.Nodes;
        var leavesBefore = tree.Leaves;
        var winnerBefore = tree.Winner;
        var kept = tree.Leaves.SelectMany(l => tree.Ancestry(l.Rev).Take(limit)).ToHashSet();

        var removed = tree.Stem(limit);

        Assert.Equal(kept.Order(), tree.Nodes.Select(n => n.Rev));
        Assert.Equal(before.Select(n => n.Rev).Where(r => !kept.Contains(r)).Order(), removed);
        Assert.Equal(leavesBefore, tree.Leaves);
        Assert.Equal(winnerBefore, tree.Winner);
        // Parent links survive exactly where both ends were kept.
        var parents = before.ToDictionary(n => n.Rev, n => n.Parent);
        Assert.All(tree.Nodes, n => Assert.Equal(parents[n.Rev] is { } p && kept.Contains(p) ? p : null, n.Parent));
        Assert.Empty(tree.Stem(limit));
    }

    [Property]
    public void Serialize_AnyTree_RoundTripsExactly(RevTree tree)
    {
        var bytes = tree.Serialize();
        var copy = RevTree.Deserialize(bytes);

        Assert.Equal(tree.Nodes, copy.Nodes);
        Assert.Equal(tree.Leaves, copy.Leaves);
        Assert.Equal(bytes, copy.Serialize());
    }

    [Property]
    public void Deserialize_AnyTruncation_ThrowsFormatException(RevTree tree, int cutSeed)
    {
        var bytes = tree.Serialize();
        var cut = (int)((uint)cutSeed % (uint)bytes.Length);

        Assert.Throws<FormatException>(() => RevTree.Deserialize(bytes.AsSpan(0, cut)));
    }
}
