using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tessera.DataNode.Couch;

/// <summary>
/// Writes CouchDB-shaped JSON straight to the response body with a <see cref="Utf8JsonWriter"/>: the CouchDB API has many
/// ad-hoc shapes and splices stored document bodies verbatim, which model types and a serializer would only copy.
/// </summary>
public sealed class CouchJson(int statusCode, Action<Utf8JsonWriter> write) : IResult, IStatusCodeHttpResult
{
    // Note: relaxed escaping keeps non-ASCII text readable; the payload is always served as application/json.
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public int? StatusCode { get; } = statusCode;

    /// <summary>CouchDB ends every JSON response with a newline; line-oriented clients rely on it.</summary>
    internal static ReadOnlyMemory<byte> NewLine { get; } = "\n"u8.ToArray();

    public static CouchJson Ok(Action<Utf8JsonWriter> write) => new(200, write);

    public static CouchJson Created(Action<Utf8JsonWriter> write) => new(201, write);

    public static CouchJson OkTrue(int statusCode = 200) => new(statusCode, static w =>
    {
        w.WriteStartObject();
        w.WriteBoolean("ok", true);
        w.WriteEndObject();
    });

    public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, StatusCode!.Value, write);

    public static async Task WriteAsync(HttpContext context, int statusCode, Action<Utf8JsonWriter> write)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await using (var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions))
        {
            write(writer);
        }

        await response.BodyWriter.WriteAsync(NewLine);
    }

    /// <summary>Writes a stored JSON value (a body from storage) as the current property's value, without re-parsing it.</summary>
    public static void WriteRaw(Utf8JsonWriter writer, string json) => writer.WriteRawValue(json, skipInputValidation: true);
}
