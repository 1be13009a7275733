using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tessera.Storage;

namespace Tessera.Grains.Tests;

/// <summary>Change hints across silos: a commit by the grain on one silo wakes waiters on another (ChangeHub.Watch).</summary>
public sealed class ChangeNotificationTests(ChangeClusterFixture fixture) : IClassFixture<ChangeClusterFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DocumentWrite Doc(string id) => new(id, null, false, """{"v":1}""", null, []);

    private async Task<(IDatabaseGrain Grain, DatabaseRecord Info)> NewDatabaseAsync()
    {
        var name = "db" + Guid.NewGuid().ToString("N")[..12];
        var grain = fixture.Grains.GetGrain<IDatabaseGrain>(DatabaseGrainKey.For("t1", name));
        Assert.Equal(DatabaseStatus.Created, await grain.CreateAsync());
        return (grain, (await fixture.Catalog.GetAsync("t1", name, Ct))!);
    }

    [Fact]
    public async Task Write_ThroughTheGrainOnAnotherSilo_WakesAWatcherOnThisSilo()
    {
        var (grain, info) = await NewDatabaseAsync();
        var (host, other) = fixture.Silos(grain);
        var hub = fixture.HubOf(other);
        using var watch = hub.Watch("t1", info.Name, info.Key);
        await watch.Registered.WaitAsync(Bound, Ct);
        var waiting = hub.WaitAsync(info.Key, 0, Ct);
        Assert.False(waiting.IsCompleted);

        var response = await grain.WriteAsync(new WriteRequest([Doc("a")]));

        Assert.True(response.Results[0].Ok);
        Assert.True(fixture.Cluster.TryGetGrainContextOn(host, grain), "The grain must still run on the other silo for this test to mean anything.");
        Assert.True(await waiting.WaitAsync(Bound, Ct));
        Assert.Equal(1, hub.Current(info.Key));
    }

    [Fact]
    public async Task Watch_AfterWritesItMissed_WakesWaitersWithTheCommittedSequence()
    {
        var (grain, info) = await NewDatabaseAsync();
        var (_, other) = fixture.Silos(grain);
        var hub = fixture.HubOf(other);
        var waiting = hub.WaitAsync(info.Key, 0, Ct);
        await grain.WriteAsync(new WriteRequest([Doc("a"), Doc("b")]));
        Assert.False(waiting.IsCompleted);

        // The registration answers the committed sequence: a subscriber that read storage before those writes wakes.
        using var watch = hub.Watch("t1", info.Name, info.Key);

        Assert.True(await waiting.WaitAsync(Bound, Ct));
        Assert.Equal(2, hub.Current(info.Key));
    }

    [Fact]
    public async Task Write_AfterTheGrainMovedAwayAndBack_StillWakesTheWatcher()
    {
        var (grain, info) = await NewDatabaseAsync();
        var (host, other) = fixture.Silos(grain);
        var hub = fixture.HubOf(other);
        using var watch = hub.Watch("t1", info.Name, info.Key);
        await watch.Registered.WaitAsync(Bound, Ct);

        // Each move deactivates the grain (and its registrations); the watching silo registers again with the new one.
        await fixture.Cluster.MigrateAsync(grain, other.SiloAddress);
        await grain.WriteAsync(new WriteRequest([Doc("on-other")]));
        await fixture.Cluster.MigrateAsync(grain, host.SiloAddress);
        var waiting = hub.WaitAsync(info.Key, 1, Ct);
        await grain.WriteAsync(new WriteRequest([Doc("back-home")]));

        Assert.True(fixture.Cluster.TryGetGrainContextOn(host, grain), "The grain must be back on its first silo for this test to mean anything.");
        Assert.True(await waiting.WaitAsync(Bound, Ct));
        Assert.Equal(2, hub.Current(info.Key));
    }

    [Fact]
    public async Task Delete_OfAFollowedDatabase_WakesTheWatcherWithTheDeletedMark()
    {
        var (grain, info) = await NewDatabaseAsync();
        var (_, other) = fixture.Silos(grain);
        var hub = fixture.HubOf(other);
        using var watch = hub.Watch("t1", info.Name, info.Key);
        await watch.Registered.WaitAsync(Bound, Ct);
        var waiting = hub.WaitAsync(info.Key, 0, Ct);

        Assert.Equal(DatabaseStatus.Ok, await grain.DeleteAsync());

        Assert.True(await waiting.WaitAsync(Bound, Ct));
        Assert.Equal(long.MaxValue, hub.Current(info.Key));
    }
    [Fact]
    public async Task SmallCommits_ThroughTheGrainOnAnotherSilo_CarryTheirRowsToTheWatcher()
    {
        var (grain, info) = await NewDatabaseAsync();
        var (host, other) = fixture.Silos(grain);
        var hub = fixture.HubOf(other);
        using var watch = hub.Watch("t1", info.Name, info.Key);
        await watch.Registered.WaitAsync(Bound, Ct);

        // Note: each write waits for its hint here: one-way messages may arrive out of order (the first ones to a new
        // observer can wait for its address), and an out-of-order hint starts the rows over, which is safe but not this test.
        var first = await grain.WriteAsync(new WriteRequest([Doc("a"), Doc("b")]));
        Assert.True(await hub.WaitAsync(info.Key, 1, Ct).WaitAsync(Bound, Ct));
        var second = await grain.WriteAsync(new WriteRequest([Doc("c")]));
        Assert.True(await hub.WaitAsync(info.Key, 2, Ct).WaitAsync(Bound, Ct));
        var update = await grain.WriteAsync(new WriteRequest([new DocumentWrite("a", first.Results[0].Rev, false, """{"v":2}""", null, [])]));
        Assert.True(await hub.WaitAsync(info.Key, 3, Ct).WaitAsync(Bound, Ct));

        // Each document once, at its latest sequence: "a" left its first row when it changed again.
        Assert.True(fixture.Cluster.TryGetGrainContextOn(host, grain), "The grain must still run on the other silo for this test to mean anything.");
        var recent = hub.Recent(info.Key);
        Assert.NotNull(recent);
        Assert.Equal((0L, 4L), (recent.From, recent.Through));
        Assert.Equal(
            [new CommittedChange("b", first.Results[1].Rev!, false, 2), new CommittedChange("c", second.Results[0].Rev!, false, 3), new CommittedChange("a", update.Results[0].Rev!, false, 4)],
            recent.Rows);
        Assert.True(recent.Covers(0, 4));
    }

    [Fact]
    public async Task Commit_LargerThanRowsPerNotification_DropsTheRecentRows()
    {
        var (grain, info) = await NewDatabaseAsync();
        var (_, other) = fixture.Silos(grain);
        var hub = fixture.HubOf(other);
        using var watch = hub.Watch("t1", info.Name, info.Key);
        await watch.Registered.WaitAsync(Bound, Ct);
        await grain.WriteAsync(new WriteRequest([Doc("small")]));
        Assert.True(await hub.WaitAsync(info.Key, 0, Ct).WaitAsync(Bound, Ct));
        Assert.NotNull(hub.Recent(info.Key));

        await grain.WriteAsync(new WriteRequest([.. Enumerable.Range(0, 65).Select(i => Doc($"big{i}"))]));

        Assert.True(await hub.WaitAsync(info.Key, 1, Ct).WaitAsync(Bound, Ct));
        Assert.Equal(66, hub.Current(info.Key));
        Assert.Null(hub.Recent(info.Key));
    }

    [Fact]
    public async Task Observer_RegisteredTheOldWay_GetsSequenceHintsOnly()
    {
        // A node that predates commit rows registers with SubscribeChangesAsync: it must never be sent OnCommittedAsync.
        var (grain, _) = await NewDatabaseAsync();
        var recorder = new RecordingObserver();
        var reference = fixture.Grains.CreateObjectReference<IChangeObserver>(recorder);
        await grain.SubscribeChangesAsync(reference);

        await grain.WriteAsync(new WriteRequest([Doc("a")]));

        Assert.Equal(1, await recorder.Changed.Task.WaitAsync(Bound, Ct));
        Assert.Equal(0, recorder.Committed);
        GC.KeepAlive(recorder);
    }

    [Fact]
    public async Task RecentRows_AreBoundedPerDatabaseAndInDatabases_AndStartOverAfterAGap()
    {
        var databases = new List<DatabaseRecord>();
        for (var i = 0; i < 3; i++)
        {
            databases.Add((await NewDatabaseAsync()).Info);
        }

        var options = new ChangeNotificationOptions { RecentRowsPerDatabase = 4, RecentDatabases = 2, RefreshInterval = TimeSpan.FromMinutes(10), ObserverExpiry = TimeSpan.FromMinutes(30) };
        using var hub = new ChangeHub(fixture.Grains, Options.Create(options), NullLogger<ChangeHub>.Instance);
        var watches = databases.Select(d => hub.Watch("t1", d.Name, d.Key)).ToList();
        await Task.WhenAll(watches.Select(w => w.Registered)).WaitAsync(Bound, Ct);
        var key = databases[0].Key;
        for (var seq = 1; seq <= 10; seq++)
        {
            hub.PublishCommitted(new CommittedChanges(key, seq - 1, seq, [new CommittedChange($"d{seq}", "1-x", false, seq)]));
        }

        // Four rows kept: they cover every change after 6.
        var recent = hub.Recent(key)!;
        Assert.Equal((6L, 10L), (recent.From, recent.Through));
        Assert.Equal(["d7", "d8", "d9", "d10"], recent.Rows.Select(r => r.Id));
        Assert.False(recent.Covers(5, 10));
        Assert.True(recent.Covers(6, 10));

        // A document changed again moves to its new sequence; the bound still holds.
        hub.PublishCommitted(new CommittedChanges(key, 10, 11, [new CommittedChange("d9", "2-x", false, 11)]));
        recent = hub.Recent(key)!;
        Assert.Equal(["d7", "d8", "d10", "d9"], recent.Rows.Select(r => r.Id));
        Assert.Equal((6L, 11L), (recent.From, recent.Through));

        // A notification that does not start where the rows end (12 was missed) starts over: nobody at 11 is served from memory.
        hub.PublishCommitted(new CommittedChanges(key, 12, 13, [new CommittedChange("d13", "1-x", false, 13)]));
        recent = hub.Recent(key)!;
        Assert.Equal((12L, 13L), (recent.From, recent.Through));
        Assert.False(recent.Covers(11, 13));

        // A stale or repeated notification changes nothing; rows outside the commit's range are not kept.
        hub.PublishCommitted(new CommittedChanges(key, 12, 13, [new CommittedChange("other", "1-x", false, 13)]));
        Assert.Same(recent, hub.Recent(key));
        hub.PublishCommitted(new CommittedChanges(key, 13, 14, [new CommittedChange("late", "1-x", false, 15)]));
        Assert.Null(hub.Recent(key));

        // Two databases at most.
        hub.PublishCommitted(new CommittedChanges(key, 14, 15, [new CommittedChange("d15", "1-x", false, 15)]));
        hub.PublishCommitted(new CommittedChanges(databases[1].Key, 0, 1, [new CommittedChange("x", "1-x", false, 1)]));
        hub.PublishCommitted(new CommittedChanges(databases[2].Key, 0, 1, [new CommittedChange("y", "1-x", false, 1)]));
        Assert.Equal(2, hub.RecentCount);
        Assert.Null(hub.Recent(databases[2].Key));

        // Deleting a database drops its rows.
        hub.Publish(key, long.MaxValue);
        Assert.Null(hub.Recent(key));
        watches.ForEach(w => w.Dispose());
    }

    private sealed class RecordingObserver : IChangeObserver
    {
        private int committed;

        public TaskCompletionSource<int> Changed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Committed => Volatile.Read(ref committed);

        public Task OnChangedAsync(long databaseKey, long updateSeq)
        {
            Changed.TrySetResult((int)updateSeq);
            return Task.CompletedTask;
        }

        public Task OnDetachedAsync(long databaseKey) => Task.CompletedTask;

        public Task OnCommittedAsync(CommittedChanges changes)
        {
            Interlocked.Increment(ref committed);
            return Task.CompletedTask;
        }
    }
}
