using Tessera.Documents;
using Xunit;

namespace Tessera.Documents.Tests;

public sealed class DocumentIdsTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("doc-1")]
    [InlineData("_design/app")]
    [InlineData("caf\u00e9 \ud83d\ude00")]
    [InlineData("with/slash and space")]
    public void IsValid_OrdinaryOrDesignId_True(string id)
    {
        Assert.True(DocumentIds.IsValid(id, out var reason));
        Assert.Equal("", reason);
    }

    [Theory]
    [InlineData(null, "Document id must not be empty")]
    [InlineData("", "Document id must not be empty")]
    [InlineData("_foo", "Only reserved document ids may start with underscore.")]
    [InlineData("_all_docs", "Only reserved document ids may start with underscore.")]
    [InlineData("_design/", "Illegal document id `_design/`")]
    [InlineData("_local/", "Illegal document id `_local/`")]
    [InlineData("_local/checkpoint", "Local document ids (_local/) are only accepted by the _local API")]
    [InlineData("a\u0000b", "Document id must not contain NUL characters")]
    public void IsValid_RefusedId_FalseWithCouchDbReason(string? id, string expectedReason)
    {
        Assert.False(DocumentIds.IsValid(id, out var reason));
        Assert.Equal(expectedReason, reason);
    }

    [Fact]
    public void IsValid_UnpairedSurrogate_FalseAsInvalidUtf8()
    {
        // Built in code: xUnit replaces unpaired surrogates in serialized theory data.
        foreach (var id in new[] { "a" + '\ud800', '\udc00' + "a", "a" + '\udc00' + '\ud800' })
        {
            Assert.False(DocumentIds.IsValid(id, out var reason));
            Assert.Equal("Document id must be valid UTF-8", reason);
        }
    }

    [Fact]
    public void IsValid_IdAtByteLimit_True()
    {
        Assert.True(DocumentIds.IsValid(new string('x', DocumentIds.MaxIdBytes), out _));
        Assert.True(DocumentIds.IsValid(new string('\u00e9', DocumentIds.MaxIdBytes / 2), out _));
    }

    [Fact]
    public void IsValid_IdOverByteLimit_FalseNamingTheLimit()
    {
        // 513 two-byte characters: 513 chars but 1026 UTF-8 bytes.
        Assert.False(DocumentIds.IsValid(new string('\u00e9', 513), out var reason));
        Assert.Equal("Document id is too long (the limit is 1024 UTF-8 bytes)", reason);
    }

    [Theory]
    [InlineData("_local/x", true, false)]
    [InlineData("_design/x", false, true)]
    [InlineData("local/x", false, false)]
    public void IsLocalAndIsDesign_ById_MatchPrefix(string id, bool local, bool design)
    {
        Assert.Equal(local, DocumentIds.IsLocal(id));
        Assert.Equal(design, DocumentIds.IsDesign(id));
    }
}
