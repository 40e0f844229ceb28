/*
 * gen_list.c - a reproducible synthetic sanctions list at scale (100k to 5M
 * entities) for the scale benchmark (bench/run_scale.sh, issue 13), with the
 * customer names to screen against it.
 *
 *   gen_list [--data DIR] [--seed S] [--queries M QUERIES.csv] N [OUT.ftm.json]
 *
 * Writes N parties as FtM JSON lines (the format `embargo import` reads as
 * ftm-json, src/sources/ftm_json.c), ids scale-000000001..., to OUT (default
 * stdout); with --queries, M customer rows as the CSV `embargo screen` reads
 * (id,name,schema,birth_date,country). The same N, seed and name lists give
 * the same files byte for byte (splitmix64 as in gen_register.c; no rand(), no
 * locale, no clock). Its own figures go to stderr, beside the targets below.
 *
 * Targets, measured on the bundled OFAC SDN (data/lists/ofac_sdn: 13,821
 * parties, 30,912 names), the UN SC list of 2026-02-27 (1,003 / 4,133) and
 * the UK OFSI list of 2018-04-13 (2,107 / 9,488) in ../shared/data:
 *   - schemas: SDN 48% persons, 44% organisations, 5.5% vessels, 2.7%
 *     aircraft; UN and UK 68-73% persons. Here 58 / 35 / 5 / 2.
 *   - names per party: SDN 2.24, UK 4.5, UN 4.1; aliases 0 for 52% (SDN) /
 *     45% (UK) / 20% (UN), 10 or more for 1-8%. Here 48% none, mean ~2.5.
 *   - parts per name (split at spaces and punctuation): mean 3.67 (SDN),
 *     3.4 (UN, UK); 2 parts 24-30%, 3 parts 29-34%, 5 or more 20-24%.
 *   - distinct tokens / names: 0.80 (SDN), 1.14 (UN), 0.59 (UK); singletons
 *     57% (SDN), 62% (UN), 45% (UK) of the distinct tokens. A list 100 times
 *     the SDN's size cannot keep 0.8, but its tail must stay: hundreds of
 *     thousands of distinct tokens at 1M parties.
 *   - family names of persons: SDN 8,768 distinct in 14,719, 71% singletons,
 *     the commonest (KIM) 0.65%, rank 10 0.20%, rank 100 0.05%: a Zipf head
 *     (KIM, KHAN, ALI, AHMAD, AL-TIKRITI) with a long tail of rare ones.
 *   - spelling variants of the same given name: SDN muhammad 518, mohammad
 *     301, mohammed 197, mohamed 188, mohamad 70, muhammed 28; ahmad 281 /
 *     ahmed 193; abd 282 / abdul 216 / abdullah 106 / abdallah 90.
 *   - scripts: 13.3% of the UN's names are not in Latin script (Arabic,
 *     Cyrillic, Han), the SDN and UK CSVs have none, an OpenSanctions
 *     Wikidata sample 33%. Here ~10%.
 *   - organisations: 62% of the SDN's primary names carry a legal form
 *     (LLC, LIMITED, CO., JSC, OOO, S.A., FZE...), 24-28% on UK and UN;
 *     "company", "limited", "ltd", "joint stock", "trading" are among the
 *     commonest tokens of the lists.
 *
 * How: each person belongs to a culture (Arabic, Persian, Pakistani,
 * Russian, Ukrainian, Chinese, Korean, Hebrew and ten Latin-script ones;
 * weights in CULTURES) whose given and family names come from a Yule-Simon
 * process: a new name with probability alpha, else the name of an earlier
 * occurrence drawn uniformly (so a name is reused in proportion to its
 * count: Zipf). New names come first from the faker-js lists of the culture
 * (../shared/data/names), then are spliced from them (the start of one, the
 * end of another: Abramova + Agafonova -> Abrafonova), which gives the tail.
 * Arabic-script given names are written in Latin from a table of variant
 * spellings (VARIANTS: one group per name, a spelling drawn per use);
 * Cyrillic, Han, Hangul and Hebrew names are romanised with ICU
 * (Any-Latin; Latin-ASCII) and may keep the original as an alias. Aliases
 * are other spellings, the other order ("LAST, First"), the name without its
 * patronymic, without AL-, an "Abu X" kunya, a native-script original or a
 * second identity. Organisations: a family name, a coined word or
 * descriptors, a sector, and a legal form of the culture; aliases drop or
 * change the form, an acronym, Russian long forms. Vessels and aircraft:
 * names, IMO numbers with a check digit, registrations.
 *
 * Queries: 90% innocent, rows of negatives_{global,us}_dev.csv and names of
 * the faker-js lists (some non-Latin, some companies) drawn with another
 * seed; 10% names of listed parties (a reservoir sample of the list) with a
 * typo (60%) or in the other order.
 *
 * Exit 0 with "skipped: ..." on stderr when the name lists are absent (as the
 * other benches do), 1 on any other error.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unicode/utrans.h>
#include <unicode/ustring.h>

#include "base/hmap.h"

#define GEN_NAME "gen_list"
#include "gen_util.h"

#ifndef SHARED_DATA_DIR
#define SHARED_DATA_DIR "../shared/data"
#endif

#define NAME_CAP 512
#define MAX_NAMES 24

/* ---- utilities ---------------------------------------------------------- */

/* snprintf that truncates quietly: names are cut at NAME_CAP on purpose. */
__attribute__((format(printf, 3, 4))) static void sfmt(char *out, size_t cap, const char *f, ...) {
    va_list ap;
    va_start(ap, f);
    vsnprintf(out, cap, f, ap);
    va_end(ap);
}

static int permille(rng *r, unsigned p) {
    return below(r, 1000) < p;
}
static void strs_free(strs *s) {
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static const char *pickc(rng *r, const char *const *v, size_t n) {
    return v[below(r, n)];
}
#define PICK(r, arr) pickc((r), (arr), sizeof(arr) / sizeof(arr)[0])

/* Fisher-Yates, so the head of a Yule process is not the alphabet's. */
static void shuffle(rng *r, strs *s) {
    for (size_t i = s->n; i > 1; i--) {
        size_t j = below(r, i);
        char *t = s->v[i - 1];
        s->v[i - 1] = s->v[j];
        s->v[j] = t;
    }
}

/* Byte offset of code point k of s (or its length). */
static size_t cp_offset(const char *s, size_t k) {
    size_t i = 0;
    for (; s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && k-- == 0) return i;
    return i;
}

static size_t cp_count(const char *s) {
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void cat(char *dst, const char *src) {
    size_t n = strlen(dst);
    sfmt(dst + n, NAME_CAP - n, "%s", src);
}

static void upper_ascii(char *s) {
    for (; *s; s++)
        *s = (char)toupper((unsigned char)*s);
}

/* Title case of ASCII words ("zhang wei" -> "Zhang Wei"). */
static void title_ascii(char *s) {
    int start = 1;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalpha(c)) {
            *s = (char)(start ? toupper(c) : tolower(c));
            start = 0;
        } else {
            start = c == ' ' || c == '-';
        }
    }
}

/* ---- romanisation (ICU) -------------------------------------------------- */

static UTransliterator *TRANS;
static em_hmap ROMAN_MEMO; /* native -> Latin: the names repeat (Zipf), ICU is slow */

static void romanise_icu(const char *in, char *out, size_t cap) {
    UChar u[NAME_CAP];
    int32_t len = 0, limit;
    UErrorCode e = U_ZERO_ERROR;
    u_strFromUTF8(u, NAME_CAP, &len, in, -1, &e);
    limit = len;
    if (U_SUCCESS(e)) utrans_transUChars(TRANS, u, &len, NAME_CAP, 0, &limit, &e);
    int32_t olen = 0;
    if (U_SUCCESS(e)) u_strToUTF8(out, (int32_t)cap, &olen, u, len, &e);
    if (U_FAILURE(e) || olen <= 0 || (size_t)olen >= cap) {
        sfmt(out, cap, "%s", in);
        return;
    }
    out[olen] = '\0';
    /* keep letters, spaces and hyphens (ICU leaves apostrophes for soft signs) */
    size_t w = 0;
    for (size_t i = 0; out[i]; i++)
        if (isalpha((unsigned char)out[i]) || out[i] == ' ' || out[i] == '-') out[w++] = out[i];
    out[w] = '\0';
    title_ascii(out);
}

