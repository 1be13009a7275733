namespace Tessera.Documents;

/// <summary>The result of <see cref="RevTree.TryEdit"/>.</summary>
/// <param name="Status">Whether the revision was added.</param>
/// <param name="Superseded">The leaf that stopped being a leaf because the new revision extends it, if any.</param>
public readonly record struct EditResult(EditStatus Status, RevId? Superseded);
