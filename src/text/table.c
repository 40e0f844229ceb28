/*
 * table.c - reading one data file of data/knowledge: lines without comments and blanks,
 * each error naming the file and its line. Used by every loader of text/knowledge.c and
 * text/readings.c.
 */
#include "text/table.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

int em_table_open(em_table *r, const char *dir, const char *name, em_error *err) {
    memset(r, 0, sizeof *r);
    r->name = name;
    char *path = em_xasprintf("%s/%s", dir, name);
    r->f = fopen(path, "rb");
    if (!r->f) {
        em_fail(err, EM_ERR_IO, "%s: cannot open %s: %s", name, path, strerror(errno));
        free(path);
        return -1;
    }
    free(path);
    return 0;
}

void em_table_close(em_table *r) {
    if (r->f) fclose(r->f);
    free(r->line);
}

/* Next non-blank line with the comment ('#' to end of line) and the trailing
   whitespace removed; NULL at the end of the file. */
char *em_table_next(em_table *r) {
    ssize_t n;
    while ((n = getline(&r->line, &r->cap, r->f)) >= 0) {
        r->lineno++;
        char *s = r->line;
        if (r->lineno == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
            (unsigned char)s[2] == 0xBF)
            s += 3; /* UTF-8 byte order mark */
        char *hash = strchr(s, '#');
        if (hash) *hash = '\0';
        /* keep tabs (legal_forms.tsv): trim only the ends */
        size_t len = strlen(s);
        while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' ' ||
                       s[len - 1] == '\t'))
            s[--len] = '\0';
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s) return s;
    }
    return NULL;
}

int em_table_fail(const em_table *r, em_error *err, const char *fmt, ...) {
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return em_fail(err, EM_ERR_FORMAT, "%s line %u: %s", r->name, (unsigned)r->lineno, msg);
}
