namespace Tessera.Documents;

/// <summary>
/// A document was refused. <see cref="Error"/> and <see cref="Reason"/> are the CouchDB error body
/// (<c>{"error": Error, "reason": Reason}</c>) and <see cref="StatusCode"/> its HTTP status.
/// </summary>
public sealed class DocumentException : Exception
{
    /// <summary>The CouchDB error token for malformed requests (400).</summary>
    public const string BadRequest = "bad_request";

    /// <summary>The CouchDB error token for documents that break a document rule (400).</summary>
    public const string DocValidation = "doc_validation";

    /// <summary>The CouchDB error token for invalid document ids (400).</summary>
    public const string IllegalDocId = "illegal_docid";

    /// <summary>The CouchDB error token for a body over the size limit (413).</summary>
    public const string DocumentTooLarge = "document_too_large";

    /// <summary>The CouchDB error token for an attachment over the size limit (413).</summary>
    public const string AttachmentTooLarge = "attachment_too_large";

    /// <summary>
    /// The CouchDB error token for a well-formed document the server will not store (403). A replicator skips such a
    /// document and goes on, as it does for documents a validation function refuses.
    /// </summary>
    public const string Forbidden = "forbidden";

    /// <summary>Creates the exception; the status is 413 for the two "too large" errors, 403 for forbidden and 400 otherwise.</summary>
    public DocumentException(string error, string reason)
        : base($"{error}: {reason}")
    {
        Error = error;
        Reason = reason;
        StatusCode = error switch
        {
            DocumentTooLarge or AttachmentTooLarge => 413,
            Forbidden => 403,
            _ => 400,
        };
    }

    /// <summary>The CouchDB error token, e.g. <c>bad_request</c>.</summary>
    public string Error { get; }

    /// <summary>The human-readable reason, worded like CouchDB's where CouchDB has one.</summary>
    public string Reason { get; }

    /// <summary>The HTTP status code to answer with.</summary>
    public int StatusCode { get; }
}
