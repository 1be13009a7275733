using FsCheck.Xunit;
using Xunit;
using static Tessera.Documents.Tests.Selectors.SelectorTesting;

namespace Tessera.Documents.Tests.Selectors;

[Properties(Arbitrary = [typeof(SelectorArbitraries)], MaxTest = 300)]
public sealed class SelectorProperties
{
    [Property]
    public void Not_OfAnyConditionOnPresentField_MatchesExactlyWhenConditionDoesNot(ConditionText condition, JsonValueText value)
    {
        var matches = ConditionMatches(condition.Json, value.Json);

        Assert.Equal(!matches, ConditionMatches($$"""{"$not": {{condition.Json}}}""", value.Json));
        Assert.Equal(!matches, Matches($$"""{"$nor": [{"x": {{condition.Json}}}]}""", $$"""{"x": {{value.Json}}}"""));
        Assert.Equal(matches, ConditionMatches($$"""{"$not": {"$not": {{condition.Json}}} }""", value.Json));
    }

    [Property]
    public void Compare_AnyTwoValues_OrdersThemExactlyOneWayAndSymmetrically(JsonValueText a, JsonValueText b)
    {
        var less = ConditionMatches($$"""{"$lt": {{b.Json}}}""", a.Json);
        var equal = ConditionMatches($$"""{"$eq": {{b.Json}}}""", a.Json);
        var greater = ConditionMatches($$"""{"$gt": {{b.Json}}}""", a.Json);

        Assert.Equal(1, (less ? 1 : 0) + (equal ? 1 : 0) + (greater ? 1 : 0));
        Assert.Equal(less, ConditionMatches($$"""{"$gt": {{a.Json}}}""", b.Json));
        Assert.Equal(equal, ConditionMatches($$"""{"$eq": {{a.Json}}}""", b.Json));
        Assert.Equal(less || equal, ConditionMatches($$"""{"$lte": {{b.Json}}}""", a.Json));
    }

    [Property]
    public void Compare_ThreeValues_IsTransitive(JsonValueText a, JsonValueText b, JsonValueText c)
    {
        var ab = ConditionMatches($$"""{"$lte": {{b.Json}}}""", a.Json);
        var bc = ConditionMatches($$"""{"$lte": {{c.Json}}}""", b.Json);

        Assert.True(!(ab && bc) || ConditionMatches($$"""{"$lte": {{c.Json}}}""", a.Json));
    }
}
