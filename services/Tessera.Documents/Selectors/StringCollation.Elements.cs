using System.Globalization;
using System.Text;

namespace Tessera.Documents.Selectors;

internal static partial class StringCollation
{
    /// <summary>
    /// Punctuation and symbols of ASCII, Latin-1, General Punctuation and Currency Symbols in ICU 72's root
    /// order (no two are equal); they sort after whitespace and before digits. Generated with the ICU collator.
    /// </summary>
    private const string PunctuationAndSymbols =
        "\u203E_\u2017-\u2010\u2011\u2012\u2013\u2014\u2015\u2053,;\u204F:!\u203C\u2049\u00A1?\u2048"
        + "\u2047\u00BF\u203D.\u2024\u2025\u2026\u00B7\u2055\u2056\u2058\u2059\u205A\u205B\u205C\u205D"
        + "\u205E'\u2018\u2019\u201A\u201B\u2039\u203A\"\u201C\u201D\u201E\u201F\u00AB\u00BB()[]{}\u2045"
        + "\u2046\u2016\u00A7\u00B6\u204B@*\u204E\u2051/\\&\u204A#%\u2030\u2031\u2020\u2021\u2022\u2023"
        + "\u2027\u2043\u204C\u204D\u2032\u2033\u2034\u2057\u2035\u2036\u2037\u2038\u203B\u203F\u2054\u2040"
        + "\u2050\u2041\u2042`\u00B4^\u00AF\u00A8\u00B8\u00B0\u00A9\u00AE+\u00B1\u00F7\u00D7<=>\u00AC|"
        + "\u00A6~\u2052\u2044\u00A4\u00A2$\u00A3\u00A5\u20A0\u20A1\u20A2\u20A3\u20A4\u20A5\u20A6\u20A7"
        + "\u20A9\u20AA\u20AB\u20AC\u20AD\u20AE\u20AF\u20B0\u20B1\u20B2\u20B3\u20B4\u20B5\u20B6\u20B7\u20B8"
        + "\u20B9\u20BA\u20BB\u20BC\u20BD\u20BE\u20BF\u20C0\u20A8";

    // Each table entry owns a slot of 2^21 primary weights, room for any code point: punctuation and symbols
    // missing from the table sort by code point after the last table entry of their kind.
    private const int SlotBits = 21;
    private const int WhitespaceBase = 0x100;
    private static readonly int PunctuationFallbackBase = TablePrimary(PunctuationAndSymbols.IndexOf('\u2042', StringComparison.Ordinal)) + 1;
    private static readonly int SymbolFallbackBase = TablePrimary(PunctuationAndSymbols.IndexOf('\u2044', StringComparison.Ordinal)) + 1;
    private static readonly int CurrencyFallbackBase = TablePrimary(PunctuationAndSymbols.IndexOf('\u20A8', StringComparison.Ordinal)) + 1;
    private static readonly int DigitBase = TablePrimary(PunctuationAndSymbols.Length);
    private static readonly int OtherNumberBase = DigitBase + (1 << SlotBits);
    private static readonly int LatinBase = OtherNumberBase + (1 << SlotBits);
    private static readonly int OtherBase = LatinBase + (1 << SlotBits);
    private static readonly Dictionary<int, int> TablePrimaries = BuildTablePrimaries();

    // Secondary weights: base characters, then accents by rank, then ligatures (æ, œ), then other marks.
    private const int CommonSecondary = 1;
    private const int LigatureSecondary = 0x100;
    private const int LetterVariantSecondary = 0x101; // ð and ſ: variants of d and s that sort after every accented d and s
    private const int OtherMarkSecondary = 0x200;

    // Tertiary weights: lowercase first (ICU's default), variants (ß, ſ, ², NBSP) just after their plain form.
    private const int Lower = 2;
    private const int LowerVariant = 4;
    private const int Upper = 8;
    private const int UpperVariant = 10;

    private const int SpaceRank = 9;

