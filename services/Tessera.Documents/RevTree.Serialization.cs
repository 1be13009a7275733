using System.Buffers;
using System.Text;

namespace Tessera.Documents;

public sealed partial class RevTree
{
    // Format 1, chosen because the tree is decoded on every document read:
    //   byte    version (1)
    //   varint  node count
    //   per node, sorted by generation then hash:
    //     byte    flags: 1 = deleted, 2 = has parent, 4 = hash is 32 lowercase hex stored as 16 bytes
    //     varint  generation minus the previous node's generation (the first: minus 0)
    //     hash    16 raw bytes, or varint byte length + UTF-8
    //     varint  (with flag 2) how many nodes back the parent is; parents sort earlier
    // A linear history of CouchDB revisions costs 19 bytes per revision.
    private const byte FormatVersion = 1;
    private const byte DeletedFlag = 1;
    private const byte ParentFlag = 2;
    private const byte HexFlag = 4;
    private const int HexHashBytes = 16;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Encodes the tree in a compact, versioned binary form (first byte = format version).
    /// <see cref="Deserialize"/> restores an identical tree; equal trees give equal bytes.
    /// </summary>
    public byte[] Serialize()
    {
        var nodes = Nodes;
        var index = new Dictionary<RevId, int>(nodes.Count);
        var buffer = new ArrayBufferWriter<byte>(8 + (nodes.Count * 20));
        buffer.Write([FormatVersion]);
        RevTreeVarint.Write(buffer, (uint)nodes.Count);
        var previousGeneration = 0;
        for (var i = 0; i < nodes.Count; i++)
        {
            var (rev, parent, deleted) = nodes[i];
            index[rev] = i;
            var hex = IsLowerHex32(rev.Hash);
            var flags = (byte)((deleted ? DeletedFlag : 0) | (parent is null ? 0 : ParentFlag) | (hex ? HexFlag : 0));
            buffer.Write([flags]);
            RevTreeVarint.Write(buffer, (uint)(rev.Generation - previousGeneration));
            previousGeneration = rev.Generation;
            if (hex)
            {
                var span = buffer.GetSpan(HexHashBytes);
                Convert.FromHexString(rev.Hash, span, out _, out _);
                buffer.Advance(HexHashBytes);
            }
            else
            {
                var length = Encoding.UTF8.GetByteCount(rev.Hash);
                RevTreeVarint.Write(buffer, (uint)length);
                buffer.Advance(Encoding.UTF8.GetBytes(rev.Hash, buffer.GetSpan(length)));
            }

            if (parent is { } p)
            {
                RevTreeVarint.Write(buffer, (uint)(i - index[p]));
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes bytes written by <see cref="Serialize"/>.</summary>
    /// <exception cref="FormatException">The data is not a serialized revision tree of a known format version.</exception>
    public static RevTree Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || data[0] != FormatVersion)
        {
            throw new FormatException(data.IsEmpty
                ? "Serialized revision tree is empty."
                : $"Unknown revision tree format version {data[0]}.");
        }

        var position = 1;
        var count = RevTreeVarint.Read(data, ref position);
        // Every node takes at least 3 bytes; this bounds allocations on garbage input.
        if (count > (uint)(data.Length - position) / 3)
        {
            throw new FormatException("Serialized revision tree declares more nodes than it holds.");
        }

        var revs = new RevId[count];
        var nodes = new Dictionary<RevId, RevNode>((int)count);
        var generation = 0L;
        for (var i = 0; i < revs.Length; i++)
        {
            var flags = RevTreeVarint.ReadByte(data, ref position);
            if ((flags & ~(DeletedFlag | ParentFlag | HexFlag)) != 0)
            {
                throw new FormatException($"Unknown node flags {flags} in serialized revision tree.");
            }

            generation += RevTreeVarint.Read(data, ref position);
            if (generation is < 1 or > int.MaxValue)
            {
                throw new FormatException("Invalid generation in serialized revision tree.");
            }

            var rev = new RevId((int)generation, ReadHash(data, ref position, (flags & HexFlag) != 0));
            if (i > 0 && rev.CompareTo(revs[i - 1]) <= 0)
            {
                throw new FormatException("Serialized revision tree nodes are not in strictly ascending order.");
            }

            RevId? parent = null;
            if ((flags & ParentFlag) != 0)
            {
                var back = RevTreeVarint.Read(data, ref position);
                if (back < 1 || back > i || revs[i - (int)back].Generation != rev.Generation - 1)
                {
                    throw new FormatException($"Invalid parent reference for {rev} in serialized revision tree.");
                }

                parent = revs[i - (int)back];
            }

            revs[i] = rev;
            nodes.Add(rev, new RevNode(parent, (flags & DeletedFlag) != 0));
        }

        if (position != data.Length)
        {
            throw new FormatException("Serialized revision tree has trailing bytes.");
        }

        RecountChildren(nodes);
        return new RevTree(nodes);
    }

    private static string ReadHash(ReadOnlySpan<byte> data, ref int position, bool hex)
    {
        var length = hex ? HexHashBytes : (int)Math.Min(RevTreeVarint.Read(data, ref position), int.MaxValue);
        if (length > data.Length - position)
        {
            throw new FormatException("Serialized revision tree is truncated.");
        }

        var bytes = data.Slice(position, length);
        position += length;
        if (hex)
        {
            return Convert.ToHexStringLower(bytes);
        }

        string hash;
        try
        {
            hash = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException("Serialized revision tree holds a hash that is not UTF-8.", e);
        }

        // Non-canonical encodings would decode fine but break "equal trees give equal bytes".
        if (!RevId.IsValidHash(hash) || IsLowerHex32(hash))
        {
            throw new FormatException("Serialized revision tree holds an invalid hash.");
        }

        return hash;
    }

    private static bool IsLowerHex32(string hash)
    {
        if (hash.Length != HexHashBytes * 2)
        {
            return false;
        }

        foreach (var c in hash)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
