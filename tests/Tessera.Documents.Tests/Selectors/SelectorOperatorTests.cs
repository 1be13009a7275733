using Xunit;
using static Tessera.Documents.Tests.Selectors.SelectorTesting;

namespace Tessera.Documents.Tests.Selectors;

/// <summary>
/// Each condition operator on a present field, with the cases of CouchDB's own mango_selector tests; as there,
/// the <c>$not</c> of a condition must give the opposite answer whenever the field exists.
/// </summary>
public sealed class SelectorOperatorTests
{
    [Theory]
    [InlineData("""{"$lt": 5}""", "4", true)]
    [InlineData("""{"$lt": 5}""", "5", false)]
    [InlineData("""{"$lt": 5}""", "6", false)]
    [InlineData("""{"$lt": "hello"}""", "\"held\"", true)]
    [InlineData("""{"$lt": "hello"}""", "\"hello\"", false)]
    [InlineData("""{"$lt": "hello"}""", "\"help\"", false)]
    [InlineData("""{"$lt": [1, 2, 3]}""", "[1, 2, 2]", true)]
    [InlineData("""{"$lt": [1, 2, 3]}""", "[1, 2]", true)]
    [InlineData("""{"$lt": [1, 2, 3]}""", "[1, 2, 3]", false)]
    [InlineData("""{"$lt": [1, 2, 3]}""", "[1, 3]", false)]
    [InlineData("""{"$lte": 5}""", "5", true)]
    [InlineData("""{"$lte": 5}""", "6", false)]
    [InlineData("""{"$lte": "hello"}""", "\"hello\"", true)]
    [InlineData("""{"$lte": [1, 2, 3]}""", "[1, 2, 4]", false)]
    [InlineData("""{"$gt": 5}""", "6", true)]
    [InlineData("""{"$gt": 5}""", "5", false)]
    [InlineData("""{"$gt": "hello"}""", "\"help\"", true)]
    [InlineData("""{"$gt": [1, 2, 3]}""", "[1, 3]", true)]
    [InlineData("""{"$gt": [1, 2, 3]}""", "[1, 2]", false)]
    [InlineData("""{"$gte": 5}""", "5", true)]
    [InlineData("""{"$gte": 5}""", "4", false)]
    [InlineData("""{"$gte": 5.5}""", "5.5", true)]
    [InlineData("""{"$gte": 5.5}""", "5.4999", false)]
    public void Range_OnValue_MatchesAndItsNegationDoesNot(string condition, string value, bool expected)
    {
        AssertConditionAndNegation(condition, value, expected);
    }

    [Theory]
    [InlineData("""{"$eq": 5}""", "5", true)]
    [InlineData("""{"$eq": 5}""", "5.0", true)]
    [InlineData("""{"$eq": 5}""", "6", false)]
    [InlineData("""{"$eq": 5}""", "\"5\"", false)]
    [InlineData("""{"$eq": "hello"}""", "\"hello\"", true)]
    [InlineData("""{"$eq": "hello"}""", "\"Hello\"", false)]
    [InlineData("""{"$eq": null}""", "null", true)]
    [InlineData("""{"$eq": null}""", "false", false)]
    [InlineData("""{"$eq": [1, [2, 3, 4], 5]}""", "[1, [2, 3, 4], 5]", true)]
    [InlineData("""{"$eq": [1, [2, 3, 4], 5]}""", "[1, [2, 3, 4]]", false)]
    [InlineData("""{"$eq": [1, [2, 3, 4], 5]}""", "[1, [2, 7, 4], 5]", false)]
    [InlineData("""{"$eq": {"a": {"b": {"c": 7}}}}""", """{"a": {"b": {"c": 7}}}""", true)]
    [InlineData("""{"$eq": {"a": {"b": {"c": 7}}}}""", """{"a": {"b": {"c": 8}}}""", false)]
    [InlineData("""{"$eq": {"a": {"b": {"c": 7}}}}""", """{"a": {"b": {"d": 7}}}""", false)]
    [InlineData("""{"$eq": {"a": 1}}""", """{"a": 1, "b": 2}""", false)]
    [InlineData("""{"$ne": 5}""", "5", false)]
    [InlineData("""{"$ne": 5}""", "6", true)]
    [InlineData("""{"$ne": "hello"}""", "\"help\"", true)]
    [InlineData("""{"$ne": [1, [2, 3, 4], 5]}""", "[1, [2, 3, 4], 5, 6]", true)]
    [InlineData("""{"$ne": {"a": 1}}""", """{"a": 1}""", false)]
    public void Equality_OnValue_MatchesAndItsNegationDoesNot(string condition, string value, bool expected)
    {
        AssertConditionAndNegation(condition, value, expected);
    }

