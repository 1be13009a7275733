using System.Text.Json;
using Tessera.Grains;

namespace Tessera.DataNode.Documents;

/// <summary>One row of a <c>_bulk_docs</c> answer, as CouchDB writes it: <c>{"ok":true,"id","rev"}</c> or <c>{"id","error","reason"}</c>.</summary>
public static class BulkDocsResultJson
{
    public static void Write(Utf8JsonWriter w, WriteResult result)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(result);
        w.WriteStartObject();
        if (result.Ok)
        {
            w.WriteBoolean("ok", true);
        }

        w.WriteString("id", result.Id);
        if (result.Rev is not null)
        {
            w.WriteString("rev", result.Rev);
        }

        if (!result.Ok)
        {
            w.WriteString("error", result.Error);
            w.WriteString("reason", result.Reason);
        }

        w.WriteEndObject();
    }
}
