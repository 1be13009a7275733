using System.Net;

namespace Tessera.DataNode.IntegrationTests.Security;

/// <summary>Who calls, in the authorization matrix.</summary>
public enum MatrixCaller
{
    None,
    MalformedToken,
    ExpiredToken,
    OtherTenant,
    Reader,
    Writer,
    Admin,
}

/// <summary>What an endpoint needs.</summary>
public enum MatrixNeed
{
    /// <summary>Anyone, even without credentials.</summary>
    Public,

    /// <summary>Any credentials of the tenant (the answer is filtered to what they may see).</summary>
    TenantRead,

    Read,
    Write,
    Admin,

    /// <summary>Admin over the whole tenant (replication jobs).</summary>
    TenantAdmin,

    /// <summary>Managing the tenant through the platform API: the <c>platform</c> scope (or an owner/admin account).</summary>
    Platform,
}

/// <summary>
/// One row of the matrix: an endpoint (as "METHODS pattern", exactly as routing lists it), a concrete request against
/// a freshly set-up database, what it needs and the status a caller allowed to make it gets.
/// </summary>
/// <param name="Request">Builds the request from the fixture database's name, the document revisions and the job id.</param>
public sealed record MatrixRow(string Endpoint, MatrixNeed Need, HttpStatusCode Allowed, Func<MatrixSetup, HttpRequestMessage> Request);

/// <summary>What a cell's database holds before the call: names and revisions the requests need.</summary>
public sealed record MatrixSetup(string Tenant, string Db, string DocRev, string DesignRev, string LocalRev, string JobId, string JobRev);

public static class AuthorizationMatrix
{
    /// <summary>A value stored in every set-up document: a refused response must never contain it.</summary>
    public const string Marker = "tenant-a-secret-7f3c";

    public static HttpStatusCode Expected(MatrixRow row, MatrixCaller caller)
    {
        if (caller is MatrixCaller.MalformedToken or MatrixCaller.ExpiredToken)
        {
            return HttpStatusCode.Unauthorized;
        }

        if (row.Need == MatrixNeed.Public)
        {
            return row.Allowed;
        }

        if (caller == MatrixCaller.None)
        {
            return HttpStatusCode.Unauthorized;
        }

        if (caller == MatrixCaller.OtherTenant)
        {
            return HttpStatusCode.Forbidden;
        }

        var allowed = row.Need switch
        {
            MatrixNeed.TenantRead or MatrixNeed.Read => true,
            MatrixNeed.Write => caller is MatrixCaller.Writer or MatrixCaller.Admin,
            _ => caller == MatrixCaller.Admin,
        };
        return allowed ? row.Allowed : HttpStatusCode.Forbidden;
    }

