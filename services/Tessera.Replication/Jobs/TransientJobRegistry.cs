using System.Collections.Concurrent;

namespace Tessera.Replication.Jobs;

/// <summary>
/// The continuous <c>_replicate</c> jobs whose grains live on this node, so <c>_scheduler/jobs</c> can list them.
/// Note: node-local (transient jobs are not stored anywhere, as in CouchDB); the job grains prefer local placement,
/// so in embedded mode and on the node that took the request this is every transient job of the tenant.
/// </summary>
public sealed class TransientJobRegistry
{
    private readonly ConcurrentDictionary<(string Tenant, string Id), byte> jobs = new();

    public void Add(string tenant, string id) => jobs[(tenant, id)] = 0;

    public void Remove(string tenant, string id) => jobs.TryRemove((tenant, id), out _);

    public IReadOnlyList<string> List(string tenant) =>
        jobs.Keys.Where(k => k.Tenant == tenant).Select(k => k.Id).Order(StringComparer.Ordinal).ToList();
}
