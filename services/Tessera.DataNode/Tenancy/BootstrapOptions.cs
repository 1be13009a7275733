using System.ComponentModel.DataAnnotations;

namespace Tessera.DataNode.Tenancy;

/// <summary>The tenant served without credentials until identity is configured, bound from <c>Tessera:Bootstrap</c>.</summary>
public sealed class BootstrapOptions
{
    [Required]
    [RegularExpression(Names.Pattern)]
    public string Tenant { get; set; } = "dev";
}
