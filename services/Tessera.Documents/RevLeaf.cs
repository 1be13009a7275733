namespace Tessera.Documents;

/// <summary>A leaf of a <see cref="RevTree"/>: a revision with no children, and whether it is a tombstone.</summary>
/// <param name="Rev">The leaf revision.</param>
/// <param name="Deleted">True when the leaf is a deletion (tombstone).</param>
public readonly record struct RevLeaf(RevId Rev, bool Deleted);
