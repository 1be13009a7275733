using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Tessera.Replication.Definitions;
using Tessera.Replication.Engine;

namespace Tessera.Replication.Jobs;

/// <summary>
/// Runs one replication job. The loop runs as a background task on the grain's own scheduler (so it shares the
/// grain's single thread with status calls and needs no locks); failures put the job in <c>crashing</c> and retry after
/// an exponential backoff with jitter; a keep-alive timer holds the activation while the job runs and, for persistent
/// jobs, notices when the job document changed or disappeared.
/// </summary>
[PreferLocalPlacement]
[SuppressMessage("Design", "CA1001", Justification = "The token source is disposed when the run stops, at the latest on deactivation.")]
internal sealed partial class ReplicationJobGrain(
    ReplicationJobStore store,
    Replicator replicator,
    TransientJobRegistry transientJobs,
    IOptions<ReplicationOptions> options,
    TimeProvider time,
    ILogger<ReplicationJobGrain> logger) : Grain, IReplicationJobGrain
{
    private static readonly TimeSpan KeepAlivePeriod = TimeSpan.FromSeconds(30);

    private string tenant = "";
    private string jobId = "";
    private bool transient;
    private bool loaded;
    private string? docRev;
    private ReplicationDefinition? definition;
    private string state = ReplicationJobStates.Pending;
    private string? error;
    private int errorCount;
    private DateTimeOffset? nextRetry;
    private DateTimeOffset? startTime;
    private DateTimeOffset lastUpdated;
    private ReplicationStats stats = new();
    private ReplicationJobCounters? finalCounters;
    private CancellationTokenSource? running;
    private Task run = Task.CompletedTask;
    private IGrainTimer? keepAlive;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (tenant, jobId, transient) = ReplicationJobKey.Parse(this.GetPrimaryKeyString());
        lastUpdated = time.GetUtcNow();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await StopAsync();
        if (transient)
        {
            transientJobs.Remove(tenant, jobId);
        }
    }

    public async Task RefreshAsync()
    {
        if (transient)
        {
            return;
        }

        loaded = true;
        var document = await store.GetAsync(tenant, jobId);
        if (document is null)
        {
            await StopAsync();
            (docRev, definition, state) = (null, null, ReplicationJobStates.Cancelled);
            DeactivateOnIdle();
            return;
        }

        if (document.Rev == docRev)
        {
            return;
        }

        await StopAsync();
        Reset();
        docRev = document.Rev;
        if (!TryParse(document.Body, out var parsed, out var reason))
        {
            // Note: every write through the _replicator routes is checked (JobDocuments); only a document stored before that
            // check existed, or under rules that have since grown stricter, can be invalid here.
            (definition, state, error) = (null, ReplicationJobStates.Failed, reason);
            return;
        }

        definition = parsed;
        if (await store.GetOutcomeAsync(tenant, jobId) is { } outcome && outcome.DocRev == docRev)
        {
            (state, error, finalCounters, lastUpdated) = (outcome.State, outcome.Error, outcome.Counters, outcome.Time);
            return;
        }

        Start();
    }

    public Task<ReplicationJobStatus> StartAsync(string definitionJson)
    {
        if (!TryParse(definitionJson, out var parsed, out var reason))
        {
            throw new ArgumentException(reason, nameof(definitionJson));
        }

        // Note: the grain key is the local id, so a running job here already has this definition.
        if (!IsRunning)
        {
            Reset();
            definition = parsed;
            transientJobs.Add(tenant, jobId);
            Start();
        }

        return Task.FromResult(Status());
    }

    public async Task<bool> CancelAsync()
    {
        var wasRunning = IsRunning;
        await StopAsync();
        state = ReplicationJobStates.Cancelled;
        transientJobs.Remove(tenant, jobId);
        DeactivateOnIdle();
        return wasRunning;
    }

    public async Task<ReplicationJobStatus> GetStatusAsync()
    {
        if (!transient && !loaded)
        {
            await RefreshAsync();
        }

        return Status();
    }

    private bool IsRunning => running is not null && !run.IsCompleted;

    private void Reset()
    {
        (error, errorCount, nextRetry, startTime, finalCounters) = (null, 0, null, null, null);
        stats = new ReplicationStats();
        state = ReplicationJobStates.Pending;
        lastUpdated = time.GetUtcNow();
    }

    private void Start()
    {
        running = new CancellationTokenSource();
        startTime = time.GetUtcNow();
        stats.Progressed = OnProgress;
        // Note: ticks do not interleave with calls, so a tick's refresh never races a PUT's refresh into two runs.
        keepAlive ??= this.RegisterGrainTimer(OnKeepAliveAsync, new GrainTimerCreationOptions(KeepAlivePeriod, KeepAlivePeriod) { KeepAlive = true });
        run = RunAsync(definition!, running.Token);
    }

    private async Task StopAsync()
    {
        if (running is null)
        {
            return;
        }

        await running.CancelAsync();
        try
        {
            await run;
        }
        catch (OperationCanceledException)
        {
            // Stopped as asked.
        }

        running.Dispose();
        running = null;
        StopKeepAlive();
    }

    private async Task RunAsync(ReplicationDefinition job, CancellationToken ct)
    {
        // Note: yield first, so the caller's turn (a _replicator PUT, say) answers before the first request goes out.
        await Task.Yield();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                (state, nextRetry, lastUpdated) = (ReplicationJobStates.Running, null, time.GetUtcNow());
                await replicator.RunAsync(job, stats, ct);
                (state, error, lastUpdated) = (ReplicationJobStates.Completed, null, time.GetUtcNow());
                LogCompleted(logger, tenant, jobId, stats.DocsWritten);
                if (!transient && docRev is not null)
                {
                    finalCounters = Counters();
                    await store.SaveOutcomeAsync(tenant, jobId, new JobOutcome(docRev, state, null, finalCounters, lastUpdated), CancellationToken.None);
                }

                StopKeepAlive();
                return;
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                // Stopped (or the node is shutting down, which can fail a request before the token fires): not a crash.
                return;
            }
            catch (ReplicationException exception) when (exception.Permanent)
            {
                // A refused address stays refused: report it once instead of knocking again and again.
                (state, error, nextRetry, lastUpdated) = (ReplicationJobStates.Failed, $"{exception.Error}: {exception.Reason}", null, time.GetUtcNow());
                errorCount++;
                LogFailed(logger, tenant, jobId, error);
                StopKeepAlive();
                return;
            }
            catch (Exception exception)
            {
                // Note: every failure (bad URL, refused credentials, a crashed target, a bug) stays inside the job.
                errorCount++;
                var delay = Backoff(errorCount);
                error = exception is ReplicationException r ? $"{r.Error}: {r.Reason}" : $"{exception.GetType().Name}: {exception.Message}";
                (state, nextRetry, lastUpdated) = (ReplicationJobStates.Crashing, time.GetUtcNow() + delay, time.GetUtcNow());
                LogCrashed(logger, exception is ReplicationException ? null : exception, tenant, jobId, error, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void OnProgress()
    {
        // A job that moves again is healthy: forget past errors, as CouchDB's scheduler does.
        (errorCount, error, lastUpdated) = (0, null, time.GetUtcNow());
    }

    private async Task OnKeepAliveAsync(CancellationToken cancellationToken)
    {
        if (!transient)
        {
            // Notices a job document changed or deleted around the _replicator API.
            await RefreshAsync();
        }
    }

    private void StopKeepAlive()
    {
        keepAlive?.Dispose();
        keepAlive = null;
    }

    /// <summary>1 s, 2 s, 4 s ... up to the configured cap, each stretched by up to 25% of jitter so failed jobs do not retry in step.</summary>
    private TimeSpan Backoff(int failures)
    {
        var settings = options.Value;
        var exponent = Math.Min(failures - 1, 30);
        var ms = Math.Min(settings.MaxBackoffMs, settings.InitialBackoffMs * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(Math.Min(settings.MaxBackoffMs, ms * (1 + (Random.Shared.NextDouble() / 4))));
    }

    private bool TryParse(string json, out ReplicationDefinition parsed, out string reason)
    {
        parsed = null!;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (ReplicationDefinitionParser.TryParse(document.RootElement, tenant, out var result, out var problem))
            {
                if (result.Cancel)
                {
                    reason = "`cancel` is for _replicate requests, not replication jobs";
                    return false;
                }

                (parsed, reason) = (result, "");
                return true;
            }

            reason = problem;
            return false;
        }
        catch (JsonException)
        {
            reason = "The job definition is not JSON";
            return false;
        }
    }

    private ReplicationJobCounters Counters() => new(
        stats.DocsRead, stats.DocsWritten, stats.DocWriteFailures, stats.MissingChecked, stats.MissingFound,
        stats.CheckpointedSeq, stats.SourceSeq, stats.ChangesPending);

    private ReplicationJobStatus Status() => new(
        tenant,
        jobId,
        transient,
        docRev,
        definition?.LocalId,
        state,
        error,
        errorCount,
        nextRetry,
        definition?.Source.Display,
        definition?.Target.Display,
        definition?.Continuous ?? false,
        finalCounters ?? Counters(),
        startTime,
        lastUpdated);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replication job {Tenant}/{JobId} completed: {DocsWritten} revisions written")]
    private static partial void LogCompleted(ILogger logger, string tenant, string jobId, long docsWritten);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replication job {Tenant}/{JobId} failed for good: {Error}")]
    private static partial void LogFailed(ILogger logger, string tenant, string jobId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replication job {Tenant}/{JobId} crashed ({Error}); retrying in {Seconds:0.0} s")]
    private static partial void LogCrashed(ILogger logger, Exception? exception, string tenant, string jobId, string error, double seconds);
}
