using System.Net;
using System.Text.Json;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary>
/// Conflicts as a replicator makes them (<c>_bulk_docs</c> with <c>new_edits=false</c>), CouchDB's deterministic winner,
/// <c>?conflicts</c>, <c>?deleted_conflicts</c>, <c>?open_revs</c>, <c>latest</c>, compaction and stemming.
/// </summary>
public sealed class RevisionTreeTests(SqliteServer server) : CouchTestBase(server), IClassFixture<SqliteServer>
{
    private const string Root = "1-11111111111111111111111111111111";
    private const string BranchA = "2-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string BranchB = "2-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private const string BranchC = "3-cccccccccccccccccccccccccccccccc";

    [Fact]
    public async Task BulkDocsNewEditsFalse_ConflictingBranch_ReturnsEmptyArrayAndKeepsBothLeaves()
    {
        var db = await Couch.CreateDatabaseAsync();

        await Couch.ReplicateAsync(db, $"[{Leaf(BranchA, "\"a\"")}]");
        await Couch.ReplicateAsync(db, $"[{Leaf(BranchB, "\"b\"")}]");

        var doc = (await Couch.GetAsync($"{db}/doc?conflicts=true")).Json;
        Assert.Equal(BranchB, doc.GetProperty("_rev").GetString());
        Assert.Equal("b", doc.GetProperty("v").GetString());
        Assert.Equal([BranchA], doc.GetProperty("_conflicts").EnumerateArray().Select(r => r.GetString()!));
        Assert.Equal(1, (await Couch.GetAsync(db)).Json.GetProperty("doc_count").GetInt64());
        var change = Assert.Single((await Couch.GetAsync($"{db}/_changes?style=all_docs")).Json.GetProperty("results").EnumerateArray());
        Assert.Equal([BranchA, BranchB], change.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("rev").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetDocument_WithoutConflictsOption_OmitsConflicts()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.ReplicateAsync(db, $"[{Leaf(BranchA, "\"a\"")},{Leaf(BranchB, "\"b\"")}]");

        var doc = (await Couch.GetAsync($"{db}/doc")).Json;

        Assert.False(doc.TryGetProperty("_conflicts", out _));
    }

    [Fact]
    public async Task Winner_OfConflictingBranches_DoesNotDependOnArrivalOrder()
    {
        var first = await Couch.CreateDatabaseAsync();
        var second = await Couch.CreateDatabaseAsync();

        await Couch.ReplicateAsync(first, $"[{Leaf(BranchA, "\"a\"")}]");
        await Couch.ReplicateAsync(first, $"[{Leaf(BranchB, "\"b\"")}]");
        await Couch.ReplicateAsync(second, $"[{Leaf(BranchB, "\"b\"")}]");
        await Couch.ReplicateAsync(second, $"[{Leaf(BranchA, "\"a\"")}]");

        var a = (await Couch.GetAsync($"{first}/doc?conflicts=true")).Json;
        var b = (await Couch.GetAsync($"{second}/doc?conflicts=true")).Json;
        Assert.Equal(BranchB, a.GetProperty("_rev").GetString());
        Assert.Equal(a.GetRawText(), b.GetRawText());
    }

    [Fact]
    public async Task Winner_LongerBranch_BeatsHigherHashOfShorterBranch()
    {
        var db = await Couch.CreateDatabaseAsync();

        await Couch.ReplicateAsync(db, $"[{Leaf(BranchB, "\"b\"")},{Leaf(BranchC, "\"c\"", BranchA)}]");

        var doc = (await Couch.GetAsync($"{db}/doc?conflicts=true")).Json;
        Assert.Equal(BranchC, doc.GetProperty("_rev").GetString());
        Assert.Equal([BranchB], doc.GetProperty("_conflicts").EnumerateArray().Select(r => r.GetString()!));
    }

    [Fact]
    public async Task Winner_LiveLeaf_BeatsDeletedLeafOfHigherGeneration()
    {
        var db = await Couch.CreateDatabaseAsync();

        await Couch.ReplicateAsync(db, $"[{Leaf(BranchB, "\"live\"")},{Leaf(BranchC, null, BranchA)}]");

        var doc = (await Couch.GetAsync($"{db}/doc?conflicts=true&deleted_conflicts=true")).Json;
        Assert.Equal(BranchB, doc.GetProperty("_rev").GetString());
        Assert.False(doc.TryGetProperty("_conflicts", out _));
        Assert.Equal([BranchC], doc.GetProperty("_deleted_conflicts").EnumerateArray().Select(r => r.GetString()!));
        var info = (await Couch.GetAsync(db)).Json;
        Assert.Equal(1, info.GetProperty("doc_count").GetInt64());
        Assert.Equal(0, info.GetProperty("doc_del_count").GetInt64());
    }

    [Fact]
    public async Task Winner_AllLeavesDeleted_DocumentReadsAsDeleted()
    {
        var db = await Couch.CreateDatabaseAsync();

        await Couch.ReplicateAsync(db, $"[{Leaf(BranchA, null)},{Leaf(BranchB, null)}]");

        CouchAssert.Missing(await Couch.GetAsync($"{db}/doc"), "deleted");
        var info = (await Couch.GetAsync(db)).Json;
        Assert.Equal(0, info.GetProperty("doc_count").GetInt64());
        Assert.Equal(1, info.GetProperty("doc_del_count").GetInt64());
    }

    [Fact]
    public async Task BulkDocsNewEditsFalse_SameRevisionTwice_ChangesNothingTheSecondTime()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.ReplicateAsync(db, $"[{Leaf(BranchA, "\"a\"")}]");
        var before = await Couch.StateAsync(db);

        await Couch.ReplicateAsync(db, $"[{Leaf(BranchA, "\"a\"")}]");

        Assert.Equal(before, await Couch.StateAsync(db));
    }

    [Fact]
    public async Task OpenRevsAll_WithConflicts_ReturnsEveryLeafIncludingDeleted()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.ReplicateAsync(db, $"[{Leaf(BranchB, "\"b\"")},{Leaf(BranchC, null, BranchA)}]");

        var response = await Couch.GetAsync($"{db}/doc?open_revs=all");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var docs = response.Json.EnumerateArray().Select(e => e.GetProperty("ok")).OrderBy(d => d.GetProperty("_rev").GetString(), StringComparer.Ordinal).ToList();
        Assert.Equal(2, docs.Count);
        Assert.Equal(BranchB, docs[0].GetProperty("_rev").GetString());
        Assert.Equal("b", docs[0].GetProperty("v").GetString());
        Assert.Equal(BranchC, docs[1].GetProperty("_rev").GetString());
        Assert.True(docs[1].GetProperty("_deleted").GetBoolean());
        Assert.Equal(3, docs[1].GetProperty("_revisions").GetProperty("start").GetInt32());
    }

    [Fact]
    public async Task OpenRevsList_WithUnknownRevision_ReportsItMissing()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.ReplicateAsync(db, $"[{Leaf(BranchA, "\"a\"")}]");
        const string unknown = "5-99999999999999999999999999999999";

        var response = await Couch.GetAsync($"{db}/doc?open_revs={Uri.EscapeDataString($"[\"{BranchA}\",\"{unknown}\"]")}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var entries = response.Json.EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal(BranchA, entries[0].GetProperty("ok").GetProperty("_rev").GetString());
        CouchAssert.JsonEqual($$"""{"missing":"{{unknown}}"}""", entries[1]);
    }

    [Fact]
    public async Task OpenRevs_OnMissingDocument_AllIs404AndListReportsMissing()
    {
        var db = await Couch.CreateDatabaseAsync();

        CouchAssert.Missing(await Couch.GetAsync($"{db}/nothing?open_revs=all"));
        var listed = await Couch.GetAsync($"{db}/nothing?open_revs={Uri.EscapeDataString($"[\"{BranchA}\"]")}");
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        CouchAssert.JsonEqual($$"""[{"missing":"{{BranchA}}"}]""", listed.Json);
    }

    [Fact]
    public async Task OpenRevs_LatestTrueWithAncestor_ReturnsItsLeaves()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.ReplicateAsync(db, $"[{Leaf(BranchA, "\"a\"")},{Leaf(BranchB, "\"b\"")}]");

        var response = await Couch.GetAsync($"{db}/doc?latest=true&open_revs={Uri.EscapeDataString($"[\"{Root}\"]")}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(
            [BranchA, BranchB],
            response.Json.EnumerateArray().Select(e => e.GetProperty("ok").GetProperty("_rev").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DeleteDocument_LosingLeafRev_ResolvesTheConflict()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.ReplicateAsync(db, $"[{Leaf(BranchA, "\"a\"")},{Leaf(BranchB, "\"b\"")}]");

        var response = await Couch.DeleteAsync($"{db}/doc?rev={BranchA}");

        var tombstone = CouchAssert.Written(response, HttpStatusCode.OK, "doc", 3);
        var doc = (await Couch.GetAsync($"{db}/doc?conflicts=true&deleted_conflicts=true")).Json;
        Assert.Equal(BranchB, doc.GetProperty("_rev").GetString());
        Assert.False(doc.TryGetProperty("_conflicts", out _));
        Assert.Equal([tombstone], doc.GetProperty("_deleted_conflicts").EnumerateArray().Select(r => r.GetString()!));
    }

    [Fact]
    public async Task PutDocument_OnLosingLeaf_ExtendsThatBranchAndMakesItWin()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.ReplicateAsync(db, $"[{Leaf(BranchA, "\"a\"")},{Leaf(BranchB, "\"b\"")}]");

        var response = await Couch.PutAsync($"{db}/doc", $$"""{"_rev":"{{BranchA}}","v":"a2"}""");

        var rev3 = CouchAssert.Written(response, HttpStatusCode.Created, "doc", 3);
        var doc = (await Couch.GetAsync($"{db}/doc?conflicts=true")).Json;
        Assert.Equal(rev3, doc.GetProperty("_rev").GetString());
        Assert.Equal([BranchB], doc.GetProperty("_conflicts").EnumerateArray().Select(r => r.GetString()!));
    }

    [Fact]
    public async Task AllDocs_ConflictsTrueWithIncludeDocs_ListsConflicts()
    {
        var db = await Couch.CreateDatabaseAsync();
        await Couch.ReplicateAsync(db, $"[{Leaf(BranchA, "\"a\"")},{Leaf(BranchB, "\"b\"")}]");

        var row = Assert.Single((await Couch.GetAsync($"{db}/_all_docs?include_docs=true&conflicts=true")).Json.GetProperty("rows").EnumerateArray());

        Assert.Equal(BranchB, row.GetProperty("value").GetProperty("rev").GetString());
        Assert.Equal([BranchA], row.GetProperty("doc").GetProperty("_conflicts").EnumerateArray().Select(r => r.GetString()!));
    }

    [Fact]
    public async Task Compact_AfterUpdates_DropsNonLeafBodiesButKeepsLeaves()
    {
        var db = await Couch.CreateDatabaseAsync();
        var rev1 = await Couch.PutDocumentAsync(db, "doc", """{"v":1}""");
        var rev2 = await Couch.PutDocumentAsync(db, "doc", $$"""{"_rev":"{{rev1}}","v":2}""");
        await Couch.ReplicateAsync(db, $$$"""[{"_id":"doc","_rev":"{{{BranchA}}}","v":"other","_revisions":{"start":2,"ids":["{{{Hash(BranchA)}}}","{{{Hash(rev1)}}}"]}}]""");
        Assert.Equal(HttpStatusCode.OK, (await Couch.GetAsync($"{db}/doc?rev={rev1}")).Status);

        Assert.Equal(HttpStatusCode.Accepted, (await Couch.PostAsync($"{db}/_compact", "{}")).Status);

        CouchAssert.Missing(await Couch.GetAsync($"{db}/doc?rev={rev1}"));
        CouchAssert.Document((await Couch.GetAsync($"{db}/doc?rev={rev2}")).Json, "doc", rev2, """{"v":2}""");
        CouchAssert.Document((await Couch.GetAsync($"{db}/doc?rev={BranchA}")).Json, "doc", BranchA, """{"v":"other"}""");
        var winner = (await Couch.GetAsync($"{db}/doc?revs_info=true")).Json;
        var info = winner.GetProperty("_revs_info").EnumerateArray().ToDictionary(i => i.GetProperty("rev").GetString()!, i => i.GetProperty("status").GetString());
        Assert.Equal("missing", info[rev1]);
        Assert.Equal("available", info[winner.GetProperty("_rev").GetString()!]);
    }

    [Fact]
    public async Task RevsLimit_Small_StemsRevisionHistoryOnWrite()
    {
        var db = await Couch.CreateDatabaseAsync();
        Assert.Equal(HttpStatusCode.OK, (await Couch.PutAsync($"{db}/_revs_limit", "2")).Status);
        var rev = await Couch.PutDocumentAsync(db, "doc", """{"v":0}""");
        for (var i = 1; i <= 4; i++)
        {
            rev = await Couch.PutDocumentAsync(db, "doc", $$"""{"_rev":"{{rev}}","v":{{i}}}""");
        }

        var revisions = (await Couch.GetAsync($"{db}/doc?revs=true")).Json.GetProperty("_revisions");

        Assert.Equal(5, revisions.GetProperty("start").GetInt32());
        Assert.Equal(2, revisions.GetProperty("ids").GetArrayLength());
        Assert.Equal(Hash(rev), revisions.GetProperty("ids")[0].GetString());
    }

    /// <summary>A replicated leaf of "doc" at <paramref name="rev"/> whose history is <see cref="Root"/> (and <paramref name="middle"/>); a null value makes it a deletion.</summary>
    private static string Leaf(string rev, string? value, string? middle = null)
    {
        var generation = int.Parse(rev[..rev.IndexOf('-', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
        string[] ids = middle is null ? [Hash(rev), Hash(Root)] : [Hash(rev), Hash(middle), Hash(Root)];
        var body = value is null ? "\"_deleted\":true" : $"\"v\":{value}";
        return $$$"""{"_id":"doc","_rev":"{{{rev}}}",{{{body}}},"_revisions":{"start":{{{generation}}},"ids":{{{JsonSerializer.Serialize(ids)}}}}}""";
    }

    private static string Hash(string rev) => rev[(rev.IndexOf('-', StringComparison.Ordinal) + 1)..];
}
