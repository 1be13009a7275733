using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tessera.Testing;

namespace Tessera.DataNode.IntegrationTests.Security;

/// <summary>Gets real credentials from the server's identity: API keys through the platform API, tokens from /connect/token.</summary>
internal static class Credentials
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Creates an API key of the host's tenant with <paramref name="scopes"/>; returns its id and secret.</summary>
    public static async Task<(string Id, string Secret)> CreateKeyAsync(TesseraHost host, params string[] scopes)
    {
        using var http = host.CreateClient();
        using var response = await http.PostAsJsonAsync(new Uri(host.BaseAddress, $"api/v1/tenants/{host.Tenant}/keys"), new { name = "matrix", scopes }, Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"creating a key: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return (json.RootElement.GetProperty("id").GetString()!, json.RootElement.GetProperty("secret").GetString()!);
    }

    /// <summary>Signs up a new tenant through the public signup API; returns its admin key.</summary>
    public static async Task<(string Tenant, string Id, string Secret)> SignupAsync(TesseraHost host, string tenant)
    {
        using var http = host.CreateAnonymousClient();
        using var response = await http.PostAsJsonAsync(
            new Uri(host.BaseAddress, "api/v1/signup"), new { email = $"owner@{tenant}.example.com", password = "correct horse battery staple 42", tenant }, Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"signup: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        var key = json.RootElement.GetProperty("key");
        return (json.RootElement.GetProperty("tenant").GetString()!, key.GetProperty("id").GetString()!, key.GetProperty("secret").GetString()!);
    }

    /// <summary>A bearer access token for an API key (client credentials grant).</summary>
    public static async Task<string> AccessTokenAsync(TesseraHost host, string keyId, string secret)
    {
        using var http = host.CreateAnonymousClient();
        using var response = await http.PostAsync(new Uri(host.BaseAddress, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = keyId,
            ["client_secret"] = secret,
        }), Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.IsSuccessStatusCode, $"token: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    public static AuthenticationHeaderValue Basic(string id, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{secret}")));
}
