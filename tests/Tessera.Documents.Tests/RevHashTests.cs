using Tessera.Documents;
using Xunit;
using static Tessera.Documents.Tests.Revs;

namespace Tessera.Documents.Tests;

public sealed class RevHashTests
{
    private static readonly byte[] Body = """{"a":1}"""u8.ToArray();

    [Fact]
    public void Next_NewDocument_IsGenerationOneWith32LowercaseHex()
    {
        var rev = RevHash.Next(null, deleted: false, Body);

        Assert.Equal(1, rev.Generation);
        Assert.Matches("^[0-9a-f]{32}$", rev.Hash);
    }

    [Fact]
    public void Next_WithParent_IsOneGenerationLater()
    {
        Assert.Equal(8, RevHash.Next(R("7-abc"), deleted: false, Body).Generation);
    }

    [Fact]
    public void Next_SameEdit_GivesSameRev()
    {
        Assert.Equal(RevHash.Next(R("1-a"), deleted: false, Body), RevHash.Next(R("1-a"), deleted: false, Body));
    }

    [Fact]
    public void Next_AnyInputChanged_GivesDifferentHash()
    {
        var baseline = RevHash.Next(R("1-a"), deleted: false, Body).Hash;

        Assert.NotEqual(baseline, RevHash.Next(R("1-a"), deleted: true, Body).Hash);
        Assert.NotEqual(baseline, RevHash.Next(R("1-b"), deleted: false, Body).Hash);
        Assert.NotEqual(baseline, RevHash.Next(R("1-a"), deleted: false, """{"a":2}"""u8).Hash);
    }

    [Fact]
    public void Next_BytesShiftedBetweenParentAndBody_GivesDifferentHash()
    {
        Assert.NotEqual(
            RevHash.Next(R("1-ab"), deleted: false, "c"u8).Hash,
            RevHash.Next(R("1-a"), deleted: false, "bc"u8).Hash);
    }

    [Theory]
    [InlineData("""{"a":1}""")]
    [InlineData("""{"name":"Zoë","city":"東京","emoji":"🙂"}""")]
    [InlineData(null)]
    public void Next_BodyAsString_GivesTheRevOfItsUtf8Bytes(string? body)
    {
        // null: a body over the stack buffer's 1,024 bytes, hashed from a pooled array.
        body ??= "{\"long\":\"" + new string('é', 900) + "\"}";

        Assert.Equal(
            RevHash.Next(R("3-abc"), deleted: false, System.Text.Encoding.UTF8.GetBytes(body)),
            RevHash.Next(R("3-abc"), deleted: false, body));
    }
}
