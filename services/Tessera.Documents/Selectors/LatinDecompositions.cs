namespace Tessera.Documents.Selectors;

/// <summary>
/// Canonical decompositions (NFD) of the precomposed Latin letters in U+00C0–U+024F and U+1E00–U+1EFF:
/// an ASCII base letter followed by one or two combining marks (U+0300–U+036F).
/// </summary>
/// <remarks>
/// Note: the process runs with invariant globalization, where <see cref="string.Normalize()"/> does not
/// decompose, so the table is data. It was generated from Unicode 14 (Python <c>unicodedata.normalize("NFD", c)</c>);
/// each entry pairs a combining-mark sequence with "precomposed, base" character pairs.
/// </remarks>
internal static class LatinDecompositions
{
    private const int FirstBlockStart = 0x00C0;
    private const int FirstBlockEnd = 0x0250;
    private const int SecondBlockStart = 0x1E00;
    private const int SecondBlockEnd = 0x1F00;

    private static readonly (string Marks, string Pairs)[] Groups =
    [
        ("\u0300", "ÀAÈEÌIÒOÙUàaèeìiòoùuǸNǹnẀWẁwỲYỳy"),
        ("\u0301", "ÁAÉEÍIÓOÚUÝYáaéeíióoúuýyĆCćcĹLĺlŃNńnŔRŕrŚSśsŹZźzǴGǵgḰKḱkḾMḿmṔPṕpẂWẃw"),
        ("\u0302", "ÂAÊEÎIÔOÛUâaêeîiôoûuĈCĉcĜGĝgĤHĥhĴJĵjŜSŝsŴWŵwŶYŷyẐZẑz"),
        ("\u0303", "ÃAÑNÕOãañnõoĨIĩiŨUũuṼVṽvẼEẽeỸYỹy"),
        ("\u0308", "ÄAËEÏIÖOÜUäaëeïiöoüuÿyŸYḦHḧhẄWẅwẌXẍxẗt"),
        ("\u030A", "ÅAåaŮUůuẘwẙy"),
        ("\u0327", "ÇCçcĢGģgĶKķkĻLļlŅNņnŖRŗrŞSşsŢTţtȨEȩeḐDḑdḨHḩh"),
        ("\u0304", "ĀAāaĒEēeĪIīiŌOōoŪUūuȲYȳyḠGḡg"),
        ("\u0306", "ĂAăaĔEĕeĞGğgĬIĭiŎOŏoŬUŭu"),
        ("\u0328", "ĄAąaĘEęeĮIįiŲUųuǪOǫo"),
        ("\u0307", "ĊCċcĖEėeĠGġgİIŻZżzȦAȧaȮOȯoḂBḃbḊDḋdḞFḟfḢHḣhṀMṁmṄNṅnṖPṗpṘRṙrṠSṡsṪTṫtẆWẇwẊXẋxẎYẏy"),
        ("\u030C", "ČCčcĎDďdĚEěeĽLľlŇNňnŘRřrŠSšsŤTťtŽZžzǍAǎaǏIǐiǑOǒoǓUǔuǦGǧgǨKǩkǰjȞHȟh"),
        ("\u030B", "ŐOőoŰUűu"),
        ("\u031B", "ƠOơoƯUưu"),
        ("\u0308\u0304", "ǕUǖuǞAǟaȪOȫo"),
        ("\u0308\u0301", "ǗUǘuḮIḯi"),
        ("\u0308\u030C", "ǙUǚu"),
        ("\u0308\u0300", "ǛUǜu"),
        ("\u0307\u0304", "ǠAǡaȰOȱo"),
        ("\u0328\u0304", "ǬOǭo"),
        ("\u030A\u0301", "ǺAǻa"),
        ("\u030F", "ȀAȁaȄEȅeȈIȉiȌOȍoȐRȑrȔUȕu"),
        ("\u0311", "ȂAȃaȆEȇeȊIȋiȎOȏoȒRȓrȖUȗu"),
        ("\u0326", "ȘSșsȚTțt"),
        ("\u0303\u0304", "ȬOȭo"),
        ("\u0325", "ḀAḁa"),
        ("\u0323", "ḄBḅbḌDḍdḤHḥhḲKḳkḶLḷlṂMṃmṆNṇnṚRṛrṢSṣsṬTṭtṾVṿvẈWẉwẒZẓzẠAạaẸEẹeỊIịiỌOọoỤUụuỴYỵy"),
        ("\u0331", "ḆBḇbḎDḏdḴKḵkḺLḻlṈNṉnṞRṟrṮTṯtẔZẕzẖh"),
        ("\u0327\u0301", "ḈCḉc"),
        ("\u032D", "ḒDḓdḘEḙeḼLḽlṊNṋnṰTṱtṶUṷu"),
        ("\u0304\u0300", "ḔEḕeṐOṑo"),
        ("\u0304\u0301", "ḖEḗeṒOṓo"),
        ("\u0330", "ḚEḛeḬIḭiṴUṵu"),
        ("\u0327\u0306", "ḜEḝe"),
        ("\u032E", "ḪHḫh"),
        ("\u0323\u0304", "ḸLḹlṜRṝr"),
        ("\u0303\u0301", "ṌOṍoṸUṹu"),
        ("\u0303\u0308", "ṎOṏo"),
        ("\u0301\u0307", "ṤSṥs"),
        ("\u030C\u0307", "ṦSṧs"),
        ("\u0323\u0307", "ṨSṩs"),
        ("\u0324", "ṲUṳu"),
        ("\u0304\u0308", "ṺUṻu"),
        ("\u0309", "ẢAảaẺEẻeỈIỉiỎOỏoỦUủuỶYỷy"),
        ("\u0302\u0301", "ẤAấaẾEếeỐOốo"),
        ("\u0302\u0300", "ẦAầaỀEềeỒOồo"),
        ("\u0302\u0309", "ẨAẩaỂEểeỔOổo"),
        ("\u0302\u0303", "ẪAẫaỄEễeỖOỗo"),
        ("\u0323\u0302", "ẬAậaỆEệeỘOộo"),
        ("\u0306\u0301", "ẮAắa"),
        ("\u0306\u0300", "ẰAằa"),
        ("\u0306\u0309", "ẲAẳa"),
        ("\u0306\u0303", "ẴAẵa"),
        ("\u0323\u0306", "ẶAặa"),
        ("\u031B\u0301", "ỚOớoỨUứu"),
        ("\u031B\u0300", "ỜOờoỪUừu"),
        ("\u031B\u0309", "ỞOởoỬUửu"),
        ("\u031B\u0303", "ỠOỡoỮUữu"),
        ("\u031B\u0323", "ỢOợoỰUựu"),
    ];

