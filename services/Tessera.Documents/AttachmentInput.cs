namespace Tessera.Documents;

/// <summary>An attachment as sent in a document's <c>_attachments</c>.</summary>
/// <remarks>
/// Inline attachments have <see cref="Data"/>, a computed <see cref="Digest"/> (<c>md5-</c> + base64,
/// CouchDB's format) and <see cref="Length"/>, and the <see cref="RevPos"/> the client sent, if any: the writer assigns
/// the new generation for new edits and keeps a given one for replicated revisions (new_edits=false), as CouchDB does.
/// Stubs (<see cref="Stub"/> true) refer to an attachment of the parent revision and carry whatever
/// digest, length and revpos the client sent.
/// </remarks>
/// <param name="Name">The attachment name; non-empty, not starting with '_'.</param>
/// <param name="ContentType">The media type; <c>application/octet-stream</c> when not given.</param>
/// <param name="Stub">True for a stub that keeps an existing attachment.</param>
/// <param name="Data">The decoded bytes of an inline attachment; null for a stub.</param>
/// <param name="Digest">The content digest, e.g. <c>md5-XUFAKrxLKna5cZ2REBfFkg==</c>.</param>
/// <param name="Length">The content length in bytes.</param>
/// <param name="RevPos">The generation that last changed the attachment, as sent (a positive number), or null.</param>
public sealed record AttachmentInput(
    string Name, string ContentType, bool Stub, byte[]? Data, string? Digest, long? Length, int? RevPos);
