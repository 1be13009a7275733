using System.Net.Http.Headers;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Tessera.Contracts.V1;
using DocumentsClient = Tessera.Contracts.V1.Documents.DocumentsClient;

namespace Tessera.DataNode.IntegrationTests.Grpc;

/// <summary>
/// A real <see cref="GrpcChannel"/> (HTTP/2 with prior knowledge over cleartext) to the class's server, on the same port
/// as the REST client <see cref="CouchTestBase.Couch"/>, authenticated as the tenant's admin API key.
/// </summary>
public abstract class GrpcTestBase : CouchTestBase, IDisposable
{
    private readonly GrpcChannel _channel;

    protected GrpcTestBase(TesseraServerFixture server)
        : base(server)
    {
        _channel = CreateChannel(server.Host.BaseAddress, server.Host.BasicAuthorization);
        Client = new DocumentsClient(_channel);
    }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The <c>tessera.v1.Documents</c> client.</summary>
    protected DocumentsClient Client { get; }

    protected GrpcChannel Channel => _channel;

    protected string Tenant => Server.Host.Tenant;

    /// <summary>A channel to <paramref name="address"/> sending <paramref name="authorization"/> (null: none) on every call.</summary>
    protected static GrpcChannel CreateChannel(Uri address, string? authorization) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new Authorize(authorization),
            DisposeHttpClient = true,
            MaxReceiveMessageSize = null,
        });

    /// <summary>Asserts the call failed with <paramref name="code"/> and the CouchDB token <paramref name="error"/>; returns the reason.</summary>
    protected static async Task<string> AssertFailsAsync(StatusCode code, string error, Func<Task> call)
    {
        var exception = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(exception.StatusCode == code, $"Expected {code}, got {exception.Status}");
        var info = exception.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal("tessera", info.Domain);
        Assert.Equal(error.ToUpperInvariant(), info.Reason);
        Assert.Equal(error, info.Metadata["error"]);
        Assert.Equal(exception.Status.Detail, info.Metadata["reason"]);
        return info.Metadata["reason"];
    }

    public new void Dispose()
    {
        _channel.Dispose();
        base.Dispose();
    }

    private sealed class Authorize(string? authorization) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (authorization is not null)
            {
                request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
