using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Security;
using Tessera.DataNode.Documents;
using Tessera.DataNode.Tenancy;
using Tessera.Documents;
using Tessera.Storage;
using Tessera.Security;

namespace Tessera.DataNode.Endpoints;

/// <summary>What replicators ask a target or a source besides documents and changes: <c>_revs_diff</c> and <c>_bulk_get</c>.</summary>
public static class ReplicationEndpoints
{
    public static RouteGroupBuilder MapReplicationEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapPost("/{db}/_revs_diff", RevsDiffAsync).RequireDatabase(Rights.Read);
        tenant.MapPost("/{db}/_bulk_get", BulkGetAsync).RequireDatabase(Rights.Read);
        return tenant;
    }

    /// <summary>For each document, the given revisions this database lacks, and its leaves that could be their ancestors.</summary>
    private static async Task<IResult> RevsDiffAsync(HttpContext context, string tenant, string db, IDocumentReader reader, DatabaseResolver resolver, IOptions<DataNodeOptions> options)
    {
        var (json, error) = await RequestBody.ReadJsonAsync(context.Request, options.Value.MaxRequestBytes);
        if (error is not null)
        {
            return error;
        }

        using (json)
        {
            var root = json!.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return CouchError.BadRequest("Request body must be a JSON object of document ids to arrays of revisions");
            }

            var asked = new Dictionary<string, List<RevId>>(StringComparer.Ordinal);
            foreach (var member in root.EnumerateObject())
            {
                if (member.Value.ValueKind != JsonValueKind.Array)
                {
                    return CouchError.BadRequest($"Revisions of {member.Name} must be a JSON array");
                }

                var revs = new List<RevId>();
                foreach (var item in member.Value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String || !RevId.TryParse(item.GetString(), out var rev))
                    {
                        return CouchError.BadRequest("Invalid rev format");
                    }

                    revs.Add(rev);
                }

                asked[member.Name] = revs;
            }

            var ct = context.RequestAborted;
            if (await resolver.GetKeyAsync(tenant, RouteNames.Decode(db), ct) is not long key)
            {
                return CouchError.DatabaseNotFound();
            }

            var stored = await reader.GetDocumentsAsync(key, asked.Keys, ct);
            return CouchJson.Ok(w =>
            {
                w.WriteStartObject();
                foreach (var (id, revs) in asked)
                {
                    var tree = stored.TryGetValue(id, out var record) ? RevTree.Deserialize(record.RevTree) : null;
                    var missing = revs.Where(r => tree is null || !tree.Contains(r)).Distinct().ToList();
                    if (missing.Count == 0)
                    {
                        continue;
                    }

                    w.WriteStartObject(id);
                    w.WriteStartArray("missing");
                    missing.ForEach(r => w.WriteStringValue(r.ToString()));
                    w.WriteEndArray();
                    var maxGeneration = missing.Max(r => r.Generation);
                    var ancestors = tree?.Leaves.Where(l => l.Rev.Generation < maxGeneration).Select(l => l.Rev.ToString()).ToList() ?? [];
                    if (ancestors.Count > 0)
                    {
                        w.WriteStartArray("possible_ancestors");
                        ancestors.ForEach(w.WriteStringValue);
                        w.WriteEndArray();
                    }

                    w.WriteEndObject();
                }

                w.WriteEndObject();
            });
        }
    }

    /// <summary>Many documents at given revisions in one request (<c>{"docs":[{"id","rev"}]}</c>), as PouchDB pulls them.</summary>
    private static async Task<IResult> BulkGetAsync(HttpContext context, string tenant, string db, IDocumentReader reader, DatabaseResolver resolver, IOptions<DataNodeOptions> options)
    {
        var q = new QueryOptions(context.Request.Query);
        var flags = (q.Bool("revs") ? ReadFlags.Revisions : 0) | (q.Bool("attachments") ? ReadFlags.Attachments : 0);
        var latest = q.Bool("latest");
        if (q.Error is { } queryError)
        {
            return queryError;
        }

        var (json, error) = await RequestBody.ReadJsonAsync(context.Request, options.Value.MaxRequestBytes);
        if (error is not null)
        {
            return error;
        }

        List<(string Id, RevId? Rev)> wanted = [];
        using (json)
        {
            var root = json!.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("docs", out var docs) || docs.ValueKind != JsonValueKind.Array)
            {
                return CouchError.BadRequest("Missing JSON list of 'docs'.");
            }

            foreach (var item in docs.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
                {
                    return CouchError.BadRequest("Each entry of 'docs' must be an object with a string 'id'.");
                }

                RevId? rev = null;
                if (item.TryGetProperty("rev", out var revElement))
                {
                    if (revElement.ValueKind != JsonValueKind.String || !RevId.TryParse(revElement.GetString(), out var parsed))
                    {
                        return CouchError.BadRequest("Invalid rev format");
                    }

                    rev = parsed;
                }

                wanted.Add((id.GetString()!, rev));
            }
        }

        var ct = context.RequestAborted;
        if (await resolver.GetKeyAsync(tenant, RouteNames.Decode(db), ct) is not long key)
        {
            return CouchError.DatabaseNotFound();
        }

        // Note: the documents and the bodies of the revisions asked for are read at once, on two connections: a replicator
        // asks for leaves it lacks, so the guess is nearly always the answer, and the request waits for one round trip
        // instead of two. Only what the revision trees then point elsewhere (no rev: the winner; latest: newer leaves) is
        // read afterwards.
        var storedRead = reader.GetDocumentsAsync(key, wanted.Select(x => x.Id).Distinct(StringComparer.Ordinal).ToList(), ct);
        var guessedRead = reader.GetBodiesAsync(
            key, wanted.Where(x => x.Rev is not null).Select(x => new RevisionKey(x.Id, x.Rev!.Value.ToString())).Distinct().ToList(), ct);
        await Task.WhenAll(storedRead, guessedRead);
        var stored = await storedRead;

        // First the revisions each entry asks for, then the bodies not read yet, then the answers.
        var plan = new List<(string Id, RevId? Rev, DocumentRecord? Record, RevTree? Tree, IReadOnlyList<RevId> Targets)>(wanted.Count);
        foreach (var (id, rev) in wanted)
        {
            if (!stored.TryGetValue(id, out var record))
            {
                plan.Add((id, rev, null, null, []));
                continue;
            }

            var tree = RevTree.Deserialize(record.RevTree);
            IReadOnlyList<RevId> targets = rev is not RevId r ? [tree.Winner]
                : latest && tree.Contains(r) && !tree.IsLeaf(r) ? tree.Leaves.Where(l => tree.Ancestry(l.Rev).Contains(r)).Select(l => l.Rev).ToList()
                : [r];
            plan.Add((id, rev, record, tree, targets));
        }

        var guessed = await guessedRead;
        var rest = await reader.GetBodiesAsync(
            key,
            plan.SelectMany(p => p.Targets.Where(t => p.Tree!.Contains(t)).Select(t => new RevisionKey(p.Id, t.ToString())))
                .Where(k => !guessed.ContainsKey(k)).Distinct().ToList(),
            ct);
        var results = new List<(string Id, List<Action<Utf8JsonWriter>> Docs)>(wanted.Count);
        foreach (var (id, rev, record, tree, targets) in plan)
        {
            var docs = new List<Action<Utf8JsonWriter>>();
            results.Add((id, docs));
            if (record is null)
            {
                docs.Add(w => BulkGetError(w, id, rev?.ToString() ?? "undefined", "not_found", "missing"));
                continue;
            }

            foreach (var target in targets)
            {
                var revisionKey = new RevisionKey(id, target.ToString());
                if (!tree!.Contains(target) || !(guessed.TryGetValue(revisionKey, out var body) || rest.TryGetValue(revisionKey, out body)))
                {
                    docs.Add(w => BulkGetError(w, id, target.ToString(), "not_found", "missing"));
                    continue;
                }

                var extras = await DocumentRead.ExtrasAsync(reader, key, record, target, body, flags, ct, tree);
                var deleted = tree.IsDeleted(target);
                docs.Add(w =>
                {
                    w.WriteStartObject();
                    w.WritePropertyName("ok");
                    DocumentJsonWriter.Write(w, id, target.ToString(), deleted, body, extras);
                    w.WriteEndObject();
                });
            }
        }

        return CouchJson.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var (id, docs) in results)
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteStartArray("docs");
                docs.ForEach(d => d(w));
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void BulkGetError(Utf8JsonWriter w, string id, string rev, string error, string reason)
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("id", id);
        w.WriteString("rev", rev);
        w.WriteString("error", error);
        w.WriteString("reason", reason);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
