using Microsoft.AspNetCore.Http;
using Tessera.Security;

namespace Tessera.DataNode.Security;

/// <summary>The caller of this request and the rights it holds on the request's database, set by <see cref="AccessFilter"/>.</summary>
public sealed record RequestAccess(Caller Caller, Rights Rights, string AuthenticatedBy)
{
    public static RequestAccess Of(HttpContext context) =>
        context.Features.Get<RequestAccess>() ?? new RequestAccess(Caller.Anonymous, Rights.None, "none");

    /// <summary>Design documents hold code and indexes: like CouchDB, only database admins may change them.</summary>
    public bool MayWriteDocument(string id) =>
        Rights >= (id.StartsWith("_design/", StringComparison.Ordinal) ? Rights.Admin : Rights.Write);
}
