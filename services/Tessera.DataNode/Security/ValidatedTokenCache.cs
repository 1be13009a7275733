using System.Collections.Concurrent;
using Tessera.Security;

namespace Tessera.DataNode.Security;

/// <summary>
/// Callers of recently validated access tokens, so a client sending the same token on every request pays the JWT
/// signature check once, not per request. An entry lives until the token expires, at most <see cref="MaxAge"/>.
/// </summary>
/// <remarks>
/// Note: keyed by the whole token string; only tokens that validated are kept, so a forged token is never served from
/// here. Bounded: when full it starts over, which costs one validation per active token.
/// </remarks>
public sealed class ValidatedTokenCache(TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private const int Capacity = 50_000;

    private readonly ConcurrentDictionary<string, (Caller Caller, DateTimeOffset Expires)> entries = new(StringComparer.Ordinal);

    public bool TryGet(string token, out Caller caller)
    {
        if (entries.TryGetValue(token, out var entry) && entry.Expires > time.GetUtcNow())
        {
            caller = entry.Caller;
            return true;
        }

        caller = Caller.Anonymous;
        return false;
    }

    public void Add(string token, Caller caller, DateTimeOffset? tokenExpires)
    {
        var expires = time.GetUtcNow() + MaxAge;
        if (tokenExpires is { } exp && exp < expires)
        {
            expires = exp;
        }

        if (entries.Count >= Capacity)
        {
            entries.Clear();
        }

        entries[token] = (caller, expires);
    }
}
