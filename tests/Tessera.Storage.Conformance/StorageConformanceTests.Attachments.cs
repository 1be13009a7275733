using Xunit;

namespace Tessera.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task Attachment_IsReturnedByteExact()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        var large = new AttachmentContent("md5-large", RandomBytes(300_000));
        var small = new AttachmentContent("md5-small", [0, 0, 1, 0, 255, 0]);
        var empty = new AttachmentContent("md5-empty", []);

        await storage.Writer.CommitAsync(database.Key, Batch(1, [Doc("doc", "1-a", 1)], [new("doc", "1-a", StubsFor(large, small, empty))], attachments: [large, small, empty], docCountDelta: 1), Token);

        foreach (var attachment in new[] { large, small, empty })
        {
            var stored = await storage.Reader.GetAttachmentAsync(database.Key, attachment.Digest, Token);
            Assert.NotNull(stored);
            Assert.Equal(attachment.Digest, stored.Digest);
            Assert.Equal(attachment.Data, stored.Data);
        }
    }

    [Fact]
    public async Task GetAttachment_Unknown_ReturnsNull()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);

        Assert.Null(await storage.Reader.GetAttachmentAsync(database.Key, "md5-missing", Token));
    }

    [Fact]
    public async Task Attachment_StoredAgainUnderItsDigest_KeepsTheFirstCopy()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        var original = new AttachmentContent("md5-same", RandomBytes(1000));

        // Content-addressed: the same digest twice in one batch, then again in a later batch, is stored once.
        await storage.Writer.CommitAsync(database.Key, Batch(1, [Doc("a", "1-a", 1)], [new("a", "1-a", StubsFor(original))], attachments: [original, original], docCountDelta: 1), Token);
        await storage.Writer.CommitAsync(database.Key, Batch(2, [Doc("b", "1-a", 2)], [new("b", "1-a", StubsFor(original))], attachments: [new("md5-same", RandomBytes(10))], docCountDelta: 1), Token);

        Assert.Equal(original.Data, (await storage.Reader.GetAttachmentAsync(database.Key, "md5-same", Token))!.Data);
    }

    [Fact]
    public async Task DeleteUnreferencedAttachments_AfterNonLeafBodiesAreGone_KeepsOnlyReferencedOnes()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        var kept = new AttachmentContent("md5-kept", RandomBytes(64));
        var superseded = new AttachmentContent("md5-superseded", RandomBytes(64));
        var orphan = new AttachmentContent("md5-orphan", RandomBytes(64));
        var sharedWithLeaf = new AttachmentContent("md5-shared", RandomBytes(64));
        await storage.Writer.CommitAsync(
            database.Key,
            Batch(2, [Doc("doc", "1-a", 1), Doc("plain", "1-a", 2)], [new("doc", "1-a", StubsFor(superseded, sharedWithLeaf)), new("plain", "1-a", """{"_attachments":"not an object"}""")], attachments: [superseded, orphan, sharedWithLeaf], docCountDelta: 2),
            Token);
        await storage.Writer.CommitAsync(
            database.Key,
            Batch(3, [Doc("doc", "2-b", 3)], [new("doc", "2-b", StubsFor(kept, sharedWithLeaf))], attachments: [kept]),
            Token);

        await storage.Writer.DeleteBodiesExceptAsync(database.Key, [new("doc", "2-b"), new("plain", "1-a")], Token);
        await storage.Writer.DeleteUnreferencedAttachmentsAsync(database.Key, Token);

        Assert.NotNull(await storage.Reader.GetAttachmentAsync(database.Key, "md5-kept", Token));
        Assert.NotNull(await storage.Reader.GetAttachmentAsync(database.Key, "md5-shared", Token));
        Assert.Null(await storage.Reader.GetAttachmentAsync(database.Key, "md5-superseded", Token));
        Assert.Null(await storage.Reader.GetAttachmentAsync(database.Key, "md5-orphan", Token));
    }

    [Fact]
    public async Task DeleteUnreferencedAttachments_DoesNotKeepAnAttachmentBecauseAnotherDatabaseReferencesIt()
    {
        var storage = await OpenAsync();
        var first = await CreateDatabaseAsync(storage);
        var second = await CreateDatabaseAsync(storage);
        var attachment = new AttachmentContent("md5-both", RandomBytes(32));
        await storage.Writer.CommitAsync(first.Key, Batch(1, [Doc("a", "1-a", 1)], [new("a", "1-a", "{}")], attachments: [attachment], docCountDelta: 1), Token);
        await storage.Writer.CommitAsync(second.Key, Batch(1, [Doc("a", "1-a", 1)], [new("a", "1-a", StubsFor(attachment))], attachments: [attachment], docCountDelta: 1), Token);

        await storage.Writer.DeleteUnreferencedAttachmentsAsync(first.Key, Token);
        await storage.Writer.DeleteUnreferencedAttachmentsAsync(second.Key, Token);

        Assert.Null(await storage.Reader.GetAttachmentAsync(first.Key, "md5-both", Token));
        Assert.NotNull(await storage.Reader.GetAttachmentAsync(second.Key, "md5-both", Token));
    }

    /// <summary>A body whose <c>_attachments</c> holds CouchDB stubs for the given attachments.</summary>
    private static string StubsFor(params AttachmentContent[] attachments) =>
        "{\"title\":\"with attachments\",\"_attachments\":{"
        + string.Join(',', attachments.Select((a, i) => $$"""
            "file{{i}}.bin":{"content_type":"application/octet-stream","digest":"{{a.Digest}}","length":{{a.Data.Length}},"revpos":1,"stub":true}
            """))
        + "}}";
}
