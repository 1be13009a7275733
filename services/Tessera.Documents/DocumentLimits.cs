namespace Tessera.Documents;

/// <summary>Size and shape limits applied by <see cref="DocumentParser"/>.</summary>
public sealed record DocumentLimits
{
    /// <summary>The defaults: 8 MiB body, nesting depth 64, 64 MiB per attachment.</summary>
    public static DocumentLimits Default { get; } = new();

    /// <summary>The largest body in UTF-8 bytes, measured as compact JSON without special members or attachments (like CouchDB's <c>max_document_size</c>).</summary>
    public int MaxDocumentBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>The deepest nesting of objects and arrays; the document object itself is depth 1.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>The largest decoded inline attachment in bytes.</summary>
    public int MaxAttachmentBytes { get; init; } = 64 * 1024 * 1024;
}
