using System.Collections.Frozen;
using System.Net.Mail;

namespace Tessera.Identity.Accounts;

/// <summary>The rules for emails and passwords of accounts.</summary>
public static class Credentials
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 256;

    /// <summary>
    /// Passwords refused outright even though long enough: the most common leaked passwords of 10+ characters (lowercase
    /// comparison). Note: a small list on purpose; length plus variety does most of the work, this stops the obvious.
    /// </summary>
    private static readonly FrozenSet<string> Common = FrozenSet.Create(StringComparer.Ordinal,
        "1234567890", "0123456789", "12345678910", "123456789a", "1234567890a", "qwertyuiop", "qwertyuiop1", "1qaz2wsx3edc",
        "password123", "password12", "password1234", "passw0rd123", "password!1", "iloveyou12", "abcdefghij", "abcd123456",
        "abc1234567", "qwerty1234", "qwerty12345", "qwerty123456", "1q2w3e4r5t", "1q2w3e4r5t6y", "zaq12wsxcde", "asdfghjkl1",
        "asdfghjkl;", "zxcvbnm123", "letmein123", "welcome123", "welcome1234", "administrator", "admin12345", "admin123456",
        "changeme123", "trustno1234", "football123", "baseball123", "superman123", "sunshine123", "princess123", "monkey12345",
        "dragon12345", "michael123", "1111111111", "0000000000", "aaaaaaaaaa", "123123123123", "987654321a", "9876543210",
        "passwordpassword", "tessera123", "tessera1234", "secret1234", "p@ssw0rd123", "p@ssword123");

    /// <summary>The address lowercased and trimmed, or null when it is not a plain email address.</summary>
    public static string? NormalizeEmail(string? email)
    {
        var trimmed = email?.Trim();
        if (trimmed is not { Length: >= 3 and <= 254 } || trimmed.Contains(' ', StringComparison.Ordinal))
        {
            return null;
        }

        // Note: MailAddress also accepts display-name forms ("A <a@b>"); only a bare address that round-trips counts.
        if (!MailAddress.TryCreate(trimmed, out var address) || address.Address != trimmed || address.Host.Length == 0 || address.User.Length == 0)
        {
            return null;
        }

        return trimmed.ToLowerInvariant();
    }

    /// <summary>
    /// Null when the password is strong enough, else why not. Rule: at least 10 characters, at most 256, at least 5
    /// different characters, not one of a list of common passwords, and not containing the email's local part.
    /// </summary>
    public static string? PasswordProblem(string? password, string? email = null)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinPasswordLength)
        {
            return $"The password must have at least {MinPasswordLength} characters.";
        }

        if (password.Length > MaxPasswordLength)
        {
            return $"The password must have at most {MaxPasswordLength} characters.";
        }

        if (password.Distinct().Count() < 5)
        {
            return "The password must use at least 5 different characters.";
        }

        var lower = password.ToLowerInvariant();
        if (Common.Contains(lower))
        {
            return "The password is too common.";
        }

        var local = email?.Split('@')[0];
        if (local is { Length: >= 4 } && lower.Contains(local.ToLowerInvariant(), StringComparison.Ordinal))
        {
            return "The password must not contain the email address.";
        }

        return null;
    }
}
