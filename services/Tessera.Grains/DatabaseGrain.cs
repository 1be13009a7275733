using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;
using Tessera.Storage;

namespace Tessera.Grains;

/// <summary>
/// The single writer of one database. Calls are taken reentrantly and funnelled into one ordered queue that a single
/// drain loop empties: consecutive document writes become one transaction (group commit), every other operation runs
/// alone in its turn. State is only what storage also has (the catalog row), so the grain can move or deactivate anytime.
/// Note: activated on the silo of its first caller. The gateway sends every request for one database to the same data
/// node (gateway DatabaseAffinityLoadBalancingPolicy, rendezvous hashing), so the grain lives where its requests arrive
/// and writes need no silo-to-silo hop; databases spread over the nodes as the hash spreads them. Orleans' default
/// placement picked the least loaded silo from statistics a second old instead, so a burst of new databases all
/// landed on one silo (bench/run.sh --silos 2: 64 of 64).
/// </summary>
[Reentrant]
[PreferLocalPlacement]
internal sealed partial class DatabaseGrain(
    IDatabaseCatalog catalog,
    IDocumentReader reader,
    IDocumentWriter writer,
    ChangeHub changes,
    IOptions<ChangeNotificationOptions> changeOptions,
    ILogger<DatabaseGrain> logger) : Grain, IDatabaseGrain
{
    // Note: bounds one transaction; a single _bulk_docs request larger than this still commits whole.
    private const int MaxDocumentsPerCommit = 2000;

    // Note: a few thousand small records; enough to keep every document of a hot update loop.
    private readonly RecentDocuments recent = new(4096);
    private readonly Queue<PendingOperation> queue = new();
    private Task drain = Task.CompletedTask;
    private string tenant = "";
    private string name = "";
    private DatabaseRecord? database;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (tenant, name) = DatabaseGrainKey.Parse(this.GetPrimaryKeyString());
        database = await catalog.GetAsync(tenant, name, cancellationToken);
        committedSeq = database?.UpdateSeq ?? 0;
    }

    public Task<DatabaseStatus> CreateAsync() => Enqueue(async () =>
    {
        if (database is not null)
        {
            return DatabaseStatus.AlreadyExists;
        }

        recent.Clear();
        database = await catalog.CreateAsync(tenant, name);
        committedSeq = database?.UpdateSeq ?? 0;
        return database is null ? DatabaseStatus.AlreadyExists : DatabaseStatus.Created;
    });

    public Task<DatabaseStatus> DeleteAsync() => Enqueue(async () =>
    {
        var deleted = await catalog.DeleteAsync(tenant, name);
        var key = database?.Key;
        database = null;
        recent.Clear();
        if (key is long k)
        {
            await PublishDeletedAsync(k);
        }

        DeactivateOnIdle();
        return deleted ? DatabaseStatus.Ok : DatabaseStatus.NotFound;
    });

    public Task<DatabaseStatus> SetRevsLimitAsync(int revsLimit) => Enqueue(async () =>
    {
        if (database is null)
        {
            return DatabaseStatus.NotFound;
        }

        await catalog.SetRevsLimitAsync(database.Key, revsLimit);
        database = database with { RevsLimit = revsLimit };
        return DatabaseStatus.Ok;
    });

    public Task<DatabaseStatus> SetSecurityAsync(string securityJson) => Enqueue(async () =>
    {
        if (database is null)
        {
            return DatabaseStatus.NotFound;
        }

        await catalog.SetSecurityAsync(database.Key, securityJson);
        database = database with { SecurityJson = securityJson };
        return DatabaseStatus.Ok;
    });

    public Task<LocalWriteResult> PutLocalAsync(LocalWrite write) => Enqueue(() => WriteLocalAsync(write));

    public Task<WriteResponse> WriteAsync(WriteRequest request)
    {
        var pending = new PendingWrite(request);
        queue.Enqueue(pending);
        StartDrain();
        if (request.Documents.Count >= PrepareEarlyDocuments)
        {
            writeArrived?.TrySetResult();
        }

        return pending.Completion.Task;
    }

    private Task<T> Enqueue<T>(Func<Task<T>> operation)
    {
        var pending = new PendingControl<T>(operation);
        queue.Enqueue(pending);
        StartDrain();
        return pending.Completion.Task;
    }

    private void StartDrain()
    {
        if (drain.IsCompleted)
        {
            drain = DrainAsync();
        }
    }

    // Note: one conditional statement in storage (no read first, no wait for the WAL flush; see
    // IDocumentWriter.UpdateLocalAsync). It still runs in the grain's turn, after any commit queued before it, so a
    // deleted database never gets a _local row back.
    private async Task<LocalWriteResult> WriteLocalAsync(LocalWrite write)
    {
        if (database is null)
        {
            return new LocalWriteResult(DatabaseStatus.NotFound, null);
        }

        var result = await writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate(write.Id, write.Rev, write.Deleted, write.Body));
        return result.Status switch
        {
            LocalUpdateStatus.Written => new LocalWriteResult(DatabaseStatus.Ok, result.Rev),
            LocalUpdateStatus.NotFound => new LocalWriteResult(DatabaseStatus.Ok, null, "not_found", "missing"),
            _ => new LocalWriteResult(DatabaseStatus.Ok, null, "conflict", "Document update conflict."),
        };
    }
}
