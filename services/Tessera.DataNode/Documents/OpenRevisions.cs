using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tessera.DataNode.Couch;
using Tessera.Documents;
using Tessera.Storage;

namespace Tessera.DataNode.Documents;

/// <summary>
/// <c>GET /{db}/{doc}?open_revs=all|[...]</c>: the replicator's way to fetch given leaves, answered as a JSON array of
/// <c>{"ok": doc}</c> and <c>{"missing": rev}</c> entries.
/// </summary>
internal static class OpenRevisions
{
    public static async Task<IResult> ReadAsync(IDocumentReader reader, long database, string id, string openRevs, bool latest, ReadFlags flags, CancellationToken ct)
    {
        List<RevId>? requested = null;
        List<string> invalid = [];
        if (openRevs != "all")
        {
            try
            {
                using var json = JsonDocument.Parse(openRevs);
                if (json.RootElement.ValueKind != JsonValueKind.Array)
                {
                    return CouchError.BadRequest("open_revs must be \"all\" or a JSON array of revisions");
                }

                requested = [];
                foreach (var item in json.RootElement.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String && RevId.TryParse(item.GetString(), out var rev))
                    {
                        requested.Add(rev);
                    }
                    else
                    {
                        return CouchError.BadRequest("Invalid rev format");
                    }
                }
            }
            catch (JsonException)
            {
                return CouchError.BadRequest("open_revs must be \"all\" or a JSON array of revisions");
            }
        }

        var record = await reader.GetDocumentAsync(database, id, ct);
        if (record is null && requested is null)
        {
            return CouchError.NotFound();
        }

        var tree = record is null ? new RevTree() : RevTree.Deserialize(record.RevTree);
        var entries = new List<(RevId Rev, string? Body, DocumentExtras? Extras)>();
        foreach (var rev in requested ?? tree.Leaves.Select(l => l.Rev).ToList())
        {
            var targets = latest && tree.Contains(rev) && !tree.IsLeaf(rev)
                ? tree.Leaves.Where(l => tree.Ancestry(l.Rev).Contains(rev)).Select(l => l.Rev).ToList()
                : [rev];
            foreach (var target in targets)
            {
                var body = tree.Contains(target) ? await reader.GetBodyAsync(database, id, target.ToString(), ct) : null;
                var extras = body is null ? null : await DocumentRead.ExtrasAsync(reader, database, record!, target, body, flags | ReadFlags.Revisions, ct);
                entries.Add((target, body, extras));
            }
        }

        return CouchJson.Ok(w =>
        {
            w.WriteStartArray();
            foreach (var (rev, body, extras) in entries)
            {
                w.WriteStartObject();
                if (body is null)
                {
                    w.WriteString("missing", rev.ToString());
                }
                else
                {
                    w.WritePropertyName("ok");
                    DocumentJsonWriter.Write(w, id, rev.ToString(), tree.IsDeleted(rev), body, extras!);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }
}
