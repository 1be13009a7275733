using Grpc.Core;
using Tessera.Contracts.V1;

namespace Tessera.DataNode.IntegrationTests.Grpc;

/// <summary><c>tessera.v1.Documents/AllDocs</c>: keys and ranges, streamed row by row, agreeing with REST <c>_all_docs</c>.</summary>
public sealed class AllDocsGrpcTests(SqliteServer server) : GrpcTestBase(server), IClassFixture<SqliteServer>
{
    /// <summary>Writes a..f, then deletes d; returns the database.</summary>
    private async Task<string> SeedAsync()
    {
        var db = await Couch.CreateDatabaseAsync();
        var revs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in new[] { "c", "a", "e", "b", "f", "d" })
        {
            revs[id] = await Couch.PutDocumentAsync(db, id, $$"""{"name":"{{id}}"}""");
        }

        await Couch.DeleteAsync($"{db}/d?rev={revs["d"]}");
        return db;
    }

    private async Task<(List<AllDocsRow> Rows, Metadata Headers)> ReadAsync(AllDocsRequest request)
    {
        using var call = Client.AllDocs(request, cancellationToken: Ct);
        var headers = await call.ResponseHeadersAsync;
        var rows = new List<AllDocsRow>();
        await foreach (var row in call.ResponseStream.ReadAllAsync(Ct))
        {
            rows.Add(row);
        }

        return (rows, headers);
    }

    [Fact]
    public async Task AllDocs_Ranges_MatchRestAllDocs()
    {
        var db = await SeedAsync();
        var cases = new (AllDocsRequest Request, string Query)[]
        {
            (new() { StartKey = "b", EndKey = "e" }, "startkey=\"b\"&endkey=\"e\""),
            (new() { StartKey = "b", EndKey = "e", InclusiveEnd = false }, "startkey=\"b\"&endkey=\"e\"&inclusive_end=false"),
            (new() { Descending = true, StartKey = "e", EndKey = "b" }, "descending=true&startkey=\"e\"&endkey=\"b\""),
            (new() { Skip = 1, Limit = 2 }, "skip=1&limit=2"),
            (new() { Limit = 0 }, "limit=0"),
        };

        foreach (var (request, query) in cases)
        {
            request.Tenant = Tenant;
            request.Database = db;
            var (rows, _) = await ReadAsync(request);
            var rest = await Couch.GetAsync($"{db}/_all_docs?{query}");

            var expected = rest.Json.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty("id").GetString(), r.GetProperty("value").GetProperty("rev").GetString()));
            Assert.Equal(expected, rows.Select(r => ((string?)r.Id, (string?)r.Rev)));
        }
    }

    [Fact]
    public async Task AllDocs_IncludeDocs_RowsCarryTheDocumentAndHeadersTheCounters()
    {
        var db = await SeedAsync();

        var (rows, headers) = await ReadAsync(new AllDocsRequest { Tenant = Tenant, Database = db, IncludeDocs = true });

        Assert.Equal(["a", "b", "c", "e", "f"], rows.Select(r => r.Id));
        var a = await Couch.GetAsync($"{db}/a");
        Assert.Equal(a.Body.TrimEnd('\n'), rows[0].Json);
        Assert.Equal("5", headers.GetValue("tessera-total-rows"));
        Assert.Equal("7", headers.GetValue("tessera-update-seq"));
    }

    [Fact]
    public async Task AllDocs_Keys_AnswersEachKeyInOrderIncludingMissingAndDeleted()
    {
        var db = await SeedAsync();
        var request = new AllDocsRequest { Tenant = Tenant, Database = db, IncludeDocs = true };
        request.Keys.Add(["f", "nope", "d", "a"]);

        var (rows, _) = await ReadAsync(request);

        Assert.Equal(["f", "nope", "d", "a"], rows.Select(r => r.Id));
        Assert.Equal(("not_found", ""), (rows[1].Error, rows[1].Rev));
        Assert.True(rows[2].Deleted);
        Assert.Equal("", rows[2].Json);
        Assert.Contains("\"name\":\"a\"", rows[3].Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllDocs_BadRequests_InvalidArgument()
    {
        var db = await SeedAsync();
        var keysAndRange = new AllDocsRequest { Tenant = Tenant, Database = db, StartKey = "a" };
        keysAndRange.Keys.Add("b");

        await AssertFailsAsync(StatusCode.InvalidArgument, "bad_request", () => ReadAsync(keysAndRange));
        await AssertFailsAsync(StatusCode.InvalidArgument, "bad_request", () => ReadAsync(new AllDocsRequest { Tenant = Tenant, Database = db, Skip = -1 }));
        await AssertFailsAsync(StatusCode.NotFound, "not_found", () => ReadAsync(new AllDocsRequest { Tenant = Tenant, Database = "missing-db" }));
    }
}
