using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Tessera.Cluster.IntegrationTests.Processes;

/// <summary>
/// Clients writing without pause: <c>writers</c> loops, each owning every n-th database and PUTting a new document id to
/// them in turn (<c>w{writer}-{n}</c>), one request at a time. Every attempt is recorded; a 201 is an acknowledged write.
/// A failed attempt is not retried (its id may or may not be stored: that is what "not acknowledged" means).
/// </summary>
internal sealed class ContinuousWriters(HttpClient client, string tenant, IReadOnlyList<string> databases, int writers)
{
    /// <summary>One PUT: when it started and ended (since the writers started) and its status (0: no response).</summary>
    public sealed record Attempt(string Database, string Id, TimeSpan Start, TimeSpan End, int Status)
    {
        public bool Acknowledged => Status == (int)HttpStatusCode.Created;
    }

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly Stopwatch _clock = new();
    private readonly ConcurrentQueue<Attempt> _attempts = new();
    private readonly ConcurrentDictionary<string, int> _acknowledged = new(StringComparer.Ordinal);
    private readonly List<(int PerDatabase, TaskCompletionSource Reached)> _waiters = [];

    /// <summary>Time since <see cref="RunAsync"/> started, on the clock of <see cref="Attempt"/>.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public IReadOnlyList<Attempt> Attempts => [.. _attempts];

    /// <summary>Writes until <paramref name="stop"/> is cancelled; an attempt cut short by the stop is not recorded.</summary>
    public Task RunAsync(CancellationToken stop)
    {
        _clock.Start();
        return Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteAsync(w, stop), CancellationToken.None)));
    }

    /// <summary>Completes once every database has at least <paramref name="perDatabase"/> acknowledged writes.</summary>
    public Task WhenAcknowledgedAsync(int perDatabase)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            _waiters.Add((perDatabase, reached));
        }

        Check();
        return reached.Task;
    }

    /// <summary>
    /// Per database, the longest time writes to it failed: from the start of a failed attempt that followed a success
    /// (or began the run) to the end of the next acknowledged one. A streak still failing at the end counts until the
    /// last attempt and is reported as not resumed.
    /// </summary>
    public static IReadOnlyDictionary<string, (TimeSpan Window, bool Resumed)> FailureWindows(IEnumerable<Attempt> attempts)
    {
        var windows = new Dictionary<string, (TimeSpan, bool)>(StringComparer.Ordinal);
        foreach (var database in attempts.GroupBy(a => a.Database))
        {
            TimeSpan longest = TimeSpan.Zero, lastEnd = TimeSpan.Zero;
            TimeSpan? failingSince = null;
            foreach (var attempt in database.OrderBy(a => a.Start))
            {
                lastEnd = attempt.End;
                if (!attempt.Acknowledged)
                {
                    failingSince ??= attempt.Start;
                }
                else if (failingSince is { } since)
                {
                    longest = Max(longest, attempt.End - since);
                    failingSince = null;
                }
            }

            windows[database.Key] = failingSince is { } open ? (Max(longest, lastEnd - open), false) : (longest, true);
        }

        return windows;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private async Task WriteAsync(int writer, CancellationToken stop)
    {
        var mine = databases.Where((_, i) => i % writers == writer).ToList();
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var database = mine[n % mine.Count];
            var id = $"w{writer}-{n}";
            var start = _clock.Elapsed;
            int status;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop))
            {
                timeout.CancelAfter(RequestTimeout);
                try
                {
                    using var content = new StringContent($$"""{"writer":{{writer}},"n":{{n}}}""", System.Text.Encoding.UTF8, "application/json");
                    using var response = await client.PutAsync($"t/{tenant}/{database}/{id}", content, timeout.Token);
                    status = (int)response.StatusCode;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
                {
                    status = 0;
                }
            }

            var attempt = new Attempt(database, id, start, _clock.Elapsed, status);
            _attempts.Enqueue(attempt);
            if (attempt.Acknowledged)
            {
                _acknowledged.AddOrUpdate(database, 1, (_, count) => count + 1);
                Check();
            }
        }
    }

    private void Check()
    {
        lock (_waiters)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var (perDatabase, reached) = _waiters[i];
                if (databases.All(d => _acknowledged.GetValueOrDefault(d) >= perDatabase))
                {
                    reached.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
