using System.Buffers;

namespace Tessera.Documents;

/// <summary>LEB128 unsigned varints for the <see cref="RevTree"/> binary format.</summary>
internal static class RevTreeVarint
{
    public static void Write(IBufferWriter<byte> buffer, uint value)
    {
        var span = buffer.GetSpan(5);
        var written = 0;
        while (value >= 0x80)
        {
            span[written++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[written++] = (byte)value;
        buffer.Advance(written);
    }

    /// <exception cref="FormatException">The data ends early or the varint does not fit 32 bits.</exception>
    public static uint Read(ReadOnlySpan<byte> data, ref int position)
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = ReadByte(data, ref position);
            if (shift == 28 && b > 0x0F)
            {
                throw new FormatException("Varint in serialized revision tree overflows 32 bits.");
            }

            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("Varint in serialized revision tree overflows 32 bits.");
    }

    /// <exception cref="FormatException">The data ends early.</exception>
    public static byte ReadByte(ReadOnlySpan<byte> data, ref int position)
    {
        if (position >= data.Length)
        {
            throw new FormatException("Serialized revision tree is truncated.");
        }

        return data[position++];
    }
}