    /// <summary>
    /// Combining marks U+0300–U+036F in ICU's secondary order; marks in one string are equal at that level.
    /// Marks not listed (U+034F, the grapheme joiner) are ignorable.
    /// </summary>
    private static readonly string[] MarkOrder =
    [
        "\u0332", "\u0313\u0343", "\u0314", "\u0301\u0341", "\u0300\u0340", "\u0306", "\u0302", "\u030C", "\u030A",
        "\u0342", "\u0308", "\u0344", "\u030B", "\u0303", "\u0307", "\u0338", "\u0327", "\u0328", "\u0304",
        "\u030D\u030E\u0312\u0315\u031A\u033D\u033E\u033F\u0346\u034A\u034B\u034C\u0350\u0351\u0352\u0357\u035B\u035D\u035E",
        "\u0316\u0317\u0318\u0319\u031C\u031D\u031E\u031F\u0320\u0329\u032A\u032B\u032C\u032F\u0333\u033A\u033B\u033C"
            + "\u0347\u0348\u0349\u034D\u034E\u0353\u0354\u0355\u0356\u0359\u035A\u035C\u035F\u0362",
        "\u0336\u0337", "\u0335", "\u0305", "\u0309", "\u030F", "\u0310", "\u0311", "\u031B", "\u0321", "\u0322", "\u0323",
        "\u0324", "\u0325", "\u0326", "\u032D", "\u032E", "\u0330", "\u0331", "\u0334", "\u0339", "\u0345", "\u0358",
        "\u0360", "\u0361", "\u0363", "\u0368", "\u0369", "\u0364", "\u036A", "\u0365", "\u036B", "\u0366", "\u036C",
        "\u036D", "\u0367", "\u036E", "\u036F",
    ];

    private const int LongStroke = '\u0338';
    private const int ShortStroke = '\u0335';

    private static readonly CollationElement[] Ascii = BuildAscii();
    private static readonly int[] MarkSecondaries = BuildMarkSecondaries();

    private static Expansion Map(Rune rune)
    {
        var codePoint = rune.Value;
        if (codePoint < 0x80)
        {
            return Single(Ascii[codePoint]);
        }

        if (LatinDecompositions.TryDecompose(codePoint, out var baseLetter, out var firstMark, out var secondMark))
        {
            return secondMark == '\0'
                ? new Expansion(2, Ascii[baseLetter], Mark(firstMark))
                : new Expansion(3, Ascii[baseLetter], Mark(firstMark), Mark(secondMark));
        }

        if (TryMapSpecialLatin(codePoint, out var special))
        {
            return special;
        }

        if (TablePrimaries.TryGetValue(codePoint, out var primary))
        {
            return Single(new CollationElement(primary, CommonSecondary, Lower));
        }

        if (codePoint is >= 0xFF01 and <= 0xFF5E)
        {
            // Fullwidth ASCII: the ASCII character with a variant tertiary weight.
            return Single(Variant(Ascii[codePoint - 0xFEE0]));
        }

        return MapByCategory(rune);
    }

    private static Expansion MapByCategory(Rune rune)
    {
        var codePoint = rune.Value;
        switch (Rune.GetUnicodeCategory(rune))
        {
            case UnicodeCategory.Control:
                return codePoint == 0x85 ? Single(Whitespace(6)) : default;
            case UnicodeCategory.Format:
                return default;
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.EnclosingMark:
                return Single(Mark(codePoint));
            case UnicodeCategory.SpaceSeparator:
                return Single(Whitespace(SpaceRank) with { Tertiary = LowerVariant });
            case UnicodeCategory.LineSeparator:
                return Single(Whitespace(7));
            case UnicodeCategory.ParagraphSeparator:
                return Single(Whitespace(8));
            case UnicodeCategory.ConnectorPunctuation:
            case UnicodeCategory.DashPunctuation:
            case UnicodeCategory.OpenPunctuation:
            case UnicodeCategory.ClosePunctuation:
            case UnicodeCategory.InitialQuotePunctuation:
            case UnicodeCategory.FinalQuotePunctuation:
            case UnicodeCategory.OtherPunctuation:
                return Single(new CollationElement(PunctuationFallbackBase + codePoint, CommonSecondary, Lower));
            case UnicodeCategory.MathSymbol:
            case UnicodeCategory.ModifierSymbol:
            case UnicodeCategory.OtherSymbol:
                return Single(new CollationElement(SymbolFallbackBase + codePoint, CommonSecondary, Lower));
            case UnicodeCategory.CurrencySymbol:
                return Single(new CollationElement(CurrencyFallbackBase + codePoint, CommonSecondary, Lower));
            case UnicodeCategory.DecimalDigitNumber:
            case UnicodeCategory.OtherNumber:
                var value = Rune.GetNumericValue(rune);
                if (value is >= 0 and <= 9 && value == Math.Floor(value))
                {
                    // Digits of every script share a weight, as in ICU; ² and ③ are variants of 2 and 3.
                    var tertiary = Rune.GetUnicodeCategory(rune) == UnicodeCategory.DecimalDigitNumber ? Lower : LowerVariant;
                    return Single(new CollationElement(DigitBase + (int)value, CommonSecondary, tertiary));
                }

                return Single(new CollationElement(OtherNumberBase + codePoint, CommonSecondary, Lower));
            default:
                if (codePoint is >= 0x30A1 and <= 0x30F6)
                {
                    // Katakana sorts with the matching hiragana, just after it.
                    return Single(new CollationElement(OtherScript(codePoint - 0x60), CommonSecondary, LowerVariant));
                }

                var lower = Rune.ToLowerInvariant(rune).Value;
                return Single(new CollationElement(OtherScript(lower), CommonSecondary, lower == codePoint ? Lower : Upper));
        }
    }

