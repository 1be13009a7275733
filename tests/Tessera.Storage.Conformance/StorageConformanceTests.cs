using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Tessera.Storage.Conformance;

/// <summary>
/// The storage contract written once as tests, run against every provider (like Orleans' persistence test kit).
/// A runner derives from this class and returns its provider from <see cref="CreateStorageAsync"/>; each test works in
/// databases of its own fresh tenant, so one provider may serve every test of the class.
/// </summary>
public abstract partial class StorageConformanceTests
{
    /// <summary>
    /// Returns a service provider on which <c>AddTesseraStorage().UseX(...)</c> was called and whose initializers ran
    /// (see <see cref="StorageServices.BuildAsync"/>). The runner owns it; it may return the same provider every time.
    /// </summary>
    protected abstract Task<IServiceProvider> CreateStorageAsync();

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    protected async Task<Storage> OpenAsync()
    {
        var services = await CreateStorageAsync();
        return new Storage(
            services,
            services.GetRequiredService<IDatabaseCatalog>(),
            services.GetRequiredService<IDocumentReader>(),
            services.GetRequiredService<IDocumentWriter>());
    }

    /// <summary>A tenant name no other test uses.</summary>
    protected static string NewTenant() => "t" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Creates database <paramref name="name"/> in a new tenant.</summary>
    protected static async Task<DatabaseRecord> CreateDatabaseAsync(Storage storage, string name = "db")
    {
        var record = await storage.Catalog.CreateAsync(NewTenant(), name, Token);
        Assert.NotNull(record);
        return record;
    }

    /// <summary>A recognizable, binary rev tree (with zero and high bytes) standing in for the serialized tree.</summary>
    protected static byte[] RevTreeOf(string id, string rev) => [0, .. Encoding.UTF8.GetBytes(id), 0, 255, .. Encoding.UTF8.GetBytes(rev), 0];

    protected static DocumentRecord Doc(string id, string rev, long seq, bool deleted = false) =>
        new(id, rev, deleted, seq, RevTreeOf(id, rev));

    protected static string BodyOf(string id, string rev) => $$"""{"id":"{{id}}","rev":"{{rev}}"}""";

    protected static CommitBatch Batch(
        long updateSeq,
        IReadOnlyList<DocumentRecord>? documents = null,
        IReadOnlyList<RevisionBody>? bodies = null,
        IReadOnlyList<RevisionKey>? removed = null,
        IReadOnlyList<AttachmentContent>? attachments = null,
        long docCountDelta = 0,
        long deletedDocCountDelta = 0) =>
        new(documents ?? [], bodies ?? [], removed ?? [], attachments ?? [], updateSeq, docCountDelta, deletedDocCountDelta);

    /// <summary>Commits new documents (first revisions, one per id) with their bodies, numbered from <paramref name="firstSeq"/>.</summary>
    protected static async Task<long> CreateDocumentsAsync(Storage storage, long database, long firstSeq, params string[] ids)
    {
        var seq = firstSeq;
        var documents = ids.Select(id => Doc(id, "1-a", seq++)).ToList();
        var bodies = ids.Select(id => new RevisionBody(id, "1-a", BodyOf(id, "1-a"))).ToList();
        await storage.Writer.CommitAsync(database, Batch(seq - 1, documents, bodies, docCountDelta: ids.Length), Token);
        return seq - 1;
    }

    protected static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source.WithCancellation(Token))
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>JSON equality of values (bodies may come back reformatted, with keys reordered, as jsonb does).</summary>
    protected static void AssertJsonEqual(string expected, string? actual)
    {
        Assert.NotNull(actual);
        var equal = JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual));
        Assert.True(equal, $"Expected JSON {expected} but got {actual}");
    }

    protected static void AssertSameDocument(DocumentRecord expected, DocumentRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.WinningRev, actual.WinningRev);
        Assert.Equal(expected.Deleted, actual.Deleted);
        Assert.Equal(expected.Seq, actual.Seq);
        Assert.Equal(expected.RevTree, actual.RevTree);
    }

    /// <summary>Ordinal order of UTF-8 bytes (not of UTF-16 code units: they differ above U+FFFF).</summary>
    protected static readonly Comparer<string> Utf8Order = Comparer<string>.Create(
        static (a, b) => Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b)));

    protected static byte[] RandomBytes(int length)
    {
        var data = RandomNumberGenerator.GetBytes(length);
        if (length > 2)
        {
            data[0] = 0;
            data[length / 2] = 0;
            data[^1] = 0;
        }

        return data;
    }

    /// <summary>The three contracts of one provider.</summary>
    protected sealed record Storage(IServiceProvider Services, IDatabaseCatalog Catalog, IDocumentReader Reader, IDocumentWriter Writer);
}
