using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Tessera.Security;
using Tessera.Storage;

namespace Tessera.DataNode.Tenancy;

/// <summary>
/// Maps a tenant's database name to its storage key and access settings for reads and access checks, caching hits
/// briefly so a hot request costs one query, not two.
/// Note: a database deleted and re-created on another node, or its <c>_security</c> changed there, is seen the old way
/// here for at most <see cref="DataNodeOptions.DatabaseCacheMs"/>; this node forgets a name as soon as it changes it.
/// </summary>
public sealed class DatabaseResolver(IDatabaseCatalog catalog, IOptions<DataNodeOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Tenant, string Name), (ResolvedDatabase Database, long Expires)> cache = new();

    public async Task<long?> GetKeyAsync(string tenant, string name, CancellationToken cancellationToken) =>
        (await GetAsync(tenant, name, cancellationToken))?.Key;

    /// <summary>The database's key and access settings, or null when it does not exist.</summary>
    public async Task<ResolvedDatabase?> GetAsync(string tenant, string name, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (cache.TryGetValue((tenant, name), out var hit) && hit.Expires > now)
        {
            return hit.Database;
        }

        var record = await catalog.GetAsync(tenant, name, cancellationToken);
        if (record is null)
        {
            cache.TryRemove((tenant, name), out _);
            return null;
        }

        var database = new ResolvedDatabase(record.Key, DatabaseSecurity.Parse(record.SecurityJson, record.PublicRead));
        cache[(tenant, name)] = (database, now + (options.Value.DatabaseCacheMs * time.TimestampFrequency / 1000));
        return database;
    }

    public void Forget(string tenant, string name) => cache.TryRemove((tenant, name), out _);
}

/// <summary>A database as requests see it: its storage key and who may access it.</summary>
public sealed record ResolvedDatabase(long Key, DatabaseSecurity Security);
