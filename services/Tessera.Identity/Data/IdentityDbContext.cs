using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace Tessera.Identity.Data;

/// <summary>
/// Tessera's identity store: OpenIddict's applications, authorizations, scopes and tokens plus tenants, accounts,
/// memberships, invitations, API key and app metadata. Every table is prefixed <c>identity_</c> because in clusters it
/// shares a PostgreSQL database with the document store.
/// </summary>
public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : DbContext(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<Account> Accounts => Set<Account>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<Invitation> Invitations => Set<Invitation>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<OAuthApp> Apps => Set<OAuthApp>();

    public DbSet<KeyMaterial> KeyMaterials => Set<KeyMaterial>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreApplication>().ToTable("identity_oauth_applications");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreAuthorization>().ToTable("identity_oauth_authorizations");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreScope>().ToTable("identity_oauth_scopes");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreToken>().ToTable("identity_oauth_tokens");

        modelBuilder.Entity<Tenant>(e =>
        {
            e.ToTable("identity_tenants");
            e.HasKey(t => t.Slug);
            e.Property(t => t.Slug).HasMaxLength(238);
        });
        modelBuilder.Entity<Account>(e =>
        {
            e.ToTable("identity_accounts");
            e.HasKey(a => a.Id);
            e.Property(a => a.Email).HasMaxLength(254);
            e.HasIndex(a => a.Email).IsUnique();
        });
        modelBuilder.Entity<Membership>(e =>
        {
            e.ToTable("identity_memberships");
            e.HasKey(m => new { m.TenantSlug, m.AccountId });
            e.HasIndex(m => m.AccountId);
        });
        modelBuilder.Entity<Invitation>(e =>
        {
            e.ToTable("identity_invitations");
            e.HasKey(i => i.Id);
            e.HasIndex(i => i.TokenHash).IsUnique();
            e.HasIndex(i => i.TenantSlug);
        });
        modelBuilder.Entity<ApiKey>(e =>
        {
            e.ToTable("identity_api_keys");
            e.HasKey(k => k.Id);
            e.HasIndex(k => k.TenantSlug);
        });
        modelBuilder.Entity<OAuthApp>(e =>
        {
            e.ToTable("identity_apps");
            e.HasKey(a => a.ClientId);
            e.HasIndex(a => a.TenantSlug);
        });
        modelBuilder.Entity<KeyMaterial>(e =>
        {
            e.ToTable("identity_key_material");
            e.HasKey(k => k.Purpose);
        });
        modelBuilder.Entity<DataProtectionKey>(e =>
        {
            e.ToTable("identity_data_protection_keys");
            e.HasKey(k => k.Id);
        });
    }
}