static void romanise(const char *in, char *out, size_t cap) {
    int added;
    em_hmap_entry *e = em_hmap_inserts(&ROMAN_MEMO, in, &added);
    if (added) {
        char buf[NAME_CAP];
        romanise_icu(in, buf, sizeof buf);
        e->val.ptr = xstrdup(buf);
    }
    sfmt(out, cap, "%s", (const char *)e->val.ptr);
}

/* Another romanisation of the same Cyrillic / Korean name: one or two of
   the usual alternatives (Sergei / Sergey, Yuri / Iurii, Khan / Han...). */
static const char *const ALT_SPELL[][2] = {
    {"ei", "ey"}, {"ii", "y"},  {"iy", "y"},  {"Yu", "Iu"}, {"Ya", "Ia"}, {"kh", "h"},
    {"Kh", "H"},  {"zh", "j"},  {"ts", "tz"}, {"yo", "e"},  {"ie", "ye"}, {"ks", "x"},
    {"eo", "o"},  {"Gi", "Ki"}, {"G", "K"},   {"u", "oo"},  {"Ch", "Tch"}};
#define NALT (sizeof ALT_SPELL / sizeof ALT_SPELL[0])

static int respell(rng *r, const char *in, char *out, size_t cap) {
    sfmt(out, cap, "%s", in);
    int changed = 0;
    for (int tries = 0; tries < 6 && changed < 2; tries++) {
        const char *const *alt = ALT_SPELL[below(r, NALT)];
        char *at = strstr(out, alt[0]);
        if (!at) continue;
        size_t a = strlen(alt[0]), b = strlen(alt[1]), n = strlen(out);
        if (n - a + b + 1 > cap) continue;
        memmove(at + b, at + a, n - (size_t)(at - out) - a + 1);
        memcpy(at, alt[1], b);
        changed++;
    }
    return changed;
}

/* ---- name pools: Yule-Simon processes ----------------------------------- */

typedef struct {
    strs names;    /* every distinct name drawn so far */
    uint32_t *occ; /* every occurrence, as an index into names */
    size_t nocc, cap;
    const strs *head;   /* new names come from here first, */
    const strs *splice; /* then are spliced from these */
    size_t used;
    em_hmap seen;
    unsigned alpha; /* permille of new names */
} pool;

static void pool_add(pool *p, uint32_t k) {
    if (p->nocc == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 1024;
        p->occ = xrealloc(p->occ, p->cap * sizeof *p->occ);
    }
    p->occ[p->nocc++] = k;
}

static size_t isqrt(size_t x) {
    size_t y = 0;
    while ((y + 1) * (y + 1) <= x)
        y++;
    return y;
}

/* The urn starts with every head name already in it, the one of rank k
   (1-based) k_weight times: prior / k (zipf 1), prior / sqrt(k) (zipf 0.5)
   or once (prior 0). Without such a start the first names drawn would take
   most of the draws of a process with a small alpha. */
enum { PRIOR_FLAT, PRIOR_SQRT, PRIOR_ZIPF };
static void pool_init(pool *p, const strs *head, const strs *splice, unsigned alpha, int prior,
                      size_t scale) {
    memset(p, 0, sizeof *p);
    p->head = head;
    p->splice = splice;
    p->alpha = alpha;
    em_hmap_init(&p->seen);
    for (size_t i = 0; i < head->n; i++) {
        int added;
        em_hmap_inserts(&p->seen, head->v[i], &added);
        if (!added) continue;
        push(&p->names, head->v[i]);
        size_t w = prior == PRIOR_ZIPF   ? scale / (i + 1)
                   : prior == PRIOR_SQRT ? scale / isqrt(i + 1)
                                         : 1;
        for (size_t k = 0; k < (w ? w : 1); k++)
            pool_add(p, (uint32_t)(p->names.n - 1));
    }
    p->used = head->n;
}

static void pool_free(pool *p) {
    strs_free(&p->names);
    free(p->occ);
    em_hmap_free(&p->seen, NULL);
}

static const char *pool_new(rng *r, pool *p) {
    char buf[NAME_CAP];
    const char *name = NULL;
    while (p->used < p->head->n) {
        name = p->head->v[p->used++];
        int added;
        em_hmap_inserts(&p->seen, name, &added);
        if (added) break;
        name = NULL;
    }
    for (int tries = 0; !name && tries < 16; tries++) {
        const char *a = pick(r, p->splice), *b = pick(r, p->splice);
        size_t na = cp_count(a), nb = cp_count(b);
        if (na < 2 || nb < 2) {
            /* one-character names (Han) are joined whole */
            sfmt(buf, sizeof buf, "%s%s", a, b);
        } else {
            size_t ka = 1 + below(r, na - 1), kb = 1 + below(r, nb - 1);
            size_t oa = cp_offset(a, ka), ob = cp_offset(b, kb);
            sfmt(buf, sizeof buf, "%.*s%s", (int)oa, a, b + ob);
        }
        if (cp_count(buf) < 2 || cp_count(buf) > 16) continue;
        int added;
        em_hmap_inserts(&p->seen, buf, &added);
        if (added) name = buf;
    }
    if (!name) name = pick(r, p->head); /* a space this small is exhausted: reuse */
    push(&p->names, name);
    return p->names.v[p->names.n - 1];
}

static const char *pool_draw(rng *r, pool *p) {
    uint32_t k;
    if (!p->nocc || permille(r, p->alpha)) {
        pool_new(r, p);
        k = (uint32_t)(p->names.n - 1);
    } else {
        k = p->occ[below(r, p->nocc)];
    }
    pool_add(p, k);
    return p->names.v[k];
}

/* ---- cultures ------------------------------------------------------------ */

/* Given names of the Arabic-script cultures, in Latin: one group a line, its
   spellings separated by '|', the commonest first. */
static const char *const VARIANTS[] = {
    "Muhammad|Mohammad|Mohammed|Mohamed|Mohamad|Muhammed|Muhamad|Mohd",
    "Ahmad|Ahmed|Ahmet|Ahmadi",
    "Ali|Aly|Alee",
    "Abdullah|Abdallah|Abdulla|Abd Allah|Abdalla",
    "Abdul Rahman|Abdulrahman|Abd al-Rahman|Abdel Rahman|Abdurrahman|Abdirahman",
    "Abdul Aziz|Abdulaziz|Abd al-Aziz|Abdelaziz",
    "Abdul Karim|Abdulkarim|Abd al-Karim|Abdelkarim",
    "Hussein|Husain|Hussain|Husayn|Hossein|Hosein",
    "Hassan|Hasan|Hasen",
    "Ibrahim|Ebrahim|Ibraheem|Brahim",
    "Omar|Umar|Omer",
    "Osama|Usama|Usamah|Oussama",
    "Yusuf|Youssef|Yousef|Yusif|Yousif|Youcef",
    "Mahmoud|Mahmud|Mahmood",
    "Mustafa|Mostafa|Moustafa|Mustapha",
    "Khalid|Khaled|Khaled",
    "Said|Saeed|Sayed|Saiid|Sa'id",
    "Jamal|Gamal|Djamel",
    "Mahdi|Mehdi",
    "Reza|Riza|Rida|Ridha",
    "Qasim|Qassem|Kasim|Ghasem|Qassim",
    "Fatima|Fatimah|Fatemeh|Fatma",
    "Aisha|Aysha|Ayesha|Aicha",
    "Zainab|Zaynab|Zeynab",
    "Karim|Kareem|Kerim",
    "Nasser|Nasir|Naser|Nacer",
    "Salim|Saleem|Selim",
    "Tariq|Tarek|Tareq|Tarik",
    "Walid|Waleed|Oualid",
    "Yasin|Yassin|Yaseen|Yassine",
    "Hamza|Hamzah",
    "Ismail|Esmail|Ismael|Esmaeil|Ismaeel",
    "Jafar|Jaafar|Ja'far",
    "Bashir|Basheer|Bachir",
    "Faisal|Faysal|Feisal",
    "Hamid|Hameed",
    "Rashid|Rasheed|Rachid",
    "Suleiman|Sulayman|Soleiman|Sulaiman",
    "Abu Bakr|Abubakar|Abu Bakar",
    "Nur|Noor|Nour",
    "Amir|Ameer",
    "Anwar|Anouar",
    "Hadi|Haadi",
    "Majid|Majeed|Madjid",
    "Mansour|Mansur|Mansoor",
    "Ayman|Aiman",
    "Imad|Emad",
    "Ghulam|Gholam",
    "Javad|Jawad",
    "Saif|Sayf|Seif",
};
#define NVARIANTS (sizeof VARIANTS / sizeof VARIANTS[0])

