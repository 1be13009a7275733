using System.Text.Json;
using Xunit;
using static Tessera.Documents.Tests.Selectors.SelectorTesting;

namespace Tessera.Documents.Tests.Selectors;

/// <summary>Comparison operators follow CouchDB's collation across and within JSON types.</summary>
public sealed class SelectorCollationTests
{
    /// <summary>CouchDB's own collation test values (couch_ejson_compare_tests.erl), in ascending order.</summary>
    private static readonly string[] CouchDbSequence =
    [
        "null", "false", "true",
        "-2", "-0.1", "0", "0.1", "1", "2", "3.0", "4",
        "\"a\"", "\"A\"", "\"aa\"", "\"b\"", "\"B\"", "\"ba\"", "\"bb\"",
        """["a"]""", """["b"]""", """["b", "c"]""", """["b", "d"]""", """["b", "d", "e"]""",
        """{"a": 1}""", """{"a": 2}""", """{"b": 1}""", """{"b": 2}""", """{"b": 2, "a": 1}""", """{"b": 2, "c": 2}""",
    ];

    /// <summary>Strings in ascending order as ICU 72's root collator (what CouchDB uses) sorts them.</summary>
    private static readonly string[] IcuSequence =
    [
        "", " ", "_", "-", ",", ";", ":", "!", "?", ".", "'", "\"", "(", ")", "[", "]", "{", "}", "@", "*", "/", "\\",
        "&", "#", "%", "`", "^", "+", "<", "=", ">", "|", "~", "$", "\u20ac", "0", "1", "10", "2", "9",
        "a", "A", "\u00e1", "\u00c1", "\u00e0", "\u00e2", "\u00e5", "\u00e4", "aa", "ab", "Ab", "ae", "\u00e6", "\u00c6", "af",
        "b", "B", "ba", "c", "\u00e7", "cz", "d", "\u0111", "\u00f0", "e", "\u00e9", "\u00e8", "\u00ea", "\u00eb", "f",
        "i", "\u0131", "j", "l", "\u0142", "m", "n", "\u00f1", "\u014b", "o", "\u00f6", "\u0151", "\u00f8", "\u0153", "p",
        "s", "\u015b", "\u0161", "ss", "\u00df", "st", "z", "\u017e", "\u00fe",
        "\u03b1", "\u0391", "\u03c9", "\u0430", "\u044f", "\u4e00",
    ];

    [Fact]
    public void Compare_CouchDbCollationSequence_OrdersEveryPair()
    {
        AssertAscending(CouchDbSequence);
    }

    [Fact]
    public void Compare_StringsSortedByIcu_OrdersEveryPairTheSame()
    {
        AssertAscending([.. IcuSequence.Select(s => JsonSerializer.Serialize(s))]);
    }

    [Theory]
    [InlineData("\"a\"", "\"a\\u200b\"")]
    [InlineData("\"\\u00e9\"", "\"e\\u0301\"")]
    [InlineData("\"3\"", "\"\\u0663\"")]
    [InlineData("1", "1.0")]
    [InlineData("100", "1e2")]
    [InlineData("[1, \"a\"]", "[1.0, \"a\"]")]
    public void Eq_CollationEquivalentValues_Matches(string value, string argument)
    {
        // Ignorable characters (U+200B), canonical equivalents and digits of any script collate equal, as in ICU.
        Assert.True(ConditionMatches($$"""{"$eq": {{argument}}}""", value));
    }

    [Theory]
    [InlineData("""{"$gt": 5}""", "\"abc\"", true)]
    [InlineData("""{"$gt": 5}""", "true", false)]
    [InlineData("""{"$lt": "a"}""", "99999", true)]
    [InlineData("""{"$gt": "zzz"}""", "[]", true)]
    [InlineData("""{"$lt": {}}""", "[1, 2]", true)]
    [InlineData("""{"$lt": {}}""", "{\"a\": 1}", false)]
    [InlineData("""{"$gt": null}""", "false", true)]
    [InlineData("""{"$gt": 9007199254740992}""", "9007199254740993", true)]
    [InlineData("""{"$lt": 0.30000000000000004}""", "0.3", true)]
    [InlineData("""{"$gt": "Z"}""", "\"a\"", false)]
    [InlineData("""{"$lt": "b"}""", "\"A\"", true)]
    public void Compare_AcrossAndWithinTypes_UsesCollationOrder(string condition, string value, bool expected)
    {
        Assert.Equal(expected, ConditionMatches(condition, value));
    }

    [Theory]
    [InlineData("""{"_id": {"$gt": "Z"}}""", "a", true)]
    [InlineData("""{"_id": {"$lt": "b"}}""", "B", true)]
    [InlineData("""{"_id": {"$lt": "a"}}""", "B", true)]
    [InlineData("""{"_id": {"$eq": "a"}}""", "a\u200b", false)]
    [InlineData("""{"_id": {"$gt": 5}}""", "a", true)]
    [InlineData("""{"_id": {"$lt": {}}}""", "a", false)]
    [InlineData("""{"_id": {"$in": ["x", "A"]}}""", "A", true)]
    [InlineData("""{"_id": {"$in": ["x", "a"]}}""", "A", false)]
    [InlineData("""{"_id": {"$gt": "\ue000"}}""", "\ud83d\ude00", true)]
    public void Id_Compared_UsesRawCodePointOrder(string selector, string id, bool expected)
    {
        // Note: CouchDB compares _id with Erlang term order (bytes; strings above every other type), not ICU.
        var document = JsonSerializer.Serialize(new Dictionary<string, string> { ["_id"] = id });

        Assert.Equal(expected, Matches(selector, document));
    }

    [Fact]
    public void Compare_SameStringsOutsideId_UsesIcuOrder()
    {
        Assert.False(Matches("""{"name": {"$gt": "Z"}}""", """{"name": "a"}"""));
        Assert.False(Matches("""{"name": {"$lt": "a"}}""", """{"name": "B"}"""));
        Assert.True(Matches("""{"name": {"$lt": "b"}}""", """{"name": "A"}"""));
    }

    private static void AssertAscending(string[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            for (var j = 0; j < values.Length; j++)
            {
                var expected = i.CompareTo(j);
                Assert.True(
                    expected < 0 == ConditionMatches($$"""{"$lt": {{values[j]}}}""", values[i])
                    && (expected == 0) == ConditionMatches($$"""{"$eq": {{values[j]}}}""", values[i])
                    && expected > 0 == ConditionMatches($$"""{"$gt": {{values[j]}}}""", values[i]),
                    $"{values[i]} should sort {(expected < 0 ? "before" : expected > 0 ? "after" : "with")} {values[j]}");
            }
        }
    }
}
