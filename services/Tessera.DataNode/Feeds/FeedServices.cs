using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Grains;
using Tessera.Storage;

namespace Tessera.DataNode.Feeds;

/// <summary>What a WebSocket feed connection needs from the node, resolved once (connections are long-lived and many).</summary>
internal sealed class FeedServices(
    ChangeReader reader,
    ChangeHub hub,
    IDatabaseCatalog catalog,
    IFeedAuthorizer authorizer,
    IOptions<FeedOptions> options,
    FeedMetrics metrics,
    IHostApplicationLifetime lifetime,
    ILogger<WebSocketFeedConnection> logger)
{
    public ChangeReader Reader => reader;

    public ChangeHub Hub => hub;

    public IDatabaseCatalog Catalog => catalog;

    public IFeedAuthorizer Authorizer => authorizer;

    public FeedOptions Options => options.Value;

    public FeedMetrics Metrics => metrics;

    public IHostApplicationLifetime Lifetime => lifetime;

    public ILogger<WebSocketFeedConnection> Logger => logger;

    public ChangeStream Stream(DatabaseRecord database, ChangesRequest request) => new(reader, hub, database, request, options.Value.PageSize);
}