/* A spelling of group g: the first 40%, the second 25%, the others evenly. */
static void spelling(rng *r, size_t g, char *out, size_t cap) {
    const char *s = VARIANTS[g];
    size_t n = 1;
    for (const char *p = s; *p; p++)
        n += *p == '|';
    size_t k = percent(r, 40) ? 0 : n > 1 && percent(r, 42) ? 1 : below(r, n);
    for (size_t i = 0; i < k; i++)
        s = strchr(s, '|') + 1;
    const char *end = strchr(s, '|');
    size_t len = end ? (size_t)(end - s) : strlen(s);
    sfmt(out, cap, "%.*s", (int)(len < cap ? len : cap - 1), s);
}

static const char *const ARAB_FAMILY[] = {
    "Tikriti", "Rawi",      "Qahtani", "Masri",   "Baghdadi",  "Hashimi",  "Zawahiri", "Khatib",
    "Haddad",  "Najjar",    "Shami",   "Halabi",  "Tamimi",    "Shammari", "Dulaimi",  "Jaburi",
    "Ani",     "Obeidi",    "Zubaidi", "Kubaisi", "Hakim",     "Husseini", "Saadi",    "Amiri",
    "Khalil",  "Nasrallah", "Qurashi", "Farouk",  "Hamdan",    "Issa",     "Khoury",   "Saleh",
    "Darwish", "Sharif",    "Ghamdi",  "Harbi",   "Otaibi",    "Mutairi",  "Zahrani",  "Shahri",
    "Maliki",  "Sudani",    "Libi",    "Yamani",  "Suri",      "Iraqi",    "Jazairi",  "Makki",
    "Azzam",   "Bakri",     "Hadid",   "Kassem",  "Mughniyah", "Nasser",   "Qadi",     "Rifai"};
static const char *const PERSIAN_FAMILY[] = {
    "Rezaei",  "Hosseini", "Ahmadi",   "Karimi",  "Mousavi", "Jafari", "Mohammadi", "Rahimi",
    "Sadeghi", "Heidari",  "Ghorbani", "Hashemi", "Moradi",  "Kazemi", "Soleimani", "Shirazi",
    "Tehrani", "Esfahani", "Rahmani",  "Bagheri", "Najafi",  "Salehi", "Zarif",     "Larijani",
    "Vahidi",  "Khamenei", "Safavi",   "Nourani", "Asadi",   "Abbasi", "Akbari",    "Amini"};
static const char *const PAK_FAMILY[] = {
    "Khan",      "Qureshi", "Butt",    "Chaudhry", "Malik",    "Sheikh",  "Siddiqui", "Hussain",
    "Shah",      "Ahmed",   "Iqbal",   "Raza",     "Mirza",    "Haqqani", "Akhtar",   "Bhatti",
    "Yousafzai", "Afridi",  "Durrani", "Noorzai",  "Achakzai", "Baloch",  "Zaman",    "Rana"};

enum { SCRIPT_LATIN, SCRIPT_ARABIC_LATIN, SCRIPT_ROMANISED };

typedef struct culture {
    const char *code; /* faker-js locale */
    int script;       /* how its Latin names are made */
    unsigned weight;  /* share of persons (and organisations) */
    unsigned native;  /* percent of persons with an original-script alias */
    const char *const *countries;
    const char *const *family_builtin;
    size_t nfamily_builtin;
    strs first, middle, last, suffix, family_src;
    pool given, family;
} culture;

static const char *const C_ARAB[] = {"sy", "iq", "ye", "lb", "sa", "ae", "eg", "ly", "sd", "jo", 0};
static const char *const C_IR[] = {"ir", 0}, *const C_PK[] = {"pk", "af", 0};
static const char *const C_RU[] = {"ru", "by", 0}, *const C_UA[] = {"ua", 0};
static const char *const C_CN[] = {"cn", "hk", 0}, *const C_KP[] = {"kp", 0};
static const char *const C_IL[] = {"il", 0}, *const C_EN[] = {"gb", "us", "ca", "au", 0};
static const char *const C_ES[] = {"es", "mx", "ve", "co", "ni", 0}, *const C_FR[] = {"fr", 0};
static const char *const C_DE[] = {"de", "at", "ch", 0}, *const C_TR[] = {"tr", 0};
static const char *const C_IN[] = {"in", 0}, *const C_ID[] = {"id", 0};
static const char *const C_NG[] = {"ng", 0}, *const C_VN[] = {"vn", 0};

#define BUILTIN(a) .family_builtin = a, .nfamily_builtin = sizeof a / sizeof a[0]
#define CULTURE(c, s, w, n, cc) .code = c, .script = s, .weight = w, .native = n, .countries = cc
static culture CULTURES[] = {
    {CULTURE("ar", SCRIPT_ARABIC_LATIN, 26, 35, C_ARAB), BUILTIN(ARAB_FAMILY)},
    {CULTURE("fa", SCRIPT_ARABIC_LATIN, 8, 40, C_IR), BUILTIN(PERSIAN_FAMILY)},
    {CULTURE("ur", SCRIPT_ARABIC_LATIN, 4, 15, C_PK), BUILTIN(PAK_FAMILY)},
    {CULTURE("ru", SCRIPT_ROMANISED, 14, 55, C_RU)},
    {CULTURE("uk", SCRIPT_ROMANISED, 4, 50, C_UA)},
    {CULTURE("zh_CN", SCRIPT_ROMANISED, 8, 70, C_CN)},
    {CULTURE("ko", SCRIPT_ROMANISED, 4, 70, C_KP)},
    {CULTURE("he", SCRIPT_ROMANISED, 1, 30, C_IL)},
    {CULTURE("en", SCRIPT_LATIN, 9, 0, C_EN)},
    {CULTURE("es", SCRIPT_LATIN, 7, 0, C_ES)},
    {CULTURE("fr", SCRIPT_LATIN, 3, 0, C_FR)},
    {CULTURE("de", SCRIPT_LATIN, 3, 0, C_DE)},
    {CULTURE("tr", SCRIPT_LATIN, 3, 0, C_TR)},
    {CULTURE("en_IN", SCRIPT_LATIN, 3, 0, C_IN)},
    {CULTURE("id_ID", SCRIPT_LATIN, 1, 0, C_ID)},
    {CULTURE("en_NG", SCRIPT_LATIN, 2, 0, C_NG)},
    {CULTURE("vi", SCRIPT_LATIN, 2, 0, C_VN)},
};
#define NCULTURES (sizeof CULTURES / sizeof CULTURES[0])
static unsigned WEIGHT_SUM;

static culture *pick_culture(rng *r) {
    size_t x = below(r, WEIGHT_SUM);
    for (size_t i = 0; i < NCULTURES; i++) {
        if (x < CULTURES[i].weight) return &CULTURES[i];
        x -= CULTURES[i].weight;
    }
    return &CULTURES[0];
}

static const char *country_of(rng *r, const culture *c) {
    size_t n = 0;
    while (c->countries[n])
        n++;
    return c->countries[below(r, n)];
}

/* The head of the given-name pool of an Arabic-script culture: the variant
   group indices as strings ("#12"), resolved to a spelling at each use; its
   tail is spliced from the spellings. */
