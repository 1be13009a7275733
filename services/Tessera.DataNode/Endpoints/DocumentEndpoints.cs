using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Documents;
using Tessera.DataNode.Tenancy;
using Tessera.Documents;
using Tessera.Grains;
using Tessera.Storage;

namespace Tessera.DataNode.Endpoints;

/// <summary>Single documents: <c>POST /{db}</c> and <c>GET/HEAD/PUT/DELETE /{db}/{docid}</c>, design documents included.</summary>
public static class DocumentEndpoints
{
    public static RouteGroupBuilder MapDocumentEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapPost("/{db}", PostAsync);
        foreach (var pattern in new[] { "/{db}/{docid}", "/{db}/_design/{docid}" })
        {
            tenant.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Head], (HttpContext c, string tenant, string db, IDocumentReader r, DatabaseResolver d) =>
                GetAsync(c, tenant, db, RouteNames.DocumentPath(c).DocumentId, r, d));
            tenant.MapPut(pattern, (HttpContext c, string tenant, string db, IGrainFactory g, IOptions<DataNodeOptions> o) =>
                PutAsync(c, tenant, db, RouteNames.DocumentPath(c).DocumentId, g, o));
            tenant.MapDelete(pattern, (HttpContext c, string tenant, string db, IGrainFactory g, IDocumentReader r, DatabaseResolver d) =>
                DeleteAsync(c, tenant, db, RouteNames.DocumentPath(c).DocumentId, g, r, d));
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

        DocumentRecord record;
        string? body;
        RevId target;
        bool deleted;
        if (rev is RevId wanted)
        {
            var stored = await reader.GetDocumentAsync(key, id, ct);
            if (stored is null)
            {
                return CouchError.NotFound();
            }

            var tree = RevTree.Deserialize(stored.RevTree);
            body = tree.Contains(wanted) ? await reader.GetBodyAsync(key, id, wanted.ToString(), ct) : null;
            if (body is null)
            {
                return CouchError.NotFound();
            }

            (record, target, deleted) = (stored, wanted, tree.IsDeleted(wanted));
        }
        else
        {
            var winning = await reader.GetWinningAsync(key, id, ct);
            if (winning is null)
            {
                return CouchError.NotFound();
            }

            if (winning.Document.Deleted)
            {
                return CouchError.NotFound("deleted");
            }

            (record, body, target, deleted) = (winning.Document, winning.Body, RevId.Parse(winning.Document.WinningRev), false);
        }

        var etag = "\"" + target + "\"";
        context.Response.Headers.ETag = etag;
        if (flags == ReadFlags.None && context.Request.Headers.IfNoneMatch == etag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        var extras = await DocumentRead.ExtrasAsync(reader, key, record, target, body, flags, ct);
        return CouchJson.Ok(w => DocumentJsonWriter.Write(w, id, target.ToString(), deleted, body, extras));
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

        // CouchDB answers 404 for a document that never existed and for a tombstone deleted again; only the writer
        // decides conflicts, so this read just picks the right error for those two cases.
        if (await resolver.GetKeyAsync(tenant, RouteNames.Decode(db), context.RequestAborted) is not long key)
        {
            return CouchError.DatabaseNotFound();
        }

        var stored = await reader.GetDocumentAsync(key, id, context.RequestAborted);
        if (stored is null)
        {
            return CouchError.NotFound();
        }

        if (rev is null)
        {
            return CouchError.Conflict();
        }

        var tree = RevTree.Deserialize(stored.RevTree);
        if (tree.IsLeaf(rev.Value) && tree.IsDeleted(rev.Value))
        {
            return CouchError.NotFound("deleted");
        }

        return await WriteAsync(context, grains, tenant, db, new DocumentWrite(id, rev.ToString(), true, "{}", null, []), 200);
    }

    internal static async Task<(ParsedDocument? Document, CouchError? Error)> ParseAsync(HttpRequest request, DataNodeOptions options)
    {
        var (bytes, error) = await RequestBody.ReadBytesAsync(request, options.MaxRequestBytes);
        return error is not null ? (null, error) : Parse(bytes!);
    }

    private static async Task<(ParsedDocument? Document, CouchError? Error)> ParseMultipartAsync(HttpRequest request, DataNodeOptions options)
    {
        var (bytes, error) = await MultipartDocument.ReadAsync(request, options.MaxRequestBytes);
        return error is not null ? (null, error) : Parse(bytes!);
    }

    private static (ParsedDocument? Document, CouchError? Error) Parse(byte[] bytes)
    {
        try
        {
            return (DocumentParser.Parse(bytes, DocumentLimits.Default), null);
        }
        catch (DocumentException exception)
        {
            return (null, new CouchError(exception.StatusCode, exception.Error, exception.Reason));
        }
    }

    internal static async Task<IResult> WriteAsync(HttpContext context, IGrainFactory grains, string tenant, string db, DocumentWrite write, int successStatus, bool newEdits = true)
    {
        var response = await grains.GetGrain<IDatabaseGrain>(DatabaseGrainKey.For(tenant, RouteNames.Decode(db)))
            .WriteAsync(new WriteRequest([write], newEdits));
        return ToResult(context, tenant, db, response, successStatus);
    }

    internal static IResult ToResult(HttpContext context, string tenant, string db, WriteResponse response, int successStatus)
    {
        if (response.Status == DatabaseStatus.NotFound)
        {
            return CouchError.DatabaseNotFound();
        }

        var result = response.Results[0];
        if (!result.Ok)
        {
            return new CouchError(DocumentWrites.StatusOf(result.Error!), result.Error!, result.Reason ?? "");
        }

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
