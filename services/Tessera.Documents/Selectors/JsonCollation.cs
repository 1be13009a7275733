using System.Runtime.InteropServices;
using System.Text.Json;

namespace Tessera.Documents.Selectors;

/// <summary>
/// The orders Mango compares JSON values in: CouchDB's view collation for every field, and Erlang term
/// order (<c>mango_json:cmp_raw</c>) for <c>_id</c>.
/// </summary>
internal static class JsonCollation
{
    /// <summary>
    /// CouchDB view collation: <c>null &lt; false &lt; true &lt; numbers &lt; strings &lt; arrays &lt; objects</c>;
    /// numbers by value (<c>1 == 1.0</c>), strings by <see cref="StringCollation"/>, arrays element by element
    /// (a prefix first), objects member by member in their written order, key then value (a prefix first).
    /// </summary>
    public static int Compare(JsonElement a, JsonElement b)
    {
        var rankA = Rank(a);
        var rankB = Rank(b);
        if (rankA != rankB)
        {
            return rankA < rankB ? -1 : 1;
        }

        return a.ValueKind switch
        {
            JsonValueKind.Number => CompareNumbers(a, b),
            JsonValueKind.String => CompareStrings(a, b),
            JsonValueKind.Array => CompareArrays(a, b),
            JsonValueKind.Object => CompareObjects(a, b),
            _ => 0,
        };
    }

    /// <summary><see cref="Compare(JsonElement, JsonElement)"/> for a string that is not a JSON element (an object key).</summary>
    public static int Compare(ReadOnlySpan<char> key, JsonElement b)
    {
        var rankB = Rank(b);
        if (rankB != StringRank)
        {
            return StringRank < rankB ? -1 : 1;
        }

        using var decoded = new DecodedString(b, stackalloc char[DecodedString.ScratchLength]);
        return Math.Sign(StringCollation.Compare(key, decoded.Chars));
    }

    /// <summary>
    /// Erlang term order, which Mango uses for <c>_id</c>: <c>numbers &lt; false &lt; null &lt; true &lt; objects
    /// &lt; arrays &lt; strings</c>, strings by code point (their UTF-8 bytes).
    /// </summary>
    public static int CompareRaw(JsonElement a, JsonElement b)
    {
        var rankA = RawRank(a);
        var rankB = RawRank(b);
        if (rankA != rankB)
        {
            return rankA < rankB ? -1 : 1;
        }

        switch (a.ValueKind)
        {
            case JsonValueKind.Number:
                return CompareNumbers(a, b);
            case JsonValueKind.String:
                using (var decodedA = new DecodedString(a, stackalloc char[DecodedString.ScratchLength]))
                using (var decodedB = new DecodedString(b, stackalloc char[DecodedString.ScratchLength]))
                {
                    return CompareCodePoints(decodedA.Chars, decodedB.Chars);
                }

            case JsonValueKind.Array:
                return CompareArrays(a, b, raw: true);
            case JsonValueKind.Object:
                return CompareObjects(a, b, raw: true);
            default:
                return 0;
        }
    }

    /// <summary><see cref="CompareRaw(JsonElement, JsonElement)"/> for a string that is not a JSON element.</summary>
    public static int CompareRaw(ReadOnlySpan<char> key, JsonElement b)
    {
        var rankB = RawRank(b);
        if (rankB != RawStringRank)
        {
            return RawStringRank < rankB ? -1 : 1;
        }

        using var decoded = new DecodedString(b, stackalloc char[DecodedString.ScratchLength]);
        return CompareCodePoints(key, decoded.Chars);
    }

