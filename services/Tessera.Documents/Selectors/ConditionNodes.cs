using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tessera.Documents.Selectors;

/// <summary><c>$exists</c>: a value was found (the missing case is decided by <see cref="FieldNode"/>).</summary>
internal sealed class ExistsNode(bool shouldExist) : SelectorNode
{
    public bool ShouldExist { get; } = shouldExist;

    public override bool Matches(JsonElement value) => ShouldExist;

    public override bool MatchesKey(ReadOnlySpan<char> key) => ShouldExist;
}

/// <summary><c>$type</c>: one of <c>null boolean number string array object</c>; any other name matches nothing.</summary>
internal sealed class TypeNode(string type) : SelectorNode
{
    public string Type { get; } = type;

    public override bool Matches(JsonElement value) => Type == value.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => "number",
        JsonValueKind.String => "string",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => null,
    };

    public override bool MatchesKey(ReadOnlySpan<char> key) => Type == "string";
}

/// <summary><c>$mod: [divisor, remainder]</c> on integers (not <c>4.0</c>); the remainder takes the dividend's sign, as Erlang's <c>rem</c>.</summary>
internal sealed class ModNode(long divisor, long remainder) : SelectorNode
{
    public override bool Matches(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number
        && JsonCollation.IsInteger(value)
        && value.TryGetInt64(out var dividend)
        && (divisor == -1 ? 0 : dividend % divisor) == remainder;

    public override bool MatchesKey(ReadOnlySpan<char> key) => false;
}

/// <summary><c>$size</c>: an array of exactly that length.</summary>
internal sealed class SizeNode(long size) : SelectorNode
{
    public override bool Matches(JsonElement value) => value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == size;

    public override bool MatchesKey(ReadOnlySpan<char> key) => false;
}

/// <summary><c>$regex</c>: a string the pattern matches anywhere; a match that times out counts as no match.</summary>
internal sealed class RegexNode(Regex regex) : SelectorNode
{
    public override bool Matches(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        using var text = new DecodedString(value, stackalloc char[DecodedString.ScratchLength]);
        return MatchesKey(text.Chars);
    }

    public override bool MatchesKey(ReadOnlySpan<char> key)
    {
        try
        {
            return regex.IsMatch(key);
        }
        catch (RegexMatchTimeoutException)
        {
            // Note: CouchDB also answers "no match" when re:run fails.
            return false;
        }
    }
}

/// <summary><c>$beginsWith</c>: a string with that exact prefix (code units, no collation).</summary>
internal sealed class BeginsWithNode(string prefix) : SelectorNode
{
    public override bool Matches(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        using var text = new DecodedString(value, stackalloc char[DecodedString.ScratchLength]);
        return MatchesKey(text.Chars);
    }

    public override bool MatchesKey(ReadOnlySpan<char> key) => key.StartsWith(prefix, StringComparison.Ordinal);
}

/// <summary>
/// <c>$all</c>: an array holding every argument, compared exactly (Erlang <c>lists:member</c>, so <c>1</c> is
/// not <c>1.0</c>); or, for <c>$all: [[...]]</c>, an array equal to that one array.
/// <c>$all: []</c> matches nothing.
/// </summary>
internal sealed class AllNode(JsonElement[] arguments) : SelectorNode
{
    public override bool Matches(JsonElement value)
    {
        if (arguments.Length == 0 || value.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        if (arguments.Length == 1
            && arguments[0].ValueKind == JsonValueKind.Array
            && JsonCollation.ExactEquals(arguments[0], value, strictNumbers: false))
        {
            return true;
        }

        foreach (var argument in arguments)
        {
            if (!Contains(value, argument))
            {
                return false;
            }
        }

        return true;
    }

    public override bool MatchesKey(ReadOnlySpan<char> key) => false;

    private static bool Contains(JsonElement array, JsonElement argument)
    {
        foreach (var item in array.EnumerateArray())
        {
            if (JsonCollation.ExactEquals(item, argument, strictNumbers: true))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary><c>$elemMatch</c>: an array with at least one element matching the sub-selector.</summary>
internal sealed class ElemMatchNode(SelectorNode inner) : SelectorNode
{
    public override bool Matches(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var item in value.EnumerateArray())
        {
            if (inner.Matches(item))
            {
                return true;
            }
        }

        return false;
    }

    public override bool MatchesKey(ReadOnlySpan<char> key) => false;
}

/// <summary><c>$allMatch</c>: a non-empty array whose elements all match the sub-selector.</summary>
internal sealed class AllMatchNode(SelectorNode inner) : SelectorNode
{
    public override bool Matches(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            return false;
        }

        foreach (var item in value.EnumerateArray())
        {
            if (!inner.Matches(item))
            {
                return false;
            }
        }

        return true;
    }

    public override bool MatchesKey(ReadOnlySpan<char> key) => false;
}

/// <summary><c>$keyMapMatch</c>: an object with at least one key matching the sub-selector.</summary>
internal sealed class KeyMapMatchNode(SelectorNode inner) : SelectorNode
{
    public override bool Matches(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        Span<char> scratch = stackalloc char[DecodedString.ScratchLength];
        foreach (var property in value.EnumerateObject())
        {
            using var key = new DecodedString(property, scratch);
            if (inner.MatchesKey(key.Chars))
            {
                return true;
            }
        }

        return false;
    }

    public override bool MatchesKey(ReadOnlySpan<char> key) => false;
}
