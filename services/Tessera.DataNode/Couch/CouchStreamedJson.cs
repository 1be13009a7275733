using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tessera.DataNode.Couch;

/// <summary>
/// A 200 JSON response written while rows are read from storage, flushed every few rows, so a large <c>_changes</c>
/// or <c>_all_docs</c> never sits whole in memory.
/// </summary>
public sealed class CouchStreamedJson(Func<Utf8JsonWriter, Func<ValueTask>, Task> write) : IResult
{
    // Note: flushing after every row would cost a syscall per row; this many buffered bytes is a good trade.
    private const int FlushBytes = 32 * 1024;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        var body = response.BodyWriter;
        await using var writer = new Utf8JsonWriter(body, CouchJson.WriterOptions);

        // The callback lets the producer flush at row boundaries once enough bytes are pending.
        async ValueTask MaybeFlush()
        {
            if (writer.BytesPending >= FlushBytes)
            {
                writer.Flush();
                await body.FlushAsync(httpContext.RequestAborted);
            }
        }

        await write(writer, MaybeFlush);
        writer.Flush();
        await body.WriteAsync(CouchJson.NewLine, httpContext.RequestAborted);
    }
}
