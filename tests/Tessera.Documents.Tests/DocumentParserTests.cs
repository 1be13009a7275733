using System.Text;
using System.Text.Json;
using Tessera.Documents;
using Xunit;
using static Tessera.Documents.Tests.Revs;

namespace Tessera.Documents.Tests;

public sealed class DocumentParserTests
{
    [Fact]
    public void Parse_UserFields_KeptCompactInOriginalOrderWithoutSpecialMembers()
    {
        var json = """
            {
              "zeta": 1, "_id": "doc", "alpha": {"z": [1, 2.50, 1e400], "a": null},
              "_rev": "1-abc", "caf\u00e9": "\u65e5\u672c \ud83d\ude00", "big": 123456789012345678901234567890
            }
            """;

        var document = DocumentParser.Parse(Encoding.UTF8.GetBytes(json), DocumentLimits.Default);

        Assert.Equal(
            "{\"zeta\":1,\"alpha\":{\"z\":[1,2.50,1e400],\"a\":null},\"caf\u00e9\":\"\u65e5\u672c \\uD83D\\uDE00\",\"big\":123456789012345678901234567890}",
            document.Body);
        Assert.Equal("doc", document.Id);
        Assert.Equal(R("1-abc"), document.Rev);
        Assert.False(document.Deleted);
        Assert.Null(document.Revisions);
        Assert.Empty(document.Attachments);
    }

    [Fact]
    public void Parse_NoSpecialMembers_HasNoIdOrRev()
    {
        var document = DocumentParser.Parse("""{}"""u8, DocumentLimits.Default);

        Assert.Equal(new ParsedDocument(null, null, false, null, [], "{}"), document with { Attachments = [] });
        Assert.Empty(document.Attachments);
    }

    [Theory]
    [InlineData("""{"_deleted": true}""", true)]
    [InlineData("""{"_deleted": false}""", false)]
    public void Parse_DeletedFlag_TrueOnlyForJsonTrue(string json, bool deleted)
    {
        Assert.Equal(deleted, DocumentParser.Parse(Encoding.UTF8.GetBytes(json), DocumentLimits.Default).Deleted);
    }

    [Fact]
    public void Parse_Revisions_ExpandedLeafFirstAndUsedAsRev()
    {
        var document = DocumentParser.Parse(
            """{"_id": "d", "_revisions": {"start": 3, "ids": ["ccc", "bbb", "aaa"]}, "v": 1}"""u8, DocumentLimits.Default);

        Assert.Equal(Path("3-ccc", "2-bbb", "1-aaa"), document.Revisions);
        Assert.Equal(R("3-ccc"), document.Rev);
        Assert.Equal("""{"v":1}""", document.Body);
    }

    [Fact]
    public void Parse_RevMatchingRevisions_IsAccepted()
    {
        var document = DocumentParser.Parse(
            """{"_rev": "2-b", "_revisions": {"start": 2, "ids": ["b", "a"]}}"""u8, DocumentLimits.Default);

        Assert.Equal(R("2-b"), document.Rev);
        Assert.Equal(2, document.Revisions!.Count);
    }

    [Fact]
    public void Parse_OutputOnlyMembers_AreDropped()
    {
        var document = DocumentParser.Parse(
            """{"_revs_info": [], "_conflicts": ["2-a"], "_deleted_conflicts": [], "_local_seq": 4, "x": true}"""u8,
            DocumentLimits.Default);

        Assert.Equal("""{"x":true}""", document.Body);
    }

    [Fact]
    public void Parse_InlineAttachment_DecodedWithCouchDbMd5Digest()
    {
        var document = DocumentParser.Parse(
            """{"_attachments": {"hello.txt": {"content_type": "text/plain", "data": "aGVsbG8="}}}"""u8, DocumentLimits.Default);

        var attachment = Assert.Single(document.Attachments);
        Assert.Equal("hello.txt", attachment.Name);
        Assert.Equal("text/plain", attachment.ContentType);
        Assert.False(attachment.Stub);
        Assert.Equal("hello"u8.ToArray(), attachment.Data);
        Assert.Equal("md5-XUFAKrxLKna5cZ2REBfFkg==", attachment.Digest);
        Assert.Equal(5, attachment.Length);
        Assert.Null(attachment.RevPos);
        Assert.Equal("{}", document.Body);
    }

    [Fact]
    public void Parse_InlineAttachmentWithoutContentType_DefaultsToOctetStream()
    {
        var document = DocumentParser.Parse("""{"_attachments": {"blob": {"data": ""}}}"""u8, DocumentLimits.Default);

        var attachment = Assert.Single(document.Attachments);
        Assert.Equal("application/octet-stream", attachment.ContentType);
        Assert.Empty(attachment.Data!);
        Assert.Equal("md5-1B2M2Y8AsgTpgAmY7PhCfg==", attachment.Digest);
    }

    [Fact]
    public void Parse_StubAttachment_KeepsGivenMetadata()
    {
        var document = DocumentParser.Parse(
            """
            {"_attachments": {
              "a.png": {"stub": true, "content_type": "image/png", "digest": "md5-abc==", "length": 42, "revpos": 3},
              "b": {"stub": true}
            }}
            """u8,
            DocumentLimits.Default);

        Assert.Equal(
            [
                new AttachmentInput("a.png", "image/png", true, null, "md5-abc==", 42, 3),
                new AttachmentInput("b", "application/octet-stream", true, null, null, null, null),
            ],
            document.Attachments);
    }

    [Fact]
    public void Parse_JsonElementOfBulkDocs_SameAsBytes()
    {
        using var bulk = JsonDocument.Parse("""{"docs": [{"_id": "a", "_deleted": true, "n": [1]}]}""");

        var fromElement = DocumentParser.Parse(bulk.RootElement.GetProperty("docs")[0], DocumentLimits.Default);
        var fromBytes = DocumentParser.Parse("""{"_id": "a", "_deleted": true, "n": [1]}"""u8, DocumentLimits.Default);

        Assert.Equal(fromBytes with { Attachments = [] }, fromElement with { Attachments = [] });
        Assert.Equal("""{"n":[1]}""", fromElement.Body);
        Assert.True(fromElement.Deleted);
    }

    [Fact]
    public void Parse_DesignDocumentId_IsAccepted()
    {
        Assert.Equal("_design/app", DocumentParser.Parse("""{"_id": "_design/app"}"""u8, DocumentLimits.Default).Id);
    }
}
