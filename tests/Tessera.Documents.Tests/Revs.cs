using Tessera.Documents;

namespace Tessera.Documents.Tests;

/// <summary>Short ways to write revisions and paths in tests.</summary>
internal static class Revs
{
    public static RevId R(string text) => RevId.Parse(text);

    /// <summary>A leaf-first path, e.g. <c>Path("3-c", "2-b", "1-a")</c>.</summary>
    public static RevId[] Path(params string[] revs) => [.. revs.Select(RevId.Parse)];

    /// <summary>A tree built by merging each path (leaf first); a leading '!' on the leaf marks it deleted.</summary>
    public static RevTree Tree(params string[][] paths)
    {
        var tree = new RevTree();
        foreach (var path in paths)
        {
            var deleted = path[0].StartsWith('!');
            var revs = path.Select((rev, i) => RevId.Parse(i == 0 && deleted ? rev[1..] : rev)).ToArray();
            tree.Merge(revs, deleted);
        }

        return tree;
    }

    /// <summary>The nodes as text, e.g. <c>"2-b&lt;1-a"</c> or <c>"3-c!"</c> for a deleted root, for readable comparisons.</summary>
    public static string[] Describe(RevTree tree) =>
        [.. tree.Nodes.Select(n => $"{n.Rev}{(n.Parent is { } p ? "<" + p : "")}{(n.Deleted ? "!" : "")}")];
}
