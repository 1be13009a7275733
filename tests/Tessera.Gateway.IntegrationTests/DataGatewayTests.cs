using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tessera.Gateway.IntegrationTests.Infrastructure;

namespace Tessera.Gateway.IntegrationTests;

/// <summary>The gateway in front of a real data node: CouchDB requests in both addressing forms, feeds, errors.</summary>
public sealed partial class DataGatewayTests(DataGatewayFixture fixture) : IClassFixture<DataGatewayFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string NewDatabase() => $"gw_{Guid.NewGuid():N}";

    /// <summary>A gateway client with the data node's admin API key (HTTP Basic, which the gateway passes on).</summary>
    private HttpClient CreateGatewayClient()
    {
        var client = fixture.Gateway.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", fixture.Data.BasicAuthorization);
        return client;
    }

    [Fact]
    public async Task PathForm_CreateWriteRead_ReachesTheDataNode()
    {
        using var gateway = CreateGatewayClient();
        var db = NewDatabase();

        using (var created = await gateway.PutAsync($"t/dev/{db}", null, Cancel))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal($"/t/dev/{db}", created.Headers.Location?.OriginalString);
        }

        using (var written = await gateway.PutAsync($"t/dev/{db}/doc1", Json(new { kind = "order", total = 42 }), Cancel))
        {
            Assert.Equal(HttpStatusCode.Created, written.StatusCode);
        }

        // Read back through the gateway and, to be sure it was stored there, straight from the data node.
        using var direct = fixture.Data.CreateClient();
        foreach (var (client, path) in new[] { (gateway, $"t/dev/{db}/doc1"), (direct, $"{db}/doc1") })
        {
            using var read = await client.GetAsync(path, Cancel);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            using var doc = JsonDocument.Parse(await read.Content.ReadAsStringAsync(Cancel));
            Assert.Equal(42, doc.RootElement.GetProperty("total").GetInt32());
        }
    }

    [Fact]
    public async Task HostForm_CreateWriteRead_IsRewrittenToTheTenantsPathForm()
    {
        using var gateway = CreateGatewayClient();
        var db = NewDatabase();

        using (var created = await SendOnTenantHostAsync(gateway, HttpMethod.Put, db, null))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            // The client addressed /{db} on its tenant host, so that is where Location points.
            Assert.Equal($"/{db}", created.Headers.Location?.OriginalString);
        }

        using (var written = await SendOnTenantHostAsync(gateway, HttpMethod.Put, $"{db}/doc1", Json(new { total = 7 })))
        {
            Assert.Equal(HttpStatusCode.Created, written.StatusCode);
            Assert.Equal($"/{db}/doc1", written.Headers.Location?.OriginalString);
        }

        using var direct = fixture.Data.CreateClient();
        using var read = await direct.GetAsync($"{db}/doc1", Cancel);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var doc = JsonDocument.Parse(await read.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(7, doc.RootElement.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("9lives.tessera.test")]
    [InlineData("a.b.tessera.test")]
    [InlineData("t/Dev/db")]
    [InlineData("t/9lives/db")]
    [InlineData("t/a%0A/db")]
    public async Task NotATenantName_Returns400BeforeProxying(string hostOrPath)
    {
        using var gateway = CreateGatewayClient();
        var onHost = !hostOrPath.StartsWith("t/", StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Get, onHost ? "db/doc" : hostOrPath);
        if (onHost)
        {
            request.Headers.Host = hostOrPath;
        }

        using var response = await gateway.SendAsync(request, Cancel);

        var reason = await CouchErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.Contains("lowercase", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("connect/token", "POST")]
    [InlineData(".well-known/openid-configuration", "GET")]
    [InlineData("signup", "GET")]
    [InlineData("login", "POST")]
    [InlineData("logout", "POST")]
    [InlineData("console/apps/1", "GET")]
    [InlineData("api/v1/tenants/dev/keys", "GET")]
    [InlineData("openapi/v1.json", "GET")]
    public async Task IdentityRoutes_GoToTheIdentityCluster(string path, string method)
    {
        using var gateway = CreateGatewayClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await gateway.SendAsync(request, Cancel);

        var echo = await CouchErrorAssert.EchoAsync(response);
        Assert.Equal("/" + path, echo.Path);
    }

    [Fact]
    public async Task TenantDatabasesApi_GoesToTheDataCluster()
    {
        using var gateway = CreateGatewayClient();
        using var response = await gateway.GetAsync("api/v1/tenants/dev/databases", Cancel);

        // Whatever the data node answers, the identity echo must not have seen it.
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.DoesNotContain("\"headers\"", body, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Fact]
    public async Task ContinuousChanges_ThroughGateway_StreamsAWriteMadeAfterItOpened()
    {
        using var gateway = CreateGatewayClient();
        var db = NewDatabase();
        (await gateway.PutAsync($"t/dev/{db}", null, Cancel)).Dispose();

        using var feed = await gateway.GetAsync($"t/dev/{db}/_changes?feed=continuous&since=now&heartbeat=1000", HttpCompletionOption.ResponseHeadersRead, Cancel);
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        using var reader = new StreamReader(await feed.Content.ReadAsStreamAsync(Cancel), Encoding.UTF8);

        using (var written = await gateway.PutAsync($"t/dev/{db}/late", Json(new { n = 1 }), Cancel))
        {
            Assert.Equal(HttpStatusCode.Created, written.StatusCode);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        string? line;
        do
        {
            line = await reader.ReadLineAsync(deadline.Token);
        }
        while (line is not null && !line.Contains("\"late\"", StringComparison.Ordinal));

        Assert.NotNull(line);
    }

    [Fact]
    public async Task LargeDocument_OverGatewayCap_Returns413AndIsNotStored()
    {
        using var gateway = CreateGatewayClient();
        var db = NewDatabase();
        (await gateway.PutAsync($"t/dev/{db}", null, Cancel)).Dispose();

        var big = new string('x', DataGatewayFixture.MaxRequestBytes);
        using var response = await gateway.PutAsync($"t/dev/{db}/big", Json(new { big }), Cancel);

        await CouchErrorAssert.IsErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "too_large");
        using var direct = fixture.Data.CreateClient();
        using var read = await direct.GetAsync($"{db}/big", Cancel);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    private static StringContent Json<T>(T value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private static async Task<HttpResponseMessage> SendOnTenantHostAsync(HttpClient client, HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Host = "dev.tessera.test";
        return await client.SendAsync(request, Cancel);
    }
}
