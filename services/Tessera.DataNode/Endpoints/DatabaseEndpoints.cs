using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Security;
using Tessera.DataNode.Tenancy;
using Tessera.Grains;
using Tessera.Storage;
using Tessera.Security;

namespace Tessera.DataNode.Endpoints;

/// <summary>Database lifecycle and settings: <c>PUT/GET/HEAD/DELETE /t/{tenant}/{db}</c>, <c>_revs_limit</c>, <c>_compact</c>, <c>_security</c>.</summary>
public static class DatabaseEndpoints
{
    public static RouteGroupBuilder MapDatabaseEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapPut("/{db}", CreateAsync).RequireDatabase(Rights.Admin);
        tenant.MapMethods("/{db}", [HttpMethods.Get, HttpMethods.Head], GetInfoAsync).RequireDatabase(Rights.Read);
        tenant.MapDelete("/{db}", DeleteAsync).RequireDatabase(Rights.Admin);
        tenant.MapGet("/{db}/_revs_limit", GetRevsLimitAsync).RequireDatabase(Rights.Read);
        tenant.MapPut("/{db}/_revs_limit", SetRevsLimitAsync).RequireDatabase(Rights.Admin);
        tenant.MapPost("/{db}/_compact", CompactAsync).RequireDatabase(Rights.Admin);
        tenant.MapPost("/{db}/_ensure_full_commit", EnsureFullCommitAsync).RequireDatabase(Rights.Write);
        tenant.MapGet("/{db}/_security", GetSecurityAsync).RequireDatabase(Rights.Read);
        tenant.MapPut("/{db}/_security", SetSecurityAsync).RequireDatabase(Rights.Admin);
        return tenant;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, string tenant, string db, IGrainFactory grains)
    {
        db = RouteNames.Decode(db);
        if (!Names.IsValid(db))
        {
            return new CouchError(400, "illegal_database_name", Names.InvalidReason(db));
        }

        var status = await grains.GetDatabaseGrain(tenant, db).CreateAsync();
        if (status == DatabaseStatus.AlreadyExists)
        {
            return new CouchError(412, "file_exists", "The database could not be created, the file already exists.");
        }

        context.Response.Headers.Location = $"{context.Request.PathBase}/t/{tenant}/{Uri.EscapeDataString(db)}";
        return CouchJson.OkTrue(201);
    }

    private static async Task<IResult> GetInfoAsync(string tenant, string db, IDatabaseCatalog catalog, CancellationToken cancellationToken)
    {
        var info = await catalog.GetAsync(tenant, RouteNames.Decode(db), cancellationToken);
        if (info is null)
        {
            return CouchError.DatabaseNotFound();
        }

        return CouchJson.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteString("db_name", info.Name);
            w.WriteString("update_seq", Sequences.Format(info.UpdateSeq));
            w.WriteStartObject("sizes");
            w.WriteNumber("file", 0);
            w.WriteNumber("external", 0);
            w.WriteNumber("active", 0);
            w.WriteEndObject();
            w.WriteString("purge_seq", "0");
            w.WriteStartObject("other");
            w.WriteNumber("data_size", 0);
            w.WriteEndObject();
            w.WriteNumber("doc_del_count", info.DeletedDocCount);
            w.WriteNumber("doc_count", info.DocCount);
            w.WriteNumber("disk_size", 0);
            w.WriteNumber("disk_format_version", 8);
            w.WriteNumber("data_size", 0);
            w.WriteBoolean("compact_running", false);
            w.WriteStartObject("cluster");
            w.WriteNumber("q", 1);
            w.WriteNumber("n", 1);
            w.WriteNumber("w", 1);
            w.WriteNumber("r", 1);
            w.WriteEndObject();
            w.WriteString("instance_start_time", info.CreatedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string tenant, string db, IGrainFactory grains, DatabaseResolver resolver)
    {
        db = RouteNames.Decode(db);
        if (context.Request.Query.ContainsKey("rev"))
        {
            // CouchDB refuses this to protect users who meant to delete a document.
            return CouchError.BadRequest("You tried to DELETE a database with a ?rev= parameter. Did you mean to DELETE a document instead?");
        }

        var status = await grains.GetDatabaseGrain(tenant, db).DeleteAsync();
        resolver.Forget(tenant, db);
        return status == DatabaseStatus.NotFound ? CouchError.DatabaseNotFound() : CouchJson.OkTrue();
    }

    private static async Task<IResult> GetRevsLimitAsync(string tenant, string db, IDatabaseCatalog catalog, CancellationToken cancellationToken)
    {
        var info = await catalog.GetAsync(tenant, RouteNames.Decode(db), cancellationToken);
        return info is null ? CouchError.DatabaseNotFound() : CouchJson.Ok(w => w.WriteNumberValue(info.RevsLimit));
    }

    private static async Task<IResult> SetRevsLimitAsync(HttpContext context, string tenant, string db, IGrainFactory grains, IOptions<DataNodeOptions> options)
    {
        var (json, error) = await RequestBody.ReadJsonAsync(context.Request, 1024, requireJsonContentType: false);
        if (error is not null)
        {
            return error;
        }

        using (json)
        {
            if (json!.RootElement.ValueKind != JsonValueKind.Number || !json.RootElement.TryGetInt32(out var limit) || limit < 1)
            {
                return CouchError.BadRequest("`_revs_limit` must be a positive integer");
            }

            var status = await grains.GetDatabaseGrain(tenant, RouteNames.Decode(db)).SetRevsLimitAsync(limit);
            return status == DatabaseStatus.NotFound ? CouchError.DatabaseNotFound() : CouchJson.OkTrue();
        }
    }

    private static async Task<IResult> CompactAsync(HttpContext context, string tenant, string db, IGrainFactory grains)
    {
        if (!RequestBody.IsJson(context.Request))
        {
            return CouchError.UnsupportedMediaType();
        }

        var status = await grains.GetDatabaseGrain(tenant, RouteNames.Decode(db)).CompactAsync();
        return status == DatabaseStatus.NotFound ? CouchError.DatabaseNotFound() : CouchJson.OkTrue(202);
    }

    // Every acknowledged write is already durable; this endpoint exists for replicators that call it.
    private static async Task<IResult> EnsureFullCommitAsync(HttpContext context, string tenant, string db, IDatabaseCatalog catalog, CancellationToken cancellationToken)
    {
        if (!RequestBody.IsJson(context.Request))
        {
            return CouchError.UnsupportedMediaType();
        }

        var info = await catalog.GetAsync(tenant, RouteNames.Decode(db), cancellationToken);
        return info is null
            ? CouchError.DatabaseNotFound()
            : CouchJson.Created(w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("ok", true);
                w.WriteString("instance_start_time", "0");
                w.WriteEndObject();
            });
    }

    private static async Task<IResult> GetSecurityAsync(string tenant, string db, IDatabaseCatalog catalog, CancellationToken cancellationToken)
    {
        var info = await catalog.GetAsync(tenant, RouteNames.Decode(db), cancellationToken);
        return info is null ? CouchError.DatabaseNotFound() : CouchJson.Ok(w => CouchJson.WriteRaw(w, info.SecurityJson ?? "{}"));
    }

    private static async Task<IResult> SetSecurityAsync(
        HttpContext context, string tenant, string db, IGrainFactory grains, DatabaseResolver resolver, IOptions<DataNodeOptions> options)
    {
        var (json, error) = await RequestBody.ReadJsonAsync(context.Request, Math.Min(64 * 1024, options.Value.MaxRequestBytes), requireJsonContentType: false);
        if (error is not null)
        {
            return error;
        }

        using (json)
        {
            if (!SecurityDocument.IsValid(json!.RootElement, out var reason))
            {
                return CouchError.BadRequest(reason);
            }

            var status = await grains.GetDatabaseGrain(tenant, RouteNames.Decode(db))
                .SetSecurityAsync(json.RootElement.GetRawText());
            resolver.Forget(tenant, RouteNames.Decode(db));
            return status == DatabaseStatus.NotFound ? CouchError.DatabaseNotFound() : CouchJson.OkTrue();
        }
    }
}