    [Theory]
    [InlineData("""{"$in": []}""", "0", false)]
    [InlineData("""{"$in": []}""", "[]", false)]
    [InlineData("""{"$in": [42, false, "bar", [["nested"], "list"], {"b": 2}]}""", "42", true)]
    [InlineData("""{"$in": [42, false, "bar", [["nested"], "list"], {"b": 2}]}""", "false", true)]
    [InlineData("""{"$in": [42, false, "bar", [["nested"], "list"], {"b": 2}]}""", "\"bar\"", true)]
    [InlineData("""{"$in": [42, false, "bar", [["nested"], "list"], {"b": 2}]}""", """{"b": 2}""", true)]
    [InlineData("""{"$in": [42, false, "bar", [["nested"], "list"], {"b": 2}]}""", "43", false)]
    [InlineData("""{"$in": [42, false, "bar", [["nested"], "list"], {"b": 2}]}""", "\"bars\"", false)]
    [InlineData("""{"$in": [42, false, "bar", [["nested"], "list"], {"b": 2}]}""", """{"b": 2, "c": 3}""", false)]
    [InlineData("""{"$in": [42, false, "bar", [["nested"], "list"], {"b": 2}]}""", "[0, 42]", true)]
    [InlineData("""{"$in": [42, false, "bar", [["nested"], "list"], {"b": 2}]}""", "[0, {\"b\": 2}]", true)]
    [InlineData("""{"$in": [42, false, "bar", [["nested"], "list"], {"b": 2}]}""", """[["nested"], "list"]""", false)]
    [InlineData("""{"$in": [42, false, "bar", [["nested"], "list"], {"b": 2}]}""", """[0, [["nested"], "list"]]""", true)]
    [InlineData("""{"$nin": []}""", "0", true)]
    [InlineData("""{"$nin": []}""", "[42]", true)]
    [InlineData("""{"$nin": [42, "bar"]}""", "42", false)]
    [InlineData("""{"$nin": [42, "bar"]}""", "43", true)]
    [InlineData("""{"$nin": [42, "bar"]}""", "[0, \"bar\"]", false)]
    [InlineData("""{"$nin": [42, "bar"]}""", "[0, 1]", true)]
    public void Membership_OnValue_MatchesAndItsNegationDoesNot(string condition, string value, bool expected)
    {
        AssertConditionAndNegation(condition, value, expected);
    }

    [Theory]
    [InlineData("""{"$all": []}""", "[]", false)]
    [InlineData("""{"$all": []}""", "[42]", false)]
    [InlineData("""{"$all": [1, 2, 3, 4]}""", "[3, 2, 4, 1]", true)]
    [InlineData("""{"$all": [1, 2, 3, 4]}""", "[0, 4, 3, 5, 2, 1, 6]", true)]
    [InlineData("""{"$all": [1, 2, 3, 4]}""", "[3, 2, 4]", false)]
    [InlineData("""{"$all": [1, 2, 3, 4]}""", "[]", false)]
    [InlineData("""{"$all": [[1, 2, 3, 4]]}""", "[1, 2, 3, 4]", true)]
    [InlineData("""{"$all": [[1, 2, 3, 4]]}""", "[4, 3, 2, 1]", false)]
    [InlineData("""{"$all": [[1, 2, 3, 4]]}""", "[5, [1, 2, 3, 4], 6]", true)]
    [InlineData("""{"$all": [[1, 2, 3, 4]]}""", "[5, [1, 3, 4], 6]", false)]
    [InlineData("""{"$all": ["hello"]}""", "\"hello\"", false)]
    [InlineData("""{"$all": ["hello"]}""", "[0, \"hello\", 1]", true)]
    [InlineData("""{"$all": [{"a": 1}]}""", """[{"a": 1}]""", true)]
    [InlineData("""{"$all": [{"a": 1}]}""", """[{"a": 1, "b": 2}]""", false)]
    [InlineData("""{"$all": [1]}""", "[1.0]", false)]
    [InlineData("""{"$size": 3}""", "[0, 0, 0]", true)]
    [InlineData("""{"$size": 3}""", "[0, 0]", false)]
    [InlineData("""{"$size": 3}""", "3", false)]
    [InlineData("""{"$size": 3}""", "\"fun\"", false)]
    [InlineData("""{"$size": 0}""", "[]", true)]
    public void ArrayContent_OnValue_MatchesAndItsNegationDoesNot(string condition, string value, bool expected)
    {
        AssertConditionAndNegation(condition, value, expected);
    }

