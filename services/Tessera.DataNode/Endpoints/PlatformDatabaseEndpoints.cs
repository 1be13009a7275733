using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Security;
using Tessera.DataNode.Tenancy;
using Tessera.Grains;
using Tessera.Security;
using Tessera.Storage;

namespace Tessera.DataNode.Endpoints;

/// <summary>
/// The platform API's databases: <c>/api/v1/tenants/{tenant}/databases[/{db}]</c>, answering JSON and RFC 9457 problem
/// details. The same databases as the CouchDB API, with the settings CouchDB has no place for (public read).
/// </summary>
public static class PlatformDatabaseEndpoints
{
    public static RouteGroupBuilder MapPlatformDatabaseEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/tenants/{tenant}/databases")
            .AddEndpointFilter<AccessFilter>()
            .WithMetadata(new ProblemDetailsErrors())
            .WithTags("Databases");
        group.MapGet("/", ListAsync).RequireTenant(Rights.Read).WithSummary("Lists the tenant's databases the caller may read.");
        group.MapGet("/{db}", GetAsync).RequireDatabase(Rights.Read).WithSummary("Describes one database.");
        group.MapPut("/{db}", CreateAsync).RequireDatabase(Rights.Admin).WithSummary("Creates a database.");
        group.MapPatch("/{db}", UpdateAsync).RequireDatabase(Rights.Admin).WithSummary("Changes a database's settings: {\"publicRead\": true|false}.");
        group.MapDelete("/{db}", DeleteAsync).RequireDatabase(Rights.Admin).WithSummary("Deletes a database and all its documents.");
        return group;
    }

    // Note: camelCase like the rest of /api/v1 (ASP.NET Core's web defaults); the CouchDB API keeps CouchDB's names.
    public sealed record DatabaseInfo(string Name, long DocCount, long UpdateSeq, bool PublicRead, DateTimeOffset CreatedAt);

    public sealed record DatabaseSettings(bool? PublicRead);

    private static async Task<Ok<DatabaseInfo[]>> ListAsync(HttpContext context, string tenant, IDatabaseCatalog catalog, CancellationToken cancellationToken)
    {
        var caller = RequestAccess.Of(context).Caller;
        var tenantWide = AccessPolicy.TenantRights(caller, tenant) >= Rights.Read;
        var infos = new List<DatabaseInfo>();
        foreach (var name in await catalog.ListAsync(tenant, cancellationToken))
        {
            if ((tenantWide || DataScopes.RightsOn(caller.Scopes, name) >= Rights.Read) && await catalog.GetAsync(tenant, name, cancellationToken) is { } record)
            {
                infos.Add(Describe(record));
            }
        }

        return TypedResults.Ok(infos.ToArray());
    }

    private static async Task<Results<Ok<DatabaseInfo>, ProblemHttpResult>> GetAsync(string tenant, string db, IDatabaseCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.GetAsync(tenant, RouteNames.Decode(db), cancellationToken) is { } record
            ? TypedResults.Ok(Describe(record))
            : NotFound(db);

    private static async Task<Results<Created<DatabaseInfo>, ProblemHttpResult>> CreateAsync(
        HttpContext context, string tenant, string db, IGrainFactory grains, IDatabaseCatalog catalog, CancellationToken cancellationToken)
    {
        db = RouteNames.Decode(db);
        if (!Names.IsValid(db))
        {
            return TypedResults.Problem(Names.InvalidReason(db), statusCode: 400, title: "Invalid database name");
        }

        if (await grains.GetDatabaseGrain(tenant, db).CreateAsync() == DatabaseStatus.AlreadyExists)
        {
            return TypedResults.Problem($"The database '{db}' already exists.", statusCode: 409, title: "Database exists");
        }

        var record = await catalog.GetAsync(tenant, db, cancellationToken);
        return TypedResults.Created($"{context.Request.PathBase}/api/v1/tenants/{tenant}/databases/{Uri.EscapeDataString(db)}", Describe(record!));
    }

    private static async Task<Results<Ok<DatabaseInfo>, ProblemHttpResult>> UpdateAsync(
        HttpContext context, string tenant, string db, IDatabaseCatalog catalog, DatabaseResolver resolver, CancellationToken cancellationToken)
    {
        db = RouteNames.Decode(db);
        DatabaseSettings? settings;
        try
        {
            settings = await context.Request.ReadFromJsonAsync<DatabaseSettings>(JsonSerializerOptions.Web, cancellationToken);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            return TypedResults.Problem("The body must be a JSON object such as {\"publicRead\": true}.", statusCode: 400, title: "Invalid settings");
        }

        if (settings?.PublicRead is not bool publicRead)
        {
            return TypedResults.Problem("Nothing to change: send {\"publicRead\": true|false}.", statusCode: 400, title: "Invalid settings");
        }

        if (await catalog.GetAsync(tenant, db, cancellationToken) is not { } record)
        {
            return NotFound(db);
        }

        await catalog.SetPublicReadAsync(record.Key, publicRead, cancellationToken);
        resolver.Forget(tenant, db);
        return TypedResults.Ok(Describe(record with { PublicRead = publicRead }));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string tenant, string db, IGrainFactory grains, DatabaseResolver resolver)
    {
        db = RouteNames.Decode(db);
        var status = await grains.GetDatabaseGrain(tenant, db).DeleteAsync();
        resolver.Forget(tenant, db);
        return status == DatabaseStatus.NotFound ? NotFound(db) : TypedResults.NoContent();
    }

    private static DatabaseInfo Describe(DatabaseRecord record) =>
        new(record.Name, record.DocCount, record.UpdateSeq, record.PublicRead, record.CreatedAt);

    private static ProblemHttpResult NotFound(string db) =>
        TypedResults.Problem($"The database '{db}' does not exist.", statusCode: 404, title: "Database not found");
}
