using System.Net;
using System.Text.Json;

namespace Tessera.Replication.IntegrationTests;

/// <summary>Reads replication job states from <c>_scheduler/docs</c> and waits for a state.</summary>
internal static class Scheduler
{
    /// <summary>The job's entry in <c>_scheduler/docs/_replicator/{jobId}</c>.</summary>
    public static async Task<JsonElement> JobAsync(CouchClient couch, string jobId)
    {
        var response = await couch.GetAsync($"_scheduler/docs/_replicator/{Uri.EscapeDataString(jobId)}");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return response.Json;
    }

    /// <summary>
    /// Re-reads the job until <paramref name="condition"/> holds; returns that entry.
    /// Note: the scheduler has no change feed to wait on, so this polls (20 ms apart) under a deadline.
    /// </summary>
    public static async Task<JsonElement> WaitForJobAsync(CouchClient couch, string jobId, Func<JsonElement, bool> condition, int timeoutMs = 30_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var job = await JobAsync(couch, jobId);
            if (condition(job))
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Job {jobId} did not reach the expected state in {timeoutMs} ms; last: {job}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public static long Info(JsonElement job, string counter) => job.GetProperty("info").GetProperty(counter).GetInt64();

    public static string State(JsonElement job) => job.GetProperty("state").GetString()!;
}