static strs ARAB_GIVEN_HEAD, ARAB_SPELLINGS;

/* ---- one party ----------------------------------------------------------- */

typedef struct {
    char names[MAX_NAMES][NAME_CAP];
    size_t n;
    const char *schema;
    char id[32], birth[16], country[8], gender[8], ident[24], family[NAME_CAP];
} party;

static void add_name(party *p, const char *name) {
    if (p->n >= MAX_NAMES || !name[0]) return;
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->names[i], name)) return;
    sfmt(p->names[p->n++], NAME_CAP, "%s", name);
}

/* How many aliases: 48% none, 22% one, ... 2.7% 10 to 20 (mean ~1.55). */
static size_t alias_count(rng *r) {
    static const unsigned CUM[] = {480, 700, 810, 870, 910, 935, 950, 960, 968, 973};
    size_t x = below(r, 1000);
    for (size_t i = 0; i < sizeof CUM / sizeof CUM[0]; i++)
        if (x < CUM[i]) return i;
    return 10 + below(r, 11);
}

/* A given name of culture c, written in Latin (latin) and, for romanised
   cultures, in its own script (native, "" otherwise). */
static void given_name(rng *r, culture *c, char *latin, char *native) {
    const char *g = pool_draw(r, &c->given);
    native[0] = '\0';
    if (c->script == SCRIPT_ARABIC_LATIN) {
        if (g[0] == '#')
            spelling(r, (size_t)atoi(g + 1), latin, NAME_CAP);
        else
            sfmt(latin, NAME_CAP, "%s", g);
    } else if (c->script == SCRIPT_ROMANISED) {
        sfmt(native, NAME_CAP, "%s", g);
        romanise(g, latin, NAME_CAP);
        if (strchr(latin, ' ') && percent(r, 60)) { /* Xiao Ming -> Xiaoming */
            char *w = latin;
            for (char *s = latin; *s; s++)
                if (*s != ' ') *w++ = *s == *latin ? *s : (char)tolower((unsigned char)*s);
            *w = '\0';
        }
    } else {
        sfmt(latin, NAME_CAP, "%s", g);
    }
}

static void family_name(rng *r, culture *c, char *latin, char *native) {
    native[0] = '\0';
    if (c->script == SCRIPT_ARABIC_LATIN && percent(r, 30)) {
        /* the father's or grandfather's name as the family name */
        spelling(r, below(r, NVARIANTS) / (1 + below(r, 3)), latin, NAME_CAP);
        return;
    }
    const char *f = pool_draw(r, &c->family);
    if (c->script == SCRIPT_ROMANISED) {
        sfmt(native, NAME_CAP, "%s", f);
        romanise(f, latin, NAME_CAP);
    } else if (c->script == SCRIPT_ARABIC_LATIN && c->code[0] == 'a' && percent(r, 55)) {
        sfmt(latin, NAME_CAP, "%s%s", percent(r, 80) ? "Al-" : "El-", f);
    } else {
        sfmt(latin, NAME_CAP, "%s", f);
    }
}

typedef struct {
    char given[3][NAME_CAP], given_native[3][NAME_CAP];
    size_t ngiven;
    char family[NAME_CAP], family_native[NAME_CAP];
    char family2[NAME_CAP]; /* Spanish second family name */
} person_parts;

/* "First Middle Last" or "LAST, First Middle" (East Asian: "LAST First"). */
static void render(const culture *c, const person_parts *pp, size_t ngiven, int list_order,
                   char *out) {
    char fam[NAME_CAP];
    sfmt(fam, sizeof fam, "%s%s%s", pp->family, pp->family2[0] ? " " : "", pp->family2);
    int east = !strcmp(c->code, "zh_CN") || !strcmp(c->code, "ko") || !strcmp(c->code, "vi");
    out[0] = '\0';
    if (list_order) {
        upper_ascii(fam);
        cat(out, fam);
        cat(out, east ? " " : ", ");
    } else if (east) {
        cat(out, fam);
        cat(out, " ");
    }
    for (size_t i = 0; i < ngiven; i++) {
        if (i) cat(out, " ");
        cat(out, pp->given[i]);
    }
    if (!list_order && !east) {
        cat(out, " ");
        cat(out, fam);
    }
}

static void render_native(const culture *c, const person_parts *pp, char *out) {
    out[0] = '\0';
    int glued = !strcmp(c->code, "zh_CN") || !strcmp(c->code, "ko");
    if (glued) { /* 金正恩: family first, no spaces */
        cat(out, pp->family_native);
        for (size_t i = 0; i < pp->ngiven; i++)
            cat(out, pp->given_native[i]);
        return;
    }
    for (size_t i = 0; i < pp->ngiven; i++) {
        cat(out, pp->given_native[i]);
        cat(out, " ");
    }
    cat(out, pp->family_native);
}

static void make_person(rng *r, culture *c, person_parts *pp) {
    memset(pp, 0, sizeof *pp);
    /* parts: Arabic-script names often carry the father's (and grandfather's) */
    size_t ng = 1;
    if (c->script == SCRIPT_ARABIC_LATIN)
        ng = percent(r, 25) ? 1 : percent(r, 55) ? 2 : 3;
    else if (!strcmp(c->code, "ru") || !strcmp(c->code, "uk"))
        ng = percent(r, 80) ? 2 : 1; /* with the patronymic */
    else if (!strcmp(c->code, "zh_CN") || !strcmp(c->code, "ko"))
        ng = 1;
    else
        ng = percent(r, 40) ? 1 : percent(r, 65) ? 2 : 3;
    for (size_t i = 0; i < ng; i++) {
        if (i == 1 && c->middle.n && (!strcmp(c->code, "ru") || !strcmp(c->code, "uk"))) {
            const char *m = pick(r, &c->middle);
            sfmt(pp->given_native[i], NAME_CAP, "%s", m);
            romanise(m, pp->given[i], NAME_CAP);
            continue;
        }
        /* not the same given name twice in a row (a Zipf head repeats) */
        for (int tries = 0; tries < 4; tries++) {
            given_name(r, c, pp->given[i], pp->given_native[i]);
            if (!i || strcmp(pp->given[i], pp->given[i - 1])) break;
        }
    }
    pp->ngiven = ng;
    family_name(r, c, pp->family, pp->family_native);
    if (!strcmp(c->code, "es") && percent(r, 55)) {
        char dummy[NAME_CAP];
        family_name(r, c, pp->family2, dummy);
    }
}

