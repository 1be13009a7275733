using Tessera.Documents;
using Tessera.Storage;

namespace Tessera.DataNode.Documents;

/// <summary>Builds the extras a document read asks for (conflicts, revisions, revs_info, attachment data).</summary>
internal static class DocumentRead
{
    /// <param name="tree">The record's revision tree when the caller has already read it (it is read again otherwise).</param>
    public static async Task<DocumentExtras> ExtrasAsync(
        IDocumentReader reader, long database, DocumentRecord record, RevId rev, string? body, ReadFlags flags, CancellationToken cancellationToken,
        RevTree? tree = null)
    {
        if (flags == ReadFlags.None)
        {
            return DocumentExtras.None;
        }

        tree ??= RevTree.Deserialize(record.RevTree);
        var isWinner = rev.ToString() == record.WinningRev;
        List<(RevId, string)>? revsInfo = null;
        if (flags.HasFlag(ReadFlags.RevsInfo))
        {
            // One read tells which ancestors still have a body (compaction drops the others).
            var ancestry = tree.Ancestry(rev);
            var kept = await reader.GetBodiesAsync(
                database, ancestry.Where(a => a != rev && !tree.IsDeleted(a)).Select(a => new RevisionKey(record.Id, a.ToString())).ToList(), cancellationToken);
            revsInfo = [];
            foreach (var ancestor in ancestry)
            {
                var status = tree.IsDeleted(ancestor) ? "deleted"
                    : ancestor == rev || kept.ContainsKey(new RevisionKey(record.Id, ancestor.ToString())) ? "available"
                    : "missing";
                revsInfo.Add((ancestor, status));
            }
        }

        return new DocumentExtras(
            flags.HasFlag(ReadFlags.Conflicts) && isWinner ? tree.Conflicts : null,
            flags.HasFlag(ReadFlags.DeletedConflicts) && isWinner ? tree.DeletedConflicts : null,
            flags.HasFlag(ReadFlags.Revisions) ? tree.Ancestry(rev) : null,
            revsInfo,
            flags.HasFlag(ReadFlags.Attachments) && body is not null ? await AttachmentDataAsync(reader, database, body, cancellationToken) : null);
    }

    public static async Task<IReadOnlyDictionary<string, byte[]>> AttachmentDataAsync(IDocumentReader reader, long database, string body, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var stub in DocumentJson.ReadStubs(body))
        {
            if (!data.ContainsKey(stub.Digest) && await reader.GetAttachmentAsync(database, stub.Digest, cancellationToken) is { } content)
            {
                data[stub.Digest] = content.Data;
            }
        }

        return data;
    }
}

[Flags]
internal enum ReadFlags
{
    None = 0,
    Conflicts = 1,
    DeletedConflicts = 2,
    Revisions = 4,
    RevsInfo = 8,
    Attachments = 16,
}