    /// <summary>
    /// Letters of other scripts by code point, which follows ICU's script order for most of the BMP, except
    /// that Hangul, then kana, then Bopomofo, then Yi come after the rest, and Han ideographs come last.
    /// </summary>
    private static int OtherScript(int codePoint)
    {
        var group = codePoint switch
        {
            (>= 0x1100 and <= 0x11FF) or (>= 0x3130 and <= 0x318F) or (>= 0xA960 and <= 0xA97F) or (>= 0xAC00 and <= 0xD7FF) => 1,
            (>= 0x3040 and <= 0x30FF) or (>= 0x31F0 and <= 0x31FF) or (>= 0xFF66 and <= 0xFF9F) => 2,
            (>= 0x3100 and <= 0x312F) or (>= 0x31A0 and <= 0x31BF) => 3,
            >= 0xA000 and <= 0xA4CF => 4,
            (>= 0x2E80 and <= 0x2FDF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF) or (>= 0xF900 and <= 0xFAFF)
                or (>= 0x20000 and <= 0x3FFFF) => 5,
            _ => 0,
        };

        return OtherBase + (group << SlotBits) + codePoint;
    }

    /// <summary>Latin letters, ligatures and fractions without a canonical decomposition, as ICU sorts them.</summary>
    private static bool TryMapSpecialLatin(int codePoint, out Expansion expansion)
    {
        expansion = codePoint switch
        {
            0xC6 => Ligature('a', 'e', UpperVariant),
            0xE6 => Ligature('a', 'e', LowerVariant),
            0x152 => Ligature('o', 'e', UpperVariant),
            0x153 => Ligature('o', 'e', LowerVariant),
            0x132 => Pair('i', 'j', UpperVariant),
            0x133 => Pair('i', 'j', LowerVariant),
            0xDF => Pair('s', 's', LowerVariant),
            0x1E9E => Pair('s', 's', UpperVariant),
            0x17F => Marked('s', Accent(LetterVariantSecondary), Lower),
            0xD8 => Marked('o', Mark(LongStroke), Upper),
            0xF8 => Marked('o', Mark(LongStroke), Lower),
            0x110 => Marked('d', Mark(ShortStroke), Upper),
            0x111 => Marked('d', Mark(ShortStroke), Lower),
            0xD0 => Marked('d', Accent(LetterVariantSecondary), Upper),
            0xF0 => Marked('d', Accent(LetterVariantSecondary), Lower),
            0x126 => Marked('h', Mark(ShortStroke), Upper),
            0x127 => Marked('h', Mark(ShortStroke), Lower),
            0x141 => Marked('l', Mark(ShortStroke), Upper),
            0x142 => Marked('l', Mark(ShortStroke), Lower),
            0xFB00 => Pair('f', 'f', LowerVariant),
            0xFB01 => Pair('f', 'i', LowerVariant),
            0xFB02 => Pair('f', 'l', LowerVariant),
            0xFB03 => new Expansion(3, Letter('f', 0, LowerVariant), Letter('f', 0, LowerVariant), Letter('i', 0, LowerVariant)),
            0xFB04 => new Expansion(3, Letter('f', 0, LowerVariant), Letter('f', 0, LowerVariant), Letter('l', 0, LowerVariant)),
            0xFB05 or 0xFB06 => Pair('s', 't', LowerVariant),
            0xBC => Fraction(1, 4),
            0xBD => Fraction(1, 2),
            0xBE => Fraction(3, 4),
            0x131 => Single(Letter('i', 1, Lower)),
            0x180 => Single(Letter('b', 1, Lower)),
            0x1E4 => Single(Letter('g', 1, Upper)),
            0x1E5 => Single(Letter('g', 1, Lower)),
            0x166 => Single(Letter('t', 1, Upper)),
            0x167 => Single(Letter('t', 1, Lower)),
            0x1B5 => Single(Letter('z', 1, Upper)),
            0x1B6 => Single(Letter('z', 1, Lower)),
            0x14A => Single(Letter('n', 1, Upper)),
            0x14B => Single(Letter('n', 1, Lower)),
            0x138 => Single(Letter('q', 1, Lower)),
            0xDE => Single(Letter('z', 2, Upper)),
            0xFE => Single(Letter('z', 2, Lower)),
            _ => default,
        };

        return expansion.Count > 0;
    }