    /// <summary>
    /// Erlang equality of two decoded JSON values: <c>=:=</c> (<paramref name="strictNumbers"/>, where an
    /// integer never equals a float such as <c>1.0</c>) or <c>==</c>. Strings compare exactly and objects
    /// member by member in order, unlike collation.
    /// </summary>
    public static bool ExactEquals(JsonElement a, JsonElement b, bool strictNumbers)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        switch (a.ValueKind)
        {
            case JsonValueKind.Number:
                return (!strictNumbers || IsInteger(a) == IsInteger(b)) && CompareNumbers(a, b) == 0;
            case JsonValueKind.String:
                using (var decodedA = new DecodedString(a, stackalloc char[DecodedString.ScratchLength]))
                using (var decodedB = new DecodedString(b, stackalloc char[DecodedString.ScratchLength]))
                {
                    return decodedA.Chars.SequenceEqual(decodedB.Chars);
                }

            case JsonValueKind.Array:
                return a.GetArrayLength() == b.GetArrayLength() && ArraysEqual(a, b, strictNumbers);
            case JsonValueKind.Object:
                return a.GetPropertyCount() == b.GetPropertyCount() && ObjectsEqual(a, b, strictNumbers);
            default:
                return true;
        }
    }

    /// <summary>Whether a number was written as an integer (no fraction or exponent), as Erlang decodes it.</summary>
    public static bool IsInteger(JsonElement number) =>
        JsonMarshal.GetRawUtf8Value(number).IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0;

    private const int StringRank = 4;
    private const int RawStringRank = 6;

    private static int Rank(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => 0,
        JsonValueKind.False => 1,
        JsonValueKind.True => 2,
        JsonValueKind.Number => 3,
        JsonValueKind.String => StringRank,
        JsonValueKind.Array => 5,
        JsonValueKind.Object => 6,
        _ => 7,
    };

    // Erlang: number < atom (false < null < true, alphabetically) < tuple ({Props}) < list < binary.
    private static int RawRank(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => 0,
        JsonValueKind.False => 1,
        JsonValueKind.Null => 2,
        JsonValueKind.True => 3,
        JsonValueKind.Object => 4,
        JsonValueKind.Array => 5,
        JsonValueKind.String => RawStringRank,
        _ => 7,
    };

    private static int CompareNumbers(JsonElement a, JsonElement b)
    {
        // Note: Erlang compares integers exactly and anything involving a float as doubles; integers beyond
        // decimal's 28 digits fall back to doubles here.
        if (IsInteger(a) && IsInteger(b))
        {
            if (a.TryGetInt64(out var longA) && b.TryGetInt64(out var longB))
            {
                return longA.CompareTo(longB);
            }

            if (a.TryGetDecimal(out var decimalA) && b.TryGetDecimal(out var decimalB))
            {
                return decimalA.CompareTo(decimalB);
            }
        }

        return Math.Sign(a.GetDouble().CompareTo(b.GetDouble()));
    }

    private static int CompareStrings(JsonElement a, JsonElement b)
    {
        if (JsonMarshal.GetRawUtf8Value(a).SequenceEqual(JsonMarshal.GetRawUtf8Value(b)))
        {
            return 0;
        }

        using var decodedA = new DecodedString(a, stackalloc char[DecodedString.ScratchLength]);
        using var decodedB = new DecodedString(b, stackalloc char[DecodedString.ScratchLength]);
        return Math.Sign(StringCollation.Compare(decodedA.Chars, decodedB.Chars));
    }

    private static int CompareArrays(JsonElement a, JsonElement b, bool raw = false)
    {
        var itemsA = a.EnumerateArray();
        var itemsB = b.EnumerateArray();
        while (true)
        {
            var hasA = itemsA.MoveNext();
            var hasB = itemsB.MoveNext();
            if (!hasA)
            {
                return hasB ? -1 : 0;
            }

            if (!hasB)
            {
                return 1;
            }

            var result = raw ? CompareRaw(itemsA.Current, itemsB.Current) : Compare(itemsA.Current, itemsB.Current);
            if (result != 0)
            {
                return result;
            }
        }
    }

    private static int CompareObjects(JsonElement a, JsonElement b, bool raw = false)
    {
        var membersA = a.EnumerateObject();
        var membersB = b.EnumerateObject();
        Span<char> scratchA = stackalloc char[DecodedString.ScratchLength];
        Span<char> scratchB = stackalloc char[DecodedString.ScratchLength];
        while (true)
        {
            var hasA = membersA.MoveNext();
            var hasB = membersB.MoveNext();
            if (!hasA)
            {
                return hasB ? -1 : 0;
            }

            if (!hasB)
            {
                return 1;
            }

            using (var keyA = new DecodedString(membersA.Current, scratchA))
            using (var keyB = new DecodedString(membersB.Current, scratchB))
            {
                var keys = raw ? CompareCodePoints(keyA.Chars, keyB.Chars) : Math.Sign(StringCollation.Compare(keyA.Chars, keyB.Chars));
                if (keys != 0)
                {
                    return keys;
                }
            }

            var values = raw ? CompareRaw(membersA.Current.Value, membersB.Current.Value) : Compare(membersA.Current.Value, membersB.Current.Value);
            if (values != 0)
            {
                return values;
            }
        }
    }

    private static bool ArraysEqual(JsonElement a, JsonElement b, bool strictNumbers)
    {
        var itemsB = b.EnumerateArray();
        foreach (var itemA in a.EnumerateArray())
        {
            itemsB.MoveNext();
            if (!ExactEquals(itemA, itemsB.Current, strictNumbers))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ObjectsEqual(JsonElement a, JsonElement b, bool strictNumbers)
    {
        var membersB = b.EnumerateObject();
        Span<char> scratch = stackalloc char[DecodedString.ScratchLength];
        foreach (var memberA in a.EnumerateObject())
        {
            membersB.MoveNext();
            using (var key = new DecodedString(memberA, scratch))
            {
                if (!membersB.Current.NameEquals(key.Chars))
                {
                    return false;
                }
            }

            if (!ExactEquals(memberA.Value, membersB.Current.Value, strictNumbers))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Ordinal comparison by code point (UTF-16 order differs for U+E000–U+FFFF versus surrogate pairs).</summary>
    private static int CompareCodePoints(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var common = a.CommonPrefixLength(b);
        if (common == a.Length || common == b.Length)
        {
            return a.Length.CompareTo(b.Length) switch
            {
                < 0 => -1,
                > 0 => 1,
                _ => 0,
            };
        }

        return Fixup(a[common]) < Fixup(b[common]) ? -1 : 1;

        static int Fixup(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
    }
}
