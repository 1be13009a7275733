using Tessera.Documents;
using Xunit;
using static Tessera.Documents.Tests.Revs;

namespace Tessera.Documents.Tests;

public sealed class RevTreeStemTests
{
    [Fact]
    public void Stem_LinearHistory_KeepsLastRevsAndReturnsRemovedOldestFirst()
    {
        var tree = Tree(["5-e", "4-d", "3-c", "2-b", "1-a"]);

        var removed = tree.Stem(2);

        Assert.Equal(Path("1-a", "2-b", "3-c"), removed);
        Assert.Equal(["4-d", "5-e<4-d"], Describe(tree));
        Assert.Equal(R("5-e"), tree.Winner);
    }

    [Fact]
    public void Stem_BranchedTree_KeepsLimitOnEveryPathCountedFromItsLeaf()
    {
        // 1-a ─ 2-p ─┬ 3-leaf
        //            └ 3-b ─ 4-c ─ 5-d
        var tree = Tree(["3-leaf", "2-p", "1-a"], ["5-d", "4-c", "3-b", "2-p", "1-a"]);

        var removed = tree.Stem(2);

        // 2-p stays as the parent of 3-leaf; 3-b is three back from 5-d and two back from no other leaf.
        Assert.Equal(Path("1-a", "3-b"), removed);
        Assert.Equal(["2-p", "3-leaf<2-p", "4-c", "5-d<4-c"], Describe(tree));
        Assert.Equal(R("5-d"), tree.Winner);
        Assert.Equal([R("3-leaf")], tree.Conflicts);
        Assert.False(tree.IsLeaf(R("2-p")));
    }

    [Fact]
    public void Stem_LimitOne_KeepsOnlyLeaves()
    {
        var tree = Tree(["3-c", "2-b", "1-a"], ["!2-x", "1-a"]);

        tree.Stem(1);

        Assert.Equal(["2-x!", "3-c"], Describe(tree));
        Assert.Equal([R("2-x")], tree.DeletedConflicts);
    }

    [Fact]
    public void Stem_LimitAboveDepth_RemovesNothing()
    {
        var tree = Tree(["3-c", "2-b", "1-a"]);

        Assert.Empty(tree.Stem(1000));
        Assert.Equal(3, tree.Count);
    }

    [Fact]
    public void Stem_LimitBelowOne_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Tree(["1-a"]).Stem(0));
    }

    [Fact]
    public void Stem_ThenEditAndMergeOfOldHistory_RegraftsRemovedRevs()
    {
        var tree = Tree(["3-c", "2-b", "1-a"]);
        tree.Stem(1);

        tree.TryEdit(R("3-c"), deleted: false, R("4-d"));
        var result = tree.Merge(Path("3-c", "2-b", "1-a"), deleted: false);

        Assert.True(result.Added);
        Assert.Equal(Path("4-d", "3-c", "2-b", "1-a"), tree.Ancestry(R("4-d")));
    }
}
