using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary>
/// A thin CouchDB client over one <see cref="HttpClient"/> whose base address is the tenant root (<c>/t/dev/</c>).
/// Every call passes <see cref="TestContext.Current"/>'s cancellation token and fails the test on any 5xx answer:
/// whatever a client sends, the server must never answer with a server error.
/// </summary>
public sealed class CouchClient(HttpClient http) : IDisposable
{
    public const string Json = "application/json";

    public HttpClient Http => http;

    public Task<CouchResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<CouchResponse> HeadAsync(string path) => SendAsync(HttpMethod.Head, path);

    public Task<CouchResponse> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    /// <summary>PUT with an optional JSON body (sent as <c>application/json</c>).</summary>
    public Task<CouchResponse> PutAsync(string path, string? json = null) =>
        SendAsync(HttpMethod.Put, path, json is null ? null : Body(json, Json));

    /// <summary>POST a body with the given content type (null sends none).</summary>
    public Task<CouchResponse> PostAsync(string path, string body, string? contentType = Json) =>
        SendAsync(HttpMethod.Post, path, Body(body, contentType));

    public Task<CouchResponse> PutBytesAsync(string path, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return SendAsync(HttpMethod.Put, path, content);
    }

    public async Task<CouchResponse> SendAsync(HttpMethod method, string path, HttpContent? content = null, Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        headers?.Invoke(request.Headers);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        var result = new CouchResponse(response.StatusCode, bytes, response.Headers, response.Content.Headers);
        Assert.True((int)response.StatusCode < 500, $"{method} {path} answered {(int)response.StatusCode}: {result.Body}");
        return result;
    }

    /// <summary>Creates a database with a fresh name and returns the name.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "db")
    {
        var name = $"{prefix}-{Guid.NewGuid():N}";
        var response = await PutAsync(name);
        Assert.Equal(HttpStatusCode.Created, response.Status);
        return name;
    }

    /// <summary>PUTs a document (the body's <c>_rev</c>, if any, is the parent) and returns the new revision.</summary>
    public async Task<string> PutDocumentAsync(string db, string id, string json)
    {
        var response = await PutAsync($"{db}/{Uri.EscapeDataString(id)}", json);
        Assert.True(response.Status == HttpStatusCode.Created, $"PUT {db}/{id} answered {(int)response.Status}: {response.Body}");
        return response.Rev;
    }

    /// <summary>Stores revisions as a replicator does (<c>new_edits=false</c>); returns nothing because CouchDB answers <c>[]</c>.</summary>
    public async Task ReplicateAsync(string db, string docsJson)
    {
        var response = await PostAsync($"{db}/_bulk_docs", $$"""{"new_edits":false,"docs":{{docsJson}}}""");
        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal("[]", response.Body.Trim());
    }

    /// <summary>
    /// What a database holds, as seen through the API: its counts, sequence and every document's leaves and bodies.
    /// Two equal states mean nothing was written in between.
    /// </summary>
    public async Task<DatabaseState> StateAsync(string db)
    {
        var info = await GetAsync(db);
        Assert.Equal(HttpStatusCode.OK, info.Status);
        var changes = await GetAsync($"{db}/_changes?style=all_docs&include_docs=true&conflicts=true");
        Assert.Equal(HttpStatusCode.OK, changes.Status);
        var root = info.Json;
        return new DatabaseState(
            root.GetProperty("update_seq").GetString()!,
            root.GetProperty("doc_count").GetInt64(),
            root.GetProperty("doc_del_count").GetInt64(),
            changes.Body);
    }

    public void Dispose() => http.Dispose();

    private static ByteArrayContent Body(string text, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return content;
    }
}

/// <summary>A response read whole, with its body as bytes, text and (on demand) JSON.</summary>
public sealed class CouchResponse(HttpStatusCode status, byte[] bytes, HttpResponseHeaders headers, HttpContentHeaders contentHeaders)
{
    private JsonElement? _json;

    public HttpStatusCode Status => status;

    public byte[] Bytes => bytes;

    public string Body { get; } = Encoding.UTF8.GetString(bytes);

    public HttpResponseHeaders Headers => headers;

    public HttpContentHeaders ContentHeaders => contentHeaders;

    public string? ContentType => contentHeaders.ContentType?.MediaType;

    /// <summary>The ETag header as sent, quotes included.</summary>
    public string? ETag => headers.ETag?.Tag;

    public JsonElement Json => _json ??= Parse();

    /// <summary>The <c>rev</c> member of a write answer.</summary>
    public string Rev => Json.GetProperty("rev").GetString()!;

    public string String(string property) => Json.GetProperty(property).GetString()!;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{(int)status} {Body}");

    private JsonElement Parse()
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new InvalidOperationException($"Expected a JSON body, got {(int)status}: {Body} ({exception.Message})");
        }
    }
}

/// <summary>See <see cref="CouchClient.StateAsync"/>.</summary>
public sealed record DatabaseState(string UpdateSeq, long DocCount, long DocDelCount, string Changes);