    public static IReadOnlyList<MatrixRow> Rows { get; } =
    [
        Row("GET /t/{tenant}/", MatrixNeed.Public, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/")),
        Row("GET /t/{tenant}/_session", MatrixNeed.Public, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/_session")),
        Row("GET /t/{tenant}/_up", MatrixNeed.Public, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/_up")),
        Row("GET /t/{tenant}/_all_dbs", MatrixNeed.TenantRead, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/_all_dbs")),

        Row("PUT /t/{tenant}/{db}", MatrixNeed.Admin, HttpStatusCode.Created, s => Send(HttpMethod.Put, $"/t/{s.Tenant}/{s.Db}-new")),
        Row("GET,HEAD /t/{tenant}/{db}", MatrixNeed.Read, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/{s.Db}")),
        Row("DELETE /t/{tenant}/{db}", MatrixNeed.Admin, HttpStatusCode.OK, s => Send(HttpMethod.Delete, $"/t/{s.Tenant}/{s.Db}")),
        Row("GET /t/{tenant}/{db}/_revs_limit", MatrixNeed.Read, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/{s.Db}/_revs_limit")),
        Row("PUT /t/{tenant}/{db}/_revs_limit", MatrixNeed.Admin, HttpStatusCode.OK, s => Send(HttpMethod.Put, $"/t/{s.Tenant}/{s.Db}/_revs_limit", "500")),
        Row("POST /t/{tenant}/{db}/_compact", MatrixNeed.Admin, HttpStatusCode.Accepted, s => Send(HttpMethod.Post, $"/t/{s.Tenant}/{s.Db}/_compact", "{}")),
        Row("POST /t/{tenant}/{db}/_ensure_full_commit", MatrixNeed.Write, HttpStatusCode.Created, s => Send(HttpMethod.Post, $"/t/{s.Tenant}/{s.Db}/_ensure_full_commit", "{}")),
        Row("GET /t/{tenant}/{db}/_security", MatrixNeed.Read, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/{s.Db}/_security")),
        Row("PUT /t/{tenant}/{db}/_security", MatrixNeed.Admin, HttpStatusCode.OK, s => Send(HttpMethod.Put, $"/t/{s.Tenant}/{s.Db}/_security", """{"admins":{"names":["x"]}}""")),

        Row("POST /t/{tenant}/{db}", MatrixNeed.Write, HttpStatusCode.Created, s => Send(HttpMethod.Post, $"/t/{s.Tenant}/{s.Db}", """{"posted":1}""")),
        Row("GET,HEAD /t/{tenant}/{db}/{docid}", MatrixNeed.Read, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/{s.Db}/doc1")),
        Row("PUT /t/{tenant}/{db}/{docid}", MatrixNeed.Write, HttpStatusCode.Created, s => Send(HttpMethod.Put, $"/t/{s.Tenant}/{s.Db}/doc2", """{"b":2}""")),
        Row("DELETE /t/{tenant}/{db}/{docid}", MatrixNeed.Write, HttpStatusCode.OK, s => Send(HttpMethod.Delete, $"/t/{s.Tenant}/{s.Db}/doc1?rev={s.DocRev}")),
        Row("GET,HEAD /t/{tenant}/{db}/_design/{docid}", MatrixNeed.Read, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/{s.Db}/_design/d")),
        Row("PUT /t/{tenant}/{db}/_design/{docid}", MatrixNeed.Admin, HttpStatusCode.Created, s => Send(HttpMethod.Put, $"/t/{s.Tenant}/{s.Db}/_design/e", """{"views":{}}""")),
        Row("DELETE /t/{tenant}/{db}/_design/{docid}", MatrixNeed.Admin, HttpStatusCode.OK, s => Send(HttpMethod.Delete, $"/t/{s.Tenant}/{s.Db}/_design/d?rev={s.DesignRev}")),

        Row("GET,HEAD /t/{tenant}/{db}/{docid}/{**name}", MatrixNeed.Read, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/{s.Db}/doc1/a.txt")),
        Row("PUT /t/{tenant}/{db}/{docid}/{**name}", MatrixNeed.Write, HttpStatusCode.Created, s => Send(HttpMethod.Put, $"/t/{s.Tenant}/{s.Db}/doc1/b.txt?rev={s.DocRev}", "hello", "text/plain")),
        Row("DELETE /t/{tenant}/{db}/{docid}/{**name}", MatrixNeed.Write, HttpStatusCode.OK, s => Send(HttpMethod.Delete, $"/t/{s.Tenant}/{s.Db}/doc1/a.txt?rev={s.DocRev}")),
        Row("GET,HEAD /t/{tenant}/{db}/_design/{docid}/{**name}", MatrixNeed.Read, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/{s.Db}/_design/d/a.txt")),
        Row("PUT /t/{tenant}/{db}/_design/{docid}/{**name}", MatrixNeed.Admin, HttpStatusCode.Created, s => Send(HttpMethod.Put, $"/t/{s.Tenant}/{s.Db}/_design/d/b.txt?rev={s.DesignRev}", "hello", "text/plain")),
        Row("DELETE /t/{tenant}/{db}/_design/{docid}/{**name}", MatrixNeed.Admin, HttpStatusCode.OK, s => Send(HttpMethod.Delete, $"/t/{s.Tenant}/{s.Db}/_design/d/a.txt?rev={s.DesignRev}")),

        Row("POST /t/{tenant}/{db}/_bulk_docs", MatrixNeed.Write, HttpStatusCode.Created, s => Send(HttpMethod.Post, $"/t/{s.Tenant}/{s.Db}/_bulk_docs", """{"docs":[{"_id":"bulk1"}]}""")),
        Row("GET /t/{tenant}/{db}/_all_docs", MatrixNeed.Read, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/{s.Db}/_all_docs?include_docs=true")),
        Row("POST /t/{tenant}/{db}/_all_docs", MatrixNeed.Read, HttpStatusCode.OK, s => Send(HttpMethod.Post, $"/t/{s.Tenant}/{s.Db}/_all_docs?include_docs=true", """{"keys":["doc1"]}""")),
        Row("GET /t/{tenant}/{db}/_changes", MatrixNeed.Read, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/{s.Db}/_changes?include_docs=true")),
        Row("POST /t/{tenant}/{db}/_changes", MatrixNeed.Read, HttpStatusCode.OK, s => Send(HttpMethod.Post, $"/t/{s.Tenant}/{s.Db}/_changes?filter=_doc_ids&include_docs=true", """{"doc_ids":["doc1"]}""")),

        Row("GET /t/{tenant}/{db}/_local/{**id}", MatrixNeed.Read, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/{s.Db}/_local/l1")),
        Row("PUT /t/{tenant}/{db}/_local/{**id}", MatrixNeed.Write, HttpStatusCode.Created, s => Send(HttpMethod.Put, $"/t/{s.Tenant}/{s.Db}/_local/l2", """{"c":3}""")),
        Row("DELETE /t/{tenant}/{db}/_local/{**id}", MatrixNeed.Write, HttpStatusCode.OK, s => Send(HttpMethod.Delete, $"/t/{s.Tenant}/{s.Db}/_local/l1?rev={s.LocalRev}")),
        Row("POST /t/{tenant}/{db}/_revs_diff", MatrixNeed.Read, HttpStatusCode.OK, s => Send(HttpMethod.Post, $"/t/{s.Tenant}/{s.Db}/_revs_diff", """{"doc1":["9-abc"]}""")),
        Row("POST /t/{tenant}/{db}/_bulk_get", MatrixNeed.Read, HttpStatusCode.OK, s => Send(HttpMethod.Post, $"/t/{s.Tenant}/{s.Db}/_bulk_get", """{"docs":[{"id":"doc1"}]}""")),

        Row("POST /t/{tenant}/_replicate", MatrixNeed.TenantAdmin, HttpStatusCode.OK, s => Send(HttpMethod.Post, $"/t/{s.Tenant}/_replicate", $$"""{"source":"{{s.Db}}","target":"{{s.Db}}-copy","create_target":true}""")),
        Row("PUT /t/{tenant}/_replicator/{**jobId:minlength(1)}", MatrixNeed.TenantAdmin, HttpStatusCode.Created, s => Send(HttpMethod.Put, $"/t/{s.Tenant}/_replicator/{s.JobId}-2", $$"""{"source":"{{s.Db}}","target":"{{s.Db}}-copy2","create_target":true}""")),
        Row("POST /t/{tenant}/_replicator", MatrixNeed.TenantAdmin, HttpStatusCode.Created, s => Send(HttpMethod.Post, $"/t/{s.Tenant}/_replicator", $$"""{"_id":"{{s.JobId}}-3","source":"{{s.Db}}","target":"{{s.Db}}-copy3","create_target":true}""")),
        Row("POST /t/{tenant}/_replicator/_bulk_docs", MatrixNeed.TenantAdmin, HttpStatusCode.Created, s => Send(HttpMethod.Post, $"/t/{s.Tenant}/_replicator/_bulk_docs", $$"""{"docs":[{"_id":"{{s.JobId}}-4","source":"{{s.Db}}","target":"{{s.Db}}-copy4","create_target":true}]}""")),
        Row("GET /t/{tenant}/_replicator/{**jobId:minlength(1)}", MatrixNeed.TenantAdmin, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/_replicator/{s.JobId}")),
        Row("DELETE /t/{tenant}/_replicator/{**jobId:minlength(1)}", MatrixNeed.TenantAdmin, HttpStatusCode.OK, s => Send(HttpMethod.Delete, $"/t/{s.Tenant}/_replicator/{s.JobId}?rev={s.JobRev}")),
        Row("GET /t/{tenant}/_scheduler/jobs", MatrixNeed.TenantAdmin, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/_scheduler/jobs")),
        Row("GET /t/{tenant}/_scheduler/docs", MatrixNeed.TenantAdmin, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/_scheduler/docs")),
        Row("GET /t/{tenant}/_scheduler/docs/_replicator/{**jobId:minlength(1)}", MatrixNeed.TenantAdmin, HttpStatusCode.OK, s => Get($"/t/{s.Tenant}/_scheduler/docs/_replicator/{s.JobId}")),

        Row("GET /api/v1/tenants/{tenant}/databases/", MatrixNeed.TenantRead, HttpStatusCode.OK, s => Get($"/api/v1/tenants/{s.Tenant}/databases/")),
        Row("GET /api/v1/tenants/{tenant}/databases/{db}", MatrixNeed.Read, HttpStatusCode.OK, s => Get($"/api/v1/tenants/{s.Tenant}/databases/{s.Db}")),
        Row("PUT /api/v1/tenants/{tenant}/databases/{db}", MatrixNeed.Admin, HttpStatusCode.Created, s => Send(HttpMethod.Put, $"/api/v1/tenants/{s.Tenant}/databases/{s.Db}-api")),
        Row("PATCH /api/v1/tenants/{tenant}/databases/{db}", MatrixNeed.Admin, HttpStatusCode.OK, s => Send(HttpMethod.Patch, $"/api/v1/tenants/{s.Tenant}/databases/{s.Db}", """{"publicRead":false}""")),
        Row("DELETE /api/v1/tenants/{tenant}/databases/{db}", MatrixNeed.Admin, HttpStatusCode.NoContent, s => Send(HttpMethod.Delete, $"/api/v1/tenants/{s.Tenant}/databases/{s.Db}")),

        // The identity's platform API. Rows naming an id that does not exist expect 404 from an allowed caller: the
        // check of who calls comes first, and a refused caller never learns whether the id exists.
        Row("GET /api/v1/tenants/{tenant}/", MatrixNeed.Platform, HttpStatusCode.OK, s => Get($"/api/v1/tenants/{s.Tenant}")),
        Row("GET /api/v1/tenants/{tenant}/members", MatrixNeed.Platform, HttpStatusCode.OK, s => Get($"/api/v1/tenants/{s.Tenant}/members")),
        Row("PATCH /api/v1/tenants/{tenant}/members/{accountId}", MatrixNeed.Platform, HttpStatusCode.NotFound, s => Send(HttpMethod.Patch, $"/api/v1/tenants/{s.Tenant}/members/acc-missing", """{"role":"reader"}""")),
        Row("DELETE /api/v1/tenants/{tenant}/members/{accountId}", MatrixNeed.Platform, HttpStatusCode.NotFound, s => Send(HttpMethod.Delete, $"/api/v1/tenants/{s.Tenant}/members/acc-missing")),
        Row("GET /api/v1/tenants/{tenant}/invitations", MatrixNeed.Platform, HttpStatusCode.OK, s => Get($"/api/v1/tenants/{s.Tenant}/invitations")),
        Row("POST /api/v1/tenants/{tenant}/invitations", MatrixNeed.Platform, HttpStatusCode.Created, s => Send(HttpMethod.Post, $"/api/v1/tenants/{s.Tenant}/invitations", $$"""{"email":"{{s.Db}}@example.com","role":"member"}""")),
        Row("DELETE /api/v1/tenants/{tenant}/invitations/{id}", MatrixNeed.Platform, HttpStatusCode.NotFound, s => Send(HttpMethod.Delete, $"/api/v1/tenants/{s.Tenant}/invitations/inv-missing")),
        Row("GET /api/v1/tenants/{tenant}/keys", MatrixNeed.Platform, HttpStatusCode.OK, s => Get($"/api/v1/tenants/{s.Tenant}/keys")),
        Row("POST /api/v1/tenants/{tenant}/keys", MatrixNeed.Platform, HttpStatusCode.Created, s => Send(HttpMethod.Post, $"/api/v1/tenants/{s.Tenant}/keys", """{"name":"k","scopes":["data:read"]}""")),
        Row("DELETE /api/v1/tenants/{tenant}/keys/{id}", MatrixNeed.Platform, HttpStatusCode.NotFound, s => Send(HttpMethod.Delete, $"/api/v1/tenants/{s.Tenant}/keys/key_missing")),
        Row("GET /api/v1/tenants/{tenant}/apps", MatrixNeed.Platform, HttpStatusCode.OK, s => Get($"/api/v1/tenants/{s.Tenant}/apps")),
        Row("POST /api/v1/tenants/{tenant}/apps", MatrixNeed.Platform, HttpStatusCode.Created, s => Send(HttpMethod.Post, $"/api/v1/tenants/{s.Tenant}/apps", """{"name":"web","redirectUris":["https://app.example.com/cb"],"scopes":["data:read"]}""")),
        Row("DELETE /api/v1/tenants/{tenant}/apps/{clientId}", MatrixNeed.Platform, HttpStatusCode.NotFound, s => Send(HttpMethod.Delete, $"/api/v1/tenants/{s.Tenant}/apps/app_missing")),
    ];

    private static MatrixRow Row(string endpoint, MatrixNeed need, HttpStatusCode allowed, Func<MatrixSetup, HttpRequestMessage> request) =>
        new(endpoint, need, allowed, request);

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path.TrimStart('/'));

    private static HttpRequestMessage Send(HttpMethod method, string path, string? body = null, string contentType = "application/json") =>
        new(method, path.TrimStart('/'))
        {
            Content = body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, contentType),
        };
}
