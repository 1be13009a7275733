using System.Text.Json;
using Tessera.DataNode.Couch;
using Tessera.Documents;
using Tessera.Grains;
using Tessera.Replication.Definitions;

namespace Tessera.Replication.Endpoints;

/// <summary>
/// The check every write to a tenant's <c>_replicator</c> database passes before anything is stored, as CouchDB's
/// <c>_replicator</c> database checks its documents (<c>couch_replicator_docs:before_doc_update</c>, which parses the
/// document as a replication and answers 403 <c>forbidden</c> when it cannot).
/// </summary>
/// <remarks>
/// Note: a deletion is never checked (CouchDB skips deleted documents too), so a job that became invalid, say after
/// the parser grew stricter, can always be removed.
/// </remarks>
internal static class JobDocuments
{
    /// <summary>
    /// Parses one job document. Answers 400 when it is not a document we store here (not an object, a malformed
    /// <c>_</c> member, attachments) and 403 <c>forbidden</c> when it is a document but not a replication that can run
    /// (missing or invalid source or target, a bad URL, wrongly typed options, an unsupported filter, <c>cancel</c>).
    /// </summary>
    public static (ParsedDocument? Document, CouchError? Error) Check(JsonElement root, string tenant)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, CouchError.BadRequest("Document must be a JSON object"));
        }

        ParsedDocument document;
        try
        {
            document = DocumentParser.Parse(root, DocumentLimits.Default);
        }
        catch (DocumentException exception)
        {
            return (null, new CouchError(exception.StatusCode, exception.Error, exception.Reason));
        }

        if (document.Attachments.Count > 0)
        {
            return (null, CouchError.BadRequest("A replication job document has no attachments"));
        }

        if (document.Deleted)
        {
            return (document, null);
        }

        if (!ReplicationDefinitionParser.TryParse(root, tenant, out var definition, out var reason))
        {
            return (null, Forbidden(reason));
        }

        return definition.Cancel
            ? (null, Forbidden("`cancel` is for _replicate; delete the job document to stop the job"))
            : (document, null);
    }

    /// <summary>Whether <paramref name="id"/> may name a job: a valid document id that is neither a design nor a local document id.</summary>
    public static bool IsJobId(string id) => DocumentIds.IsValid(id, out _) && !DocumentIds.IsDesign(id) && !DocumentIds.IsLocal(id);

    public static CouchError InvalidId() =>
        new(400, "illegal_docid", "A replication job id is a document id that does not start with '_'");

    /// <summary>The grain write of a checked document: a new revision, or a tombstone.</summary>
    public static DocumentWrite Write(string id, string? rev, ParsedDocument document) =>
        new(id, rev, document.Deleted, document.Deleted ? "{}" : document.Body, null, []);

    private static CouchError Forbidden(string reason) => new(403, "forbidden", reason);
}
