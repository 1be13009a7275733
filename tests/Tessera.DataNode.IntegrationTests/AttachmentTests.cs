using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary>Attachments inline (base64 in <c>_attachments</c>) and standalone (<c>PUT/GET/DELETE /{db}/{doc}/{name}</c>).</summary>
public sealed class AttachmentTests(SqliteServer server) : CouchTestBase(server), IClassFixture<SqliteServer>
{
    private static readonly byte[] Hello = Encoding.UTF8.GetBytes("hello, world");

    /// <summary>An <c>_attachments</c> member holding <see cref="Hello"/> inline as "hello.txt".</summary>
    private const string HelloAttachment = """{"hello.txt":{"content_type":"text/plain","data":"aGVsbG8sIHdvcmxk"}}""";

    [Fact]
    public async Task PutDocument_MultipartRelatedWithNewEditsFalse_StoresTheFollowingAttachmentByteExact()
    {
        // The shape the CouchDB replicator pushes a document with attachments in.
        var db = await Couch.CreateDatabaseAsync();
        byte[] bytes = [0, 1, 2, 255, 0];
        const string json = """{"_id":"m","_rev":"1-abc","_revisions":{"start":1,"ids":["abc"]},"v":1,"_attachments":{"a.bin":{"content_type":"application/x-test","revpos":1,"follows":true,"length":5}}}""";
        var body = new MemoryStream();
        body.Write(Encoding.UTF8.GetBytes($"--b1\r\nContent-Type: application/json\r\n\r\n{json}\r\n--b1\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\n\r\n"));
        body.Write(bytes);
        body.Write("\r\n--b1--"u8);

        var put = await Couch.PutBytesAsync($"{db}/m?new_edits=false", body.ToArray(), "multipart/related; boundary=\"b1\"");

        Assert.Equal(HttpStatusCode.Created, put.Status);
        Assert.Equal("1-abc", (await Couch.GetAsync($"{db}/m")).Json.GetProperty("_rev").GetString());
        var attachment = await Couch.Http.GetAsync($"{db}/m/a.bin", TestContext.Current.CancellationToken);
        Assert.Equal(bytes, await attachment.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal("application/x-test", attachment.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PutDocument_WithInlineAttachment_StoresStubWithMd5Digest()
    {
        var db = await Couch.CreateDatabaseAsync();

        var rev = await Couch.PutDocumentAsync(db, "doc", $$"""{"a":1,"_attachments":{{HelloAttachment}}}""");

        var doc = (await Couch.GetAsync($"{db}/doc")).Json;
        Assert.Equal(rev, doc.GetProperty("_rev").GetString());
        CouchAssert.JsonEqual(
            $$$"""{"hello.txt":{"content_type":"text/plain","digest":"{{{Digest(Hello)}}}","length":{{{Hello.Length}}},"revpos":1,"stub":true}}""",
            doc.GetProperty("_attachments"));
    }

    [Fact]
    public async Task GetAttachment_Inline_ReturnsBytesWithContentType()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "doc", $$"""{"_attachments":{{HelloAttachment}}}""");

        var response = await Couch.GetAsync($"{db}/doc/hello.txt");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("text/plain", response.ContentType);
        Assert.Equal(Hello, response.Bytes);
    }

    [Fact]
    public async Task PutAttachment_RandomBinaryWithZeros_RoundTripsByteExact()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"a":1}""");
        var bytes = RandomBytes(70_000);

        var put = await Couch.PutBytesAsync($"{db}/doc/blob.bin?rev={rev1}", bytes, "application/x-test");

        var rev2 = CouchAssert.Written(put, HttpStatusCode.Created, "doc", 2);
        var get = await Couch.GetAsync($"{db}/doc/blob.bin");
        Assert.Equal(HttpStatusCode.OK, get.Status);
        Assert.Equal("application/x-test", get.ContentType);
        Assert.Equal(bytes, get.Bytes);
        var doc = (await Couch.GetAsync($"{db}/doc")).Json;
        Assert.Equal(rev2, doc.GetProperty("_rev").GetString());
        Assert.Equal(1, doc.GetProperty("a").GetInt32());
        var stub = doc.GetProperty("_attachments").GetProperty("blob.bin");
        Assert.Equal(Digest(bytes), stub.GetProperty("digest").GetString());
        Assert.Equal(bytes.Length, stub.GetProperty("length").GetInt32());
        Assert.Equal(2, stub.GetProperty("revpos").GetInt32());
    }

    [Fact]
    public async Task PutAttachment_OnNewDocument_CreatesIt()
    {
        var db = await Couch.CreateDatabaseAsync();

        var put = await Couch.PutBytesAsync($"{db}/fresh/note.txt", Hello, "text/plain");

        CouchAssert.Written(put, HttpStatusCode.Created, "fresh", 1);
        Assert.Equal(Hello, (await Couch.GetAsync($"{db}/fresh/note.txt")).Bytes);
    }

    [Fact]
    public async Task PutAttachment_WithIfMatch_Returns201()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", "{}");
        var content = new ByteArrayContent(Hello);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");

        var put = await Couch.SendAsync(HttpMethod.Put, $"{db}/doc/note.txt", content, h => h.IfMatch.Add(new EntityTagHeaderValue($"\"{rev1}\"")));

        CouchAssert.Written(put, HttpStatusCode.Created, "doc", 2);
    }

    [Fact]
    public async Task PutAttachment_WithStaleRev_Returns409AndChangesNothing()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"a":1}""");
        await Couch.PutDocumentAsync(db, "doc", $$"""{"_rev":"{{rev1}}","a":2}""");
        var before = await Couch.StateAsync(db);

        var put = await Couch.PutBytesAsync($"{db}/doc/late.bin?rev={rev1}", Hello, "application/octet-stream");

        CouchAssert.Conflict(put);
        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task PutAttachment_OnExistingDocumentWithoutRev_Returns409AndChangesNothing()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "doc", """{"a":1}""");
        var before = await Couch.StateAsync(db);

        var put = await Couch.PutBytesAsync($"{db}/doc/late.bin", Hello, "application/octet-stream");

        CouchAssert.Conflict(put);
        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task GetDocument_AttachmentsTrue_InlinesBase64Data()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", "{}");
        var bytes = RandomBytes(1000);
        await Couch.PutBytesAsync($"{db}/doc/blob.bin?rev={rev1}", bytes, "application/octet-stream");

        var doc = (await Couch.GetAsync($"{db}/doc?attachments=true")).Json;

        var attachment = doc.GetProperty("_attachments").GetProperty("blob.bin");
        Assert.Equal(bytes, Convert.FromBase64String(attachment.GetProperty("data").GetString()!));
        Assert.False(attachment.TryGetProperty("stub", out _));
        Assert.Equal("application/octet-stream", attachment.GetProperty("content_type").GetString());
        Assert.Equal(Digest(bytes), attachment.GetProperty("digest").GetString());
    }

    [Fact]
    public async Task PutDocument_WithAttachmentStubs_KeepsAttachmentsAcrossUpdate()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", $$"""{"v":1,"_attachments":{{HelloAttachment}}}""");
        var stubs = (await Couch.GetAsync($"{db}/doc")).Json.GetProperty("_attachments").GetRawText();

        var rev2 = await Couch.PutDocumentAsync(db, "doc", $$"""{"_rev":"{{rev1}}","v":2,"_attachments":{{stubs}}}""");

        var doc = (await Couch.GetAsync($"{db}/doc")).Json;
        Assert.Equal(rev2, doc.GetProperty("_rev").GetString());
        Assert.Equal(2, doc.GetProperty("v").GetInt32());
        var stub = doc.GetProperty("_attachments").GetProperty("hello.txt");
        Assert.Equal(1, stub.GetProperty("revpos").GetInt32());
        Assert.Equal(Digest(Hello), stub.GetProperty("digest").GetString());
        Assert.Equal(Hello, (await Couch.GetAsync($"{db}/doc/hello.txt")).Bytes);
    }

    [Fact]
    public async Task PutDocument_WithoutAttachmentsMember_DropsAttachments()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", $$"""{"_attachments":{{HelloAttachment}}}""");

        await Couch.PutDocumentAsync(db, "doc", $$"""{"_rev":"{{rev1}}","v":2}""");

        Assert.False((await Couch.GetAsync($"{db}/doc")).Json.TryGetProperty("_attachments", out _));
        CouchAssert.Missing(await Couch.GetAsync($"{db}/doc/hello.txt"), "Document is missing attachment");
        Assert.Equal(Hello, (await Couch.GetAsync($"{db}/doc/hello.txt?rev={rev1}")).Bytes);
    }

    [Fact]
    public async Task PutDocument_WithStubOfUnknownAttachment_Returns412MissingStubAndChangesNothing()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", "{}");
        var before = await Couch.StateAsync(db);

        var response = await Couch.PutAsync($"{db}/doc", $$"""{"_rev":"{{rev1}}","_attachments":{"ghost.txt":{"stub":true} } }""");

        CouchAssert.Error(response, HttpStatusCode.PreconditionFailed, "missing_stub", "Invalid attachment stub in doc for ghost.txt");
        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task DeleteAttachment_WithRev_Returns200AndRemovesIt()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", $$"""{"v":1,"_attachments":{{HelloAttachment}}}""");

        var response = await Couch.DeleteAsync($"{db}/doc/hello.txt?rev={rev1}");

        var rev2 = CouchAssert.Written(response, HttpStatusCode.OK, "doc", 2);
        CouchAssert.Missing(await Couch.GetAsync($"{db}/doc/hello.txt"), "Document is missing attachment");
        CouchAssert.Document((await Couch.GetAsync($"{db}/doc")).Json, "doc", rev2, """{"v":1}""");
    }

    [Fact]
    public async Task DeleteAttachment_WithoutRev_Returns409AndChangesNothing()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "doc", $$"""{"_attachments":{{HelloAttachment}}}""");
        var before = await Couch.StateAsync(db);

        CouchAssert.Conflict(await Couch.DeleteAsync($"{db}/doc/hello.txt"));

        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task DeleteAttachment_Missing_Returns404AndChangesNothing()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", "{}");
        var before = await Couch.StateAsync(db);

        CouchAssert.Missing(await Couch.DeleteAsync($"{db}/doc/nothing.txt?rev={rev1}"), "Document is missing attachment");

        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task GetAttachment_MissingNameOrDocument_Returns404()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "doc", "{}");

        CouchAssert.Missing(await Couch.GetAsync($"{db}/doc/nothing.txt"), "Document is missing attachment");
        CouchAssert.Missing(await Couch.GetAsync($"{db}/nodoc/nothing.txt"));
    }

    [Fact]
    public async Task GetAttachment_IfNoneMatchDigestETag_Returns304()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutBytesAsync($"{db}/doc/hello.txt", Hello, "text/plain");
        var etag = (await Couch.GetAsync($"{db}/doc/hello.txt")).ETag;
        Assert.NotNull(etag);

        var response = await Couch.SendAsync(HttpMethod.Get, $"{db}/doc/hello.txt", null, h => h.IfNoneMatch.Add(new EntityTagHeaderValue(etag)));

        Assert.Equal(HttpStatusCode.NotModified, response.Status);
        Assert.Empty(response.Bytes);
    }

    [Fact]
    public async Task Attachment_NameWithSlash_IsOneAttachment()
    {
        var db = await Couch.CreateDatabaseAsync();

        CouchAssert.Written(await Couch.PutBytesAsync($"{db}/doc/folder/file.txt", Hello, "text/plain"), HttpStatusCode.Created, "doc", 1);

        Assert.Equal(Hello, (await Couch.GetAsync($"{db}/doc/folder/file.txt")).Bytes);
        Assert.True((await Couch.GetAsync($"{db}/doc")).Json.GetProperty("_attachments").TryGetProperty("folder/file.txt", out _));
    }

    [Fact]
    public async Task DesignDocumentAttachment_PutAndGet_RoundTrips()
    {
        var db = await Couch.CreateDatabaseAsync();

        CouchAssert.Written(await Couch.PutBytesAsync($"{db}/_design/app/index.html", Hello, "text/html"), HttpStatusCode.Created, "_design/app", 1);

        var response = await Couch.GetAsync($"{db}/_design/app/index.html");
        Assert.Equal("text/html", response.ContentType);
        Assert.Equal(Hello, response.Bytes);
    }

    [Fact]
    public async Task ChangesAndAllDocs_IncludeDocs_ShowAttachmentStubsNotData()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutBytesAsync($"{db}/doc/hello.txt", Hello, "text/plain");

        var change = (await Couch.GetAsync($"{db}/_changes?include_docs=true")).Json.GetProperty("results")[0].GetProperty("doc");
        var row = (await Couch.GetAsync($"{db}/_all_docs?include_docs=true")).Json.GetProperty("rows")[0].GetProperty("doc");

        Assert.True(change.GetProperty("_attachments").GetProperty("hello.txt").GetProperty("stub").GetBoolean());
        Assert.True(row.GetProperty("_attachments").GetProperty("hello.txt").GetProperty("stub").GetBoolean());
    }

    private static string Digest(byte[] bytes) => "md5-" + Convert.ToBase64String(MD5.HashData(bytes));

    /// <summary>Random bytes with runs of zeros and every byte value, so nothing text-like survives by luck.</summary>
    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        Array.Clear(bytes, 0, 64);
        Array.Clear(bytes, length / 2, 100);
        for (var i = 0; i < 256; i++)
        {
            bytes[64 + i] = (byte)i;
        }

        return bytes;
    }
}
