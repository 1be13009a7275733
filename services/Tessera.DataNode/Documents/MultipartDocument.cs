using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Tessera.DataNode.Couch;

namespace Tessera.DataNode.Documents;

/// <summary>
/// Reads a <c>multipart/related</c> document upload, as the CouchDB replicator sends documents with attachments:
/// the first part is the JSON document whose <c>_attachments</c> entries say <c>"follows": true</c>, the next parts are
/// those attachments' bytes, in order. The result is the same document with the bytes inlined, for the usual parser.
/// </summary>
internal static class MultipartDocument
{
    public static bool IsMultipart(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && type.MediaType.Equals("multipart/related", StringComparison.OrdinalIgnoreCase);

    public static async Task<(byte[]? Json, CouchError? Error)> ReadAsync(HttpRequest request, long maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, CouchError.TooLarge());
        }

        var boundary = MediaTypeHeaderValue.Parse(request.ContentType).Boundary.ToString().Trim('"');
        if (string.IsNullOrEmpty(boundary))
        {
            return (null, CouchError.BadRequest("multipart/related body without a boundary"));
        }

        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = maxBytes };
        try
        {
            var first = await reader.ReadNextSectionAsync(request.HttpContext.RequestAborted);
            if (first is null)
            {
                return (null, CouchError.BadRequest("multipart/related body has no document part"));
            }

            if (JsonNode.Parse(await ReadAllAsync(first.Body, maxBytes)) is not JsonObject document)
            {
                return (null, CouchError.BadRequest("Document must be a JSON object"));
            }

            if (document["_attachments"] is JsonObject attachments)
            {
                foreach (var (name, value) in attachments.ToList())
                {
                    if (value is not JsonObject attachment || attachment["follows"]?.GetValueKind() != JsonValueKind.True)
                    {
                        continue;
                    }

                    var part = await reader.ReadNextSectionAsync(request.HttpContext.RequestAborted);
                    if (part is null)
                    {
                        return (null, CouchError.BadRequest($"Attachment {name} follows, but the body has no part for it"));
                    }

                    var bytes = await ReadAllAsync(part.Body, maxBytes);
                    attachment.Remove("follows");
                    attachment.Remove("length");
                    attachment.Remove("encoding");
                    attachment["data"] = Convert.ToBase64String(bytes);
                }
            }

            return (JsonSerializer.SerializeToUtf8Bytes(document), null);
        }
        catch (JsonException)
        {
            return (null, CouchError.InvalidJson());
        }
        catch (InvalidDataException exception)
        {
            return (null, exception.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? CouchError.TooLarge()
                : CouchError.BadRequest("Malformed multipart/related body"));
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, long maxBytes)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.Length > maxBytes ? throw new InvalidDataException("Multipart body length limit exceeded.") : buffer.ToArray();
    }
}
