using System.Text.Json;
using Tessera.DataNode.Couch;
using Tessera.Documents;
using Tessera.Storage;

namespace Tessera.DataNode.Documents;

/// <summary>
/// One document as <c>GET /{db}/{id}</c> and gRPC <c>Get</c> return it: the winning revision, or the revision asked for
/// (deleted ones included), with the extras the read asks for.
/// </summary>
internal sealed record DocumentLookup(DocumentRecord Record, RevId Rev, bool Deleted, string? Body, DocumentExtras Extras)
{
    /// <summary>Reads the document, or returns CouchDB's 404 (<c>missing</c>, or <c>deleted</c> for a deleted winner).</summary>
    public static async Task<(DocumentLookup? Document, CouchError? Error)> ReadAsync(
        IDocumentReader reader, long database, string id, RevId? rev, ReadFlags flags, CancellationToken cancellationToken)
    {
        DocumentRecord record;
        string? body;
        RevId target;
        bool deleted;
        if (rev is RevId wanted)
        {
            var stored = await reader.GetDocumentAsync(database, id, cancellationToken);
            if (stored is null)
            {
                return (null, CouchError.NotFound());
            }

            var tree = RevTree.Deserialize(stored.RevTree);
            body = tree.Contains(wanted) ? await reader.GetBodyAsync(database, id, wanted.ToString(), cancellationToken) : null;
            if (body is null)
            {
                return (null, CouchError.NotFound());
            }

            (record, target, deleted) = (stored, wanted, tree.IsDeleted(wanted));
        }
        else
        {
            var winning = await reader.GetWinningAsync(database, id, cancellationToken);
            if (winning is null)
            {
                return (null, CouchError.NotFound());
            }

            if (winning.Document.Deleted)
            {
                return (null, CouchError.NotFound("deleted"));
            }

            (record, body, target, deleted) = (winning.Document, winning.Body, RevId.Parse(winning.Document.WinningRev), false);
        }

        var extras = await DocumentRead.ExtrasAsync(reader, database, record, target, body, flags, cancellationToken);
        return (new DocumentLookup(record, target, deleted, body, extras), null);
    }

    /// <summary>Writes the document as CouchDB returns it.</summary>
    public void WriteTo(Utf8JsonWriter writer) => DocumentJsonWriter.Write(writer, Record.Id, Rev.ToString(), Deleted, Body, Extras);
}
