using Tessera.Documents;

namespace Tessera.Documents.Tests;

public sealed class SequentialIdsTests
{
    [Fact]
    public void Next_ManyIds_AreUniqueLowercaseHexOf32Chars()
    {
        var ids = Enumerable.Range(0, 50_000).Select(_ => SequentialIds.Next()).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.All(ids, id => Assert.True(DocumentIds.IsValid(id, out _), id));
    }

    [Fact]
    public void Next_WithinOnePrefix_IdsIncrease()
    {
        var ids = Enumerable.Range(0, 20_000).Select(_ => SequentialIds.Next()).ToList();

        // A new prefix starts about every 8,000 ids; within a run of one prefix each id sorts after the previous one.
        var runs = 1;
        for (var i = 1; i < ids.Count; i++)
        {
            if (ids[i][..26] != ids[i - 1][..26])
            {
                runs++;
                continue;
            }

            Assert.True(string.CompareOrdinal(ids[i], ids[i - 1]) > 0, $"{ids[i - 1]} then {ids[i]}");
        }

        Assert.InRange(runs, 2, 20);
    }
}
