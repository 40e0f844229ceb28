/*
 * han_names.c - foreign given names as Chinese writes them, read as the names they
 * transcribe (han_names.h).
 *
 * Chinese writes a foreign name by the sounds of its characters, one word per part
 * with the interpunct between (弗拉基米尔·普京), and by convention: Xinhua's tables fix
 * one transcription per name, so that 弗拉基米尔 is always Vladimir. Read as pinyin,
 * such a word ("fulajimier") keeps too little of the name for a Latin spelling to be
 * met, even by sound; the common given names are therefore a table
 * (data/knowledge/han_given_names.tsv, embedded at build time), looked up word by
 * word by em_normalize_name (normalize.c) before a word goes to ICU's pinyin.
 */
#include "text/han_names.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "text/table.h"

/* data/knowledge/han_given_names.tsv, embedded at build time (cmake/embed_file.cmake) */
extern const unsigned char em_han_given_names_file[];
extern const size_t em_han_given_names_file_size;

typedef struct han_name {
    char *han, *latin;
} han_name;

static han_name *NAMES;
static size_t NNAMES;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int cmp_name(const void *a, const void *b) {
    return strcmp(((const han_name *)a)->han, ((const han_name *)b)->han);
}

static void load(void) {
    em_table t;
    memset(&t, 0, sizeof t);
    t.name = "han_given_names.tsv";
    t.f = fmemopen((void *)em_han_given_names_file, em_han_given_names_file_size, "rb");
    size_t cap = 0;
    if (t.f)
        for (char *line; (line = em_table_next(&t));) {
            char *tab = strchr(line, '\t');
            if (!tab) continue;
            *tab = '\0';
            char *latin = tab + 1, *end = strchr(latin, '\t');
            if (end) *end = '\0';
            if (!*line || !*latin) continue;
            if (NNAMES == cap) {
                cap = cap ? 2 * cap : 64;
                NAMES = em_xrealloc(NAMES, cap * sizeof *NAMES);
            }
            NAMES[NNAMES].han = em_xstrdup(line);
            NAMES[NNAMES].latin = em_xstrdup(latin);
            NNAMES++;
        }
    em_table_close(&t);
    if (NNAMES) qsort(NAMES, NNAMES, sizeof *NAMES, cmp_name);
}

const char *em_han_given_name(const char *word, size_t len) {
    pthread_once(&once, load);
    char key[64];
    if (len == 0 || len >= sizeof key) return NULL;
    memcpy(key, word, len);
    key[len] = '\0';
    han_name k = {key, NULL};
    const han_name *hit = bsearch(&k, NAMES, NNAMES, sizeof *NAMES, cmp_name);
    return hit ? hit->latin : NULL;
}
