using Tessera.Documents;

namespace Tessera.Documents.Tests;

/// <summary>
/// A random document history (a forest of revisions, some deleted, some roots stemmed) and
/// replicated paths cut from it, to be merged in two different orders, duplicates included.
/// </summary>
public sealed record MergeScenario(
    IReadOnlyList<(RevId Rev, RevId? Parent, bool Deleted)> History,
    IReadOnlyList<(RevId[] Path, bool Deleted)> FirstOrder,
    IReadOnlyList<(RevId[] Path, bool Deleted)> SecondOrder)
{
    public static RevTree MergeAll(IEnumerable<(RevId[] Path, bool Deleted)> paths)
    {
        var tree = new RevTree();
        foreach (var (path, deleted) in paths)
        {
            tree.Merge(path, deleted);
        }

        return tree;
    }

    public override string ToString() =>
        "history: " + string.Join(", ", History.Select(n => $"{n.Rev}<{n.Parent}{(n.Deleted ? "!" : "")}"))
        + "\nfirst: " + string.Join(" | ", FirstOrder.Select(Show))
        + "\nsecond: " + string.Join(" | ", SecondOrder.Select(Show));

    private static string Show((RevId[] Path, bool Deleted) p) => (p.Deleted ? "!" : "") + string.Join(",", p.Path);
}