static void gen_person(rng *r, party *p) {
    culture *c = pick_culture(r);
    person_parts pp;
    make_person(r, c, &pp);
    p->schema = "Person";
    sfmt(p->family, sizeof p->family, "%s", pp.family);
    sfmt(p->country, sizeof p->country, "%s", percent(r, 85) ? country_of(r, c) : "");
    sfmt(p->gender, sizeof p->gender, "%s",
         percent(r, 70) ? (percent(r, 88) ? "male" : "female") : "");
    if (percent(r, 80)) {
        int y = 1930 + (int)below(r, 75);
        if (percent(r, 20))
            sfmt(p->birth, sizeof p->birth, "%04d", y);
        else
            sfmt(p->birth, sizeof p->birth, "%04d-%02d-%02d", y, 1 + (int)below(r, 12),
                 1 + (int)below(r, 28));
    }
    if (percent(r, 15))
        sfmt(p->ident, sizeof p->ident, "%c%08u", 'A' + (int)below(r, 26),
             (unsigned)below(r, 100000000));
    char buf[NAME_CAP], alt[NAME_CAP];
    int list_order = percent(r, 55);
    render(c, &pp, pp.ngiven, list_order, buf);
    add_name(p, buf);
    size_t na = alias_count(r);
    int native_done = 0;
    if (c->native && percent(r, c->native) && na == 0) na = 1;
    for (size_t k = 0; k < na * 2 && p->n < na + 1; k++) {
        person_parts v = pp;
        size_t what = below(r, 8);
        if (!native_done && c->native && percent(r, c->native)) {
            native_done = 1;
            if (c->script == SCRIPT_ROMANISED) {
                render_native(c, &pp, buf);
            } else { /* Arabic script from the faker-js list: the script, not this name */
                sfmt(buf, sizeof buf, "%s %s", pick(r, &c->first), pick(r, &c->last));
            }
            add_name(p, buf);
            continue;
        }
        switch (what) {
        case 0: /* the other order */
            render(c, &v, v.ngiven, !list_order, buf);
            break;
        case 1: /* without the patronymic / middle names */
            render(c, &v, 1, percent(r, 50), buf);
            break;
        case 2: /* a second identity, same culture */
            make_person(r, c, &v);
            render(c, &v, v.ngiven, percent(r, 50), buf);
            break;
        case 3: /* a kunya or a nickname */
            if (c->script == SCRIPT_ARABIC_LATIN) {
                spelling(r, below(r, NVARIANTS), alt, sizeof alt);
                sfmt(buf, sizeof buf, "Abu %s", alt);
            } else {
                sfmt(buf, sizeof buf, "%s %s", v.given[0], v.family);
            }
            break;
        default: /* another spelling of the same name */
            if (c->script == SCRIPT_ARABIC_LATIN) {
                render(c, &v, v.ngiven, list_order, alt);
                /* the given names again, each group re-spelt */
                for (size_t i = 0; i < v.ngiven; i++)
                    for (size_t g = 0; g < NVARIANTS; g++) {
                        char s0[NAME_CAP];
                        int hit = 0;
                        const char *s = VARIANTS[g];
                        while (s && !hit) {
                            const char *e = strchr(s, '|');
                            size_t len = e ? (size_t)(e - s) : strlen(s);
                            hit = len == strlen(v.given[i]) && !strncmp(s, v.given[i], len);
                            s = e ? e + 1 : NULL;
                        }
                        if (hit) {
                            spelling(r, g, s0, sizeof s0);
                            sfmt(v.given[i], NAME_CAP, "%s", s0);
                            break;
                        }
                    }
                if (!strncmp(v.family, "Al-", 3) && percent(r, 50)) {
                    memmove(v.family + 2, v.family + 3, strlen(v.family + 3) + 1);
                    v.family[2] = ' ';
                }
                render(c, &v, v.ngiven, percent(r, 50), buf);
            } else if (c->script == SCRIPT_ROMANISED) {
                render(c, &v, v.ngiven, percent(r, 50), alt);
                if (!respell(r, alt, buf, sizeof buf)) continue;
            } else {
                render(c, &v, v.ngiven, !list_order, buf);
            }
            break;
        }
        add_name(p, buf);
    }
}

/* ---- organisations, vessels, aircraft ------------------------------------ */

static const char *const DESCRIPTORS[] = {
    "International", "Global",    "National", "United",   "Eastern",  "Gulf",     "Pacific",
    "Golden",        "Royal",     "First",    "Star",     "Ocean",    "Asia",     "Euro",
    "Trans",         "Sino",      "Caspian",  "Baltic",   "Siberian", "Arab",     "Middle East",
    "Red Sea",       "Silk Road", "Northern", "Southern", "Atlantic", "Crescent", "Al Noor",
    "Al Amal",       "Al Baraka", "Al Rahma", "Peace",    "Victory",  "Future",   "Modern",
    "Eurasia",       "Black Sea", "Oriental", "Delta",    "Horizon"};
static const char *const SECTORS[] = {
    "Trading",     "Shipping",       "Petroleum",       "Oil",           "Gas",
    "Bank",        "Investment",     "Industrial",      "Engineering",   "Construction",
    "Electronics", "Chemical",       "Logistics",       "Import Export", "Exchange",
    "Technology",  "Aviation",       "Mining",          "Metals",        "Steel",
    "Textile",     "Agricultural",   "Development",     "Finance",       "Insurance",
    "Marine",      "Navigation",     "Pharmaceutical",  "Commercial",    "Holding",
    "Group",       "Services",       "Energy",          "Defence",       "Machinery",
    "Tankers",     "Money Exchange", "General Trading", "Industries",    "Resources"};
static const char *const PHRASES[] = {"for General Trading",
                                      "for Trading and Investment",
                                      "and Sons",
                                      "International",
                                      "Trading and Contracting",
                                      "Import and Export",
                                      "of Iran",
                                      "and Partners",
                                      "Industrial Group",
                                      "Holding Company",
                                      "Development and Investment",
                                      "Free Zone"};
static const char *const FORMS_RU[] = {"OOO",
                                       "AO",
                                       "PAO",
                                       "LLC",
                                       "JSC",
                                       "OAO",
                                       "ZAO",
                                       "Limited Liability Company",
                                       "Joint Stock Company"};
static const char *const FORMS_AR[] = {
    "LLC", "FZE", "FZCO", "Co.", "Company", "Est.", "W.L.L.", "DMCC", "General Trading LLC"};
static const char *const FORMS_CN[] = {"Co., Ltd.",         "Limited",         "Company Limited",
                                       "Trading Co., Ltd.", "Group Co., Ltd.", "Ltd"};
static const char *const FORMS_EN[] = {"Ltd", "Limited", "Inc.",        "Corp.",  "LLP",
                                       "plc", "LLC",     "Corporation", "Company"};
static const char *const FORMS_ES[] = {"S.A.", "S.A. de C.V.", "S.L.", "C.A.", "S.R.L."};
static const char *const FORMS_FR[] = {"SARL", "SA", "SAS"};
static const char *const FORMS_TR[] = {"A.S.", "Ltd. Sti.", "San. ve Tic. A.S."};
static const char *const FORMS_FA[] = {"Company", "Co.", "PJS", "Private Joint Stock Company"};

static const char *legal_form(rng *r, culture *c) {
    if (!strcmp(c->code, "ru") || !strcmp(c->code, "uk")) return PICK(r, FORMS_RU);
    if (!strcmp(c->code, "ar") || !strcmp(c->code, "ur")) return PICK(r, FORMS_AR);
    if (!strcmp(c->code, "fa")) return PICK(r, FORMS_FA);
    if (!strcmp(c->code, "zh_CN") || !strcmp(c->code, "ko")) return PICK(r, FORMS_CN);
    if (!strcmp(c->code, "es")) return PICK(r, FORMS_ES);
    if (!strcmp(c->code, "fr")) return PICK(r, FORMS_FR);
    if (!strcmp(c->code, "tr")) return PICK(r, FORMS_TR);
    if (c->suffix.n && percent(r, 50)) return pick(r, &c->suffix);
    return PICK(r, FORMS_EN);
}

/* A coined trade name: the start of one name and the end of another. */
static void coined(rng *r, culture *c, char *out) {
    char a[NAME_CAP], b[NAME_CAP], na[NAME_CAP];
    family_name(r, c, a, na);
    sfmt(b, sizeof b, "%s", PICK(r, SECTORS));
    size_t la = cp_count(a), lb = strlen(b); /* the sectors are ASCII */
    size_t ka = la > 3 ? 2 + below(r, la - 2) : la, kb = lb > 3 ? below(r, lb - 2) : 0;
    sfmt(out, NAME_CAP, "%.*s%s", (int)cp_offset(a, ka), a, b + kb);
    title_ascii(out);
}

