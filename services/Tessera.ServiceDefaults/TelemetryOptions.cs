using System.ComponentModel.DataAnnotations;

namespace Tessera.ServiceDefaults;

/// <summary>Settings of the service defaults' telemetry, bound from <c>Tessera:Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    /// <summary>
    /// The base domain of the host form (<c>{tenant}.{BaseDomain}</c>, for example <c>tessera.example.com</c>): a request
    /// without a <c>tenant</c> route value is counted for the host's first label when the host ends with this domain.
    /// Unset: only the route value counts.
    /// </summary>
    [RegularExpression(@"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")]
    public string? BaseDomain { get; set; }

    /// <summary>
    /// How many distinct tenants the request counter tags before it counts further ones as <c>_other</c>.
    /// </summary>
    /// <remarks>Note: the route value comes from the client, and every distinct tag value is a time series kept in
    /// memory here and in the metrics backend; the cap keeps a scan of made-up tenants from exhausting either.</remarks>
    [Range(1, 1_000_000)]
    public int MaxTenantTags { get; set; } = 10_000;
}
