using System.Globalization;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace Tessera.Documents.Tests.Selectors;

/// <summary>A JSON value, as text.</summary>
public sealed record JsonValueText(string Json)
{
    public override string ToString() => Json;
}

/// <summary>A Mango condition object (operators only, combinators never empty), as text.</summary>
public sealed record ConditionText(string Json)
{
    public override string ToString() => Json;
}

/// <summary>FsCheck generators of small JSON values and Mango conditions over them.</summary>
public static class SelectorArbitraries
{
    private static readonly string[] Strings =
        ["\"\"", "\"a\"", "\"A\"", "\"aa\"", "\"b\"", "\"\\u00e9\"", "\"e\\u0301\"", "\"\\u00c9\"", "\"1\"", "\"a-b\"", "\"ab\""];

    public static Arbitrary<JsonValueText> Values() => Arb.From(Value(2).Select(json => new JsonValueText(json)));

    public static Arbitrary<ConditionText> Conditions() => Arb.From(Condition(2).Select(json => new ConditionText(json)));

    private static Gen<string> Value(int depth)
    {
        var scalar = Gen.OneOf(
            Gen.Elements("null", "true", "false"),
            Gen.Choose(-3, 3).Select(i => i.ToString(CultureInfo.InvariantCulture)),
            Gen.Elements("0.5", "-1.5", "2.0", "1e1", "9007199254740993"),
            Gen.Elements(Strings));
        if (depth == 0)
        {
            return scalar;
        }

        var item = Value(depth - 1);
        var array =
            from count in Gen.Choose(0, 3)
            from items in Gen.ArrayOf(item, count)
            select "[" + string.Join(", ", items) + "]";
        var obj =
            from count in Gen.Choose(0, 2)
            from keys in Gen.ArrayOf(Gen.Elements("a", "b", "A"), count)
            from values in Gen.ArrayOf(item, count)
            select "{" + string.Join(", ", keys.Zip(values, (key, value) => $"\"{key}\": {value}")) + "}";
        return Gen.Frequency((4, scalar), (1, array), (1, obj));
    }

    private static Gen<string> Condition(int depth)
    {
        var leaf = Gen.OneOf(
            from op in Gen.Elements("$lt", "$lte", "$eq", "$ne", "$gte", "$gt")
            from value in Value(1)
            select Operator(op, value),
            from op in Gen.Elements("$in", "$nin", "$all")
            from count in Gen.Choose(0, 3)
            from values in Gen.ArrayOf(Value(1), count)
            select Operator(op, "[" + string.Join(", ", values) + "]"),
            Gen.Elements("true", "false").Select(b => Operator("$exists", b)),
            Gen.Elements("null", "boolean", "number", "string", "array", "object").Select(t => Operator("$type", $"\"{t}\"")),
            Gen.Choose(0, 3).Select(size => Operator("$size", size.ToString(CultureInfo.InvariantCulture))),
            from divisor in Gen.Choose(2, 3)
            from remainder in Gen.Choose(-1, 1)
            select Operator("$mod", $"[{divisor}, {remainder}]"),
            Gen.Elements("^a", "b$", "(?i)^A", "\\d", "\u00e9").Select(pattern => Operator("$regex", JsonSerializer.Serialize(pattern))),
            Gen.Elements("", "a", "A").Select(prefix => Operator("$beginsWith", $"\"{prefix}\"")));
        if (depth == 0)
        {
            return leaf;
        }

        var inner = Condition(depth - 1);
        var combined = Gen.OneOf(
            inner.Select(c => Operator("$not", c)),
            inner.Select(c => Operator("$elemMatch", c)),
            inner.Select(c => Operator("$allMatch", c)),
            inner.Select(c => Operator("$keyMapMatch", c)),
            from op in Gen.Elements("$and", "$or", "$nor")
            from count in Gen.Choose(1, 3)
            from conditions in Gen.ArrayOf(inner, count)
            select Operator(op, "[" + string.Join(", ", conditions) + "]"),
            from first in inner
            from second in inner
            select "{" + first[1..^1] + ", " + second[1..^1] + "}");
        return Gen.Frequency((3, leaf), (2, combined));
    }

    private static string Operator(string name, string argument) => $"{{\"{name}\": {argument}}}";
}
