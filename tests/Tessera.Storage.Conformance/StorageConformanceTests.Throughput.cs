using System.Diagnostics;
using Xunit;

namespace Tessera.Storage.Conformance;

/// <summary>
/// Rough throughput numbers, printed to the test output. Explicit: run them on purpose
/// (<c>dotnet test --project ... -- --explicit only --filter-method "*Throughput*" --report-xunit-trx</c>; the numbers
/// are in the TRX output), never as a gate.
/// </summary>
public abstract partial class StorageConformanceTests
{
    private static readonly string PaddedBody = $$"""{"type":"reading","unit":"kWh","tags":["a","b","c"],"note":"{{new string('x', 120)}}"}""";

    [Fact(Explicit = true)]
    public async Task Throughput_SingleDocumentCommits()
    {
        var storage = await OpenAsync();
        var databases = new List<DatabaseRecord>();
        for (var i = 0; i < 4; i++)
        {
            databases.Add(await CreateDatabaseAsync(storage));
        }

        var duration = TimeSpan.FromSeconds(3);
        var sequential = await CountCommitsAsync(storage, databases[..1], duration);
        var concurrent = await CountCommitsAsync(storage, databases, duration);

        Report($"single-document commits: {sequential / duration.TotalSeconds:F0}/s on one database, {concurrent / duration.TotalSeconds:F0}/s over {databases.Count} databases concurrently");
    }

    [Fact(Explicit = true)]
    public async Task Throughput_BulkCommits()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        const int batches = 20;
        const int size = 1000;
        var stopwatch = Stopwatch.StartNew();
        for (var b = 0; b < batches; b++)
        {
            var first = (long)b * size + 1;
            var documents = Enumerable.Range(0, size).Select(i => Doc($"doc-{first + i:D8}", "1-a", first + i)).ToList();
            var bodies = documents.Select(d => new RevisionBody(d.Id, "1-a", PaddedBody)).ToList();
            await storage.Writer.CommitAsync(database.Key, Batch(first + size - 1, documents, bodies, docCountDelta: size), Token);
        }

        var elapsed = stopwatch.Elapsed;
        var reads = Stopwatch.StartNew();
        var count = 0;
        await foreach (var _ in storage.Reader.GetAllDocsAsync(database.Key, new AllDocsQuery(IncludeBodies: true), Token))
        {
            count++;
        }

        Report($"bulk: {batches}x{size} documents (+ bodies) in {elapsed.TotalMilliseconds:F0} ms = {batches * size / elapsed.TotalSeconds:F0} documents/s; "
            + $"all_docs with bodies streamed {count} rows in {reads.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact(Explicit = true)]
    public async Task Throughput_GetWinning()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        await CreateDocumentsAsync(storage, database.Key, 1, Enumerable.Range(0, 100).Select(i => $"doc-{i}").ToArray());
        const int reads = 5000;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < reads; i++)
        {
            Assert.NotNull(await storage.Reader.GetWinningAsync(database.Key, $"doc-{i % 100}", Token));
        }

        Report($"GetWinning: {reads / stopwatch.Elapsed.TotalSeconds:F0} reads/s sequentially");
    }

    private static async Task<long> CountCommitsAsync(Storage storage, IReadOnlyList<DatabaseRecord> databases, TimeSpan duration)
    {
        var deadline = Stopwatch.StartNew();
        var counts = await Task.WhenAll(databases.Select(database => Task.Run(async () =>
        {
            var record = await storage.Catalog.GetAsync(database.Tenant, database.Name, Token);
            var seq = record!.UpdateSeq;
            long commits = 0;
            while (deadline.Elapsed < duration)
            {
                seq++;
                var id = $"doc-{seq}";
                await storage.Writer.CommitAsync(database.Key, Batch(seq, [Doc(id, "1-a", seq)], [new(id, "1-a", PaddedBody)], docCountDelta: 1), Token);
                commits++;
            }

            return commits;
        }, Token)));
        return counts.Sum();
    }

    private static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
