namespace Tessera.Documents;

/// <summary>A document request body split into CouchDB's special members and the user's fields.</summary>
/// <param name="Id"><c>_id</c>, validated by <see cref="DocumentIds.IsValid"/>; null when absent.</param>
/// <param name="Rev"><c>_rev</c>, or the first of <see cref="Revisions"/> when only <c>_revisions</c> is given; null when neither is.</param>
/// <param name="Deleted">True only when <c>_deleted</c> is JSON <c>true</c>.</param>
/// <param name="Revisions"><c>_revisions</c> expanded leaf first (start, start-1, …); null when absent.</param>
/// <param name="Attachments">The <c>_attachments</c> entries in the order sent; empty when absent.</param>
/// <param name="Body">The compact JSON object of the user's fields in their original order, without any <c>_</c>-prefixed member.</param>
public sealed record ParsedDocument(
    string? Id,
    RevId? Rev,
    bool Deleted,
    IReadOnlyList<RevId>? Revisions,
    IReadOnlyList<AttachmentInput> Attachments,
    string Body);