    private static CollationElement[] BuildAscii()
    {
        // Other C0 controls and DEL stay all-zero: ignorable, as in ICU.
        var table = new CollationElement[0x80];
        table['\t'] = Whitespace(1);
        table['\n'] = Whitespace(2);
        table['\v'] = Whitespace(3);
        table['\f'] = Whitespace(4);
        table['\r'] = Whitespace(5);
        table[' '] = Whitespace(SpaceRank);
        for (var i = 0; i < PunctuationAndSymbols.Length; i++)
        {
            if (PunctuationAndSymbols[i] < 0x80)
            {
                table[PunctuationAndSymbols[i]] = new CollationElement(TablePrimary(i), CommonSecondary, Lower);
            }
        }
        for (var c = '0'; c <= '9'; c++)
        {
            table[c] = new CollationElement(DigitBase + (c - '0'), CommonSecondary, Lower);
        }

        for (var c = 'a'; c <= 'z'; c++)
        {
            table[c] = Letter(c, 0, Lower);
            table[char.ToUpperInvariant(c)] = Letter(c, 0, Upper);
        }

        return table;
    }

    private static int TablePrimary(int index) => (index + 1) << SlotBits;

    private static Dictionary<int, int> BuildTablePrimaries()
    {
        var primaries = new Dictionary<int, int>();
        for (var i = 0; i < PunctuationAndSymbols.Length; i++)
        {
            if (PunctuationAndSymbols[i] >= 0x80)
            {
                primaries[PunctuationAndSymbols[i]] = TablePrimary(i);
            }
        }

        return primaries;
    }

    private static int[] BuildMarkSecondaries()
    {
        var secondaries = new int[0x70];
        for (var rank = 0; rank < MarkOrder.Length; rank++)
        {
            foreach (var mark in MarkOrder[rank])
            {
                secondaries[mark - 0x300] = CommonSecondary + 1 + rank;
            }
        }

        return secondaries;
    }

    private static Expansion Single(CollationElement element) =>
        element.Primary == 0 && element.Secondary == 0 ? default : new Expansion(1, element);

    private static CollationElement Letter(char lower, int offset, int tertiary) =>
        new(LatinBase + ((lower - 'a') * 8) + offset, CommonSecondary, tertiary);

    private static CollationElement Whitespace(int rank) => new(WhitespaceBase + rank, CommonSecondary, Lower);

    private static CollationElement Variant(CollationElement element) =>
        element with { Tertiary = element.Tertiary == Upper ? UpperVariant : LowerVariant };

    private static CollationElement Mark(int codePoint)
    {
        var secondary = codePoint is >= 0x300 and < 0x370
            ? MarkSecondaries[codePoint - 0x300]
            : OtherMarkSecondary + (codePoint & 0xFFFF);
        return secondary == 0 ? default : Accent(secondary);
    }

    private static Expansion Marked(char lower, CollationElement accent, int tertiary) => new(2, Letter(lower, 0, tertiary), accent);

    private static CollationElement Accent(int secondary) => new(0, secondary, Lower);

    private static Expansion Pair(char first, char second, int tertiary) =>
        new(2, Letter(first, 0, tertiary), Letter(second, 0, tertiary));

    private static Expansion Fraction(int numerator, int denominator) => new(
        3,
        new CollationElement(DigitBase + numerator, CommonSecondary, LowerVariant),
        new CollationElement(TablePrimaries['\u2044'], CommonSecondary, LowerVariant),
        new CollationElement(DigitBase + denominator, CommonSecondary, LowerVariant));

    private static Expansion Ligature(char first, char second, int tertiary) =>
        new(3, Letter(first, 0, tertiary), Accent(LigatureSecondary), Letter(second, 0, tertiary));
}
