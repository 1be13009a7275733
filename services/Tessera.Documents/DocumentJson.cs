using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tessera.Documents;

/// <summary>Builds and reads stored document bodies: the user's fields plus an <c>_attachments</c> object of stubs.</summary>
/// <remarks>
/// Guarantees: <see cref="ReadStubs"/> returns exactly the stubs given to <see cref="ComposeBody"/>,
/// in order; the user's fields are copied byte for byte. Pure and thread-safe.
/// </remarks>
public static class DocumentJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The stored body: <paramref name="userBody"/> (a compact JSON object such as
    /// <see cref="ParsedDocument.Body"/>) followed by <c>"_attachments": {name: {"content_type",
    /// "digest", "length", "revpos", "stub": true}}</c>; returns <paramref name="userBody"/> unchanged
    /// when there are no attachments.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="userBody"/> is not a JSON object text.</exception>
    public static string ComposeBody(string userBody, IReadOnlyList<AttachmentStub>? attachments)
    {
        var body = userBody.AsSpan().TrimEnd();
        if (body.Length < 2 || body[0] != '{' || body[^1] != '}')
        {
            throw new ArgumentException("The user body must be a JSON object.", nameof(userBody));
        }

        if (attachments is null || attachments.Count == 0)
        {
            return userBody;
        }

        var stubs = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(stubs, WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var stub in attachments)
            {
                writer.WriteStartObject(stub.Name);
                writer.WriteString("content_type", stub.ContentType);
                writer.WriteString("digest", stub.Digest);
                writer.WriteNumber("length", stub.Length);
                writer.WriteNumber("revpos", stub.RevPos);
                writer.WriteBoolean("stub", true);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        var open = body[..^1].TrimEnd();
        var separator = open.Length == 1 ? string.Empty : ",";
        var builder = new StringBuilder(open.Length + stubs.WrittenCount + 20);
        builder.Append(open).Append(separator).Append("\"_attachments\":").Append(Encoding.UTF8.GetString(stubs.WrittenSpan)).Append('}');
        return builder.ToString();
    }

    /// <summary>The attachment stubs of a body written by <see cref="ComposeBody"/>; empty when it has none.</summary>
    /// <exception cref="FormatException">The body is not JSON or its <c>_attachments</c> is malformed.</exception>
    public static IReadOnlyList<AttachmentStub> ReadStubs(string storedBody)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(storedBody);
        }
        catch (JsonException e)
        {
            throw new FormatException("The stored body is not JSON.", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("_attachments", out var attachments))
            {
                return [];
            }

            if (attachments.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The stored body's _attachments is not an object.");
            }

            var stubs = new List<AttachmentStub>();
            foreach (var property in attachments.EnumerateObject())
            {
                var stub = property.Value;
                if (stub.ValueKind != JsonValueKind.Object
                    || !stub.TryGetProperty("content_type", out var contentType) || contentType.ValueKind != JsonValueKind.String
                    || !stub.TryGetProperty("digest", out var digest) || digest.ValueKind != JsonValueKind.String
                    || !stub.TryGetProperty("length", out var length) || length.ValueKind != JsonValueKind.Number
                    || !length.TryGetInt64(out var lengthValue)
                    || !stub.TryGetProperty("revpos", out var revPos) || revPos.ValueKind != JsonValueKind.Number
                    || !revPos.TryGetInt32(out var revPosValue))
                {
                    throw new FormatException($"The stored stub of attachment '{property.Name}' is malformed.");
                }

                stubs.Add(new AttachmentStub(property.Name, contentType.GetString()!, digest.GetString()!, lengthValue, revPosValue));
            }

            return stubs;
        }
    }
}
