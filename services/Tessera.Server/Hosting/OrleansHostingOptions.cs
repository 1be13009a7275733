using System.ComponentModel.DataAnnotations;

namespace Tessera.Server.Hosting;

/// <summary>How the data nodes' Orleans silos find each other.</summary>
public enum OrleansClustering
{
    /// <summary>One silo on loopback, no shared membership (embedded mode, tests, <c>dotnet run</c>).</summary>
    Localhost,

    /// <summary>Membership in PostgreSQL through Orleans ADO.NET clustering: every data node of a cluster shares it.</summary>
    AdoNet,
}

/// <summary>Settings of the process's Orleans silo, bound from <c>Tessera:Orleans</c>.</summary>
public sealed class OrleansHostingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Tessera:Orleans";

    /// <summary>
    /// Orleans' <c>ClusterMembershipOptions</c> by their own names (<c>ProbeTimeout</c>, <c>NumMissedProbesLimit</c>,
    /// <c>DeathVoteExpirationTimeout</c>, ...): how fast the cluster declares a silo that stopped answering dead, so its
    /// grains move. Shorter detects a crash sooner but risks evicting a silo that is only slow (a long GC pause, CPU starved).
    /// </summary>
    public const string MembershipSectionName = "Tessera:Orleans:Membership";

    /// <summary>Tessera's default <c>ClusterMembershipOptions.ProbeTimeout</c> (Orleans' own is 5 s).</summary>
    public static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The default silo-to-silo port in <see cref="OrleansClustering.AdoNet"/> mode.</summary>
    public const int DefaultSiloPort = 11111;

    /// <summary>The default client gateway port in <see cref="OrleansClustering.AdoNet"/> mode.</summary>
    public const int DefaultGatewayPort = 30000;

    public OrleansClustering Clustering { get; set; } = OrleansClustering.Localhost;

    /// <summary>
    /// The membership database for <see cref="OrleansClustering.AdoNet"/>; unset means <c>ConnectionStrings:Tessera</c>,
    /// the storage database (the Orleans tables live beside Tessera's and do not collide with them).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Silos with the same cluster id form one cluster; a rolling upgrade keeps it.</summary>
    [Required, RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,149}$")]
    public string ClusterId { get; set; } = "tessera";

    /// <summary>Identifies the service across deployments (Orleans keys persistent state by it).</summary>
    [Required, RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,149}$")]
    public string ServiceId { get; set; } = "tessera";

    /// <summary>Silo-to-silo port; default a free port on loopback (Localhost) or 11111 (AdoNet).</summary>
    [Range(1, 65535)]
    public int? SiloPort { get; set; }

    /// <summary>Port for Orleans clients; default a free port on loopback (Localhost) or 30000 (AdoNet).</summary>
    [Range(1, 65535)]
    public int? GatewayPort { get; set; }

    /// <summary>
    /// The address other silos reach this one at (AdoNet). Unset: the pod IP under Kubernetes, else the first
    /// non-loopback IPv4 address of an interface that is up. <c>127.0.0.1</c> for silos that share one machine.
    /// </summary>
    public string? AdvertisedIP { get; set; }

    /// <summary>
    /// Kubernetes hosting (AdoNet only): silo name and address from <c>POD_NAME</c>/<c>POD_NAMESPACE</c>/<c>POD_IP</c>,
    /// pods labelled with the cluster and service id, and silos of deleted pods declared dead at once.
    /// </summary>
    public bool Kubernetes { get; set; }

    /// <summary>How long an idle database grain stays activated.</summary>
    [Range(0.05, 1440)]
    public double IdleDeactivationMinutes { get; set; } = 2;
}
