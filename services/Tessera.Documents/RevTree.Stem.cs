namespace Tessera.Documents;

public sealed partial class RevTree
{
    /// <summary>
    /// Forgets old revisions like <c>couch_key_tree:stem</c>: a revision is kept when it is one
    /// of the last <paramref name="revsLimit"/> revisions of at least one root-to-leaf path
    /// (counting the leaf), so every leaf keeps at least <paramref name="revsLimit"/> revisions of
    /// ancestry where it had them. Kept revisions whose parent is removed become roots. Leaves,
    /// and so the winner and conflicts, never change.
    /// </summary>
    /// <param name="revsLimit">The database's <c>_revs_limit</c>, at least 1.</param>
    /// <returns>The removed revisions, sorted by generation then hash.</returns>
    public IReadOnlyList<RevId> Stem(int revsLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(revsLimit, 1);

        // No path can be longer than the whole tree: the common case (few revisions) stems nothing.
        if (_nodes.Count <= revsLimit)
        {
            return [];
        }

        var deepestFirst = _nodes.Keys.ToArray();
        Array.Sort(deepestFirst, static (a, b) => b.CompareTo(a));

        // Distance from each revision to its nearest descendant leaf. Children are one generation
        // deeper than their parent, so a deepest-first pass sees every child before its parent.
        var distance = new Dictionary<RevId, int>(_nodes.Count);
        foreach (var rev in deepestFirst)
        {
            var node = _nodes[rev];
            if (node.ChildCount == 0)
            {
                distance[rev] = 0;
            }

            if (node.Parent is { } parent)
            {
                var viaRev = distance[rev] + 1;
                distance[parent] = distance.TryGetValue(parent, out var known) ? Math.Min(known, viaRev) : viaRev;
            }
        }

        var removed = new List<RevId>();
        foreach (var rev in deepestFirst)
        {
            if (distance[rev] >= revsLimit)
            {
                removed.Add(rev);
            }
        }

        if (removed.Count == 0)
        {
            return [];
        }

        foreach (var rev in removed)
        {
            _nodes.Remove(rev);
        }

        foreach (var node in _nodes.Values)
        {
            if (node.Parent is { } parent && !_nodes.ContainsKey(parent))
            {
                node.Parent = null;
            }
        }

        // A kept revision may lose a removed child (one whose leaves are all far away), so recount.
        RecountChildren(_nodes);
        _leaves = null;
        removed.Reverse();
        return removed;
    }

    private static void RecountChildren(Dictionary<RevId, RevNode> nodes)
    {
        foreach (var node in nodes.Values)
        {
            node.ChildCount = 0;
        }

        foreach (var node in nodes.Values)
        {
            if (node.Parent is { } parent)
            {
                nodes[parent].ChildCount++;
            }
        }
    }
}
