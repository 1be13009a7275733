using Tessera.Documents;
using Xunit;
using static Tessera.Documents.Tests.Revs;

namespace Tessera.Documents.Tests;

public sealed class RevTreeSerializationTests
{
    [Fact]
    public void Serialize_EmptyTree_IsVersionAndZeroCount()
    {
        var bytes = new RevTree().Serialize();

        Assert.Equal([1, 0], bytes);
        Assert.True(RevTree.Deserialize(bytes).IsEmpty);
    }

    [Fact]
    public void Serialize_ForestWithStemmedRootsAndDeletions_RoundTrips()
    {
        var tree = Tree(
            ["!4-917fa2381192822767f010b95b45325b", "3-c", "2-b"],
            ["3-x-pouch", "2-b"],
            ["9-Z", "8-Y"],
            ["1-\u00e9t\u00e9"]);

        var copy = RevTree.Deserialize(tree.Serialize());

        Assert.Equal(tree.Nodes, copy.Nodes);
        Assert.Equal(tree.Leaves, copy.Leaves);
        Assert.Equal(tree.Winner, copy.Winner);
        Assert.True(copy.IsLeaf(R("3-x-pouch")));
        Assert.False(copy.IsLeaf(R("2-b")));
    }

    [Fact]
    public void Serialize_LinearCouchDbHistory_TakesNineteenBytesPerRev()
    {
        var tree = new RevTree();
        RevId? parent = null;
        for (var i = 0; i < 100; i++)
        {
            var rev = RevHash.Next(parent, deleted: false, [(byte)i]);
            tree.TryEdit(parent, deleted: false, rev);
            parent = rev;
        }

        var bytes = tree.Serialize();

        Assert.Equal(1, bytes[0]);
        Assert.Equal(2 + (100 * 19) - 1, bytes.Length); // the root has no parent reference
        Assert.Equal(tree.Nodes, RevTree.Deserialize(bytes).Nodes);
    }

    public static TheoryData<byte[]> Garbage => new()
    {
        Array.Empty<byte>(),
        new byte[] { 2, 0 },
        new byte[] { 1 },
        new byte[] { 1, 1 },
        new byte[] { 1, 0, 0 },
        new byte[] { 0x7b, 0x22, 0x61, 0x22, 0x7d },
        new byte[] { 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F },
        new byte[] { 1, 1, 8, 1, 1, (byte)'a' },
        new byte[] { 1, 1, 0, 0, 1, (byte)'a' },
        new byte[] { 1, 1, 0, 1, 1, (byte)' ' },
        new byte[] { 1, 1, 0, 1, 2, 0xC3, 0x28 },
        new byte[] { 1, 1, 2, 1, 1, (byte)'a', 1 },
        new byte[] { 1, 2, 0, 1, 1, (byte)'b', 0, 0, 1, (byte)'a' },
        new byte[] { 1, 2, 0, 1, 1, (byte)'a', 2, 0, 1, (byte)'b', 1 },
        new byte[] { 1, 2, 0, 1, 1, (byte)'a', 2, 1, 1, (byte)'b', 2 },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Deserialize_Garbage_ThrowsFormatException(byte[] data)
    {
        Assert.Throws<FormatException>(() => RevTree.Deserialize(data));
    }

    [Fact]
    public void Deserialize_HandWrittenTwoNodeTree_ReadsParentReference()
    {
        byte[] data = [1, 2, 0, 1, 1, (byte)'a', 2, 1, 1, (byte)'b', 1];

        var tree = RevTree.Deserialize(data);

        Assert.Equal(["1-a", "2-b<1-a"], Describe(tree));
        Assert.Equal(data, tree.Serialize());
    }
}
