namespace Tessera.Gateway.Policies.Tenancy;

/// <summary>How a request named its tenant.</summary>
public enum TenantSource
{
    /// <summary>No tenant: platform pages, OAuth endpoints, health probes, gRPC without a token.</summary>
    None,

    /// <summary><c>/t/{tenant}/...</c>.</summary>
    Path,

    /// <summary><c>{tenant}.{base-domain}</c>; the path was rewritten to the path form.</summary>
    Host,

    /// <summary><c>/api/v1/tenants/{tenant}/...</c>.</summary>
    PlatformApi,

    /// <summary>The <c>tenant</c> claim of a valid token on a request whose path names no tenant (gRPC).</summary>
    Token,
}

/// <summary>
/// What the gateway policies learned about one request, kept in <see cref="Microsoft.AspNetCore.Http.HttpContext.Features"/>
/// for the later policies and for tests. Note: nothing here is sent to the data node; it trusts no gateway header.
/// </summary>
public sealed class GatewayRequestFeature
{
    /// <summary>The tenant the request is for, or null.</summary>
    public string? Tenant { get; set; }

    public TenantSource Source { get; set; }

    /// <summary>The plan named by a valid token's <c>plan</c> claim, if any; it wins over configuration.</summary>
    public string? TokenPlan { get; set; }

    /// <summary>True for feeds and streams that may stay open for minutes; they hold no concurrency slot.</summary>
    public bool IsLongLived { get; set; }

    /// <summary>The plan the limits found for this request (both limiters ask); null until then.</summary>
    internal (string Name, GatewayPlanOptions Plan)? Plan { get; set; }
}