    // Packed as base | (mark1 - 0x2FF) << 8 | (mark2 - 0x2FF) << 16; zero means "not a decomposable letter".
    private static readonly uint[] FirstBlock = new uint[FirstBlockEnd - FirstBlockStart];
    private static readonly uint[] SecondBlock = new uint[SecondBlockEnd - SecondBlockStart];

    static LatinDecompositions()
    {
        foreach (var (marks, pairs) in Groups)
        {
            var packedMarks = (uint)(marks[0] - 0x2FF) << 8;
            if (marks.Length > 1)
            {
                packedMarks |= (uint)(marks[1] - 0x2FF) << 16;
            }

            for (var i = 0; i < pairs.Length; i += 2)
            {
                var letter = pairs[i];
                var table = letter < FirstBlockEnd ? FirstBlock : SecondBlock;
                var start = letter < FirstBlockEnd ? FirstBlockStart : SecondBlockStart;
                table[letter - start] = pairs[i + 1] | packedMarks;
            }
        }
    }

    /// <summary>The ASCII base letter and combining marks (<c>'\0'</c> when absent) of a precomposed Latin letter.</summary>
    public static bool TryDecompose(int codePoint, out char baseLetter, out char firstMark, out char secondMark)
    {
        var packed = codePoint switch
        {
            >= FirstBlockStart and < FirstBlockEnd => FirstBlock[codePoint - FirstBlockStart],
            >= SecondBlockStart and < SecondBlockEnd => SecondBlock[codePoint - SecondBlockStart],
            _ => 0u,
        };

        if (packed == 0)
        {
            baseLetter = firstMark = secondMark = '\0';
            return false;
        }

        baseLetter = (char)(packed & 0xFF);
        firstMark = (char)(((packed >> 8) & 0xFF) + 0x2FF);
        var second = (packed >> 16) & 0xFF;
        secondMark = second == 0 ? '\0' : (char)(second + 0x2FF);
        return true;
    }
}
