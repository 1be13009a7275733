namespace Tessera.Documents;

/// <summary>The outcome of <see cref="RevTree.TryEdit"/>.</summary>
public enum EditStatus
{
    /// <summary>The new revision was added to the tree.</summary>
    Added,

    /// <summary>The edit was refused (HTTP 409): stale or unknown parent, or the revision already exists.</summary>
    Conflict,
}
