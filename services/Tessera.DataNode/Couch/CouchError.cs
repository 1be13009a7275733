using Microsoft.AspNetCore.Http;

namespace Tessera.DataNode.Couch;

/// <summary>A CouchDB-style error response: <c>{"error":"...","reason":"..."}</c> with CouchDB's status code.</summary>
public sealed class CouchError(int statusCode, string error, string reason) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode { get; } = statusCode;

    public string Error { get; } = error;

    public string Reason { get; } = reason;

    public static CouchError BadRequest(string reason) => new(400, "bad_request", reason);

    public static CouchError InvalidJson() => new(400, "bad_request", "invalid UTF-8 JSON");

    public static CouchError NotFound(string reason = "missing") => new(404, "not_found", reason);

    public static CouchError DatabaseNotFound() => new(404, "not_found", "Database does not exist.");

    public static CouchError Conflict() => new(409, "conflict", "Document update conflict.");

    public static CouchError PreconditionFailed(string reason) => new(412, "precondition_failed", reason);

    public static CouchError UnsupportedMediaType(string reason = "Content-Type must be application/json") => new(415, "bad_content_type", reason);

    public static CouchError TooLarge() => new(413, "too_large", "the request entity is too large");

    public Task ExecuteAsync(HttpContext httpContext) =>
        CouchJson.WriteAsync(httpContext, StatusCode!.Value, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("error", Error);
            writer.WriteString("reason", Reason);
            writer.WriteEndObject();
        });
}
