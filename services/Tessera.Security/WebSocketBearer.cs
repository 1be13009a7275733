namespace Tessera.Security;

/// <summary>
/// An access token offered as a WebSocket subprotocol: browsers cannot set headers on a WebSocket, so they offer
/// <c>["tessera.v1", "tessera.bearer.&lt;token&gt;"]</c> and the server answers <c>tessera.v1</c>. The token travels in a
/// header, never in a URL that proxies and servers log. The gateway and the data nodes read it the same way.
/// </summary>
public static class WebSocketBearer
{
    public const string Prefix = "tessera.bearer.";

    /// <summary>Finds the token among the values of <c>Sec-WebSocket-Protocol</c> (each a comma-separated list).</summary>
    public static bool TryRead(IEnumerable<string?> headerValues, out string token)
    {
        foreach (var value in headerValues)
        {
            foreach (var part in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.StartsWith(Prefix, StringComparison.Ordinal) && part.Length > Prefix.Length)
                {
                    token = part[Prefix.Length..];
                    return true;
                }
            }
        }

        token = "";
        return false;
    }
}
