namespace Tessera.Documents;

/// <summary>
/// The status of a revision in a <c>_revs_info</c> response. <see cref="RevTree"/> does not know
/// which bodies are kept: callers decide between <see cref="Available"/> and <see cref="Missing"/>
/// and use <see cref="RevTree.IsDeleted"/> for <see cref="Deleted"/>.
/// </summary>
public enum RevStatus
{
    /// <summary>The revision's body is stored and can be read.</summary>
    Available,

    /// <summary>The revision is known but its body was compacted away or never received.</summary>
    Missing,

    /// <summary>The revision is a deletion.</summary>
    Deleted,
}
