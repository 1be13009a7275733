using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Tessera.Gateway.Policies.Headers;

/// <summary>
/// Removes headers a client must not be able to set: forwarding headers (the proxy sets its own X-Forwarded-For,
/// -Proto and -Host after this), Tessera's internal <c>X-Tessera-*</c> headers, and the configured extras. Data nodes
/// trust none of them anyway; stripping keeps logs, metrics and anything downstream honest.
/// </summary>
internal sealed class ForwardingHeaderStripper(RequestDelegate next, IOptionsMonitor<GatewayOptions> options)
{
    private static readonly string[] Prefixes = ["X-Forwarded-", "X-Original-", "X-Tessera-"];

    private static readonly string[] Names =
    [
        "Forwarded", "X-Real-IP", "X-Client-IP", "X-Cluster-Client-IP", "Client-IP", "True-Client-IP",
        "CF-Connecting-IP", "Fastly-Client-IP", "X-ProxyUser-Ip", "X-Host",
    ];

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        List<string>? doomed = null;
        var extra = options.CurrentValue.StripHeaders;
        foreach (var (name, _) in headers)
        {
            if (IsStripped(name, extra))
            {
                (doomed ??= []).Add(name);
            }
        }

        if (doomed is not null)
        {
            foreach (var name in doomed)
            {
                headers.Remove(name);
            }
        }

        return next(context);
    }

    private static bool IsStripped(string name, IList<string> extra)
    {
        // Note: every built-in name starts with one of these letters; most headers of a request (Host, Accept,
        // Content-Type, Authorization, ...) are passed over at the first character.
        if (extra.Count == 0 && name.Length > 0 && (name[0] | 0x20) is not ('x' or 'f' or 'c' or 't'))
        {
            return false;
        }

        foreach (var prefix in Prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var candidate in Names)
        {
            if (name.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var candidate in extra)
        {
            if (name.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
