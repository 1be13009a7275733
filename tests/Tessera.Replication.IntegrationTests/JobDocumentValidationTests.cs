using System.Net;

namespace Tessera.Replication.IntegrationTests;

/// <summary>
/// Job documents are checked when they are written, as CouchDB's <c>_replicator</c> database checks them: a document
/// that is not a runnable replication is refused with 403 <c>{"error":"forbidden","reason":...}</c> by PUT, POST and
/// <c>_bulk_docs</c> alike, and nothing is stored (the database's update sequence does not move); valid documents are
/// stored and start their job; deletions are never checked.
/// </summary>
public sealed class JobDocumentValidationTests(OneServer server) : IClassFixture<OneServer>, IDisposable
{
    private readonly CouchClient couch = server.CreateClient();

    public void Dispose() => couch.Dispose();

    public static TheoryData<string> InvalidDefinitions => new([.. BadRequestTests.InvalidDefinitions, """{"source":"orders","target":"made-by-bad-body","cancel":true}"""]);

    [Theory]
    [MemberData(nameof(InvalidDefinitions))]
    public async Task PutJob_InvalidDefinition_Returns403ForbiddenAndStoresNothing(string body)
    {
        var (jobId, before) = await PrepareAsync();
        body = body.Replace("\"orders\"", $"\"{await couch.CreateDatabaseAsync("orders")}\"", StringComparison.Ordinal);

        var response = await couch.PutAsync($"_replicator/{jobId}", body);

        AssertForbidden(response);
        await AssertNotStoredAsync(jobId, before);
    }

