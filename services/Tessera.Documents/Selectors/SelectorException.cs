namespace Tessera.Documents.Selectors;

/// <summary>
/// A Mango selector was refused. <see cref="Error"/> and <see cref="Reason"/> are what CouchDB's
/// <c>_find</c> answers with status 400 (<c>{"error": Error, "reason": Reason}</c>); <c>_changes?filter=_selector</c>
/// answers <c>{"error": "bad_request", "reason": Reason}</c> instead.
/// </summary>
public sealed class SelectorException : Exception
{
    /// <summary>The selector is not a JSON object.</summary>
    public const string InvalidSelectorJson = "invalid_selector_json";

    /// <summary>A condition has no field to apply to, such as <c>{"$gt": 1}</c> at the top level.</summary>
    public const string InvalidSelector = "invalid_selector";

    /// <summary>An operator CouchDB does not know, such as <c>$foo</c>.</summary>
    public const string InvalidOperator = "invalid_operator";

    /// <summary>A known operator with an argument of the wrong shape, such as <c>{"$in": 5}</c>.</summary>
    public const string BadArg = "bad_arg";

    /// <summary>A MongoDB operator that CouchDB does not support (<c>$where</c>, <c>$near</c>, ...), or <c>$text</c>.</summary>
    public const string NotSupported = "not_supported";

    /// <summary>A field name with an empty segment, such as <c>a..b</c>.</summary>
    public const string InvalidFieldName = "invalid_field_name";

    /// <summary>A string in the selector is not valid Unicode (an escaped unpaired surrogate).</summary>
    public const string BadRequest = "bad_request";

    /// <summary>Creates the exception.</summary>
    public SelectorException(string error, string reason)
        : base($"{error}: {reason}")
    {
        Error = error;
        Reason = reason;
    }

    /// <summary>The CouchDB error token, e.g. <c>invalid_operator</c>.</summary>
    public string Error { get; }

    /// <summary>The reason, worded as CouchDB words it, e.g. <c>Invalid operator: $foo</c>.</summary>
    public string Reason { get; }

    /// <summary>The HTTP status code to answer with: always 400.</summary>
    public int StatusCode => 400;
}
