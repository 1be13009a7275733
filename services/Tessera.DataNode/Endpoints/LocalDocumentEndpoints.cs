using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Security;
using Tessera.DataNode.Documents;
using Tessera.DataNode.Tenancy;
using Tessera.Grains;
using Tessera.Storage;
using Tessera.Security;

namespace Tessera.DataNode.Endpoints;

/// <summary><c>/{db}/_local/{id}</c>: non-replicated documents, such as replication checkpoints.</summary>
public static class LocalDocumentEndpoints
{
    public static RouteGroupBuilder MapLocalDocumentEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/{db}/_local/{**id}", GetAsync).RequireDatabase(Rights.Read);
        tenant.MapPut("/{db}/_local/{**id}", PutAsync).RequireDatabase(Rights.Write);
        tenant.MapDelete("/{db}/_local/{**id}", DeleteAsync).RequireDatabase(Rights.Write);
        return tenant;
    }

    private static async Task<IResult> GetAsync(HttpContext context, string tenant, string db, IDocumentReader reader, DatabaseResolver resolver)
    {
        if (await resolver.GetKeyAsync(tenant, RouteNames.Decode(db), context.RequestAborted) is not long key)
        {
            return CouchError.DatabaseNotFound();
        }

        var document = await reader.GetLocalAsync(key, LocalId(context), context.RequestAborted);
        return document is null
            ? CouchError.NotFound()
            : CouchJson.Ok(w => Documents.DocumentJsonWriter.Write(w, document.Id, document.Rev, false, document.Json, Documents.DocumentExtras.None));
    }

    private static async Task<IResult> PutAsync(HttpContext context, string tenant, string db, IGrainFactory grains, IOptions<DataNodeOptions> options)
    {
        var (bytes, error) = await RequestBody.ReadBytesAsync(context.Request, options.Value.MaxRequestBytes);
        if (error is not null)
        {
            return error;
        }

        var parsed = LocalBody.Parse(bytes!);
        if (parsed.Error is not null)
        {
            return parsed.Error;
        }

        var rev = context.Request.Query.TryGetValue("rev", out var q) ? q.ToString() : parsed.Rev;
        if (rev is not null && !LocalBody.IsValidRev(rev))
        {
            return CouchError.BadRequest("Invalid rev format");
        }

        var localId = LocalId(context);
        var result = await grains.GetDatabaseGrain(tenant, RouteNames.Decode(db))
            .PutLocalAsync(new LocalWrite(localId, rev, parsed.Deleted, parsed.Body));
        return ToResult(result, localId, 201);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string tenant, string db, IGrainFactory grains)
    {
        var rev = context.Request.Query.TryGetValue("rev", out var q) ? q.ToString() : null;
        if (rev is not null && !LocalBody.IsValidRev(rev))
        {
            return CouchError.BadRequest("Invalid rev format");
        }

        var localId = LocalId(context);
        var result = await grains.GetDatabaseGrain(tenant, RouteNames.Decode(db))
            .PutLocalAsync(new LocalWrite(localId, rev, true, "{}"));
        return ToResult(result, localId, 200);
    }

    private static IResult ToResult(LocalWriteResult result, string id, int status)
    {
        if (result.Status == DatabaseStatus.NotFound)
        {
            return CouchError.DatabaseNotFound();
        }

        if (result.Error is not null)
        {
            return new CouchError(result.Error == "conflict" ? 409 : 404, result.Error, result.Reason ?? "");
        }

        return new CouchJson(status, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("ok", true);
            w.WriteString("id", id);
            w.WriteString("rev", result.Rev);
            w.WriteEndObject();
        });
    }

    private static string LocalId(HttpContext context) => RouteNames.DocumentPath(context) is var (id, rest) && rest is null ? id : id + "/" + rest;
}
