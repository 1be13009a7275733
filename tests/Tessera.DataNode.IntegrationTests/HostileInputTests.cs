using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary>
/// Malformed and hostile requests at every write endpoint: each is refused with CouchDB's status and error token, is
/// never a 500, and leaves what is stored exactly as it was. The server caps request bodies at
/// <see cref="SmallBodySqliteServer.MaxRequestBytes"/> so oversized bodies are cheap to send.
/// </summary>
public sealed partial class HostileInputTests(SmallBodySqliteServer server) : CouchTestBase(server), IClassFixture<SmallBodySqliteServer>
{
    private const string Rev = "1-967a00dff5e02add41819138abb3284d";

    private const string InvalidUtf8Stored =
        "server bug: invalid UTF-8 inside a JSON string is accepted (201) by PUT _local/{id} and _bulk_docs and stored silently altered (U+FFFD replacement characters); only single-document PUT/POST check UTF-8";

    private const string InvalidUtf8Crash =
        "server bug: invalid UTF-8 inside a JSON string answers 500 on POST _all_docs (keys), POST _changes (doc_ids), PUT _security, POST _revs_diff (a document id) and POST _bulk_get (an id): JsonElement.GetString/Name throws InvalidOperationException";

    /// <summary>200 levels of arrays inside a document: well under the body cap, far over any sane depth.</summary>
    private static readonly string DeepDocument = "{\"a\":" + new string('[', 200) + new string(']', 200) + "}";

    private static readonly string OversizedDocument = $$"""{"a":"{{new string('x', SmallBodySqliteServer.MaxRequestBytes * 2)}}"}""";

    /// <summary>
    /// The endpoints that write replicated documents and how each carries one. "{db}" is the test's database, which
    /// holds "doc" (at revision "{rev}") and "_local/cp"; "{body}" is the hostile document.
    /// </summary>
    public static TheoryData<string, string, string> DocumentWriteEndpoints => new()
    {
        { "POST", "{db}", "{body}" },
        { "PUT", "{db}/newdoc", "{body}" },
        { "PUT", "{db}/doc?rev={rev}", "{body}" },
        { "PUT", "{db}/_design/app", "{body}" },
        { "POST", "{db}/_bulk_docs", """{"docs":[{"_id":"fine"},{body}]}""" },
        { "POST", "{db}/_bulk_docs", """{"new_edits":false,"docs":[{body}]}""" },
    };

    /// <summary>Endpoints whose body is JSON but not a document.</summary>
    public static TheoryData<string, string> JsonBodyEndpoints => new()
    {
        { "POST", "{db}" },
        { "PUT", "{db}/newdoc" },
        { "PUT", "{db}/_local/new" },
        { "POST", "{db}/_bulk_docs" },
        { "POST", "{db}/_all_docs" },
        { "POST", "{db}/_changes?filter=_doc_ids" },
        { "PUT", "{db}/_revs_limit" },
        { "PUT", "{db}/_security" },
        { "POST", "{db}/_revs_diff" },
        { "POST", "{db}/_bulk_get" },
    };

    [Theory]
    [MemberData(nameof(JsonBodyEndpoints))]
    public async Task Write_MalformedJson_Returns400InvalidJsonAndChangesNothing(string method, string path)
    {
        foreach (var body in new[] { "{\"a\":", "{'a':1}", "{\"a\":1}}", "nul", "{\"a\":01}", "" })
        {
            await AssertRefusedAsync(method, path, body, HttpStatusCode.BadRequest, "bad_request", "invalid UTF-8 JSON");
        }
    }

    [Theory]
    [InlineData("POST", "{db}", "{\"_id\":\"x\",\"a\":\"", "\"}")]
    [InlineData("PUT", "{db}/newdoc", "{\"a\":\"", "\"}")]
    [InlineData("PUT", "{db}/newdoc", "{\"", "\":1}")]
    [InlineData("POST", "{db}/_bulk_docs", "{\"docs\":[{\"_id\":\"", "\"}]}")]
    [InlineData("PUT", "{db}/_local/new", "{\"a\":\"", "\"}")]
    [InlineData("POST", "{db}/_bulk_docs", "{\"docs\":[{\"_id\":\"x\",\"a\":\"", "\"}]}")]
    [InlineData("POST", "{db}/_all_docs", "{\"keys\":[\"", "\"]}")]
    [InlineData("POST", "{db}/_changes?filter=_doc_ids", "{\"doc_ids\":[\"", "\"]}")]
    [InlineData("PUT", "{db}/_security", "{\"admins\":{\"names\":[\"", "\"]}}")]
    [InlineData("POST", "{db}/_revs_diff", "{\"", "\":[]}")]
    [InlineData("POST", "{db}/_bulk_get", "{\"docs\":[{\"id\":\"", "\"}]}")]
    public async Task Write_InvalidUtf8InAString_Returns400AndChangesNothing(string method, string path, string before, string after)
    {
        // 0xC3 0x28 is a two-byte lead followed by a non-continuation byte; 0xFF never occurs in UTF-8.
        byte[] body = [.. Encoding.UTF8.GetBytes(before), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes(after)];

        // Note: CouchDB refuses the whole body as "invalid UTF-8 JSON"; Tessera may instead name the member it could not
        // decode (illegal_docid for an id). Both refuse and store nothing, so only the status is asserted.
        await AssertRefusedAsync(method, path, body, CouchClient.Json, HttpStatusCode.BadRequest, error: null);
    }

