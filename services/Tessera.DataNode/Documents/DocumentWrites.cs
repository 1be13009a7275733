using Tessera.DataNode.Couch;
using Tessera.Documents;
using Tessera.Grains;
using Tessera.Storage;

namespace Tessera.DataNode.Documents;

/// <summary>
/// Turns parsed client documents into grain write messages and grain results into CouchDB answers. REST and gRPC both
/// write through here, so both keep the same rules.
/// </summary>
internal static class DocumentWrites
{
    public static DocumentWrite From(ParsedDocument document, string id, RevId? rev, bool deleted, bool newEdits) => new(
        id,
        rev?.ToString(),
        deleted,
        document.Body,
        newEdits ? null : document.Revisions?.Select(r => r.ToString()).ToList(),
        document.Attachments.Select(a => new AttachmentWrite(a.Name, a.ContentType, a.Stub, a.Data, a.Digest, a.Length, a.RevPos)).ToList());

    /// <summary>Parses one document body (<c>PUT /{db}/{id}</c>, <c>POST /{db}</c>, gRPC <c>Put</c>), or returns CouchDB's error for it.</summary>
    public static (ParsedDocument? Document, CouchError? Error) Parse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return (DocumentParser.Parse(utf8Json, DocumentLimits.Default), null);
        }
        catch (DocumentException exception)
        {
            return (null, new CouchError(exception.StatusCode, exception.Error, exception.Reason));
        }
    }

    /// <summary>Checks what new_edits=false needs: a revision to merge.</summary>
    public static CouchError? ValidateReplicated(ParsedDocument document, RevId? rev) =>
        rev is null && document.Revisions is null
            ? CouchError.BadRequest("Document is missing a _rev, required when new_edits is false.")
            : null;

    /// <summary>
    /// CouchDB's answers to a delete that need no writer: 404 for a document that never existed and for a tombstone
    /// deleted again, 409 without a revision. Only the writer decides conflicts; this read just picks the right error.
    /// </summary>
    public static async Task<CouchError?> CheckDeleteAsync(IDocumentReader reader, long database, string id, RevId? rev, CancellationToken cancellationToken)
    {
        var stored = await reader.GetDocumentAsync(database, id, cancellationToken);
        if (stored is null)
        {
            return CouchError.NotFound();
        }

        if (rev is null)
        {
            return CouchError.Conflict();
        }

        var tree = RevTree.Deserialize(stored.RevTree);
        return tree.IsLeaf(rev.Value) && tree.IsDeleted(rev.Value) ? CouchError.NotFound("deleted") : null;
    }

    /// <summary>Writes one document through the database's single writer; acknowledged after its commit.</summary>
    public static async Task<(WriteResult? Result, CouchError? Error)> WriteOneAsync(IGrainFactory grains, string tenant, string database, DocumentWrite write, bool newEdits)
    {
        var response = await grains.GetDatabaseGrain(tenant, database).WriteAsync(new WriteRequest([write], newEdits));
        return ResultOf(response);
    }

    /// <summary>The outcome of a one-document write: its result, or the error to answer.</summary>
    public static (WriteResult? Result, CouchError? Error) ResultOf(WriteResponse response)
    {
        if (response.Status == DatabaseStatus.NotFound)
        {
            return (null, CouchError.DatabaseNotFound());
        }

        var result = response.Results[0];
        return result.Ok ? (result, null) : (null, new CouchError(StatusOf(result.Error!), result.Error!, result.Reason ?? ""));
    }

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

    /// <summary>An id for a document written without one (CouchDB's sequential algorithm, see <see cref="SequentialIds"/>).</summary>
    public static string NewId() => SequentialIds.Next();
}
