namespace Tessera.Documents;

/// <summary>
/// The revision tree of one document, with CouchDB 3.x semantics: a forest whose roots are
/// generation-1 revisions or revisions whose ancestors were stemmed or never received.
/// </summary>
/// <remarks>
/// Guarantees: every revision appears once; a node's parent, when known, is in the tree and is
/// one generation older; the winner and leaf order follow CouchDB's deterministic rule (live
/// beats deleted, then higher generation, then higher hash by ordinal comparison), so every
/// replica holding the same revisions picks the same winner. Merging the same paths in any order
/// yields the same tree. Concurrent reads are safe; changes (TryEdit, Merge, Stem) need exclusive
/// access, which the single writer of a database provides.
/// </remarks>
public sealed partial class RevTree
{
    private readonly Dictionary<RevId, RevNode> _nodes;
    private RevLeaf[]? _leaves;

    /// <summary>Creates an empty tree.</summary>
    public RevTree()
    {
        _nodes = [];
    }

    private RevTree(Dictionary<RevId, RevNode> nodes)
    {
        _nodes = nodes;
    }

    /// <summary>True when the tree holds no revision.</summary>
    public bool IsEmpty => _nodes.Count == 0;

    /// <summary>The number of revisions in the tree.</summary>
    public int Count => _nodes.Count;

    /// <summary>The winning revision, the first of <see cref="Leaves"/>.</summary>
    /// <exception cref="InvalidOperationException">The tree is empty.</exception>
    public RevId Winner => WinningLeaf.Rev;

    /// <summary>True when the winning revision is a tombstone, i.e. the document is deleted.</summary>
    /// <exception cref="InvalidOperationException">The tree is empty.</exception>
    public bool WinnerDeleted => WinningLeaf.Deleted;

    /// <summary>All leaves, winner first, in CouchDB's order: live before deleted, then generation and hash descending.</summary>
    public IReadOnlyList<RevLeaf> Leaves => _leaves ??= ComputeLeaves();

    /// <summary>Live leaves other than the winner, in <see cref="Leaves"/> order (CouchDB <c>_conflicts</c>).</summary>
    public IReadOnlyList<RevId> Conflicts => LosingLeaves(deleted: false);

    /// <summary>Deleted leaves other than the winner, in <see cref="Leaves"/> order (CouchDB <c>_deleted_conflicts</c>).</summary>
    public IReadOnlyList<RevId> DeletedConflicts => LosingLeaves(deleted: true);

    /// <summary>Every revision with its parent (null for a root) and deletion flag, sorted by generation then hash.</summary>
    public IReadOnlyList<(RevId Rev, RevId? Parent, bool Deleted)> Nodes
    {
        get
        {
            var nodes = new (RevId Rev, RevId? Parent, bool Deleted)[_nodes.Count];
            var i = 0;
            foreach (var (rev, node) in _nodes)
            {
                nodes[i++] = (rev, node.Parent, node.Deleted);
            }

            Array.Sort(nodes, static (a, b) => a.Rev.CompareTo(b.Rev));
            return nodes;
        }
    }

    private RevLeaf WinningLeaf =>
        IsEmpty ? throw new InvalidOperationException("An empty revision tree has no winner.") : Leaves[0];

    /// <summary>True when the tree holds <paramref name="rev"/>.</summary>
    public bool Contains(RevId rev) => _nodes.ContainsKey(rev);

    /// <summary>True when <paramref name="rev"/> is in the tree and has no child.</summary>
    public bool IsLeaf(RevId rev) => _nodes.TryGetValue(rev, out var node) && node.ChildCount == 0;

    /// <summary>True when <paramref name="rev"/> is in the tree and is a deletion (leaf or not).</summary>
    public bool IsDeleted(RevId rev) => _nodes.TryGetValue(rev, out var node) && node.Deleted;

    /// <summary>
    /// <paramref name="rev"/> followed by its parent, grandparent and so on as far as stored
    /// (for <c>_revisions</c> and <c>_revs_info</c>); empty when the revision is unknown.
    /// </summary>
    public IReadOnlyList<RevId> Ancestry(RevId rev)
    {
        if (!_nodes.TryGetValue(rev, out var node))
        {
            return [];
        }

        var ancestry = new List<RevId> { rev };
        while (node.Parent is { } parent)
        {
            ancestry.Add(parent);
            node = _nodes[parent];
        }

        return ancestry;
    }

    /// <summary>Returns an independent copy, for callers that want to try changes without committing them.</summary>
    public RevTree Clone()
    {
        var nodes = new Dictionary<RevId, RevNode>(_nodes.Count);
        foreach (var (rev, node) in _nodes)
        {
            nodes.Add(rev, new RevNode(node.Parent, node.Deleted) { ChildCount = node.ChildCount });
        }

        return new RevTree(nodes);
    }

    /// <summary>CouchDB's leaf order: live before deleted, then higher revision (generation, hash) first.</summary>
    internal static int CompareLeaves(RevLeaf a, RevLeaf b)
    {
        if (a.Deleted != b.Deleted)
        {
            return a.Deleted ? 1 : -1;
        }

        return b.Rev.CompareTo(a.Rev);
    }

    private RevLeaf[] ComputeLeaves()
    {
        var leaves = new List<RevLeaf>();
        foreach (var (rev, node) in _nodes)
        {
            if (node.ChildCount == 0)
            {
                leaves.Add(new RevLeaf(rev, node.Deleted));
            }
        }

        var sorted = leaves.ToArray();
        Array.Sort(sorted, CompareLeaves);
        return sorted;
    }

    private List<RevId> LosingLeaves(bool deleted)
    {
        var leaves = Leaves;
        var losers = new List<RevId>();
        for (var i = 1; i < leaves.Count; i++)
        {
            if (leaves[i].Deleted == deleted)
            {
                losers.Add(leaves[i].Rev);
            }
        }

        return losers;
    }

    /// <summary>Adds a child to <paramref name="parent"/>; returns true when the parent was a leaf until now.</summary>
    private bool AttachChild(RevId parent)
    {
        var node = _nodes[parent];
        node.ChildCount++;
        return node.ChildCount == 1;
    }
}
