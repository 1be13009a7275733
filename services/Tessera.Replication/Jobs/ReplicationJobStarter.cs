using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Storage;

namespace Tessera.Replication.Jobs;

/// <summary>
/// Brings persistent jobs back after a node starts: finds every tenant's <c>_replicator</c> database and refreshes the
/// grain of each job document there, which resumes the job from its checkpoint. It scans again periodically, so jobs
/// whose node died are re-activated elsewhere; refreshing a running job is a no-op.
/// </summary>
internal sealed partial class ReplicationJobStarter(
    IDatabaseCatalog catalog,
    ReplicationJobStore store,
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    IOptions<ReplicationOptions> options,
    TimeProvider time,
    ILogger<ReplicationJobStarter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Jobs naming a bare database reach this node over HTTP, and grains need the silo: wait until both serve.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.RescanIntervalMs), time);
        try
        {
            do
            {
                await ScanAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task ScanAsync(CancellationToken ct)
    {
        try
        {
            foreach (var database in await catalog.ListByNameAsync(ReplicationJobStore.DatabaseName, ct))
            {
                foreach (var job in await store.ListAsync(database.Tenant, ct))
                {
                    ct.ThrowIfCancellationRequested();
                    try
                    {
                        await grains.GetGrain<IReplicationJobGrain>(ReplicationJobKey.Persistent(database.Tenant, job.Id)).RefreshAsync();
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        LogJobFailed(logger, exception, database.Tenant, job.Id);
                    }
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogScanFailed(logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not start replication job {Tenant}/{JobId}")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, string tenant, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not scan the replication jobs; the next scan retries")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);
}
