/*
 * country_resolve.c - turning what users write for a country ("IR", "Iran",
 * "Iran (Islamic Republic of)", "Korea, North") into an ISO 3166-1 alpha-2
 * code, for em_party. The one process-wide cache of the engine: the country
 * table is built once (pthread_once) from ICU's English names and
 * data/knowledge/countries.tsv and is immutable afterwards; the normaliser
 * that keys the lookup is shared under a mutex (country names are a small
 * part of any query, and a two-letter code never takes it).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uloc.h>

#include "base/buf.h"
#include "base/error.h"
#include "text/country_resolve.h"
#include "text/normalize.h"
#include "text/tokens.h"

static struct {
    pthread_once_t once;
    pthread_mutex_t lock;
    em_countries *table;
    em_normalizer *norm;
    em_error err;
} shared = {PTHREAD_ONCE_INIT, PTHREAD_MUTEX_INITIALIZER, NULL, NULL, {0}};

static void build(void) {
    char *dir = em_xasprintf("%s/knowledge", em_bundled_data_dir());
    shared.table = em_countries_new(dir, &shared.err);
    free(dir);
    if (shared.table) shared.norm = em_normalizer_new(&shared.err);
}

static int is_iso(const char *s) {
    if (!isalpha((unsigned char)s[0]) || !isalpha((unsigned char)s[1]) || s[2]) return 0;
    for (const char *const *iso = uloc_getISOCountries(); *iso; iso++)
        if (toupper((unsigned char)s[0]) == (*iso)[0] && toupper((unsigned char)s[1]) == (*iso)[1])
            return 1;
    return 0;
}

int em_country_resolve(const char *name, char code[3], em_error *err) {
    while (*name == ' ')
        name++;
    if (is_iso(name)) {
        code[0] = (char)tolower((unsigned char)name[0]);
        code[1] = (char)tolower((unsigned char)name[1]);
        code[2] = '\0';
        return 0;
    }
    pthread_once(&shared.once, build);
    if (!shared.table || !shared.norm) {
        if (err) *err = shared.err;
        return -1;
    }
    pthread_mutex_lock(&shared.lock);
    int rc = em_country_code(shared.table, shared.norm, name, code);
    pthread_mutex_unlock(&shared.lock);
    if (rc != 0)
        return em_fail(err, EM_ERR_USAGE,
                       "unknown country '%.100s': give an ISO 3166-1 code (\"ir\") or an English "
                       "name (\"Iran\")",
                       name);
    code[0] = (char)tolower((unsigned char)code[0]);
    code[1] = (char)tolower((unsigned char)code[1]);
    return 0;
}
