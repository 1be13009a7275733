namespace Tessera.Storage;

/// <summary>
/// A commit found the database's <c>update_seq</c> moved by another writer since this one loaded it (see
/// <see cref="CommitBatch.ExpectedUpdateSeq"/>); nothing of the commit was written.
/// </summary>
public sealed class ConcurrentWriterException(long database, long expectedUpdateSeq, Exception? innerException = null)
    : Exception($"Storage database {database} was advanced by another writer (expected update_seq {expectedUpdateSeq}); nothing was committed.", innerException)
{
    public long Database { get; } = database;

    public long ExpectedUpdateSeq { get; } = expectedUpdateSeq;
}
