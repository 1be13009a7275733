using System.ComponentModel.DataAnnotations;

namespace Tessera.Gateway.Policies;

/// <summary>
/// Settings of the gateway policies (tenant resolution, token check, per-tenant limits, size caps, header stripping),
/// bound from <c>Tessera:Gateway</c>. Cross-field rules live in <see cref="GatewayOptionsValidator"/>.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Tessera:Gateway";

    /// <summary>
    /// The domain of the host form, <c>{tenant}.{BaseDomain}</c> (for example <c>tessera.example.com</c>). Requests to
    /// such a host are rewritten to the path form <c>/t/{tenant}/{rest}</c> before anything else sees them. Unset: only
    /// the path form is recognised.
    /// </summary>
    [RegularExpression(@"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")]
    public string? BaseDomain { get; set; }

    /// <summary>
    /// Labels under <see cref="BaseDomain"/> that name platform hosts, not tenants (<c>www.{BaseDomain}</c>,
    /// <c>auth.{BaseDomain}</c>, ...): requests to them are never rewritten. The issuer's host is always one of them.
    /// </summary>
    public IList<string> ReservedHostLabels { get; set; } = ["www", "api", "auth", "login", "identity", "console"];

    /// <summary>
    /// The public issuer of access tokens (<c>Tessera:Identity:Issuer</c> of the identity service), for example
    /// <c>https://tessera.example.com/</c>. Unset: the gateway does not check tokens itself (data nodes always do).
    /// </summary>
    public Uri? Issuer { get; set; }

    /// <summary>
    /// Where the gateway reaches the identity service for discovery and keys (for example <c>http://identity:8080/</c>
    /// inside a cluster). Unset: the <see cref="Issuer"/> itself.
    /// </summary>
    public Uri? IdentityAddress { get; set; }

    /// <summary>The plan of tenants that neither a token's <c>plan</c> claim nor <see cref="TenantPlans"/> names.</summary>
    [Required]
    public string DefaultPlan { get; set; } = "free";

    /// <summary>
    /// The plans by name. Note: bound dictionaries merge with these defaults, so configuration can change "free" and
    /// "pro" and add plans, but not remove them.
    /// </summary>
    public IDictionary<string, GatewayPlanOptions> Plans { get; set; } = new Dictionary<string, GatewayPlanOptions>(StringComparer.Ordinal)
    {
        ["free"] = new() { RequestsPerSecond = 100, Burst = 200, ConcurrentRequests = 50 },
        ["pro"] = new() { RequestsPerSecond = 1000, Burst = 2000, ConcurrentRequests = 500 },
    };

    /// <summary>Per-tenant plan overrides: tenant name to plan name.</summary>
    public IDictionary<string, string> TenantPlans { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Largest request body the gateway forwards; larger ones get 413 before they reach a data node. Matches the data
    /// node's default <c>Tessera:DataNode:MaxRequestBytes</c>.
    /// </summary>
    [Range(1024, 1L << 32)]
    public long MaxRequestBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Extra request headers removed from every client request, beyond the built-in set (<c>Forwarded</c>,
    /// <c>X-Forwarded-*</c>, <c>X-Real-IP</c>, <c>X-Original-*</c>, <c>X-Tessera-*</c>, ...).
    /// </summary>
    public IList<string> StripHeaders { get; set; } = [];

    /// <summary>
    /// Path prefixes of long-lived requests beyond the built-in ones (WebSocket upgrades, <c>feed=continuous</c>,
    /// <c>eventsource</c>, <c>longpoll</c>, <c>websocket</c>, <c>Accept: text/event-stream</c>): server-streaming gRPC
    /// methods that may stay open. Long-lived requests count against the request rate but hold no concurrency slot.
    /// Configured entries are added to the default, the gRPC changes stream.
    /// </summary>
    public IList<string> LongLivedPaths { get; set; } = ["/tessera.v1.Documents/Changes"];
}

/// <summary>The limits of one plan, <c>Tessera:Gateway:Plans:{plan}</c>.</summary>
public sealed class GatewayPlanOptions
{
    /// <summary>Sustained requests per second per tenant; 0 = no rate limit.</summary>
    [Range(0, 10_000_000)]
    public int RequestsPerSecond { get; set; }

    /// <summary>Requests a tenant may send at once above the sustained rate (the token bucket's size); 0 = same as <see cref="RequestsPerSecond"/>.</summary>
    [Range(0, 10_000_000)]
    public int Burst { get; set; }

    /// <summary>Requests of one tenant in flight at once, long-lived feeds excepted; 0 = no limit.</summary>
    [Range(0, 1_000_000)]
    public int ConcurrentRequests { get; set; }
}
