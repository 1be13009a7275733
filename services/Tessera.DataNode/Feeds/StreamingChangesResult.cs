using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tessera.DataNode.Couch;

namespace Tessera.DataNode.Feeds;

/// <summary>
/// Serves <c>feed=continuous</c> (one JSON object per line) and <c>feed=eventsource</c> (server-sent events), flushed
/// change by change. Response buffering and compression are turned off for it, so nothing holds rows back.
/// </summary>
internal sealed class StreamingChangesResult(ChangesFeedWriter feed) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var eventSource = feed.Request.Feed == ChangesFeed.EventSource;
        response.StatusCode = 200;
        response.ContentType = eventSource ? "text/event-stream" : "application/json";
        response.Headers.CacheControl = "no-cache";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        httpContext.Features.Get<IHttpsCompressionFeature>()?.Mode = HttpsCompressionMode.DoNotCompress;
        await response.StartAsync(httpContext.RequestAborted);

        // Clients wait for the headers before they read rows: send them now, not with the first row.
        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
        IFeedSink sink = eventSource ? new EventSourceSink(response.BodyWriter) : new ContinuousSink(response.BodyWriter);
        try
        {
            await feed.StreamAsync(sink, httpContext.RequestAborted);
            await sink.FlushAsync(httpContext.RequestAborted);
        }
        catch (OperationCanceledException) when (httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away: the normal end of a live feed.
        }
    }

    private abstract class Sink(PipeWriter body) : IFeedSink
    {
        protected PipeWriter Body => body;

        public abstract ValueTask WriteRowAsync(Action<Utf8JsonWriter> row, long seq, CancellationToken cancellationToken);

        public abstract ValueTask HeartbeatAsync(CancellationToken cancellationToken);

        public abstract ValueTask WriteLastSeqAsync(long seq, CancellationToken cancellationToken);

        public async ValueTask FlushAsync(CancellationToken cancellationToken) => await body.FlushAsync(cancellationToken);

        protected void WriteJson(Action<Utf8JsonWriter> write)
        {
            using var writer = new Utf8JsonWriter(body, CouchJson.WriterOptions);
            write(writer);
        }

        protected async ValueTask WriteTextAsync(string text, CancellationToken cancellationToken) =>
            await body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
    }

    private sealed class ContinuousSink(PipeWriter body) : Sink(body)
    {
        public override async ValueTask WriteRowAsync(Action<Utf8JsonWriter> row, long seq, CancellationToken cancellationToken)
        {
            WriteJson(row);
            await WriteTextAsync("\n", cancellationToken);
        }

        public override ValueTask HeartbeatAsync(CancellationToken cancellationToken) => WriteTextAsync("\n", cancellationToken);

        public override ValueTask WriteLastSeqAsync(long seq, CancellationToken cancellationToken) =>
            WriteTextAsync($"{{\"last_seq\":\"{Sequences.Format(seq)}\",\"pending\":0}}\n", cancellationToken);
    }

    private sealed class EventSourceSink(PipeWriter body) : Sink(body)
    {
        public override async ValueTask WriteRowAsync(Action<Utf8JsonWriter> row, long seq, CancellationToken cancellationToken)
        {
            await WriteTextAsync("data: ", cancellationToken);
            WriteJson(row);
            await WriteTextAsync($"\nid: {Sequences.Format(seq)}\n\n", cancellationToken);
        }

        public override ValueTask HeartbeatAsync(CancellationToken cancellationToken) => WriteTextAsync("event: heartbeat\ndata: \n\n", cancellationToken);

        public override ValueTask WriteLastSeqAsync(long seq, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
