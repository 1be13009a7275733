namespace Tessera.Identity;

/// <summary>Names shared by the identity registrations, endpoints and pages.</summary>
public static class IdentityDefaults
{
    /// <summary>The cookie of a person signed in to the hosted pages (login, consent, console).</summary>
    public const string CookieScheme = "Tessera.Identity.Cookie";

    /// <summary>HTTP Basic with an API key id and secret, accepted by the platform API next to bearer tokens.</summary>
    public const string BasicScheme = "Tessera.Identity.Basic";

    /// <summary>The authorization policy of <c>/api/v1/tenants/{tenant}</c>: a bearer token or API key.</summary>
    public const string PlatformPolicy = "Tessera.Identity.Platform";

    /// <summary>The authorization policy of the console pages: the sign-in cookie.</summary>
    public const string ConsolePolicy = "Tessera.Identity.Console";

    /// <summary>The OpenAPI document name; served at <c>/openapi/v1.json</c>.</summary>
    public const string OpenApiDocument = "v1";
}
