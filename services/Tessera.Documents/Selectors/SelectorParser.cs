using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tessera.Documents.Selectors;

/// <summary>
/// Turns selector JSON into matcher nodes the way <c>mango_selector:normalize/1</c> does: validate operators
/// (<c>norm_ops</c>), push field paths down to the conditions (<c>norm_fields</c>), then push negations down
/// (<c>norm_negations</c>, in SelectorParser.Negation.cs).
/// </summary>
internal static partial class SelectorParser
{
    /// <summary>The time one <c>$regex</c> match may take before it counts as no match.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(50);

    public static SelectorNode Parse(JsonElement selector)
    {
        if (selector.ValueKind != JsonValueKind.Object)
        {
            throw new SelectorException(SelectorException.InvalidSelectorJson, $"Selector must be a JSON object, not: {Describe(selector)}");
        }

        // Note: nodes keep argument elements, so they must not point into the caller's (disposable) document.
        var copy = selector.Clone();
        CheckStrings(copy);
        if (copy.GetPropertyCount() == 0)
        {
            return MatchAllNode.Instance;
        }

        var node = NormalizeNegations(Normalize(copy, FieldPath.Root));
        if (node is FieldNode { Path.IsEmpty: true })
        {
            throw new SelectorException(SelectorException.InvalidSelector, "One or more conditions is missing a field name.");
        }

        return node;
    }

    /// <summary>A selector or condition object, or a bare value (which means <c>$eq</c>), applied at <paramref name="path"/>.</summary>
    private static SelectorNode Normalize(JsonElement element, FieldPath path)
    {
        if (element.ValueKind != JsonValueKind.Object || element.GetPropertyCount() == 0)
        {
            // Note: {} as a condition is a value, so {"a": {}} matches only an empty object at a.
            return new FieldNode(path, new CompareNode(CompareOperator.Equal, element, path.IsId));
        }

        if (element.GetPropertyCount() > 1)
        {
            return new AndNode([.. element.EnumerateObject().Select(member => NormalizeMember(member, path))]);
        }

        using var members = element.EnumerateObject();
        members.MoveNext();
        return NormalizeMember(members.Current, path);
    }

    private static SelectorNode NormalizeMember(JsonProperty member, FieldPath path)
    {
        var name = member.Name;
        var value = member.Value;
        if (!name.StartsWith('$'))
        {
            return Normalize(value, path.Append(name));
        }

        return name switch
        {
            "$and" => new AndNode(Children(name, value, path)),
            "$or" => new OrNode(Children(name, value, path)),
            "$nor" => new NorNode(Children(name, value, path)),
            "$not" => new NotNode(Normalize(RequireObject(name, value), path)),
            "$elemMatch" => new FieldNode(path, new ElemMatchNode(Normalize(RequireObject(name, value), FieldPath.Root))),
            "$allMatch" => new FieldNode(path, new AllMatchNode(Normalize(RequireObject(name, value), FieldPath.Root))),
            "$keyMapMatch" => new FieldNode(path, new KeyMapMatchNode(Normalize(RequireObject(name, value), FieldPath.Root))),
            "$lt" => Compare(CompareOperator.LessThan, value, path),
            "$lte" => Compare(CompareOperator.LessOrEqual, value, path),
            "$eq" => Compare(CompareOperator.Equal, value, path),
            "$ne" => Compare(CompareOperator.NotEqual, value, path),
            "$gte" => Compare(CompareOperator.GreaterOrEqual, value, path),
            "$gt" => Compare(CompareOperator.GreaterThan, value, path),
            "$in" => new FieldNode(path, new InNode(RequireArray(name, value), negated: false, path.IsId)),
            "$nin" => new FieldNode(path, new InNode(RequireArray(name, value), negated: true, path.IsId)),
            "$all" => new FieldNode(path, new AllNode(RequireArray(name, value))),
            "$exists" => new FieldNode(path, new ExistsNode(value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw BadArg(name, value),
            })),
            "$type" => new FieldNode(path, new TypeNode(value.ValueKind == JsonValueKind.String ? value.GetString()! : throw BadArg(name, value))),
            "$size" => new FieldNode(path, new SizeNode(TryGetInteger(value, out var size) && size >= 0 ? size : throw BadArg(name, value))),
            "$mod" => new FieldNode(path, ParseMod(name, value)),
            "$regex" => new FieldNode(path, ParseRegex(name, value)),
            "$beginsWith" => new FieldNode(path, new BeginsWithNode(
                value.ValueKind == JsonValueKind.String ? value.GetString()! : throw InvalidOperator(name))),

            // Note: CouchDB turns $text into a search on a text index; with none here, refuse it rather than match everything.
            "$text" or "$default" or "$where" or "$geoWithin" or "$geoIntersects" or "$near" or "$nearSphere" =>
                throw new SelectorException(SelectorException.NotSupported, $"Unsupported operator: {name}"),
            _ => throw InvalidOperator(name),
        };
    }

    private static FieldNode Compare(CompareOperator op, JsonElement value, FieldPath path) =>
        new(path, new CompareNode(op, value, path.IsId));

    private static SelectorNode[] Children(string name, JsonElement value, FieldPath path) =>
        value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(child => Normalize(child, path))]
            : throw BadArg(name, value);

    private static JsonElement RequireObject(string name, JsonElement value) =>
        value.ValueKind == JsonValueKind.Object ? value : throw BadArg(name, value);

    private static JsonElement[] RequireArray(string name, JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : throw BadArg(name, value);

    private static ModNode ParseMod(string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 2
            || !TryGetInteger(value[0], out var divisor) || !TryGetInteger(value[1], out var remainder)
            || divisor == 0)
        {
            throw BadArg(name, value);
        }

        return new ModNode(divisor, remainder);
    }

    private static RegexNode ParseRegex(string name, JsonElement value)
    {
        // Note: like CouchDB, a non-string $regex is an unknown operator, while a bad pattern is a bad argument.
        if (value.ValueKind != JsonValueKind.String)
        {
            throw InvalidOperator(name);
        }

        try
        {
            return new RegexNode(new Regex(value.GetString()!, RegexOptions.CultureInvariant, RegexTimeout));
        }
        catch (ArgumentException)
        {
            throw BadArg(name, value);
        }
    }

    private static bool TryGetInteger(JsonElement value, out long integer)
    {
        integer = 0;
        return value.ValueKind == JsonValueKind.Number && JsonCollation.IsInteger(value) && value.TryGetInt64(out integer);
    }

    private static SelectorException BadArg(string name, JsonElement value) =>
        new(SelectorException.BadArg, $"Bad argument for operator {name}: {Describe(value)}");

    private static SelectorException InvalidOperator(string name) =>
        new(SelectorException.InvalidOperator, $"Invalid operator: {name}");

    private static string Describe(JsonElement value) =>
        value.ValueKind == JsonValueKind.Undefined ? "undefined" : value.GetRawText();

    /// <summary>Refuses strings that cannot be decoded (escaped unpaired surrogates), which matching could not compare.</summary>
    private static void CheckStrings(JsonElement value)
    {
        try
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    _ = value.GetString();
                    break;
                case JsonValueKind.Array:
                    foreach (var item in value.EnumerateArray())
                    {
                        CheckStrings(item);
                    }

                    break;
                case JsonValueKind.Object:
                    foreach (var member in value.EnumerateObject())
                    {
                        _ = member.Name;
                        CheckStrings(member.Value);
                    }

                    break;
            }
        }
        catch (InvalidOperationException)
        {
            throw new SelectorException(SelectorException.BadRequest, "invalid UTF-8 JSON");
        }
    }
}
