using Tessera.Documents.Selectors;
using Xunit;
using static Tessera.Documents.Tests.Selectors.SelectorTesting;

namespace Tessera.Documents.Tests.Selectors;

public sealed class SelectorParseErrorTests
{
    [Theory]
    [InlineData("""{"x": {"$foo": 1}}""", "invalid_operator", "Invalid operator: $foo")]
    [InlineData("""{"$foo": [{"x": 1}]}""", "invalid_operator", "Invalid operator: $foo")]
    [InlineData("""{"x": {"$": 1}}""", "invalid_operator", "Invalid operator: $")]
    [InlineData("""{"x": {"$regex": 5}}""", "invalid_operator", "Invalid operator: $regex")]
    [InlineData("""{"x": {"$beginsWith": 1}}""", "invalid_operator", "Invalid operator: $beginsWith")]
    [InlineData("""{"x": {"$in": 5}}""", "bad_arg", "Bad argument for operator $in: 5")]
    [InlineData("""{"x": {"$nin": "a"}}""", "bad_arg", "Bad argument for operator $nin: \"a\"")]
    [InlineData("""{"x": {"$all": {"a": 1}}}""", "bad_arg", "Bad argument for operator $all: {\"a\": 1}")]
    [InlineData("""{"x": {"$mod": [3]}}""", "bad_arg", "Bad argument for operator $mod: [3]")]
    [InlineData("""{"x": {"$mod": [3, 1, 0]}}""", "bad_arg", "Bad argument for operator $mod: [3, 1, 0]")]
    [InlineData("""{"x": {"$mod": [2.5, 1]}}""", "bad_arg", "Bad argument for operator $mod: [2.5, 1]")]
    [InlineData("""{"x": {"$mod": [0, 1]}}""", "bad_arg", "Bad argument for operator $mod: [0, 1]")]
    [InlineData("""{"x": {"$mod": 3}}""", "bad_arg", "Bad argument for operator $mod: 3")]
    [InlineData("""{"x": {"$regex": "(unclosed"}}""", "bad_arg", "Bad argument for operator $regex: \"(unclosed\"")]
    [InlineData("""{"x": {"$regex": "a{2,1}"}}""", "bad_arg", "Bad argument for operator $regex: \"a{2,1}\"")]
    [InlineData("""{"x": {"$exists": "yes"}}""", "bad_arg", "Bad argument for operator $exists: \"yes\"")]
    [InlineData("""{"x": {"$type": 1}}""", "bad_arg", "Bad argument for operator $type: 1")]
    [InlineData("""{"x": {"$size": -1}}""", "bad_arg", "Bad argument for operator $size: -1")]
    [InlineData("""{"x": {"$size": 1.5}}""", "bad_arg", "Bad argument for operator $size: 1.5")]
    [InlineData("""{"x": {"$elemMatch": [1]}}""", "bad_arg", "Bad argument for operator $elemMatch: [1]")]
    [InlineData("""{"x": {"$allMatch": 1}}""", "bad_arg", "Bad argument for operator $allMatch: 1")]
    [InlineData("""{"x": {"$keyMapMatch": "k"}}""", "bad_arg", "Bad argument for operator $keyMapMatch: \"k\"")]
    [InlineData("""{"$and": {"x": 1}}""", "bad_arg", "Bad argument for operator $and: {\"x\": 1}")]
    [InlineData("""{"$or": 1}""", "bad_arg", "Bad argument for operator $or: 1")]
    [InlineData("""{"$nor": null}""", "bad_arg", "Bad argument for operator $nor: null")]
    [InlineData("""{"$not": [{"x": 1}]}""", "bad_arg", "Bad argument for operator $not: [{\"x\": 1}]")]
    [InlineData("""{"$where": "this.x > 1"}""", "not_supported", "Unsupported operator: $where")]
    [InlineData("""{"loc": {"$near": [0, 0]}}""", "not_supported", "Unsupported operator: $near")]
    [InlineData("""{"$text": "hello"}""", "not_supported", "Unsupported operator: $text")]
    [InlineData("""{"$gt": 1}""", "invalid_selector", "One or more conditions is missing a field name.")]
    [InlineData("""{"$not": {"$eq": 1}}""", "invalid_selector", "One or more conditions is missing a field name.")]
    [InlineData("""{"a..b": 1}""", "invalid_field_name", "Invalid field name: a..b")]
    [InlineData("""{"a.": 1}""", "invalid_field_name", "Invalid field name: a.")]
    [InlineData("""{"": 1}""", "invalid_field_name", "Invalid field name: ")]
    [InlineData("""{"a": {".b": 1}}""", "invalid_field_name", "Invalid field name: .b")]
    [InlineData("""{".\\.a": 1}""", "invalid_field_name", "Invalid field name: .\\.a")]
    [InlineData("[1]", "invalid_selector_json", "Selector must be a JSON object, not: [1]")]
    [InlineData("\"x\"", "invalid_selector_json", "Selector must be a JSON object, not: \"x\"")]
    [InlineData("""{"x": "\ud800"}""", "bad_request", "invalid UTF-8 JSON")]
    public void Parse_InvalidSelector_ThrowsWithCouchDbErrorAndReason(string selector, string error, string reason)
    {
        var exception = Refuse(selector);

        Assert.Equal(error, exception.Error);
        Assert.Equal(reason, exception.Reason);
        Assert.Equal(400, exception.StatusCode);
        Assert.Equal($"{error}: {reason}", exception.Message);
    }

    [Fact]
    public void Parse_InvalidOperatorDeepInsideCombinators_Throws()
    {
        var exception = Refuse("""{"$or": [{"a": 1}, {"$and": [{"b": {"$elemMatch": {"c": {"$bogus": 1}}}}]}]}""");

        Assert.Equal(SelectorException.InvalidOperator, exception.Error);
        Assert.Equal("Invalid operator: $bogus", exception.Reason);
    }
}
