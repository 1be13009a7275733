using System.Security.Cryptography;

namespace Tessera.Documents;

/// <summary>
/// Ids for documents written without one, made the way CouchDB's default <c>uuids/algorithm = sequential</c> makes them:
/// 32 lowercase hex characters, a random 26-character prefix and a 6-character suffix that grows by a random step
/// (1 to 0xffe) per id; when the suffix passes 0xfff000 a new random prefix starts.
/// Note: random ids would land anywhere in a database's primary-key B-trees; ids that mostly increase append at the
/// right edge, which keeps inserts on a few hot pages (CouchDB chose the algorithm for the same reason). A prefix has
/// 104 random bits, so ids of different processes never meet.
/// </summary>
public static class SequentialIds
{
    private const int SuffixLimit = 0xfff000;
    private const int MaxStep = 0xffe;
    private static readonly Lock Gate = new();
    private static string prefix = NewPrefix();
    private static int suffix = RandomNumberGenerator.GetInt32(1, MaxStep + 1);

    public static string Next()
    {
        string currentPrefix;
        int currentSuffix;
        lock (Gate)
        {
            currentPrefix = prefix;
            currentSuffix = suffix;
            if (suffix >= SuffixLimit)
            {
                prefix = NewPrefix();
                suffix = Random.Shared.Next(1, MaxStep + 1);
            }
            else
            {
                suffix += Random.Shared.Next(1, MaxStep + 1);
            }
        }

        return string.Create(32, (currentPrefix, currentSuffix), static (span, state) =>
        {
            state.currentPrefix.AsSpan().CopyTo(span);
            state.currentSuffix.TryFormat(span[26..], out _, "x6");
        });
    }

    private static string NewPrefix() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(13));
}
