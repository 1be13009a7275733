namespace Tessera.Replication.Definitions;

/// <summary>
/// A replication source or target as the request named it: a CouchDB-compatible database URL, or the bare name of a
/// database of the same tenant on this server (reached over this node's own HTTP API when the job runs).
/// </summary>
/// <param name="Url">The database URL without credentials, ending with '/'; null for a local database.</param>
/// <param name="LocalDatabase">The bare database name; null for a URL.</param>
/// <param name="Headers">Headers sent with every request, credentials included (an <c>Authorization</c> built from userinfo or <c>auth.basic</c>).</param>
public sealed record ReplicationEndpoint(Uri? Url, string? LocalDatabase, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>What errors and job listings show: the URL without credentials, or the bare name.</summary>
    public string Display => Url?.AbsoluteUri ?? LocalDatabase!;

    /// <summary>What the replication id hashes: stable across restarts and ports, and free of credentials (as in CouchDB).</summary>
    public string IdentityKey(string tenant) => Url is not null ? "url:" + Url.AbsoluteUri : $"local:{tenant}/{LocalDatabase}";
}
