/*
 * gen_register.c - a reproducible synthetic register (a firm's customers) for
 * the monitoring benchmark (bench/run_monitor.sh).
 *
 *   gen_register [--data DIR] [--sdn FILE] [--seed S] N [OUT.csv]
 *
 * Writes N records as CSV (id,name,aliases,schema,birth_date,nationality,
 * gender,passport), ids R0000001..., to OUT (default stdout). The same N,
 * seed and inputs give the same file, byte for byte (a 64-bit splitmix/
 * xorshift PRNG of our own; no rand(), no locale, no clock).
 *
 * Drawn from the name lists in DIR/names (default ../shared/data/names, or
 * $EMBARGO_SHARED_DATA/names):
 *   - ~85% persons: a third are rows of negatives_{global,us}_dev.csv as they
 *     are (full name, gender, birth date, nationality), the rest a first and
 *     last name (sometimes a middle name) of one faker-js locale with a birth
 *     date and the locale's country; a few carry a passport number or an
 *     alias, a few only a birth year or no birth date or nationality;
 *   - ~15% companies: a locale's last name(s), sometimes an English trade word
 *     (Latin-script names only), and a company legal suffix of that locale
 *     (en's when it has none);
 *   - a planted set spread evenly through the file: 50 parties of the OFAC
 *     SDN list of 2022-09-08 (--sdn, default tests/data/ofac/
 *     sdn_2022-09-08.csv.gz; read through gzip -dc) with small typos or
 *     reordered names, the same 50 for every N; 3 customers matching
 *     "KHATIB, Esmail" (OFAC 39017, added on 2022-09-09) and 2 matching
 *     "IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY" (OFAC 12111, changed
 *     on 2022-09-09). The planted records are listed on stderr.
 *
 * Exit 0 with "skipped: ..." on stderr when the name lists are absent (as the
 * other benches do), 1 on any other error.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GEN_NAME "gen_register"
#include "gen_util.h"

#ifndef SHARED_DATA_DIR
#define SHARED_DATA_DIR "../shared/data"
#endif
#ifndef SOURCE_DIR
#define SOURCE_DIR "."
#endif

#define PLANTED_SDN 50

/* ---- utilities ---------------------------------------------------------- */

/* Splits one CSV line (RFC 4180 quoting, no newlines in fields) into at most
   max fields, in place; returns the number of fields. */
static int csv_split(char *line, char **out, int max) {
    int n = 0;
    char *p = line;
    while (n < max) {
        char *w = p, *start = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (!*p) break;
                if (*p == '"') {
                    if (p[1] == '"') {
                        *w++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                *w++ = *p++;
            }
            while (*p && *p != ',')
                p++;
        } else {
            while (*p && *p != ',')
                *w++ = *p++;
        }
        int end = !*p;
        *w = '\0';
        out[n++] = start;
        if (end) break;
        p++;
    }
    return n;
}

/* ---- the name lists ----------------------------------------------------- */

typedef struct {
    const char *code, *country;
    strs first, middle, last, suffix;
} locale;

/* The faker-js locales and the country their customers are given. */
static locale LOCALES[] = {
    {"ar", "Egypt", {0}, {0}, {0}, {0}},          {"de", "Germany", {0}, {0}, {0}, {0}},
    {"en", "United Kingdom", {0}, {0}, {0}, {0}}, {"en_IN", "India", {0}, {0}, {0}, {0}},
    {"en_NG", "Nigeria", {0}, {0}, {0}, {0}},     {"es", "Spain", {0}, {0}, {0}, {0}},
    {"fa", "Iran", {0}, {0}, {0}, {0}},           {"fr", "France", {0}, {0}, {0}, {0}},
    {"he", "Israel", {0}, {0}, {0}, {0}},         {"id_ID", "Indonesia", {0}, {0}, {0}, {0}},
    {"ja", "Japan", {0}, {0}, {0}, {0}},          {"ko", "South Korea", {0}, {0}, {0}, {0}},
    {"ru", "Russia", {0}, {0}, {0}, {0}},         {"tr", "Turkey", {0}, {0}, {0}, {0}},
    {"uk", "Ukraine", {0}, {0}, {0}, {0}},        {"ur", "Pakistan", {0}, {0}, {0}, {0}},
    {"vi", "Vietnam", {0}, {0}, {0}, {0}},        {"zh_CN", "China", {0}, {0}, {0}, {0}},
};
#define NLOCALES (sizeof LOCALES / sizeof LOCALES[0])

static const char *TRADE_WORDS[] = {
    "Trading",  "Logistics", "Holdings", "Industries", "Consulting",   "Shipping",
    "Foods",    "Textiles",  "Capital",  "Energy",     "Technologies", "Construction",
    "Services", "Partners",  "Imports",  "Pharma",     "Media",        "Electronics",
};
#define NTRADE (sizeof TRADE_WORDS / sizeof TRADE_WORDS[0])

