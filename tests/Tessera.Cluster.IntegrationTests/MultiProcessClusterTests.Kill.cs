using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tessera.Cluster.IntegrationTests.Processes;

namespace Tessera.Cluster.IntegrationTests;

public sealed partial class MultiProcessClusterTests
{
    private const int Databases = 20;
    private const int Writers = 4;

    /// <summary>The issue's target: after kill -9 of a silo, writes to the affected databases resume within this.</summary>
    private static readonly TimeSpan ResumeTarget = TimeSpan.FromSeconds(10);

    /// <summary>How long clients keep writing after the kill: past the target, so a database that never resumes shows.</summary>
    private static readonly TimeSpan WriteAfterKill = TimeSpan.FromSeconds(12);

    /// <summary>
    /// Clients write continuously through the gateway to many databases (their grains spread over both silos); one silo
    /// is killed with SIGKILL. Writes go on through the other: every acknowledged write is stored exactly once, and no
    /// database refuses writes for longer than <see cref="ResumeTarget"/>.
    /// </summary>
    private static async Task KillASiloWhileClientsWriteAsync(ProcessCluster cluster, ApiKey key)
    {
        using var gateway = CreateClient(cluster.Gateway.BaseAddress);
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.AccessToken);
        var databases = Enumerable.Range(0, Databases).Select(i => $"load-{i:00}").ToList();
        foreach (var database in databases)
        {
            using var created = await gateway.PutAsync($"t/{key.Tenant}/{database}", null, CancellationToken);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var writers = new ContinuousWriters(gateway, key.Tenant, databases, Writers);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        var writing = writers.RunAsync(stop.Token);
        TimeSpan killedAt;
        try
        {
            // Every database has taken writes for a while (its grain is active on one of the silos) before the kill.
            await writers.WhenAcknowledgedAsync(25).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken);
            killedAt = writers.Elapsed;
            cluster.Data2.Kill();

            // Note: not a wait for a condition but the length of the load after the kill: long enough that a database
            // whose writes never resume fails the target below.
            await Task.Delay(WriteAfterKill, CancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await writing;
        }

        var attempts = writers.Attempts;
        var windows = ContinuousWriters.FailureWindows(attempts);
        var report = Report(attempts, windows, killedAt);
        Output.WriteLine(report);
        TestContext.Current.SendDiagnosticMessage(report);

        // Writes went on after the kill, to every database: the grains of the dead silo's databases moved.
        var acknowledgedAfterKill = attempts.Where(a => a.Acknowledged && a.Start > killedAt).GroupBy(a => a.Database).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(databases, d => Assert.True(acknowledgedAfterKill.GetValueOrDefault(d) > 0, $"no acknowledged write to {d} after the kill"));
        Assert.All(windows, w => Assert.True(w.Value.Resumed, $"writes to {w.Key} were still failing when the clients stopped"));
        var worst = windows.MaxBy(w => w.Value.Window);
        Assert.True(worst.Value.Window < ResumeTarget, $"writes to {worst.Key} failed for {worst.Value.Window.TotalSeconds:0.00} s, more than {ResumeTarget.TotalSeconds} s");

        // Every acknowledged write is stored, exactly once, as read from the surviving node itself.
        using var survivor = CreateClient(cluster.Data1.BaseAddress);
        survivor.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.AccessToken);
        var problems = new List<string>();
        var stored = 0;
        foreach (var database in databases)
        {
            var acknowledged = attempts.Where(a => a.Database == database && a.Acknowledged).Select(a => a.Id).ToList();
            stored += await CheckStoredOnceAsync(survivor, key.Tenant, database, acknowledged, problems);
        }