    [Theory]
    [InlineData("POST", "{db}")]
    [InlineData("PUT", "{db}/newdoc")]
    [InlineData("PUT", "{db}/doc?rev={rev}")]
    [InlineData("PUT", "{db}/_local/new")]
    [InlineData("PUT", "{db}/_security")]
    public async Task Write_JsonThatIsNotAnObject_Returns400AndChangesNothing(string method, string path)
    {
        foreach (var body in new[] { "[]", "[{\"a\":1}]", "42", "\"text\"", "null", "true" })
        {
            await AssertRefusedAsync(method, path, body, HttpStatusCode.BadRequest, "bad_request");
        }
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("""{"docs":{}}""")]
    [InlineData("""{"docs":"doc"}""")]
    [InlineData("""{"docs":null}""")]
    [InlineData("""{"doc":[{"_id":"a"}]}""")]
    public async Task BulkDocs_WithoutDocsArray_Returns400AndChangesNothing(string body)
    {
        await AssertRefusedAsync("POST", "{db}/_bulk_docs", body, HttpStatusCode.BadRequest, "bad_request");
    }

    [Theory]
    [InlineData("\"false\"")]
    [InlineData("0")]
    [InlineData("null")]
    [InlineData("[]")]
    public async Task BulkDocs_NewEditsNotBoolean_Returns400AndChangesNothing(string value)
    {
        await AssertRefusedAsync("POST", "{db}/_bulk_docs", $$"""{"new_edits":{{value}},"docs":[{"_id":"a"}]}""", HttpStatusCode.BadRequest, "bad_request");
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("[\"a\"]")]
    [InlineData("[null]")]
    [InlineData("[[]]")]
    [InlineData("[{\"_id\":\"fine\"},5]")]
    public async Task BulkDocs_DocsItemNotAnObject_Returns400AndWritesNoneOfTheBatch(string docs)
    {
        await AssertRefusedAsync("POST", "{db}/_bulk_docs", $$"""{"docs":{{docs}}}""", HttpStatusCode.BadRequest, "bad_request", "Document must be a JSON object");
    }

    [Theory]
    [InlineData("{db}", "{\"a\":1}")]
    [InlineData("{db}/_bulk_docs", "{\"docs\":[]}")]
    [InlineData("{db}/_all_docs", "{\"keys\":[\"doc\"]}")]
    [InlineData("{db}/_changes?filter=_doc_ids", "{\"doc_ids\":[\"doc\"]}")]
    [InlineData("{db}/_compact", "{}")]
    [InlineData("{db}/_revs_diff", "{\"doc\":[]}")]
    [InlineData("{db}/_bulk_get", "{\"docs\":[]}")]
    public async Task Post_WithoutJsonContentType_Returns415AndChangesNothing(string path, string body)
    {
        foreach (var contentType in new[] { "text/plain", "application/x-www-form-urlencoded", "application/jsonx", "multipart/form-data; boundary=x" })
        {
            await AssertRefusedAsync("POST", path, Encoding.UTF8.GetBytes(body), contentType, HttpStatusCode.UnsupportedMediaType, "bad_content_type", "Content-Type must be application/json");
        }

        await AssertRefusedAsync("POST", path, Encoding.UTF8.GetBytes(body), contentType: null, HttpStatusCode.UnsupportedMediaType, "bad_content_type", "Content-Type must be application/json");
    }

