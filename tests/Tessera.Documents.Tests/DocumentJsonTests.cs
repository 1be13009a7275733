using Tessera.Documents;
using Xunit;

namespace Tessera.Documents.Tests;

public sealed class DocumentJsonTests
{
    private static readonly AttachmentStub Hello = new("hello.txt", "text/plain", "md5-XUFAKrxLKna5cZ2REBfFkg==", 5, 2);

    [Fact]
    public void ComposeBody_NoAttachments_ReturnsUserBody()
    {
        Assert.Equal("""{"a":1}""", DocumentJson.ComposeBody("""{"a":1}""", null));
        Assert.Equal("""{"a":1}""", DocumentJson.ComposeBody("""{"a":1}""", []));
    }

    [Fact]
    public void ComposeBody_WithStubs_AppendsAttachmentsObject()
    {
        var body = DocumentJson.ComposeBody("""{"a":1}""", [Hello, new AttachmentStub("d\u00e9j\u00e0 \"vu\"", "image/png", "md5-x", 0, 1)]);

        Assert.Equal(
            "{\"a\":1,\"_attachments\":{"
            + "\"hello.txt\":{\"content_type\":\"text/plain\",\"digest\":\"md5-XUFAKrxLKna5cZ2REBfFkg==\",\"length\":5,\"revpos\":2,\"stub\":true},"
            + "\"d\u00e9j\u00e0 \\\"vu\\\"\":{\"content_type\":\"image/png\",\"digest\":\"md5-x\",\"length\":0,\"revpos\":1,\"stub\":true}}}",
            body);
    }

    [Fact]
    public void ComposeBody_EmptyUserBody_HasNoLeadingComma()
    {
        Assert.StartsWith("""{"_attachments":{"hello.txt":""", DocumentJson.ComposeBody("{}", [Hello]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"x\"")]
    public void ComposeBody_NotAnObject_ThrowsArgumentException(string userBody)
    {
        Assert.Throws<ArgumentException>(() => DocumentJson.ComposeBody(userBody, [Hello]));
    }

    [Fact]
    public void ReadStubs_ComposedBody_ReturnsTheSameStubsInOrder()
    {
        AttachmentStub[] stubs = [Hello, new AttachmentStub("b", "application/octet-stream", "md5-y", 1L << 40, 7)];

        Assert.Equal(stubs, DocumentJson.ReadStubs(DocumentJson.ComposeBody("""{"x":[1]}""", stubs)));
    }

    [Fact]
    public void ReadStubs_BodyWithoutAttachments_ReturnsEmpty()
    {
        Assert.Empty(DocumentJson.ReadStubs("""{"a":1}"""));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"_attachments": []}""")]
    [InlineData("""{"_attachments": {"a": {"content_type": "t", "length": 1, "revpos": 1}}}""")]
    [InlineData("""{"_attachments": {"a": {"content_type": "t", "digest": "d", "length": "1", "revpos": 1}}}""")]
    public void ReadStubs_MalformedBody_ThrowsFormatException(string storedBody)
    {
        Assert.Throws<FormatException>(() => DocumentJson.ReadStubs(storedBody));
    }
}
