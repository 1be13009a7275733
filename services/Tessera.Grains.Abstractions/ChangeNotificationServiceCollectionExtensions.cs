using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tessera.Grains;

namespace Microsoft.Extensions.DependencyInjection;

public static class ChangeNotificationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the node's <see cref="ChangeHub"/> and its options (<c>Tessera:ChangeNotifications</c>). Both the grains (which
    /// publish) and the feeds (which wait) call it; the process must host an Orleans silo or client. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddTesseraChangeNotifications(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(ChangeHub)))
        {
            return services;
        }

        services.AddOptions<ChangeNotificationOptions>().BindConfiguration("Tessera:ChangeNotifications").ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChangeNotificationOptions>, ChangeNotificationOptionsValidator>());
        services.TryAddSingleton<ChangeHub>();
        return services;
    }
}
