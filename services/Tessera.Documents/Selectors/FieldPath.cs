using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tessera.Documents.Selectors;

/// <summary>What looking a field up in a value found.</summary>
internal enum FieldLookup
{
    /// <summary>The field exists.</summary>
    Found,

    /// <summary>An object on the way lacks the next member.</summary>
    Missing,

    /// <summary>The path runs through a scalar, or indexes an array with a bad or out-of-range index.</summary>
    BadPath,
}

/// <summary>
/// A field path such as <c>a.b.0.c</c>, parsed as <c>mango_util:parse_field</c> does: split at dots that are
/// not escaped with a backslash, then drop every backslash. Segments index arrays when they are integers.
/// </summary>
internal sealed class FieldPath
{
    /// <summary>The empty path: the value itself.</summary>
    public static readonly FieldPath Root = new([]);

    private readonly Segment[] segments;

    private FieldPath(Segment[] segments)
    {
        this.segments = segments;
        IsId = segments.Length == 1 && segments[0].Name == "_id";
    }

    /// <summary>Whether this is the empty path.</summary>
    public bool IsEmpty => segments.Length == 0;

    /// <summary>Whether this is the <c>_id</c> field, which Mango compares in raw (Erlang term) order.</summary>
    public bool IsId { get; }

    /// <summary>This path followed by the segments of <paramref name="field"/>.</summary>
    /// <exception cref="SelectorException">The field name has an empty segment (<c>""</c>, <c>"a..b"</c>, <c>"a."</c>).</exception>
    public FieldPath Append(string field) => new([.. segments, .. Split(field).Select(name => new Segment(name))]);

    /// <summary>Looks the field up in <paramref name="value"/>; the first member wins when a name repeats, as in CouchDB.</summary>
    public FieldLookup Resolve(JsonElement value, out JsonElement field)
    {
        var current = value;
        foreach (var segment in segments)
        {
            switch (current.ValueKind)
            {
                case JsonValueKind.Object:
                    if (!TryGetFirstMember(current, segment.Utf8Name, out current))
                    {
                        field = default;
                        return FieldLookup.Missing;
                    }

                    break;
                case JsonValueKind.Array when segment.ArrayIndex >= 0 && segment.ArrayIndex < current.GetArrayLength():
                    current = current[segment.ArrayIndex];
                    break;
                default:
                    field = default;
                    return FieldLookup.BadPath;
            }
        }

        field = current;
        return FieldLookup.Found;
    }

    /// <inheritdoc />
    public override string ToString() => string.Join('.', segments.Select(s => s.Name.Replace(".", "\\.", StringComparison.Ordinal)));

    private static string[] Split(string field)
    {
        string[] parts;
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            parts = field.Split('.');
        }
        else
        {
            var found = new List<string>();
            var start = 0;
            for (var i = 0; i < field.Length; i++)
            {
                if (field[i] == '.' && (i == 0 || field[i - 1] != '\\'))
                {
                    found.Add(field[start..i]);
                    start = i + 1;
                }
            }

            found.Add(field[start..]);
            parts = [.. found];
        }

        if (parts.Any(part => part.Length == 0))
        {
            throw new SelectorException(SelectorException.InvalidFieldName, $"Invalid field name: {field}");
        }

        // Note: CouchDB drops every backslash, not only those before dots, so "a\\b" names "ab".
        return [.. parts.Select(part => part.Replace("\\", string.Empty, StringComparison.Ordinal))];
    }

    private static bool TryGetFirstMember(JsonElement value, byte[] utf8Name, out JsonElement member)
    {
        foreach (var property in value.EnumerateObject())
        {
            if (property.NameEquals(utf8Name))
            {
                member = property.Value;
                return true;
            }
        }

        member = default;
        return false;
    }

    private sealed class Segment(string name)
    {
        public string Name { get; } = name;

        public byte[] Utf8Name { get; } = Encoding.UTF8.GetBytes(name);

        /// <summary>The array index this segment names (Erlang <c>binary_to_integer</c>, so "+1" is 1), or -1.</summary>
        public int ArrayIndex { get; } =
            long.TryParse(name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index) && index is >= 0 and <= int.MaxValue
                ? (int)index
                : -1;
    }
}
