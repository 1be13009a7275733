using Tessera.DataNode.Couch;
using Tessera.Documents;
using Tessera.Grains;

namespace Tessera.DataNode.Documents;

/// <summary>Turns parsed client documents into grain write messages and grain results into CouchDB answers.</summary>
internal static class DocumentWrites
{
    public static DocumentWrite From(ParsedDocument document, string id, RevId? rev, bool deleted, bool newEdits) => new(
        id,
        rev?.ToString(),
        deleted,
        document.Body,
        newEdits ? null : document.Revisions?.Select(r => r.ToString()).ToList(),
        document.Attachments.Select(a => new AttachmentWrite(a.Name, a.ContentType, a.Stub, a.Data, a.Digest, a.Length, a.RevPos)).ToList());

    /// <summary>Checks what new_edits=false needs: a revision to merge.</summary>
    public static CouchError? ValidateReplicated(ParsedDocument document, RevId? rev) =>
        rev is null && document.Revisions is null
            ? CouchError.BadRequest("Document is missing a _rev, required when new_edits is false.")
            : null;

    /// <summary>The HTTP status CouchDB uses for a per-document error token.</summary>
    public static int StatusOf(string error) => error switch
    {
        "conflict" => 409,
        "precondition_failed" or "missing_stub" => 412,
        "forbidden" => 403,
        "unauthorized" => 401,
        "not_found" => 404,
        "too_large" or "document_too_large" => 413,
        _ => 400,
    };

    public static string NewId() => Guid.NewGuid().ToString("N");
}
