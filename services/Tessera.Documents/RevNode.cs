namespace Tessera.Documents;

/// <summary>Mutable per-revision state inside a <see cref="RevTree"/>.</summary>
internal sealed class RevNode(RevId? parent, bool deleted)
{
    /// <summary>The parent revision, or null for a root (created at generation 1 or stemmed).</summary>
    public RevId? Parent { get; set; } = parent;

    public bool Deleted { get; set; } = deleted;

    // Note: a count rather than a child list keeps a node small; leaves are the nodes with 0.
    public int ChildCount { get; set; }
}
