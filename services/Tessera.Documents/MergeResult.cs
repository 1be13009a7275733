namespace Tessera.Documents;

/// <summary>The result of <see cref="RevTree.Merge"/>.</summary>
/// <param name="Added">True when the tree changed; false means the path was already fully known.</param>
/// <param name="Superseded">Revisions that were leaves before the merge and no longer are.</param>
public readonly record struct MergeResult(bool Added, IReadOnlyList<RevId> Superseded);
