using System.Text.Json;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Documents;
using Tessera.Documents;
using Tessera.Storage;

namespace Tessera.DataNode.Feeds;

/// <summary>Writes one <c>_changes</c> row in CouchDB's shape: <c>{"seq","id","changes":[{"rev"}],"deleted","doc"}</c>.</summary>
internal static class ChangeRowWriter
{
    public static void Write(Utf8JsonWriter w, DocumentWithBody row, ChangesRequest request)
    {
        w.WriteStartObject();
        WriteMembers(w, row, request);
        w.WriteEndObject();
    }

    /// <summary>The row's members, into an object the caller opened (a WebSocket message adds the database name).</summary>
    public static void WriteMembers(Utf8JsonWriter w, DocumentWithBody row, ChangesRequest request)
    {
        var record = row.Document;
        RevTree? tree = request.AllLeaves || request.Conflicts ? RevTree.Deserialize(record.RevTree) : null;
        w.WriteString("seq", Sequences.Format(record.Seq));
        w.WriteString("id", record.Id);
        w.WriteStartArray("changes");
        if (request.AllLeaves)
        {
            foreach (var leaf in tree!.Leaves)
            {
                w.WriteStartObject();
                w.WriteString("rev", leaf.Rev.ToString());
                w.WriteEndObject();
            }
        }
        else
        {
            w.WriteStartObject();
            w.WriteString("rev", record.WinningRev);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (record.Deleted)
        {
            w.WriteBoolean("deleted", true);
        }

        if (request.IncludeDocs)
        {
            w.WritePropertyName("doc");
            if (record.Deleted)
            {
                w.WriteStartObject();
                w.WriteString("_id", record.Id);
                w.WriteString("_rev", record.WinningRev);
                w.WriteBoolean("_deleted", true);
                w.WriteEndObject();
            }
            else if (row.Body is null)
            {
                w.WriteNullValue();
            }
            else
            {
                var extras = request.Conflicts ? new DocumentExtras(Conflicts: tree!.Conflicts) : DocumentExtras.None;
                DocumentJsonWriter.Write(w, record.Id, record.WinningRev, false, row.Body, extras);
            }
        }
    }
}
