using System.Text.Json;

namespace Tessera.Documents.Selectors;

/// <summary>
/// A compiled CouchDB Mango selector, as used by <c>_find</c> and <c>_changes?filter=_selector</c>, matched
/// against whole documents (the JSON object including <c>_id</c>, <c>_rev</c> and <c>_deleted</c>).
/// </summary>
/// <remarks>
/// <para>
/// Semantics are those of CouchDB 3.x (<c>mango_selector.erl</c>). The selector is normalized once: members are
/// an implicit <c>$and</c>; a non-object value means <c>$eq</c>; an object without operators is a nested field
/// (<c>{"a": {"b": 1}}</c> is <c>{"a.b": {"$eq": 1}}</c>); dotted paths reach into objects and, with integer
/// segments, arrays (<c>\.</c> is a literal dot). <c>$not</c> and <c>$nor</c> are pushed down to the conditions,
/// so they, like every condition but <c>{"$exists": false}</c>, never match a document that lacks the field:
/// <c>{"f": {"$ne": 1}}</c> does not match <c>{}</c>. Comparisons use CouchDB's collation across types
/// (<c>null &lt; false &lt; true &lt; numbers &lt; strings &lt; arrays &lt; objects</c>), strings in an
/// approximation of ICU's root collation (lowercase first, accents after letters; see the remarks on
/// <c>StringCollation</c>), and <c>_id</c> by code point, as CouchDB does.
/// </para>
/// <para>
/// Differences from CouchDB, all on input CouchDB mishandles or cannot serve here: <c>$text</c> is refused
/// (there are no text indexes; CouchDB would match every document); <c>$mod</c> with divisor 0 is refused
/// (CouchDB fails when matching); <c>$nor</c> inside <c>$elemMatch</c>, <c>$allMatch</c> or <c>$keyMapMatch</c>
/// is a plain "none of" (CouchDB fails and reports no match); <c>$regex</c> runs on .NET's engine
/// (culture-invariant, 50 ms per match, a timeout counts as no match), where PCRE-only syntax such as possessive
/// quantifiers or <c>(?P&lt;name&gt;…)</c> is refused.
/// </para>
/// <para>Instances are immutable and thread-safe; the selector keeps its own copy of the JSON it was parsed from.</para>
/// </remarks>
public sealed class Selector
{
    private readonly SelectorNode root;

    private Selector(SelectorNode root)
    {
        this.root = root;
    }

    /// <summary>Whether this is the empty selector <c>{}</c>, which matches every document.</summary>
    public bool MatchesEverything => root is MatchAllNode;

    /// <summary>Validates, normalizes and compiles a selector.</summary>
    /// <param name="selector">The selector object, e.g. the <c>selector</c> member of a request body.</param>
    /// <exception cref="SelectorException">The selector is invalid; the exception carries CouchDB's error and reason.</exception>
    public static Selector Parse(JsonElement selector) => new(SelectorParser.Parse(selector));

    /// <summary>Whether <paramref name="document"/> matches. Never throws; does not allocate for ordinary documents.</summary>
    /// <param name="document">The full document JSON object, including <c>_id</c>, <c>_rev</c> and, for deletions, <c>_deleted</c>.</param>
    public bool Matches(JsonElement document) => root.Matches(document);
}
