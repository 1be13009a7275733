using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tessera.Contracts.V1;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Feeds;
using Tessera.Documents.Selectors;
using Tessera.Grains;
using Tessera.Storage;
using ChangesRequest = Tessera.Contracts.V1.ChangesRequest;
using FeedRequest = Tessera.DataNode.Feeds.ChangesRequest;

namespace Tessera.DataNode.Grpc;

/// <summary>
/// The gRPC <c>Changes</c> stream: the live feeds' own loop (<see cref="ChangeStream"/>: rows from storage through
/// <see cref="ChangeReader"/>, wake-ups from <see cref="ChangeHub"/>, which follows the database across nodes) with a
/// gRPC sink. Each message carries its <c>seq</c>; passing the last one back as <c>since</c> resumes with every later
/// change, exactly once.
/// </summary>
internal sealed class ChangesStream(ChangeReader reader, ChangeHub hub, IDatabaseCatalog catalog, IOptions<FeedOptions> options, IHostApplicationLifetime lifetime)
{
    private const int MinHeartbeatMs = 10;

    public async Task StreamAsync(GrpcDatabase database, ChangesRequest request, IServerStreamWriter<Change> stream, CancellationToken aborted)
    {
        var record = await catalog.GetAsync(database.Tenant, database.Name, aborted) ?? throw GrpcErrors.From(CouchError.DatabaseNotFound());
        var feed = Parse(request, record.UpdateSeq);

        // Note: a live stream ends cleanly (status OK) when the server shuts down, so clients resume elsewhere at once
        // instead of holding up the shutdown until their connection is cut.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, lifetime.ApplicationStopping);
        try
        {
            var end = await new ChangeStream(reader, hub, record, feed, options.Value.PageSize).RunAsync(new GrpcChangeSink(stream, feed), stop.Token);
            if (end == ChangeStreamEnd.DatabaseDeleted)
            {
                throw GrpcErrors.From(CouchError.DatabaseNotFound());
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            // The server is stopping: end the stream; the client resumes from the last seq it received.
        }
    }

    private static FeedRequest Parse(ChangesRequest request, long updateSeq)
    {
        if (request.Limit < 0 || request.HeartbeatMs < 0)
        {
            throw GrpcErrors.InvalidArgument("`limit` and `heartbeat_ms` must not be negative.");
        }

        if (request.DocIds.Count > 0 && request.Selector.Length > 0)
        {
            throw GrpcErrors.InvalidArgument("`doc_ids` and `selector` cannot be used together.");
        }

        var since = updateSeq;
        if (request.Since != "now" && !Sequences.TryParse(request.Since, out since))
        {
            throw GrpcErrors.InvalidArgument($"Malformed sequence supplied in 'since' parameter: {request.Since}");
        }

        // Not live: read until caught up and end (a zero idle timeout). Live: no idle timeout; heartbeats if asked.
        return new FeedRequest(
            ChangesFeed.Continuous,
            since,
            request.Limit > 0 ? request.Limit : int.MaxValue,
            Descending: false,
            request.IncludeDocs,
            AllLeaves: false,
            request.Conflicts,
            request.DocIds.Count > 0 ? request.DocIds.ToHashSet(StringComparer.Ordinal) : null,
            request.Selector.Length > 0 ? ParseSelector(request.Selector) : null,
            Timeout: request.Live ? Timeout.InfiniteTimeSpan : TimeSpan.Zero,
            Heartbeat: request.Live && request.HeartbeatMs > 0 ? TimeSpan.FromMilliseconds(Math.Max(request.HeartbeatMs, MinHeartbeatMs)) : null);
    }

    private static Selector ParseSelector(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? Selector.Parse(document.RootElement)
                : throw GrpcErrors.InvalidArgument("`selector` must be a JSON object.");
        }
        catch (JsonException)
        {
            throw GrpcErrors.InvalidArgument("`selector` is not valid JSON.");
        }
        catch (SelectorException exception)
        {
            throw GrpcErrors.InvalidArgument(exception.Reason);
        }
    }
}
