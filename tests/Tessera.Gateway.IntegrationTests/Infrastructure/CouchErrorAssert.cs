using System.Net;
using System.Text.Json;

namespace Tessera.Gateway.IntegrationTests.Infrastructure;

public static class CouchErrorAssert
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    /// <summary>Asserts a CouchDB-style error answer: the status, a JSON body and its <c>error</c> field; returns the reason.</summary>
    public static async Task<string> IsErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(error, json.RootElement.GetProperty("error").GetString());
        var reason = json.RootElement.GetProperty("reason").GetString();
        Assert.False(string.IsNullOrWhiteSpace(reason));
        return reason!;
    }

    public static async Task<EchoReply> EchoAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"expected the echo destination's answer, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<EchoReply>(body, WebJson)!;
    }
}
