using System.Net;
using System.Text.Json;
using Grpc.Core;
using Tessera.Contracts.V1;

namespace Tessera.DataNode.IntegrationTests.Grpc;

/// <summary><c>tessera.v1.Documents</c> Get, Put and Delete over a real gRPC channel, checked against the REST API.</summary>
public sealed class DocumentsGrpcTests(SqliteServer server) : GrpcTestBase(server), IClassFixture<SqliteServer>
{
    private Task<PutDocumentResponse> PutAsync(string db, string id, string json, string rev = "") =>
        Client.PutAsync(new PutDocumentRequest { Tenant = Tenant, Database = db, Id = id, Rev = rev, Json = json }, cancellationToken: Ct).ResponseAsync;

    private Task<Document> GetAsync(string db, string id, string rev = "", bool revs = false, bool conflicts = false) =>
        Client.GetAsync(new GetDocumentRequest { Tenant = Tenant, Database = db, Id = id, Rev = rev, Revs = revs, Conflicts = conflicts }, cancellationToken: Ct).ResponseAsync;

    [Fact]
    public async Task Put_NewDocument_GetReturnsItByteForByteAsRestDoes()
    {
        var db = await Couch.CreateDatabaseAsync();

        // A number beyond double precision and non-ASCII text: a Struct body would change both.
        var put = await PutAsync(db, "a", """{"big":12345678901234567890,"name":"Zoë","nested":{"z":1,"a":[true,null]}}""");
        var document = await GetAsync(db, "a");

        Assert.Equal("a", put.Id);
        Assert.StartsWith("1-", put.Rev, StringComparison.Ordinal);
        Assert.Equal(put.Rev, document.Rev);
        Assert.False(document.Deleted);
        Assert.Equal($$$"""{"_id":"a","_rev":"{{{put.Rev}}}","big":12345678901234567890,"name":"Zoë","nested":{"z":1,"a":[true,null]}}""", document.Json);
        var rest = await Couch.GetAsync($"{db}/a");
        Assert.Equal(rest.Body.TrimEnd('\n'), document.Json);
    }

    [Fact]
    public async Task Put_WithCurrentRev_CreatesNextRevision()
    {
        var db = await Couch.CreateDatabaseAsync();
        var first = await PutAsync(db, "a", """{"v":1}""");

        var second = await PutAsync(db, "a", """{"v":2}""", first.Rev);
        var inBody = await PutAsync(db, "a", $$"""{"_rev":"{{second.Rev}}","v":3}""");

        Assert.StartsWith("2-", second.Rev, StringComparison.Ordinal);
        Assert.StartsWith("3-", inBody.Rev, StringComparison.Ordinal);
        Assert.Equal(inBody.Rev, (await Couch.GetAsync($"{db}/a")).String("_rev"));
    }

