using System.ComponentModel.DataAnnotations;

namespace Tessera.Gateway.Proxy;

/// <summary>
/// Settings of the gateway's proxy that YARP's own <c>ReverseProxy</c> section has no place for, bound from
/// <c>Tessera:Gateway</c> (the same section as the policies' <c>GatewayOptions</c>, which ignores these keys).
/// </summary>
public sealed class GatewayProxyOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Tessera:Gateway";

    /// <summary>
    /// When true, every destination whose address names a host (not an IP address) becomes one destination per address
    /// that name resolves to, named <c>{destination}[{ip}]</c>, each health-checked and load-balanced on its own, and the
    /// names are resolved again every <see cref="DestinationRefreshPeriod"/>. Meant for a Kubernetes headless Service,
    /// whose name resolves to the addresses of its ready pods, so <c>DatabaseAffinity</c> picks the pod. Default false:
    /// each destination is one address and the network (docker-compose's DNS, a Service's kube-proxy) picks the node.
    /// </summary>
    public bool ResolveDestinations { get; set; }

    /// <summary>How often host names are resolved again when <see cref="ResolveDestinations"/> is on: a new pod gets traffic within this period.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan DestinationRefreshPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Which addresses of a name become destinations when <see cref="ResolveDestinations"/> is on.</summary>
    [EnumDataType(typeof(DestinationAddressFamily))]
    public DestinationAddressFamily DestinationAddressFamily { get; set; } = DestinationAddressFamily.Any;
}

/// <summary>The address families <see cref="GatewayProxyOptions.DestinationAddressFamily"/> can select.</summary>
public enum DestinationAddressFamily
{
    /// <summary>Every address the name resolves to.</summary>
    Any,

    /// <summary>IPv4 addresses only.</summary>
    IPv4,

    /// <summary>IPv6 addresses only.</summary>
    IPv6,
}
