using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Tessera.DataNode.Couch;

/// <summary>
/// Names taken from the request path. ASP.NET Core decodes the path once but leaves <c>%2F</c> encoded, so a raw
/// <c>%252F</c> and a raw <c>%2F</c> look alike after it; document ids and attachment names may hold any character,
/// so they are read from the raw request target and decoded exactly once here.
/// </summary>
internal static class RouteNames
{
    /// <summary>
    /// A database name from its route value. Valid names never contain '%', so only the '/' that CouchDB clients send
    /// as %2F needs decoding, and a name that still holds '%' after it is invalid anyway.
    /// </summary>
    public static string Decode(string value) =>
        value.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(value) : value;

    /// <summary>
    /// The document id and the attachment name (null when the path names no attachment) of a path
    /// <c>/t/{tenant}/{db}/{doc...}[/{attachment...}]</c>; <c>_design/</c> and <c>_local/</c> ids span two segments.
    /// </summary>
    public static (string DocumentId, string? Attachment) DocumentPath(HttpContext context)
    {
        var segments = RawSegments(context);

        // segments: "t", tenant, db, then the document path.
        var first = segments[3];
        var idLength = (first is "_design" or "_local") && segments.Count > 4 ? 2 : 1;
        var id = string.Join('/', segments.Skip(3).Take(idLength));
        var rest = segments.Skip(3 + idLength).ToList();
        return (id, rest.Count == 0 ? null : string.Join('/', rest));
    }

    private static List<string> RawSegments(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? raw[..query] : raw;
        if (Uri.TryCreate(path, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal))
        {
            path = absolute.AbsolutePath;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToList();
        var basePath = context.Request.PathBase.Value;
        var baseSegments = string.IsNullOrEmpty(basePath) ? 0 : basePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Length;
        return segments.Skip(baseSegments).ToList();
    }
}
