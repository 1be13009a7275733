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
}
