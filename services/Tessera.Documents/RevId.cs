using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Tessera.Documents;

/// <summary>
/// A CouchDB revision id, <c>N-hash</c>: <see cref="Generation"/> counts the edits since the
/// document was created, <see cref="Hash"/> identifies the edit.
/// </summary>
/// <remarks>
/// Guarantees: <see cref="TryParse"/> accepts exactly the strings <see cref="ToString"/> produces
/// (a positive generation without sign or leading zeros, a dash, a non-empty hash without
/// whitespace or control characters), so parse and format round-trip. Ordering is by generation,
/// then by ordinal comparison of the hash, which is the order CouchDB uses to pick a winner.
/// </remarks>
/// <param name="Generation">The 1-based position of the revision in its history.</param>
/// <param name="Hash">The revision's hash; CouchDB uses 32 lowercase hex digits, other replicators may not.</param>
public readonly record struct RevId(int Generation, string Hash) : IComparable<RevId>
{
    /// <summary>Parses <c>N-hash</c>; returns false for anything <see cref="ToString"/> would not produce.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out RevId rev)
    {
        rev = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        // Note: split at the first dash only; CouchDB keeps any further dashes in the hash.
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || dash == text.Length - 1)
        {
            return false;
        }

        var digits = text.AsSpan(0, dash);
        // A leading zero or sign would parse but not format back to the same text.
        if (digits[0] == '0' || !IsAsciiDigits(digits)
            || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
        {
            return false;
        }

        var hash = text[(dash + 1)..];
        if (!IsValidHash(hash))
        {
            return false;
        }

        rev = new RevId(generation, hash);
        return true;
    }

    /// <summary>Parses <c>N-hash</c>.</summary>
    /// <exception cref="FormatException">The text is not a revision id.</exception>
    public static RevId Parse(string text)
    {
        if (!TryParse(text, out var rev))
        {
            throw new FormatException($"'{text}' is not a revision id of the form N-hash.");
        }

        return rev;
    }

    /// <summary>
    /// True when <paramref name="hash"/> can be the hash part of a revision id: non-empty, no
    /// whitespace or control characters, no unpaired surrogates (it must survive UTF-8 storage).
    /// </summary>
    public static bool IsValidHash([NotNullWhen(true)] string? hash)
    {
        if (string.IsNullOrEmpty(hash))
        {
            return false;
        }

        for (var i = 0; i < hash.Length; i++)
        {
            var c = hash[i];
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }

            if (char.IsHighSurrogate(c) && i + 1 < hash.Length && char.IsLowSurrogate(hash[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Orders by generation, then by ordinal comparison of the hash.</summary>
    public int CompareTo(RevId other)
    {
        var byGeneration = Generation.CompareTo(other.Generation);
        return byGeneration != 0 ? byGeneration : string.CompareOrdinal(Hash, other.Hash);
    }

    /// <summary>Formats as <c>N-hash</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Generation}-{Hash}");

    /// <summary>True when this revision sorts before <paramref name="right"/>.</summary>
    public static bool operator <(RevId left, RevId right) => left.CompareTo(right) < 0;

    /// <summary>True when this revision sorts after <paramref name="right"/>.</summary>
    public static bool operator >(RevId left, RevId right) => left.CompareTo(right) > 0;

    /// <summary>True when this revision sorts before or equal to <paramref name="right"/>.</summary>
    public static bool operator <=(RevId left, RevId right) => left.CompareTo(right) <= 0;

    /// <summary>True when this revision sorts after or equal to <paramref name="right"/>.</summary>
    public static bool operator >=(RevId left, RevId right) => left.CompareTo(right) >= 0;

    private static bool IsAsciiDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
