using Xunit;

namespace Tessera.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task LocalDocument_PutGetReplaceDelete_RoundTrips()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);

        await storage.Writer.PutLocalAsync(database.Key, new LocalDocument("_local/checkpoint", "0-1", """{"last_seq":"5"}"""), Token);
        var first = await storage.Reader.GetLocalAsync(database.Key, "_local/checkpoint", Token);
        await storage.Writer.PutLocalAsync(database.Key, new LocalDocument("_local/checkpoint", "0-2", """{"last_seq":"9"}"""), Token);
        var replaced = await storage.Reader.GetLocalAsync(database.Key, "_local/checkpoint", Token);
        var deleted = await storage.Writer.DeleteLocalAsync(database.Key, "_local/checkpoint", Token);

        Assert.NotNull(first);
        Assert.Equal("_local/checkpoint", first.Id);
        Assert.Equal("0-1", first.Rev);
        AssertJsonEqual("""{"last_seq":"5"}""", first.Json);
        Assert.NotNull(replaced);
        Assert.Equal("0-2", replaced.Rev);
        AssertJsonEqual("""{"last_seq":"9"}""", replaced.Json);
        Assert.True(deleted);
        Assert.Null(await storage.Reader.GetLocalAsync(database.Key, "_local/checkpoint", Token));
    }

    [Fact]
    public async Task DeleteLocal_Unknown_ReturnsFalse()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);

        Assert.False(await storage.Writer.DeleteLocalAsync(database.Key, "_local/missing", Token));
    }

    [Fact]
    public async Task LocalDocuments_StayOutOfAllDocsAndChanges_AndOtherDatabases()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        var other = await CreateDatabaseAsync(storage);

        await storage.Writer.PutLocalAsync(database.Key, new LocalDocument("_local/x", "0-1", "{}"), Token);

        Assert.Empty(await ToListAsync(storage.Reader.GetAllDocsAsync(database.Key, new AllDocsQuery(), Token)));
        Assert.Empty(await ToListAsync(storage.Reader.GetChangesAsync(database.Key, new ChangesQuery(0), Token)));
        Assert.Null(await storage.Reader.GetLocalAsync(other.Key, "_local/x", Token));
        Assert.Equal(0, (await storage.Catalog.GetAsync(database.Tenant, database.Name, Token))!.UpdateSeq);
    }
}
