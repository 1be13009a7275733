using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Identity.Data;
using Tessera.Testing;

namespace Tessera.Identity.IntegrationTests;

/// <summary>The identity store on PostgreSQL: signup, tokens, and keys shared by a second server on the same database.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresIdentityTests(PostgresIdentityServer server) : IClassFixture<PostgresIdentityServer>
{
    [Fact]
    public async Task Store_OnPostgres_SignupTokenAndRefusedSignupLeaveExactRows()
    {
        Assert.Contains("Npgsql", (await ProviderAsync()), StringComparison.Ordinal);
        using var client = server.CreateClient();
        var tenant = await client.NewTenantAsync("pg");
        var before = await StoreCounts.ReadAsync(server.Host);

        Assert.Equal(HttpStatusCode.Conflict, (await client.SignupAsync("x@example.com", IdentityClient.Password, tenant.Tenant)).Status);
        Assert.Equal(before, await StoreCounts.ReadAsync(server.Host));
        var claims = IdentityClient.JwtPayload(await client.AccessTokenAsync(tenant.KeyId, tenant.KeySecret));
        Assert.Equal(tenant.Tenant, claims.GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task SecondServer_OnSameDatabase_SharesSigningKeyAndAcceptsSameKeys()
    {
        using var client = server.CreateClient();
        var tenant = await client.NewTenantAsync("pg");
        var jwks = (await client.GetAsync("/.well-known/jwks")).Body;

        await using var second = await TesseraHost.StartAsync(server.ConnectionString);
        using var secondClient = new IdentityClient(second.BaseAddress, false);

        Assert.Equal(jwks, (await secondClient.GetAsync("/.well-known/jwks")).Body);
        Assert.Equal(HttpStatusCode.OK, (await secondClient.ClientCredentialsAsync(tenant.KeyId, tenant.KeySecret)).Status);
    }

    private async Task<string> ProviderAsync()
    {
        await using var scope = server.Host.Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<IdentityDbContext>().Database.GetDbConnection().GetType().FullName!;
    }
}
