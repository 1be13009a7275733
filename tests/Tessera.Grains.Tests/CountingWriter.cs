using Tessera.Storage;

namespace Tessera.Grains.Tests;

/// <summary>
/// Wraps the real storage writer to observe commits: how many transactions ran, and optionally holds a commit
/// until the test releases it (to prove acknowledgement waits for the commit).
/// </summary>
public sealed class CountingWriter(IDocumentWriter inner) : IDocumentWriter
{
    private int commits;
    private int failNext;

    public int Commits => Volatile.Read(ref commits);

    public TaskCompletionSource? Gate { get; set; }

    /// <summary>How many of the next commits fail (as a storage outage would) without writing anything.</summary>
    public int FailNext
    {
        get => Volatile.Read(ref failNext);
        set => Volatile.Write(ref failNext, value);
    }

    public TaskCompletionSource CommitStarted { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task CommitAsync(long database, CommitBatch batch, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref commits);
        CommitStarted.TrySetResult();
        if (Interlocked.Decrement(ref failNext) >= 0)
        {
            throw new InvalidOperationException("Simulated storage failure.");
        }

        Interlocked.Exchange(ref failNext, 0);
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        await inner.CommitAsync(database, batch, cancellationToken);
    }

    public void ResetCommitStarted() => CommitStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<LocalUpdateResult> UpdateLocalAsync(long database, LocalDocumentUpdate update, CancellationToken cancellationToken = default) =>
        inner.UpdateLocalAsync(database, update, cancellationToken);

    public Task DeleteBodiesExceptAsync(long database, IReadOnlyList<RevisionKey> keep, CancellationToken cancellationToken = default) =>
        inner.DeleteBodiesExceptAsync(database, keep, cancellationToken);

    public Task DeleteUnreferencedAttachmentsAsync(long database, CancellationToken cancellationToken = default) =>
        inner.DeleteUnreferencedAttachmentsAsync(database, cancellationToken);
}