    [Theory]
    [InlineData("""{"$elemMatch": {"$eq": 0}}""", "[]", false)]
    [InlineData("""{"$elemMatch": {"$eq": 0}}""", "[0]", true)]
    [InlineData("""{"$elemMatch": {"$eq": 0}}""", "[1]", false)]
    [InlineData("""{"$elemMatch": {"$eq": 0}}""", "[0, 1]", true)]
    [InlineData("""{"$elemMatch": {"$eq": 0}}""", "0", false)]
    [InlineData("""{"$elemMatch": {"$gte": 80, "$lt": 85}}""", "[70, 82, 90]", true)]
    [InlineData("""{"$elemMatch": {"$gte": 80, "$lt": 85}}""", "[70, 90]", false)]
    [InlineData("""{"$elemMatch": {"qty": {"$gt": 5}, "name": "a"}}""", """[{"name": "a", "qty": 3}, {"name": "b", "qty": 9}]""", false)]
    [InlineData("""{"$elemMatch": {"qty": {"$gt": 5}, "name": "a"}}""", """[{"name": "b", "qty": 3}, {"name": "a", "qty": 9}]""", true)]
    [InlineData("""{"$allMatch": {"$eq": 0}}""", "[]", false)]
    [InlineData("""{"$allMatch": {"$eq": 0}}""", "[0]", true)]
    [InlineData("""{"$allMatch": {"$eq": 0}}""", "[0, 0]", true)]
    [InlineData("""{"$allMatch": {"$eq": 0}}""", "[0, 1]", false)]
    [InlineData("""{"$allMatch": {"a": {"$exists": true}}}""", """[{"a": 1}, {"a": null}]""", true)]
    [InlineData("""{"$allMatch": {"a": {"$exists": true}}}""", """[{"a": 1}, {"b": 1}]""", false)]
    [InlineData("""{"$keyMapMatch": {"$regex": "^[a-z]+$"}}""", """{"hello": 0}""", true)]
    [InlineData("""{"$keyMapMatch": {"$regex": "^[a-z]+$"}}""", """{"a": 1, "b4": 2}""", true)]
    [InlineData("""{"$keyMapMatch": {"$regex": "^[a-z]+$"}}""", """{"b4": 2}""", false)]
    [InlineData("""{"$keyMapMatch": {"$regex": "^[a-z]+$"}}""", "{}", false)]
    [InlineData("""{"$keyMapMatch": {"$eq": "B"}}""", """{"a": 1, "B": 2}""", true)]
    [InlineData("""{"$keyMapMatch": {"$in": ["x", "y"]}}""", """{"a": 1, "y": 2}""", true)]
    [InlineData("""{"$keyMapMatch": {"$beginsWith": "ke"}}""", """{"key\u00e9": 1}""", true)]
    [InlineData("""{"$keyMapMatch": {"$type": "number"}}""", """{"1": 1}""", false)]
    [InlineData("""{"$keyMapMatch": {"$gt": "m"}}""", """["z"]""", false)]
    public void ElementMatch_OnValue_MatchesAndItsNegationDoesNot(string condition, string value, bool expected)
    {
        AssertConditionAndNegation(condition, value, expected);
    }

