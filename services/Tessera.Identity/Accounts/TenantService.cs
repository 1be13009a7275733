using Microsoft.EntityFrameworkCore;
using Tessera.Identity.ApiKeys;
using Tessera.Identity.Data;
using Tessera.Security;

namespace Tessera.Identity.Accounts;

public sealed record SignupResult(string Tenant, string AccountId, CreatedApiKey Key);

public sealed record TenantInfo(string Tenant, DateTime CreatedAt, int Members);

public sealed record MemberInfo(string AccountId, string Email, string Role, DateTime Since);

/// <summary>Tenants and their members: signup (tenant + owner + first admin key in one transaction), roles, removal.</summary>
public sealed class TenantService(IdentityDbContext db, AccountService accounts, ApiKeyService keys, TimeProvider time)
{
    /// <summary>
    /// Creates tenant <paramref name="tenant"/> owned by the account of <paramref name="email"/> (created, or an existing
    /// one when the password is its password) and a first API key with <c>data:admin platform</c>. All or nothing.
    /// </summary>
    public async Task<SignupResult> SignupAsync(string? email, string? password, string? tenant, CancellationToken cancellationToken)
    {
        var normalized = Credentials.NormalizeEmail(email) ?? throw PlatformException.Invalid("The email address is not valid.");
        if (Credentials.PasswordProblem(password, normalized) is { } weak)
        {
            throw PlatformException.Invalid(weak);
        }

        if (TenantSlugs.Problem(tenant) is { } bad)
        {
            throw PlatformException.Invalid(bad);
        }

        // Note: an existing account's password is checked like a login (counted, lockout honoured) and before the
        // transaction, so signup cannot be used to guess passwords past the lockout.
        if (await accounts.FindByEmailAsync(normalized, cancellationToken) is not null &&
            (await accounts.LoginAsync(normalized, password, cancellationToken)).Status != LoginStatus.Succeeded)
        {
            throw PlatformException.Conflict("An account with this email exists; sign up with its password (or sign in) to add a tenant to it.");
        }

        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (await db.Tenants.AnyAsync(t => t.Slug == tenant, cancellationToken))
            {
                throw PlatformException.Conflict($"Tenant name '{tenant}' is taken.");
            }

            var account = await accounts.FindByEmailAsync(normalized, cancellationToken) ?? accounts.Add(normalized, password);
            var now = time.GetUtcNow().UtcDateTime;
            db.Tenants.Add(new Tenant { Slug = tenant!, CreatedAt = now });
            db.Memberships.Add(new Membership { TenantSlug = tenant!, AccountId = account.Id, Role = TenantRoles.Owner, CreatedAt = now });
            await db.SaveChangesAsync(cancellationToken);
            var key = await keys.CreateAsync(tenant!, "signup", ApiKeyScopes.Admin, account.Email, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new SignupResult(tenant!, account.Id, key);
        }
        catch (DbUpdateException)
        {
            // Two signups raced for the same name or email; the unique keys let exactly one win.
            throw PlatformException.Conflict($"Tenant name '{tenant}' or this email was taken at the same moment; try again.");
        }
    }

