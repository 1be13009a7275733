using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Security;
using Tessera.Storage;
using Tessera.Security;

namespace Tessera.DataNode.Endpoints;

/// <summary>The server root documents: CouchDB clients treat <c>/t/{tenant}/</c> as a server and read its welcome.</summary>
public static class ServerEndpoints
{
    // Note: the CouchDB version we claim to speak; PouchDB and the CouchDB replicator check features, not this.
    public const string CouchVersion = "3.3.3";

    public static RouteGroupBuilder MapServerEndpoints(this IEndpointRouteBuilder app, RouteGroupBuilder tenant)
    {
        app.MapGet("/", (HttpContext _) => Welcome("tessera")).WithTags("Server");
        tenant.MapGet("/", (string tenant) => Welcome("tenant:" + tenant)).AllowPublic();
        tenant.MapGet("/_all_dbs", AllDatabasesAsync).RequireTenant(Rights.Read);
        tenant.MapGet("/_session", Session).AllowPublic();
        tenant.MapGet("/_up", () => CouchJson.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "ok");
            w.WriteEndObject();
        })).AllowPublic();
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

    // CouchDB's session document: who the credentials of this request say the caller is. Tenant owners and admins
    // carry CouchDB's _admin role, so CouchDB replicators and tools know they may write design documents.
    private static CouchJson Session(HttpContext context, string tenant)
    {
        var access = RequestAccess.Of(context);
        var caller = access.Caller.Tenant == tenant ? access.Caller : Caller.Anonymous;
        return CouchJson.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("ok", true);
            w.WriteStartObject("userCtx");
            if (caller.Name is null)
            {
                w.WriteNull("name");
            }
            else
            {
                w.WriteString("name", caller.Name);
            }

            w.WriteStartArray("roles");
            if (AccessPolicy.TenantRights(caller, tenant) == Rights.Admin)
            {
                w.WriteStringValue("_admin");
            }

            if (caller.Role is not null)
            {
                w.WriteStringValue(caller.Role);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("info");
            w.WriteStartArray("authentication_handlers");
            w.WriteStringValue("bearer");
            w.WriteStringValue("basic");
            w.WriteEndArray();
            if (caller.IsAuthenticated)
            {
                w.WriteString("authenticated", access.AuthenticatedBy);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    // Lists the databases the caller may read something of: every one for callers with tenant-wide scopes, else the
    // ones its scopes name. Note: names only; a database closed by _security still shows its name, as in CouchDB.
    private static async Task<IResult> AllDatabasesAsync(HttpContext context, string tenant, IDatabaseCatalog catalog, CancellationToken cancellationToken)
    {
        var caller = RequestAccess.Of(context).Caller;
        var names = (await catalog.ListAsync(tenant, cancellationToken))
            .Where(name => AccessPolicy.TenantRights(caller, tenant) >= Rights.Read || DataScopes.RightsOn(caller.Scopes, name) >= Rights.Read);
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
