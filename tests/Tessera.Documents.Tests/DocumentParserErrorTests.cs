using System.Text;
using System.Text.Json;
using Tessera.Documents;
using Xunit;

namespace Tessera.Documents.Tests;

public sealed class DocumentParserErrorTests
{
    public static TheoryData<string, string, string> RefusedDocuments => new()
    {
        { """[1, 2]""", "bad_request", "Document must be a JSON object" },
        { "\"text\"", "bad_request", "Document must be a JSON object" },
        { """{"_id": 1}""", "illegal_docid", "Document id must be a string" },
        { """{"_id": ""}""", "illegal_docid", "Document id must not be empty" },
        { """{"_id": "_foo"}""", "illegal_docid", "Only reserved document ids may start with underscore." },
        { """{"_id": "_local/x"}""", "illegal_docid", "Local document ids (_local/) are only accepted by the _local API" },
        { """{"_id": "a\ud800"}""", "illegal_docid", "Document id must be valid UTF-8" },
        { """{"text": "a\ud800"}""", "bad_request", "invalid UTF-8 JSON" },
        { """{"\udc00": 1}""", "bad_request", "invalid UTF-8 JSON" },
        { """{"_rev": "abc"}""", "bad_request", "Invalid rev format" },
        { """{"_rev": "0-abc"}""", "bad_request", "Invalid rev format" },
        { """{"_rev": 3}""", "bad_request", "Invalid rev format" },
        { """{"a": 1, "_foo": 1}""", "doc_validation", "Bad special document member: _foo" },
        { """{"_deleted": "true"}""", "doc_validation", "Bad special document member: _deleted" },
        { """{"_attachments": []}""", "doc_validation", "Bad special document member: _attachments" },
        { """{"_revisions": "1-a"}""", "doc_validation", "Bad special document member: _revisions" },
        { """{"_revisions": {"start": "2", "ids": ["b", "a"]}}""", "doc_validation", "_revisions.start isn't an integer." },
        { """{"_revisions": {"start": 2.5, "ids": ["b", "a"]}}""", "doc_validation", "_revisions.start isn't an integer." },
        { """{"_revisions": {"start": 2, "ids": "b"}}""", "doc_validation", "_revisions.ids isn't a array." },
        { """{"_revisions": {"start": 2, "ids": ["b", 1]}}""", "doc_validation", "RevId isn't a string" },
        { """{"_revisions": {"start": 2, "ids": []}}""", "bad_request", "_revisions must hold at least one id and start at a generation no lower than the number of ids" },
        { """{"_revisions": {"start": 1, "ids": ["b", "a"]}}""", "bad_request", "_revisions must hold at least one id and start at a generation no lower than the number of ids" },
        { """{"_revisions": {"start": 2, "ids": ["b", ""]}}""", "bad_request", "Invalid rev format" },
        { """{"_rev": "2-x", "_revisions": {"start": 2, "ids": ["b", "a"]}}""", "bad_request", "_rev does not match the first of _revisions" },
        { """{"_attachments": {"a.txt": {"data": "***"}}}""", "bad_request", "Invalid attachment data for a.txt" },
        { """{"_attachments": {"a.txt": {"content_type": "text/plain"}}}""", "bad_request", "Invalid attachment data for a.txt" },
        { """{"_attachments": {"a.txt": "aGVsbG8="}}""", "bad_request", "Invalid attachment data for a.txt" },
        { """{"_attachments": {"_a.txt": {"data": "aGVsbG8="}}}""", "bad_request", "Attachment name can't start with '_'" },
        { """{"_attachments": {"": {"data": "aGVsbG8="}}}""", "bad_request", "Attachment name can't be empty" },
        { """{"_attachments": {"a.txt": {"follows": true, "length": 5}}}""", "bad_request", "Attachment a.txt uses \"follows\"; multipart documents are not supported" },
    };

