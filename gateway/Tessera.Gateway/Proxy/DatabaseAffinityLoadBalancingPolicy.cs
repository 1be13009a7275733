using System.Text;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace Tessera.Gateway.Proxy;

/// <summary>
/// Sends every request for one database (<c>/t/{tenant}/{db}/...</c>) to the same healthy data node, chosen by
/// rendezvous hashing of the tenant and database over the available destinations; requests that name no database
/// (server root, <c>_all_dbs</c>, gRPC, whose database is inside the message) go to the less busy of two random nodes.
/// Note: any node can serve any database, so this is an optimisation, not a rule. Database grains are placed on the
/// silo of their first caller (PreferLocalPlacement), so with this policy a database's writes reach its grain without a
/// silo-to-silo hop. Rendezvous hashing moves only the databases of a node that leaves or joins, and every gateway
/// replica computes the same choice without sharing state, because the hash covers destination ids, which name the node
/// the same way everywhere (resolved destinations are named by address, see <see cref="PerAddressDestinationResolver"/>).
/// </summary>
public sealed class DatabaseAffinityLoadBalancingPolicy : ILoadBalancingPolicy
{
    public const string PolicyName = "DatabaseAffinity";

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        switch (availableDestinations.Count)
        {
            case 0:
                return null;
            case 1:
                return availableDestinations[0];
        }

        if (DatabaseKey(context.Request.Path) is not { } key)
        {
            return LessBusyOfTwo(availableDestinations);
        }

        DestinationState? best = null;
        var bestScore = 0UL;
        foreach (var destination in availableDestinations)
        {
            var score = Fnv1a(destination.DestinationId, Fnv1a(key, FnvOffset));
            if (best is null || score > bestScore)
            {
                (best, bestScore) = (destination, score);
            }
        }

        return best;
    }

    /// <summary>"{tenant}/{db}" of a path <c>/t/{tenant}/{db}[/...]</c>; null when the path names no database.</summary>
    internal static string? DatabaseKey(PathString path)
    {
        var value = path.Value;
        if (value is null || !value.StartsWith("/t/", StringComparison.Ordinal))
        {
            return null;
        }

        var tenantEnd = value.IndexOf('/', 3);
        if (tenantEnd < 0 || tenantEnd == value.Length - 1 || value[tenantEnd + 1] == '_')
        {
            return null; // the tenant root or a tenant-level endpoint such as _all_dbs, _session, _replicate
        }

        var databaseEnd = value.IndexOf('/', tenantEnd + 1);
        return databaseEnd < 0 ? value[3..] : value[3..databaseEnd];
    }

    private static DestinationState LessBusyOfTwo(IReadOnlyList<DestinationState> destinations)
    {
        var first = destinations[Random.Shared.Next(destinations.Count)];
        var second = destinations[Random.Shared.Next(destinations.Count)];
        return first.ConcurrentRequestCount <= second.ConcurrentRequestCount ? first : second;
    }

    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    // A stable 64-bit hash (FNV-1a over UTF-8): gateway replicas and restarts must agree, which string.GetHashCode does not.
    private static ulong Fnv1a(string text, ulong hash)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(text) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(text, buffer)] : Encoding.UTF8.GetBytes(text);
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * FnvPrime;
        }

        return hash;
    }
}
