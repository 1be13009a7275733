using System.Text.Json.Nodes;
using Tessera.Storage;

namespace Tessera.Grains.Tests;

public sealed class DatabaseGrainTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    private static DocumentWrite Doc(string id, string? rev = null, string body = """{"v":1}""") => new(id, rev, false, body, null, []);

    private async Task<IDatabaseGrain> NewDatabaseAsync()
    {
        var grain = fixture.Grains.GetGrain<IDatabaseGrain>(DatabaseGrainKey.For("t1", "db" + Guid.NewGuid().ToString("N")[..12]));
        Assert.Equal(DatabaseStatus.Created, await grain.CreateAsync());
        return grain;
    }

    private async Task<DatabaseRecord> InfoAsync(IDatabaseGrain grain)
    {
        var (tenant, name) = DatabaseGrainKey.Parse(grain.GetPrimaryKeyString());
        return (await fixture.Catalog.GetAsync(tenant, name, TestContext.Current.CancellationToken))!;
    }

    [Fact]
    public async Task Write_ManyConcurrentSingleDocuments_AllStoredWithConsecutiveSequences()
    {
        var grain = await NewDatabaseAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => grain.WriteAsync(new WriteRequest([Doc($"d{i:000}")]))));

        Assert.All(responses, r => Assert.True(r.Results[0].Ok));
        var info = await InfoAsync(grain);
        Assert.Equal(200, info.UpdateSeq);
        Assert.Equal(200, info.DocCount);
        var seqs = new List<long>();
        await foreach (var change in fixture.Reader.GetChangesAsync(info.Key, new ChangesQuery(0), TestContext.Current.CancellationToken))
        {
            seqs.Add(change.Document.Seq);
        }

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task Write_ConcurrentRequests_AreGroupCommittedInFewerTransactions()
    {
        var grain = await NewDatabaseAsync();
        var before = fixture.Writer.Commits;

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => grain.WriteAsync(new WriteRequest([Doc($"g{i}")]))));

        var commits = fixture.Writer.Commits - before;
        Assert.InRange(commits, 1, 99);
    }

    [Fact]
    public async Task Write_TwoUpdatesOfTheSameRevision_ExactlyOneWinsTheOtherConflicts()
    {
        var grain = await NewDatabaseAsync();
        var created = (await grain.WriteAsync(new WriteRequest([Doc("x")]))).Results[0];

        var results = await Task.WhenAll(
            grain.WriteAsync(new WriteRequest([Doc("x", created.Rev, """{"v":2}""")])),
            grain.WriteAsync(new WriteRequest([Doc("x", created.Rev, """{"v":3}""")])));

        Assert.Single(results, r => r.Results[0].Ok);
        Assert.Single(results, r => r.Results[0].Error == "conflict");
    }

    [Fact]
    public async Task Write_IsAcknowledgedOnlyAfterItsTransactionCommitted()
    {
        var grain = await NewDatabaseAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Writer.ResetCommitStarted();
        fixture.Writer.Gate = gate;
        try
        {
            var write = grain.WriteAsync(new WriteRequest([Doc("held")]));
            await fixture.Writer.CommitStarted.Task.WaitAsync(TestContext.Current.CancellationToken);

            Assert.False(write.IsCompleted);
            var info = await InfoAsync(grain);
            Assert.Null(await fixture.Reader.GetDocumentAsync(info.Key, "held", TestContext.Current.CancellationToken));

            gate.SetResult();
            Assert.True((await write).Results[0].Ok);
            Assert.NotNull(await fixture.Reader.GetDocumentAsync(info.Key, "held", TestContext.Current.CancellationToken));
        }
        finally
        {
            fixture.Writer.Gate = null;
            gate.TrySetResult();
        }
    }

    [Fact]
    public async Task Write_AfterTheGrainMovedToAnotherSilo_ContinuesTheSequenceFromStorage()
    {
        var grain = await NewDatabaseAsync();
        await grain.WriteAsync(new WriteRequest([Doc("a"), Doc("b")]));

        var silos = fixture.Cluster.GetActiveSilos().Select(s => s.SiloAddress).ToList();
        var current = fixture.Cluster.Silos.First(s => fixture.Cluster.TryGetGrainContextOn(s, grain)).SiloAddress;
        await fixture.Cluster.MigrateAsync(grain, silos.First(s => !s.Equals(current)));
        var third = await grain.WriteAsync(new WriteRequest([Doc("c")]));

        Assert.True(third.Results[0].Ok);
        Assert.Equal(3, (await InfoAsync(grain)).UpdateSeq);
    }

    [Fact]
    public async Task Write_AfterAnotherWriterCommitted_FailsAsMovedThenContinuesAfterTheOtherWritersSequence()
    {
        var grain = await NewDatabaseAsync();
        await grain.WriteAsync(new WriteRequest([Doc("a")]));
        var info = await InfoAsync(grain);

        // A second activation of the same database (as while silos join or leave) commits behind this one's back.
        var other = new CommitBatch([new DocumentRecord("other", "1-x", false, 2, [1])], [new RevisionBody("other", "1-x", "{}")], [], [], 2, 1, 0) { ExpectedUpdateSeq = 1 };
        await fixture.Writer.CommitAsync(info.Key, other, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<DatabaseMovedException>(() => grain.WriteAsync(new WriteRequest([Doc("b")])));
        var retried = await grain.WriteAsync(new WriteRequest([Doc("c")]));

        Assert.True(retried.Results[0].Ok);
        var after = await InfoAsync(grain);
        Assert.Equal(3, after.UpdateSeq);
        Assert.Equal(3, after.DocCount);
        Assert.Null(await fixture.Reader.GetDocumentAsync(info.Key, "b", TestContext.Current.CancellationToken));
        Assert.Equal(3, (await fixture.Reader.GetDocumentAsync(info.Key, "c", TestContext.Current.CancellationToken))!.Seq);
    }

    [Fact]
    public async Task Write_AfterDeactivation_ReloadsHotStateFromStorage()
    {
        var grain = await NewDatabaseAsync();
        await grain.WriteAsync(new WriteRequest([Doc("a")]));

        await fixture.Cluster.DeactivateAsync(grain);
        await grain.WriteAsync(new WriteRequest([Doc("b")]));

        var info = await InfoAsync(grain);
        Assert.Equal(2, info.UpdateSeq);
        Assert.Equal(2, info.DocCount);
    }

    [Fact]
    public async Task Write_ToADeletedDatabase_ReportsNotFoundAndStoresNothing()
    {
        var grain = await NewDatabaseAsync();
        Assert.Equal(DatabaseStatus.Ok, await grain.DeleteAsync());

        var response = await grain.WriteAsync(new WriteRequest([Doc("a")]));

        Assert.Equal(DatabaseStatus.NotFound, response.Status);
        var (tenant, name) = DatabaseGrainKey.Parse(grain.GetPrimaryKeyString());
        Assert.Null(await fixture.Catalog.GetAsync(tenant, name, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Write_AfterAFailedCommit_FailsOnlyUnwrittenRequestsAndContinuesTheSequence()
    {
        var grain = await NewDatabaseAsync();
        await grain.WriteAsync(new WriteRequest([Doc("before")]));
        fixture.Writer.FailNext = 1;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            try
            {
                return (await grain.WriteAsync(new WriteRequest([Doc($"f{i}")]))).Results[0].Ok;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }));
        var after = await grain.WriteAsync(new WriteRequest([Doc("after")]));

        Assert.True(after.Results[0].Ok);
        Assert.Contains(false, outcomes);
        var info = await InfoAsync(grain);
        var stored = new List<long>();
        await foreach (var change in fixture.Reader.GetChangesAsync(info.Key, new ChangesQuery(0), TestContext.Current.CancellationToken))
        {
            stored.Add(change.Document.Seq);
        }

        // Every acknowledged write is stored, nothing else is, and sequences stay consecutive.
        Assert.Equal(2 + outcomes.Count(ok => ok), stored.Count);
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored);
        Assert.Equal(stored.Count, info.UpdateSeq);
    }

    [Fact]
    public async Task Compact_DeletesBodiesOfRevisionsThatAreNoLongerLeaves_AndKeepsEveryLeaf()
    {
        var grain = await NewDatabaseAsync();
        var token = TestContext.Current.CancellationToken;
        // More documents than one compaction page, each updated once; "x" also gets a conflicting branch from a replica.
        var ids = Enumerable.Range(0, 1001).Select(i => $"d{i:0000}").Append("x").ToList();
        var created = (await grain.WriteAsync(new WriteRequest([.. ids.Select(id => Doc(id))]))).Results;
        var updated = (await grain.WriteAsync(new WriteRequest([.. created.Select(r => Doc(r.Id, r.Rev, """{"v":2}"""))]))).Results;
        var firstOfX = created.Single(r => r.Id == "x").Rev!;
        var conflict = new DocumentWrite("x", "2-" + new string('f', 32), false, """{"v":"replica"}""", ["2-" + new string('f', 32), firstOfX], []);
        Assert.True((await grain.WriteAsync(new WriteRequest([conflict], NewEdits: false))).Results[0].Ok);
        var info = await InfoAsync(grain);

        // Before compaction every revision's body is readable.
        Assert.NotNull(await fixture.Reader.GetBodyAsync(info.Key, "d1000", created[1000].Rev!, token));

        Assert.Equal(DatabaseStatus.Ok, await grain.CompactAsync());

        foreach (var (first, second) in created.Zip(updated))
        {
            Assert.Null(await fixture.Reader.GetBodyAsync(info.Key, first.Id, first.Rev!, token));
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"v":2}"""), JsonNode.Parse((await fixture.Reader.GetBodyAsync(info.Key, second.Id, second.Rev!, token))!)));
        }

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"v":"replica"}"""), JsonNode.Parse((await fixture.Reader.GetBodyAsync(info.Key, "x", conflict.Rev!, token))!)));
        Assert.Equal(info.UpdateSeq, (await InfoAsync(grain)).UpdateSeq);
    }
}
