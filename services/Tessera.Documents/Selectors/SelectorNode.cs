using System.Text.Json;

namespace Tessera.Documents.Selectors;

/// <summary>
/// A node of a compiled selector. One type serves both the combinators and the conditions, as one
/// <c>match/3</c> does in mango_selector.erl: a node is matched against a value, which is the document,
/// an array element, or the value found at a field.
/// </summary>
internal abstract class SelectorNode
{
    /// <summary>Whether the node matches <paramref name="value"/>. Never throws, never allocates for short strings.</summary>
    public abstract bool Matches(JsonElement value);

    /// <summary>Whether the node matches an object key, a string that is not a JSON element (for <c>$keyMapMatch</c>).</summary>
    public abstract bool MatchesKey(ReadOnlySpan<char> key);
}

/// <summary>The empty selector <c>{}</c>: matches everything.</summary>
internal sealed class MatchAllNode : SelectorNode
{
    public static readonly MatchAllNode Instance = new();

    private MatchAllNode()
    {
    }

    public override bool Matches(JsonElement value) => true;

    public override bool MatchesKey(ReadOnlySpan<char> key) => true;
}

/// <summary><c>$and</c>, explicit or implicit; an empty <c>$and</c> matches everything.</summary>
internal sealed class AndNode(SelectorNode[] children) : SelectorNode
{
    public SelectorNode[] Children { get; } = children;

    public override bool Matches(JsonElement value)
    {
        foreach (var child in Children)
        {
            if (!child.Matches(value))
            {
                return false;
            }
        }

        return true;
    }

    public override bool MatchesKey(ReadOnlySpan<char> key)
    {
        foreach (var child in Children)
        {
            if (!child.MatchesKey(key))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary><c>$or</c>.</summary>
internal sealed class OrNode(SelectorNode[] children) : SelectorNode
{
    public SelectorNode[] Children { get; } = children;

    // Note: CouchDB matches an empty $or against everything (mango_selector.erl says so explicitly), not nothing.
    public override bool Matches(JsonElement value)
    {
        if (Children.Length == 0)
        {
            return true;
        }

        foreach (var child in Children)
        {
            if (child.Matches(value))
            {
                return true;
            }
        }

        return false;
    }

    public override bool MatchesKey(ReadOnlySpan<char> key)
    {
        if (Children.Length == 0)
        {
            return true;
        }

        foreach (var child in Children)
        {
            if (child.MatchesKey(key))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// <c>$nor</c> where negations are not pushed down (inside <c>$elemMatch</c>, <c>$allMatch</c> and
/// <c>$keyMapMatch</c>); elsewhere it becomes an <see cref="AndNode"/> of negated children.
/// </summary>
internal sealed class NorNode(SelectorNode[] children) : SelectorNode
{
    public SelectorNode[] Children { get; } = children;

    public override bool Matches(JsonElement value)
    {
        foreach (var child in Children)
        {
            if (child.Matches(value))
            {
                return false;
            }
        }

        return true;
    }

    public override bool MatchesKey(ReadOnlySpan<char> key)
    {
        foreach (var child in Children)
        {
            if (child.MatchesKey(key))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// Logical negation: of a condition that has no negated form (<c>$regex</c>, <c>$size</c>, ...), or a
/// <c>$not</c> inside <c>$elemMatch</c>-like operators, where CouchDB does not push negations down.
/// </summary>
internal sealed class NotNode(SelectorNode inner) : SelectorNode
{
    public SelectorNode Inner { get; } = inner;

    public override bool Matches(JsonElement value) => !Inner.Matches(value);

    public override bool MatchesKey(ReadOnlySpan<char> key) => !Inner.MatchesKey(key);
}

/// <summary>
/// A condition on the value at a field path. A missing field matches only <c>{"$exists": false}</c>; a path
/// through a scalar or a bad array index matches nothing, not even that.
/// </summary>
internal sealed class FieldNode(FieldPath path, SelectorNode condition) : SelectorNode
{
    private readonly bool missingMatches = condition is ExistsNode { ShouldExist: false };

    public FieldPath Path { get; } = path;

    public SelectorNode Condition { get; } = condition;

    public override bool Matches(JsonElement value) => Path.Resolve(value, out var field) switch
    {
        FieldLookup.Found => Condition.Matches(field),
        FieldLookup.Missing => missingMatches,
        _ => false,
    };

    // A key is a string: only the empty path finds anything in it.
    public override bool MatchesKey(ReadOnlySpan<char> key) => Path.IsEmpty && Condition.MatchesKey(key);
}
