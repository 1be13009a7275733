using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tessera.Identity.IntegrationTests;

/// <summary>A tenant made through the signup API: its owner's credentials and its first admin key.</summary>
public sealed record TestTenant(string Tenant, string Email, string Password, string KeyId, string KeySecret);

/// <summary>A response read whole: status, headers, body text and (when JSON) the parsed body.</summary>
public sealed record Reply(HttpStatusCode Status, HttpResponseHeaders Headers, string Body, Uri? Location)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? String(string name) => Json.TryGetProperty(name, out var value) ? value.GetString() : null;
}

/// <summary>HTTP client of a test server's root: JSON and form helpers, cookie sign-in, the OAuth flows by hand.</summary>
public sealed partial class IdentityClient(Uri baseAddress, bool cookies) : IDisposable
{
    public const string Password = "correct horse battery";

    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = cookies, CookieContainer = new CookieContainer() })
    {
        BaseAddress = baseAddress,
    };

    public Uri BaseAddress => baseAddress;

    public static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public async Task<Reply> SendAsync(HttpMethod method, string path, object? json = null, string? bearer = null, (string Id, string Secret)? basic = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        Authorize(request, bearer, basic);
        return await ReadAsync(await _http.SendAsync(request, Cancel));
    }

    public Task<Reply> GetAsync(string path, string? bearer = null, (string Id, string Secret)? basic = null) => SendAsync(HttpMethod.Get, path, null, bearer, basic);

    public async Task<Reply> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> form, (string Id, string Secret)? basic = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        Authorize(request, null, basic);
        return await ReadAsync(await _http.SendAsync(request, Cancel));
    }

    public Task<Reply> SignupAsync(string? email, string? password, string? tenant) =>
        SendAsync(HttpMethod.Post, "/api/v1/signup", new { email, password, tenant });

    public async Task<TestTenant> NewTenantAsync(string prefix = "t")
    {
        var tenant = NewName(prefix);
        var email = $"{tenant}@example.com";
        var reply = await SignupAsync(email, Password, tenant);
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        var key = reply.Json.GetProperty("key");
        return new TestTenant(tenant, email, Password, key.GetProperty("id").GetString()!, key.GetProperty("secret").GetString()!);
    }

    /// <summary><c>grant_type=client_credentials</c> with the key as HTTP Basic client credentials (client_secret_basic).</summary>
    public Task<Reply> ClientCredentialsAsync(string id, string secret, string? scope = null)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (scope is not null)
        {
            form.Add(new("scope", scope));
        }

        return PostFormAsync("/connect/token", form, (Uri.EscapeDataString(id), Uri.EscapeDataString(secret)));
    }

    public async Task<string> AccessTokenAsync(string id, string secret, string? scope = null)
    {
        var reply = await ClientCredentialsAsync(id, secret, scope);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        return reply.String("access_token")!;
    }

    /// <summary>Signs in through the <c>/login</c> form (needs a cookie client); returns the answer to the post.</summary>
    public async Task<Reply> LoginAsync(string email, string password, string? returnUrl = null)
    {
        var page = await GetAsync("/login" + (returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl)));
        return await PostFormAsync("/login",
        [
            new("__RequestVerificationToken", AntiforgeryToken(page.Body)),
            new("email", email),
            new("password", password),
            new("returnUrl", returnUrl ?? "/console"),
        ]);
    }

    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return (verifier, challenge);
    }

    public static string AuthorizePath(string clientId, string redirectUri, string challenge, string scope, string state = "xyz") =>
        "/connect/authorize?" + string.Join('&', new Dictionary<string, string>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = scope,
            ["state"] = state,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        }.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));

    /// <summary>Posts the consent form of <paramref name="consentPage"/> with the given decision.</summary>
    public Task<Reply> ConsentAsync(Reply consentPage, string decision = "accept")
    {
        var fields = HiddenFieldRegex().Matches(consentPage.Body)
            .Select(m => new KeyValuePair<string, string>(WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value)))
            .Append(new("consent", decision));
        return PostFormAsync("/connect/authorize", fields);
    }

    /// <summary>Runs login, authorize and consent for an app and returns the code from the redirect.</summary>
    public async Task<string> AuthorizationCodeAsync(string email, string password, string clientId, string redirectUri, string challenge, string scope)
    {
        Assert.Equal(HttpStatusCode.Redirect, (await LoginAsync(email, password)).Status);
        var page = await GetAsync(AuthorizePath(clientId, redirectUri, challenge, scope));
        var redirect = page.Status == HttpStatusCode.OK ? await ConsentAsync(page) : page;
        Assert.Equal(HttpStatusCode.Redirect, redirect.Status);
        Assert.StartsWith(redirectUri + "?", redirect.Location!.ToString(), StringComparison.Ordinal);
        var query = System.Web.HttpUtility.ParseQueryString(redirect.Location!.Query);
        Assert.Equal("xyz", query["state"]);
        return query["code"] ?? throw new InvalidOperationException("No code in " + redirect.Location);
    }

    public Task<Reply> RedeemCodeAsync(string clientId, string code, string redirectUri, string verifier) => PostFormAsync("/connect/token",
    [
        new("grant_type", "authorization_code"),
        new("client_id", clientId),
        new("code", code),
        new("redirect_uri", redirectUri),
        new("code_verifier", verifier),
    ]);

    public Task<Reply> RefreshAsync(string clientId, string refreshToken) => PostFormAsync("/connect/token",
    [
        new("grant_type", "refresh_token"),
        new("client_id", clientId),
        new("refresh_token", refreshToken),
    ]);

    public static string AntiforgeryToken(string html) =>
        WebUtility.HtmlDecode(AntiforgeryRegex().Match(html) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException("No antiforgery field in: " + html));

    /// <summary>The claims of a JWT, read without validation (tests validate signatures separately where it matters).</summary>
    public static JsonElement JwtPayload(string jwt)
    {
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        return JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1])).RootElement;
    }

    public void Dispose() => _http.Dispose();

    private static void Authorize(HttpRequestMessage request, string? bearer, (string Id, string Secret)? basic)
    {
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        else if (basic is { } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{key.Id}:{key.Secret}")));
        }
    }

    private static async Task<Reply> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(Cancel);
            var location = response.Headers.Location is { } l ? (l.IsAbsoluteUri ? l : new Uri(response.RequestMessage!.RequestUri!, l)) : null;
            return new Reply(response.StatusCode, response.Headers, body, location);
        }
    }

    [GeneratedRegex("""name="__RequestVerificationToken" value="([^"]+)">""")]
    private static partial Regex AntiforgeryRegex();

    [GeneratedRegex("""<input type="hidden" name="([^"]*)" value="([^"]*)">""")]
    private static partial Regex HiddenFieldRegex();
}
