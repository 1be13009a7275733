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
    public static RevId Next(RevId? parent, bool deleted, ReadOnlySpan<byte> canonicalBody)
    {
        var parentText = parent?.ToString() ?? string.Empty;
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        Span<byte> header = stackalloc byte[5];
        header[0] = deleted ? (byte)1 : (byte)0;
        // The length prefix keeps (parent, body) pairs from colliding by shifting bytes between them.
        BinaryPrimitives.WriteInt32BigEndian(header[1..], Encoding.UTF8.GetByteCount(parentText));
        md5.AppendData(header);
        md5.AppendData(Encoding.UTF8.GetBytes(parentText));
        md5.AppendData(canonicalBody);
        Span<byte> digest = stackalloc byte[16];
        md5.GetHashAndReset(digest);
        return new RevId((parent?.Generation ?? 0) + 1, Convert.ToHexStringLower(digest));
    }
}
