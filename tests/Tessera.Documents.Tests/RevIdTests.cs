using Tessera.Documents;
using Xunit;

namespace Tessera.Documents.Tests;

public sealed class RevIdTests
{
    [Fact]
    public void TryParse_CouchDbRev_ReturnsGenerationAndHash()
    {
        Assert.True(RevId.TryParse("3-917fa2381192822767f010b95b45325b", out var rev));

        Assert.Equal(3, rev.Generation);
        Assert.Equal("917fa2381192822767f010b95b45325b", rev.Hash);
    }

    [Fact]
    public void TryParse_HashWithDashes_SplitsAtFirstDash()
    {
        Assert.True(RevId.TryParse("12-a-b-c", out var rev));

        Assert.Equal(new RevId(12, "a-b-c"), rev);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-abc")]
    [InlineData("1-")]
    [InlineData("0-abc")]
    [InlineData("+1-abc")]
    [InlineData("-1-abc")]
    [InlineData("01-abc")]
    [InlineData("1x-abc")]
    [InlineData(" 1-abc")]
    [InlineData("1-a b")]
    [InlineData("1-abc\n")]
    [InlineData("1-\u0000")]
    [InlineData("99999999999-abc")]
    public void TryParse_Malformed_ReturnsFalse(string? text)
    {
        Assert.False(RevId.TryParse(text, out var rev));
        Assert.Equal(default, rev);
    }

    [Fact]
    public void TryParse_UnpairedSurrogateInHash_ReturnsFalse()
    {
        // Built in code: xUnit replaces unpaired surrogates in serialized theory data.
        Assert.False(RevId.TryParse("1-a" + '\ud800', out _));
        Assert.False(RevId.IsValidHash("" + '\udc00'));
    }

    [Fact]
    public void Parse_Malformed_ThrowsFormatException()
    {
        var error = Assert.Throws<FormatException>(() => RevId.Parse("nope"));

        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1-967a00dff5e02add41819138abb3284d")]
    [InlineData("2147483647-x")]
    [InlineData("7-pouch-style_hash")]
    [InlineData("4-\ud83d\ude00")]
    public void ToString_ParsedRev_RoundTrips(string text)
    {
        Assert.Equal(text, RevId.Parse(text).ToString());
    }

    [Fact]
    public void CompareTo_DifferentGenerations_OrdersByGenerationFirst()
    {
        Assert.True(new RevId(10, "a") > new RevId(9, "z"));
        Assert.True(new RevId(2, "z") < new RevId(10, "a"));
    }

    [Fact]
    public void CompareTo_SameGeneration_OrdersHashOrdinally()
    {
        var revs = new[] { new RevId(1, "b"), new RevId(1, "a"), new RevId(1, "B"), new RevId(1, "ab") };

        var sorted = revs.Order().Select(r => r.Hash);

        Assert.Equal(["B", "a", "ab", "b"], sorted);
        Assert.Equal(0, new RevId(1, "a").CompareTo(new RevId(1, "a")));
    }
}
