using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Tessera.Gateway.Policies.Limits;

/// <summary>
/// Recognises requests that may stay open for minutes or hours: WebSocket upgrades, <c>_changes</c> with
/// <c>feed=continuous|eventsource|longpoll|websocket</c>, <c>Accept: text/event-stream</c>, and the configured
/// <see cref="GatewayOptions.LongLivedPaths"/>. They count against a tenant's request rate but hold no concurrency slot:
/// a tenant with many live subscribers must still be able to write.
/// </summary>
public sealed class LongLivedRequests(IOptionsMonitor<GatewayOptions> options)
{
    public bool IsLongLived(HttpContext context)
    {
        var request = context.Request;
        if (context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
            || context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true)
        {
            return true;
        }

        // Note: Request.Query parses (and allocates) the query string; most requests have none.
        if (request.QueryString.HasValue && request.Query.TryGetValue("feed", out var feed) && feed.Count > 0
            && feed[0] is "continuous" or "eventsource" or "longpoll" or "websocket")
        {
            return true;
        }

        if (request.Headers.Accept.Count > 0 && request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var paths = options.CurrentValue.LongLivedPaths;
        if (paths.Count > 0 && request.Path.Value is { } path)
        {
            foreach (var prefix in paths)
            {
                if (path.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
