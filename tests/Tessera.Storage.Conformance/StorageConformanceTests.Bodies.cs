using Tessera.Storage;
using Xunit;

namespace Tessera.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task GetBodies_ManyRevisions_ReturnsTheStoredOnesAndOmitsUnknownAndOtherDatabases()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        var other = await CreateDatabaseAsync(storage, "other");
        await CreateDocumentsAsync(storage, database.Key, 1, "a", "b", "c");
        await CreateDocumentsAsync(storage, other.Key, 1, "d");

        var bodies = await storage.Reader.GetBodiesAsync(
            database.Key,
            [new("a", "1-a"), new("c", "1-a"), new("a", "9-zz"), new("missing", "1-a"), new("d", "1-a")],
            Token);

        Assert.Equal(2, bodies.Count);
        AssertJsonEqual(BodyOf("a", "1-a"), bodies[new RevisionKey("a", "1-a")]);
        AssertJsonEqual(BodyOf("c", "1-a"), bodies[new RevisionKey("c", "1-a")]);
    }

    [Fact]
    public async Task GetBodies_NoRevisions_ReturnsEmpty()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);

        Assert.Empty(await storage.Reader.GetBodiesAsync(database.Key, [], Token));
    }
}
