using System.Text;
using Tessera.Documents;

namespace Tessera.Documents.Tests;

public sealed class DocumentParserNulTests
{
    [Fact]
    public void Parse_StringWithNulCharacter_Throws403Forbidden()
    {
        var error = Assert.Throws<DocumentException>(() => DocumentParser.Parse(Encoding.UTF8.GetBytes("""{"a":"x\u0000y"}"""), DocumentLimits.Default));

        Assert.Equal(403, error.StatusCode);
        Assert.Equal("forbidden", error.Error);
    }

    [Fact]
    public void Parse_EscapedBackslashBeforeU0000Text_IsAccepted()
    {
        var parsed = DocumentParser.Parse(Encoding.UTF8.GetBytes("""{"a":"\\u0000"}"""), DocumentLimits.Default);

        Assert.Contains("u0000", parsed.Body, StringComparison.Ordinal);
    }
}
