using Orleans.TestingHost;

namespace Tessera.Grains.Tests;

internal static class ClusterExtensions
{
    /// <summary>Whether the grain is active on that silo.</summary>
    public static bool TryGetGrainContextOn(this InProcessTestCluster cluster, InProcessSiloHandle silo, IAddressable grain) =>
        cluster.TryGetGrainContext(grain.GetGrainId(), out var context)
        && context.Address.SiloAddress is { } address
        && address.Equals(silo.SiloAddress);
}
