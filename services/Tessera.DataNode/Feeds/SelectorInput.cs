using System.Buffers;
using System.Text.Json;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Documents;
using Tessera.Documents.Selectors;
using Tessera.Storage;

namespace Tessera.DataNode.Feeds;

/// <summary>Matches a selector against a change row's document as a client would see it (with <c>_id</c>, <c>_rev</c>, <c>_deleted</c>).</summary>
internal static class SelectorInput
{
    public static bool Matches(Selector selector, DocumentWithBody row)
    {
        if (selector.MatchesEverything)
        {
            return true;
        }

        var record = row.Document;
        var buffer = new ArrayBufferWriter<byte>(256 + (row.Body?.Length ?? 0));
        using (var writer = new Utf8JsonWriter(buffer, CouchJson.WriterOptions))
        {
            DocumentJsonWriter.Write(writer, record.Id, record.WinningRev, record.Deleted, record.Deleted ? null : row.Body, DocumentExtras.None);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return selector.Matches(document.RootElement);
    }
}
