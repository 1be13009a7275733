namespace Tessera.Identity;

/// <summary>
/// The first tenant and its credentials, bound from <c>Tessera:Bootstrap</c> (environment <c>Tessera__Bootstrap__...</c>).
/// On a first start in embedded mode an owner, the tenant and an admin API key are created and printed once; when
/// <see cref="ApiKey"/> and <see cref="ApiSecret"/> are set, that key is made to exist with that secret on every start.
/// </summary>
public sealed class IdentityBootstrapOptions
{
    /// <summary>The first tenant's slug.</summary>
    public string Tenant { get; set; } = "dev";

    /// <summary>The admin API key id (scopes <c>data:admin platform</c>) of the first tenant; null: generated on first start.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The secret of <see cref="ApiKey"/>; null: generated on first start.</summary>
    public string? ApiSecret { get; set; }

    /// <summary>The email of the owner account created on first start.</summary>
    public string OwnerEmail { get; set; } = "owner@tessera.local";

    /// <summary>The owner's password; null: generated on first start and printed once.</summary>
    public string? OwnerPassword { get; set; }
}
