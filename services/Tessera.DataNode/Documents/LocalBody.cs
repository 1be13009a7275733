using System.Buffers;
using System.Text.Json;
using Tessera.DataNode.Couch;

namespace Tessera.DataNode.Documents;

/// <summary>
/// Parses a <c>_local</c> document body. Local revisions are "0-N", not tree revisions, so the document parser's
/// revision rules do not apply; the JSON limits do.
/// </summary>
internal static class LocalBody
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary>A local revision is "0-N" as we issue it; any "N-..." form parses like CouchDB's rev parser allows.</summary>
    public static bool IsValidRev(string rev)
    {
        var dash = rev.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && dash < rev.Length - 1 && rev.AsSpan(0, dash).IndexOfAnyExceptInRange('0', '9') < 0;
    }

    public static (string Body, string? Rev, bool Deleted, CouchError? Error) Parse(byte[] utf8)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            return ("", null, false, CouchError.InvalidJson());
        }

        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(utf8, Options);
        }
        catch (JsonException)
        {
            return ("", null, false, CouchError.InvalidJson());
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ("", null, false, CouchError.BadRequest("Document must be a JSON object"));
            }

            string? rev = null;
            var deleted = false;
            var buffer = new ArrayBufferWriter<byte>(utf8.Length);
            using (var writer = new Utf8JsonWriter(buffer, CouchJson.WriterOptions))
            {
                writer.WriteStartObject();
                foreach (var member in root.EnumerateObject())
                {
                    if (member.NameEquals("_rev"))
                    {
                        if (member.Value.ValueKind != JsonValueKind.String || !IsValidRev(member.Value.GetString()!))
                        {
                            return ("", null, false, CouchError.BadRequest("Invalid rev format"));
                        }

                        rev = member.Value.GetString();
                    }
                    else if (member.NameEquals("_deleted"))
                    {
                        deleted = member.Value.ValueKind == JsonValueKind.True;
                    }
                    else if (!member.Name.StartsWith('_'))
                    {
                        member.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
            }

            return (System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan), rev, deleted, null);
        }
    }
}
