using Microsoft.Extensions.Options;
using Tessera.Gateway.Policies.Tenancy;

namespace Tessera.Gateway.Policies;

/// <summary>Checks the rules of <see cref="GatewayOptions"/> that span fields, at startup.</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        if (!options.Plans.ContainsKey(options.DefaultPlan))
        {
            failures.Add($"Tessera:Gateway:DefaultPlan '{options.DefaultPlan}' is not one of Tessera:Gateway:Plans ({string.Join(", ", options.Plans.Keys)}).");
        }

        foreach (var (planName, plan) in options.Plans)
        {
            if (plan is null || plan.RequestsPerSecond < 0 || plan.Burst < 0 || plan.ConcurrentRequests < 0)
            {
                failures.Add($"Tessera:Gateway:Plans:{planName}: RequestsPerSecond, Burst and ConcurrentRequests must be 0 (no limit) or positive.");
            }
        }

        foreach (var (tenant, plan) in options.TenantPlans)
        {
            if (!TenantNames.IsValid(tenant))
            {
                failures.Add($"Tessera:Gateway:TenantPlans: '{tenant}' is not a valid tenant name.");
            }

            if (!options.Plans.ContainsKey(plan))
            {
                failures.Add($"Tessera:Gateway:TenantPlans:{tenant}: plan '{plan}' is not one of Tessera:Gateway:Plans.");
            }
        }

        CheckAbsolute(options.Issuer, "Issuer", failures);
        CheckAbsolute(options.IdentityAddress, "IdentityAddress", failures);
        if (options.IdentityAddress is not null && options.Issuer is null)
        {
            failures.Add("Tessera:Gateway:IdentityAddress needs Tessera:Gateway:Issuer: tokens are validated against the public issuer.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckAbsolute(Uri? uri, string key, List<string> failures)
    {
        if (uri is not null && (!uri.IsAbsoluteUri || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment)))
        {
            failures.Add($"Tessera:Gateway:{key} must be an absolute http(s) URI without query or fragment.");
        }
    }
}
