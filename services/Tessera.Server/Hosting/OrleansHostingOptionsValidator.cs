using System.Net;
using Microsoft.Extensions.Options;

namespace Tessera.Server.Hosting;

/// <summary>Cross-field rules of <see cref="OrleansHostingOptions"/>, checked when the host starts.</summary>
internal sealed class OrleansHostingOptionsValidator : IValidateOptions<OrleansHostingOptions>
{
    public ValidateOptionsResult Validate(string? name, OrleansHostingOptions options)
    {
        List<string>? failures = null;
        if (options.Clustering == OrleansClustering.AdoNet && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            (failures ??= []).Add("Tessera:Orleans:Clustering=AdoNet needs a PostgreSQL connection string: set ConnectionStrings:Tessera or Tessera:Orleans:ConnectionString.");
        }

        if (options.Kubernetes && options.Clustering != OrleansClustering.AdoNet)
        {
            (failures ??= []).Add("Tessera:Orleans:Kubernetes=true needs Tessera:Orleans:Clustering=AdoNet: Kubernetes hosting reflects pods into a membership table, it is not one.");
        }

        if (!string.IsNullOrWhiteSpace(options.AdvertisedIP) && !IPAddress.TryParse(options.AdvertisedIP, out _))
        {
            (failures ??= []).Add($"Tessera:Orleans:AdvertisedIP '{options.AdvertisedIP}' is not an IP address.");
        }

        if (options.SiloPort is { } silo && silo == options.GatewayPort)
        {
            (failures ??= []).Add("Tessera:Orleans:SiloPort and GatewayPort must differ.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
