using Xunit;

namespace Tessera.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    // Note: "Ａ" (U+FF21) sorts before "😀" (U+1F600) in UTF-8 bytes but after it in UTF-16 code units.
    private static readonly string[] MixedIds = ["b", "B", "a", "A", "_design/x", "aa", "a b", "é", "É", "z", "Z", "😀", "Ａ", "10", "9", "~"];

    private static async Task<DatabaseRecord> CreateAllDocsFixtureAsync(Storage storage, params string[] ids)
    {
        var database = await CreateDatabaseAsync(storage);
        var seq = await CreateDocumentsAsync(storage, database.Key, 1, ids);
        await CreateDocumentsAsync(storage, database.Key, seq + 1, "deleted-one");
        await storage.Writer.CommitAsync(database.Key, Batch(seq + 2, [Doc("deleted-one", "2-d", seq + 2, deleted: true)], [new("deleted-one", "2-d", "{}")], docCountDelta: -1, deletedDocCountDelta: 1), Token);
        return database;
    }

    private static async Task<List<string>> AllDocIdsAsync(Storage storage, long database, AllDocsQuery query) =>
        (await ToListAsync(storage.Reader.GetAllDocsAsync(database, query, Token))).Select(row => row.Document.Id).ToList();

    [Fact]
    public async Task GetAllDocs_ListsIdsInUtf8ByteOrder_WithoutDeletedDocuments()
    {
        var storage = await OpenAsync();
        var database = await CreateAllDocsFixtureAsync(storage, MixedIds);

        var ids = await AllDocIdsAsync(storage, database.Key, new AllDocsQuery());

        Assert.Equal(MixedIds.Order(Utf8Order), ids);
        Assert.DoesNotContain("deleted-one", ids);
        Assert.Equal(MixedIds.Order(Utf8Order).Reverse(), await AllDocIdsAsync(storage, database.Key, new AllDocsQuery(Descending: true)));
    }

    [Fact]
    public async Task GetAllDocs_StartKeyAndEndKey_BoundTheRangeInclusively()
    {
        var storage = await OpenAsync();
        var database = await CreateAllDocsFixtureAsync(storage, "a", "b", "c", "d", "e");

        Assert.Equal(["b", "c", "d"], await AllDocIdsAsync(storage, database.Key, new AllDocsQuery(StartKey: "b", EndKey: "d")));
        Assert.Equal(["b", "c", "d", "e"], await AllDocIdsAsync(storage, database.Key, new AllDocsQuery(StartKey: "az")));
        Assert.Equal(["a", "b"], await AllDocIdsAsync(storage, database.Key, new AllDocsQuery(EndKey: "b")));
        Assert.Empty(await AllDocIdsAsync(storage, database.Key, new AllDocsQuery(StartKey: "d", EndKey: "b")));
    }

    [Fact]
    public async Task GetAllDocs_InclusiveEndFalse_LeavesOutTheEndKey()
    {
        var storage = await OpenAsync();
        var database = await CreateAllDocsFixtureAsync(storage, "a", "b", "c", "d", "e");

        Assert.Equal(["b", "c"], await AllDocIdsAsync(storage, database.Key, new AllDocsQuery(StartKey: "b", EndKey: "d", InclusiveEnd: false)));
    }

    [Fact]
    public async Task GetAllDocs_Descending_StartsAtTheStartKeyAsTheHighEnd()
    {
        var storage = await OpenAsync();
        var database = await CreateAllDocsFixtureAsync(storage, "a", "b", "c", "d", "e");

        Assert.Equal(["d", "c", "b"], await AllDocIdsAsync(storage, database.Key, new AllDocsQuery(StartKey: "d", EndKey: "b", Descending: true)));
        Assert.Equal(["d", "c"], await AllDocIdsAsync(storage, database.Key, new AllDocsQuery(StartKey: "d", EndKey: "b", InclusiveEnd: false, Descending: true)));
        Assert.Equal(["c", "b", "a"], await AllDocIdsAsync(storage, database.Key, new AllDocsQuery(StartKey: "c", Descending: true)));
        Assert.Equal(["e", "d"], await AllDocIdsAsync(storage, database.Key, new AllDocsQuery(EndKey: "d", Descending: true)));
    }

    [Fact]
    public async Task GetAllDocs_SkipAndLimit_PageThroughTheRange()
    {
        var storage = await OpenAsync();
        var database = await CreateAllDocsFixtureAsync(storage, "a", "b", "c", "d", "e");

        Assert.Equal(["a", "b"], await AllDocIdsAsync(storage, database.Key, new AllDocsQuery(Limit: 2)));
        Assert.Equal(["c", "d"], await AllDocIdsAsync(storage, database.Key, new AllDocsQuery(Skip: 2, Limit: 2)));
        Assert.Equal(["d", "e"], await AllDocIdsAsync(storage, database.Key, new AllDocsQuery(Skip: 3)));
        Assert.Equal(["c", "b"], await AllDocIdsAsync(storage, database.Key, new AllDocsQuery(StartKey: "d", Descending: true, Skip: 1, Limit: 2)));
        Assert.Empty(await AllDocIdsAsync(storage, database.Key, new AllDocsQuery(Limit: 0)));
        Assert.Empty(await AllDocIdsAsync(storage, database.Key, new AllDocsQuery(Skip: 10)));
    }

    [Fact]
    public async Task GetAllDocs_IncludeBodies_ReturnsWinningBodies()
    {
        var storage = await OpenAsync();
        var database = await CreateAllDocsFixtureAsync(storage, "a", "b");
        await storage.Writer.CommitAsync(database.Key, Batch(10, [Doc("b", "2-b", 10)], [new("b", "2-b", """{"v":2}""")]), Token);

        var withBodies = await ToListAsync(storage.Reader.GetAllDocsAsync(database.Key, new AllDocsQuery(IncludeBodies: true), Token));
        var withoutBodies = await ToListAsync(storage.Reader.GetAllDocsAsync(database.Key, new AllDocsQuery(), Token));

        AssertJsonEqual(BodyOf("a", "1-a"), withBodies[0].Body);
        AssertJsonEqual("""{"v":2}""", withBodies[1].Body);
        AssertSameDocument(Doc("b", "2-b", 10), withBodies[1].Document);
        Assert.All(withoutBodies, row => Assert.Null(row.Body));
    }

    [Fact]
    public async Task GetAllDocs_EnumerationStoppedEarly_ReleasesItsResources()
    {
        var storage = await OpenAsync();
        var database = await CreateAllDocsFixtureAsync(storage, Enumerable.Range(0, 50).Select(i => $"doc-{i:D2}").ToArray());

        for (var i = 0; i < 200; i++)
        {
            await foreach (var row in storage.Reader.GetAllDocsAsync(database.Key, new AllDocsQuery(IncludeBodies: true), Token))
            {
                Assert.Equal("doc-00", row.Document.Id);
                break;
            }
        }

        await CreateDocumentsAsync(storage, database.Key, 100, "after");
        Assert.NotNull(await storage.Reader.GetDocumentAsync(database.Key, "after", Token));
    }
}
