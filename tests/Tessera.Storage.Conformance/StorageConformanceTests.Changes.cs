using Xunit;

namespace Tessera.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    /// <summary>a@1, b@2, c@3 created; then a updated at 4 and b deleted at 5. Latest: c@3, a@4, b@5.</summary>
    private static async Task<DatabaseRecord> CreateChangesFixtureAsync(Storage storage)
    {
        var database = await CreateDatabaseAsync(storage);
        await CreateDocumentsAsync(storage, database.Key, 1, "a", "b", "c");
        await storage.Writer.CommitAsync(database.Key, Batch(4, [Doc("a", "2-a", 4)], [new("a", "2-a", """{"v":2}""")]), Token);
        await storage.Writer.CommitAsync(database.Key, Batch(5, [Doc("b", "2-b", 5, deleted: true)], [new("b", "2-b", """{"_deleted_body":true}""")], docCountDelta: -1, deletedDocCountDelta: 1), Token);
        return database;
    }

    [Fact]
    public async Task GetChanges_ListsEachDocumentOnceAtItsLatestSeq_InSeqOrder()
    {
        var storage = await OpenAsync();
        var database = await CreateChangesFixtureAsync(storage);

        var changes = await ToListAsync(storage.Reader.GetChangesAsync(database.Key, new ChangesQuery(0), Token));

        Assert.Equal([("c", 3L), ("a", 4L), ("b", 5L)], changes.Select(row => (row.Document.Id, row.Document.Seq)));
        Assert.True(changes[2].Document.Deleted);
        Assert.Equal("2-a", changes[1].Document.WinningRev);
        Assert.Equal(RevTreeOf("a", "2-a"), changes[1].Document.RevTree);
        Assert.All(changes, row => Assert.Null(row.Body));
    }

    [Fact]
    public async Task GetChanges_Since_ReturnsOnlyLaterChanges()
    {
        var storage = await OpenAsync();
        var database = await CreateChangesFixtureAsync(storage);

        var changes = await ToListAsync(storage.Reader.GetChangesAsync(database.Key, new ChangesQuery(Since: 3), Token));

        Assert.Equal(["a", "b"], changes.Select(row => row.Document.Id));
        Assert.Empty(await ToListAsync(storage.Reader.GetChangesAsync(database.Key, new ChangesQuery(Since: 5), Token)));
    }

    [Fact]
    public async Task GetChanges_Limit_StopsAfterThatManyRows()
    {
        var storage = await OpenAsync();
        var database = await CreateChangesFixtureAsync(storage);

        var changes = await ToListAsync(storage.Reader.GetChangesAsync(database.Key, new ChangesQuery(Since: 0, Limit: 2), Token));

        Assert.Equal(["c", "a"], changes.Select(row => row.Document.Id));
        Assert.Empty(await ToListAsync(storage.Reader.GetChangesAsync(database.Key, new ChangesQuery(Since: 0, Limit: 0), Token)));
    }

    [Fact]
    public async Task GetChanges_Descending_ReturnsNewestFirst()
    {
        var storage = await OpenAsync();
        var database = await CreateChangesFixtureAsync(storage);

        var all = await ToListAsync(storage.Reader.GetChangesAsync(database.Key, new ChangesQuery(Since: 0, Descending: true), Token));
        var newest = await ToListAsync(storage.Reader.GetChangesAsync(database.Key, new ChangesQuery(Since: 0, Limit: 1, Descending: true), Token));

        Assert.Equal(["b", "a", "c"], all.Select(row => row.Document.Id));
        Assert.Equal(["b"], newest.Select(row => row.Document.Id));
    }

    [Fact]
    public async Task GetChanges_IncludeBodies_ReturnsWinningBodies()
    {
        var storage = await OpenAsync();
        var database = await CreateChangesFixtureAsync(storage);

        var changes = await ToListAsync(storage.Reader.GetChangesAsync(database.Key, new ChangesQuery(Since: 0, IncludeBodies: true), Token));

        AssertJsonEqual(BodyOf("c", "1-a"), changes[0].Body);
        AssertJsonEqual("""{"v":2}""", changes[1].Body);
        AssertJsonEqual("""{"_deleted_body":true}""", changes[2].Body);
    }
}
