/*
 * tables.c - the knowledge tables (text/knowledge.c) and the country table
 * (text/country.c) that every matcher reads, loaded once per process and
 * shared: loading them normalises every word of data/knowledge through ICU
 * and costs several times the check of a snapshot (about 200M instructions,
 * most of an open of the bundled lists' snapshot), and they are immutable
 * once loaded, so the engine's next generation, a re-screen's past versions
 * and every other matcher of the process take a reference to the same ones.
 *
 * This is the second of the library's two process-wide caches (the first:
 * text/country_resolve.c). Its state is `cache` below and nothing else: the
 * newest tables loaded, holding a reference of their own so that a matcher
 * closed and opened again finds them, and the mutex that guards it and every
 * reference count. Each acquire hashes the knowledge files again (id: a
 * quarter of a millisecond); when they changed, new tables are loaded and
 * become the cache's, and the old ones go with the last matcher holding them.
 */
#include "match/tables.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/buf.h"

struct em_tables {
    int refs; /* under cache.lock */
    uint64_t id;
    em_knowledge *k;
    em_countries *countries;
};

static struct {
    pthread_mutex_t lock;
    em_tables *newest; /* holds one reference */
} cache = {PTHREAD_MUTEX_INITIALIZER, NULL};

static const char *KNOWLEDGE_FILES[] = {
    "given_names.txt",        "particles.txt",    "honorifics.txt",    "legal_forms.tsv",
    "org_stopwords.txt",      "countries.tsv",    "nicknames.txt",     "han_hangul.tsv",
    "kontsevich.tsv",         "titles_cjk.txt",   "arabic_words.tsv",  "abbreviations.tsv",
    "country_adjectives.tsv", "case_endings.txt", "hebrew_letters.tsv"};

/* FNV-1a over the knowledge files and the tokeniser's version: what the code makes of a
   name counts as much as the tables (part of a snapshot's name, matcher.c) */
static uint64_t knowledge_hash(void) {
    uint64_t h = 1469598103934665603ull;
    h = (h ^ (uint64_t)EM_TOKENIZE_VERSION) * 1099511628211ull;
    for (size_t i = 0; i < sizeof KNOWLEDGE_FILES / sizeof *KNOWLEDGE_FILES; i++) {
        char *p = em_xasprintf("%s/knowledge/%s", em_bundled_data_dir(), KNOWLEDGE_FILES[i]);
        FILE *f = fopen(p, "rb");
        free(p);
        if (!f) continue;
        unsigned char buf[16384];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
            for (size_t j = 0; j < n; j++)
                h = (h ^ buf[j]) * 1099511628211ull;
        fclose(f);
    }
    return h;
}

static void tables_free(em_tables *t) {
    em_knowledge_free(t->k);
    em_countries_free(t->countries);
    free(t);
}

static em_tables *tables_load(uint64_t id, em_error *err) {
    char *dir = em_xasprintf("%s/knowledge", em_bundled_data_dir());
    em_tables *t = em_xcalloc(1, sizeof *t);
    t->id = id;
    t->k = em_knowledge_load(dir, err);
    if (t->k) t->countries = em_countries_new(dir, err);
    free(dir);
    if (!t->k || !t->countries) {
        tables_free(t);
        return NULL;
    }
    return t;
}

em_tables *em_tables_acquire(em_error *err) {
    uint64_t id = knowledge_hash();
    pthread_mutex_lock(&cache.lock);
    em_tables *t = cache.newest;
    if (t && t->id == id) {
        t->refs++;
        pthread_mutex_unlock(&cache.lock);
        return t;
    }
    pthread_mutex_unlock(&cache.lock);
    /* loaded outside the lock (tens of milliseconds); two threads that both miss load
       twice, and the cache keeps the later */
    t = tables_load(id, err);
    if (!t) return NULL;
    t->refs = 2; /* the caller's and the cache's */
    pthread_mutex_lock(&cache.lock);
    em_tables *old = cache.newest;
    cache.newest = t;
    int last = old && --old->refs == 0;
    pthread_mutex_unlock(&cache.lock);
    if (last) tables_free(old);
    return t;
}

void em_tables_release(em_tables *t) {
    if (!t) return;
    pthread_mutex_lock(&cache.lock);
    int last = --t->refs == 0;
    pthread_mutex_unlock(&cache.lock);
    if (last) tables_free(t);
}

const em_knowledge *em_tables_knowledge(const em_tables *t) {
    return t->k;
}

const em_countries *em_tables_countries(const em_tables *t) {
    return t->countries;
}

uint64_t em_tables_current_id(void) {
    return knowledge_hash();
}

uint64_t em_tables_id(const em_tables *t) {
    return t->id;
}
