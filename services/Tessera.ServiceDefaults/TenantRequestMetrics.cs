using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Tessera.ServiceDefaults;

/// <summary>
/// The per-tenant request counter <c>tessera.http.requests</c> on the <c>Tessera</c> meter, tagged with
/// <c>tenant</c> and <c>http.response.status_code</c>.
/// </summary>
public sealed class TenantRequestMetrics
{
    /// <summary>The meter every Tessera instrument lives on; exported by <c>AddServiceDefaults</c>.</summary>
    public const string MeterName = "Tessera";

    /// <summary>The counter's name.</summary>
    public const string RequestsCounterName = "tessera.http.requests";

    /// <summary>The tag value of requests that name no tenant (platform pages, discovery, health).</summary>
    public const string NoTenant = "_none";

    /// <summary>The tag value of tenants beyond <see cref="TelemetryOptions.MaxTenantTags"/>.</summary>
    public const string OtherTenants = "_other";

    private readonly Counter<long> _requests;
    private readonly ConcurrentDictionary<string, byte> _tenants = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<TelemetryOptions> _options;

    public TenantRequestMetrics(IMeterFactory meterFactory, IOptionsMonitor<TelemetryOptions> options)
    {
        _options = options;
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>(RequestsCounterName, unit: "{request}", description: "HTTP requests served, per tenant and status code.");
    }

    /// <summary>Counts one finished request.</summary>
    public void Record(HttpContext context)
    {
        if (!_requests.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "tenant", TenantTag(context) },
            { "http.response.status_code", context.Response.StatusCode },
        };
        _requests.Add(1, tags);
    }

    private string TenantTag(HttpContext context)
    {
        var tenant = context.GetRouteValue("tenant") as string ?? TenantFromHost(context.Request.Host.Host);
        if (string.IsNullOrEmpty(tenant))
        {
            return NoTenant;
        }

        if (_tenants.ContainsKey(tenant))
        {
            return tenant;
        }

        // Note: the check and the add race; a few tags past the cap are harmless, a lock on every request is not.
        if (_tenants.Count >= _options.CurrentValue.MaxTenantTags)
        {
            return OtherTenants;
        }

        _tenants.TryAdd(tenant, 0);
        return tenant;
    }

    private string? TenantFromHost(string host)
    {
        var baseDomain = _options.CurrentValue.BaseDomain;
        if (string.IsNullOrEmpty(baseDomain) || host.Length <= baseDomain.Length + 1
            || !host.EndsWith(baseDomain, StringComparison.OrdinalIgnoreCase) || host[^(baseDomain.Length + 1)] != '.')
        {
            return null;
        }

        var label = host[..^(baseDomain.Length + 1)];
        // Only a single label names a tenant; a.b.{base} is not a tenant host.
        return label.Contains('.', StringComparison.Ordinal) ? null : label.ToLowerInvariant();
    }
}
