using System.Globalization;
using System.Net;

namespace Tessera.Replication.IntegrationTests;

/// <summary>
/// DNS rebinding against the real server: a name that resolves to a public address when <c>_replicate</c> checks it and
/// to an internal one when the replication connects is refused at the connection, with the guard's 403, and no
/// connection reaches the internal listener.
/// </summary>
public sealed class DnsRebindingTests(ScriptedResolverServer server) : IClassFixture<ScriptedResolverServer>, IDisposable
{
    private static readonly IPAddress Public = IPAddress.Parse("203.0.113.7");

    private readonly CouchClient couch = server.CreateClient();

    public void Dispose() => couch.Dispose();

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::ffff:0.0.0.0")]
    [InlineData("::1")]
    public async Task Replicate_SourceRebindsFromPublicToInternal_Returns403AndConnectsNowhere(string internalAddress)
    {
        using var listener = new CountingListener();
        var host = $"rebind-{Guid.NewGuid():N}.example";
        server.Resolver.Script(host, [Public], [IPAddress.Parse(internalAddress)]);
        var target = await couch.CreateDatabaseAsync("tgt");
        var source = string.Create(CultureInfo.InvariantCulture, $"http://{host}:{listener.Port}/t/dev/src");

        var response = await couch.PostAsync("_replicate", $$"""{"source":"{{source}}","target":"{{target}}"}""");

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal("forbidden", response.String("error"));
        Assert.StartsWith($"could not open {source}/: its host resolves to a loopback, private, link-local or otherwise internal address", response.String("reason"), StringComparison.Ordinal);
        // The first answer (public) passed _replicate's early check, so the refusal came from the connection's own lookup.
        Assert.True(server.Resolver.Lookups(host) >= 2, $"{host} was looked up {server.Resolver.Lookups(host)} time(s)");
        Assert.Equal(0, listener.Accepted);
        Assert.Equal(0, (await couch.GetAsync(target)).Json.GetProperty("doc_count").GetInt32());
    }

    [Fact]
    public async Task Replicate_TargetRebindsToLoopbackForContinuousJob_JobFailsWithForbidden_ConnectsNowhere()
    {
        using var listener = new CountingListener();
        var host = $"rebind-{Guid.NewGuid():N}.example";
        server.Resolver.Script(host, [Public], [IPAddress.Loopback]);
        var source = await couch.CreateDatabaseAsync("src");
        await couch.PutDocumentsAsync(source, "doc", 2);
        var target = string.Create(CultureInfo.InvariantCulture, $"http://{host}:{listener.Port}/t/dev/tgt");

        var started = await couch.PostAsync("_replicate", $$"""{"source":"{{source}}","target":"{{target}}","continuous":true}""");
        Assert.Equal(HttpStatusCode.Accepted, started.Status);
        var localId = started.String("_local_id");

        var job = await WaitForTransientJobAsync(localId, j => j.GetProperty("state").GetString() == "failed");
        Assert.StartsWith($"forbidden: could not open {target}/", job.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(server.Resolver.Lookups(host) >= 2);
        Assert.Equal(0, listener.Accepted);
        Assert.Equal(HttpStatusCode.OK, (await couch.GetAsync("_up")).Status);
    }

    [Fact]
    public async Task Replicate_NameResolvingToLoopbackAtOnce_RefusedByTheEarlyCheckAfterOneLookup()
    {
        // The contrast to the rebinding cases: without a public first answer, _replicate's own check refuses after a
        // single lookup, so the two lookups above show the connection path was reached and refused on its own.
        using var listener = new CountingListener();
        var host = $"internal-{Guid.NewGuid():N}.example";
        server.Resolver.Script(host, [IPAddress.Loopback]);
        var target = await couch.CreateDatabaseAsync("tgt");

        var response = await couch.PostAsync("_replicate", $$"""{"source":"http://{{host}}:{{listener.Port}}/t/dev/src","target":"{{target}}"}""");

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal("forbidden", response.String("error"));
        Assert.Equal(1, server.Resolver.Lookups(host));
        Assert.Equal(0, listener.Accepted);
    }

    private async Task<System.Text.Json.JsonElement> WaitForTransientJobAsync(string localId, Func<System.Text.Json.JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var jobs = await couch.GetAsync("_scheduler/jobs");
            Assert.Equal(HttpStatusCode.OK, jobs.Status);
            var job = jobs.Json.GetProperty("jobs").EnumerateArray()
                .FirstOrDefault(j => j.TryGetProperty("id", out var id) && id.GetString() is { } text && text.StartsWith(localId.Split('+')[0], StringComparison.Ordinal));
            if (job.ValueKind == System.Text.Json.JsonValueKind.Object && condition(job))
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Job {localId} did not reach the expected state; last: {jobs.Body}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
