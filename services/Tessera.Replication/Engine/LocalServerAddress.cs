using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tessera.Replication.Engine;

/// <summary>
/// This node's own HTTP address, where jobs naming a bare database reach it: <see cref="ReplicationOptions.LocalBaseAddress"/>
/// when set, else the first address Kestrel listens on (wildcard hosts become loopback; plain HTTP preferred).
/// </summary>
/// <remarks>
/// Note: local databases go through HTTP like remote ones, so every replication sees the same protocol, checks and
/// feeds (and the same tenant filter) as PouchDB does. Every data node serves every database, so the local address
/// works wherever Orleans placed the job.
/// </remarks>
public sealed class LocalServerAddress(IServiceProvider services, IOptions<ReplicationOptions> options)
{
    private Uri? cached;

    /// <summary>The server root, ending with '/'; throws when the server listens nowhere yet.</summary>
    public Uri Get()
    {
        if (cached is not null)
        {
            return cached;
        }

        if (options.Value.LocalBaseAddress is { Length: > 0 } configured)
        {
            return cached = new Uri(configured.TrimEnd('/') + "/");
        }

        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var chosen = addresses.OrderBy(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? 1 : 0).FirstOrDefault()
            ?? throw new InvalidOperationException("The server has no listening address yet.");
        var builder = new UriBuilder(chosen.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (builder.Host is "0.0.0.0")
        {
            builder.Host = "127.0.0.1";
        }
        else if (builder.Host is "[::]" or "::")
        {
            builder.Host = "[::1]";
        }

        builder.Path = "/";
        return cached = builder.Uri;
    }

    /// <summary>The CouchDB URL of a database of <paramref name="tenant"/> on this node, ending with '/'.</summary>
    public Uri Database(string tenant, string database) =>
        new(Get(), $"t/{Uri.EscapeDataString(tenant)}/{Uri.EscapeDataString(database)}/");
}
