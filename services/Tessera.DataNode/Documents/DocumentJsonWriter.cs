using System.Text.Json;
using Tessera.Documents;

namespace Tessera.DataNode.Documents;

/// <summary>What to add to a document beside its body (CouchDB's <c>_conflicts</c>, <c>_revisions</c>, ... query options).</summary>
internal sealed record DocumentExtras(
    IReadOnlyList<RevId>? Conflicts = null,
    IReadOnlyList<RevId>? DeletedConflicts = null,
    IReadOnlyList<RevId>? Revisions = null,
    IReadOnlyList<(RevId Rev, string Status)>? RevsInfo = null,
    IReadOnlyDictionary<string, byte[]>? AttachmentData = null)
{
    public static readonly DocumentExtras None = new();
}

/// <summary>Writes a stored document as CouchDB returns it: <c>_id</c>, <c>_rev</c>, the body's members, then the extras asked for.</summary>
internal static class DocumentJsonWriter
{
    public static void Write(Utf8JsonWriter w, string id, string rev, bool deleted, string? body, DocumentExtras extras)
    {
        w.WriteStartObject();
        w.WriteString("_id", id);
        w.WriteString("_rev", rev);
        if (deleted)
        {
            w.WriteBoolean("_deleted", true);
        }

        if (body is not null)
        {
            using var parsed = JsonDocument.Parse(body);
            foreach (var member in parsed.RootElement.EnumerateObject())
            {
                if (extras.AttachmentData is not null && member.NameEquals("_attachments"))
                {
                    WriteAttachments(w, member.Value, extras.AttachmentData);
                }
                else
                {
                    member.WriteTo(w);
                }
            }
        }

        WriteRevs(w, "_conflicts", extras.Conflicts);
        WriteRevs(w, "_deleted_conflicts", extras.DeletedConflicts);
        if (extras.Revisions is { Count: > 0 } revisions)
        {
            w.WriteStartObject("_revisions");
            w.WriteNumber("start", revisions[0].Generation);
            w.WriteStartArray("ids");
            foreach (var r in revisions)
            {
                w.WriteStringValue(r.Hash);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        if (extras.RevsInfo is { } revsInfo)
        {
            w.WriteStartArray("_revs_info");
            foreach (var (r, status) in revsInfo)
            {
                w.WriteStartObject();
                w.WriteString("rev", r.ToString());
                w.WriteString("status", status);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void WriteRevs(Utf8JsonWriter w, string name, IReadOnlyList<RevId>? revs)
    {
        if (revs is not { Count: > 0 })
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var r in revs)
        {
            w.WriteStringValue(r.ToString());
        }

        w.WriteEndArray();
    }

    // attachments=true: inline each attachment's bytes instead of the stub, as CouchDB does.
    private static void WriteAttachments(Utf8JsonWriter w, JsonElement stubs, IReadOnlyDictionary<string, byte[]> data)
    {
        w.WriteStartObject("_attachments");
        foreach (var stub in stubs.EnumerateObject())
        {
            w.WriteStartObject(stub.Name);
            foreach (var field in stub.Value.EnumerateObject())
            {
                if (!field.NameEquals("stub"))
                {
                    field.WriteTo(w);
                }
            }

            if (stub.Value.TryGetProperty("digest", out var digest) && data.TryGetValue(digest.GetString() ?? "", out var bytes))
            {
                w.WriteBase64String("data", bytes);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }
}