        var acknowledgedTotal = attempts.Count(a => a.Acknowledged);
        Output.WriteLine($"Stored after the run: {stored} documents for {acknowledgedTotal} acknowledged writes ({stored - acknowledgedTotal} more: unacknowledged attempts that did commit).");
        Assert.True(problems.Count == 0, string.Join('\n', problems.Take(20)));
    }

    /// <summary>
    /// Checks one database: each acknowledged id is stored once, at revision 1; <c>_all_docs</c>, <c>doc_count</c> and
    /// <c>_changes</c> agree (one change per document, no sequence number given twice). Returns the documents stored.
    /// </summary>
    private static async Task<int> CheckStoredOnceAsync(HttpClient node, string tenant, string database, List<string> acknowledged, List<string> problems)
    {
        using var all = await GetJsonAsync(node, $"t/{tenant}/{database}/_all_docs");
        var rows = all.RootElement.GetProperty("rows").EnumerateArray()
            .Select(r => (Id: r.GetProperty("id").GetString()!, Rev: r.GetProperty("value").GetProperty("rev").GetString()!))
            .ToList();
        var revisions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, rev) in rows)
        {
            if (!revisions.TryAdd(id, rev))
            {
                problems.Add($"{database}: {id} listed twice in _all_docs");
            }
        }

        foreach (var id in acknowledged)
        {
            if (!revisions.TryGetValue(id, out var rev))
            {
                problems.Add($"{database}: acknowledged {id} is not stored");
            }
            else if (!rev.StartsWith("1-", StringComparison.Ordinal))
            {
                problems.Add($"{database}: acknowledged {id} is at revision {rev}, written more than once");
            }
        }

        if (acknowledged.Count != acknowledged.Distinct(StringComparer.Ordinal).Count())
        {
            problems.Add($"{database}: one id acknowledged twice");
        }

        using var info = await GetJsonAsync(node, $"t/{tenant}/{database}");
        if (info.RootElement.GetProperty("doc_count").GetInt32() is var count && count != rows.Count)
        {
            problems.Add($"{database}: doc_count {count} but _all_docs lists {rows.Count}");
        }

        using var changes = await GetJsonAsync(node, $"t/{tenant}/{database}/_changes");
        var results = changes.RootElement.GetProperty("results").EnumerateArray().ToList();
        var changedIds = results.Select(r => r.GetProperty("id").GetString()!).ToList();
        var seqs = results.Select(r => r.GetProperty("seq").ToString()).ToList();
        if (changedIds.Count != rows.Count || changedIds.Distinct(StringComparer.Ordinal).Count() != rows.Count)
        {
            problems.Add($"{database}: _changes has {changedIds.Count} results ({changedIds.Distinct(StringComparer.Ordinal).Count()} ids) for {rows.Count} documents");
        }

        if (seqs.Distinct(StringComparer.Ordinal).Count() != seqs.Count)
        {
            problems.Add($"{database}: a sequence number was given to two changes");
        }

        return rows.Count;
    }

    private static string Report(IReadOnlyList<ContinuousWriters.Attempt> attempts, IReadOnlyDictionary<string, (TimeSpan Window, bool Resumed)> windows, TimeSpan killedAt)
    {
        var failed = attempts.Where(a => !a.Acknowledged).ToList();
        var byStatus = string.Join(", ", failed.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "no response" : g.Key.ToString(CultureInfo.InvariantCulture))}: {g.Count()}"));
        var affected = windows.Where(w => w.Value.Window > TimeSpan.Zero).OrderByDescending(w => w.Value.Window).ToList();
        var worst = windows.MaxBy(w => w.Value.Window);
        var lastFailure = failed.Select(a => a.End).DefaultIfEmpty(killedAt).Max() - killedAt;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"kill -9 of data2 at t={killedAt.TotalSeconds:0.00} s; {Writers} writers, {Databases} databases, {attempts.Count} writes attempted, ");
        text.Append(CultureInfo.InvariantCulture, $"{attempts.Count(a => a.Acknowledged)} acknowledged ({attempts.Count(a => a.Acknowledged && a.Start > killedAt)} after the kill), {failed.Count} failed ({byStatus}).\n");
        text.Append(CultureInfo.InvariantCulture, $"Longest failure window: {worst.Value.Window.TotalSeconds:0.00} s ({worst.Key}); the last write failed {lastFailure.TotalSeconds:0.00} s after the kill; target < {ResumeTarget.TotalSeconds} s.\n");
        text.Append(CultureInfo.InvariantCulture, $"Databases with failed writes: {affected.Count}/{windows.Count}: {string.Join(", ", affected.Select(w => $"{w.Key} {w.Value.Window.TotalSeconds:0.00} s"))}");
        return text.ToString();
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, CancellationToken);
        return await ReadJsonAsync(response, HttpStatusCode.OK);
    }
}
