using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Tessera.Documents;

/// <summary>CouchDB's document id rules, with Tessera's length limit.</summary>
/// <remarks>
/// Guarantees: <see cref="IsValid"/> accepts exactly the ids a document API (<c>PUT /{db}/{id}</c>,
/// <c>_bulk_docs</c>) may store: non-empty, valid UTF-16 without NUL, at most <see cref="MaxIdBytes"/>
/// UTF-8 bytes, and either not starting with '_' or starting with <c>_design/</c> plus a name.
/// <c>_local/</c> ids are refused: local documents go through the <c>_local</c> API.
/// </remarks>
public static class DocumentIds
{
    /// <summary>The longest id in UTF-8 bytes (CouchDB's default is unlimited; ids are index keys here).</summary>
    public const int MaxIdBytes = 1024;

    /// <summary>The prefix of design document ids.</summary>
    public const string DesignPrefix = "_design/";

    /// <summary>The prefix of local (non-replicated) document ids.</summary>
    public const string LocalPrefix = "_local/";

    /// <summary>Checks a document id; <paramref name="reason"/> is CouchDB's <c>illegal_docid</c> reason, or empty when valid.</summary>
    public static bool IsValid([NotNullWhen(true)] string? id, out string reason)
    {
        reason = Check(id);
        return reason.Length == 0;
    }

    /// <summary>True when <paramref name="id"/> names a local document (<c>_local/…</c>).</summary>
    public static bool IsLocal(string id) => id.StartsWith(LocalPrefix, StringComparison.Ordinal);

    /// <summary>True when <paramref name="id"/> names a design document (<c>_design/…</c>).</summary>
    public static bool IsDesign(string id) => id.StartsWith(DesignPrefix, StringComparison.Ordinal);

    private static string Check(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "Document id must not be empty";
        }

        if (id is DesignPrefix or LocalPrefix)
        {
            return $"Illegal document id `{id}`";
        }

        if (!IsWellFormedUtf16(id))
        {
            return "Document id must be valid UTF-8";
        }

        if (id.Contains('\0', StringComparison.Ordinal))
        {
            return "Document id must not contain NUL characters";
        }

        if (Encoding.UTF8.GetByteCount(id) > MaxIdBytes)
        {
            return $"Document id is too long (the limit is {MaxIdBytes} UTF-8 bytes)";
        }

        if (IsLocal(id))
        {
            return "Local document ids (_local/) are only accepted by the _local API";
        }

        if (id[0] == '_' && !IsDesign(id))
        {
            return "Only reserved document ids may start with underscore.";
        }

        return string.Empty;
    }

    private static bool IsWellFormedUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
