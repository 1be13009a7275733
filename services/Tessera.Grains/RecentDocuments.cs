using Tessera.Storage;

namespace Tessera.Grains;

/// <summary>
/// The last stored state of documents this grain wrote recently, so updates of hot documents need no read before the
/// commit. Exact because the grain is the database's only writer; bounded by keeping two generations and dropping the
/// older one when the newer fills up (an approximate LRU at O(1) per operation).
/// </summary>
internal sealed class RecentDocuments(int capacity)
{
    private Dictionary<string, DocumentRecord> current = new(StringComparer.Ordinal);
    private Dictionary<string, DocumentRecord> previous = new(StringComparer.Ordinal);

    public bool TryGetDocument(string id, out DocumentRecord record) =>
        current.TryGetValue(id, out record!) || previous.TryGetValue(id, out record!);

    public void Set(DocumentRecord record)
    {
        if (current.Count >= capacity / 2 && !current.ContainsKey(record.Id))
        {
            previous = current;
            current = new(StringComparer.Ordinal);
        }

        current[record.Id] = record;
    }

    public void Clear()
    {
        current.Clear();
        previous.Clear();
    }
}
