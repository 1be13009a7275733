using System.Net;
using System.Text;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary>Hostile document contents: invalid ids, malformed revisions, unknown or mistyped special members, bad attachments.</summary>
public sealed partial class HostileInputTests
{
    [Theory]
    [InlineData("_foo")]
    [InlineData("_local")]
    [InlineData("_design")]
    [InlineData("_design/")]
    [InlineData("_local/")]
    [InlineData("")]
    public async Task Write_InvalidIdInBody_Returns400IllegalDocidAndChangesNothing(string id)
    {
        var doc = $$"""{"_id":"{{id}}","a":1}""";

        await AssertRefusedAsync("POST", "{db}", doc, HttpStatusCode.BadRequest, "illegal_docid");
        await AssertRefusedAsync("POST", "{db}/_bulk_docs", $$"""{"docs":[{"_id":"fine"},{{doc}}]}""", HttpStatusCode.BadRequest, "illegal_docid");
    }

    [Theory]
    [InlineData("5")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("\"\\ud800\"")]
    public async Task Write_IdNotAValidString_Returns400IllegalDocidAndChangesNothing(string id)
    {
        await AssertRefusedAsync("POST", "{db}", $$"""{"_id":{{id}}}""", HttpStatusCode.BadRequest, "illegal_docid");
        await AssertRefusedAsync("POST", "{db}/_bulk_docs", $$"""{"docs":[{"_id":{{id}}}]}""", HttpStatusCode.BadRequest, "illegal_docid");
    }

    [Theory]
    [InlineData("PUT", "{db}/_foo")]
    [InlineData("PUT", "{db}/_foo/file.txt")]
    [InlineData("PUT", "{db}/_design%2F")]
    public async Task Write_InvalidIdInPath_Returns400IllegalDocidAndChangesNothing(string method, string path)
    {
        await AssertRefusedAsync(method, path, "{}", HttpStatusCode.BadRequest, "illegal_docid");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1-")]
    [InlineData("-abc")]
    [InlineData("x-abc")]
    [InlineData("1")]
    [InlineData("")]
    public async Task Write_MalformedRev_Returns400InvalidRevFormatAndChangesNothing(string rev)
    {
        // Note: CouchDB parses "1-" as generation 1 with an empty hash (then a 409 conflict); Tessera refuses it as malformed.
        var escaped = Uri.EscapeDataString(rev);
        await AssertRefusedAsync("PUT", "{db}/doc", $$"""{"_rev":"{{rev}}","a":2}""", HttpStatusCode.BadRequest, "bad_request", "Invalid rev format");
        await AssertRefusedAsync("PUT", $"{{db}}/doc?rev={escaped}", """{"a":2}""", HttpStatusCode.BadRequest, "bad_request", "Invalid rev format");
        await AssertRefusedAsync("DELETE", $"{{db}}/doc?rev={escaped}", null, HttpStatusCode.BadRequest, "bad_request", "Invalid rev format");
        await AssertRefusedAsync("POST", "{db}/_bulk_docs", $$"""{"docs":[{"_id":"fine"},{"_id":"doc","_rev":"{{rev}}"}]}""", HttpStatusCode.BadRequest, "bad_request", "Invalid rev format");
        await AssertRefusedAsync("PUT", $"{{db}}/doc/file.txt?rev={escaped}", "text", HttpStatusCode.BadRequest, "bad_request", "Invalid rev format");
        await AssertRefusedAsync("DELETE", $"{{db}}/doc/file.txt?rev={escaped}", null, HttpStatusCode.BadRequest, "bad_request", "Invalid rev format");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1-")]
    public async Task Write_MalformedIfMatch_Returns400InvalidRevFormatAndChangesNothing(string rev)
    {
        var before = await SeedAsync();
        var db = before.Db;

        var put = await Couch.SendAsync(HttpMethod.Put, $"{db}/doc", Json("""{"a":2}"""), h => h.TryAddWithoutValidation("If-Match", $"\"{rev}\""));
        var delete = await Couch.SendAsync(HttpMethod.Delete, $"{db}/doc", null, h => h.TryAddWithoutValidation("If-Match", $"\"{rev}\""));

        CouchAssert.Error(put, HttpStatusCode.BadRequest, "bad_request", "Invalid rev format");
        CouchAssert.Error(delete, HttpStatusCode.BadRequest, "bad_request", "Invalid rev format");
        await AssertUnchangedAsync(before);
    }

    [Theory]
    [InlineData("PUT", "_local/new", "{\"_rev\":\"abc\"}")]
    [InlineData("PUT", "_local/cp", "{\"_rev\":\"abc\"}")]
    [InlineData("PUT", "_local/cp", "{\"_rev\":5}")]
    [InlineData("PUT", "_local/cp?rev=abc", "{}")]
    [InlineData("DELETE", "_local/cp?rev=abc", null)]
    public async Task WriteLocal_MalformedRev_Returns400InvalidRevFormatAndChangesNothing(string method, string path, string? body)
    {
        await AssertRefusedAsync(method, "{db}/" + path, body, HttpStatusCode.BadRequest, "bad_request", "Invalid rev format");
    }

    [Theory]
    [MemberData(nameof(DocumentWriteEndpoints))]
    public async Task Write_UnknownSpecialMember_Returns400DocValidationAndChangesNothing(string method, string path, string wrapper)
    {
        var doc = wrapper.Contains("new_edits", StringComparison.Ordinal)
            ? $$"""{"_id":"doc","_rev":"{{Rev}}","_foo":1}"""
            : """{"_id":"doc2","_foo":1}""";

        await AssertRefusedAsync(method, path, wrapper.Replace("{body}", doc, StringComparison.Ordinal), HttpStatusCode.BadRequest, "doc_validation", "Bad special document member: _foo");
    }

    [Theory]
    [InlineData("""{"_deleted":"yes"}""")]
    [InlineData("""{"_attachments":5}""")]
    [InlineData("""{"_revisions":[]}""")]
    [InlineData("""{"_revisions":{"start":"1","ids":["abc"]}}""")]
    [InlineData("""{"_revisions":{"start":1,"ids":"abc"}}""")]
    public async Task PutDocument_SpecialMemberOfWrongType_Returns400DocValidationAndChangesNothing(string body)
    {
        await AssertRefusedAsync("PUT", "{db}/newdoc", body, HttpStatusCode.BadRequest, "doc_validation");
        await AssertRefusedAsync("POST", "{db}/_bulk_docs", $$"""{"docs":[{{body}}]}""", HttpStatusCode.BadRequest, "doc_validation");
    }

    [Theory]
    [InlineData("""{"_attachments":{"a.txt":{"content_type":"text/plain","data":"%%%not base64"}}}""")]
    [InlineData("""{"_attachments":{"a.txt":{"content_type":"text/plain","data":5}}}""")]
    [InlineData("""{"_attachments":{"_a.txt":{"content_type":"text/plain","data":"aGk="}}}""")]
    [InlineData("""{"_attachments":{"":{"content_type":"text/plain","data":"aGk="}}}""")]
    public async Task PutDocument_InvalidInlineAttachment_Returns400AndChangesNothing(string body)
    {
        await AssertRefusedAsync("PUT", "{db}/newdoc", body, HttpStatusCode.BadRequest, error: null);
    }

    [Fact]
    public async Task PutAttachment_NameStartingWithUnderscore_Returns400AndChangesNothing()
    {
        await AssertRefusedAsync("PUT", "{db}/doc/_secret?rev={rev}", "text", HttpStatusCode.BadRequest, "bad_request");
    }
}
