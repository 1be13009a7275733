using Xunit;
using static Tessera.Documents.Tests.Selectors.SelectorTesting;

namespace Tessera.Documents.Tests.Selectors;

/// <summary>$and, $or, $nor and $not, including CouchDB's normalization quirks.</summary>
public sealed class SelectorCombinationTests
{
    [Theory]
    [InlineData("""{"type": "user", "age": {"$gte": 18}}""", """{"type": "user", "age": 30}""", true)]
    [InlineData("""{"type": "user", "age": {"$gte": 18}}""", """{"type": "user", "age": 10}""", false)]
    [InlineData("""{"$and": [{"x": {"$gt": 3}}, {"x": {"$lt": 7}}]}""", """{"x": 6}""", true)]
    [InlineData("""{"$and": [{"x": {"$gt": 3}}, {"x": {"$lt": 7}}]}""", """{"x": 9}""", false)]
    [InlineData("""{"x": {"$and": [{"$gt": 3}, {"$lt": 7}]}}""", """{"x": 2}""", false)]
    [InlineData("""{"$and": []}""", """{"_id": "a"}""", true)]
    [InlineData("""{"x": {"$and": []}}""", """{"_id": "a"}""", true)]
    public void And_OfConditions_MatchesWhenAllMatch(string selector, string document, bool expected)
    {
        Assert.Equal(expected, Matches(selector, document));
    }

    [Theory]
    [InlineData("""{"$or": [{"x": 1}, {"y": 2}]}""", """{"y": 2}""", true)]
    [InlineData("""{"$or": [{"x": 1}, {"y": 2}]}""", """{"x": 2, "y": 1}""", false)]
    [InlineData("""{"x": {"$or": [{"$lt": 3}, {"$gt": 7}]}}""", """{"x": 9}""", true)]
    [InlineData("""{"x": {"$or": [{"$lt": 3}, {"$gt": 7}]}}""", """{"x": 6}""", false)]
    [InlineData("""{"x": {"$or": [{"$lt": 3}, {"$gt": 7}]}}""", """{"_id": "a"}""", false)]
    [InlineData("""{"$or": []}""", """{"_id": "a"}""", true)]
    [InlineData("""{"x": {"$or": []}}""", """{"_id": "a"}""", true)]
    public void Or_OfConditions_MatchesWhenAnyMatches(string selector, string document, bool expected)
    {
        // Note: an empty $or matches everything in CouchDB, and so here.
        Assert.Equal(expected, Matches(selector, document));
    }

    [Theory]
    [InlineData("""{"$nor": [{"x": 1}, {"x": 2}]}""", """{"x": 3}""", true)]
    [InlineData("""{"$nor": [{"x": 1}, {"x": 2}]}""", """{"x": 2}""", false)]
    [InlineData("""{"$nor": [{"x": 1}, {"x": 2}]}""", """{"_id": "a"}""", false)]
    [InlineData("""{"x": {"$nor": [{"$lt": 3}, {"$gt": 7}]}}""", """{"x": 6}""", true)]
    [InlineData("""{"x": {"$nor": [{"$lt": 3}, {"$gt": 7}]}}""", """{"x": 2}""", false)]
    [InlineData("""{"$nor": []}""", """{"_id": "a"}""", true)]
    public void Nor_OfConditions_MatchesWhenNoneMatchesAndFieldsExist(string selector, string document, bool expected)
    {
        Assert.Equal(expected, Matches(selector, document));
    }

    [Theory]
    [InlineData("""{"$not": {"x": 5}}""", """{"x": 6}""", true)]
    [InlineData("""{"$not": {"x": 5}}""", """{"x": 5}""", false)]
    [InlineData("""{"$not": {"x": 5}}""", """{"_id": "a"}""", false)]
    [InlineData("""{"$not": {"$not": {"x": 5}}}""", """{"x": 5}""", true)]
    [InlineData("""{"$not": {"$and": [{"x": {"$gt": 3}}, {"x": {"$lt": 7}}]}}""", """{"x": 9}""", true)]
    [InlineData("""{"$not": {"$and": [{"x": {"$gt": 3}}, {"x": {"$lt": 7}}]}}""", """{"x": 6}""", false)]
    [InlineData("""{"$not": {"$and": [{"x": {"$gt": 3}}, {"x": {"$lt": 7}}]}}""", """{"_id": "a"}""", false)]
    [InlineData("""{"$not": {"$or": [{"x": 1}, {"y": 1}]}}""", """{"x": 2, "y": 2}""", true)]
    [InlineData("""{"$not": {"$or": [{"x": 1}, {"y": 1}]}}""", """{"x": 2}""", false)]
    [InlineData("""{"$not": {"$nor": [{"x": 1}, {"y": 1}]}}""", """{"y": 1}""", true)]
    [InlineData("""{"x": {"$not": {"$in": [1, 2]}}}""", """{"x": 3}""", true)]
    [InlineData("""{"x": {"$not": {"$in": [1, 2]}}}""", """{"_id": "a"}""", false)]
    [InlineData("""{"x": {"$not": {"$and": []}}}""", """{"_id": "a"}""", true)]
    [InlineData("""{"x": {"$not": {"$or": []}}}""", """{"_id": "a"}""", true)]
    public void Not_OfSelector_IsPushedDownToConditions(string selector, string document, bool expected)
    {
        // Note: {"x": {"$not": {"$and": []}}} normalizes to {"$or": []}, which matches everything in CouchDB.
        Assert.Equal(expected, Matches(selector, document));
    }

    [Theory]
    [InlineData("""{"a": {"$elemMatch": {"$not": {"b": 1}}}}""", """{"a": [{"c": 1}]}""", true)]
    [InlineData("""{"a": {"$elemMatch": {"$not": {"b": 1}}}}""", """{"a": [{"b": 1}]}""", false)]
    [InlineData("""{"a": {"$elemMatch": {"$nor": [{"b": 1}, {"b": 2}]}}}""", """{"a": [{"b": 2}, {"b": 3}]}""", true)]
    [InlineData("""{"a": {"$elemMatch": {"$nor": [{"b": 1}, {"b": 2}]}}}""", """{"a": [{"b": 2}, {"b": 1}]}""", false)]
    [InlineData("""{"a": {"$allMatch": {"$or": [{"b": 1}, {"c": 1}]}}}""", """{"a": [{"b": 1}, {"c": 1}]}""", true)]
    public void Negation_InsideElemMatch_IsPlainLogicalNot(string selector, string document, bool expected)
    {
        // Note: CouchDB does not push negations into $elemMatch, so an element without "b" satisfies {"$not": {"b": 1}}.
        Assert.Equal(expected, Matches(selector, document));
    }
}
