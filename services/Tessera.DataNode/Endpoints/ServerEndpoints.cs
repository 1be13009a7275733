using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tessera.DataNode.Couch;
using Tessera.Storage;

namespace Tessera.DataNode.Endpoints;

/// <summary>The server root documents: CouchDB clients treat <c>/t/{tenant}/</c> as a server and read its welcome.</summary>
public static class ServerEndpoints
{
    // Note: the CouchDB version we claim to speak; PouchDB and the CouchDB replicator check features, not this.
    public const string CouchVersion = "3.3.3";

    public static RouteGroupBuilder MapServerEndpoints(this IEndpointRouteBuilder app, RouteGroupBuilder tenant)
    {
        app.MapGet("/", (HttpContext _) => Welcome("tessera")).WithTags("Server");
        tenant.MapGet("/", (string tenant) => Welcome("tenant:" + tenant));
        tenant.MapGet("/_all_dbs", AllDatabasesAsync);
        tenant.MapGet("/_session", Session);
        tenant.MapGet("/_up", () => CouchJson.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "ok");
            w.WriteEndObject();
        }));
        return tenant;
    }

    // The uuid must be stable across restarts and distinct per tenant: replicators key checkpoints on it.
    private static CouchJson Welcome(string scope)
    {
        var uuid = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("tessera-welcome:" + scope)).AsSpan(0, 16));
        return CouchJson.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteString("couchdb", "Welcome");
            w.WriteString("version", CouchVersion);
            w.WriteString("uuid", uuid);
            w.WriteStartObject("vendor");
            w.WriteString("name", "Tessera");
            w.WriteString("version", typeof(ServerEndpoints).Assembly.GetName().Version?.ToString(3));
            w.WriteEndObject();
            w.WriteStartArray("features");
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    // Until identity lands, the bootstrap tenant is served without credentials, which CouchDB calls the admin party:
    // the caller has no name and the _admin role. Replicators read this to learn what they may do.
    private static CouchJson Session() => CouchJson.Ok(w =>
    {
        w.WriteStartObject();
        w.WriteBoolean("ok", true);
        w.WriteStartObject("userCtx");
        w.WriteNull("name");
        w.WriteStartArray("roles");
        w.WriteStringValue("_admin");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("info");
        w.WriteStartArray("authentication_handlers");
        w.WriteStringValue("default");
        w.WriteEndArray();
        w.WriteString("authenticated", "default");
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static async Task<IResult> AllDatabasesAsync(string tenant, IDatabaseCatalog catalog, CancellationToken cancellationToken)
    {
        var names = await catalog.ListAsync(tenant, cancellationToken);
        return CouchJson.Ok(w =>
        {
            w.WriteStartArray();
            foreach (var name in names)
            {
                w.WriteStringValue(name);
            }

            w.WriteEndArray();
        });
    }
}
