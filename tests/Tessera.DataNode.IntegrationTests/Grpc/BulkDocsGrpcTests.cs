using System.Text.Json;
using Grpc.Core;
using Tessera.Contracts.V1;

namespace Tessera.DataNode.IntegrationTests.Grpc;

/// <summary><c>tessera.v1.Documents/BulkDocs</c>: edits and replication (new_edits=false) in one commit.</summary>
public sealed class BulkDocsGrpcTests(SqliteServer server) : GrpcTestBase(server), IClassFixture<SqliteServer>
{
    private Task<BulkDocsResponse> BulkAsync(string db, bool? newEdits, params string[] docs)
    {
        var request = new BulkDocsRequest { Tenant = Tenant, Database = db };
        request.Docs.Add(docs);
        if (newEdits is bool flag)
        {
            request.NewEdits = flag;
        }

        return Client.BulkDocsAsync(request, cancellationToken: Ct).ResponseAsync;
    }

    [Fact]
    public async Task BulkDocs_Edits_OneResultPerDocumentInOrderWithPerDocumentErrors()
    {
        var db = await Couch.CreateDatabaseAsync();
        var existing = await Couch.PutDocumentAsync(db, "b", """{"v":1}""");

        var response = await BulkAsync(db, null, """{"_id":"a","v":1}""", """{"_id":"b","v":2}""", """{"v":3}""", $$"""{"_id":"c","_rev":"{{existing}}"}""");

        var results = response.Results;
        Assert.Equal(4, results.Count);
        Assert.Equal(("a", ""), (results[0].Id, results[0].Error));
        Assert.StartsWith("1-", results[0].Rev, StringComparison.Ordinal);
        Assert.Equal(("b", "conflict", ""), (results[1].Id, results[1].Error, results[1].Rev));
        Assert.Equal("Document update conflict.", results[1].Reason);
        Assert.Matches("^[0-9a-f]{32}$", results[2].Id);
        Assert.Equal("", results[2].Error);
        Assert.Equal(("c", "conflict"), (results[3].Id, results[3].Error));
        Assert.Equal(existing, (await Couch.GetAsync($"{db}/b")).String("_rev"));
        Assert.Equal(results[0].Rev, (await Couch.GetAsync($"{db}/a")).String("_rev"));
    }

    [Fact]
    public async Task BulkDocs_NewEditsFalse_StoresTheGivenRevisionsAsAReplicatorWould()
    {
        var db = await Couch.CreateDatabaseAsync();
        const string Hash1 = "11111111111111111111111111111111";
        const string Hash2 = "22222222222222222222222222222222";
        const string Branch = "33333333333333333333333333333333";

        var response = await BulkAsync(
            db,
            false,
            $$$"""{"_id":"r","_rev":"2-{{{Hash2}}}","v":"main","_revisions":{"start":2,"ids":["{{{Hash2}}}","{{{Hash1}}}"]}}""",
            $$$"""{"_id":"r","_rev":"2-{{{Branch}}}","v":"branch","_revisions":{"start":2,"ids":["{{{Branch}}}","{{{Hash1}}}"]}}""");

        Assert.Equal([("r", $"2-{Hash2}", ""), ("r", $"2-{Branch}", "")], response.Results.Select(r => (r.Id, r.Rev, r.Error)));
        var document = await Client.GetAsync(new GetDocumentRequest { Tenant = Tenant, Database = db, Id = "r", Conflicts = true }, cancellationToken: Ct);
        using var json = JsonDocument.Parse(document.Json);

        // CouchDB's winner among equal generations is the higher hash.
        Assert.Equal($"2-{Branch}", document.Rev);
        Assert.Equal([$"2-{Hash2}"], json.RootElement.GetProperty("_conflicts").EnumerateArray().Select(e => e.GetString()));
        var main = await Client.GetAsync(new GetDocumentRequest { Tenant = Tenant, Database = db, Id = "r", Rev = $"2-{Hash2}", Revs = true }, cancellationToken: Ct);
        Assert.Contains("\"v\":\"main\"", main.Json, StringComparison.Ordinal);
        Assert.Contains($"\"ids\":[\"{Hash2}\",\"{Hash1}\"]", main.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BulkDocs_OneMalformedDocument_InvalidArgumentAndNothingWritten()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.PutDocumentAsync(db, "x", """{"v":1}""");
        var before = await Couch.StateAsync(db);

        await AssertFailsAsync(StatusCode.InvalidArgument, "bad_request", () => BulkAsync(db, null, """{"_id":"a"}""", "{not json"));
        await AssertFailsAsync(StatusCode.InvalidArgument, "bad_request", () => BulkAsync(db, null, """{"_id":"a"}""", "42"));
        await AssertFailsAsync(StatusCode.InvalidArgument, "illegal_docid", () => BulkAsync(db, null, """{"_id":"a"}""", """{"_id":"_nope"}"""));
        await AssertFailsAsync(StatusCode.InvalidArgument, "bad_request", () => BulkAsync(db, false, """{"_id":"a","v":1}"""));

        Assert.Equal(before, await Couch.StateAsync(db));
    }
}
