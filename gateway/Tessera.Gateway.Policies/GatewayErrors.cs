using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tessera.Gateway.Policies;

/// <summary>
/// CouchDB-style error answers, <c>{"error":"...","reason":"..."}</c>, for requests the gateway stops itself: clients
/// of the data API (PouchDB, CouchDB replicators) read these fields whether the gateway or a data node answered.
/// </summary>
public static class GatewayErrors
{
    public static Task BadRequestAsync(HttpContext context, string reason) => WriteAsync(context, StatusCodes.Status400BadRequest, "bad_request", reason);

    public static Task UnauthorizedAsync(HttpContext context, string reason)
    {
        // Note: RFC 6750: a rejected bearer token is answered with a challenge naming the problem.
        context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return WriteAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", reason);
    }

    public static Task ForbiddenAsync(HttpContext context, string reason) => WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden", reason);

    public static Task NotFoundAsync(HttpContext context, string reason) => WriteAsync(context, StatusCodes.Status404NotFound, "not_found", reason);

    public static Task TooLargeAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "too_large", "the request entity is too large");

    public static Task TooManyRequestsAsync(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return WriteAsync(context, StatusCodes.Status429TooManyRequests, "too_many_requests", $"The tenant's request limit was reached; retry after {seconds} s.");
    }

    /// <summary>Writes the error unless the response has already started (then only the connection can tell).</summary>
    public static async Task WriteAsync(HttpContext context, int statusCode, string error, string reason)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        // Note: CouchDB answers errors uncached; a cached 429 or 401 would outlive its cause.
        context.Response.Headers.CacheControl = "no-store";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("error", error);
            writer.WriteString("reason", reason);
            writer.WriteEndObject();
        }

        System.Buffers.BuffersExtensions.Write(buffer, "\n"u8);
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }
}
