using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Tessera.Server.Hosting;
using Tessera.Testing;

namespace Tessera.Cluster.IntegrationTests;

/// <summary>Failure detection: Tessera's default probe timeout, and Orleans' own settings under <c>Tessera:Orleans:Membership</c>.</summary>
public sealed class MembershipOptionsTests
{
    [Fact]
    public async Task Silo_WithoutMembershipSettings_ProbesWithTesseraDefault()
    {
        await using var host = await TesseraHost.StartAsync();

        var membership = host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;

        Assert.Equal(OrleansHostingOptions.DefaultProbeTimeout, membership.ProbeTimeout);
        Assert.Equal(3, membership.NumMissedProbesLimit);
    }

    [Fact]
    public async Task Silo_WithMembershipSettings_UsesThem()
    {
        await using var host = await TesseraHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Tessera:Orleans:Membership:ProbeTimeout"] = "00:00:07",
            ["Tessera:Orleans:Membership:NumMissedProbesLimit"] = "4",
            ["Tessera:Orleans:Membership:DeathVoteExpirationTimeout"] = "00:00:30",
        });

        var membership = host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(7), membership.ProbeTimeout);
        Assert.Equal(4, membership.NumMissedProbesLimit);
        Assert.Equal(TimeSpan.FromSeconds(30), membership.DeathVoteExpirationTimeout);
    }
}
