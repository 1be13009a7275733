using System.Text.Json;
using Tessera.Grains;

namespace Tessera.DataNode.Documents;

/// <summary>The rows of a <c>_bulk_docs</c> answer, shared by the data API and <c>_replicator/_bulk_docs</c>.</summary>
public static class BulkDocsResults
{
    /// <summary>
    /// Every request document's result in request order: the written ones, with the refused ones (answered without
    /// writing, keyed by their position in the request) put back in place.
    /// </summary>
    public static List<WriteResult> Merge(IReadOnlyList<WriteResult> written, IReadOnlyDictionary<int, WriteResult> refused)
    {
        ArgumentNullException.ThrowIfNull(written);
        ArgumentNullException.ThrowIfNull(refused);
        var results = new List<WriteResult>(written.Count + refused.Count);
        for (int i = 0, next = 0; i < written.Count + refused.Count; i++)
        {
            results.Add(refused.TryGetValue(i, out var row) ? row : written[next++]);
        }

        return results;
    }

    /// <summary>One row as CouchDB writes it: <c>{"ok":true,"id","rev"}</c> or <c>{"id","error","reason"}</c>.</summary>
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
