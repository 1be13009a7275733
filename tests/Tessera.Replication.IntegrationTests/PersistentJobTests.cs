using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Grains;
using Tessera.Replication.Jobs;
using Tessera.Testing;

namespace Tessera.Replication.IntegrationTests;

/// <summary>
/// Persistent jobs (<c>_replicator</c> documents): stored, listed with their state, run by their grain, resumed after
/// a restart from their checkpoint, and reporting failures instead of failing the node.
/// </summary>
public sealed class PersistentJobTests(OneServer server) : IClassFixture<OneServer>, IDisposable
{
    private readonly CouchClient couch = server.CreateClient();

    public void Dispose() => couch.Dispose();

    [Fact]
    public async Task JobDocument_PutGetUpdateDelete_BehavesLikeADocument()
    {
        var source = await couch.CreateDatabaseAsync("src");
        var target = await couch.CreateDatabaseAsync("tgt");
        var jobId = $"job-{Guid.NewGuid():N}";
        var path = $"_replicator/{jobId}";

        var created = await couch.PutAsync(path, $$"""{"source":"{{source}}","target":"{{target}}","continuous":true,"note":"kept"}""");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var read = await couch.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal(jobId, read.String("_id"));
        Assert.Equal(created.Rev, read.String("_rev"));
        Assert.Equal(source, read.String("source"));
        Assert.Equal("kept", read.String("note"));

        Assert.Equal(HttpStatusCode.Conflict, (await couch.PutAsync(path, $$"""{"source":"{{source}}","target":"{{target}}"}""")).Status);
        var updated = await couch.PutAsync(path, $$"""{"_rev":"{{created.Rev}}","source":"{{source}}","target":"{{target}}"}""");
        Assert.Equal(HttpStatusCode.Created, updated.Status);
        Assert.StartsWith("2-", updated.Rev, StringComparison.Ordinal);
        var listed = await couch.GetAsync("_scheduler/docs");
        Assert.Contains(listed.Json.GetProperty("docs").EnumerateArray(), d => d.GetProperty("doc_id").GetString() == jobId);

        Assert.Equal(HttpStatusCode.Conflict, (await couch.DeleteAsync(path)).Status);
        Assert.Equal(HttpStatusCode.OK, (await couch.DeleteAsync($"{path}?rev={updated.Rev}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await couch.GetAsync(path)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await couch.GetAsync($"_scheduler/docs/_replicator/{jobId}")).Status);
        Assert.DoesNotContain(jobId, (await couch.GetAsync("_scheduler/jobs")).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneShotJob_Runs_ThenReportsCompletedWithCounts()
    {
        var source = await couch.CreateDatabaseAsync("src");
        var target = await couch.CreateDatabaseAsync("tgt");
        await couch.PutDocumentsAsync(source, "doc", 12);
        var jobId = $"job-{Guid.NewGuid():N}";

        Assert.Equal(HttpStatusCode.Created, (await couch.PutAsync($"_replicator/{jobId}", $$"""{"source":"{{source}}","target":"{{couch.Url(target)}}"}""")).Status);

        var job = await Scheduler.WaitForJobAsync(couch, jobId, j => Scheduler.State(j) == "completed");
        Assert.Equal(12, Scheduler.Info(job, "docs_written"));
        Assert.Equal(12, Scheduler.Info(job, "docs_read"));
        Assert.Equal(0, Scheduler.Info(job, "doc_write_failures"));
        Assert.Equal(JsonValueKind.Null, job.GetProperty("error").ValueKind);
        Assert.Equal(await couch.LeavesAsync(source), await couch.LeavesAsync(target));
    }

    [Fact]
    public async Task Job_InvalidDocumentStoredEarlier_ReportsFailed_AndCanBeDeleted()
    {
        var jobId = $"job-{Guid.NewGuid():N}";
        // A valid one-shot job first, so the _replicator database exists.
        var source = await couch.CreateDatabaseAsync("src");
        await couch.PutAsync($"_replicator/seed-{Guid.NewGuid():N}", $$"""{"source":"{{source}}","target":"{{source}}"}""");

        // Every write through the API is checked now; a document stored before that (or by an older node) is written
        // straight to the database's grain, and the next scan or refresh picks it up.
        var grains = server.Host.Services.GetRequiredService<IGrainFactory>();
        var written = await grains.GetGrain<IDatabaseGrain>(DatabaseGrainKey.For(server.Host.Tenant, "_replicator"))
            .WriteAsync(new WriteRequest([new DocumentWrite(jobId, null, false, """{"source":"Not A Name"}""", null, [])]));
        Assert.True(written.Results[0].Ok);
        await grains.GetGrain<IReplicationJobGrain>(ReplicationJobKey.Persistent(server.Host.Tenant, jobId)).RefreshAsync();

        var job = await Scheduler.JobAsync(couch, jobId);
        Assert.Equal("failed", Scheduler.State(job));
        Assert.Contains("source", job.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await couch.GetAsync("_up")).Status);
        Assert.Equal(HttpStatusCode.OK, (await couch.DeleteAsync($"_replicator/{jobId}?rev={written.Results[0].Rev}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await couch.GetAsync($"_scheduler/docs/_replicator/{jobId}")).Status);
    }

    [Fact]
    public async Task Job_UnreachableSource_ReportsCrashingWithErrorAndRetries_NodeKeepsServing()
    {
        var target = await couch.CreateDatabaseAsync("tgt");
        var jobId = $"job-{Guid.NewGuid():N}";

        await couch.PutAsync($"_replicator/{jobId}", $$"""{"source":"http://127.0.0.1:1/t/dev/nothing","target":"{{target}}","continuous":true}""");

        var job = await Scheduler.WaitForJobAsync(couch, jobId, j => Scheduler.State(j) == "crashing" && j.GetProperty("error_count").GetInt32() >= 2);
        Assert.Equal("db_not_found: could not open http://127.0.0.1:1/t/dev/nothing/", job.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.String, job.GetProperty("next_retry").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await couch.GetAsync("_up")).Status);
        var other = await couch.CreateDatabaseAsync("still-serving");
        await couch.PutDocumentAsync(other, "doc", "{}");

        var rev = (await couch.GetAsync($"_replicator/{jobId}")).String("_rev");
        Assert.Equal(HttpStatusCode.OK, (await couch.DeleteAsync($"_replicator/{jobId}?rev={rev}")).Status);
    }

    [Fact]
    public async Task Job_WrongCredentials_ReportsCrashingWithUnauthorized()
    {
        await using var proxy = await BasicAuthProxy.StartAsync(server.Host.BaseAddress, server.Host.BasicAuthorization, "ann", "secret");
        var source = await couch.CreateDatabaseAsync("src");
        var target = await couch.CreateDatabaseAsync("tgt");
        var jobId = $"job-{Guid.NewGuid():N}";

        await couch.PutAsync($"_replicator/{jobId}", $$$$"""{"source":{"url":"{{{{proxy.Url("dev", source)}}}}","auth":{"basic":{"username":"ann","password":"nope"}}},"target":"{{{{target}}}}"}""");

        var job = await Scheduler.WaitForJobAsync(couch, jobId, j => Scheduler.State(j) == "crashing");
        Assert.StartsWith("unauthorized: ", job.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("nope", job.ToString(), StringComparison.Ordinal);
        Assert.Equal(proxy.Url("dev", source) + "/", job.GetProperty("source").GetString());

        // Fixing the credentials (a new revision of the job) restarts the job, which then completes.
        var rev = (await couch.GetAsync($"_replicator/{jobId}")).String("_rev");
        await couch.PutAsync($"_replicator/{jobId}", $$$$"""{"_rev":"{{{{rev}}}}","source":{"url":"{{{{proxy.Url("dev", source)}}}}","auth":{"basic":{"username":"ann","password":"secret"}}},"target":"{{{{target}}}}"}""");
        job = await Scheduler.WaitForJobAsync(couch, jobId, j => Scheduler.State(j) == "completed");
        Assert.Equal(0, job.GetProperty("error_count").GetInt32());
    }

    [Fact]
    public async Task ContinuousJob_SurvivesRestart_ResumesFromCheckpointWithoutRetransfer()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), $"tessera-restart-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataPath);
        try
        {
            string source, target;
            const string jobId = "restart-job";
            await using (var host = await TesseraHost.StartAsync(settings: TestSettings.Replication(dataPath)))
            {
                using var before = new CouchClient(host.CreateClient());
                source = await before.CreateDatabaseAsync("src");
                target = await before.CreateDatabaseAsync("tgt");
                await before.PutDocumentsAsync(source, "doc", 5);
                Assert.Equal(HttpStatusCode.Created, (await before.PutAsync($"_replicator/{jobId}", $$"""{"source":"{{source}}","target":"{{target}}","continuous":true}""")).Status);

                await before.WaitForDocumentsAsync(target, Enumerable.Range(0, 5).Select(i => $"doc{i:D4}").ToList());
                var sourceSeq = await before.UpdateSeqAsync(source);
                var job = await Scheduler.WaitForJobAsync(before, jobId, j => j.GetProperty("info").GetProperty("checkpointed_source_seq").ToString() == sourceSeq);
                Assert.Equal(5, Scheduler.Info(job, "docs_written"));
            }

            await using (var host = await TesseraHost.StartAsync(settings: TestSettings.Replication(dataPath)))
            {
                using var after = new CouchClient(host.CreateClient());
                var since = await after.UpdateSeqAsync(target);
                await after.PutDocumentAsync(source, "after-restart", """{"late":true}""");

                await after.WaitForDocumentsAsync(target, ["after-restart"], since);

                var job = await Scheduler.WaitForJobAsync(after, jobId, j => Scheduler.Info(j, "docs_written") >= 1);
                Assert.Equal("running", Scheduler.State(job));
                Assert.Equal(1, Scheduler.Info(job, "docs_written"));
                Assert.Equal(1, Scheduler.Info(job, "docs_read"));
                Assert.Equal(1, Scheduler.Info(job, "revisions_checked"));
                Assert.Equal(await after.LeavesAsync(source), await after.LeavesAsync(target));
            }
        }
        finally
        {
            try
            {
                Directory.Delete(dataPath, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open must not fail the test; the OS cleans the temp folder eventually.
            }
        }
    }
}
