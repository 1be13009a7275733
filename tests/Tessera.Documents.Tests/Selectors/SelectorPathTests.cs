using System.Text.Json;
using Tessera.Documents.Selectors;
using Xunit;
using static Tessera.Documents.Tests.Selectors.SelectorTesting;

namespace Tessera.Documents.Tests.Selectors;

/// <summary>Field paths, nested field objects, implicit operators and missing fields.</summary>
public sealed class SelectorPathTests
{
    [Theory]
    [InlineData("""{"a.b.c": 1}""", """{"a": {"b": {"c": 1}}}""", true)]
    [InlineData("""{"a.b.c": 1}""", """{"a": {"b": {"c": 2}}}""", false)]
    [InlineData("""{"a": {"b": {"c": 1}}}""", """{"a": {"b": {"c": 1, "d": 2}}}""", true)]
    [InlineData("""{"a": {"b.c": 1}}""", """{"a": {"b": {"c": 1}}}""", true)]
    [InlineData("""{"a": {"b": 1, "c": 2}}""", """{"a": {"b": 1, "c": 2, "d": 3}}""", true)]
    [InlineData("""{"a": {"b": 1, "c": 2}}""", """{"a": {"b": 1}}""", false)]
    [InlineData("""{"a": {"$gt": 1, "b": 2}}""", """{"a": {"b": 2}}""", true)]
    [InlineData("""{"a\\.b": 1}""", """{"a.b": 1}""", true)]
    [InlineData("""{"a\\.b": 1}""", """{"a": {"b": 1}}""", false)]
    [InlineData("""{"a.b\\.c": 1}""", """{"a": {"b.c": 1}}""", true)]
    [InlineData("""{"a.0": "x"}""", """{"a": ["x", "y"]}""", true)]
    [InlineData("""{"a.1.b": 2}""", """{"a": [{"b": 1}, {"b": 2}]}""", true)]
    [InlineData("""{"a.+1.b": 2}""", """{"a": [{"b": 1}, {"b": 2}]}""", true)]
    [InlineData("""{"a.b": 1}""", """{"a": [{"b": 1}]}""", false)]
    [InlineData("""{"a.0": "x"}""", """{"a": {"0": "x"}}""", true)]
    [InlineData("""{"a": 1}""", """{"a": 1, "a": 2}""", true)]
    [InlineData("""{"a": 2}""", """{"a": 1, "a": 2}""", false)]
    public void Path_ReachingAValue_MatchesThatValue(string selector, string document, bool expected)
    {
        Assert.Equal(expected, Matches(selector, document));
    }

    [Theory]
    [InlineData("""{"x": {}}""", """{"x": {}}""", true)]
    [InlineData("""{"x": {}}""", """{"x": {"a": 1}}""", false)]
    [InlineData("""{"x": {}}""", """{"x": []}""", false)]
    [InlineData("""{"x": {}}""", "{}", false)]
    [InlineData("""{"x": [1, 2]}""", """{"x": [1, 2]}""", true)]
    [InlineData("""{"x": [1, 2]}""", """{"x": [2, 1]}""", false)]
    [InlineData("""{"x": [1, 2]}""", """{"x": 1}""", false)]
    [InlineData("""{"x": null}""", """{"x": null}""", true)]
    [InlineData("""{"x": null}""", "{}", false)]
    public void BareValue_AsCondition_MeansEquality(string selector, string document, bool expected)
    {
        Assert.Equal(expected, Matches(selector, document));
    }

    [Theory]
    [InlineData("""{"f": {"$ne": 1}}""")]
    [InlineData("""{"f": {"$lt": 100}}""")]
    [InlineData("""{"f": {"$gt": null}}""")]
    [InlineData("""{"f": {"$nin": [1]}}""")]
    [InlineData("""{"f": {"$not": {"$eq": 1}}}""")]
    [InlineData("""{"$not": {"f": 1}}""")]
    [InlineData("""{"$nor": [{"f": 1}]}""")]
    [InlineData("""{"f": {"$not": {"$regex": "^a"}}}""")]
    [InlineData("""{"f": {"$not": {"$size": 1}}}""")]
    [InlineData("""{"f": {"$type": "null"}}""")]
    [InlineData("""{"f": {"$exists": true}}""")]
    [InlineData("""{"f.g": {"$ne": 1}}""")]
    public void Condition_OnMissingField_DoesNotMatch(string selector)
    {
        Assert.False(Matches(selector, """{"_id": "a", "other": 1}"""));
    }

    [Theory]
    [InlineData("""{"f": {"$exists": false}}""", """{"_id": "a"}""", true)]
    [InlineData("""{"f": {"$not": {"$exists": true}}}""", """{"_id": "a"}""", true)]
    [InlineData("""{"f.g": {"$exists": false}}""", """{"f": {}}""", true)]
    [InlineData("""{"f.g": {"$exists": false}}""", """{"f": {"g": null}}""", false)]
    [InlineData("""{"f.g": {"$exists": false}}""", """{"f": 5}""", false)]
    [InlineData("""{"f.g": {"$exists": false}}""", """{"f": "text"}""", false)]
    [InlineData("""{"f.3": {"$exists": false}}""", """{"f": [1]}""", false)]
    [InlineData("""{"f": {"$not": {"$exists": true, "$eq": 0}}}""", """{"_id": "a"}""", true)]
    [InlineData("""{"f": {"$not": {"$exists": true, "$eq": 0}}}""", """{"f": 1}""", true)]
    [InlineData("""{"f": {"$not": {"$exists": true, "$eq": 0}}}""", """{"f": 0}""", false)]
    public void Exists_OnMissingOrUnreachableField_FollowsCouchDb(string selector, string document, bool expected)
    {
        // Note: a path through a scalar or past an array's end is a "bad path" in CouchDB: it matches nothing, not even $exists: false.
        Assert.Equal(expected, Matches(selector, document));
    }

    [Fact]
    public void DocumentFields_IdRevAndDeleted_AreOrdinaryFields()
    {
        const string deleted = """{"_id": "a", "_rev": "2-b", "_deleted": true}""";
        const string live = """{"_id": "a", "_rev": "1-a", "type": "user"}""";

        Assert.True(Matches("""{"_deleted": true}""", deleted));
        Assert.False(Matches("""{"_deleted": true}""", live));
        Assert.True(Matches("""{"_deleted": {"$exists": false}, "type": "user"}""", live));
        Assert.True(Matches("""{"_rev": {"$regex": "^2-"}}""", deleted));
    }

    [Fact]
    public void Parse_ThenCallerDisposesSelectorJson_SelectorStillMatches()
    {
        Selector selector;
        using (var json = JsonDocument.Parse("""{"name": {"$in": ["a", "b"]}, "n": {"$gt": 1}}"""))
        {
            selector = Selector.Parse(json.RootElement);
        }

        Assert.True(Matches(selector, """{"name": "b", "n": 2}"""));
        Assert.False(Matches(selector, """{"name": "c", "n": 2}"""));
    }

    [Fact]
    public void EmptySelector_AnyDocument_Matches()
    {
        var selector = Parse("{}");

        Assert.True(selector.MatchesEverything);
        Assert.True(Matches(selector, """{"_id": "a"}"""));
        Assert.True(Matches(selector, """{"_id": "b", "_deleted": true}"""));
        Assert.False(Parse("""{"a": 1}""").MatchesEverything);
    }
}
