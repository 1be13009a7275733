using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Tessera.Documents;

/// <summary>
/// Parses a document request body the way CouchDB's <c>couch_doc:from_json_obj_validate</c> does.
/// </summary>
/// <remarks>
/// Guarantees: either returns a <see cref="ParsedDocument"/> whose id, revisions and attachments
/// are valid, or throws <see cref="DocumentException"/> carrying CouchDB's error token, reason and
/// status. The first offending member (in document order) decides the error, as in CouchDB.
/// Pure and thread-safe.
/// </remarks>
public static partial class DocumentParser
{
    /// <summary>Parses a UTF-8 JSON document.</summary>
    /// <exception cref="DocumentException">The document is refused.</exception>
    public static ParsedDocument Parse(ReadOnlySpan<byte> utf8Json, DocumentLimits limits)
    {
        CheckJson(utf8Json, limits);
        // Headroom over MaxDepth: CheckJson already enforced the limit with CouchDB's error.
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = limits.MaxDepth + 2 });
        using var document = JsonDocument.ParseValue(ref reader);
        return ParseObject(document.RootElement, limits);
    }

    /// <summary>Parses one document already parsed as JSON, e.g. an item of <c>_bulk_docs</c>.</summary>
    /// <exception cref="DocumentException">The document is refused.</exception>
    public static ParsedDocument Parse(JsonElement element, DocumentLimits limits)
    {
        if (element.ValueKind == JsonValueKind.Object && ExceedsDepth(element, 1, limits.MaxDepth))
        {
            throw TooDeep();
        }

        return ParseObject(element, limits);
    }

    private static void CheckJson(ReadOnlySpan<byte> utf8Json, DocumentLimits limits)
    {
        // Note: the JSON reader checks UTF-8 only where values are decoded, and bodies are copied raw.
        if (!Utf8.IsValid(utf8Json))
        {
            throw InvalidJson();
        }

        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = limits.MaxDepth + 2 });
        try
        {
            while (reader.Read())
            {
                // CurrentDepth is 0 for the document object itself, which counts as depth 1.
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray
                    && reader.CurrentDepth >= limits.MaxDepth)
                {
                    throw TooDeep();
                }
            }
        }
        catch (JsonException)
        {
            throw InvalidJson();
        }
    }

    private static bool ExceedsDepth(JsonElement element, int depth, int maxDepth)
    {
        if (depth > maxDepth)
        {
            return true;
        }

        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array
                    && ExceedsDepth(property.Value, depth + 1, maxDepth))
                {
                    return true;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array && ExceedsDepth(item, depth + 1, maxDepth))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static ParsedDocument ParseObject(JsonElement root, DocumentLimits limits)
    {
        try
        {
            return ParseMembers(root, limits);
        }
        catch (InvalidOperationException)
        {
            // Note: System.Text.Json throws this for an escaped unpaired surrogate ("\ud800"), which
            // is well-formed JSON but not Unicode text; CouchDB's decoder refuses it as invalid JSON.
            throw InvalidJson();
        }
    }

    private static ParsedDocument ParseMembers(JsonElement root, DocumentLimits limits)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new DocumentException(DocumentException.BadRequest, "Document must be a JSON object");
        }

        string? id = null;
        RevId? rev = null;
        var deleted = false;
        List<RevId>? revisions = null;
        List<AttachmentInput> attachments = [];
        var scratch = bodyScratch ??= new BodyScratch();
        var body = scratch.Buffer;
        body.ResetWrittenCount();
        var writer = scratch.Writer;
        writer.Reset(body);
        writer.WriteStartObject();
        foreach (var property in root.EnumerateObject())
        {
            if (!IsSpecialMember(property))
            {
                property.WriteTo(writer);
                continue;
            }

            var value = property.Value;
            switch (property.Name)
            {
                case "_id":
                    id = ParseId(value);
                    break;
                case "_rev":
                    rev = value.ValueKind == JsonValueKind.String && RevId.TryParse(value.GetString(), out var parsed)
                        ? parsed
                        : throw new DocumentException(DocumentException.BadRequest, "Invalid rev format");
                    break;
                case "_deleted" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    deleted = value.ValueKind == JsonValueKind.True;
                    break;
                case "_attachments" when value.ValueKind == JsonValueKind.Object:
                    attachments = ParseAttachments(value, limits);
                    break;
                case "_revisions" when value.ValueKind == JsonValueKind.Object:
                    revisions = ParseRevisions(value);
                    break;
                case "_revs_info" or "_conflicts" or "_deleted_conflicts" or "_local_seq":
                    // Output-only members a client may echo back; CouchDB ignores them too.
                    break;
                default:
                    // Note: like CouchDB, a known member with the wrong JSON type lands here too.
                    throw new DocumentException(
                        DocumentException.DocValidation, $"Bad special document member: {property.Name}");
            }
        }

        writer.WriteEndObject();
        writer.Flush();

        if (revisions is not null)
        {
            if (rev is { } given && given != revisions[0])
            {
                throw new DocumentException(DocumentException.BadRequest, "_rev does not match the first of _revisions");
            }

            rev = revisions[0];
        }

        if (body.WrittenCount > limits.MaxDocumentBytes)
        {
            // CouchDB's reason for this error is the document id.
            throw new DocumentException(
                DocumentException.DocumentTooLarge, id ?? $"Document body exceeds {limits.MaxDocumentBytes} bytes");
        }

        if (ContainsNulCharacter(body.WrittenSpan))
        {
            // Note: PostgreSQL's jsonb (and text) cannot hold U+0000; refuse it here, so one such document cannot
            // fail a group commit that carries other clients' writes.
            throw new DocumentException(DocumentException.Forbidden, "Strings must not contain the character U+0000");
        }

        var json = Encoding.UTF8.GetString(body.WrittenSpan);
        if (body.Capacity > BodyScratch.MaxKeptBytes)
        {
            bodyScratch = null;
        }

        return new ParsedDocument(id, rev, deleted, revisions, attachments, json);
    }

    /// <summary>
    /// The buffer and writer a document's body is rewritten into, one per thread and reused. Note: a fresh buffer per
    /// document grew (allocating and copying) several times for each, which was the largest cost of parsing a
    /// <c>_bulk_docs</c> request; a buffer grown by a large document is dropped rather than kept by the thread.
    /// </summary>
    private sealed class BodyScratch
    {
        public const int MaxKeptBytes = 64 * 1024;

        public BodyScratch() => Writer = new Utf8JsonWriter(Buffer, WriterOptions);

        public ArrayBufferWriter<byte> Buffer { get; } = new(4096);

        public Utf8JsonWriter Writer { get; }
    }

    [ThreadStatic]
    private static BodyScratch? bodyScratch;

    /// <summary>Whether a member name starts with <c>_</c>, without allocating the name of ordinary members.</summary>
    private static bool IsSpecialMember(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        return raw.Length > 0 && (raw[0] == (byte)'_' || (raw.Contains((byte)'\\') && property.Name.StartsWith('_')));
    }

    /// <summary>Finds the escape <c>\u0000</c> in written JSON (a literal backslash is written as <c>\\</c>, so parity decides).</summary>
    private static bool ContainsNulCharacter(ReadOnlySpan<byte> json)
    {
        var start = 0;
        while (json[start..].IndexOf("\\u0000"u8) is var found and >= 0)
        {
            var at = start + found;
            var backslashes = 0;
            while (at - backslashes - 1 >= 0 && json[at - backslashes - 1] == (byte)'\\')
            {
                backslashes++;
            }

            if (backslashes % 2 == 0)
            {
                return true;
            }

            start = at + 1;
        }

        return false;
    }

    private static DocumentException InvalidJson() => new(DocumentException.BadRequest, "invalid UTF-8 JSON");

    private static DocumentException TooDeep() => new(DocumentException.BadRequest, "Document nesting is too deep");
}