static void gen_org(rng *r, party *p) {
    culture *c = pick_culture(r);
    p->schema = "Organization";
    sfmt(p->country, sizeof p->country, "%s", percent(r, 80) ? country_of(r, c) : "");
    char core[NAME_CAP], native[NAME_CAP], buf[NAME_CAP];
    native[0] = '\0';
    size_t kind = below(r, 100);
    if (kind < 30) {
        family_name(r, c, core, native);
        if (percent(r, 60)) {
            cat(core, " ");
            cat(core, PICK(r, SECTORS));
        }
    } else if (kind < 55) {
        coined(r, c, core);
        if (percent(r, 50)) {
            cat(core, " ");
            cat(core, PICK(r, SECTORS));
        }
    } else {
        sfmt(core, sizeof core, "%s %s", PICK(r, DESCRIPTORS), PICK(r, SECTORS));
        if (percent(r, 50)) {
            cat(core, " ");
            cat(core, PICK(r, SECTORS));
        }
    }
    if (percent(r, 45)) {
        cat(core, " ");
        cat(core, PICK(r, PHRASES));
    }
    const char *form = percent(r, 62) ? legal_form(r, c) : "";
    if (form[0])
        sfmt(buf, sizeof buf, "%s %s", core, form);
    else
        sfmt(buf, sizeof buf, "%s", core);
    if (percent(r, 40)) upper_ascii(buf);
    add_name(p, buf);
    size_t na = alias_count(r);
    for (size_t k = 0; k < na * 2 && p->n < na + 1; k++) {
        switch (below(r, 6)) {
        case 0: /* without its legal form */
            sfmt(buf, sizeof buf, "%s", core);
            break;
        case 1: /* another form */
            sfmt(buf, sizeof buf, "%s %s", core, legal_form(r, c));
            break;
        case 2: { /* an acronym */
            size_t w = 0;
            int start = 1;
            for (const char *s = core; *s && w < 12; s++) {
                if (start && isalpha((unsigned char)*s))
                    buf[w++] = (char)toupper((unsigned char)*s);
                start = *s == ' ' || *s == '-';
            }
            buf[w] = '\0';
            if (w < 2) continue;
            break;
        }
        case 3: /* the Russian long form, or the name in the original script */
            if (!strcmp(c->code, "ru") || !strcmp(c->code, "uk")) {
                sfmt(buf, sizeof buf, "%s %s",
                     percent(r, 50) ? "Obshchestvo S Ogranichennoi Otvetstvennostyu"
                                    : "Aktsionernoe Obshchestvo",
                     core);
                if (native[0] && percent(r, 50)) sfmt(buf, sizeof buf, "ООО «%s»", native);
            } else if (native[0] && !strcmp(c->code, "zh_CN")) {
                sfmt(buf, sizeof buf, "%s贸易有限公司", native);
            } else {
                sfmt(buf, sizeof buf, "%s %s", PICK(r, DESCRIPTORS), core);
            }
            break;
        default: /* a former or trade name */
            coined(r, c, buf);
            if (percent(r, 50)) {
                cat(buf, " ");
                cat(buf, legal_form(r, c));
            }
            break;
        }
        add_name(p, buf);
    }
}

static const char *const VESSEL_WORDS[] = {
    "Star",    "Pearl",   "Ocean",   "Sea",     "Queen",   "Princess", "Glory",   "Spirit",
    "Wind",    "Wave",    "Dawn",    "Light",   "Hope",    "Fortune",  "Pride",   "Eagle",
    "Falcon",  "Lion",    "Dragon",  "Phoenix", "Jasmine", "Lotus",    "Breeze",  "Harmony",
    "Unity",   "Courage", "Liberty", "Noble",   "Grace",   "Diamond",  "Emerald", "Sapphire",
    "Crystal", "Coral",   "Dolphin", "Marlin",  "Horizon"};

static void vessel_name(rng *r, char *out) {
    culture *c = pick_culture(r);
    char g[NAME_CAP], n[NAME_CAP];
    switch (below(r, 3)) {
    case 0:
        given_name(r, c, g, n);
        sfmt(out, NAME_CAP, "%s", g);
        break;
    case 1:
        sfmt(out, NAME_CAP, "%s %s", PICK(r, DESCRIPTORS), PICK(r, VESSEL_WORDS));
        break;
    default:
        sfmt(out, NAME_CAP, "%s %s", PICK(r, VESSEL_WORDS), PICK(r, VESSEL_WORDS));
        break;
    }
    if (percent(r, 25)) {
        char num[16];
        sfmt(num, sizeof num, " %u", 1 + (unsigned)below(r, 20));
        cat(out, num);
    }
    upper_ascii(out);
}

static void gen_vessel(rng *r, party *p) {
    p->schema = "Vessel";
    char buf[NAME_CAP];
    vessel_name(r, buf);
    add_name(p, buf);
    size_t na = alias_count(r);
    if (na > 4) na = 4;
    for (size_t k = 0; k < na; k++) { /* former names */
        vessel_name(r, buf);
        add_name(p, buf);
    }
    unsigned d[6], sum = 0;
    d[0] = 8 + (unsigned)below(r, 2);
    for (int i = 1; i < 6; i++)
        d[i] = (unsigned)below(r, 10);
    for (int i = 0; i < 6; i++)
        sum += d[i] * (unsigned)(7 - i);
    sfmt(p->ident, sizeof p->ident, "IMO %u%u%u%u%u%u%u", d[0], d[1], d[2], d[3], d[4], d[5],
         sum % 10);
    sfmt(p->country, sizeof p->country, "%s", percent(r, 70) ? country_of(r, pick_culture(r)) : "");
}

static void gen_aircraft(rng *r, party *p) {
    static const char *const PREFIX[] = {"EP", "YK", "RA", "YI", "5A", "P", "B", "UP", "EK"};
    static const char *const MODELS[] = {"Airbus A310",   "Airbus A320",       "Boeing 747",
                                         "Boeing 737",    "Ilyushin Il-76",    "Tupolev Tu-204",
                                         "Antonov An-12", "Bombardier CRJ-200"};
    p->schema = "Airplane";
    char buf[NAME_CAP];
    sfmt(buf, sizeof buf, "%s-%c%c%c", PICK(r, PREFIX), 'A' + (int)below(r, 26),
         'A' + (int)below(r, 26), 'A' + (int)below(r, 26));
    sfmt(p->ident, sizeof p->ident, "%s", buf);
    add_name(p, buf);
    if (percent(r, 40)) {
        sfmt(buf, sizeof buf, "%s %s", PICK(r, MODELS), p->ident);
        add_name(p, buf);
    }
}

/* ---- output -------------------------------------------------------------- */

static void json_str(FILE *o, const char *s) {
    fputc('"', o);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(o, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(o, "\\u%04x", ch);
        else
            fputc(ch, o);
    }
    fputc('"', o);
}

static void json_prop(FILE *o, const char *key, const char *val, int *first) {
    if (!val[0]) return;
    fprintf(o, "%s\"%s\": [", *first ? "" : ", ", key);
    json_str(o, val);
    fputc(']', o);
    *first = 0;
}

static void emit(FILE *o, const party *p) {
    fputs("{\"id\": ", o);
    json_str(o, p->id);
    fputs(", \"schema\": ", o);
    json_str(o, p->schema);
    fputs(", \"caption\": ", o);
    json_str(o, p->names[0]);
    fputs(", \"properties\": {\"name\": [", o);
    json_str(o, p->names[0]);
    fputc(']', o);
    if (p->n > 1) {
        fputs(", \"alias\": [", o);
        for (size_t i = 1; i < p->n; i++) {
            if (i > 1) fputs(", ", o);
            json_str(o, p->names[i]);
        }
        fputc(']', o);
    }
    int first = 0;
    int person = !strcmp(p->schema, "Person");
    json_prop(o, "birthDate", p->birth, &first);
    json_prop(o,
              person                         ? "nationality"
              : !strcmp(p->schema, "Vessel") ? "flag"
                                             : "country",
              p->country, &first);
    json_prop(o, "gender", p->gender, &first);
    json_prop(o,
              person                           ? "passportNumber"
              : !strcmp(p->schema, "Vessel")   ? "imoNumber"
              : !strcmp(p->schema, "Airplane") ? "registrationNumber"
                                               : "registrationNumber",
              p->ident, &first);
    fputs(", \"topics\": [\"sanction\"]}, \"datasets\": [\"scale\"], \"target\": true}\n", o);
}

/* ---- the figures ---------------------------------------------------------- */

typedef struct {
    em_hmap tokens, families;
    size_t names, parts, nonlatin, schemas[4], aliases_hist[12], entities;
} stats;

