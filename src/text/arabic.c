/*
 * arabic.c - Arabic-script names (Arabic, Persian, Dari, Pashto, Urdu) to the
 * Latin letters the lists romanise them with (see arabic.h). Runs inside
 * em_normalize_name before ICU, so list names and queries get the same form.
 *
 * Vowels are mostly not written, so this is a consonant rendering whose letters
 * meet the lists' spellings through the consonant key of em_abjad_key
 * (tokens.c): each letter takes its most common Latin rendering (ALA-LC and
 * the customary English forms: ث th, ذ dh, خ kh, غ gh, ش sh, ق q, ج j, Persian
 * پ p, چ ch, ژ zh, گ g; data/knowledge/README.md has the table and its
 * sources). What the letters cannot say is decided by position:
 *   - ع and the alif forms starting a word are a vowel ("a": عبد abd, علي aly,
 *     عمر amr ~ omar); inside a word ع is not written in Latin (سبعاوي sbawy);
 *   - ة (ta marbuta) is "a" at the end of a name part (خليفة khlyfa, Khalifa)
 *     and "at" before a word with the article (construct state: القاعدة في
 *     جزيرة العرب alqada fy jzyrat alarb, al-Qaida fi Jazirat al-Arab);
 *   - ى (alif maqsura) is "a" (مصطفى mstfa, موسى mwsa, يحيى yhya);
 *   - the whole words بن bin, ابن ibn, بنت bint, ابو/أبو abu, ولد ould; ابو
 *     glued to the next name is split off (أبواليزيد abu alyzyd), and so is عبد
 *     glued to the article (عبدالخالق abd alkhalq);
 *   - short vowels, shadda, tatweel and the zero-width non-joiner are dropped
 *     (a ZWNJ joins: خامنه‌ای is one word).
 * Presentation forms (ﺁ) are folded first (NFKC). Other scripts pass through.
 */
#include "text/arabic.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "base/buf.h"
#include "base/error.h"

int em_has_arabic(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0xD8 && *p <= 0xDB)
            return 1; /* U+0600..U+06FF */
        else if (*p == 0xEF && p[1] >= 0xAD && p[1] <= 0xBB)
            return 1; /* FB50..FEFF forms */
    return 0;
}

/* The Latin rendering of one Arabic-script letter, NULL when it is not one. */
static const char *letter(UChar32 c) {
    switch (c) {
    case 0x0627: /* ا */
    case 0x0623: /* أ */
    case 0x0625: /* إ */
    case 0x0622: /* آ */
    case 0x0671: /* ٱ */
    case 0x0670: /* superscript alif */
        return "a";
    case 0x0628:
        return "b";
    case 0x067E:
        return "p"; /* پ */
    case 0x062A:
        return "t";
    case 0x0679:
        return "t"; /* ٹ Urdu */
    case 0x067C:
        return "t"; /* ټ Pashto */
    case 0x062B:
        return "th"; /* ث */
    case 0x062C:
        return "j";
    case 0x0686:
        return "ch"; /* چ */
    case 0x0681:
        return "dz"; /* ځ */
    case 0x0685:
        return "ts"; /* څ */
    case 0x062D:
        return "h"; /* ح */
    case 0x062E:
        return "kh"; /* خ */
    case 0x062F:
        return "d";
    case 0x0688:
        return "d"; /* ڈ */
    case 0x0689:
        return "d"; /* ډ */
    case 0x0630:
        return "dh"; /* ذ */
    case 0x0631:
        return "r";
    case 0x0691:
        return "r"; /* ڑ */
    case 0x0693:
        return "r"; /* ړ */
    case 0x0632:
        return "z";
    case 0x0698:
        return "zh"; /* ژ */
    case 0x0696:
        return "zh"; /* ږ */
    case 0x0633:
        return "s";
    case 0x0634:
        return "sh";
    case 0x069A:
        return "sh"; /* ښ */
    case 0x0635:
        return "s"; /* ص */
    case 0x0636:
        return "d"; /* ض */
    case 0x0637:
        return "t"; /* ط */
    case 0x0638:
        return "z"; /* ظ */
    case 0x063A:
        return "gh"; /* غ */
    case 0x0641:
        return "f";
    case 0x06A4:
        return "v"; /* ڤ */
    case 0x0642:
        return "q";
    case 0x0643: /* ك */
    case 0x06A9: /* ک */
        return "k";
    case 0x06AF: /* گ */
    case 0x06AB: /* ګ */
        return "g";
    case 0x0644:
        return "l";
    case 0x0645:
        return "m";
    case 0x0646:
        return "n";
    case 0x06BA:
        return "n"; /* ں */
    case 0x06BC:
        return "n"; /* ڼ */
    case 0x0647:    /* ه */
    case 0x06C1:    /* ہ */
    case 0x06BE:    /* ھ */
    case 0x06D5:    /* ە */
        return "h";
    case 0x0648:
        return "w"; /* و */
    case 0x0624:
        return "w"; /* ؤ */
    case 0x064A:    /* ي */
    case 0x06CC:    /* ی */
    case 0x0626:    /* ئ */
    case 0x06CD:    /* ۍ */
    case 0x06D0:    /* ې */
    case 0x06D2:    /* ے */
        return "y";
    case 0x0649:
        return "a"; /* ى alif maqsura */
    default:
        return NULL;
    }
}

static int is_arabic_letter(UChar32 c) {
    return letter(c) != NULL || c == 0x0639 || c == 0x0629 || c == 0x06C3 || c == 0x0621;
}

