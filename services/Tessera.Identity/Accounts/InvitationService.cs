using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Identity.ApiKeys;
using Tessera.Identity.Data;
using Tessera.Security;

namespace Tessera.Identity.Accounts;

public sealed record InvitationInfo(string Id, string Email, string Role, DateTime CreatedAt, DateTime ExpiresAt, string? InvitedBy);

/// <summary>An invitation just made: the only time its token (the secret part of the link) is seen.</summary>
public sealed record CreatedInvitation(string Id, string Email, string Role, string Token, DateTime ExpiresAt);

public sealed record AcceptedInvitation(string Tenant, string Role, string AccountId, string Email);

/// <summary>
/// Invitations: an owner or admin invites an email with a role and gets a link; whoever opens it accepts with the
/// password of the account of that email (which is then attached) or a new password (which creates the account).
/// </summary>
public sealed class InvitationService(IdentityDbContext db, AccountService accounts, TenantService tenants,
    IOptions<TesseraIdentityOptions> options, TimeProvider time)
{
    public async Task<CreatedInvitation> InviteAsync(PlatformCaller caller, string? email, string? role, CancellationToken cancellationToken)
    {
        caller.RequireManage();
        var normalized = Credentials.NormalizeEmail(email) ?? throw PlatformException.Invalid("The email address is not valid.");
        if (!TenantRoles.IsValid(role))
        {
            throw PlatformException.Invalid($"Role '{role}' is not one of {string.Join(", ", TenantRoles.All)}.");
        }

        if (role == TenantRoles.Owner && !caller.IsOwner)
        {
            throw PlatformException.Forbidden("Only an owner invites another owner.");
        }

        var existing = await accounts.FindByEmailAsync(normalized, cancellationToken);
        if (existing is not null && await tenants.MembershipAsync(caller.Tenant, existing.Id, cancellationToken) is not null)
        {
            throw PlatformException.Conflict($"{normalized} is already a member of this tenant.");
        }

        var token = ApiKeyService.RandomToken(24);
        var now = time.GetUtcNow().UtcDateTime;
        var invitation = new Invitation
        {
            Id = "inv_" + ApiKeyService.RandomToken(9).ToLowerInvariant().Replace('-', 'x').Replace('_', 'y'),
            TenantSlug = caller.Tenant,
            Email = normalized,
            Role = role!,
            TokenHash = Hash(token),
            InvitedBy = caller.Name,
            CreatedAt = now,
            ExpiresAt = now.AddDays(options.Value.InvitationDays),
        };
        db.Invitations.Add(invitation);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedInvitation(invitation.Id, invitation.Email, invitation.Role, token, invitation.ExpiresAt);
    }

    public async Task<IReadOnlyList<InvitationInfo>> PendingAsync(PlatformCaller caller, CancellationToken cancellationToken)
    {
        caller.RequireManage();
        var now = time.GetUtcNow().UtcDateTime;
        var rows = await db.Invitations.AsNoTracking()
            .Where(i => i.TenantSlug == caller.Tenant && i.AcceptedAt == null)
            .ToListAsync(cancellationToken);
        return [.. rows.Where(i => i.ExpiresAt > now).OrderBy(i => i.CreatedAt)
            .Select(i => new InvitationInfo(i.Id, i.Email, i.Role, i.CreatedAt, i.ExpiresAt, i.InvitedBy))];
    }

    public async Task CancelAsync(PlatformCaller caller, string id, CancellationToken cancellationToken)
    {
        caller.RequireManage();
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.Id == id && i.TenantSlug == caller.Tenant && i.AcceptedAt == null, cancellationToken)
            ?? throw PlatformException.NotFound($"Invitation '{id}' does not exist in this tenant.");
        db.Invitations.Remove(invitation);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The pending invitation a link's token stands for, or null when unknown, used or expired.</summary>
    public async Task<Invitation?> FindAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }

        var hash = Hash(token);
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.TokenHash == hash && i.AcceptedAt == null, cancellationToken);
        return invitation is not null && invitation.ExpiresAt > time.GetUtcNow().UtcDateTime ? invitation : null;
    }

    /// <summary>
    /// Accepts an invitation: with the password of the invited email's account (attached), or a new password (an account
    /// is created). <paramref name="signedIn"/>, when given, must be the invited email's account and needs no password.
    /// </summary>
    public async Task<AcceptedInvitation> AcceptAsync(string? token, string? password, Account? signedIn, CancellationToken cancellationToken)
    {
        var pending = await FindAsync(token, cancellationToken)
            ?? throw PlatformException.NotFound("The invitation does not exist, was used, or expired.");
        var existing = await accounts.FindByEmailAsync(pending.Email, cancellationToken);
        if (signedIn is not null && signedIn.Id != existing?.Id)
        {
            throw PlatformException.Forbidden($"The invitation is for {pending.Email}; sign in with that account.");
        }

        // Checked like a login (counted, lockout honoured), before the transaction that would roll the count back.
        if (existing is not null && signedIn is null &&
            (await accounts.LoginAsync(pending.Email, password, cancellationToken)).Status != LoginStatus.Succeeded)
        {
            throw PlatformException.Forbidden($"An account for {pending.Email} exists; give its password to accept.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var invitation = await FindAsync(token, cancellationToken)
            ?? throw PlatformException.NotFound("The invitation does not exist, was used, or expired.");
        var account = await accounts.FindByEmailAsync(invitation.Email, cancellationToken) ?? accounts.Add(invitation.Email, password);
        if (await tenants.MembershipAsync(invitation.TenantSlug, account.Id, cancellationToken) is null)
        {
            tenants.AddMembership(invitation.TenantSlug, account.Id, invitation.Role);
        }

        invitation.AcceptedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new AcceptedInvitation(invitation.TenantSlug, invitation.Role, account.Id, account.Email);
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
