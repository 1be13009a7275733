using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tessera.Documents;

public static partial class DocumentParser
{
    private const string DefaultContentType = "application/octet-stream";

    // Note: relaxed escaping keeps non-ASCII text as UTF-8 instead of \uXXXX; bodies are served
    // as application/json, never embedded in HTML, so HTML-sensitive characters need no escaping.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static string ParseId(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new DocumentException(DocumentException.IllegalDocId, "Document id must be a string");
        }

        string? id;
        try
        {
            id = value.GetString();
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800") cannot be decoded.
            throw new DocumentException(DocumentException.IllegalDocId, "Document id must be valid UTF-8");
        }

        return DocumentIds.IsValid(id, out var reason)
            ? id
            : throw new DocumentException(DocumentException.IllegalDocId, reason);
    }

    private static List<RevId> ParseRevisions(JsonElement value)
    {
        // Same checks and wording as couch_doc:transfer_fields, then ours for a usable path.
        if (!value.TryGetProperty("start", out var startElement) || startElement.ValueKind != JsonValueKind.Number
            || !startElement.TryGetInt32(out var start))
        {
            throw new DocumentException(DocumentException.DocValidation, "_revisions.start isn't an integer.");
        }

        if (!value.TryGetProperty("ids", out var ids) || ids.ValueKind != JsonValueKind.Array)
        {
            throw new DocumentException(DocumentException.DocValidation, "_revisions.ids isn't a array.");
        }

        var count = ids.GetArrayLength();
        if (count == 0 || start < count)
        {
            throw new DocumentException(
                DocumentException.BadRequest, "_revisions must hold at least one id and start at a generation no lower than the number of ids");
        }

        var path = new List<RevId>(count);
        foreach (var id in ids.EnumerateArray())
        {
            if (id.ValueKind != JsonValueKind.String)
            {
                throw new DocumentException(DocumentException.DocValidation, "RevId isn't a string");
            }

            var hash = id.GetString();
            if (!RevId.IsValidHash(hash))
            {
                throw new DocumentException(DocumentException.BadRequest, "Invalid rev format");
            }

            path.Add(new RevId(start - path.Count, hash));
        }

        return path;
    }

    private static List<AttachmentInput> ParseAttachments(JsonElement value, DocumentLimits limits)
    {
        var attachments = new List<AttachmentInput>();
        foreach (var property in value.EnumerateObject())
        {
            var name = property.Name;
            if (name.Length == 0)
            {
                throw new DocumentException(DocumentException.BadRequest, "Attachment name can't be empty");
            }

            if (name.StartsWith('_'))
            {
                throw new DocumentException(DocumentException.BadRequest, "Attachment name can't start with '_'");
            }

            var props = property.Value;
            if (props.ValueKind != JsonValueKind.Object)
            {
                throw new DocumentException(DocumentException.BadRequest, $"Invalid attachment data for {name}");
            }

            attachments.Add(ParseAttachment(name, props, limits));
        }

        return attachments;
    }

    private static AttachmentInput ParseAttachment(string name, JsonElement props, DocumentLimits limits)
    {
        var contentType = StringOrNull(props, "content_type") ?? DefaultContentType;
        if (IsTrue(props, "stub"))
        {
            return new AttachmentInput(
                name, contentType, Stub: true, Data: null, StringOrNull(props, "digest"), Int64OrNull(props, "length"),
                Int64OrNull(props, "revpos") is long revpos and >= 0 and <= int.MaxValue ? (int)revpos : null);
        }

        if (IsTrue(props, "follows"))
        {
            throw new DocumentException(
                DocumentException.BadRequest, $"Attachment {name} uses \"follows\"; multipart documents are not supported");
        }

        byte[] data;
        try
        {
            data = Convert.FromBase64String(StringOrNull(props, "data") ?? throw new FormatException());
        }
        catch (FormatException)
        {
            throw new DocumentException(DocumentException.BadRequest, $"Invalid attachment data for {name}");
        }

        if (data.Length > limits.MaxAttachmentBytes)
        {
            // CouchDB's reason for this error is the attachment name.
            throw new DocumentException(DocumentException.AttachmentTooLarge, name);
        }

        // CouchDB's attachment digest format is md5-<base64>; MD5 names content here, it protects nothing.
        var digest = "md5-" + Convert.ToBase64String(MD5.HashData(data));
        // Note: a replicated revision (new_edits=false) keeps the revpos it was sent with; the writer ignores it otherwise.
        return new AttachmentInput(
            name, contentType, Stub: false, data, digest, data.Length,
            Int64OrNull(props, "revpos") is long sentRevPos and >= 1 and <= int.MaxValue ? (int)sentRevPos : null);
    }

    private static string? StringOrNull(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Int64OrNull(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;

    private static bool IsTrue(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
