using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Documents;
using Tessera.DataNode.Security;
using Tessera.DataNode.Tenancy;
using Tessera.Documents;
using Tessera.Grains;
using Tessera.Storage;
using Tessera.Security;

namespace Tessera.DataNode.Endpoints;

/// <summary>Single documents: <c>POST /{db}</c> and <c>GET/HEAD/PUT/DELETE /{db}/{docid}</c>, design documents included.</summary>
public static class DocumentEndpoints
{
    public static RouteGroupBuilder MapDocumentEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapPost("/{db}", PostAsync).RequireDatabase(Rights.Write);
        foreach (var (pattern, write) in new[] { ("/{db}/{docid}", Rights.Write), ("/{db}/_design/{docid}", Rights.Admin) })
        {
            tenant.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Head], (HttpContext c, string tenant, string db, IDocumentReader r, DatabaseResolver d) =>
                GetAsync(c, tenant, db, RouteNames.DocumentPath(c).DocumentId, r, d))
                .RequireDatabase(Rights.Read);
            tenant.MapPut(pattern, (HttpContext c, string tenant, string db, IGrainFactory g, IOptions<DataNodeOptions> o) =>
                PutAsync(c, tenant, db, RouteNames.DocumentPath(c).DocumentId, g, o))
                .RequireDatabase(write);
            tenant.MapDelete(pattern, (HttpContext c, string tenant, string db, IGrainFactory g, IDocumentReader r, DatabaseResolver d) =>
                DeleteAsync(c, tenant, db, RouteNames.DocumentPath(c).DocumentId, g, r, d))
                .RequireDatabase(write);
        }

        return tenant;
    }

    private static async Task<IResult> PostAsync(HttpContext context, string tenant, string db, IGrainFactory grains, IOptions<DataNodeOptions> options)
    {
        if (!RequestBody.IsJson(context.Request))
        {
            return CouchError.UnsupportedMediaType();
        }

        var (document, error) = await ParseAsync(context.Request, options.Value);
        if (error is not null)
        {
            return error;
        }

        var id = document!.Id ?? DocumentWrites.NewId();
        if (!DocumentIds.IsValid(id, out var reason))
        {
            return new CouchError(400, "illegal_docid", reason);
        }

        if (!RequestAccess.Of(context).MayWriteDocument(id))
        {
            return new CouchError(403, "forbidden", "Only database admins may write design documents.");
        }

        return await WriteAsync(context, grains, tenant, db, DocumentWrites.From(document, id, document.Rev, document.Deleted, newEdits: true) with { NewId = document.Id is null }, 201);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string tenant, string db, string id, IDocumentReader reader, DatabaseResolver resolver)
    {
        var query = new QueryOptions(context.Request.Query);
        var flags = ReadFlags.None;
        var meta = query.Bool("meta");
        flags |= query.Bool("conflicts") || meta ? ReadFlags.Conflicts : 0;
        flags |= query.Bool("deleted_conflicts") || meta ? ReadFlags.DeletedConflicts : 0;
        flags |= query.Bool("revs") ? ReadFlags.Revisions : 0;
        flags |= query.Bool("revs_info") || meta ? ReadFlags.RevsInfo : 0;
        flags |= query.Bool("attachments") ? ReadFlags.Attachments : 0;
        var latest = query.Bool("latest");
        var revText = query.String("rev");
        RevId? rev = null;
        if (revText is not null)
        {
            if (!RevId.TryParse(revText, out var parsed))
            {
                return CouchError.BadRequest("Invalid rev format");
            }

            rev = parsed;
        }

        if (query.Error is { } queryError)
        {
            return queryError;
        }

        var ct = context.RequestAborted;
        if (await resolver.GetKeyAsync(tenant, RouteNames.Decode(db), ct) is not long key)
        {
            return CouchError.DatabaseNotFound();
        }

        if (query.String("open_revs") is { } openRevs)
        {
            return await OpenRevisions.ReadAsync(reader, key, id, openRevs, latest, flags, ct);
        }

        var (document, error) = await DocumentLookup.ReadAsync(reader, key, id, rev, flags, ct);
        if (error is not null)
        {
            return error;
        }

        var etag = "\"" + document!.Rev + "\"";
        context.Response.Headers.ETag = etag;
        if (flags == ReadFlags.None && context.Request.Headers.IfNoneMatch == etag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return CouchJson.Ok(document.WriteTo);
    }

    private static async Task<IResult> PutAsync(HttpContext context, string tenant, string db, string id, IGrainFactory grains, IOptions<DataNodeOptions> options)
    {
        if (!DocumentIds.IsValid(id, out var reason))
        {
            return new CouchError(400, "illegal_docid", reason);
        }

        var query = new QueryOptions(context.Request.Query);
        var newEdits = query.Bool("new_edits", fallback: true);
        if (query.Error is { } queryError)
        {
            return queryError;
        }

        var (document, error) = MultipartDocument.IsMultipart(context.Request)
            ? await ParseMultipartAsync(context.Request, options.Value)
            : await ParseAsync(context.Request, options.Value);
        if (error is not null)
        {
            return error;
        }

        var (rev, revError) = RequestedRevision.Read(context.Request, document!.Rev);
        if (revError is not null)
        {
            return revError;
        }

        if (!newEdits && DocumentWrites.ValidateReplicated(document, rev) is { } replicatedError)
        {
            return replicatedError;
        }

        return await WriteAsync(context, grains, tenant, db, DocumentWrites.From(document, id, rev, document.Deleted, newEdits), 201, newEdits);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string tenant, string db, string id, IGrainFactory grains, IDocumentReader reader, DatabaseResolver resolver)
    {
        var (rev, error) = RequestedRevision.Read(context.Request, null);
        if (error is not null)
        {
            return error;
        }

        if (await resolver.GetKeyAsync(tenant, RouteNames.Decode(db), context.RequestAborted) is not long key)
        {
            return CouchError.DatabaseNotFound();
        }

        if (await DocumentWrites.CheckDeleteAsync(reader, key, id, rev, context.RequestAborted) is { } refusal)
        {
            return refusal;
        }

        return await WriteAsync(context, grains, tenant, db, new DocumentWrite(id, rev!.Value.ToString(), true, "{}", null, []), 200);
    }

    internal static async Task<(ParsedDocument? Document, CouchError? Error)> ParseAsync(HttpRequest request, DataNodeOptions options)
    {
        var (bytes, error) = await RequestBody.ReadBytesAsync(request, options.MaxRequestBytes);
        return error is not null ? (null, error) : DocumentWrites.Parse(bytes);
    }

    private static async Task<(ParsedDocument? Document, CouchError? Error)> ParseMultipartAsync(HttpRequest request, DataNodeOptions options)
    {
        var (bytes, error) = await MultipartDocument.ReadAsync(request, options.MaxRequestBytes);
        return error is not null ? (null, error) : DocumentWrites.Parse(bytes);
    }

    internal static async Task<IResult> WriteAsync(HttpContext context, IGrainFactory grains, string tenant, string db, DocumentWrite write, int successStatus, bool newEdits = true)
    {
        var (written, error) = await DocumentWrites.WriteOneAsync(grains, tenant, RouteNames.Decode(db), write, newEdits);
        if (error is not null)
        {
            return error;
        }

        var result = written!;
        context.Response.Headers.ETag = "\"" + result.Rev + "\"";
        if (successStatus == 201)
        {
            context.Response.Headers.Location = $"{context.Request.PathBase}/t/{tenant}/{db}/{Uri.EscapeDataString(result.Id)}";
        }

        return new CouchJson(successStatus, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("ok", true);
            w.WriteString("id", result.Id);
            w.WriteString("rev", result.Rev);
            w.WriteEndObject();
        });
    }
}
