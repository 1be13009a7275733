using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Tessera.Replication.IntegrationTests;

/// <summary>
/// A thin CouchDB client over one <see cref="HttpClient"/> whose base address is a tenant root (<c>/t/dev/</c>).
/// Every call passes the test's cancellation token and fails the test on any 5xx answer.
/// </summary>
public sealed class CouchClient(HttpClient http) : IDisposable
{
    public const string Json = "application/json";

    public HttpClient Http => http;

    /// <summary>The tenant root, <c>http://127.0.0.1:port/t/dev/</c>.</summary>
    public Uri Root => http.BaseAddress!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>
    /// The full URL of a database of this server, as another server would name it: with this client's HTTP Basic
    /// credentials as userinfo, the way CouchDB replication URLs carry them.
    /// </summary>
    public string Url(string db)
    {
        var url = new UriBuilder(new Uri(Root, Uri.EscapeDataString(db)));
        if (http.DefaultRequestHeaders.Authorization is { Scheme: "Basic", Parameter: { } basic })
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(basic));
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            url.UserName = Uri.EscapeDataString(pair[..colon]);
            url.Password = Uri.EscapeDataString(pair[(colon + 1)..]);
        }

        return url.Uri.AbsoluteUri;
    }

    public Task<CouchResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<CouchResponse> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    public Task<CouchResponse> PutAsync(string path, string? json = null) =>
        SendAsync(HttpMethod.Put, path, json is null ? null : Body(json, Json));

    public Task<CouchResponse> PostAsync(string path, string body, string? contentType = Json) =>
        SendAsync(HttpMethod.Post, path, Body(body, contentType));

    public async Task<CouchResponse> SendAsync(HttpMethod method, string path, HttpContent? content = null, Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        headers?.Invoke(request.Headers);
        using var response = await http.SendAsync(request, Token);
        var bytes = await response.Content.ReadAsByteArrayAsync(Token);
        var result = new CouchResponse(response.StatusCode, bytes);
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
        Assert.True(response.Status == HttpStatusCode.Created, $"PUT {db}/{id} answered {response}");
        return response.Rev;
    }

    /// <summary>Writes <paramref name="count"/> documents <c>{prefix}{i}</c> in one <c>_bulk_docs</c>.</summary>
    public async Task PutDocumentsAsync(string db, string prefix, int count)
    {
        var docs = string.Join(",", Enumerable.Range(0, count).Select(i => $$"""{"_id":"{{prefix}}{{i:D4}}","n":{{i}}}"""));
        var response = await PostAsync($"{db}/_bulk_docs", $$"""{"docs":[{{docs}}]}""");
        Assert.Equal(HttpStatusCode.Created, response.Status);
    }

    /// <summary>Adds an attachment to a document and returns the new revision.</summary>
    public async Task<string> PutAttachmentAsync(string db, string id, string rev, string name, byte[] data, string contentType)
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await SendAsync(HttpMethod.Put, $"{db}/{Uri.EscapeDataString(id)}/{Uri.EscapeDataString(name)}?rev={rev}", content);
        Assert.True(response.Status == HttpStatusCode.Created, $"PUT attachment {db}/{id}/{name} answered {response}");
        return response.Rev;
    }

    public async Task<string> DeleteDocumentAsync(string db, string id, string rev)
    {
        var response = await DeleteAsync($"{db}/{Uri.EscapeDataString(id)}?rev={rev}");
        Assert.True(response.Status == HttpStatusCode.OK, $"DELETE {db}/{id} answered {response}");
        return response.Rev;
    }

    public async Task<string> UpdateSeqAsync(string db)
    {
        var info = await GetAsync(db);
        Assert.Equal(HttpStatusCode.OK, info.Status);
        return info.Json.GetProperty("update_seq").ToString();
    }

    /// <summary>
    /// Waits, on the database's <c>_changes?feed=longpoll</c> (no sleeps), until it holds every id of
    /// <paramref name="ids"/> at least once since <paramref name="since"/>; returns the last sequence seen.
    /// </summary>
    public async Task<string> WaitForDocumentsAsync(string db, IReadOnlyCollection<string> ids, string since = "0", int timeoutMs = 30_000)
    {
        var pending = new HashSet<string>(ids, StringComparer.Ordinal);
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (pending.Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{db} did not receive {string.Join(", ", pending.Take(5))} within {timeoutMs} ms");
            var response = await GetAsync($"{db}/_changes?feed=longpoll&timeout=5000&since={Uri.EscapeDataString(since)}");
            Assert.Equal(HttpStatusCode.OK, response.Status);
            foreach (var row in response.Json.GetProperty("results").EnumerateArray())
            {
                pending.Remove(row.GetProperty("id").GetString()!);
            }

            since = response.Json.GetProperty("last_seq").ToString();
        }

        return since;
    }

    /// <summary>Every document id with its leaf revisions and deletion flag, from <c>_changes?style=all_docs</c>.</summary>
    public async Task<SortedDictionary<string, string>> LeavesAsync(string db)
    {
        var response = await GetAsync($"{db}/_changes?style=all_docs");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        var leaves = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in response.Json.GetProperty("results").EnumerateArray())
        {
            var revs = row.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("rev").GetString()!).Order(StringComparer.Ordinal);
            var deleted = row.TryGetProperty("deleted", out var d) && d.GetBoolean();
            leaves[row.GetProperty("id").GetString()!] = string.Join(",", revs) + (deleted ? " deleted" : "");
        }

        return leaves;
    }

    /// <summary>
    /// A document's whole revision tree as the API shows it: every leaf from <c>?open_revs=all&amp;revs=true&amp;attachments=true</c>
    /// (its body, <c>_revisions</c> path and attachment bytes), in rev order, with object members sorted.
    /// </summary>
    public async Task<string> RevisionTreeAsync(string db, string id)
    {
        var response = await SendAsync(HttpMethod.Get, $"{db}/{Uri.EscapeDataString(id)}?open_revs=all&revs=true&attachments=true", null, h => h.Accept.ParseAdd(Json));
        Assert.Equal(HttpStatusCode.OK, response.Status);
        var leaves = JsonNode.Parse(response.Body)!.AsArray()
            .Select(e => Canonical(e!))
            .Order(StringComparer.Ordinal);
        return string.Join("\n", leaves);
    }

    /// <summary>The winner (<c>_rev</c> of a plain GET, or "deleted") and the sorted <c>_conflicts</c> of a document.</summary>
    public async Task<string> WinnerAsync(string db, string id)
    {
        var response = await GetAsync($"{db}/{Uri.EscapeDataString(id)}?conflicts=true");
        if (response.Status == HttpStatusCode.NotFound)
        {
            return "deleted";
        }

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var conflicts = response.Json.TryGetProperty("_conflicts", out var c)
            ? c.EnumerateArray().Select(r => r.GetString()!).Order(StringComparer.Ordinal).ToList()
            : [];
        return response.Json.GetProperty("_rev").GetString() + " conflicts:" + string.Join(",", conflicts);
    }

    public void Dispose() => http.Dispose();

    private static string Canonical(JsonNode node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => JsonSerializer.Serialize(p.Key) + ":" + (p.Value is null ? "null" : Canonical(p.Value)))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(v => v is null ? "null" : Canonical(v))) + "]",
        _ => node.ToJsonString(),
    };

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

/// <summary>A response read whole, with its body as text and (on demand) JSON.</summary>
public sealed class CouchResponse(HttpStatusCode status, byte[] bytes)
{
    private JsonElement? _json;

    public HttpStatusCode Status => status;

    public string Body { get; } = Encoding.UTF8.GetString(bytes);

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
