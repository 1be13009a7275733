using Microsoft.AspNetCore.Http;
using Tessera.Documents;

namespace Tessera.DataNode.Couch;

/// <summary>The revision a write names, as CouchDB reads it: <c>?rev=</c>, else <c>If-Match</c>, else the body's <c>_rev</c>.</summary>
public static class RequestedRevision
{
    /// <summary>The revision, null when none is given; a malformed one, or one that disagrees with the body's, is a 400.</summary>
    public static (RevId? Rev, CouchError? Error) Read(HttpRequest request, RevId? bodyRev)
    {
        var text = request.Query.TryGetValue("rev", out var q) ? q.ToString()
            : request.Headers.IfMatch.Count > 0 ? request.Headers.IfMatch.ToString().Trim('"')
            : null;
        if (text is null)
        {
            return (bodyRev, null);
        }

        if (!RevId.TryParse(text, out var rev))
        {
            return (null, CouchError.BadRequest("Invalid rev format"));
        }

        if (bodyRev is RevId b && b != rev)
        {
            return (null, CouchError.BadRequest("Document rev from request body and query string have different values"));
        }

        return (rev, null);
    }
}
