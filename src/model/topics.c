/*
 * topics.c - the topic table (topics.h): data/knowledge/topics.tsv, read
 * once per process (pthread_once) from the bundled data directory and
 * immutable afterwards. Lines are "list|program|label<TAB>KEY<TAB>VALUE<TAB>
 * source"; a malformed line is skipped (the table is bundled and checked by
 * test_topics, not user input).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/vec.h"
#include "embargo.h"
#include "model/topics.h"

typedef struct topic_rule {
    char kind; /* 'l' list, 'p' program, 'c' caption (label) */
    char *key, *value;
} topic_rule;

static struct {
    pthread_once_t once;
    EM_VEC(topic_rule) rules;
    int loaded;
} table = {PTHREAD_ONCE_INIT, {NULL, 0, 0}, 0};

static void load(void) {
    char *path = em_xasprintf("%s/knowledge/topics.tsv", em_bundled_data_dir());
    FILE *f = fopen(path, "r");
    free(path);
    if (!f) return;
    char line[2048];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        char *kind = strtok(line, "\t\n"), *key = strtok(NULL, "\t\n"),
             *value = strtok(NULL, "\t\n");
        if (!kind || !key || !value) continue;
        char k = strcmp(kind, "list") == 0      ? 'l'
                 : strcmp(kind, "program") == 0 ? 'p'
                 : strcmp(kind, "label") == 0   ? 'c'
                                                : 0;
        if (!k) continue;
        topic_rule r = {k, em_xstrdup(key), em_xstrdup(value)};
        em_vec_push(table.rules, r);
    }
    fclose(f);
    table.loaded = 1;
}

void em_topics_of(const char *source, const char *const *programs, size_t n,
                  void (*add)(void *ctx, const char *topic), void *ctx) {
    pthread_once(&table.once, load);
    if (!table.loaded) {
        /* the bundled table is missing (a broken install): every list embargo reads
           is a sanctions list, so an entity of one is at least a sanctioned entity */
        if (source && *source) add(ctx, "sanction");
        return;
    }
    for (size_t i = 0; source && i < table.rules.len; i++)
        if (table.rules.items[i].kind == 'l' && strcmp(table.rules.items[i].key, source) == 0)
            add(ctx, table.rules.items[i].value);
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < table.rules.len; i++)
            if (table.rules.items[i].kind == 'p' &&
                strcmp(table.rules.items[i].key, programs[k]) == 0)
                add(ctx, table.rules.items[i].value);
}

const char *em_topic_label(const char *topic) {
    pthread_once(&table.once, load);
    for (size_t i = 0; topic && i < table.rules.len; i++)
        if (table.rules.items[i].kind == 'c' && strcmp(table.rules.items[i].key, topic) == 0)
            return table.rules.items[i].value;
    return NULL;
}