    [Theory]
    [InlineData("""{"$exists": true}""", "null", true)]
    [InlineData("""{"$exists": false}""", "0", false)]
    [InlineData("""{"$type": "null"}""", "null", true)]
    [InlineData("""{"$type": "null"}""", "false", false)]
    [InlineData("""{"$type": "boolean"}""", "true", true)]
    [InlineData("""{"$type": "boolean"}""", "false", true)]
    [InlineData("""{"$type": "boolean"}""", "0", false)]
    [InlineData("""{"$type": "number"}""", "3.14", true)]
    [InlineData("""{"$type": "number"}""", "\"1\"", false)]
    [InlineData("""{"$type": "string"}""", "\"\"", true)]
    [InlineData("""{"$type": "string"}""", "[]", false)]
    [InlineData("""{"$type": "array"}""", "[1, 2]", true)]
    [InlineData("""{"$type": "array"}""", "{}", false)]
    [InlineData("""{"$type": "object"}""", """{"a": 1}""", true)]
    [InlineData("""{"$type": "object"}""", "null", false)]
    [InlineData("""{"$type": "integer"}""", "1", false)]
    public void ExistsAndType_OnValue_MatchesAndItsNegationDoesNot(string condition, string value, bool expected)
    {
        AssertConditionAndNegation(condition, value, expected);
    }

    [Theory]
    [InlineData("""{"$regex": "^[0-9a-f]+$"}""", "\"\"", false)]
    [InlineData("""{"$regex": "^[0-9a-f]+$"}""", "\"3a0df5e\"", true)]
    [InlineData("""{"$regex": "^[0-9a-f]+$"}""", "\"3a0gf5e\"", false)]
    [InlineData("""{"$regex": "^[0-9a-f]+$"}""", "42", false)]
    [InlineData("""{"$regex": "ell"}""", "\"hello\"", true)]
    [InlineData("""{"$regex": "(?i)^HEL"}""", "\"hello\"", true)]
    [InlineData("""{"$regex": "^caf\u00e9$"}""", "\"caf\\u00e9\"", true)]
    [InlineData("""{"$beginsWith": "foo"}""", "\"foo\"", true)]
    [InlineData("""{"$beginsWith": "foo"}""", "\"fool me once\"", true)]
    [InlineData("""{"$beginsWith": "foo"}""", "\"more food\"", false)]
    [InlineData("""{"$beginsWith": "foo"}""", "\"fo\"", false)]
    [InlineData("""{"$beginsWith": "foo"}""", "\"Foo\"", false)]
    [InlineData("""{"$beginsWith": "foo"}""", "42", false)]
    [InlineData("""{"$beginsWith": ""}""", "\"\"", true)]
    [InlineData("""{"$mod": [28, 1]}""", "1", true)]
    [InlineData("""{"$mod": [28, 1]}""", "29", true)]
    [InlineData("""{"$mod": [28, 1]}""", "57", true)]
    [InlineData("""{"$mod": [28, 1]}""", "58", false)]
    [InlineData("""{"$mod": [28, 1]}""", "\"57\"", false)]
    [InlineData("""{"$mod": [28, 1]}""", "29.0", false)]
    [InlineData("""{"$mod": [28, -1]}""", "-29", true)]
    [InlineData("""{"$mod": [28, 27]}""", "-29", false)]
    [InlineData("""{"$mod": [-1, 0]}""", "-9223372036854775808", true)]
    public void TextAndArithmetic_OnValue_MatchesAndItsNegationDoesNot(string condition, string value, bool expected)
    {
        AssertConditionAndNegation(condition, value, expected);
    }

    [Fact]
    public void Regex_CatastrophicBacktracking_TimesOutAsNoMatch()
    {
        var value = "\"" + new string('a', 5_000) + "!\"";

        Assert.False(ConditionMatches("""{"$regex": "^(a|aa)+$"}""", value));
    }

    [Fact]
    public void Id_OnlyBeginsWith_MatchesDocumentsInThatIdRange()
    {
        var selector = Parse("""{"_id": {"$beginsWith": "user:"}}""");

        Assert.True(Matches(selector, """{"_id": "user:1", "_rev": "1-a"}"""));
        Assert.False(Matches(selector, """{"_id": "User:1", "_rev": "1-a"}"""));
    }

    private static void AssertConditionAndNegation(string condition, string value, bool expected)
    {
        Assert.Equal(expected, ConditionMatches(condition, value));
        Assert.Equal(!expected, ConditionMatches($$"""{"$not": {{condition}}}""", value));
    }
}