    [Fact]
    public async Task PutDocument_MultipartWithMalformedJsonPart_Returns400AndChangesNothing()
    {
        await AssertRefusedAsync("PUT", "{db}/newdoc", Encoding.UTF8.GetBytes("--x\r\n\r\n{oops\r\n--x--"), "multipart/related; boundary=x", HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task PutDocument_MultipartMissingTheFollowingPart_Returns400AndChangesNothing()
    {
        const string json = """{"_attachments":{"a.bin":{"content_type":"application/octet-stream","follows":true,"length":3}}}""";
        await AssertRefusedAsync("PUT", "{db}/newdoc", Encoding.UTF8.GetBytes($"--x\r\nContent-Type: application/json\r\n\r\n{json}\r\n--x--"), "multipart/related; boundary=x", HttpStatusCode.BadRequest, "bad_request");
    }

    [Theory]
    [MemberData(nameof(DocumentWriteEndpoints))]
    [InlineData("PUT", "{db}/_local/cp?rev=0-1", "{body}")]
    public async Task Write_DeeplyNestedDocument_Returns400AndChangesNothing(string method, string path, string wrapper)
    {
        var doc = wrapper.Contains("new_edits", StringComparison.Ordinal)
            ? DeepDocument.Replace("{\"a\":", $$"""{"_id":"doc","_rev":"{{Rev}}","a":""", StringComparison.Ordinal)
            : DeepDocument;

        await AssertRefusedAsync(method, path, wrapper.Replace("{body}", doc, StringComparison.Ordinal), HttpStatusCode.BadRequest, "bad_request");
    }

    [Theory]
    [InlineData("POST", "{db}/_all_docs")]
    [InlineData("POST", "{db}/_changes?filter=_doc_ids")]
    [InlineData("PUT", "{db}/_security")]
    [InlineData("POST", "{db}/_revs_diff")]
    [InlineData("POST", "{db}/_bulk_get")]
    public async Task Read_DeeplyNestedBody_Returns400(string method, string path)
    {
        await AssertRefusedAsync(method, path, "{\"keys\":" + new string('[', 200) + new string(']', 200) + "}", HttpStatusCode.BadRequest, "bad_request");
    }

    [Theory]
    [MemberData(nameof(DocumentWriteEndpoints))]
    [InlineData("PUT", "{db}/_local/cp?rev=0-1", "{body}")]
    public async Task Write_BodyOverMaxRequestBytes_Returns413AndChangesNothing(string method, string path, string wrapper)
    {
        await AssertRefusedAsync(method, path, wrapper.Replace("{body}", OversizedDocument, StringComparison.Ordinal), HttpStatusCode.RequestEntityTooLarge, "too_large", "the request entity is too large");
    }

    [Theory]
    [InlineData("POST", "{db}/_all_docs", "keys")]
    [InlineData("POST", "{db}/_revs_diff", "revs_diff")]
    [InlineData("POST", "{db}/_bulk_get", "bulk_get")]
    [InlineData("PUT", "{db}/_revs_limit", "number")]
    [InlineData("POST", "{db}/_changes?filter=_doc_ids", "doc_ids")]
    [InlineData("PUT", "{db}/_security", "security")]
    [InlineData("PUT", "{db}/doc/big.bin?rev={rev}", "bytes")]
    public async Task NonDocumentBody_OverMaxRequestBytes_Returns413AndChangesNothing(string method, string path, string kind)
    {
        var ids = string.Join(',', Enumerable.Range(0, SmallBodySqliteServer.MaxRequestBytes / 4).Select(i => $"\"{i}\""));
        var body = kind switch
        {
            "keys" => $$"""{"keys":[{{ids}}]}""",
            "revs_diff" => $$"""{"doc":[{{ids}}]}""",
            "bulk_get" => $$"""{"docs":[{{ids}}]}""",
            "doc_ids" => $$"""{"doc_ids":[{{ids}}]}""",
            "security" => $$$"""{"admins":{"names":[{{{ids}}}]}}""",
            "number" => "1" + new string(' ', SmallBodySqliteServer.MaxRequestBytes * 2),
            _ => new string('x', SmallBodySqliteServer.MaxRequestBytes * 2),
        };

        await AssertRefusedAsync(method, path, body, HttpStatusCode.RequestEntityTooLarge, "too_large");
    }

    [Fact]
    public async Task PutDocument_ChunkedBodyOverMaxRequestBytes_Returns413AndChangesNothing()
    {
        var before = await SeedAsync();

        // No Content-Length: the server must count while reading instead of trusting a header.
        var response = await Couch.SendAsync(HttpMethod.Put, $"{before.Db}/newdoc", new ChunkedContent(Encoding.UTF8.GetBytes(OversizedDocument)));

        CouchAssert.Error(response, HttpStatusCode.RequestEntityTooLarge, "too_large");
        await AssertUnchangedAsync(before);
    }

    [Fact]
    public async Task BulkDocs_ChunkedBodyOverMaxRequestBytes_Returns413AndChangesNothing()
    {
        var before = await SeedAsync();

        // JSON bodies are parsed while they are read, so the limit must hold while streaming too.
        var body = Encoding.UTF8.GetBytes($$"""{"docs":[{{OversizedDocument}}]}""");
        var response = await Couch.SendAsync(HttpMethod.Post, $"{before.Db}/_bulk_docs", new ChunkedContent(body));

        CouchAssert.Error(response, HttpStatusCode.RequestEntityTooLarge, "too_large");
        await AssertUnchangedAsync(before);
    }

    [Theory]
    [InlineData("GET", "{db}/doc?rev=abc", "bad_request")]
    [InlineData("GET", "{db}/doc?open_revs=abc", "bad_request")]
    [InlineData("GET", "{db}/doc?open_revs=%5B%22abc%22%5D", "bad_request")]
    [InlineData("GET", "{db}/doc?open_revs=%7B%7D", "bad_request")]
    [InlineData("GET", "{db}/_all_docs?limit=abc", "query_parse_error")]
    [InlineData("GET", "{db}/_all_docs?descending=maybe", "query_parse_error")]
    [InlineData("POST", "{db}/_all_docs?limit=abc", "query_parse_error")]
    [InlineData("GET", "{db}/_changes?limit=abc", null)]
    [InlineData("GET", "{db}/_changes?since=-1", null)]
    [InlineData("GET", "{db}/doc/file.txt?rev=abc", "bad_request")]
    public async Task Read_InvalidQueryParameter_Returns400(string method, string path, string? error)
    {
        await AssertRefusedAsync(method, path, method == "POST" ? """{"keys":["doc"]}""" : null, HttpStatusCode.BadRequest, error);
    }

    [Theory]
    [InlineData("""{"keys":"doc"}""")]
    [InlineData("""{"keys":[1,2]}""")]
    [InlineData("""{"keys":[null]}""")]
    [InlineData("""{"keys":{}}""")]
    [InlineData("[]")]
    public async Task PostAllDocs_KeysNotAStringArray_Returns400(string body)
    {
        await AssertRefusedAsync("POST", "{db}/_all_docs", body, HttpStatusCode.BadRequest, "bad_request");
    }

    [Theory]
    [InlineData("""{"admins":[]}""")]
    [InlineData("""{"admins":{"names":"ann"}}""")]
    [InlineData("""{"members":{"roles":[1]}}""")]
    public async Task PutSecurity_InvalidObject_Returns400AndKeepsSecurity(string body)
    {
        var before = await SeedAsync();
        var security = (await Couch.GetAsync($"{before.Db}/_security")).Body;

        var response = await Couch.PutAsync($"{before.Db}/_security", body);

        CouchAssert.Error(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.Equal(security, (await Couch.GetAsync($"{before.Db}/_security")).Body);
    }

    private sealed record Seed(string Db, string Rev, DatabaseState State, string Local, string Security);

    /// <summary>A fresh database holding "doc" (with the attachment "file.txt") and "_local/cp" at 0-1.</summary>
    private async Task<Seed> SeedAsync()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev = await Couch.PutDocumentAsync(db, "doc", """{"v":1,"_attachments":{"file.txt":{"content_type":"text/plain","data":"aGk="}}}""");
        Assert.Equal(HttpStatusCode.Created, (await Couch.PutAsync($"{db}/_local/cp", """{"seq":1}""")).Status);
        return new Seed(db, rev, await Couch.StateAsync(db), (await Couch.GetAsync($"{db}/_local/cp")).Body, (await Couch.GetAsync($"{db}/_security")).Body);
    }

    private async Task AssertUnchangedAsync(Seed before)
    {
        Assert.Equal(before.State, await Couch.StateAsync(before.Db));
        Assert.Equal(before.Local, (await Couch.GetAsync($"{before.Db}/_local/cp")).Body);
        Assert.Equal(before.Security, (await Couch.GetAsync($"{before.Db}/_security")).Body);
        Assert.Equal(1000, (await Couch.GetAsync($"{before.Db}/_revs_limit")).Json.GetInt32());
    }

    private Task AssertRefusedAsync(string method, string path, string? body, HttpStatusCode status, string? error, string? reason = null) =>
        AssertRefusedAsync(method, path, body is null ? null : Encoding.UTF8.GetBytes(body), CouchClient.Json, status, error, reason);

    /// <summary>Sends the request against a fresh seeded database and checks the refusal and that nothing stored changed.</summary>
    private async Task AssertRefusedAsync(string method, string path, byte[]? body, string? contentType, HttpStatusCode status, string? error, string? reason = null)
    {
        var before = await SeedAsync();
        ByteArrayContent? content = null;
        if (body is not null)
        {
            content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }

        var target = path.Replace("{db}", before.Db, StringComparison.Ordinal).Replace("{rev}", before.Rev, StringComparison.Ordinal);
        var response = await Couch.SendAsync(new HttpMethod(method), target, content);

        CouchAssert.Error(response, status, error, reason);
        await AssertUnchangedAsync(before);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, CouchClient.Json);

    /// <summary>A body sent with chunked transfer encoding and no Content-Length.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly byte[] _bytes;

        public ChunkedContent(byte[] bytes)
        {
            _bytes = bytes;
            Headers.ContentType = new MediaTypeHeaderValue(CouchClient.Json);
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
