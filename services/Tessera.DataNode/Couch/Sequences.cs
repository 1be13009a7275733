using System.Globalization;

namespace Tessera.DataNode.Couch;

/// <summary>
/// Update sequences on the wire: opaque strings (as CouchDB 2+ sends) that clients pass back unchanged.
/// We accept numbers too, because older clients and curl users send them.
/// </summary>
public static class Sequences
{
    public static string Format(long seq) => seq.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a <c>since</c> value: a number, a string we issued (digits, optionally "N-..."), or "now" (resolved by the caller).</summary>
    public static bool TryParse(string? value, out long seq)
    {
        seq = 0;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        var text = value.Trim('"');
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var number = dash > 0 ? text.AsSpan(0, dash) : text.AsSpan();
        return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out seq);
    }
}
