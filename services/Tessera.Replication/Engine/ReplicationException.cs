namespace Tessera.Replication.Engine;

/// <summary>
/// A replication could not go on: a source or target missing, refusing us, unreachable or answering nonsense.
/// <see cref="Error"/> and <see cref="Reason"/> are CouchDB's (<c>db_not_found</c>, <c>could not open {url}</c>); the
/// reason never holds credentials. <see cref="StatusCode"/> is what <c>_replicate</c> answers with.
/// </summary>
public sealed class ReplicationException(int statusCode, string error, string reason, Exception? inner = null)
    : Exception($"{error}: {reason}", inner)
{
    public int StatusCode { get; } = statusCode;

    public string Error { get; } = error;

    public string Reason { get; } = reason;

    /// <summary>Retrying cannot help (the address is refused by policy): a job stops as <c>failed</c> instead of backing off.</summary>
    public bool Permanent { get; init; }

    public static ReplicationException DatabaseNotFound(string display, Exception? inner = null) =>
        new(404, "db_not_found", "could not open " + display, inner);

    /// <summary>The host resolves to an internal address and <c>Tessera:Replication:AllowPrivateAddresses</c> is off.</summary>
    public static ReplicationException AddressRefused(string display, Exception? inner = null) =>
        new(403, "forbidden", $"could not open {display}: its host resolves to a loopback, private, link-local or otherwise internal address, which replications may not reach on this server", inner)
        {
            Permanent = true,
        };

    public static ReplicationException Unauthorized(string display) =>
        new(401, "unauthorized", "unauthorized to access or create database " + display);
}
