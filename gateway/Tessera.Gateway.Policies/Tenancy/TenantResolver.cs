using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Tessera.Gateway.Policies.Tenancy;

/// <summary>
/// Finds the tenant of a request: from the host (<c>{tenant}.{BaseDomain}</c>), from the path (<c>/t/{tenant}</c>), or
/// from the platform API path (<c>/api/v1/tenants/{tenant}</c>).
/// </summary>
public sealed class TenantResolver(IOptionsMonitor<GatewayOptions> options)
{
    /// <summary>The prefix of gRPC service paths; they keep their path on a tenant host.</summary>
    public static readonly PathString GrpcPrefix = "/tessera.v1.";

    private static readonly PathString TenantPrefix = "/t";
    private static readonly PathString PlatformTenantsPrefix = "/api/v1/tenants";

    /// <summary>The outcome: a tenant (or none), or the reason the request names an impossible one.</summary>
    public readonly record struct Resolution(string? Tenant, TenantSource Source, string? HostError = null, bool PathInvalid = false);

    public Resolution Resolve(HttpRequest request)
    {
        var hostTenant = TenantFromHost(request.Host.Host, out var hostError);
        if (hostError is not null)
        {
            return new Resolution(null, TenantSource.None, HostError: hostError);
        }

        if (hostTenant is not null)
        {
            return new Resolution(hostTenant, TenantSource.Host);
        }

        if (request.Path.StartsWithSegments(TenantPrefix, StringComparison.Ordinal, out var rest))
        {
            var segment = FirstSegment(rest);
            if (segment is null)
            {
                return default;
            }

            return TenantNames.IsValid(segment) ? new Resolution(segment, TenantSource.Path) : new Resolution(null, TenantSource.None, PathInvalid: true);
        }

        if (request.Path.StartsWithSegments(PlatformTenantsPrefix, StringComparison.Ordinal, out rest))
        {
            // Note: an impossible name here is the platform API's to answer (with problem details), not ours.
            var segment = FirstSegment(rest);
            return TenantNames.IsValid(segment) ? new Resolution(segment, TenantSource.PlatformApi) : default;
        }

        return default;
    }

    /// <summary>The tenant of a <c>{tenant}.{BaseDomain}</c> host, null for any other host.</summary>
    public string? TenantFromHost(string host, out string? error)
    {
        error = null;
        var current = options.CurrentValue;
        var baseDomain = current.BaseDomain;
        if (string.IsNullOrEmpty(baseDomain) || host.Length <= baseDomain.Length + 1
            || !host.EndsWith(baseDomain, StringComparison.OrdinalIgnoreCase) || host[^(baseDomain.Length + 1)] != '.')
        {
            return null;
        }

        // DNS names are case-insensitive; tenant names are lowercase.
        var label = host[..^(baseDomain.Length + 1)].ToLowerInvariant();
        if (current.ReservedHostLabels.Contains(label, StringComparer.Ordinal) || IsIssuerHost(current, host))
        {
            return null;
        }

        if (label.Contains('.', StringComparison.Ordinal) || !TenantNames.IsValid(label))
        {
            error = "The host is not a tenant host: its first label must be a tenant name. " + TenantNames.InvalidReason;
            return null;
        }

        return label;
    }

    private static bool IsIssuerHost(GatewayOptions options, string host) =>
        options.Issuer is { } issuer && string.Equals(issuer.Host, host, StringComparison.OrdinalIgnoreCase);

    /// <summary>The first segment of "/x/y..." with %2F and friends decoded, or null when empty.</summary>
    private static string? FirstSegment(PathString rest)
    {
        var value = rest.Value;
        if (string.IsNullOrEmpty(value) || value == "/")
        {
            return null;
        }

        var end = value.IndexOf('/', 1);
        var raw = end < 0 ? value[1..] : value[1..end];
        if (raw.Length == 0)
        {
            return null;
        }

        // Note: Kestrel decodes every escape in the path except %2F, which a tenant name may contain ("/" is allowed).
        return raw.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(raw) : raw;
    }
}
