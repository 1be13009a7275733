using System.Globalization;

namespace Tessera.Grains;

/// <summary>Revisions of <c>_local</c> documents: "0-N", not a tree.</summary>
internal static class LocalRevision
{
    public static long Next(string rev) =>
        rev.StartsWith("0-", StringComparison.Ordinal) && long.TryParse(rev.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n + 1
            : 1;
}
