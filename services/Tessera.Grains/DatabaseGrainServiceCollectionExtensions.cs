using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Grains;

namespace Microsoft.Extensions.DependencyInjection;

public static class DatabaseGrainServiceCollectionExtensions
{
    /// <summary>Adds what the Tessera grains need besides storage (the change hub). Safe to call more than once.</summary>
    public static IServiceCollection AddTesseraGrains(this IServiceCollection services)
    {
        services.TryAddSingleton<ChangeHub>();
        return services;
    }
}
