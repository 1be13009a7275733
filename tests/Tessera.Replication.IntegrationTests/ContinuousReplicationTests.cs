using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Tessera.Replication.IntegrationTests;

/// <summary>Continuous <c>_replicate</c>: it starts (202), delivers each new write to the target promptly, is listed, and cancels.</summary>
public sealed class ContinuousReplicationTests(OneServer server) : IClassFixture<OneServer>, IDisposable
{
    private readonly CouchClient couch = server.CreateClient();

    public void Dispose() => couch.Dispose();

    [Fact]
    public async Task ContinuousReplicate_NewWrites_ReachTheTargetPromptly()
    {
        var source = await couch.CreateDatabaseAsync("src");
        var target = await couch.CreateDatabaseAsync("tgt");
        await couch.PutDocumentsAsync(source, "before", 10);
        var body = $$"""{"source":"{{source}}","target":"{{target}}","continuous":true}""";

        var started = await couch.PostAsync("_replicate", body);

        Assert.Equal(HttpStatusCode.Accepted, started.Status);
        var localId = started.String("_local_id");
        Assert.EndsWith("+continuous", localId, StringComparison.Ordinal);
        var since = await couch.WaitForDocumentsAsync(target, Enumerable.Range(0, 10).Select(i => $"before{i:D4}").ToList());

        var latencies = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var id = $"live{i:D2}";
            var clock = Stopwatch.StartNew();
            await couch.PutDocumentAsync(source, id, $$"""{"i":{{i}}}""");
            since = await couch.WaitForDocumentsAsync(target, [id], since);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        latencies.Sort();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"continuous delivery latency over {latencies.Count} writes: p50 {latencies[latencies.Count / 2]:0.0} ms, p99 {latencies[^1]:0.0} ms (max)"));
        Assert.Equal(await couch.LeavesAsync(source), await couch.LeavesAsync(target));

        var jobs = await couch.GetAsync("_scheduler/jobs");
        var job = Assert.Single(jobs.Json.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("id").GetString() == localId);
        Assert.Equal("running", job.GetProperty("state").GetString());
        Assert.True(job.GetProperty("continuous").GetBoolean());
        Assert.Equal(30, job.GetProperty("info").GetProperty("docs_written").GetInt64());

        var again = await couch.PostAsync("_replicate", body);
        Assert.Equal(HttpStatusCode.Accepted, again.Status);
        Assert.Equal(localId, again.String("_local_id"));

        var cancelled = await couch.PostAsync("_replicate", body.Replace("}", ",\"cancel\":true}", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, cancelled.Status);
        Assert.Equal(localId, cancelled.String("_local_id"));
        var cancelledAgain = await couch.PostAsync("_replicate", $$"""{"replication_id":"{{localId}}","cancel":true}""");
        Assert.Equal(HttpStatusCode.NotFound, cancelledAgain.Status);
        Assert.DoesNotContain(localId, (await couch.GetAsync("_scheduler/jobs")).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContinuousReplicate_CancelById_StopsIt()
    {
        var source = await couch.CreateDatabaseAsync("src");
        var target = await couch.CreateDatabaseAsync("tgt");
        var started = await couch.PostAsync("_replicate", $$"""{"source":"{{source}}","target":"{{target}}","continuous":true,"doc_ids":["a"]}""");
        Assert.Equal(HttpStatusCode.Accepted, started.Status);

        var cancelled = await couch.PostAsync("_replicate", $$"""{"replication_id":"{{started.String("_local_id")}}","cancel":true}""");

        Assert.Equal(HttpStatusCode.OK, cancelled.Status);
    }

    [Fact]
    public async Task Cancel_UnknownReplication_Returns404()
    {
        var response = await couch.PostAsync("_replicate", """{"source":"nothing-a","target":"nothing-b","cancel":true}""");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("not_found", response.String("error"));
    }
}
