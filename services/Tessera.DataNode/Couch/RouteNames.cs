namespace Tessera.DataNode.Couch;

/// <summary>Decodes names taken from route values: CouchDB clients send '/' inside names as %2F, which routing leaves encoded.</summary>
internal static class RouteNames
{
    public static string Decode(string value) =>
        value.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(value) : value;
}
