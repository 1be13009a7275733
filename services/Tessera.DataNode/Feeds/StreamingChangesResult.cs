using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tessera.DataNode.Couch;
using Tessera.Storage;

namespace Tessera.DataNode.Feeds;

/// <summary>
/// Serves <c>feed=continuous</c> (one JSON object per line) and <c>feed=eventsource</c> (server-sent events) over the
/// shared <see cref="ChangeStream"/>, flushed change by change.
/// </summary>
/// <remarks>
/// Note: every row is flushed on its own, and response buffering is turned off for the stream. The server enables no
/// response compression today; with ASP.NET Core's ResponseCompression added, both make the compressor flush each row
/// (checked: the gzip tests in Feeds/EventSourceFeedTests pass with it enabled), so a feed is never held back.
/// </remarks>
internal sealed class StreamingChangesResult(ChangeStream stream) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var eventSource = stream.Request.Feed == ChangesFeed.EventSource;
        response.StatusCode = 200;
        response.ContentType = eventSource ? "text/event-stream" : "application/json";
        response.Headers.CacheControl = "no-cache";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        httpContext.Features.Get<IHttpsCompressionFeature>()?.Mode = HttpsCompressionMode.DoNotCompress;
        await response.StartAsync(httpContext.RequestAborted);

        // Clients wait for the headers before they read rows: send them now, not with the first row.
        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
        IFeedSink sink = eventSource ? new EventSourceSink(response.BodyWriter, stream.Request) : new ContinuousSink(response.BodyWriter, stream.Request);
        try
        {
            await stream.RunAsync(sink, httpContext.RequestAborted);
        }
        catch (OperationCanceledException) when (httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away: the normal end of a live feed.
        }
    }

    private abstract class Sink(PipeWriter body, ChangesRequest request) : IFeedSink
    {
        protected PipeWriter Body => body;

        public abstract ValueTask WriteRowAsync(DocumentWithBody row, CancellationToken cancellationToken);

        public abstract ValueTask HeartbeatAsync(CancellationToken cancellationToken);

        public abstract ValueTask EndAsync(long lastSeq, CancellationToken cancellationToken);

        public ValueTask CaughtUpAsync(long lastSeq, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        protected void WriteRow(DocumentWithBody row)
        {
            using var writer = new Utf8JsonWriter(body, CouchJson.WriterOptions);
            ChangeRowWriter.Write(writer, row, request);
        }

        protected void WriteSeq(long seq)
        {
            var span = body.GetSpan(20);
            Utf8Formatter.TryFormat(seq, span, out var written);
            body.Advance(written);
        }

        protected async ValueTask WriteAndFlushAsync(ReadOnlyMemory<byte> text, CancellationToken cancellationToken) =>
            await body.WriteAsync(text, cancellationToken);
    }

    private sealed class ContinuousSink(PipeWriter body, ChangesRequest request) : Sink(body, request)
    {
        private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();
        private static readonly ReadOnlyMemory<byte> LastSeqStart = "{\"last_seq\":\""u8.ToArray();
        private static readonly ReadOnlyMemory<byte> LastSeqEnd = "\",\"pending\":0}\n"u8.ToArray();

        public override ValueTask WriteRowAsync(DocumentWithBody row, CancellationToken cancellationToken)
        {
            WriteRow(row);
            return WriteAndFlushAsync(NewLine, cancellationToken);
        }

        public override ValueTask HeartbeatAsync(CancellationToken cancellationToken) => WriteAndFlushAsync(NewLine, cancellationToken);

        public override ValueTask EndAsync(long lastSeq, CancellationToken cancellationToken)
        {
            Body.Write(LastSeqStart.Span);
            WriteSeq(lastSeq);
            return WriteAndFlushAsync(LastSeqEnd, cancellationToken);
        }
    }

    private sealed class EventSourceSink(PipeWriter body, ChangesRequest request) : Sink(body, request)
    {
        private static readonly ReadOnlyMemory<byte> Data = "data: "u8.ToArray();
        private static readonly ReadOnlyMemory<byte> Id = "\nid: "u8.ToArray();
        private static readonly ReadOnlyMemory<byte> EndOfEvent = "\n\n"u8.ToArray();
        private static readonly ReadOnlyMemory<byte> Heartbeat = "event: heartbeat\ndata: \n\n"u8.ToArray();

        public override ValueTask WriteRowAsync(DocumentWithBody row, CancellationToken cancellationToken)
        {
            // The event id is the row's sequence: a browser's EventSource reconnects with it as Last-Event-ID.
            Body.Write(Data.Span);
            WriteRow(row);
            Body.Write(Id.Span);
            WriteSeq(row.Document.Seq);
            return WriteAndFlushAsync(EndOfEvent, cancellationToken);
        }

        public override ValueTask HeartbeatAsync(CancellationToken cancellationToken) => WriteAndFlushAsync(Heartbeat, cancellationToken);

        public override async ValueTask EndAsync(long lastSeq, CancellationToken cancellationToken) => await Body.FlushAsync(cancellationToken);
    }
}
