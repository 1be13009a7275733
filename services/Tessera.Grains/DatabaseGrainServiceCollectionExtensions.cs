namespace Microsoft.Extensions.DependencyInjection;

public static class DatabaseGrainServiceCollectionExtensions
{
    /// <summary>Adds what the Tessera grains need besides storage (the change hub and its options). Safe to call more than once.</summary>
    public static IServiceCollection AddTesseraGrains(this IServiceCollection services) => services.AddTesseraChangeNotifications();
}
