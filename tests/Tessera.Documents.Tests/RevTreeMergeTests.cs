using Tessera.Documents;
using Xunit;
using static Tessera.Documents.Tests.Revs;

namespace Tessera.Documents.Tests;

public sealed class RevTreeMergeTests
{
    [Fact]
    public void Merge_IntoEmptyTree_AddsWholePath()
    {
        var tree = new RevTree();

        var result = tree.Merge(Path("3-c", "2-b", "1-a"), deleted: false);

        Assert.True(result.Added);
        Assert.Empty(result.Superseded);
        Assert.Equal(["1-a", "2-b<1-a", "3-c<2-b"], Describe(tree));
    }

    [Fact]
    public void Merge_PathExtendingLeaf_SupersedesIt()
    {
        var tree = Tree(["2-b", "1-a"]);

        var result = tree.Merge(Path("4-d", "3-c", "2-b", "1-a"), deleted: false);

        Assert.True(result.Added);
        Assert.Equal([R("2-b")], result.Superseded);
        Assert.Equal(R("4-d"), tree.Winner);
        Assert.Empty(tree.Conflicts);
    }

    [Fact]
    public void Merge_ForeignBranchFromSharedAncestor_CreatesConflict()
    {
        var tree = Tree(["2-b", "1-a"]);

        var result = tree.Merge(Path("2-c", "1-a"), deleted: false);

        Assert.True(result.Added);
        Assert.Empty(result.Superseded);
        Assert.Equal(R("2-c"), tree.Winner);
        Assert.Equal([R("2-b")], tree.Conflicts);
        Assert.Equal(["1-a", "2-b<1-a", "2-c<1-a"], Describe(tree));
    }

    [Fact]
    public void Merge_DeletedForeignBranch_AppearsInDeletedConflicts()
    {
        var tree = Tree(["2-b", "1-a"]);

        tree.Merge(Path("3-z", "2-z", "1-a"), deleted: true);

        Assert.Equal(R("2-b"), tree.Winner);
        Assert.Empty(tree.Conflicts);
        Assert.Equal([R("3-z")], tree.DeletedConflicts);
        Assert.True(tree.IsDeleted(R("3-z")));
        Assert.False(tree.IsDeleted(R("2-z")));
    }

    [Fact]
    public void Merge_HistoryWithNoKnownRev_BecomesNewRoot()
    {
        var tree = Tree(["2-b", "1-a"]);

        var result = tree.Merge(Path("3-y", "2-x"), deleted: false);

        Assert.True(result.Added);
        Assert.Equal(["1-a", "2-b<1-a", "2-x", "3-y<2-x"], Describe(tree));
        Assert.Equal(R("3-y"), tree.Winner);
        Assert.Equal([R("2-b")], tree.Conflicts);
    }

    [Fact]
    public void Merge_SamePathTwice_SecondChangesNothing()
    {
        var tree = Tree(["3-c", "2-b", "1-a"], ["2-x", "1-a"]);
        var before = tree.Nodes;

        var result = tree.Merge(Path("3-c", "2-b", "1-a"), deleted: false);

        Assert.False(result.Added);
        Assert.Empty(result.Superseded);
        Assert.Equal(before, tree.Nodes);
    }

    [Fact]
    public void Merge_PathEndingAtInternalRev_ChangesNothing()
    {
        var tree = Tree(["3-c", "2-b", "1-a"]);

        var result = tree.Merge(Path("2-b", "1-a"), deleted: false);

        Assert.False(result.Added);
        Assert.Equal(R("3-c"), tree.Winner);
    }

    [Fact]
    public void Merge_PathReachingPastStemmedRoot_GraftsTheOlderRevs()
    {
        var tree = Tree(["5-e", "4-d"]);

        var result = tree.Merge(Path("5-e", "4-d", "3-c"), deleted: false);

        Assert.True(result.Added);
        Assert.Empty(result.Superseded);
        Assert.Equal(Path("5-e", "4-d", "3-c"), tree.Ancestry(R("5-e")));
    }

    [Fact]
    public void Merge_PathWhoseOldestRevIsUnknown_AttachesAtKnownYoungerRevs()
    {
        var tree = Tree(["3-c", "2-b"]);

        var result = tree.Merge(Path("4-d", "3-c", "2-b", "1-a"), deleted: false);

        Assert.Equal([R("3-c")], result.Superseded);
        Assert.Equal(["1-a", "2-b<1-a", "3-c<2-b", "4-d<3-c"], Describe(tree));
    }

    [Fact]
    public void Merge_StemmedLeafPathFromAReplica_IsAlreadyKnown()
    {
        var tree = Tree(["3-c", "2-b", "1-a"]);

        var result = tree.Merge(Path("3-c"), deleted: false);

        Assert.False(result.Added);
        Assert.Equal(["1-a", "2-b<1-a", "3-c<2-b"], Describe(tree));
    }

    [Fact]
    public void Merge_EmptyPath_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => new RevTree().Merge([], deleted: false));

        Assert.Contains("at least one revision", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3-c", "1-a")]
    [InlineData("1-a", "2-b")]
    [InlineData("2-b", "2-a")]
    public void Merge_NonConsecutivePath_ThrowsArgumentException(string leaf, string next)
    {
        var tree = new RevTree();

        var error = Assert.Throws<ArgumentException>(() => tree.Merge(Path(leaf, next), deleted: false));

        Assert.Contains("consecutive generations", error.Message, StringComparison.Ordinal);
        Assert.True(tree.IsEmpty);
    }

    [Fact]
    public void Merge_InvalidRev_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new RevTree().Merge([new RevId(0, "a")], deleted: false));
        Assert.Throws<ArgumentException>(() => new RevTree().Merge([default], deleted: false));
    }
}
