using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Tessera.Storage;

namespace Tessera.DataNode.Tenancy;

/// <summary>
/// Maps a tenant's database name to its storage key for reads, caching hits briefly so hot reads cost one query, not two.
/// Note: a database deleted and re-created on another node can be read under its old key (as empty) for at most
/// <see cref="DataNodeOptions.DatabaseCacheMs"/>; this node forgets a name as soon as it deletes it.
/// </summary>
public sealed class DatabaseResolver(IDatabaseCatalog catalog, IOptions<DataNodeOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Tenant, string Name), (long Key, long Expires)> cache = new();

    public async Task<long?> GetKeyAsync(string tenant, string name, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (cache.TryGetValue((tenant, name), out var hit) && hit.Expires > now)
        {
            return hit.Key;
        }

        var record = await catalog.GetAsync(tenant, name, cancellationToken);
        if (record is null)
        {
            cache.TryRemove((tenant, name), out _);
            return null;
        }

        Remember(tenant, name, record.Key);
        return record.Key;
    }

    public void Remember(string tenant, string name, long key) =>
        cache[(tenant, name)] = (key, time.GetTimestamp() + (options.Value.DatabaseCacheMs * time.TimestampFrequency / 1000));

    public void Forget(string tenant, string name) => cache.TryRemove((tenant, name), out _);
}