static int non_latin(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        uint32_t cp = *p;
        int len = 1;
        if (cp >= 0xF0)
            cp = ((cp & 7u) << 18) | ((p[1] & 63u) << 12) | ((p[2] & 63u) << 6) | (p[3] & 63u),
            len = 4;
        else if (cp >= 0xE0)
            cp = ((cp & 15u) << 12) | ((p[1] & 63u) << 6) | (p[2] & 63u), len = 3;
        else if (cp >= 0xC0)
            cp = ((cp & 31u) << 6) | (p[1] & 63u), len = 2;
        if (cp >= 0x370 && !(cp >= 0x1E00 && cp <= 0x1EFF) && !(cp >= 0x2000 && cp <= 0x206F) &&
            cp != 0xAB && cp != 0xBB)
            return 1;
        for (int i = 0; i < len && *p; i++)
            p++;
    }
    return 0;
}

static void count_name(stats *st, const char *name) {
    st->names++;
    st->nonlatin += non_latin(name);
    char tok[NAME_CAP];
    size_t w = 0;
    for (const char *s = name;; s++) {
        unsigned char ch = (unsigned char)*s;
        if (!ch || ch == ' ' || ch == ',' || ch == '.' || ch == '-' || ch == '\'' || ch == '"' ||
            ch == '(' || ch == ')' || ch == '/' || ch == '&') {
            if (w) {
                tok[w] = '\0';
                em_hmap_entry *e = em_hmap_inserts(&st->tokens, tok, NULL);
                e->val.u64++;
                st->parts++;
                w = 0;
            }
            if (!ch) break;
        } else if (w + 1 < sizeof tok) {
            tok[w++] = (char)tolower(ch);
        }
    }
}

static void count_party(stats *st, const party *p) {
    st->entities++;
    static const char *const S[] = {"Person", "Organization", "Vessel", "Airplane"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(p->schema, S[i])) st->schemas[i]++;
    st->aliases_hist[p->n - 1 < 10 ? p->n - 1 : 10]++;
    for (size_t i = 0; i < p->n; i++)
        count_name(st, p->names[i]);
    if (p->family[0]) {
        char f[NAME_CAP];
        sfmt(f, sizeof f, "%s", p->family);
        upper_ascii(f);
        em_hmap_inserts(&st->families, f, NULL)->val.u64++;
    }
}

static int cmp_desc(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void print_stats(stats *st) {
    size_t nt = em_hmap_len(&st->tokens), single = 0;
    for (size_t i = 0; i < nt; i++)
        single += em_hmap_at(&st->tokens, i)->val.u64 == 1;
    double n = (double)st->entities;
    fprintf(stderr,
            "gen_list: %zu entities: %.1f%% persons, %.1f%% organisations, %.1f%% vessels, "
            "%.1f%% aircraft\n",
            st->entities, 100 * st->schemas[0] / n, 100 * st->schemas[1] / n,
            100 * st->schemas[2] / n, 100 * st->schemas[3] / n);
    fprintf(stderr,
            "gen_list: %zu names (%.2f per entity; no alias %.1f%%, 10 or more %.1f%%), %.2f parts "
            "per name, %.1f%% not in Latin script\n",
            st->names, st->names / n, 100 * st->aliases_hist[0] / n, 100 * st->aliases_hist[10] / n,
            (double)st->parts / (double)st->names, 100.0 * st->nonlatin / (double)st->names);
    fprintf(stderr, "gen_list: %zu distinct tokens (%.2f per name), %.1f%% of them singletons\n",
            nt, (double)nt / (double)st->names, nt ? 100.0 * single / (double)nt : 0);
    size_t nf = em_hmap_len(&st->families), fsingle = 0, focc = 0;
    uint64_t *c = xrealloc(NULL, (nf ? nf : 1) * sizeof *c);
    for (size_t i = 0; i < nf; i++) {
        c[i] = em_hmap_at(&st->families, i)->val.u64;
        fsingle += c[i] == 1;
        focc += c[i];
    }
    qsort(c, nf, sizeof *c, cmp_desc);
    fprintf(stderr, "gen_list: family names of persons: %zu distinct in %zu, %.1f%% singletons;",
            nf, focc, nf ? 100.0 * fsingle / (double)nf : 0);
    static const size_t RANKS[] = {1, 10, 100, 1000, 10000};
    for (size_t i = 0; i < sizeof RANKS / sizeof RANKS[0]; i++)
        if (RANKS[i] <= nf)
            fprintf(stderr, " rank %zu %.3f%%", RANKS[i], 100.0 * c[RANKS[i] - 1] / (double)focc);
    fputc('\n', stderr);
    free(c);
}

/* ---- queries --------------------------------------------------------------- */

typedef struct {
    char name[NAME_CAP], schema[16], birth[16], country[8];
} qrow;

static void csv_field(FILE *o, const char *s, int last) {
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', o);
        for (; *s; s++) {
            if (*s == '"') fputc('"', o);
            fputc(*s, o);
        }
        fputc('"', o);
    } else {
        fputs(s, o);
    }
    fputc(last ? '\n' : ',', o);
}

/* A small typo in one ASCII word of at least 5 letters (swap, drop, double,
   replace), never its first letter. */
static void typo(rng *r, char *s) {
    size_t len = strlen(s), starts[64], lens[64], nw = 0;
    for (size_t i = 0; i < len && nw < 64;) {
        while (i < len && !isalpha((unsigned char)s[i]))
            i++;
        size_t b = i;
        while (i < len && isalpha((unsigned char)s[i]))
            i++;
        if (i - b >= 5) starts[nw] = b, lens[nw] = i - b, nw++;
    }
    if (!nw) return;
    size_t w = below(r, nw), at = starts[w] + 1 + below(r, lens[w] - 2);
    switch (below(r, 4)) {
    case 0: {
        char t = s[at];
        s[at] = s[at + 1];
        s[at + 1] = t;
        break;
    }
    case 1:
        memmove(s + at, s + at + 1, len - at);
        break;
    case 2:
        if (len + 2 < NAME_CAP) memmove(s + at + 1, s + at, len - at + 1);
        break;
    default:
        s[at] = (char)(islower((unsigned char)s[at]) ? 'a' + below(r, 26) : 'A' + below(r, 26));
        break;
    }
}

/* The negatives' full names, birth dates and nationalities. */
static void load_negatives(strs *rows, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[4096];
    int header = 1;
    while (fgets(line, sizeof line, f)) {
        chomp(line);
        if (header) {
            header = 0;
            continue;
        }
        if (line[0] && line[0] != '"') push(rows, line); /* quoted rows are rare: skipped */
    }
    fclose(f);
}

static void write_queries(rng *r, const char *path, size_t m, const qrow *listed, size_t nlisted,
                          const strs *neg) {
    FILE *o = fopen(path, "w");
    if (!o) die("cannot write %s", path);
    fputs("id,name,schema,birth_date,country\n", o);
    size_t nl = 0, ninn = 0;
    for (size_t i = 0; i < m; i++) {
        qrow q;
        memset(&q, 0, sizeof q);
        if (nlisted && percent(r, 10)) {
            q = listed[below(r, nlisted)];
            if (percent(r, 60)) typo(r, q.name);
            if (percent(r, 50)) q.birth[0] = '\0';
            nl++;
        } else if (neg->n && percent(r, 55)) {
            char line[4096], *c[8];
            sfmt(line, sizeof line, "%s", pick(r, neg));
            int nc = 0;
            for (char *p = line; nc < 8;) {
                c[nc++] = p;
                p = strchr(p, ',');
                if (!p) break;
                *p++ = '\0';
            }
            if (nc < 8) continue;
            sfmt(q.name, sizeof q.name, "%s", c[0]);
            strcpy(q.schema, "Person");
            if (percent(r, 60)) sfmt(q.birth, sizeof q.birth, "%s", c[5]);
            ninn++;
        } else {
            culture *c = &CULTURES[below(r, NCULTURES)];
            char f[NAME_CAP], n1[NAME_CAP];
            if (percent(r, 12)) {
                char core[NAME_CAP];
                family_name(r, c, core, n1);
                sfmt(q.name, sizeof q.name, "%s %s %s", core, PICK(r, SECTORS), legal_form(r, c));
                strcpy(q.schema, "Organization");
            } else if (c->script == SCRIPT_ROMANISED && percent(r, 30)) {
                sfmt(q.name, sizeof q.name, "%s %s", pick(r, &c->last), pick(r, &c->first));
                strcpy(q.schema, "Person");
            } else {
                person_parts pp;
                make_person(r, c, &pp);
                render(c, &pp, pp.ngiven, percent(r, 20), f);
                sfmt(q.name, sizeof q.name, "%s", f);
                strcpy(q.schema, "Person");
            }
            ninn++;
        }
        char id[32];
        sfmt(id, sizeof id, "Q%07zu", i + 1);
        csv_field(o, id, 0);
        csv_field(o, q.name, 0);
        csv_field(o, q.schema, 0);
        csv_field(o, q.birth, 0);
        csv_field(o, q.country, 1);
    }
    if (fclose(o) != 0) die("cannot write %s", path);
    fprintf(stderr, "gen_list: %zu queries: %zu innocent, %zu listed names (60%% with a typo)\n", m,
            ninn, nl);
}

