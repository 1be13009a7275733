using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Tessera.Identity.Abuse;

/// <summary>
/// Fixed-window limits on the endpoints that check secrets or create things: <c>POST /connect/token</c> per client IP
/// and per client_id, <c>POST /login</c> per client IP and per email, signups (API and page) per client IP. A refused
/// request gets 429 with Retry-After (and an OAuth error body on the token endpoint) before any secret is hashed.
/// </summary>
/// <remarks>
/// Note: runs as the first middleware (a startup filter), because OpenIddict checks client secrets inside the
/// authentication middleware, before any endpoint's rate-limiting policy would run. Partitions are per node; behind the
/// gateway the client IP is the one the forwarded-headers middleware restores, if it runs earlier.
/// </remarks>
public sealed class IdentityRateLimiter : IAsyncDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public IdentityRateLimiter(IOptions<TesseraIdentityOptions> options)
    {
        var settings = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, k => new FixedWindowRateLimiterOptions
        {
            PermitLimit = k[0] switch
            {
                'L' => k[1] == 'i' ? settings.LoginsPerMinutePerIp : settings.LoginsPerMinutePerAccount,
                'T' => k[1] == 'i' ? settings.TokenRequestsPerMinutePerIp : settings.TokenRequestsPerMinutePerClient,
                _ => settings.SignupsPerHourPerIp,
            },
            Window = k[0] == 'S' ? TimeSpan.FromHours(1) : TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    // Note: not async for requests it does not limit, so a long-lived request (a WebSocket feed) holds no state here.
    public Task InvokeAsync(HttpContext context, RequestDelegate next) =>
        HttpMethods.IsPost(context.Request.Method) ? LimitAsync(context, next) : next(context);

    private async Task LimitAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;

        var path = request.Path.Value ?? "";
        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        string[] keys;
        if (path.Equals("/connect/token", StringComparison.OrdinalIgnoreCase))
        {
            keys = ["Ti:" + ip, "Tc:" + await ClientIdAsync(request)];
        }
        else if (path.Equals("/login", StringComparison.OrdinalIgnoreCase))
        {
            var email = request.HasFormContentType ? (await request.ReadFormAsync(context.RequestAborted))["email"].ToString().Trim().ToLowerInvariant() : "";
            keys = ["Li:" + ip, "La:" + email];
        }
        else if (path.Equals("/api/v1/signup", StringComparison.OrdinalIgnoreCase) || path.Equals("/signup", StringComparison.OrdinalIgnoreCase))
        {
            keys = ["Si:" + ip];
        }
        else
        {
            await next(context);
            return;
        }

        var leases = new List<RateLimitLease>(keys.Length);
        try
        {
            foreach (var key in keys)
            {
                var lease = _limiter.AttemptAcquire(key);
                leases.Add(lease);
                if (!lease.IsAcquired)
                {
                    await RejectAsync(context, lease, path);
                    return;
                }
            }

            await next(context);
        }
        finally
        {
            foreach (var lease in leases)
            {
                lease.Dispose();
            }
        }
    }

    public ValueTask DisposeAsync() => _limiter.DisposeAsync();

    private static async Task<string> ClientIdAsync(HttpRequest request)
    {
        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) &&
            string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) && header.Parameter is { } parameter)
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return Uri.UnescapeDataString(colon < 0 ? decoded : decoded[..colon]);
            }
            catch (FormatException)
            {
                return "";
            }
        }

        return request.HasFormContentType ? (await request.ReadFormAsync(request.HttpContext.RequestAborted))["client_id"].ToString() : "";
    }

    private static async Task RejectAsync(HttpContext context, RateLimitLease lease, string path)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;
        var response = context.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        var message = $"Too many requests; retry after {retryAfter} seconds.";
        if (path.Equals("/connect/token", StringComparison.OrdinalIgnoreCase))
        {
            // Note: OAuth defines no 429 error code; temporarily_unavailable is the registered one closest in meaning.
            await response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = "temporarily_unavailable", ["error_description"] = message });
        }
        else if (path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
        {
            await response.WriteAsJsonAsync(new { type = "https://tools.ietf.org/html/rfc6585#section-4", title = "Too many requests", status = 429, detail = message },
                options: null, contentType: "application/problem+json");
        }
        else
        {
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync(message);
        }
    }
}
