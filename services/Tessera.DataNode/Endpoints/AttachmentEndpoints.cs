using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Security;
using Tessera.DataNode.Tenancy;
using Tessera.Documents;
using Tessera.Grains;
using Tessera.Storage;
using Tessera.Security;

namespace Tessera.DataNode.Endpoints;

/// <summary>Standalone attachments: <c>GET/PUT/DELETE /{db}/{doc}/{name}</c>; each PUT or DELETE makes a new document revision.</summary>
public static class AttachmentEndpoints
{
    public static RouteGroupBuilder MapAttachmentEndpoints(this RouteGroupBuilder tenant)
    {
        foreach (var (pattern, write) in new[] { ("/{db}/{docid}/{**name}", Rights.Write), ("/{db}/_design/{docid}/{**name}", Rights.Admin) })
        {
            tenant.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Head], (HttpContext c, string tenant, string db, IDocumentReader r, DatabaseResolver d) =>
                GetAsync(c, tenant, db, RouteNames.DocumentPath(c), r, d))
                .RequireDatabase(Rights.Read);
            tenant.MapPut(pattern, (HttpContext c, string tenant, string db, IDocumentReader r, DatabaseResolver d, IGrainFactory g, IOptions<DataNodeOptions> o) =>
                ChangeAsync(c, tenant, db, RouteNames.DocumentPath(c), remove: false, r, d, g, o.Value))
                .RequireDatabase(write);
            tenant.MapDelete(pattern, (HttpContext c, string tenant, string db, IDocumentReader r, DatabaseResolver d, IGrainFactory g, IOptions<DataNodeOptions> o) =>
                ChangeAsync(c, tenant, db, RouteNames.DocumentPath(c), remove: true, r, d, g, o.Value))
                .RequireDatabase(write);
        }

        return tenant;
    }

    private static async Task<IResult> GetAsync(HttpContext context, string tenant, string db, (string Id, string? Name) path, IDocumentReader reader, DatabaseResolver resolver)
    {
        var (id, name) = (path.Id, path.Name!);
        var ct = context.RequestAborted;
        if (await resolver.GetKeyAsync(tenant, RouteNames.Decode(db), ct) is not long key)
        {
            return CouchError.DatabaseNotFound();
        }

        string? body;
        if (context.Request.Query.TryGetValue("rev", out var revText))
        {
            if (!RevId.TryParse(revText.ToString(), out var rev))
            {
                return CouchError.BadRequest("Invalid rev format");
            }

            body = await reader.GetBodyAsync(key, id, rev.ToString(), ct);
        }
        else
        {
            var winning = await reader.GetWinningAsync(key, id, ct);
            body = winning is { Document.Deleted: false } ? winning.Body : null;
        }

        var stub = body is null ? null : DocumentJson.ReadStubs(body).FirstOrDefault(s => s.Name == name);
        if (stub is null)
        {
            return CouchError.NotFound(body is null ? "missing" : "Document is missing attachment");
        }

        var etag = "\"" + stub.Digest + "\"";
        if (context.Request.Headers.IfNoneMatch == etag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        var content = await reader.GetAttachmentAsync(key, stub.Digest, ct);
        if (content is null)
        {
            return CouchError.NotFound("Document is missing attachment");
        }

        context.Response.Headers.ETag = etag;
        if (stub.Digest.StartsWith("md5-", StringComparison.Ordinal))
        {
            context.Response.Headers["Content-MD5"] = stub.Digest[4..];
        }

        return Results.Bytes(content.Data, stub.ContentType);
    }

    private static async Task<IResult> ChangeAsync(
        HttpContext context, string tenant, string db, (string Id, string? Name) path, bool remove,
        IDocumentReader reader, DatabaseResolver resolver, IGrainFactory grains, DataNodeOptions options)
    {
        var (id, name) = (path.Id, path.Name!);
        if (!DocumentIds.IsValid(id, out var idReason))
        {
            return new CouchError(400, "illegal_docid", idReason);
        }

        if (name.StartsWith('_'))
        {
            return CouchError.BadRequest("Attachment name can't start with '_'");
        }

        var ct = context.RequestAborted;
        var (rev, revError) = RequestedRevision.Read(context.Request, null);
        if (revError is not null)
        {
            return revError;
        }

        if (await resolver.GetKeyAsync(tenant, RouteNames.Decode(db), ct) is not long key)
        {
            return CouchError.DatabaseNotFound();
        }

        // The new revision keeps the parent's fields and attachments; a missing or stale parent is a conflict.
        var parentBody = rev is null ? "{}" : await reader.GetBodyAsync(key, id, rev.ToString()!, ct);
        if (parentBody is null)
        {
            return CouchError.Conflict();
        }

        var kept = DocumentJson.ReadStubs(parentBody)
            .Where(s => s.Name != name)
            .Select(s => new AttachmentWrite(s.Name, s.ContentType, true, null, s.Digest, s.Length, s.RevPos))
            .ToList();
        if (remove)
        {
            if (rev is null)
            {
                return CouchError.Conflict();
            }

            if (kept.Count == DocumentJson.ReadStubs(parentBody).Count)
            {
                return CouchError.NotFound("Document is missing attachment");
            }
        }
        else
        {
            var (data, error) = await RequestBody.ReadBytesAsync(context.Request, Math.Min(DocumentLimits.Default.MaxAttachmentBytes, options.MaxRequestBytes));
            if (error is not null)
            {
                return error;
            }

            // CouchDB's digest format names content; MD5 protects nothing here.
#pragma warning disable CA5351
            var digest = "md5-" + Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(data!));
#pragma warning restore CA5351
            kept.Add(new AttachmentWrite(name, context.Request.ContentType ?? "application/octet-stream", false, data, digest, data!.LongLength, null));
        }

        var write = new DocumentWrite(id, rev?.ToString(), false, WithoutAttachments(parentBody), null, kept);
        return await DocumentEndpoints.WriteAsync(context, grains, tenant, db, write, remove ? 200 : 201);
    }

    private static string WithoutAttachments(string body)
    {
        using var json = JsonDocument.Parse(body);
        var buffer = new ArrayBufferWriter<byte>(body.Length);
        using (var writer = new Utf8JsonWriter(buffer, CouchJson.WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var member in json.RootElement.EnumerateObject())
            {
                if (!member.NameEquals("_attachments"))
                {
                    member.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
