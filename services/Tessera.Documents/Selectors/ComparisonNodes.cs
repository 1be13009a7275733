using System.Text.Json;

namespace Tessera.Documents.Selectors;

/// <summary>The comparison operators, each with its negation.</summary>
internal enum CompareOperator
{
    LessThan,
    LessOrEqual,
    Equal,
    NotEqual,
    GreaterOrEqual,
    GreaterThan,
}

/// <summary>
/// <c>$lt $lte $eq $ne $gte $gt</c> against one argument, in collation order (raw order for <c>_id</c>), so
/// values of different types compare too: <c>{"$gt": 5}</c> matches any string.
/// </summary>
internal sealed class CompareNode(CompareOperator op, JsonElement argument, bool raw) : SelectorNode
{
    public CompareOperator Operator { get; } = op;

    public JsonElement Argument { get; } = argument;

    public bool Raw { get; } = raw;

    public CompareNode Negate() => new(
        Operator switch
        {
            CompareOperator.LessThan => CompareOperator.GreaterOrEqual,
            CompareOperator.LessOrEqual => CompareOperator.GreaterThan,
            CompareOperator.Equal => CompareOperator.NotEqual,
            CompareOperator.NotEqual => CompareOperator.Equal,
            CompareOperator.GreaterOrEqual => CompareOperator.LessThan,
            _ => CompareOperator.LessOrEqual,
        },
        Argument,
        Raw);

    public override bool Matches(JsonElement value) =>
        Test(Raw ? JsonCollation.CompareRaw(value, Argument) : JsonCollation.Compare(value, Argument));

    public override bool MatchesKey(ReadOnlySpan<char> key) =>
        Test(Raw ? JsonCollation.CompareRaw(key, Argument) : JsonCollation.Compare(key, Argument));

    private bool Test(int comparison) => Operator switch
    {
        CompareOperator.LessThan => comparison < 0,
        CompareOperator.LessOrEqual => comparison <= 0,
        CompareOperator.Equal => comparison == 0,
        CompareOperator.NotEqual => comparison != 0,
        CompareOperator.GreaterOrEqual => comparison >= 0,
        _ => comparison > 0,
    };
}

/// <summary>
/// <c>$in</c>, or <c>$nin</c> when <see cref="Negated"/>: a value equal (in collation) to some argument; for an
/// array value, some element equal to some argument. <c>$in: []</c> matches nothing and <c>$nin: []</c> everything.
/// </summary>
internal sealed class InNode(JsonElement[] arguments, bool negated, bool raw) : SelectorNode
{
    public JsonElement[] Arguments { get; } = arguments;

    public bool Negated { get; } = negated;

    public bool Raw { get; } = raw;

    public InNode Negate() => new(Arguments, !Negated, Raw);

    public override bool Matches(JsonElement value)
    {
        var found = false;
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (EqualsAny(item))
                {
                    found = true;
                    break;
                }
            }
        }
        else
        {
            found = EqualsAny(value);
        }

        return found != Negated;
    }

    public override bool MatchesKey(ReadOnlySpan<char> key)
    {
        var found = false;
        foreach (var argument in Arguments)
        {
            if ((Raw ? JsonCollation.CompareRaw(key, argument) : JsonCollation.Compare(key, argument)) == 0)
            {
                found = true;
                break;
            }
        }

        return found != Negated;
    }

    private bool EqualsAny(JsonElement value)
    {
        foreach (var argument in Arguments)
        {
            if ((Raw ? JsonCollation.CompareRaw(value, argument) : JsonCollation.Compare(value, argument)) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