/* ---- main ------------------------------------------------------------------- */

static void usage(void) {
    fprintf(stderr,
            "usage: gen_list [--data DIR] [--seed S] [--queries M QUERIES.csv] N [OUT.ftm.json]\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *data = getenv("EMBARGO_SHARED_DATA");
    const char *out_path = NULL, *qpath = NULL;
    uint64_t seed = 20261201;
    long long n = -1, m = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc)
            data = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--queries") && i + 2 < argc) {
            char *end;
            m = strtoll(argv[++i], &end, 10);
            if (*end || m < 1 || m > 10000000)
                die("--queries M must be 1..10000000, not %s", argv[i]);
            qpath = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1])
            usage();
        else if (n < 0) {
            char *end;
            n = strtoll(argv[i], &end, 10);
            if (*end || n < 1 || n > 99999999) die("N must be 1..99999999, not %s", argv[i]);
        } else if (!out_path)
            out_path = argv[i];
        else
            die("one output only: %s", argv[i]);
    }
    if (n < 0) usage();
    if (!data || !*data) data = SHARED_DATA_DIR;
    char names[4096], path[4400];
    sfmt(names, sizeof names, "%s/names", data);
    if (!exists(names)) {
        fprintf(stderr, "skipped: %s is absent\n", names);
        return 0;
    }
    UErrorCode ue = U_ZERO_ERROR;
    UChar id[64];
    u_uastrcpy(id, "Any-Latin; Latin-ASCII");
    TRANS = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &ue);
    if (U_FAILURE(ue)) die("ICU cannot open Any-Latin: %s", u_errorName(ue));

    em_hmap_init(&ROMAN_MEMO);
    rng setup = {seed ^ 0xC0FFEEULL};
    for (size_t i = 0; i < NVARIANTS; i++) {
        char g[NAME_CAP];
        sfmt(g, sizeof g, "#%zu", i);
        push(&ARAB_GIVEN_HEAD, g);
        sfmt(g, sizeof g, "%s", VARIANTS[i]);
        for (char *t = strtok(g, "|"); t; t = strtok(NULL, "|"))
            if (!strchr(t, ' ') && !strchr(t, '\'')) push(&ARAB_SPELLINGS, t);
    }
    for (size_t i = 0; i < NCULTURES; i++) {
        culture *c = &CULTURES[i];
        WEIGHT_SUM += c->weight;
        sfmt(path, sizeof path, "%s/faker-js_10.6.0/%s.first_name.txt", names, c->code);
        load_lines(&c->first, path);
        sfmt(path, sizeof path, "%s/faker-js_10.6.0/%s.middle_name.txt", names, c->code);
        load_lines(&c->middle, path);
        sfmt(path, sizeof path, "%s/faker-js_10.6.0/%s.last_name.txt", names, c->code);
        load_lines(&c->last, path);
        sfmt(path, sizeof path, "%s/faker-js_10.6.0/%s.company_legal_suffix.txt", names, c->code);
        load_lines(&c->suffix, path);
        if (!c->first.n || !c->last.n) die("no faker-js names for locale %s", c->code);
        shuffle(&setup, &c->first);
        shuffle(&setup, &c->last);
        for (size_t k = 0; k < c->nfamily_builtin; k++)
            push(&c->family_src, c->family_builtin[k]);
        if (!c->nfamily_builtin)
            for (size_t k = 0; k < c->last.n; k++)
                push(&c->family_src, c->last.v[k]);
        shuffle(&setup, &c->family_src);
        /* given names: a heavy head (few new ones); family names: a long tail.
           The Arabic-script given names' head is the variant groups, their
           tail spliced from the spellings. */
        int arab = c->script == SCRIPT_ARABIC_LATIN;
        pool_init(&c->given, arab ? &ARAB_GIVEN_HEAD : &c->first,
                  arab ? &ARAB_SPELLINGS : &c->first, arab ? 8 : 40, arab ? PRIOR_ZIPF : PRIOR_SQRT,
                  arab ? 2000 : 64);
        pool_init(&c->family, &c->family_src, &c->family_src, 380, PRIOR_FLAT, 1);
    }

    FILE *o = out_path ? fopen(out_path, "w") : stdout;
    if (!o) die("cannot write %s", out_path);
    rng r = {seed}, qr = {seed ^ 0x51E7C0DEULL}, sr = {seed ^ 0x5A3F1EULL};
    stats st;
    memset(&st, 0, sizeof st);
    em_hmap_init(&st.tokens);
    em_hmap_init(&st.families);
    size_t nlisted_cap = m ? (size_t)m / 10 + 16 : 0, nlisted = 0;
    qrow *listed = nlisted_cap ? xrealloc(NULL, nlisted_cap * sizeof *listed) : NULL;
    party *p = xrealloc(NULL, sizeof *p);
    for (size_t i = 0; i < (size_t)n; i++) {
        memset(p, 0, sizeof *p);
        sfmt(p->id, sizeof p->id, "scale-%09zu", i + 1);
        size_t kind = below(&r, 100);
        if (kind < 58)
            gen_person(&r, p);
        else if (kind < 93)
            gen_org(&r, p);
        else if (kind < 98)
            gen_vessel(&r, p);
        else
            gen_aircraft(&r, p);
        emit(o, p);
        count_party(&st, p);
        if (nlisted_cap) { /* reservoir sample (algorithm R) of the listed parties */
            size_t slot = nlisted < nlisted_cap ? nlisted++ : below(&sr, i + 1);
            if (slot < nlisted_cap) {
                qrow *q = &listed[slot];
                sfmt(q->name, sizeof q->name, "%s", p->names[below(&sr, p->n)]);
                sfmt(q->schema, sizeof q->schema, "%s",
                     !strcmp(p->schema, "Airplane") ? "" : p->schema);
                sfmt(q->birth, sizeof q->birth, "%s", p->birth);
                sfmt(q->country, sizeof q->country, "%s", p->country);
            }
        }
    }
    if (out_path ? fclose(o) != 0 : fflush(o) != 0)
        die("cannot write %s", out_path ? out_path : "-");
    print_stats(&st);
    if (qpath) {
        strs neg = {0};
        sfmt(path, sizeof path, "%s/negatives_global_dev.csv", names);
        load_negatives(&neg, path);
        sfmt(path, sizeof path, "%s/negatives_us_dev.csv", names);
        load_negatives(&neg, path);
        write_queries(&qr, qpath, (size_t)m, listed, nlisted, &neg);
        strs_free(&neg);
    }
    for (size_t i = 0; i < NCULTURES; i++) {
        culture *c = &CULTURES[i];
        strs_free(&c->first);
        strs_free(&c->middle);
        strs_free(&c->last);
        strs_free(&c->suffix);
        strs_free(&c->family_src);
        pool_free(&c->given);
        pool_free(&c->family);
    }
    strs_free(&ARAB_GIVEN_HEAD);
    strs_free(&ARAB_SPELLINGS);
    em_hmap_free(&ROMAN_MEMO, free);
    em_hmap_free(&st.tokens, NULL);
    em_hmap_free(&st.families, NULL);
    free(listed);
    free(p);
    utrans_close(TRANS);
    return 0;
}
