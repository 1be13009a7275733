using System.Net;
using Grpc.Core;
using Grpc.Reflection.V1Alpha;
using Tessera.Contracts.V1;
using DocumentsClient = Tessera.Contracts.V1.Documents.DocumentsClient;
using Tessera.DataNode.IntegrationTests.Security;

namespace Tessera.DataNode.IntegrationTests.Grpc;

/// <summary>The gRPC endpoint itself: one port for REST and gRPC, server reflection, and the access rules REST applies.</summary>
public sealed class GrpcServerTests(SqliteServer server) : GrpcTestBase(server), IClassFixture<SqliteServer>
{
    [Fact]
    public async Task SamePort_ServesRestOverHttp11AndHttp2AndGrpcOverHttp2()
    {
        var db = await Couch.CreateDatabaseAsync();
        using var http2 = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        var up = new Uri(Server.Host.TenantAddress, "_up");
        using var overHttp11 = await Couch.Http.GetAsync(up, Ct);
        using var overHttp2 = await http2.GetAsync(up, Ct);
        var put = await Client.PutAsync(new PutDocumentRequest { Tenant = Tenant, Database = db, Id = "a", Json = "{}" }, cancellationToken: Ct);

        Assert.Equal((HttpStatusCode.OK, HttpVersion.Version11), (overHttp11.StatusCode, overHttp11.Version));
        Assert.Equal((HttpStatusCode.OK, HttpVersion.Version20), (overHttp2.StatusCode, overHttp2.Version));
        Assert.Equal(put.Rev, (await Couch.GetAsync($"{db}/a")).String("_rev"));
    }

    [Fact]
    public async Task SamePort_Http11RequestSplitInsideThePrefacePrefix_IsServedAsHttp11()
    {
        // "P" could still be the start of HTTP/2's "PRI * HTTP/2.0" preface: the server must wait for more, then hand
        // every byte to HTTP/1.1 ("PUT" creates the database). (Two writes with Nagle off usually arrive as two reads; either way the answer holds.)
        using var tcp = new System.Net.Sockets.TcpClient { NoDelay = true };
        await tcp.ConnectAsync(Server.Host.BaseAddress.Host, Server.Host.BaseAddress.Port, Ct);
        var stream = tcp.GetStream();
        await stream.WriteAsync("P"u8.ToArray(), Ct);
        await stream.FlushAsync(Ct);
        var db = $"split-{Guid.NewGuid():N}";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
            $"UT /t/{Tenant}/{db} HTTP/1.1\r\nHost: x\r\nAuthorization: {Server.Host.BasicAuthorization}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), Ct);
        using var reader = new StreamReader(stream, System.Text.Encoding.ASCII);

        var statusLine = await reader.ReadLineAsync(Ct);

        Assert.Equal("HTTP/1.1 201 Created", statusLine);
        Assert.Equal(HttpStatusCode.OK, (await Couch.GetAsync(db)).Status);
    }

    [Fact]
    public async Task Reflection_ListServicesAndFileContainingSymbol_DescribeTesseraDocuments()
    {
        using var channel = CreateChannel(Server.Host.BaseAddress, authorization: null);
        var reflection = new ServerReflection.ServerReflectionClient(channel);
        using var call = reflection.ServerReflectionInfo(cancellationToken: Ct);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }, Ct);
        Assert.True(await call.ResponseStream.MoveNext(Ct));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "tessera.v1.Documents" }, Ct);
        Assert.True(await call.ResponseStream.MoveNext(Ct));
        var file = Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto[0]);
        await call.RequestStream.CompleteAsync();

        Assert.Contains("tessera.v1.Documents", services);
        Assert.Equal("tessera/v1/documents.proto", file.Name);
        Assert.Equal(["Get", "Put", "Delete", "BulkDocs", "AllDocs", "Changes"], file.Service.Single().Method.Select(m => m.Name));
    }

    [Fact]
    public async Task Access_WithoutOrWithWrongCredentials_UnauthenticatedOrPermissionDeniedAndNothingStored()
    {
        var db = await Couch.CreateDatabaseAsync();
        var before = await Couch.StateAsync(db);
        using var anonymous = CreateChannel(Server.Host.BaseAddress, authorization: null);
        using var wrongSecret = CreateChannel(Server.Host.BaseAddress, Credentials.Basic(Server.Host.ApiKey, "wrong").ToString());
        var put = new PutDocumentRequest { Tenant = Tenant, Database = db, Id = "a", Json = "{}" };

        await AssertFailsAsync(StatusCode.Unauthenticated, "unauthorized", () => new DocumentsClient(anonymous).PutAsync(put, cancellationToken: Ct).ResponseAsync);
        await AssertFailsAsync(StatusCode.Unauthenticated, "unauthorized", () => new DocumentsClient(wrongSecret).PutAsync(put, cancellationToken: Ct).ResponseAsync);
        var reason = await AssertFailsAsync(StatusCode.PermissionDenied, "forbidden", () => Client.PutAsync(new PutDocumentRequest(put) { Tenant = "other-tenant" }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal("These credentials belong to another tenant.", reason);
        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task Access_ScopedKeyAndBearerToken_GetTheRightsTheirScopesGrant()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "a", """{"v":1}""");
        var (readerId, readerSecret) = await Credentials.CreateKeyAsync(Server.Host, "data:read");
        var (writerId, writerSecret) = await Credentials.CreateKeyAsync(Server.Host, $"data:write:{db}");
        var token = await Credentials.AccessTokenAsync(Server.Host, writerId, writerSecret);
        using var readerChannel = CreateChannel(Server.Host.BaseAddress, Credentials.Basic(readerId, readerSecret).ToString());
        using var bearerChannel = CreateChannel(Server.Host.BaseAddress, "Bearer " + token);
        var asReader = new DocumentsClient(readerChannel);
        var asWriter = new DocumentsClient(bearerChannel);

        var read = await asReader.GetAsync(new GetDocumentRequest { Tenant = Tenant, Database = db, Id = "a" }, cancellationToken: Ct);
        await AssertFailsAsync(StatusCode.PermissionDenied, "forbidden", () => asReader.PutAsync(new PutDocumentRequest { Tenant = Tenant, Database = db, Id = "b", Json = "{}" }, cancellationToken: Ct).ResponseAsync);
        var written = await asWriter.PutAsync(new PutDocumentRequest { Tenant = Tenant, Database = db, Id = "b", Json = "{}" }, cancellationToken: Ct);
        await AssertFailsAsync(StatusCode.PermissionDenied, "forbidden", () => asWriter.PutAsync(new PutDocumentRequest { Tenant = Tenant, Database = db, Id = "_design/x", Json = "{}" }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal("a", read.Id);
        Assert.Equal(written.Rev, (await Couch.GetAsync($"{db}/b")).String("_rev"));
        CouchAssert.Missing(await Couch.GetAsync($"{db}/_design/x"));
    }

    [Fact]
    public async Task Access_UnknownOrInvalidDatabase_NotFoundOrInvalidArgument()
    {
        Task Get(string database) => Client.GetAsync(new GetDocumentRequest { Tenant = Tenant, Database = database, Id = "a" }, cancellationToken: Ct).ResponseAsync;

        Assert.Equal("Database does not exist.", await AssertFailsAsync(StatusCode.NotFound, "not_found", () => Get("no-such-db")));
        await AssertFailsAsync(StatusCode.InvalidArgument, "illegal_database_name", () => Get("Bad Name"));
        await AssertFailsAsync(StatusCode.InvalidArgument, "bad_request", () => Get(""));
    }
}
