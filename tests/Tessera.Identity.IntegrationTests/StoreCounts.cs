using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.EntityFrameworkCore.Models;
using Tessera.Identity.Data;
using Tessera.Testing;

namespace Tessera.Identity.IntegrationTests;

/// <summary>Row counts of the identity store, to prove a refused request created nothing.</summary>
public sealed record StoreCounts(int Tenants, int Accounts, int Memberships, int ApiKeys, int OAuthClients, int Apps)
{
    public static async Task<StoreCounts> ReadAsync(TesseraHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var cancel = TestContext.Current.CancellationToken;
        return new StoreCounts(
            await db.Tenants.CountAsync(cancel),
            await db.Accounts.CountAsync(cancel),
            await db.Memberships.CountAsync(cancel),
            await db.ApiKeys.CountAsync(cancel),
            await db.Set<OpenIddictEntityFrameworkCoreApplication>().CountAsync(cancel),
            await db.Apps.CountAsync(cancel));
    }
}
