using Tessera.Documents;
using Xunit;
using static Tessera.Documents.Tests.Revs;

namespace Tessera.Documents.Tests;

public sealed class RevTreeWinnerTests
{
    [Fact]
    public void Winner_EmptyTree_ThrowsInvalidOperation()
    {
        var tree = new RevTree();

        Assert.True(tree.IsEmpty);
        Assert.Throws<InvalidOperationException>(() => tree.Winner);
        Assert.Throws<InvalidOperationException>(() => tree.WinnerDeleted);
        Assert.Empty(tree.Leaves);
        Assert.Empty(tree.Conflicts);
    }

    [Fact]
    public void Winner_ThreeConflictsOfOneGeneration_IsHighestHash()
    {
        // The example of CouchDB's "Working with conflicting documents" documentation.
        var tree = Tree(
            ["2-65db2a11b5172bf928e3bcf59f728970", "1-967a00dff5e02add41819138abb3284d"],
            ["2-b91bb807b4685080c6a651115ff558f5", "1-967a00dff5e02add41819138abb3284d"],
            ["2-5bc3c6319edf62d4c624277fdd0ae191", "1-967a00dff5e02add41819138abb3284d"]);

        Assert.Equal(R("2-b91bb807b4685080c6a651115ff558f5"), tree.Winner);
        Assert.Equal(
            [R("2-65db2a11b5172bf928e3bcf59f728970"), R("2-5bc3c6319edf62d4c624277fdd0ae191")],
            tree.Conflicts);
        Assert.Empty(tree.DeletedConflicts);
    }

    [Fact]
    public void Winner_LongerBranch_BeatsHigherHashOfShorterBranch()
    {
        var tree = Tree(["3-a", "2-a", "1-a"], ["2-z", "1-a"]);

        Assert.Equal(R("3-a"), tree.Winner);
        Assert.Equal([R("2-z")], tree.Conflicts);
    }

    [Fact]
    public void Winner_LiveLeafOfLowerGeneration_BeatsDeletedLeaf()
    {
        var tree = Tree(["2-b", "1-a"], ["!3-d", "2-c", "1-a"]);

        Assert.Equal(R("2-b"), tree.Winner);
        Assert.False(tree.WinnerDeleted);
        Assert.Empty(tree.Conflicts);
        Assert.Equal([R("3-d")], tree.DeletedConflicts);
    }

    [Fact]
    public void Winner_AllLeavesDeleted_IsHighestDeletedLeaf()
    {
        var tree = Tree(["!2-b", "1-a"], ["!2-c", "1-a"]);

        Assert.Equal(R("2-c"), tree.Winner);
        Assert.True(tree.WinnerDeleted);
        Assert.Equal([R("2-b")], tree.DeletedConflicts);
    }

    [Fact]
    public void Leaves_MixedTree_SortedLiveFirstThenGenerationThenHash()
    {
        var tree = Tree(["!4-x", "3-x", "2-x", "1-a"], ["2-b", "1-a"], ["3-c", "2-c", "1-a"], ["!2-z", "1-a"], ["2-a", "1-a"]);

        Assert.Equal(
            [
                new RevLeaf(R("3-c"), false), new RevLeaf(R("2-b"), false), new RevLeaf(R("2-a"), false),
                new RevLeaf(R("4-x"), true), new RevLeaf(R("2-z"), true),
            ],
            tree.Leaves);
        Assert.Equal([R("2-b"), R("2-a")], tree.Conflicts);
        Assert.Equal([R("4-x"), R("2-z")], tree.DeletedConflicts);
    }

    [Fact]
    public void Queries_KnownAndUnknownRevs_AnswerFromTheTree()
    {
        var tree = Tree(["!3-c", "2-b", "1-a"]);

        Assert.True(tree.Contains(R("2-b")));
        Assert.False(tree.Contains(R("2-x")));
        Assert.True(tree.IsLeaf(R("3-c")));
        Assert.False(tree.IsLeaf(R("2-b")));
        Assert.True(tree.IsDeleted(R("3-c")));
        Assert.False(tree.IsDeleted(R("2-b")));
        Assert.Equal(Path("3-c", "2-b", "1-a"), tree.Ancestry(R("3-c")));
        Assert.Empty(tree.Ancestry(R("9-z")));
        Assert.Equal(3, tree.Count);
    }
}