    public async Task<TenantInfo> GetAsync(string tenant, CancellationToken cancellationToken)
    {
        var row = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Slug == tenant, cancellationToken)
            ?? throw PlatformException.NotFound($"Tenant '{tenant}' does not exist.");
        var members = await db.Memberships.CountAsync(m => m.TenantSlug == tenant, cancellationToken);
        return new TenantInfo(row.Slug, row.CreatedAt, members);
    }

    public Task<bool> ExistsAsync(string tenant, CancellationToken cancellationToken) =>
        db.Tenants.AnyAsync(t => t.Slug == tenant, cancellationToken);

    public async Task<IReadOnlyList<MemberInfo>> MembersAsync(string tenant, CancellationToken cancellationToken)
    {
        var rows = await (from m in db.Memberships
                          join a in db.Accounts on m.AccountId equals a.Id
                          where m.TenantSlug == tenant
                          select new MemberInfo(a.Id, a.Email, m.Role, m.CreatedAt)).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(m => m.Since).ThenBy(m => m.Email, StringComparer.Ordinal)];
    }

    /// <summary>The tenants an account belongs to, with its role in each.</summary>
    public async Task<IReadOnlyList<(string Tenant, string Role)>> TenantsOfAsync(string accountId, CancellationToken cancellationToken)
    {
        var rows = await db.Memberships.AsNoTracking().Where(m => m.AccountId == accountId).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(m => m.TenantSlug, StringComparer.Ordinal).Select(m => (m.TenantSlug, m.Role))];
    }

    public Task<Membership?> MembershipAsync(string tenant, string accountId, CancellationToken cancellationToken) =>
        db.Memberships.AsNoTracking().FirstOrDefaultAsync(m => m.TenantSlug == tenant && m.AccountId == accountId, cancellationToken);

    /// <summary>Changes a member's role. Only owners grant or take the owner role; a tenant keeps at least one owner.</summary>
    public async Task<MemberInfo> ChangeRoleAsync(PlatformCaller caller, string accountId, string? role, CancellationToken cancellationToken)
    {
        caller.RequireManage();
        if (!TenantRoles.IsValid(role))
        {
            throw PlatformException.Invalid($"Role '{role}' is not one of {string.Join(", ", TenantRoles.All)}.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var membership = await FindMemberAsync(caller.Tenant, accountId, cancellationToken);
        if ((membership.Role == TenantRoles.Owner || role == TenantRoles.Owner) && !caller.IsOwner)
        {
            throw PlatformException.Forbidden("Only an owner grants or takes the owner role.");
        }

        if (membership.Role == TenantRoles.Owner && role != TenantRoles.Owner)
        {
            await RequireAnotherOwnerAsync(caller.Tenant, accountId, cancellationToken);
        }

        membership.Role = role!;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var email = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Email).FirstAsync(cancellationToken);
        return new MemberInfo(accountId, email, membership.Role, membership.CreatedAt);
    }

    public async Task RemoveMemberAsync(PlatformCaller caller, string accountId, CancellationToken cancellationToken)
    {
        caller.RequireManage();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var membership = await FindMemberAsync(caller.Tenant, accountId, cancellationToken);
        if (membership.Role == TenantRoles.Owner)
        {
            if (!caller.IsOwner)
            {
                throw PlatformException.Forbidden("Only an owner removes an owner.");
            }

            await RequireAnotherOwnerAsync(caller.Tenant, accountId, cancellationToken);
        }

        db.Memberships.Remove(membership);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Creates tenant <paramref name="tenant"/> if missing (bootstrap). Returns true when it was created.</summary>
    public async Task<bool> EnsureTenantAsync(string tenant, CancellationToken cancellationToken)
    {
        if (await ExistsAsync(tenant, cancellationToken))
        {
            return false;
        }

        db.Tenants.Add(new Tenant { Slug = tenant, CreatedAt = time.GetUtcNow().UtcDateTime });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public void AddMembership(string tenant, string accountId, string role) =>
        db.Memberships.Add(new Membership { TenantSlug = tenant, AccountId = accountId, Role = role, CreatedAt = time.GetUtcNow().UtcDateTime });

    private async Task<Membership> FindMemberAsync(string tenant, string accountId, CancellationToken cancellationToken) =>
        await db.Memberships.FirstOrDefaultAsync(m => m.TenantSlug == tenant && m.AccountId == accountId, cancellationToken)
        ?? throw PlatformException.NotFound($"Account '{accountId}' is not a member of this tenant.");

    private async Task RequireAnotherOwnerAsync(string tenant, string accountId, CancellationToken cancellationToken)
    {
        if (!await db.Memberships.AnyAsync(m => m.TenantSlug == tenant && m.Role == TenantRoles.Owner && m.AccountId != accountId, cancellationToken))
        {
            throw PlatformException.Conflict("A tenant keeps at least one owner.");
        }
    }
}
