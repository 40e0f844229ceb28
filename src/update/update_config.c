/*
 * update_config.c - the `embargo update` config file: which sources to
 * download from which URLs. Parses `source URL [URL...]` lines with `#`
 * comments (an indented line continues the source above), checks names and
 * URL schemes with line numbers in errors, and provides the default config
 * (HOME/update.conf, copied from the bundled data/update.conf on first use).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "update/update_internal.h"

static int valid_name(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > 63) return 0;
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9'))) return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return 0;
    return 1;
}

static int url_scheme_ok(const char *u) {
    return strncasecmp(u, "https://", 8) == 0 || strncasecmp(u, "http://", 7) == 0 ||
           strncasecmp(u, "file://", 7) == 0;
}

static void config_init(em_update_config *c, const char *path) {
    memset(c, 0, sizeof *c);
    c->path = em_xstrdup(path ? path : "(config)");
}

void em_update_config_free(em_update_config *c) {
    if (!c) return;
    for (size_t i = 0; i < c->len; i++) {
        free(c->items[i].name);
        em_strvec_free(&c->items[i].urls);
    }
    free(c->items);
    free(c->path);
    memset(c, 0, sizeof *c);
}

const em_update_source_cfg *em_update_config_find(const em_update_config *c, const char *name) {
    for (size_t i = 0; i < c->len; i++)
        if (strcmp(c->items[i].name, name) == 0) return &c->items[i];
    return NULL;
}

/* Adds one URL word to a source, checking it. */
static int add_url(em_update_config *c, em_update_source_cfg *s, const char *w, int line,
                   em_error *err) {
    if (!url_scheme_ok(w)) {
        const char *colon = strstr(w, "://");
        if (colon)
            return em_fail(err, EM_ERR_USAGE,
                           "%s line %d: unsupported URL scheme in '%s' (use https, http or file)",
                           c->path, line, w);
        return em_fail(err, EM_ERR_USAGE,
                       "%s line %d: '%s' is not a URL (expected https://..., http://... or "
                       "file:///...)",
                       c->path, line, w);
    }
    if (s->urls.len == EM_UPDATE_MAX_URLS)
        return em_fail(err, EM_ERR_USAGE, "%s line %d: source %s has more than %d URLs", c->path,
                       line, s->name, EM_UPDATE_MAX_URLS);
    em_strvec_push(&s->urls, w);
    return 0;
}

int em_update_config_parse(const char *text, const char *path, em_update_config *out,
                           em_error *err) {
    config_init(out, path);
    em_update_source_cfg *cur = NULL;
    int line = 0, rc = 0;
    const char *p = text;
    while (*p && rc == 0) {
        line++;
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        char *l = em_xstrndup(p, n);
        p += n + (eol ? 1 : 0);
        /* comments: '#' at the start or after whitespace (a URL may contain '#') */
        for (char *q = l; *q; q++)
            if (*q == '#' && (q == l || *(q - 1) == ' ' || *(q - 1) == '\t')) {
                *q = '\0';
                break;
            }
        int indented = l[0] == ' ' || l[0] == '\t';
        char *save = NULL;
        char *w = strtok_r(l, " \t\r", &save);
        if (!w) { /* blank or comment-only line */
            free(l);
            continue;
        }
        if (indented) {
            if (!cur)
                rc =
                    em_fail(err, EM_ERR_USAGE,
                            "%s line %d: indented line without a source above it", out->path, line);
        } else {
            if (!valid_name(w)) {
                rc = em_fail(err, EM_ERR_USAGE,
                             "%s line %d: '%s' is not a source name (lower-case letters, digits, "
                             "'_' or '-'; then its URLs)",
                             out->path, line, w);
            } else if (em_update_config_find(out, w)) {
                rc = em_fail(err, EM_ERR_USAGE, "%s line %d: source %s is declared twice",
                             out->path, line, w);
            } else {
                out->items = em_xrealloc(out->items, (out->len + 1) * sizeof *out->items);
                cur = &out->items[out->len++];
                cur->name = em_xstrdup(w);
                em_strvec_init(&cur->urls);
                cur->line = line;
            }
            w = strtok_r(NULL, " \t\r", &save);
        }
        for (; w && rc == 0; w = strtok_r(NULL, " \t\r", &save))
            rc = add_url(out, cur, w, line, err);
        free(l);
    }
    for (size_t i = 0; i < out->len && rc == 0; i++)
        if (out->items[i].urls.len == 0)
            rc = em_fail(err, EM_ERR_USAGE, "%s line %d: source %s has no URL", out->path,
                         out->items[i].line, out->items[i].name);
    if (rc == 0 && out->len == 0)
        rc = em_fail(err, EM_ERR_USAGE, "%s: no sources configured", out->path);
    if (rc != 0) {
        char *keep = out->path;
        out->path = NULL;
        em_update_config_free(out);
        free(keep);
    }
    return rc;
}

static char *slurp(const char *path, em_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        em_fail(err, EM_ERR_IO, "cannot read the update config %s: %s", path, strerror(errno));
        return NULL;
    }
    em_buf b;
    em_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        em_buf_add(&b, chunk, n);
        if (b.len > (1u << 20)) {
            fclose(f);
            em_buf_free(&b);
            em_fail(err, EM_ERR_USAGE, "%s: too large for an update config", path);
            return NULL;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        em_buf_free(&b);
        em_fail(err, EM_ERR_IO, "cannot read the update config %s", path);
        return NULL;
    }
    em_buf_cstr(&b);
    return b.data ? em_buf_detach(&b) : em_xstrdup("");
}

int em_update_config_load(const char *path, em_update_config *out, em_error *err) {
    memset(out, 0, sizeof *out);
    char *text = slurp(path, err);
    if (!text) return -1;
    int rc = em_update_config_parse(text, path, out, err);
    free(text);
    return rc;
}

char *em_update_default_config(const char *home, em_error *err) {
    char *path = em_xasprintf("%s/update.conf", home);
    struct stat sb;
    if (stat(path, &sb) == 0) return path;
    char *bundled = em_xasprintf("%s/update.conf", em_bundled_data_dir());
    char *text = slurp(bundled, err);
    if (!text) {
        em_fail_prefix(err, "no update config in %s and the bundled default is missing: ", home);
        free(bundled);
        free(path);
        return NULL;
    }
    /* write to a temporary name first: a half-written config must never appear */
    char *tmp = em_xasprintf("%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int ok = f && fputs(text, f) >= 0;
    if (f && fclose(f) != 0) ok = 0;
    if (ok && rename(tmp, path) != 0) ok = 0;
    if (!ok) {
        em_fail(err, EM_ERR_IO, "cannot create %s: %s", path, strerror(errno));
        unlink(tmp);
        free(path);
        path = NULL;
    }
    free(tmp);
    free(text);
    free(bundled);
    return path;
}
