using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Tessera.Documents;

/// <summary>Computes the revision id of an interactive edit.</summary>
/// <remarks>
/// Guarantees: deterministic, like CouchDB's revision hash: the same edit (same parent, deletion
/// flag and canonical body) always gets the same revision, so a retried write is recognised as
/// already applied and two nodes making the same edit agree. Different inputs differ (MD5, 128 bits).
/// Note: the bytes hashed are not CouchDB's (it hashes an Erlang term), so hashes differ from
/// CouchDB's for the same edit; only determinism matters for compatibility.
/// </remarks>
public static class RevHash
{
    /// <summary>
    /// The next revision: generation <c>parent + 1</c> (or 1), hash = lowercase hex MD5 over the
    /// deletion flag, the parent revision text (length-prefixed) and <paramref name="canonicalBody"/>.
    /// </summary>
    /// <param name="parent">The parent revision, from <see cref="RevTree.EffectiveParent"/>; null for a new document.</param>
    /// <param name="deleted">True for a deletion.</param>
    /// <param name="canonicalBody">The stored body bytes, including attachment stubs, so that attachment changes make new revisions.</param>
    public static RevId Next(RevId? parent, bool deleted, ReadOnlySpan<byte> canonicalBody) => Next(parent, deleted, canonicalBody, null);

    /// <summary>As <see cref="Next(RevId?, bool, ReadOnlySpan{byte})"/> over the UTF-8 bytes of <paramref name="canonicalBody"/>, encoded straight into the hash input.</summary>
    public static RevId Next(RevId? parent, bool deleted, string canonicalBody) => Next(parent, deleted, default, canonicalBody);

    private static RevId Next(RevId? parent, bool deleted, ReadOnlySpan<byte> utf8Body, string? body)
    {
        var parentText = parent?.ToString() ?? string.Empty;
        var parentLength = Encoding.UTF8.GetByteCount(parentText);

        // One buffer and a one-shot hash: this runs for every edit of a group commit.
        var bodyLength = body is null ? utf8Body.Length : Encoding.UTF8.GetByteCount(body);
        var length = 5 + parentLength + bodyLength;
        var rented = length <= 1024 ? null : ArrayPool<byte>.Shared.Rent(length);
        var input = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
        input[0] = deleted ? (byte)1 : (byte)0;
        // The length prefix keeps (parent, body) pairs from colliding by shifting bytes between them.
        BinaryPrimitives.WriteInt32BigEndian(input[1..5], parentLength);
        Encoding.UTF8.GetBytes(parentText, input.Slice(5, parentLength));
        if (body is null)
        {
            utf8Body.CopyTo(input[(5 + parentLength)..]);
        }
        else
        {
            Encoding.UTF8.GetBytes(body, input[(5 + parentLength)..]);
        }

        Span<byte> digest = stackalloc byte[16];
        MD5.HashData(input, digest);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return new RevId((parent?.Generation ?? 0) + 1, Convert.ToHexStringLower(digest));
    }
}
