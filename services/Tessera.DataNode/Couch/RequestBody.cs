using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Unicode;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Tessera.DataNode.Couch;

/// <summary>Reads request bodies with CouchDB's checks: content type, size limit, well-formed JSON.</summary>
public static class RequestBody
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    /// <summary>True when the request says its body is JSON (CouchDB requires it on POSTs).</summary>
    public static bool IsJson(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the whole body, or returns the error to answer (413 over <paramref name="maxBytes"/>).</summary>
    public static async Task<(byte[]? Body, CouchError? Error)> ReadBytesAsync(HttpRequest request, long maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, CouchError.TooLarge());
        }

        try
        {
            var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, maxBytes) + 1);
            var reader = request.BodyReader;
            while (true)
            {
                var read = await reader.ReadAsync(request.HttpContext.RequestAborted);
                foreach (var segment in read.Buffer)
                {
                    if (buffer.WrittenCount + segment.Length > maxBytes)
                    {
                        reader.AdvanceTo(read.Buffer.End);
                        return (null, CouchError.TooLarge());
                    }

                    buffer.Write(segment.Span);
                }

                reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    return (buffer.WrittenSpan.ToArray(), null);
                }
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, CouchError.TooLarge());
        }
    }

    /// <summary>Reads and parses a JSON body that is not a document (query bodies, bulk requests).</summary>
    public static async Task<(JsonDocument? Json, CouchError? Error)> ReadJsonAsync(HttpRequest request, long maxBytes, bool requireJsonContentType = true)
    {
        if (requireJsonContentType && !IsJson(request))
        {
            return (null, CouchError.UnsupportedMediaType());
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, CouchError.TooLarge());
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is not { IsReadOnly: false } sizeLimit)
        {
            var (body, error) = await ReadBytesAsync(request, maxBytes);
            return error is not null ? (null, error) : Parse(body!);
        }

        // Note: parsing straight from the body stream reads into pooled buffers that the document gives back when it is
        // disposed; reading the bytes first took two new large-object-heap arrays for every _bulk_docs request of a few
        // hundred kilobytes, and the background collections they caused.
        sizeLimit.MaxRequestBodySize = maxBytes;
        JsonDocument json;
        try
        {
            json = await JsonDocument.ParseAsync(request.Body, DocumentOptions, request.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return (null, CouchError.InvalidJson());
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, CouchError.TooLarge());
        }

        // Note: the JSON reader checks UTF-8 lazily, when a string is read; refuse bad bytes before any handler reads them.
        if (!Utf8.IsValid(JsonMarshal.GetRawUtf8Value(json.RootElement)))
        {
            json.Dispose();
            return (null, CouchError.InvalidJson());
        }

        return (json, null);
    }

    private static (JsonDocument? Json, CouchError? Error) Parse(byte[] body)
    {
        if (!Utf8.IsValid(body))
        {
            return (null, CouchError.InvalidJson());
        }

        try
        {
            return (JsonDocument.Parse(body, DocumentOptions), null);
        }
        catch (JsonException)
        {
            return (null, CouchError.InvalidJson());
        }
    }
}
