using System.Net.Http.Headers;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Tessera.Contracts.V1;
using DocumentsClient = Tessera.Contracts.V1.Documents.DocumentsClient;

namespace Tessera.Gateway.IntegrationTests;

/// <summary>gRPC (HTTP/2 with prior knowledge over cleartext) through the gateway to a real data node.</summary>
public sealed partial class DataGatewayTests
{
    [Fact]
    public async Task Grpc_PutThenGet_ThroughGateway_ReachesTheDataNode()
    {
        var db = NewDatabase();
        using (var gateway = CreateGatewayClient())
        {
            (await gateway.PutAsync($"t/dev/{db}", null, Cancel)).EnsureSuccessStatusCode();
        }

        using var channel = CreateGatewayChannel();
        var client = new DocumentsClient(channel);
        var put = await client.PutAsync(new PutDocumentRequest { Tenant = "dev", Database = db, Id = "g1", Json = """{"via":"grpc"}""" }, cancellationToken: Cancel);
        var got = await client.GetAsync(new GetDocumentRequest { Tenant = "dev", Database = db, Id = "g1" }, cancellationToken: Cancel);

        Assert.Equal(put.Rev, got.Rev);
        using var json = JsonDocument.Parse(got.Json);
        Assert.Equal("grpc", json.RootElement.GetProperty("via").GetString());

        // And it is the data node's storage: read over REST, straight from the node.
        using var direct = fixture.Data.CreateClient();
        using var read = await direct.GetAsync($"{db}/g1", Cancel);
        Assert.True(read.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Grpc_LiveChangesStream_ThroughGateway_DeliversALaterWrite()
    {
        var db = NewDatabase();
        using (var gateway = CreateGatewayClient())
        {
            (await gateway.PutAsync($"t/dev/{db}", null, Cancel)).EnsureSuccessStatusCode();
        }

        using var channel = CreateGatewayChannel();
        var client = new DocumentsClient(channel);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        await client.PutAsync(new PutDocumentRequest { Tenant = "dev", Database = db, Id = "first", Json = "{}" }, cancellationToken: Cancel);
        using var stream = client.Changes(new ChangesRequest { Tenant = "dev", Database = db, Since = "0", Live = true }, cancellationToken: deadline.Token);

        // Reading "first" shows the stream is open and caught up; "later" is written only then, so it must come live.
        Assert.Equal("first", await NextIdAsync(stream.ResponseStream, deadline.Token));
        await client.PutAsync(new PutDocumentRequest { Tenant = "dev", Database = db, Id = "later", Json = "{}" }, cancellationToken: Cancel);
        Assert.Equal("later", await NextIdAsync(stream.ResponseStream, deadline.Token));
    }

    /// <summary>The id of the next change, skipping checkpoints.</summary>
    private static async Task<string> NextIdAsync(IAsyncStreamReader<Change> changes, CancellationToken cancellationToken)
    {
        while (await changes.MoveNext(cancellationToken))
        {
            if (changes.Current.Id.Length > 0)
            {
                return changes.Current.Id;
            }
        }

        throw new InvalidOperationException("The changes stream ended.");
    }

    private GrpcChannel CreateGatewayChannel() =>
        GrpcChannel.ForAddress(fixture.Gateway.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = new BasicAuthorization(fixture.Data.BasicAuthorization),
            DisposeHttpClient = true,
        });

    private sealed class BasicAuthorization(string value) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = AuthenticationHeaderValue.Parse(value);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
