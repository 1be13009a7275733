namespace Tessera.Grains;

/// <summary>
/// The single writer of one tenant database, keyed <c>{tenant}/{database}</c> (see <see cref="DatabaseGrainKey"/>).
/// Every change of the database (documents, local documents, settings, lifecycle) goes through it, in one ordered queue;
/// concurrent document writes are committed together (group commit). Reads do not go through it.
/// </summary>
public interface IDatabaseGrain : IGrainWithStringKey
{
    /// <summary>Creates the database; <see cref="DatabaseStatus.AlreadyExists"/> when it exists.</summary>
    Task<DatabaseStatus> CreateAsync();

    /// <summary>Deletes the database and all its data; <see cref="DatabaseStatus.NotFound"/> when it did not exist.</summary>
    Task<DatabaseStatus> DeleteAsync();

    /// <summary>
    /// Writes documents; acknowledged only after the transaction that holds them committed.
    /// Results are in request order. With <see cref="WriteRequest.NewEdits"/> false, revisions are merged as given (replication).
    /// </summary>
    Task<WriteResponse> WriteAsync(WriteRequest request);

    Task<DatabaseStatus> SetRevsLimitAsync(int revsLimit);

    Task<DatabaseStatus> SetSecurityAsync(string securityJson);

    /// <summary>Drops bodies of non-leaf revisions and unreferenced attachments.</summary>
    Task<DatabaseStatus> CompactAsync();

    /// <summary>Writes a <c>_local</c> document; its revision must match the stored one (or be absent for a new one).</summary>
    Task<LocalWriteResult> PutLocalAsync(LocalWrite write);

    /// <summary>
    /// Registers a node's observer for change hints after each commit, until it expires (see
    /// <see cref="ChangeNotificationOptions.ObserverExpiry"/>) or is unregistered; registering again renews it. Answers
    /// the last committed sequence, so the caller can wake subscribers for commits it may have missed. Not queued behind writes.
    /// </summary>
    Task<ChangeCursor> SubscribeChangesAsync(IChangeObserver observer);

    /// <summary>
    /// Like <see cref="SubscribeChangesAsync"/>, but the observer receives <see cref="IChangeObserver.OnCommittedAsync"/>
    /// (small commits carry their change rows) instead of <see cref="IChangeObserver.OnChangedAsync"/>.
    /// Note: a method of its own, so a silo that predates it fails the call (the node then registers the old way) and a
    /// node that predates it is never sent a message it cannot handle.
    /// </summary>
    Task<ChangeCursor> SubscribeCommitsAsync(IChangeObserver observer);

    Task UnsubscribeChangesAsync(IChangeObserver observer);
}
