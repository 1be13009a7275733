using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Identity.ApiKeys;
using Tessera.Identity.Data;

namespace Tessera.Identity.Accounts;

/// <summary>The outcome of a login attempt.</summary>
public enum LoginStatus
{
    Succeeded,
    Failed,
    LockedOut,
}

/// <summary>Accounts: creation with a hashed password, and login with a time-based lockout after repeated failures.</summary>
public sealed class AccountService(IdentityDbContext db, IPasswordHasher<Account> hasher, IOptions<TesseraIdentityOptions> options, TimeProvider time)
{
    public Task<Account?> FindByIdAsync(string id, CancellationToken cancellationToken) =>
        db.Accounts.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);

    public Task<Account?> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken) =>
        db.Accounts.FirstOrDefaultAsync(a => a.Email == normalizedEmail, cancellationToken);

    /// <summary>Adds a new account to the context (saved by the caller's transaction); validates email and password.</summary>
    public Account Add(string? email, string? password)
    {
        var normalized = Credentials.NormalizeEmail(email) ?? throw PlatformException.Invalid("The email address is not valid.");
        if (Credentials.PasswordProblem(password, normalized) is { } problem)
        {
            throw PlatformException.Invalid(problem);
        }

        var account = new Account
        {
            Id = "acc_" + ApiKeyService.RandomToken(12).ToLowerInvariant().Replace('-', 'x').Replace('_', 'y'),
            Email = normalized,
            PasswordHash = "",
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        account.PasswordHash = hasher.HashPassword(account, password!);
        db.Accounts.Add(account);
        return account;
    }

    public bool VerifyPassword(Account account, string? password) =>
        !string.IsNullOrEmpty(password) && hasher.VerifyHashedPassword(account, account.PasswordHash, password) != PasswordVerificationResult.Failed;

    /// <summary>
    /// Checks a password and keeps count: <see cref="TesseraIdentityOptions.MaxFailedLogins"/> failures in a row lock
    /// the account for <see cref="TesseraIdentityOptions.LockoutMinutes"/>, during which even the right password fails.
    /// </summary>
    public async Task<(LoginStatus Status, Account? Account)> LoginAsync(string? email, string? password, CancellationToken cancellationToken)
    {
        var normalized = Credentials.NormalizeEmail(email);
        var account = normalized is null ? null : await FindByEmailAsync(normalized, cancellationToken);
        if (account is null)
        {
            // Note: hash anyway, so response time does not tell which emails have accounts.
            hasher.VerifyHashedPassword(Dummy, DummyHash, password ?? "");
            return (LoginStatus.Failed, null);
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (account.LockedUntil > now)
        {
            return (LoginStatus.LockedOut, null);
        }

        if (!VerifyPassword(account, password))
        {
            account.FailedLogins++;
            var limits = options.Value;
            var locked = account.FailedLogins >= limits.MaxFailedLogins;
            if (locked)
            {
                account.LockedUntil = now.AddMinutes(limits.LockoutMinutes);
                account.FailedLogins = 0;
            }

            await db.SaveChangesAsync(cancellationToken);
            return (locked ? LoginStatus.LockedOut : LoginStatus.Failed, null);
        }

        if (account.FailedLogins != 0 || account.LockedUntil is not null)
        {
            account.FailedLogins = 0;
            account.LockedUntil = null;
            await db.SaveChangesAsync(cancellationToken);
        }

        return (LoginStatus.Succeeded, account);
    }

    private static readonly Account Dummy = new() { Id = "", Email = "", PasswordHash = "" };
    private static readonly string DummyHash = new PasswordHasher<Account>().HashPassword(Dummy, "not a real password");
}
