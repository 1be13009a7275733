namespace Tessera.Documents;

public sealed partial class RevTree
{
    /// <summary>
    /// The parent a new edit will get under CouchDB's <c>new_edits=true</c> rules: the given
    /// parent; or, when none is given and the document is deleted, the winning tombstone (a
    /// recreated document continues the deleted history); otherwise null. Compute the new
    /// revision with <see cref="RevHash.Next"/> from this parent.
    /// </summary>
    public RevId? EffectiveParent(RevId? parent)
    {
        if (parent is null && !IsEmpty && WinnerDeleted)
        {
            return Winner;
        }

        return parent;
    }

    /// <summary>
    /// Applies an interactive edit (CouchDB <c>new_edits=true</c>). The edit is a
    /// <see cref="EditStatus.Conflict"/> when: the tree is empty and a parent is given; no parent
    /// is given and the document exists and is not deleted; the parent is not a leaf (stale or
    /// unknown revision); or <paramref name="newRev"/> is already in the tree (a replayed edit).
    /// Any leaf may be extended, including losing conflicts and tombstones. A conflict changes nothing.
    /// </summary>
    /// <param name="parent">The revision the client edited (<c>_rev</c>), or null.</param>
    /// <param name="deleted">True when the edit is a deletion.</param>
    /// <param name="newRev">The new revision; its generation must be one more than <see cref="EffectiveParent"/>'s, or 1.</param>
    /// <exception cref="ArgumentException"><paramref name="newRev"/> has the wrong generation or no hash.</exception>
    public EditResult TryEdit(RevId? parent, bool deleted, RevId newRev)
    {
        if (parent is { } given ? !IsLeaf(given) : !IsEmpty && !WinnerDeleted)
        {
            return new EditResult(EditStatus.Conflict, null);
        }

        var effective = EffectiveParent(parent);
        var expected = effective is { } p ? p.Generation + 1 : 1;
        if (newRev.Generation != expected || !RevId.IsValidHash(newRev.Hash))
        {
            throw new ArgumentException(
                $"Revision {newRev} cannot follow {effective?.ToString() ?? "nothing"}: expected generation {expected} and a non-empty hash.",
                nameof(newRev));
        }

        if (_nodes.ContainsKey(newRev))
        {
            return new EditResult(EditStatus.Conflict, null);
        }

        _nodes.Add(newRev, new RevNode(effective, deleted));
        var superseded = effective is { } attached && AttachChild(attached) ? effective : null;
        _leaves = null;
        return new EditResult(EditStatus.Added, superseded);
    }

    /// <summary>
    /// Merges a replicated revision path (CouchDB <c>new_edits=false</c>, like
    /// <c>couch_key_tree:merge</c>). Revisions already in the tree are shared; unknown ones are
    /// added under their known descendants' ancestors; a path with no known revision becomes a
    /// new root, i.e. a new branch (conflict). A stored root whose ancestors were stemmed regains
    /// them when the path brings them. Merging a known path changes nothing.
    /// </summary>
    /// <param name="path">Leaf first, then its ancestors, generations strictly consecutive descending.</param>
    /// <param name="deleted">Whether the leaf (<c>path[0]</c>) is a deletion; ancestors keep their flags.</param>
    /// <exception cref="ArgumentException">The path is empty, not consecutive, or holds an invalid revision.</exception>
    public MergeResult Merge(IReadOnlyList<RevId> path, bool deleted)
    {
        ValidatePath(path);
        var changed = false;
        var superseded = new List<RevId>();
        // True when path[i - 1] was just linked to path[i] and so counts as a new child of it.
        var linkedChild = false;
        for (var i = 0; i < path.Count; i++)
        {
            var rev = path[i];
            RevId? parent = i + 1 < path.Count ? path[i + 1] : null;
            var leafDeleted = i == 0 && deleted;
            var linkParent = false;
            var existed = _nodes.TryGetValue(rev, out var node);
            if (node is null)
            {
                _nodes.Add(rev, new RevNode(parent, leafDeleted));
                changed = true;
                linkParent = parent is not null;
            }
            else
            {
                // Note: a deletion mark is only ever added, so merge order cannot change the result.
                if (leafDeleted && !node.Deleted)
                {
                    node.Deleted = true;
                    changed = true;
                }

                if (node.Parent is null && parent is not null)
                {
                    // A stemmed (or foreign) root learns its ancestors back.
                    node.Parent = parent;
                    changed = true;
                    linkParent = true;
                }
            }

            if (linkedChild && AttachChild(rev) && existed)
            {
                superseded.Add(rev);
            }

            // Note: stop where the tree already knows the ancestry; a contradicting parent (only
            // possible with forged revision ids) keeps the stored one.
            if (!linkParent && (node is null || node.Parent != parent))
            {
                break;
            }

            linkedChild = linkParent;
        }

        if (changed)
        {
            _leaves = null;
        }

        return new MergeResult(changed, superseded);
    }

    private static void ValidatePath(IReadOnlyList<RevId> path)
    {
        if (path.Count == 0)
        {
            throw new ArgumentException("A revision path must hold at least one revision.", nameof(path));
        }

        for (var i = 0; i < path.Count; i++)
        {
            var rev = path[i];
            if (rev.Generation < 1 || !RevId.IsValidHash(rev.Hash))
            {
                throw new ArgumentException($"Revision {rev} at position {i} is not a valid revision id.", nameof(path));
            }

            if (i > 0 && rev.Generation != path[i - 1].Generation - 1)
            {
                throw new ArgumentException(
                    $"A revision path must be leaf first with consecutive generations, but {path[i - 1]} is followed by {rev}.",
                    nameof(path));
            }
        }
    }
}