typedef struct {
    char *name, *gender, *dob, *country;
} negative;

typedef struct {
    negative *v;
    size_t n, cap;
} negatives;

static void load_negatives(negatives *ng, const char *path) {
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
        char *c[8];
        if (csv_split(line, c, 8) < 8 || !c[0][0]) continue;
        if (ng->n == ng->cap) {
            ng->cap = ng->cap ? ng->cap * 2 : 1024;
            ng->v = xrealloc(ng->v, ng->cap * sizeof *ng->v);
        }
        negative *x = &ng->v[ng->n++];
        x->name = xstrdup(c[0]);
        x->gender = xstrdup(c[4]);
        x->dob = xstrdup(c[5]);
        x->country = xstrdup(c[7]);
    }
    fclose(f);
}

/* ---- the SDN parties planted ------------------------------------------- */

typedef struct {
    char *name, *dob;
    int person;
} sdn_party;

static const char *MONTHS[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* The first "DOB ..." of the remarks as ISO (YYYY-MM-DD or YYYY), or "". */
static void remarks_dob(const char *remarks, char *out, size_t cap) {
    out[0] = '\0';
    const char *p = strstr(remarks, "DOB ");
    if (!p) return;
    p += 4;
    int d = 0, y = 0;
    char mon[4] = {0};
    if (sscanf(p, "%d %3s %d", &d, mon, &y) == 3 && d > 0 && d < 32 && y > 1800) {
        for (int m = 0; m < 12; m++)
            if (!strcmp(mon, MONTHS[m])) {
                snprintf(out, cap, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)(m + 1) % 100u,
                         (unsigned)d % 100u);
                return;
            }
    }
    if (sscanf(p, "%4d", &y) == 1 && y > 1800 && (p[4] == ';' || p[4] == ' ' || !p[4]))
        snprintf(out, cap, "%04u", (unsigned)y % 10000u);
}

static void load_sdn(sdn_party **out, size_t *n_out, const char *path) {
    char cmd[4200];
    FILE *f;
    int piped = 0;
    size_t len = strlen(path);
    if (len > 3 && !strcmp(path + len - 3, ".gz")) {
        if (strchr(path, '\'')) die("the --sdn path may not hold a quote: %s", path);
        snprintf(cmd, sizeof cmd, "gzip -dc -- '%s'", path);
        f = popen(cmd, "r");
        piped = 1;
    } else {
        f = fopen(path, "r");
    }
    if (!f) die("cannot read %s", path);
    sdn_party *v = NULL;
    size_t n = 0, cap = 0;
    char line[16384];
    while (fgets(line, sizeof line, f)) {
        chomp(line);
        char *c[12];
        if (csv_split(line, c, 12) < 12) continue;
        int person = strstr(c[2], "individual") != NULL;
        int other = strstr(c[2], "vessel") || strstr(c[2], "aircraft");
        if (other || !c[1][0]) continue;
        char dob[16];
        remarks_dob(c[11], dob, sizeof dob);
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[n].name = xstrdup(c[1]);
        v[n].dob = xstrdup(dob);
        v[n].person = person;
        n++;
    }
    if (piped ? pclose(f) != 0 : fclose(f) != 0) die("cannot read %s", path);
    if (n < PLANTED_SDN) die("too few parties in %s", path);
    *out = v;
    *n_out = n;
}

/* A small typo in one word of at least 5 letters: two letters swapped, one
   dropped or one doubled. In place (a doubled letter needs one byte more). */
static void typo(rng *r, char *s, size_t cap) {
    size_t len = strlen(s);
    size_t starts[64], lens[64], nw = 0;
    for (size_t i = 0; i < len && nw < 64;) {
        while (i < len && !isalpha((unsigned char)s[i]))
            i++;
        size_t b = i;
        while (i < len && isalpha((unsigned char)s[i]))
            i++;
        if (i - b >= 5) starts[nw] = b, lens[nw] = i - b, nw++;
    }
    if (!nw) return;
    size_t w = below(r, nw);
    size_t at = starts[w] + 1 + below(r, lens[w] - 2); /* never the first letter */
    switch (below(r, 3)) {
    case 0: {
        char t = s[at];
        s[at] = s[at + 1];
        s[at + 1] = t;
        break;
    }
    case 1:
        memmove(s + at, s + at + 1, len - at);
        break;
    default:
        if (len + 2 <= cap) {
            memmove(s + at + 1, s + at, len - at + 1);
        }
        break;
    }
}

