using Xunit;

namespace Tessera.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task LocalDocuments_StayOutOfAllDocsAndChanges_AndOtherDatabases()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        var other = await CreateDatabaseAsync(storage);

        await storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/x", null, false, "{}"), Token);

        Assert.Empty(await ToListAsync(storage.Reader.GetAllDocsAsync(database.Key, new AllDocsQuery(), Token)));
        Assert.Empty(await ToListAsync(storage.Reader.GetChangesAsync(database.Key, new ChangesQuery(0), Token)));
        Assert.Null(await storage.Reader.GetLocalAsync(other.Key, "_local/x", Token));
        Assert.Equal(0, (await storage.Catalog.GetAsync(database.Tenant, database.Name, Token))!.UpdateSeq);
    }

    [Fact]
    public async Task UpdateLocal_CreateThenReplaceWithCurrentRev_CountsRevisions()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);

        var created = await storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/c", null, false, """{"last_seq":"1"}"""), Token);
        var replaced = await storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/c", "0-1", false, """{"last_seq":"2"}"""), Token);
        var again = await storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/c", "0-2", false, """{"last_seq":"3"}"""), Token);

        Assert.Equal(new LocalUpdateResult(LocalUpdateStatus.Written, "0-1"), created);
        Assert.Equal(new LocalUpdateResult(LocalUpdateStatus.Written, "0-2"), replaced);
        Assert.Equal(new LocalUpdateResult(LocalUpdateStatus.Written, "0-3"), again);
        var stored = await storage.Reader.GetLocalAsync(database.Key, "_local/c", Token);
        Assert.Equal("_local/c", stored!.Id);
        Assert.Equal("0-3", stored.Rev);
        AssertJsonEqual("""{"last_seq":"3"}""", stored.Json);
    }

    [Fact]
    public async Task UpdateLocal_WithStaleOrMissingRev_ConflictsAndChangesNothing()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        await storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/c", null, false, """{"v":1}"""), Token);
        await storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/c", "0-1", false, """{"v":2}"""), Token);

        var stale = await storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/c", "0-1", false, """{"v":3}"""), Token);
        var none = await storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/c", null, false, """{"v":4}"""), Token);
        var staleDelete = await storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/c", "0-1", true, "{}"), Token);

        Assert.Equal(LocalUpdateStatus.Conflict, stale.Status);
        Assert.Equal(LocalUpdateStatus.Conflict, none.Status);
        Assert.Equal(LocalUpdateStatus.Conflict, staleDelete.Status);
        var stored = await storage.Reader.GetLocalAsync(database.Key, "_local/c", Token);
        Assert.Equal("0-2", stored!.Rev);
        AssertJsonEqual("""{"v":2}""", stored.Json);
    }

    [Fact]
    public async Task UpdateLocal_Delete_WithCurrentOrNoRev_RemovesAndMissingIsNotFound()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        await storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/a", null, false, "{}"), Token);
        await storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/b", null, false, "{}"), Token);

        var withRev = await storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/a", "0-1", true, "{}"), Token);
        var withoutRev = await storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/b", null, true, "{}"), Token);
        var missing = await storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/a", "0-1", true, "{}"), Token);
        var recreated = await storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/b", "0-7", false, "{}"), Token);

        Assert.Equal(new LocalUpdateResult(LocalUpdateStatus.Written, "0-0"), withRev);
        Assert.Equal(new LocalUpdateResult(LocalUpdateStatus.Written, "0-0"), withoutRev);
        Assert.Equal(LocalUpdateStatus.NotFound, missing.Status);
        Assert.Null(await storage.Reader.GetLocalAsync(database.Key, "_local/a", Token));
        Assert.Equal(new LocalUpdateResult(LocalUpdateStatus.Written, "0-1"), recreated);
    }

    [Fact]
    public async Task UpdateLocal_ConcurrentFromSameRev_OnlyOneWins()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        await storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/c", null, false, "{}"), Token);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/c", "0-1", false, $$"""{"writer":{{i}}}"""), Token)));

        Assert.Single(results, r => r.Status == LocalUpdateStatus.Written);
        Assert.Equal(7, results.Count(r => r.Status == LocalUpdateStatus.Conflict));
        Assert.Equal("0-2", (await storage.Reader.GetLocalAsync(database.Key, "_local/c", Token))!.Rev);
    }
}
