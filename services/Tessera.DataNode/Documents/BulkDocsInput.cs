using System.Text.Json;
using Tessera.DataNode.Couch;
using Tessera.Documents;
using Tessera.Grains;

namespace Tessera.DataNode.Documents;

/// <summary>
/// The documents of one bulk write (REST <c>_bulk_docs</c>, gRPC <c>BulkDocs</c>) checked with CouchDB's rules and
/// turned into grain writes, plus the per-document refusals that are answered without writing.
/// </summary>
internal sealed class BulkDocsInput
{
    private readonly Dictionary<int, WriteResult> refused = [];

    private BulkDocsInput(int capacity) => Writes = new List<DocumentWrite>(capacity);

    /// <summary>What goes to the grain, in request order (refused documents left out).</summary>
    public List<DocumentWrite> Writes { get; }

    /// <summary>
    /// Checks every document before anything is written. Note: like CouchDB, one malformed document fails the whole
    /// request; a well-formed document we refuse to store (a forbidden member, or a design document the caller may not
    /// write) gets its own <c>forbidden</c> result and the others are written.
    /// </summary>
    /// <param name="mayWrite">Whether the caller may write the document with this id (design documents need admin rights).</param>
    public static (BulkDocsInput? Input, CouchError? Error) Prepare(IReadOnlyList<JsonElement> docs, bool newEdits, Func<string, bool> mayWrite)
    {
        var input = new BulkDocsInput(docs.Count);
        foreach (var item in docs)
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                return (null, CouchError.BadRequest("Document must be a JSON object"));
            }

            ParsedDocument document;
            try
            {
                document = DocumentParser.Parse(item, DocumentLimits.Default);
            }
            catch (DocumentException exception) when (exception.Error == DocumentException.Forbidden)
            {
                var refusedId = item.TryGetProperty("_id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : "";
                input.Refuse(new WriteResult(refusedId, null, exception.Error, exception.Reason));
                continue;
            }
            catch (DocumentException exception)
            {
                return (null, new CouchError(exception.StatusCode, exception.Error, exception.Reason));
            }

            var id = document.Id ?? (newEdits ? DocumentWrites.NewId() : null);
            if (id is null)
            {
                return (null, new CouchError(400, "illegal_docid", "Document id must not be empty"));
            }

            if (!DocumentIds.IsValid(id, out var reason))
            {
                return (null, new CouchError(400, "illegal_docid", reason));
            }

            if (!newEdits && DocumentWrites.ValidateReplicated(document, document.Rev) is { } replicatedError)
            {
                return (null, replicatedError);
            }

            if (!mayWrite(id))
            {
                input.Refuse(new WriteResult(id, null, "forbidden", "Only database admins may write design documents."));
                continue;
            }

            input.Writes.Add(DocumentWrites.From(document, id, document.Rev, document.Deleted, newEdits) with { NewId = document.Id is null });
        }

        return (input, null);
    }

    /// <summary>The result of every request document in request order: the grain's results with the refusals put back.</summary>
    public List<WriteResult> Merge(IReadOnlyList<WriteResult> written) => BulkDocsResults.Merge(written, refused);

    private void Refuse(WriteResult result) => refused[Writes.Count + refused.Count] = result;
}
