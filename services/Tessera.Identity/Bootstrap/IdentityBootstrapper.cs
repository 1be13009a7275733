using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Identity.Accounts;
using Tessera.Identity.ApiKeys;
using Tessera.Identity.Data;
using Tessera.Identity.Keys;
using Tessera.Security;

namespace Tessera.Identity.Bootstrap;

/// <summary>
/// Prepares the identity store before requests are served: tables, keys, and the first tenant. On a first start in
/// embedded mode (no tenant yet) it creates an owner, the tenant <c>Tessera:Bootstrap:Tenant</c> and an admin API key and
/// prints their credentials once; with <c>Tessera:Bootstrap:ApiKey</c> and <c>ApiSecret</c> set it makes that key exist
/// with that secret on every start (in any mode), so scripts and CI know their credentials.
/// </summary>
internal sealed class IdentityBootstrapper(IdentityStoreInitializer initializer, IdentityKeyRing keys, IdentityStore store,
    IOptions<IdentityBootstrapOptions> options, ILogger<IdentityBootstrapper> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (TenantSlugs.Problem(settings.Tenant) is { } problem)
        {
            throw new InvalidOperationException($"Tessera:Bootstrap:Tenant: {problem}");
        }

        if (settings.ApiKey is not null && !ApiKeyService.IsValidId(settings.ApiKey))
        {
            throw new InvalidOperationException("Tessera:Bootstrap:ApiKey must be 3 to 100 letters, digits, '_', '-' or '.'.");
        }

        await initializer.EnsureCreatedAsync();
        await keys.GetKeysAsync();
        await initializer.RunExclusiveAsync(services => RunAsync(services, settings, cancellationToken), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<bool> RunAsync(IServiceProvider services, IdentityBootstrapOptions settings, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<IdentityDbContext>();
        var apiKeys = services.GetRequiredService<ApiKeyService>();
        if (store.IsEmbedded && !await db.Tenants.AnyAsync(cancellationToken))
        {
            await FirstStartAsync(services, settings, cancellationToken);
            return true;
        }

        if (settings.ApiKey is { } id && settings.ApiSecret is { } secret)
        {
            var tenants = services.GetRequiredService<TenantService>();
            if (await tenants.EnsureTenantAsync(settings.Tenant, cancellationToken))
            {
                logger.LogWarning("Created tenant {Tenant} from Tessera:Bootstrap.", settings.Tenant);
            }

            if (await apiKeys.EnsureAsync(settings.Tenant, id, secret, ApiKeyScopes.Admin, cancellationToken))
            {
                logger.LogWarning("API key {KeyId} of tenant {Tenant} set from Tessera:Bootstrap.", id, settings.Tenant);
            }
        }

        return true;
    }

    private async Task FirstStartAsync(IServiceProvider services, IdentityBootstrapOptions settings, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<IdentityDbContext>();
        var accounts = services.GetRequiredService<AccountService>();
        var tenants = services.GetRequiredService<TenantService>();
        var apiKeys = services.GetRequiredService<ApiKeyService>();
        var password = settings.OwnerPassword ?? ApiKeyService.RandomToken(15);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await tenants.EnsureTenantAsync(settings.Tenant, cancellationToken);
        var owner = await accounts.FindByEmailAsync(Credentials.NormalizeEmail(settings.OwnerEmail) ?? "", cancellationToken)
            ?? accounts.Add(settings.OwnerEmail, password);
        tenants.AddMembership(settings.Tenant, owner.Id, TenantRoles.Owner);
        await db.SaveChangesAsync(cancellationToken);
        var key = await apiKeys.CreateAsync(settings.Tenant, "bootstrap", ApiKeyScopes.Admin, "bootstrap", cancellationToken, settings.ApiKey, settings.ApiSecret);
        await transaction.CommitAsync(cancellationToken);

        // Note: printed once, at Warning so default log levels show it; nothing else ever shows these secrets again.
        logger.LogWarning(
            """
            First start: created tenant '{Tenant}' with its owner and an admin API key. These are shown only once:
              owner email:    {Email}
              owner password: {Password}
              API key id:     {KeyId}
              API key secret: {KeySecret}
            Sign in at /login, or use the key as HTTP Basic credentials or with grant_type=client_credentials at /connect/token.
            """,
            settings.Tenant, owner.Email, settings.OwnerPassword is null ? password : "(from Tessera:Bootstrap:OwnerPassword)",
            key.Id, settings.ApiSecret is null ? key.Secret : "(from Tessera:Bootstrap:ApiSecret)");
    }
}
