using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Tessera.Gateway.Policies.Tenancy;

namespace Tessera.Gateway.Policies.Limits;

/// <summary>
/// The per-tenant limits, partitioned by tenant and plan: a token bucket for the request rate (every request counts,
/// feeds too) chained with a concurrency limiter (long-lived feeds excepted). Requests that name no tenant (identity
/// pages, OAuth endpoints, health probes) are not limited here. Both limiters reject at once rather than queue: a
/// client that is told 429 with Retry-After backs off, while a queued one holds a connection and a slot in the proxy.
/// </summary>
public sealed class TenantRateLimits : IDisposable
{
    private static readonly PlanKey Unlimited = new(null, null);

    private readonly IOptionsMonitor<GatewayOptions> _options;

    public TenantRateLimits(IOptionsMonitor<GatewayOptions> options)
    {
        _options = options;
        // Note: a partition's numbers are read when it is created; when a plan's numbers change in configuration, a
        // busy tenant keeps the old ones until its partition falls idle and is dropped (about 10 s after it is full).
        Limiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, PlanKey>(RatePartition),
            PartitionedRateLimiter.Create<HttpContext, PlanKey>(ConcurrencyPartition));
    }

    /// <summary>The limiter to install as ASP.NET Core's global limiter.</summary>
    public PartitionedRateLimiter<HttpContext> Limiter { get; }

    /// <summary>The limits that apply to a tenant: a valid token's <c>plan</c> claim, else <c>TenantPlans</c>, else the default plan.</summary>
    public (string Name, GatewayPlanOptions Plan) PlanOf(string tenant, string? tokenPlan)
    {
        var options = _options.CurrentValue;
        if (tokenPlan is not null && options.Plans.TryGetValue(tokenPlan, out var claimed))
        {
            return (tokenPlan, claimed);
        }

        if (options.TenantPlans.TryGetValue(tenant, out var name) && options.Plans.TryGetValue(name, out var configured))
        {
            return (name, configured);
        }

        return (options.DefaultPlan, options.Plans[options.DefaultPlan]);
    }

    /// <summary>Answers a rejected request: 429, <c>Retry-After</c> in whole seconds, and a CouchDB-style body.</summary>
    public static ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        // Only the token bucket knows when the next permit comes; a full concurrency limiter frees up as requests end.
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        return new ValueTask(GatewayErrors.TooManyRequestsAsync(context.HttpContext, retryAfter));
    }

    public void Dispose() => Limiter.Dispose();

    private RateLimitPartition<PlanKey> RatePartition(HttpContext context)
    {
        if (!TryGetPlan(context, out var key, out var plan) || plan.RequestsPerSecond == 0)
        {
            return RateLimitPartition.GetNoLimiter(Unlimited);
        }

        return RateLimitPartition.GetTokenBucketLimiter(key, _ => TokenBucket(plan));
    }

    private RateLimitPartition<PlanKey> ConcurrencyPartition(HttpContext context)
    {
        if (!TryGetPlan(context, out var key, out var plan) || plan.ConcurrentRequests == 0
            || context.Features.Get<GatewayRequestFeature>()!.IsLongLived)
        {
            // Note: a key of its own, never the tenant's: partitions are cached by key, and a tenant's first request
            // being a feed must not make its later requests unlimited.
            return RateLimitPartition.GetNoLimiter(Unlimited);
        }

        return RateLimitPartition.GetConcurrencyLimiter(key, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = plan.ConcurrentRequests,
            QueueLimit = 0,
        });
    }

    private bool TryGetPlan(HttpContext context, out PlanKey key, out GatewayPlanOptions plan)
    {
        var feature = context.Features.Get<GatewayRequestFeature>();
        if (feature?.Tenant is not { } tenant)
        {
            key = Unlimited;
            plan = null!;
            return false;
        }

        // Note: the rate and the concurrency limiter both ask; the plan is looked up once per request.
        var (name, found) = feature.Plan ??= PlanOf(tenant, feature.TokenPlan);
        plan = found;
        key = new PlanKey(tenant, name);
        return true;
    }

    /// <summary>
    /// A bucket of <c>Burst</c> tokens refilled at <c>RequestsPerSecond</c>, in steps of about 100 ms so the rate is
    /// smooth (a once-a-second refill would let a full second's worth through at once, then stall).
    /// </summary>
    internal static TokenBucketRateLimiterOptions TokenBucket(GatewayPlanOptions plan)
    {
        var perSecond = plan.RequestsPerSecond;
        var tokensPerPeriod = Math.Max(1, (perSecond + 9) / 10);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = plan.Burst > 0 ? plan.Burst : perSecond,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromTicks(TimeSpan.TicksPerSecond * tokensPerPeriod / perSecond),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }

    /// <summary>
    /// Partitions are per tenant and plan: a tenant whose plan changes (a token with another <c>plan</c> claim, a
    /// configuration change) gets fresh limits at once rather than after its old partition idles out.
    /// </summary>
    private readonly record struct PlanKey(string? Tenant, string? Plan);
}
