using Tessera.Documents;
using Xunit;
using static Tessera.Documents.Tests.Revs;

namespace Tessera.Documents.Tests;

public sealed class RevTreeEditTests
{
    [Fact]
    public void TryEdit_CreateOnEmptyTree_AddsGenerationOneRoot()
    {
        var tree = new RevTree();

        var result = tree.TryEdit(null, deleted: false, R("1-a"));

        Assert.Equal(new EditResult(EditStatus.Added, null), result);
        Assert.Equal(R("1-a"), tree.Winner);
        Assert.Equal(["1-a"], Describe(tree));
    }

    [Fact]
    public void TryEdit_ParentOnEmptyTree_Conflicts()
    {
        var tree = new RevTree();

        var result = tree.TryEdit(R("1-a"), deleted: false, R("2-b"));

        Assert.Equal(EditStatus.Conflict, result.Status);
        Assert.True(tree.IsEmpty);
    }

    [Fact]
    public void TryEdit_UpdateOfWinner_AddsChildAndSupersedesParent()
    {
        var tree = Tree(["1-a"]);

        var result = tree.TryEdit(R("1-a"), deleted: false, R("2-b"));

        Assert.Equal(new EditResult(EditStatus.Added, R("1-a")), result);
        Assert.Equal(R("2-b"), tree.Winner);
        Assert.Equal(["1-a", "2-b<1-a"], Describe(tree));
    }

    [Fact]
    public void TryEdit_StaleRev_ConflictsWithoutChange()
    {
        var tree = Tree(["2-b", "1-a"]);

        var result = tree.TryEdit(R("1-a"), deleted: false, R("2-c"));

        Assert.Equal(new EditResult(EditStatus.Conflict, null), result);
        Assert.Equal(["1-a", "2-b<1-a"], Describe(tree));
    }

    [Fact]
    public void TryEdit_UnknownParent_Conflicts()
    {
        var tree = Tree(["1-a"]);

        Assert.Equal(EditStatus.Conflict, tree.TryEdit(R("1-zzz"), deleted: false, R("2-b")).Status);
    }

    [Fact]
    public void TryEdit_NoRevOnLiveDocument_Conflicts()
    {
        var tree = Tree(["1-a"]);

        Assert.Equal(EditStatus.Conflict, tree.TryEdit(null, deleted: false, R("1-b")).Status);
        Assert.Equal(["1-a"], Describe(tree));
    }

    [Fact]
    public void TryEdit_NoRevAfterDelete_RecreatesAsChildOfTombstone()
    {
        var tree = Tree(["1-a"]);
        tree.TryEdit(R("1-a"), deleted: true, R("2-d"));

        var parent = tree.EffectiveParent(null);
        var result = tree.TryEdit(null, deleted: false, R("3-r"));

        Assert.Equal(R("2-d"), parent);
        Assert.Equal(new EditResult(EditStatus.Added, R("2-d")), result);
        Assert.Equal(R("3-r"), tree.Winner);
        Assert.False(tree.WinnerDeleted);
        Assert.Equal(Path("3-r", "2-d", "1-a"), tree.Ancestry(R("3-r")));
        Assert.True(tree.IsDeleted(R("2-d")));
    }

    [Fact]
    public void TryEdit_DeleteOfDeletedLeaf_ExtendsTombstone()
    {
        var tree = Tree(["!2-d", "1-a"]);

        var result = tree.TryEdit(R("2-d"), deleted: true, R("3-e"));

        Assert.Equal(new EditResult(EditStatus.Added, R("2-d")), result);
        Assert.True(tree.WinnerDeleted);
        Assert.Equal(R("3-e"), tree.Winner);
    }

    [Fact]
    public void TryEdit_UpdateOfLosingConflict_ExtendsThatBranch()
    {
        var tree = Tree(["2-b", "1-a"], ["2-c", "1-a"]);
        Assert.Equal(R("2-c"), tree.Winner);

        var result = tree.TryEdit(R("2-b"), deleted: false, R("3-b"));

        Assert.Equal(new EditResult(EditStatus.Added, R("2-b")), result);
        Assert.Equal(R("3-b"), tree.Winner);
        Assert.Equal([R("2-c")], tree.Conflicts);
    }

    [Fact]
    public void TryEdit_DeleteOfLosingConflict_MovesItToDeletedConflicts()
    {
        var tree = Tree(["2-b", "1-a"], ["2-c", "1-a"]);

        tree.TryEdit(R("2-b"), deleted: true, R("3-x"));

        Assert.Equal(R("2-c"), tree.Winner);
        Assert.Empty(tree.Conflicts);
        Assert.Equal([R("3-x")], tree.DeletedConflicts);
    }

    [Fact]
    public void TryEdit_NewRevAlreadyInTree_Conflicts()
    {
        var tree = Tree(["2-b", "1-a"], ["1-c"]);

        var result = tree.TryEdit(R("1-c"), deleted: false, R("2-b"));

        Assert.Equal(EditStatus.Conflict, result.Status);
        Assert.True(tree.IsLeaf(R("1-c")));
    }

    [Theory]
    [InlineData("3-b")]
    [InlineData("1-b")]
    public void TryEdit_WrongGeneration_ThrowsArgumentException(string newRev)
    {
        var tree = Tree(["1-a"]);

        Assert.Throws<ArgumentException>(() => tree.TryEdit(R("1-a"), deleted: false, R(newRev)));
        Assert.Equal(["1-a"], Describe(tree));
    }

    [Fact]
    public void TryEdit_RecreateWithGenerationOne_ThrowsArgumentException()
    {
        var tree = Tree(["!2-d", "1-a"]);

        Assert.Throws<ArgumentException>(() => tree.TryEdit(null, deleted: false, R("1-new")));
    }

    [Fact]
    public void EffectiveParent_LiveDocumentOrGivenRev_IsTheGivenRev()
    {
        Assert.Null(new RevTree().EffectiveParent(null));
        Assert.Null(Tree(["1-a"]).EffectiveParent(null));
        Assert.Equal(R("1-a"), Tree(["!2-b", "1-a"]).EffectiveParent(R("1-a")));
    }

    [Fact]
    public void Clone_ThenEdit_LeavesOriginalUnchanged()
    {
        var tree = Tree(["1-a"]);

        var copy = tree.Clone();
        copy.TryEdit(R("1-a"), deleted: false, R("2-b"));

        Assert.Equal(["1-a"], Describe(tree));
        Assert.Equal(["1-a", "2-b<1-a"], Describe(copy));
    }
}
