using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Identity.Data;

namespace Tessera.Identity.Keys;

/// <summary>
/// Keeps ASP.NET Core Data Protection keys (login cookies, antiforgery tokens) in the identity store, so a cookie issued
/// by one identity replica is read by another and survives restarts.
/// </summary>
internal sealed class DataProtectionKeyRepository(IServiceScopeFactory scopes, IdentityStoreInitializer initializer) : IXmlRepository
{
    // Note: IXmlRepository is synchronous by contract; Data Protection calls it rarely (start-up, key rotation).
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        initializer.EnsureCreatedAsync().GetAwaiter().GetResult();
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        return [.. db.DataProtectionKeys.Select(k => k.Xml).AsEnumerable().Select(XElement.Parse)];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        initializer.EnsureCreatedAsync().GetAwaiter().GetResult();
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}