    [Fact]
    public async Task Put_WithStaleRev_AbortedConflictAndNothingStored()
    {
        var db = await Couch.CreateDatabaseAsync();
        var first = await PutAsync(db, "a", """{"v":1}""");
        await PutAsync(db, "a", """{"v":2}""", first.Rev);
        var before = await Couch.StateAsync(db);

        var reason = await AssertFailsAsync(StatusCode.Aborted, "conflict", () => PutAsync(db, "a", """{"v":3}""", first.Rev));
        await AssertFailsAsync(StatusCode.Aborted, "conflict", () => PutAsync(db, "a", """{"v":3}"""));

        Assert.Equal("Document update conflict.", reason);
        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task Put_WithoutId_ServerChoosesOne()
    {
        var db = await Couch.CreateDatabaseAsync();

        var put = await PutAsync(db, "", """{"v":1}""");
        var fromBody = await PutAsync(db, "", """{"_id":"named","v":1}""");

        Assert.Matches("^[0-9a-f]{32}$", put.Id);
        Assert.Equal("named", fromBody.Id);
        Assert.Equal(HttpStatusCode.OK, (await Couch.GetAsync($"{db}/{put.Id}")).Status);
    }

    [Fact]
    public async Task Put_BadInput_InvalidArgumentWithCouchTokenAndNothingStored()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev = (await PutAsync(db, "a", """{"v":1}""")).Rev;
        var before = await Couch.StateAsync(db);

        await AssertFailsAsync(StatusCode.InvalidArgument, "illegal_docid", () => PutAsync(db, "_bad", """{"v":1}"""));
        await AssertFailsAsync(StatusCode.InvalidArgument, "illegal_docid", () => PutAsync(db, "_local/x", """{"v":1}"""));
        await AssertFailsAsync(StatusCode.InvalidArgument, "illegal_docid", () => PutAsync(db, "", """{"_id":"_bad","v":1}"""));
        await AssertFailsAsync(StatusCode.InvalidArgument, "bad_request", () => PutAsync(db, "b", """{"v":"""));
        await AssertFailsAsync(StatusCode.InvalidArgument, "bad_request", () => PutAsync(db, "b", "[1,2]"));
        await AssertFailsAsync(StatusCode.InvalidArgument, "bad_request", () => PutAsync(db, "b", ""));
        await AssertFailsAsync(StatusCode.InvalidArgument, "bad_request", () => PutAsync(db, "a", """{"v":2}""", "not-a-rev"));
        await AssertFailsAsync(StatusCode.InvalidArgument, "bad_request", () => PutAsync(db, "a", $$"""{"_rev":"{{rev}}","v":2}""", "1-0123456789abcdef0123456789abcdef"));
        await AssertFailsAsync(StatusCode.InvalidArgument, "bad_request", () => PutAsync(db, "a", """{"_id":"other","v":2}""", rev));
        await AssertFailsAsync(StatusCode.InvalidArgument, "doc_validation", () => PutAsync(db, "b", """{"_unknown":1}"""));

        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task Get_WithRevAndOptions_ReturnsThatRevisionAndExtras()
    {
        var db = await Couch.CreateDatabaseAsync();
        var first = await PutAsync(db, "a", """{"v":1}""");
        var second = await PutAsync(db, "a", """{"v":2}""", first.Rev);
        await Couch.ReplicateAsync(db, $$$"""[{"_id":"a","_rev":"2-ffffffffffffffffffffffffffffffff","v":"branch","_revisions":{"start":2,"ids":["ffffffffffffffffffffffffffffffff","{{{first.Rev[2..]}}}"]}}]""");

        var old = await GetAsync(db, "a", rev: first.Rev);
        var withExtras = await GetAsync(db, "a", revs: true, conflicts: true);

        Assert.Equal(first.Rev, old.Rev);
        Assert.Equal(1, JsonDocument.Parse(old.Json).RootElement.GetProperty("v").GetInt32());
        using var json = JsonDocument.Parse(withExtras.Json);
        var root = json.RootElement;
        var winner = root.GetProperty("_rev").GetString()!;
        var loser = winner == second.Rev ? "2-ffffffffffffffffffffffffffffffff" : second.Rev;
        Assert.Equal([loser], root.GetProperty("_conflicts").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, root.GetProperty("_revisions").GetProperty("start").GetInt32());
        Assert.Equal(first.Rev[2..], root.GetProperty("_revisions").GetProperty("ids")[1].GetString());
        var rest = await Couch.GetAsync($"{db}/a?revs=true&conflicts=true");
        Assert.Equal(rest.Body.TrimEnd('\n'), withExtras.Json);
    }

    [Fact]
    public async Task Get_MissingOrBadInput_NotFoundOrInvalidArgument()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev = (await PutAsync(db, "a", """{"v":1}""")).Rev;

        Assert.Equal("missing", await AssertFailsAsync(StatusCode.NotFound, "not_found", () => GetAsync(db, "nope")));
        Assert.Equal("missing", await AssertFailsAsync(StatusCode.NotFound, "not_found", () => GetAsync(db, "a", rev: "9-0123456789abcdef0123456789abcdef")));
        await AssertFailsAsync(StatusCode.InvalidArgument, "bad_request", () => GetAsync(db, "a", rev: "garbage"));
        await AssertFailsAsync(StatusCode.InvalidArgument, "illegal_docid", () => GetAsync(db, ""));
        Assert.Equal(rev, (await GetAsync(db, "a")).Rev);
    }

    [Fact]
    public async Task Delete_WithCurrentRev_WritesTombstoneThenGetIsNotFoundDeleted()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev = (await PutAsync(db, "a", """{"v":1}""")).Rev;

        var deleted = await Client.DeleteAsync(new DeleteDocumentRequest { Tenant = Tenant, Database = db, Id = "a", Rev = rev }, cancellationToken: Ct);

        Assert.Equal("a", deleted.Id);
        Assert.StartsWith("2-", deleted.Rev, StringComparison.Ordinal);
        Assert.Equal("deleted", await AssertFailsAsync(StatusCode.NotFound, "not_found", () => GetAsync(db, "a")));
        var tombstone = await GetAsync(db, "a", rev: deleted.Rev);
        Assert.True(tombstone.Deleted);
        CouchAssert.Missing(await Couch.GetAsync($"{db}/a"), "deleted");
    }

    [Fact]
    public async Task Delete_WithoutRevOrStaleOrMissing_ErrorsAndNothingStored()
    {
        var db = await Couch.CreateDatabaseAsync();
        var first = (await PutAsync(db, "a", """{"v":1}""")).Rev;
        await PutAsync(db, "a", """{"v":2}""", first);
        var before = await Couch.StateAsync(db);

        Task Delete(string id, string rev) => Client.DeleteAsync(new DeleteDocumentRequest { Tenant = Tenant, Database = db, Id = id, Rev = rev }, cancellationToken: Ct).ResponseAsync;
        await AssertFailsAsync(StatusCode.Aborted, "conflict", () => Delete("a", ""));
        await AssertFailsAsync(StatusCode.Aborted, "conflict", () => Delete("a", first));
        await AssertFailsAsync(StatusCode.NotFound, "not_found", () => Delete("nope", first));
        await AssertFailsAsync(StatusCode.InvalidArgument, "bad_request", () => Delete("a", "x"));

        Assert.Equal(before, await Couch.StateAsync(db));
    }
}
