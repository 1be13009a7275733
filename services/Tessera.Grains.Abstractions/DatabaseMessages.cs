namespace Tessera.Grains;

[GenerateSerializer]
public enum DatabaseStatus
{
    Ok = 0,
    Created = 1,
    NotFound = 2,
    AlreadyExists = 3,
}

/// <summary>One document to write. <see cref="Body"/> holds the user's fields only (no <c>_</c> members).</summary>
/// <param name="NewId">The server generated <paramref name="Id"/> for this write, so no stored document can have it.</param>
/// <param name="Rev">The revision being updated (new_edits=true) or the new leaf (new_edits=false).</param>
/// <param name="RevisionPath">For new_edits=false: the leaf-first ancestry from <c>_revisions</c>; null to use <paramref name="Rev"/> alone.</param>
[GenerateSerializer, Immutable, Alias("tessera.DocumentWrite.v1")]
public sealed record DocumentWrite(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Rev,
    [property: Id(2)] bool Deleted,
    [property: Id(3)] string Body,
    [property: Id(4)] IReadOnlyList<string>? RevisionPath,
    [property: Id(5)] IReadOnlyList<AttachmentWrite> Attachments,
    [property: Id(6)] bool NewId = false);

/// <summary>An attachment of a written document: new bytes, or a stub that keeps one of the previous revision.</summary>
[GenerateSerializer, Immutable, Alias("tessera.AttachmentWrite.v1")]
public sealed record AttachmentWrite(
    [property: Id(0)] string Name,
    [property: Id(1)] string ContentType,
    [property: Id(2)] bool Stub,
    [property: Id(3)] byte[]? Data,
    [property: Id(4)] string? Digest,
    [property: Id(5)] long? Length,
    [property: Id(6)] int? RevPos);

[GenerateSerializer, Immutable, Alias("tessera.WriteRequest.v1")]
public sealed record WriteRequest(
    [property: Id(0)] IReadOnlyList<DocumentWrite> Documents,
    [property: Id(1)] bool NewEdits = true);

/// <summary>The outcome for one document: a new revision, or a CouchDB error token and reason.</summary>
[GenerateSerializer, Immutable, Alias("tessera.WriteResult.v1")]
public sealed record WriteResult(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Rev,
    [property: Id(2)] string? Error = null,
    [property: Id(3)] string? Reason = null)
{
    public bool Ok => Error is null;
}

[GenerateSerializer, Immutable, Alias("tessera.WriteResponse.v1")]
public sealed record WriteResponse(
    [property: Id(0)] DatabaseStatus Status,
    [property: Id(1)] IReadOnlyList<WriteResult> Results,
    [property: Id(2)] long DatabaseKey);

/// <summary>A <c>_local</c> document write or, with <see cref="Deleted"/>, its deletion.</summary>
[GenerateSerializer, Immutable, Alias("tessera.LocalWrite.v1")]
public sealed record LocalWrite(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Rev,
    [property: Id(2)] bool Deleted,
    [property: Id(3)] string Body);

[GenerateSerializer, Immutable, Alias("tessera.LocalWriteResult.v1")]
public sealed record LocalWriteResult(
    [property: Id(0)] DatabaseStatus Status,
    [property: Id(1)] string? Rev,
    [property: Id(2)] string? Error = null,
    [property: Id(3)] string? Reason = null);