    [Theory]
    [MemberData(nameof(RefusedDocuments))]
    public void Parse_RefusedDocument_Throws400WithCouchDbErrorAndReason(string json, string error, string reason)
    {
        AssertRefused(json, DocumentLimits.Default, 400, error, reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"a\": 1")]
    [InlineData("{\"a\": 1} {}")]
    [InlineData("{\"a\": 1,}")]
    [InlineData("{'a': 1}")]
    [InlineData("{\"a\": 1} // comment")]
    public void Parse_MalformedJson_ThrowsInvalidUtf8Json(string json)
    {
        var error = Assert.Throws<DocumentException>(() => DocumentParser.Parse(Encoding.UTF8.GetBytes(json), DocumentLimits.Default));

        Assert.Equal((400, "bad_request", "invalid UTF-8 JSON"), (error.StatusCode, error.Error, error.Reason));
    }

    [Fact]
    public void Parse_InvalidUtf8Bytes_ThrowsInvalidUtf8Json()
    {
        byte[] json = [.. "{\"a\": \""u8, 0xC3, 0x28, .. "\"}"u8];

        var error = Assert.Throws<DocumentException>(() => DocumentParser.Parse(json, DocumentLimits.Default));

        Assert.Equal("invalid UTF-8 JSON", error.Reason);
    }

    [Fact]
    public void Parse_NestingOverMaxDepth_ThrowsTooDeep()
    {
        var limits = DocumentLimits.Default with { MaxDepth = 3 };

        AssertRefused("""{"a": {"b": [[1]]}}""", limits, 400, "bad_request", "Document nesting is too deep");
        Assert.Equal("""{"a":{"b":[1]}}""", DocumentParser.Parse("""{"a": {"b": [1]}}"""u8, limits).Body);
    }

    [Fact]
    public void Parse_NestingOverDefaultDepth_ThrowsTooDeep()
    {
        var json = new string('[', 64) + new string(']', 64);

        AssertRefused("{\"a\":" + json + "}", DocumentLimits.Default, 400, "bad_request", "Document nesting is too deep");
    }

    [Fact]
    public void Parse_BodyOverMaxDocumentBytes_Throws413WithDocIdAsReason()
    {
        var limits = DocumentLimits.Default with { MaxDocumentBytes = 20 };

        AssertRefused("""{"_id": "big", "text": "0123456789abcdef"}""", limits, 413, "document_too_large", "big");
    }

    [Fact]
    public void Parse_BodyAtMaxDocumentBytes_IsAccepted()
    {
        // Special members and whitespace do not count: the body is {"t":"0123456789ab"}, 20 bytes.
        var limits = DocumentLimits.Default with { MaxDocumentBytes = 20 };

        var document = DocumentParser.Parse("""{"_id": "doc", "t": "0123456789ab"}"""u8, limits);

        Assert.Equal(20, Encoding.UTF8.GetByteCount(document.Body));
    }

    [Fact]
    public void Parse_AttachmentOverMaxAttachmentBytes_Throws413WithNameAsReason()
    {
        var limits = DocumentLimits.Default with { MaxAttachmentBytes = 4 };

        AssertRefused("""{"_attachments": {"a.txt": {"data": "aGVsbG8="}}}""", limits, 413, "attachment_too_large", "a.txt");
    }

    private static void AssertRefused(string json, DocumentLimits limits, int status, string error, string reason)
    {
        var fromBytes = Assert.Throws<DocumentException>(() => DocumentParser.Parse(Encoding.UTF8.GetBytes(json), limits));
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        var fromElement = Assert.Throws<DocumentException>(() => DocumentParser.Parse(document.RootElement, limits));

        Assert.Equal((status, error, reason), (fromBytes.StatusCode, fromBytes.Error, fromBytes.Reason));
        Assert.Equal((status, error, reason), (fromElement.StatusCode, fromElement.Error, fromElement.Reason));
    }
}
