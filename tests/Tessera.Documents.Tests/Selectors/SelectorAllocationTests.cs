using System.Text.Json;
using Xunit;
using static Tessera.Documents.Tests.Selectors.SelectorTesting;

namespace Tessera.Documents.Tests.Selectors;

public sealed class SelectorAllocationTests
{
    [Fact]
    public void Matches_RepeatedOnADocument_DoesNotAllocate()
    {
        var selector = Parse("""
            {
              "type": "order",
              "_id": {"$gt": "order:"},
              "customer.name": {"$regex": "^[A-Z]", "$lt": "zzz"},
              "status": {"$in": ["open", "paid"]},
              "total": {"$gte": 10.5, "$mod": [5, 0]},
              "$or": [{"items": {"$elemMatch": {"sku": {"$beginsWith": "ab"}, "qty": {"$gt": 1}}}}, {"rush": true}],
              "$not": {"tags": {"$all": ["test"]}},
              "meta": {"$keyMapMatch": {"$eq": "source"}},
              "deleted": {"$exists": false}
            }
            """);
        using var document = JsonDocument.Parse("""
            {
              "_id": "order:42", "_rev": "3-abc", "type": "order",
              "customer": {"name": "Martin \u00c9lodie"},
              "status": "paid", "total": 25,
              "items": [{"sku": "zz-1", "qty": 4}, {"sku": "ab-2", "qty": 2}],
              "tags": ["vip"],
              "meta": {"created": 1, "source": "web"}
            }
            """);
        Assert.True(selector.Matches(document.RootElement));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            selector.Matches(document.RootElement);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Note: a small margin for runtime bookkeeping (tiered JIT); an allocating match would cost well over 1000 bytes.
        Assert.True(allocated < 1_000, $"Matches allocated {allocated} bytes over 1000 calls.");
    }
}
