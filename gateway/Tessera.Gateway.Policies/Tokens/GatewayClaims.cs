namespace Tessera.Gateway.Policies.Tokens;

/// <summary>Claims the gateway reads beyond <see cref="Tessera.Security.TesseraClaims"/>.</summary>
public static class GatewayClaims
{
    /// <summary>
    /// The tenant's plan (<c>free</c>, <c>pro</c>, ...), when identity puts it in the token; it wins over
    /// <c>Tessera:Gateway:TenantPlans</c> and the default plan.
    /// </summary>
    public const string Plan = "plan";
}