    [Theory]
    [MemberData(nameof(InvalidDefinitions))]
    public async Task PostJob_InvalidDefinition_Returns403ForbiddenAndStoresNothing(string body)
    {
        var (jobId, before) = await PrepareAsync();
        body = body.Replace("\"orders\"", $"\"{await couch.CreateDatabaseAsync("orders")}\"", StringComparison.Ordinal);

        var withId = await couch.PostAsync("_replicator", body.Insert(1, $"\"_id\":\"{jobId}\","));
        var withoutId = await couch.PostAsync("_replicator", body);

        AssertForbidden(withId);
        AssertForbidden(withoutId);
        await AssertNotStoredAsync(jobId, before);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("\"source\"")]
    [InlineData("""{"_rev":"nonsense","source":"a","target":"b"}""")]
    public async Task PutJob_NotADocument_Returns400BadRequestAndStoresNothing(string body)
    {
        var (jobId, before) = await PrepareAsync();

        var response = await couch.PutAsync($"_replicator/{jobId}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("bad_request", response.String("error"));
        await AssertNotStoredAsync(jobId, before);
    }

    [Fact]
    public async Task PutJob_InvalidUpdateOfRunningJob_Returns403AndKeepsTheOldRevisionRunning()
    {
        var source = await couch.CreateDatabaseAsync("src");
        var target = await couch.CreateDatabaseAsync("tgt");
        var jobId = $"job-{Guid.NewGuid():N}";
        var created = await couch.PutAsync($"_replicator/{jobId}", $$"""{"source":"{{source}}","target":"{{target}}","continuous":true}""");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        await Scheduler.WaitForJobAsync(couch, jobId, j => Scheduler.State(j) == "running");
        var before = await ReplicatorSeqAsync();

        var response = await couch.PutAsync($"_replicator/{jobId}", $$"""{"_rev":"{{created.Rev}}","source":"{{source}}","target":{"url":"{{couch.Url(target)}}","headers":[]},"continuous":true}""");

        AssertForbidden(response);
        Assert.Contains("headers", response.String("reason"), StringComparison.Ordinal);
        var stored = await couch.GetAsync($"_replicator/{jobId}");
        Assert.Equal(created.Rev, stored.String("_rev"));
        Assert.Equal(target, stored.String("target"));
        Assert.Equal(before, await ReplicatorSeqAsync());
        // The running job still replicates with its stored definition.
        await couch.PutDocumentAsync(source, "after-refusal", "{}");
        await couch.WaitForDocumentsAsync(target, ["after-refusal"]);
        Assert.Equal("running", Scheduler.State(await Scheduler.JobAsync(couch, jobId)));
        Assert.Equal(HttpStatusCode.OK, (await couch.DeleteAsync($"_replicator/{jobId}?rev={created.Rev}")).Status);
    }

    [Fact]
    public async Task PostJob_ValidWithoutId_StoresItUnderANewIdAndRunsTheJob()
    {
        var source = await couch.CreateDatabaseAsync("src");
        var target = await couch.CreateDatabaseAsync("tgt");
        await couch.PutDocumentsAsync(source, "doc", 4);

        var response = await couch.PostAsync("_replicator", $$"""{"source":"{{source}}","target":"{{target}}"}""");

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.True(response.Json.GetProperty("ok").GetBoolean());
        var jobId = response.String("id");
        Assert.Equal(response.Rev, (await couch.GetAsync($"_replicator/{jobId}")).String("_rev"));
        var job = await Scheduler.WaitForJobAsync(couch, jobId, j => Scheduler.State(j) == "completed");
        Assert.Equal(4, Scheduler.Info(job, "docs_written"));
        Assert.Equal(await couch.LeavesAsync(source), await couch.LeavesAsync(target));
    }

    [Fact]
    public async Task BulkDocs_InvalidAmongValid_RefusesOnlyTheInvalidWithForbiddenRows()
    {
        var source = await couch.CreateDatabaseAsync("src");
        var target = await couch.CreateDatabaseAsync("tgt");
        await couch.PutDocumentsAsync(source, "doc", 3);
        var (valid, invalid) = ($"job-{Guid.NewGuid():N}", $"job-{Guid.NewGuid():N}");

        var response = await couch.PostAsync("_replicator/_bulk_docs", $$"""
            {"docs":[
              {"_id":"{{valid}}","source":"{{source}}","target":"{{target}}"},
              {"_id":"{{invalid}}","source":"{{source}}","target":"{{target}}","continuous":"yes"},
              {"source":"{{source}}"}
            ]}
            """);

        Assert.Equal(HttpStatusCode.Created, response.Status);
        var rows = response.Json.EnumerateArray().ToList();
        Assert.Equal(3, rows.Count);
        Assert.True(rows[0].GetProperty("ok").GetBoolean());
        Assert.Equal(valid, rows[0].GetProperty("id").GetString());
        Assert.Equal(invalid, rows[1].GetProperty("id").GetString());
        Assert.Equal("forbidden", rows[1].GetProperty("error").GetString());
        Assert.Contains("continuous", rows[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.False(rows[1].TryGetProperty("rev", out _));
        Assert.Equal("forbidden", rows[2].GetProperty("error").GetString());
        Assert.Contains("target", rows[2].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await couch.GetAsync($"_replicator/{invalid}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await couch.GetAsync($"_scheduler/docs/_replicator/{invalid}")).Status);
        await Scheduler.WaitForJobAsync(couch, valid, j => Scheduler.State(j) == "completed");
        Assert.Equal(await couch.LeavesAsync(source), await couch.LeavesAsync(target));
    }

    [Theory]
    [InlineData("""{"docs":[{"_id":"{id}","source":"a","target":"b"}],"new_edits":false}""")]
    [InlineData("""{"docs":[{"_id":"{id}","source":"a","target":"b"},5]}""")]
    [InlineData("""{"docs":[{"_id":"{id}","source":"a","target":"b"},{"_id":"_design/x","source":"a","target":"b"}]}""")]
    [InlineData("""{"docs":{}}""")]
    public async Task BulkDocs_MalformedRequest_Returns400AndStoresNothing(string body)
    {
        var (jobId, before) = await PrepareAsync();

        var response = await couch.PostAsync("_replicator/_bulk_docs", body.Replace("{id}", jobId, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        await AssertNotStoredAsync(jobId, before);
    }

    [Fact]
    public async Task Deletion_IsNotChecked_ByPutOrBulkDocs()
    {
        var source = await couch.CreateDatabaseAsync("src");
        var (first, second) = ($"job-{Guid.NewGuid():N}", $"job-{Guid.NewGuid():N}");
        var firstRev = (await couch.PutAsync($"_replicator/{first}", $$"""{"source":"{{source}}","target":"{{source}}","continuous":true}""")).Rev;
        var secondRev = (await couch.PutAsync($"_replicator/{second}", $$"""{"source":"{{source}}","target":"{{source}}","continuous":true}""")).Rev;

        // A tombstone needs no valid definition (CouchDB skips deleted documents too).
        var put = await couch.PutAsync($"_replicator/{first}", $$"""{"_rev":"{{firstRev}}","_deleted":true,"source":5}""");
        var bulk = await couch.PostAsync("_replicator/_bulk_docs", $$"""{"docs":[{"_id":"{{second}}","_rev":"{{secondRev}}","_deleted":true}]}""");

        Assert.Equal(HttpStatusCode.Created, put.Status);
        Assert.StartsWith("2-", put.Rev, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, bulk.Status);
        Assert.True(bulk.Json[0].GetProperty("ok").GetBoolean());
        foreach (var jobId in new[] { first, second })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await couch.GetAsync($"_replicator/{jobId}")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await couch.GetAsync($"_scheduler/docs/_replicator/{jobId}")).Status);
        }
    }

    /// <summary>A fresh job id and the <c>_replicator</c> database's update sequence before the test writes (seeded, so the database exists).</summary>
    private async Task<(string JobId, string Seq)> PrepareAsync()
    {
        var seed = await couch.CreateDatabaseAsync("seed");
        var created = await couch.PutAsync($"_replicator/seed-{Guid.NewGuid():N}", $$"""{"source":"{{seed}}","target":"{{seed}}"}""");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        return ($"bad-{Guid.NewGuid():N}", await ReplicatorSeqAsync());
    }

    private async Task<string> ReplicatorSeqAsync()
    {
        var info = await couch.GetAsync("_replicator");
        Assert.Equal(HttpStatusCode.OK, info.Status);
        return info.Json.GetProperty("update_seq").ToString();
    }

    private static void AssertForbidden(CouchResponse response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal("forbidden", response.String("error"));
        Assert.False(string.IsNullOrWhiteSpace(response.String("reason")));
        Assert.Equal(2, response.Json.EnumerateObject().Count());
    }

    /// <summary>Nothing was written: no such job, no job state, and the database's sequence did not move.</summary>
    private async Task AssertNotStoredAsync(string jobId, string seqBefore)
    {
        Assert.Equal(HttpStatusCode.NotFound, (await couch.GetAsync($"_replicator/{jobId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await couch.GetAsync($"_scheduler/docs/_replicator/{jobId}")).Status);
        Assert.Equal(seqBefore, await ReplicatorSeqAsync());
    }
}
