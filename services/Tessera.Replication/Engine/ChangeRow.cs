namespace Tessera.Replication.Engine;

/// <summary>One row of a source's <c>_changes?style=all_docs</c>: a document and all its leaf revisions.</summary>
/// <param name="Seq">The row's sequence as raw JSON (a string or a number): sequences are opaque and passed back unchanged.</param>
internal sealed record ChangeRow(string Seq, string Id, IReadOnlyList<string> Revs, bool Deleted);

/// <summary>A batch of changes and the sequence to ask from next (raw JSON).</summary>
internal sealed record ChangesBatch(IReadOnlyList<ChangeRow> Rows, string LastSeq, long? Pending);

/// <summary>A document revision a target's <c>_bulk_docs</c> refused.</summary>
internal sealed record WriteFailure(string Id, string? Rev, string Error, string Reason);

/// <summary>A revision read from the source, ready to store: its JSON with <c>_revisions</c> and inline attachments.</summary>
internal sealed record FetchedRevision(string Id, string Rev, string Json);
