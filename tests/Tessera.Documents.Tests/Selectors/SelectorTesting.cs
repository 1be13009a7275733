using System.Text.Json;
using Tessera.Documents.Selectors;
using Xunit;

namespace Tessera.Documents.Tests.Selectors;

/// <summary>Parses selector and document JSON for the selector tests.</summary>
internal static class SelectorTesting
{
    public static Selector Parse(string selector)
    {
        using var json = JsonDocument.Parse(selector);
        return Selector.Parse(json.RootElement);
    }

    public static bool Matches(string selector, string document) => Matches(Parse(selector), document);

    public static bool Matches(Selector selector, string document)
    {
        using var json = JsonDocument.Parse(document);
        return selector.Matches(json.RootElement);
    }

    /// <summary>Matches <c>{"x": condition}</c> against <c>{"x": value}</c>.</summary>
    public static bool ConditionMatches(string condition, string value) =>
        Matches($$"""{"x": {{condition}}}""", $$"""{"_id": "doc", "x": {{value}}}""");

    public static SelectorException Refuse(string selector)
    {
        using var json = JsonDocument.Parse(selector);
        return Assert.Throws<SelectorException>(() => Selector.Parse(json.RootElement));
    }
}
