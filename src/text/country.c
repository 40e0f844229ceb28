/*
 * country.c - country names and ISO 3166 codes (see tokens.h). The English
 * names come from ICU's locale display names; the long official forms the
 * lists use ("Iran (Islamic Republic of)", "Korea, North") come from
 * data/knowledge/countries.tsv. Keys are normalised names with sorted tokens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/vec.h"
#include "text/tokens.h"

typedef struct country_entry {
    char *key;
    char code[3];
} country_entry;

struct em_countries {
    country_entry *items;
    size_t len, cap;
};

static void add(em_countries *c, char *key, const char *code) {
    if (!*key) {
        free(key);
        return;
    }
    country_entry *x = em_vec_add(*c);
    x->key = key;
    memcpy(x->code, code, 3);
}

static int cmp(const void *a, const void *b) {
    return strcmp(((const country_entry *)a)->key, ((const country_entry *)b)->key);
}

em_countries *em_countries_new(const char *dir, em_error *err) {
    em_normalizer *n = em_normalizer_new(err);
    if (!n) return NULL;
    em_countries *c = em_xcalloc(1, sizeof *c);
    for (const char *const *iso = uloc_getISOCountries(); *iso; iso++) {
        char loc[16], code[3] = {(*iso)[0], (*iso)[1], 0};
        snprintf(loc, sizeof loc, "und_%s", *iso);
        UChar u[128];
        UErrorCode st = U_ZERO_ERROR;
        int32_t ulen = uloc_getDisplayCountry(loc, "en", u, 128, &st);
        if (U_FAILURE(st) || ulen <= 0) continue;
        char utf8[512];
        int32_t blen = 0;
        st = U_ZERO_ERROR;
        u_strToUTF8(utf8, sizeof utf8, &blen, u, ulen, &st);
        if (U_FAILURE(st)) continue;
        utf8[blen] = '\0';
        add(c, em_normalize_key(n, utf8), code);
        char lower[3] = {(char)(code[0] - 'A' + 'a'), (char)(code[1] - 'A' + 'a'), 0};
        add(c, em_xstrdup(lower), code);
    }
    char *path = em_xasprintf("%s/countries.tsv", dir);
    FILE *f = fopen(path, "r");
    if (f) {
        char line[1024];
        int ln = 0;
        while (fgets(line, sizeof line, f)) {
            ln++;
            if (line[0] == '#' || line[0] == '\n') continue;
            char *tab = strchr(line, '\t');
            if (!tab || tab - line != 2) {
                em_fail(err, EM_ERR_FORMAT, "%s line %d: expected CODE<TAB>name|name", path, ln);
                fclose(f);
                free(path);
                em_normalizer_free(n);
                em_countries_free(c);
                return NULL;
            }
            char code[3] = {line[0], line[1], 0};
            char *save = NULL;
            for (char *v = strtok_r(tab + 1, "|\n", &save); v; v = strtok_r(NULL, "|\n", &save))
                add(c, em_normalize_key(n, v), code);
        }
        fclose(f);
    }
    free(path);
    em_normalizer_free(n);
    qsort(c->items, c->len, sizeof *c->items, cmp);
    return c;
}

void em_countries_free(em_countries *c) {
    if (!c) return;
    for (size_t i = 0; i < c->len; i++)
        free(c->items[i].key);
    free(c->items);
    free(c);
}

int em_country_code(const em_countries *c, em_normalizer *n, const char *name, char code[3]) {
    if (!name || !*name) return -1;
    char *key = em_normalize_key(n, name);
    country_entry probe = {key, {0}};
    country_entry *hit = bsearch(&probe, c->items, c->len, sizeof *c->items, cmp);
    free(key);
    if (!hit) return -1;
    memcpy(code, hit->code, 3);
    return 0;
}
