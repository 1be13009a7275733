using Xunit;

namespace Tessera.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task Commit_ThenGetDocument_ReturnsTheStoredRecord()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        var document = Doc("apple", "1-abc", 1);

        await storage.Writer.CommitAsync(database.Key, Batch(1, [document], [new("apple", "1-abc", BodyOf("apple", "1-abc"))], docCountDelta: 1), Token);

        AssertSameDocument(document, await storage.Reader.GetDocumentAsync(database.Key, "apple", Token));
    }

    [Fact]
    public async Task GetDocument_Unknown_ReturnsNull()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);

        Assert.Null(await storage.Reader.GetDocumentAsync(database.Key, "missing", Token));
        Assert.Null(await storage.Reader.GetWinningAsync(database.Key, "missing", Token));
        Assert.Null(await storage.Reader.GetBodyAsync(database.Key, "missing", "1-a", Token));
    }

    [Fact]
    public async Task GetWinning_ReturnsTheDocumentWithItsWinningBody()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        await CreateDocumentsAsync(storage, database.Key, 1, "doc");
        var updated = Doc("doc", "2-b", 2);
        await storage.Writer.CommitAsync(
            database.Key,
            Batch(2, [updated], [new("doc", "2-b", """{"value":2}""")]),
            Token);

        var winning = await storage.Reader.GetWinningAsync(database.Key, "doc", Token);

        Assert.NotNull(winning);
        AssertSameDocument(updated, winning.Document);
        AssertJsonEqual("""{"value":2}""", winning.Body);
    }

    [Fact]
    public async Task GetBody_ReturnsTheBodyOfTheRequestedRevision()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        await storage.Writer.CommitAsync(
            database.Key,
            Batch(1, [Doc("doc", "2-b", 1)], [new("doc", "2-b", """{"v":"b"}"""), new("doc", "2-c", """{"v":"c"}""")], docCountDelta: 1),
            Token);

        AssertJsonEqual("""{"v":"b"}""", await storage.Reader.GetBodyAsync(database.Key, "doc", "2-b", Token));
        AssertJsonEqual("""{"v":"c"}""", await storage.Reader.GetBodyAsync(database.Key, "doc", "2-c", Token));
        Assert.Null(await storage.Reader.GetBodyAsync(database.Key, "doc", "2-d", Token));
    }

    [Fact]
    public async Task Commit_SetsUpdateSeqAndAddsTheCounterDeltas()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);

        await CreateDocumentsAsync(storage, database.Key, 1, "a", "b", "c");
        await storage.Writer.CommitAsync(database.Key, Batch(4, [Doc("a", "2-x", 4, deleted: true)], [new("a", "2-x", "{}")], docCountDelta: -1, deletedDocCountDelta: 1), Token);

        var record = await storage.Catalog.GetAsync(database.Tenant, database.Name, Token);
        Assert.NotNull(record);
        Assert.Equal(4, record.UpdateSeq);
        Assert.Equal(2, record.DocCount);
        Assert.Equal(1, record.DeletedDocCount);
    }

    [Fact]
    public async Task Commit_ExpectingTheStoredUpdateSeq_IsWritten()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        var seq = await CreateDocumentsAsync(storage, database.Key, 1, "a", "b");

        await storage.Writer.CommitAsync(database.Key, Batch(seq + 1, [Doc("c", "1-a", seq + 1)], [new("c", "1-a", "{}")], docCountDelta: 1) with { ExpectedUpdateSeq = seq }, Token);

        var record = await storage.Catalog.GetAsync(database.Tenant, database.Name, Token);
        Assert.Equal(seq + 1, record!.UpdateSeq);
        Assert.Equal(3, record.DocCount);
        Assert.NotNull(await storage.Reader.GetDocumentAsync(database.Key, "c", Token));
    }

    [Fact]
    public async Task Commit_ExpectingAnotherUpdateSeq_FailsAndWritesNothing()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        var seq = await CreateDocumentsAsync(storage, database.Key, 1, "a", "b");

        // A second writer that loaded the database before the commit above: it would reuse sequence numbers.
        var stale = Batch(2, [Doc("c", "1-a", 1), Doc("d", "1-a", 2)], [new("c", "1-a", "{}"), new("d", "1-a", "{}")], docCountDelta: 2) with { ExpectedUpdateSeq = 0 };
        var failure = await Assert.ThrowsAsync<ConcurrentWriterException>(() => storage.Writer.CommitAsync(database.Key, stale, Token));

        Assert.Equal(0, failure.ExpectedUpdateSeq);
        var record = await storage.Catalog.GetAsync(database.Tenant, database.Name, Token);
        Assert.Equal(seq, record!.UpdateSeq);
        Assert.Equal(2, record.DocCount);
        Assert.Null(await storage.Reader.GetDocumentAsync(database.Key, "c", Token));
        Assert.Null(await storage.Reader.GetBodyAsync(database.Key, "d", "1-a", Token));
    }

    [Fact]
    public async Task Commit_OfAnUpdatedDocument_ReplacesItsRecord()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        await CreateDocumentsAsync(storage, database.Key, 1, "doc");
        var deleted = Doc("doc", "2-d", 2, deleted: true);

        await storage.Writer.CommitAsync(database.Key, Batch(2, [deleted], [new("doc", "2-d", "{}")]), Token);

        AssertSameDocument(deleted, await storage.Reader.GetDocumentAsync(database.Key, "doc", Token));
        var winning = await storage.Reader.GetWinningAsync(database.Key, "doc", Token);
        Assert.NotNull(winning);
        Assert.True(winning.Document.Deleted);
        AssertJsonEqual("{}", winning.Body);
    }

    [Fact]
    public async Task Commit_WithNewDocumentsNamed_StoresThemBesideUpdatesOfStoredOnes()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        await CreateDocumentsAsync(storage, database.Key, 1, "old");
        var update = Doc("old", "2-b", 2);
        var created = Doc("new", "1-n", 3);

        await storage.Writer.CommitAsync(
            database.Key,
            Batch(3, [update, created], [new("old", "2-b", """{"v":2}"""), new("new", "1-n", """{"v":"n"}""")], docCountDelta: 1)
                with { NewDocuments = new HashSet<string>(StringComparer.Ordinal) { "new" } },
            Token);

        AssertSameDocument(update, await storage.Reader.GetDocumentAsync(database.Key, "old", Token));
        AssertSameDocument(created, await storage.Reader.GetDocumentAsync(database.Key, "new", Token));
        AssertJsonEqual("""{"v":2}""", await storage.Reader.GetBodyAsync(database.Key, "old", "2-b", Token));
        AssertJsonEqual("""{"v":"n"}""", await storage.Reader.GetBodyAsync(database.Key, "new", "1-n", Token));
        Assert.Equal(2, (await storage.Catalog.GetAsync(database.Tenant, database.Name, Token))!.DocCount);
    }

    [Fact]
    public async Task Commit_ListingADocumentTwice_KeepsItsLastState()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        var last = Doc("doc", "2-b", 2);

        await storage.Writer.CommitAsync(
            database.Key,
            Batch(2, [Doc("doc", "1-a", 1), last], [new("doc", "1-a", """{"v":1}"""), new("doc", "2-b", """{"v":2}""")], docCountDelta: 1),
            Token);

        AssertSameDocument(last, await storage.Reader.GetDocumentAsync(database.Key, "doc", Token));
        AssertJsonEqual("""{"v":1}""", await storage.Reader.GetBodyAsync(database.Key, "doc", "1-a", Token));
    }

    [Fact]
    public async Task DeleteBodiesExcept_RemovesTheOtherBodiesOfTheNamedDocumentsOnly()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        await CreateDocumentsAsync(storage, database.Key, 1, "doc", "other");
        await storage.Writer.CommitAsync(
            database.Key,
            Batch(3, [Doc("doc", "2-b", 3)], [new("doc", "2-b", """{"v":2}"""), new("doc", "2-c", """{"v":"conflict"}""")]),
            Token);

        // Bodies of revisions that are no longer leaves stay readable until compaction.
        Assert.NotNull(await storage.Reader.GetBodyAsync(database.Key, "doc", "1-a", Token));

        await storage.Writer.DeleteBodiesExceptAsync(database.Key, [new("doc", "2-b"), new("doc", "2-c")], Token);

        Assert.Null(await storage.Reader.GetBodyAsync(database.Key, "doc", "1-a", Token));
        AssertJsonEqual("""{"v":2}""", await storage.Reader.GetBodyAsync(database.Key, "doc", "2-b", Token));
        AssertJsonEqual("""{"v":"conflict"}""", await storage.Reader.GetBodyAsync(database.Key, "doc", "2-c", Token));
        AssertJsonEqual(BodyOf("other", "1-a"), await storage.Reader.GetBodyAsync(database.Key, "other", "1-a", Token));
        AssertJsonEqual("""{"v":2}""", (await storage.Reader.GetWinningAsync(database.Key, "doc", Token))!.Body);
    }

    [Fact]
    public async Task DeleteBodiesExcept_OnlyTouchesItsOwnDatabase()
    {
        var storage = await OpenAsync();
        var first = await CreateDatabaseAsync(storage);
        var second = await CreateDatabaseAsync(storage);
        foreach (var database in new[] { first, second })
        {
            await CreateDocumentsAsync(storage, database.Key, 1, "doc");
            await storage.Writer.CommitAsync(database.Key, Batch(2, [Doc("doc", "2-b", 2)], [new("doc", "2-b", "{}")]), Token);
        }

        await storage.Writer.DeleteBodiesExceptAsync(first.Key, [new("doc", "2-b")], Token);

        Assert.Null(await storage.Reader.GetBodyAsync(first.Key, "doc", "1-a", Token));
        Assert.NotNull(await storage.Reader.GetBodyAsync(first.Key, "doc", "2-b", Token));
        Assert.NotNull(await storage.Reader.GetBodyAsync(second.Key, "doc", "1-a", Token));
    }

    [Fact]
    public async Task Commit_OfABodyThatIsStored_FailsWholeAndOverwritesNothing()
    {
        // Bodies are new revisions: a writer that sends one again must not replace the stored text.
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        await CreateDocumentsAsync(storage, database.Key, 1, "doc");

        await Assert.ThrowsAnyAsync<Exception>(() => storage.Writer.CommitAsync(
            database.Key,
            Batch(2, [Doc("doc", "2-b", 2)], [new("doc", "2-b", """{"v":2}"""), new("doc", "1-a", """{"v":"replaced"}""")]),
            Token));

        AssertJsonEqual(BodyOf("doc", "1-a"), await storage.Reader.GetBodyAsync(database.Key, "doc", "1-a", Token));
        Assert.Null(await storage.Reader.GetBodyAsync(database.Key, "doc", "2-b", Token));
        Assert.Equal("1-a", (await storage.Reader.GetDocumentAsync(database.Key, "doc", Token))!.WinningRev);
        Assert.Equal(1, (await storage.Catalog.GetAsync(database.Tenant, database.Name, Token))!.UpdateSeq);
    }

    [Fact]
    public async Task RemovedBodies_AreDeletedByTheCommit()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        await CreateDocumentsAsync(storage, database.Key, 1, "doc");
        await storage.Writer.CommitAsync(database.Key, Batch(2, [Doc("doc", "2-b", 2)], [new("doc", "2-b", "{}")]), Token);

        await storage.Writer.CommitAsync(
            database.Key,
            Batch(3, [Doc("doc", "3-c", 3)], [new("doc", "3-c", """{"v":3}""")], removed: [new("doc", "1-a")]),
            Token);

        Assert.Null(await storage.Reader.GetBodyAsync(database.Key, "doc", "1-a", Token));
        Assert.NotNull(await storage.Reader.GetBodyAsync(database.Key, "doc", "2-b", Token));
        AssertJsonEqual("""{"v":3}""", await storage.Reader.GetBodyAsync(database.Key, "doc", "3-c", Token));
    }

    [Fact]
    public async Task Commit_ToAnUnknownDatabase_FailsAndWritesNothing()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        Assert.True(await storage.Catalog.DeleteAsync(database.Tenant, database.Name, Token));

        await Assert.ThrowsAnyAsync<Exception>(() => CreateDocumentsAsync(storage, database.Key, 1, "orphan"));

        Assert.Null(await storage.Reader.GetDocumentAsync(database.Key, "orphan", Token));
        Assert.Null(await storage.Reader.GetBodyAsync(database.Key, "orphan", "1-a", Token));
    }

    [Fact]
    public async Task GetDocuments_ReturnsTheStoredOnesKeyedById()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        await CreateDocumentsAsync(storage, database.Key, 1, "a", "b", "c", "é");

        var found = await storage.Reader.GetDocumentsAsync(database.Key, ["a", "c", "é", "missing", "A"], Token);

        Assert.Equal(["a", "c", "é"], found.Keys.Order(StringComparer.Ordinal));
        AssertSameDocument(Doc("c", "1-a", 3), found["c"]);
        AssertSameDocument(Doc("é", "1-a", 4), found["é"]);
        Assert.Empty(await storage.Reader.GetDocumentsAsync(database.Key, [], Token));
    }

    [Fact]
    public async Task Documents_WithTheSameIdInTwoDatabases_AreSeparate()
    {
        var storage = await OpenAsync();
        var tenant = NewTenant();
        var first = (await storage.Catalog.CreateAsync(tenant, "first", Token))!;
        var second = (await storage.Catalog.CreateAsync(tenant, "second", Token))!;

        await storage.Writer.CommitAsync(first.Key, Batch(1, [Doc("doc", "1-first", 1)], [new("doc", "1-first", """{"db":1}""")], docCountDelta: 1), Token);
        await storage.Writer.CommitAsync(second.Key, Batch(5, [Doc("doc", "1-second", 5)], [new("doc", "1-second", """{"db":2}""")], docCountDelta: 1), Token);

        Assert.Equal("1-first", (await storage.Reader.GetDocumentAsync(first.Key, "doc", Token))!.WinningRev);
        AssertJsonEqual("""{"db":2}""", (await storage.Reader.GetWinningAsync(second.Key, "doc", Token))!.Body);
        Assert.Null(await storage.Reader.GetBodyAsync(first.Key, "doc", "1-second", Token));
        Assert.Single(await ToListAsync(storage.Reader.GetChangesAsync(first.Key, new ChangesQuery(0), Token)));
    }

    [Fact]
    public async Task Commit_OfAThousandDocuments_StoresEveryOneInOneBatch()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        var ids = Enumerable.Range(0, 1000).Select(i => $"doc-{i:D4}").ToArray();

        await CreateDocumentsAsync(storage, database.Key, 1, ids);

        var record = await storage.Catalog.GetAsync(database.Tenant, database.Name, Token);
        Assert.Equal(1000, record!.UpdateSeq);
        Assert.Equal(1000, record.DocCount);
        var all = await ToListAsync(storage.Reader.GetAllDocsAsync(database.Key, new AllDocsQuery(IncludeBodies: true), Token));
        Assert.Equal(ids, all.Select(row => row.Document.Id));
        AssertJsonEqual(BodyOf("doc-0999", "1-a"), all[^1].Body);
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), (await ToListAsync(storage.Reader.GetChangesAsync(database.Key, new ChangesQuery(0), Token))).Select(row => row.Document.Seq));
    }

    [Fact]
    public async Task Body_WithUnicodeAndEscapes_RoundTripsAsEqualJson()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        const string body = """
            {"text":"h\u00e9llo \"w\u00f6rld\" \\ \/ \b\f\n\r\t","raw":"日本語 😀 €","escaped":"\ud83d\ude00\u2028\u0001",
             "numbers":[0,-1,1.5,-0.25,12345678901234567890,1.0e-7],"flags":[true,false,null],
             "nested":{"z":1,"a":{"deep":["x",{"y":[]}]},"":"empty key"},"_attachments":{}}
            """;

        await storage.Writer.CommitAsync(database.Key, Batch(1, [Doc("ünïcödé/😀", "1-a", 1)], [new("ünïcödé/😀", "1-a", body)], docCountDelta: 1), Token);
        await storage.Writer.UpdateLocalAsync(database.Key, new LocalDocumentUpdate("_local/ü", null, false, body), Token);

        AssertJsonEqual(body, (await storage.Reader.GetWinningAsync(database.Key, "ünïcödé/😀", Token))!.Body);
        AssertJsonEqual(body, await storage.Reader.GetBodyAsync(database.Key, "ünïcödé/😀", "1-a", Token));
        AssertJsonEqual(body, (await storage.Reader.GetLocalAsync(database.Key, "_local/ü", Token))!.Json);
    }

    [Fact]
    public async Task Initialize_RunTwice_IsHarmlessAndKeepsData()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        await CreateDocumentsAsync(storage, database.Key, 1, "kept");

        await StorageServices.InitializeAsync(storage.Services, Token);
        await StorageServices.InitializeAsync(storage.Services, Token);

        Assert.NotNull(await storage.Reader.GetDocumentAsync(database.Key, "kept", Token));
    }

    [Fact]
    public async Task Commits_ToDifferentDatabasesConcurrently_AllLand()
    {
        var storage = await OpenAsync();
        var databases = new List<DatabaseRecord>();
        for (var i = 0; i < 8; i++)
        {
            databases.Add(await CreateDatabaseAsync(storage));
        }

        const int commits = 25;
        await Task.WhenAll(databases.Select(database => Task.Run(async () =>
        {
            for (var seq = 1; seq <= commits; seq++)
            {
                var id = $"doc-{seq:D3}";
                await storage.Writer.CommitAsync(database.Key, Batch(seq, [Doc(id, "1-a", seq)], [new(id, "1-a", BodyOf(id, "1-a"))], docCountDelta: 1), Token);
            }
        }, Token)));

        foreach (var database in databases)
        {
            var record = await storage.Catalog.GetAsync(database.Tenant, database.Name, Token);
            Assert.Equal(commits, record!.UpdateSeq);
            Assert.Equal(commits, record.DocCount);
            Assert.Equal(commits, (await ToListAsync(storage.Reader.GetChangesAsync(database.Key, new ChangesQuery(0), Token))).Count);
        }
    }
}