/* "LAST, First Middle" -> "First Middle Last" (title case of the last name). */
static void reorder(char *s, size_t cap) {
    char *comma = strstr(s, ", ");
    if (!comma) return;
    char last[380], rest[380];
    snprintf(last, sizeof last, "%.*s", (int)(comma - s), s);
    snprintf(rest, sizeof rest, "%s", comma + 2);
    for (size_t i = 1; last[i]; i++)
        if (isalpha((unsigned char)last[i - 1])) last[i] = (char)tolower((unsigned char)last[i]);
    snprintf(s, cap, "%s %s", rest, last);
}

/* ---- output ------------------------------------------------------------- */

static void field(FILE *o, const char *s, int last) {
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

typedef struct {
    char name[768], alias[768], schema[16], dob[16], country[64], gender[16], passport[16];
} record;

static void emit(FILE *o, size_t id, const record *r) {
    char ids[32];
    snprintf(ids, sizeof ids, "R%07zu", id);
    field(o, ids, 0);
    field(o, r->name, 0);
    field(o, r->alias, 0);
    field(o, r->schema, 0);
    field(o, r->dob, 0);
    field(o, r->country, 0);
    field(o, r->gender, 0);
    field(o, r->passport, 1);
}

static void random_dob(rng *r, char *out, size_t cap) {
    int y = 1935 + (int)below(r, 72), m = 1 + (int)below(r, 12), d = 1 + (int)below(r, 28);
    if (percent(r, 5))
        snprintf(out, cap, "%04d", y);
    else if (percent(r, 4))
        out[0] = '\0';
    else
        snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
}

static void random_passport(rng *r, char *out, size_t cap) {
    snprintf(out, cap, "%c%c%07u", 'A' + (int)below(r, 26), 'A' + (int)below(r, 26),
             (unsigned)below(r, 10000000));
}

static const locale *random_locale(rng *r) {
    for (;;) {
        const locale *l = &LOCALES[below(r, NLOCALES)];
        if (l->first.n && l->last.n) return l;
    }
}

static void person(rng *r, const negatives *ng, record *x) {
    memset(x, 0, sizeof *x);
    strcpy(x->schema, "Person");
    if (ng->n && percent(r, 33)) {
        const negative *g = &ng->v[below(r, ng->n)];
        snprintf(x->name, sizeof x->name, "%s", g->name);
        snprintf(x->gender, sizeof x->gender, "%s", g->gender);
        snprintf(x->dob, sizeof x->dob, "%s", g->dob);
        if (!percent(r, 10)) snprintf(x->country, sizeof x->country, "%s", g->country);
    } else {
        const locale *l = random_locale(r);
        const char *first = pick(r, &l->first), *last = pick(r, &l->last);
        if (l->middle.n && percent(r, 30))
            snprintf(x->name, sizeof x->name, "%s %s %s", first, pick(r, &l->middle), last);
        else if (percent(r, 8))
            snprintf(x->name, sizeof x->name, "%s %s %s", first, pick(r, &l->first), last);
        else
            snprintf(x->name, sizeof x->name, "%s %s", first, last);
        random_dob(r, x->dob, sizeof x->dob);
        if (!percent(r, 15)) snprintf(x->country, sizeof x->country, "%s", l->country);
        if (percent(r, 3)) snprintf(x->alias, sizeof x->alias, "%s %s", pick(r, &l->first), last);
    }
    if (percent(r, 20)) random_passport(r, x->passport, sizeof x->passport);
}

static void company(rng *r, record *x) {
    memset(x, 0, sizeof *x);
    strcpy(x->schema, "Company");
    const locale *l = random_locale(r);
    const strs *suf = l->suffix.n ? &l->suffix : &LOCALES[2].suffix;
    const char *s = suf->n ? pick(r, suf) : "Ltd";
    const char *a = pick(r, &l->last);
    /* a trade word in English only next to names in Latin script */
    unsigned sw = (unsigned char)a[0] < 0x80 || !strncmp(a, "\xC3", 1) ? 4 : 2;
    switch (below(r, sw)) {
    case 0:
        snprintf(x->name, sizeof x->name, "%s %s", a, s);
        break;
    case 1:
        snprintf(x->name, sizeof x->name, "%s & %s %s", a, pick(r, &l->last), s);
        break;
    default:
        snprintf(x->name, sizeof x->name, "%s %s %s", a, TRADE_WORDS[below(r, NTRADE)], s);
        break;
    }
    if (percent(r, 10)) snprintf(x->alias, sizeof x->alias, "%s Group", a);
    if (!percent(r, 10)) snprintf(x->country, sizeof x->country, "%s", l->country);
}

/* The planted records, in order: 50 SDN parties varied, then the five of the
   2022-09-09 change. */
#define PLANTED_EXTRA 5
static void planted(rng *pr, const sdn_party *sdn, size_t nsdn, size_t k, record *x) {
    memset(x, 0, sizeof *x);
    if (k >= PLANTED_SDN) {
        static const record EXTRA[PLANTED_EXTRA] = {
            {"Esmail Khatib", "", "Person", "1961", "Iran", "male", ""},
            {"KHATIB, Esmaeil", "Seyed Esmaeil Khatib", "Person", "1960-05-14", "Iran", "", ""},
            {"Ismail Khatib", "", "Person", "", "", "male", ""},
            {"Iranian Ministry of Intelligence and Security", "MOIS", "Organization", "", "Iran",
             "", ""},
            {"Ministry of Intelligence & Security of Iran", "", "Company", "", "", "", ""},
        };
        *x = EXTRA[k - PLANTED_SDN];
        return;
    }
    const sdn_party *p = &sdn[below(pr, nsdn)];
    snprintf(x->name, sizeof x->name, "%s", p->name);
    strcpy(x->schema, p->person ? "Person" : "Company");
    if (p->person) {
        snprintf(x->dob, sizeof x->dob, "%s", p->dob);
        if (percent(pr, 60)) reorder(x->name, sizeof x->name);
    }
    if (percent(pr, 70)) typo(pr, x->name, sizeof x->name);
}

int main(int argc, char **argv) {
    const char *data = getenv("EMBARGO_SHARED_DATA");
    char datab[4096];
    const char *sdn_path = SOURCE_DIR "/tests/data/ofac/sdn_2022-09-08.csv.gz";
    const char *out_path = NULL;
    uint64_t seed = 20220909;
    long long n = -1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc)
            data = argv[++i];
        else if (!strcmp(argv[i], "--sdn") && i + 1 < argc)
            sdn_path = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "usage: gen_register [--data DIR] [--sdn FILE] [--seed S] N [OUT]\n");
            return 2;
        } else if (n < 0) {
            char *end;
            n = strtoll(argv[i], &end, 10);
            if (*end || n < 1 || n > 9999999) die("N must be 1..9999999, not %s", argv[i]);
        } else if (!out_path)
            out_path = argv[i];
        else
            die("one output only: %s", argv[i]);
    }
    if (n < 0) {
        fprintf(stderr, "usage: gen_register [--data DIR] [--sdn FILE] [--seed S] N [OUT]\n");
        return 2;
    }
    if (!data || !*data) data = SHARED_DATA_DIR;
    snprintf(datab, sizeof datab, "%s/names", data);
    if (!exists(datab)) {
        fprintf(stderr, "skipped: %s is absent\n", datab);
        return 0;
    }
    char path[4400];
    for (size_t i = 0; i < NLOCALES; i++) {
        locale *l = &LOCALES[i];
        snprintf(path, sizeof path, "%s/faker-js_10.6.0/%s.first_name.txt", datab, l->code);
        load_lines(&l->first, path);
        snprintf(path, sizeof path, "%s/faker-js_10.6.0/%s.middle_name.txt", datab, l->code);
        load_lines(&l->middle, path);
        snprintf(path, sizeof path, "%s/faker-js_10.6.0/%s.last_name.txt", datab, l->code);
        load_lines(&l->last, path);
        snprintf(path, sizeof path, "%s/faker-js_10.6.0/%s.company_legal_suffix.txt", datab,
                 l->code);
        load_lines(&l->suffix, path);
    }
    if (!LOCALES[2].first.n) die("no faker-js name lists under %s", datab);
    negatives ng = {0};
    snprintf(path, sizeof path, "%s/negatives_global_dev.csv", datab);
    load_negatives(&ng, path);
    snprintf(path, sizeof path, "%s/negatives_us_dev.csv", datab);
    load_negatives(&ng, path);
    sdn_party *sdn;
    size_t nsdn;
    load_sdn(&sdn, &nsdn, sdn_path);

    FILE *o = out_path ? fopen(out_path, "w") : stdout;
    if (!o) die("cannot write %s", out_path);
    fputs("id,name,aliases,schema,birth_date,nationality,gender,passport\n", o);
    rng r = {seed}, pr = {seed ^ 0x5D1F0E5EULL}; /* pr: the planted set, the same for every N */
    size_t nplant = PLANTED_SDN + PLANTED_EXTRA;
    if ((size_t)n < nplant * 2) nplant = 0; /* too small a register to plant in */
    size_t step = nplant ? (size_t)n / nplant : 0, k = 0;
    record x;
    for (size_t i = 0; i < (size_t)n; i++) {
        if (nplant && k < nplant && i == k * step + step / 2) {
            planted(&pr, sdn, nsdn, k, &x);
            fprintf(stderr, "planted R%07zu %s\n", i + 1, x.name);
            k++;
        } else if (percent(&r, 15)) {
            company(&r, &x);
        } else {
            person(&r, &ng, &x);
        }
        emit(o, i + 1, &x);
    }
    if (out_path ? fclose(o) != 0 : fflush(o) != 0)
        die("cannot write %s", out_path ? out_path : "-");
    return 0;
}
