using Tessera.Documents;
using Tessera.Storage;

namespace Tessera.Grains;

/// <summary>
/// Compaction (<c>POST /{db}/_compact</c>): deletes the bodies of revisions that are no longer leaves, then the
/// attachments no remaining body references. Until then an old revision stays readable with <c>?rev=</c>, as in CouchDB.
/// </summary>
internal sealed partial class DatabaseGrain
{
    // Note: documents per storage call; bounds the grain's memory and the size of one statement.
    private const int CompactionPage = 1000;

    public Task<DatabaseStatus> CompactAsync() => Enqueue(async () =>
    {
        if (database is null)
        {
            return DatabaseStatus.NotFound;
        }

        await DeleteNonLeafBodiesAsync(database.Key);
        await writer.DeleteUnreferencedAttachmentsAsync(database.Key);
        return DatabaseStatus.Ok;
    });

    // Note: a commit does not mark the revision it supersedes (that was an UPDATE per edit); which bodies are leaves is
    // read from the revision trees here instead. It runs in the grain's turn, so no write changes a tree meanwhile.
    private async Task DeleteNonLeafBodiesAsync(long databaseKey)
    {
        long since = 0;
        while (true)
        {
            var leaves = new List<RevisionKey>();
            var documents = 0;
            await foreach (var change in reader.GetChangesAsync(databaseKey, new ChangesQuery(since, CompactionPage)))
            {
                var document = change.Document;
                documents++;
                since = document.Seq;
                foreach (var leaf in RevTree.Deserialize(document.RevTree).Leaves)
                {
                    leaves.Add(new RevisionKey(document.Id, leaf.Rev.ToString()));
                }
            }

            if (documents > 0)
            {
                await writer.DeleteBodiesExceptAsync(databaseKey, leaves);
            }

            if (documents < CompactionPage)
            {
                return;
            }
        }
    }
}
