using System.Security.Cryptography;
using System.Text;

namespace Tessera.Replication.Definitions;

/// <summary>
/// One replication as CouchDB's <c>_replicate</c> body or <c>_replicator</c> document describes it.
/// </summary>
/// <param name="Tenant">The tenant that asked; bare database names are its databases.</param>
/// <param name="DocIds">Replicate only these documents (<c>filter=_doc_ids</c>); null for all.</param>
/// <param name="SelectorJson">Replicate only documents matching this Mango selector (<c>filter=_selector</c>), as compact JSON; null for all.</param>
/// <param name="Cancel">A <c>_replicate</c> request to stop the running replication with this definition.</param>
public sealed record ReplicationDefinition(
    string Tenant,
    ReplicationEndpoint Source,
    ReplicationEndpoint Target,
    bool Continuous,
    bool CreateTarget,
    IReadOnlyList<string>? DocIds,
    string? SelectorJson,
    bool Cancel)
{
    /// <summary>Bumped when what the id hashes changes, so old checkpoints are not misread.</summary>
    private const string IdVersion = "tessera-replication-id-1";

    /// <summary>
    /// The replication id: an MD5 hex digest (CouchDB's shape) of the source, the target and the filter. It names the
    /// <c>_local/{id}</c> checkpoint documents on both sides, so it must not change across restarts.
    /// </summary>
    public string ReplicationId { get; } = ComputeId(Tenant, Source, Target, DocIds, SelectorJson);

    /// <summary>CouchDB's <c>_local_id</c>: the replication id with the <c>+continuous</c> and <c>+create_target</c> options appended.</summary>
    public string LocalId => ReplicationId + (Continuous ? "+continuous" : "") + (CreateTarget ? "+create_target" : "");

    private static string ComputeId(string tenant, ReplicationEndpoint source, ReplicationEndpoint target, IReadOnlyList<string>? docIds, string? selector)
    {
        var text = new StringBuilder(IdVersion).Append('\n')
            .Append(source.IdentityKey(tenant)).Append('\n')
            .Append(target.IdentityKey(tenant)).Append('\n');
        if (docIds is not null)
        {
            text.Append("doc_ids:");
            foreach (var id in docIds.Order(StringComparer.Ordinal))
            {
                text.Append(id.Length).Append(':').Append(id);
            }

            text.Append('\n');
        }

        if (selector is not null)
        {
            text.Append("selector:").Append(selector).Append('\n');
        }

        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
