using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Tessera.Documents.Selectors;

/// <summary>
/// The unescaped characters of a JSON string value or property name, decoded into caller-provided scratch
/// space (usually <c>stackalloc</c>) so that matching does not allocate; longer strings borrow a pooled array.
/// </summary>
/// <remarks>Dispose it (<c>using var</c>) to return a borrowed array.</remarks>
internal ref struct DecodedString
{
    /// <summary>A scratch length that fits most field values and keys.</summary>
    public const int ScratchLength = 128;

    private char[]? rented;

    /// <summary>Decodes a string value.</summary>
    public DecodedString(JsonElement value, Span<char> scratch)
    {
        // Note: the raw token holds the quotes and escapes, so it is never shorter than the decoded text.
        var raw = JsonMarshal.GetRawUtf8Value(value);
        var buffer = Borrow(raw.Length, scratch);
        var content = raw[1..^1];
        if (content.IndexOf((byte)'\\') < 0)
        {
            Chars = buffer[..Encoding.UTF8.GetChars(content, buffer)];
            return;
        }

        try
        {
            var reader = new Utf8JsonReader(raw);
            reader.Read();
            Chars = buffer[..reader.CopyString(buffer)];
        }
        catch (InvalidOperationException)
        {
            // An escaped unpaired surrogate ("\ud800") cannot be unescaped; compare its raw text instead.
            Chars = buffer[..Encoding.UTF8.GetChars(content, buffer)];
        }
    }

    /// <summary>Decodes a property name.</summary>
    public DecodedString(JsonProperty property, Span<char> scratch)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.IndexOf((byte)'\\') >= 0)
        {
            // Escaped names are rare: let the property unescape them, at the cost of a string.
            Chars = NameOf(property, raw);
            return;
        }

        var buffer = Borrow(raw.Length, scratch);
        Chars = buffer[..Encoding.UTF8.GetChars(raw, buffer)];
    }

    /// <summary>The decoded characters.</summary>
    public ReadOnlySpan<char> Chars { get; }

    /// <summary>Returns the borrowed array, if any.</summary>
    public void Dispose()
    {
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
            rented = null;
        }
    }

    private Span<char> Borrow(int length, Span<char> scratch)
    {
        if (length <= scratch.Length)
        {
            return scratch;
        }

        rented = ArrayPool<char>.Shared.Rent(length);
        return rented;
    }

    private static string NameOf(JsonProperty property, ReadOnlySpan<byte> raw)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return Encoding.UTF8.GetString(raw);
        }
    }
}