/* dropped inside words: short vowels and other marks, tatweel, ZWNJ/ZWJ */
static int is_dropped(UChar32 c) {
    return (c >= 0x064B && c <= 0x065F) || c == 0x0640 || c == 0x200C || c == 0x200D ||
           (c >= 0x06D6 && c <= 0x06ED);
}

/* One word of Arabic letters (already without marks) -> Latin into out. `next_al`:
   the next word starts with the article. */
static void word(em_buf *out, const UChar32 *w, size_t n, int next_al) {
    static const UChar32 BN[] = {0x0628, 0x0646}, IBN[] = {0x0627, 0x0628, 0x0646},
                         BNT[] = {0x0628, 0x0646, 0x062A}, ABU1[] = {0x0627, 0x0628, 0x0648},
                         ABU2[] = {0x0623, 0x0628, 0x0648}, OULD[] = {0x0648, 0x0644, 0x062F};
    struct {
        const UChar32 *w;
        size_t n;
        const char *latin;
    } whole[] = {{BN, 2, "bin"},   {IBN, 3, "ibn"},  {BNT, 3, "bint"},
                 {ABU1, 3, "abu"}, {ABU2, 3, "abu"}, {OULD, 3, "ould"}};
    for (size_t i = 0; i < sizeof whole / sizeof *whole; i++)
        if (n == whole[i].n && memcmp(w, whole[i].w, n * sizeof *w) == 0) {
            em_buf_adds(out, whole[i].latin);
            return;
        }
    /* عبد glued to the article and a name (عبدالخالق): "abd" and "al..." apart, as
       lists write it either way (Abd al-Khaliq, Abdulkhaliq: align.c meets both) */
    static const UChar32 ABDAL[] = {0x0639, 0x0628, 0x062F, 0x0627, 0x0644};
    if (n > 6 && memcmp(w, ABDAL, 5 * sizeof *w) == 0) {
        em_buf_adds(out, "abd al");
        for (size_t i = 5; i < n; i++) {
            const char *l = w[i] == 0x0639 ? (i == 5 ? "a" : "") : letter(w[i]);
            if (w[i] == 0x0629 || w[i] == 0x06C3) l = next_al && i + 1 == n ? "at" : "a";
            if (l) em_buf_adds(out, l);
        }
        return;
    }
    /* ابو / أبو glued to a name: "abu" and the name */
    if (n > 4 && (memcmp(w, ABU1, 3 * sizeof *w) == 0 || memcmp(w, ABU2, 3 * sizeof *w) == 0)) {
        em_buf_adds(out, "abu ");
        w += 3;
        n -= 3;
    }
    for (size_t i = 0; i < n; i++) {
        UChar32 c = w[i];
        if (c == 0x0639) { /* ع: a vowel at the start, not written inside */
            if (i == 0 || (i == 2 && w[0] == 0x0627 && w[1] == 0x0644)) /* or after al- */
                em_buf_addc(out, 'a');
            continue;
        }
        if (c == 0x0621) continue;        /* ء hamza on the line */
        if (c == 0x0629 || c == 0x06C3) { /* ة */
            em_buf_adds(out, i + 1 == n && next_al ? "at" : "a");
            continue;
        }
        const char *l = letter(c);
        if (l) em_buf_adds(out, l);
    }
}

char *em_arabic_to_latin(const char *s) {
    UErrorCode st = U_ZERO_ERROR;
    int32_t ulen = 0, slen = (int32_t)strlen(s);
    UChar *u = em_xcalloc((size_t)slen + 1, sizeof(UChar));
    u_strFromUTF8(u, slen + 1, &ulen, s, slen, &st);
    if (U_FAILURE(st)) {
        free(u);
        return em_xstrdup(s);
    }
    /* presentation forms to letters */
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&st);
    UChar *v = em_xcalloc((size_t)ulen * 4 + 8, sizeof(UChar));
    int32_t vlen = U_SUCCESS(st) ? unorm2_normalize(nfkc, u, ulen, v, ulen * 4 + 8, &st) : 0;
    if (U_FAILURE(st)) {
        memcpy(v, u, (size_t)ulen * sizeof(UChar));
        vlen = ulen;
    }
    free(u);
    /* code points, marks dropped */
    UChar32 *cp = em_xcalloc((size_t)vlen + 1, sizeof(UChar32));
    size_t n = 0;
    for (int32_t i = 0; i < vlen;) {
        UChar32 c;
        U16_NEXT(v, i, vlen, c);
        if (is_dropped(c)) continue;
        cp[n++] = c;
    }
    free(v);
    em_buf out;
    em_buf_init(&out);
    for (size_t i = 0; i < n;) {
        if (!is_arabic_letter(cp[i])) {
            char tmp[5];
            int32_t k = 0;
            UBool bad = 0;
            U8_APPEND(tmp, k, 4, cp[i], bad);
            if (cp[i] >= 0x0660 && cp[i] <= 0x0669) /* Arabic-Indic digits */
                em_buf_addc(&out, (char)('0' + cp[i] - 0x0660));
            else if (cp[i] >= 0x06F0 && cp[i] <= 0x06F9)
                em_buf_addc(&out, (char)('0' + cp[i] - 0x06F0));
            else if (!bad)
                em_buf_add(&out, tmp, (size_t)k);
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && is_arabic_letter(cp[j]))
            j++;
        /* does the next word start with the article ال? */
        size_t k = j;
        while (k < n && !is_arabic_letter(cp[k]) && (cp[k] == ' ' || cp[k] == '-'))
            k++;
        int next_al = k < n && k + 1 < n && cp[k] == 0x0627 && cp[k + 1] == 0x0644;
        word(&out, cp + i, j - i, next_al);
        i = j;
    }
    free(cp);
    return em_buf_detach(&out);
}
