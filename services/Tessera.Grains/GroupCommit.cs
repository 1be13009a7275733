using Tessera.Documents;
using Tessera.Storage;

namespace Tessera.Grains;

/// <summary>
/// Applies a group of write requests to the documents' revision trees in memory, in order, and collects what one
/// transaction must store. Nothing is stored here; the grain commits the batch and only then acknowledges.
/// </summary>
internal sealed class GroupCommit
{
    private readonly DatabaseRecord database;
    private readonly IDocumentReader reader;
    private readonly Dictionary<string, DocumentState> states = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), RevisionBody> bodies = [];
    private readonly List<RevisionKey> removed = [];
    private readonly Dictionary<string, AttachmentContent> attachments = new(StringComparer.Ordinal);
    private long seq;

    private GroupCommit(DatabaseRecord database, IDocumentReader reader)
    {
        this.database = database;
        this.reader = reader;
        seq = database.UpdateSeq;
    }

    public CommitBatch Batch { get; private set; } = null!;

    public List<IReadOnlyList<WriteResult>> Results { get; } = [];

    public static async Task<GroupCommit> PrepareAsync(DatabaseRecord database, IReadOnlyList<WriteRequest> requests, IDocumentReader reader, RecentDocuments recent)
    {
        var commit = new GroupCommit(database, reader);
        await commit.LoadAsync(requests, recent);
        foreach (var request in requests)
        {
            var results = new WriteResult[request.Documents.Count];
            for (var i = 0; i < results.Length; i++)
            {
                var document = request.Documents[i];
                results[i] = request.NewEdits ? await commit.EditAsync(document) : await commit.MergeAsync(document);
            }

            commit.Results.Add(results);
        }

        commit.Batch = commit.Build();
        return commit;
    }

    // Reads only what neither the grain's recent writes nor a server-generated id already tell.
    private async Task LoadAsync(IReadOnlyList<WriteRequest> requests, RecentDocuments recent)
    {
        var unknown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var write in requests.SelectMany(r => r.Documents))
        {
            if (states.ContainsKey(write.Id) || unknown.Contains(write.Id))
            {
                continue;
            }

            if (recent.TryGetDocument(write.Id, out var known))
            {
                states[write.Id] = new DocumentState(known, RevTree.Deserialize(known.RevTree));
            }
            else if (write.NewId)
            {
                states[write.Id] = new DocumentState(null, new RevTree());
            }
            else
            {
                unknown.Add(write.Id);
            }
        }

        var stored = unknown.Count == 0 ? null : await reader.GetDocumentsAsync(database.Key, unknown);
        foreach (var id in unknown)
        {
            var record = stored!.GetValueOrDefault(id);
            states[id] = new DocumentState(record, record is null ? new RevTree() : RevTree.Deserialize(record.RevTree));
        }
    }

    /// <summary>new_edits=true: the client edits a leaf; the server mints the next revision.</summary>
    private async ValueTask<WriteResult> EditAsync(DocumentWrite write)
    {
        var state = states[write.Id];
        var tree = state.Tree;
        RevId? parent = write.Rev is null ? null : RevId.Parse(write.Rev);
        if (parent is null && !tree.IsEmpty)
        {
            if (!tree.WinnerDeleted)
            {
                return Conflict(write.Id);
            }

            // CouchDB recreates a deleted document as a child of its tombstone.
            parent = tree.Winner;
        }

        if (parent is RevId p && !tree.IsLeaf(p))
        {
            return Conflict(write.Id);
        }

        var generation = (parent?.Generation ?? 0) + 1;
        var stubs = await ResolveAttachmentsAsync(write, parent, generation, replicated: false);
        if (stubs.Error is not null)
        {
            return new WriteResult(write.Id, null, "missing_stub", stubs.Error);
        }

        var body = DocumentJson.ComposeBody(write.Body, stubs.Stubs);
        var rev = RevHash.Next(parent, write.Deleted, body);
        var edit = tree.TryEdit(parent, write.Deleted, rev);
        if (edit.Status != EditStatus.Added)
        {
            return Conflict(write.Id);
        }

        Record(state, write.Id, rev, body);
        return new WriteResult(write.Id, rev.ToString());
    }

    /// <summary>new_edits=false: the revision and its history come from another replica and are merged as given.</summary>
    private async ValueTask<WriteResult> MergeAsync(DocumentWrite write)
    {
        var state = states[write.Id];
        var path = (write.RevisionPath ?? [write.Rev!]).Select(RevId.Parse).ToList();
        if (state.Tree.Contains(path[0]))
        {
            return new WriteResult(write.Id, path[0].ToString());
        }

        RevId? parent = path.Count > 1 ? path[1] : null;
        var stubs = await ResolveAttachmentsAsync(write, parent is RevId known && state.Tree.Contains(known) ? known : null, path[0].Generation, replicated: true);
        if (stubs.Error is not null)
        {
            return new WriteResult(write.Id, null, "missing_stub", stubs.Error);
        }

        var body = DocumentJson.ComposeBody(write.Body, stubs.Stubs);
        var merge = state.Tree.Merge(path, write.Deleted);
        if (merge.Added)
        {
            Record(state, write.Id, path[0], body);
        }

        return new WriteResult(write.Id, path[0].ToString());
    }

    private void Record(DocumentState state, string id, RevId rev, string body)
    {
        seq++;
        state.Changed = true;
        state.Seq = seq;
        var revText = rev.ToString();
        bodies[(id, revText)] = new RevisionBody(id, revText, body);
        foreach (var stemmed in state.Tree.Stem(database.RevsLimit))
        {
            var key = (id, stemmed.ToString());
            if (!bodies.Remove(key))
            {
                removed.Add(new RevisionKey(id, key.Item2));
            }
        }
    }

    /// <param name="replicated">new_edits=false: inline attachments keep the revpos they came with (when it fits the revision), so replicas agree.</param>
    private async ValueTask<(IReadOnlyList<AttachmentStub> Stubs, string? Error)> ResolveAttachmentsAsync(DocumentWrite write, RevId? parent, int generation, bool replicated)
    {
        if (write.Attachments.Count == 0)
        {
            return ([], null);
        }

        IReadOnlyList<AttachmentStub>? previous = null;
        var stubs = new List<AttachmentStub>(write.Attachments.Count);
        foreach (var attachment in write.Attachments)
        {
            if (!attachment.Stub)
            {
                var digest = attachment.Digest!;
                attachments.TryAdd(digest, new AttachmentContent(digest, attachment.Data!));
                var revPos = replicated && attachment.RevPos is int given && given <= generation ? given : generation;
                stubs.Add(new AttachmentStub(attachment.Name, attachment.ContentType, digest, attachment.Data!.LongLength, revPos));
                continue;
            }

            previous ??= await ReadStubsAsync(write.Id, parent);
            var kept = previous.FirstOrDefault(s => s.Name == attachment.Name && (attachment.Digest is null || s.Digest == attachment.Digest));
            if (kept is null)
            {
                return ([], $"Invalid attachment stub in {write.Id} for {attachment.Name}");
            }

            stubs.Add(kept);
        }

        return (stubs, null);
    }

    private async Task<IReadOnlyList<AttachmentStub>> ReadStubsAsync(string id, RevId? parent)
    {
        if (parent is not RevId p)
        {
            return [];
        }

        var body = bodies.TryGetValue((id, p.ToString()), out var pending)
            ? pending.Json
            : await reader.GetBodyAsync(database.Key, id, p.ToString());
        return body is null ? [] : DocumentJson.ReadStubs(body);
    }

    private CommitBatch Build()
    {
        var documents = new List<DocumentRecord>();
        var created = new HashSet<string>(StringComparer.Ordinal);
        long live = 0, deleted = 0;
        foreach (var (id, state) in states)
        {
            if (!state.Changed)
            {
                continue;
            }

            var tree = state.Tree;
            documents.Add(new DocumentRecord(id, tree.Winner.ToString(), tree.WinnerDeleted, state.Seq, tree.Serialize()));
            if (state.Original is { } before)
            {
                live -= before.Deleted ? 0 : 1;
                deleted -= before.Deleted ? 1 : 0;
            }
            else
            {
                created.Add(id);
            }

            live += tree.WinnerDeleted ? 0 : 1;
            deleted += tree.WinnerDeleted ? 1 : 0;
        }

        documents.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return new CommitBatch(documents, [.. bodies.Values], removed, [.. attachments.Values], seq, live, deleted) { NewDocuments = created };
    }

    private static WriteResult Conflict(string id) => new(id, null, "conflict", "Document update conflict.");

    private sealed class DocumentState(DocumentRecord? original, RevTree tree)
    {
        public DocumentRecord? Original { get; } = original;

        public RevTree Tree { get; } = tree;

        public bool Changed { get; set; }

        public long Seq { get; set; }
    }
}
