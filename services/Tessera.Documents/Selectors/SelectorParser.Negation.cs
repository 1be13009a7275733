namespace Tessera.Documents.Selectors;

internal static partial class SelectorParser
{
    /// <summary>
    /// <c>norm_negations</c>: removes <c>$not</c> and <c>$nor</c> from the combinators, negating the conditions
    /// below them (De Morgan), so <c>{"$not": {"f": {"$gt": 1}}}</c> becomes <c>{"f": {"$lte": 1}}</c>, which,
    /// like every condition, needs the field to exist.
    /// </summary>
    /// <remarks>
    /// Note: this stops at field conditions, so a <c>$not</c> inside <c>$elemMatch</c>, <c>$allMatch</c> or
    /// <c>$keyMapMatch</c> stays a plain logical "not" (which matches elements lacking the field). CouchDB
    /// behaves the same way; do not "fix" it by recursing.
    /// </remarks>
    private static SelectorNode NormalizeNegations(SelectorNode node) => node switch
    {
        NotNode not => Negate(not.Inner),
        NorNode nor => new AndNode([.. nor.Children.Select(Negate)]),
        AndNode and => new AndNode([.. and.Children.Select(NormalizeNegations)]),
        OrNode or => new OrNode([.. or.Children.Select(NormalizeNegations)]),
        _ => node,
    };

    private static SelectorNode Negate(SelectorNode node) => node switch
    {
        NotNode not => NormalizeNegations(not.Inner),
        NorNode nor => new OrNode([.. nor.Children.Select(NormalizeNegations)]),
        AndNode and => new OrNode([.. and.Children.Select(Negate)]),
        OrNode or => new AndNode([.. or.Children.Select(Negate)]),
        FieldNode field => new FieldNode(field.Path, NegateCondition(field.Condition)),
        _ => new NotNode(node),
    };

    private static SelectorNode NegateCondition(SelectorNode condition) => condition switch
    {
        CompareNode compare => compare.Negate(),
        InNode @in => @in.Negate(),
        ExistsNode exists => new ExistsNode(!exists.ShouldExist),
        _ => new NotNode(condition),
    };
}
