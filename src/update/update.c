/*
 * update.c - `embargo update` in the library (src/update/, the updater: it
 * feeds the store like `embargo import` does): for each configured source
 * (update_config.c), download its file(s) (update_fetch.c) into a temporary
 * directory under HOME/downloads/, import them atomically with
 * em_store_import_opts (a malformed, truncated or empty download is refused
 * and the active version stays), record the attempt in the store's update
 * log (store/update_log.h), and remove the temporary files.
 *
 * Conditional requests use the ETag / Last-Modified recorded with the last
 * successful attempt, but only when that attempt left the source's currently
 * active version in place and the URLs are still the same: after a manual
 * import or activation, the next update downloads again.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/digest.h"
#include "base/error.h"
#include "store/paths.h"
#include "store/update_log.h"
#include "update/update_internal.h"

struct em_update_report {
    em_update_result *items;
    size_t len;
};

void em_update_options_init(em_update_options *o) {
    memset(o, 0, sizeof *o);
    o->timeout = 600;
    o->connect_timeout = 30;
    o->low_speed_limit = 1024;
    o->low_speed_time = 30;
    o->tries = 4;
    o->retry_delay = 1.0;
    o->max_bytes = (int64_t)256 << 20;
}

static void apply_defaults(em_update_options *o, const em_update_options *in) {
    em_update_options d;
    em_update_options_init(&d);
    if (in)
        *o = *in;
    else
        *o = d;
    if (o->timeout <= 0) o->timeout = d.timeout;
    if (o->connect_timeout <= 0) o->connect_timeout = d.connect_timeout;
    if (o->low_speed_limit <= 0) o->low_speed_limit = d.low_speed_limit;
    if (o->low_speed_time <= 0) o->low_speed_time = d.low_speed_time;
    if (o->tries <= 0) o->tries = d.tries;
    if (o->retry_delay <= 0) o->retry_delay = d.retry_delay;
    if (o->max_bytes <= 0) o->max_bytes = d.max_bytes;
}

static double mono_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Line i of a '\n'-separated list (empty lines kept); caller frees. */
static char *nth_line(const char *s, size_t i) {
    if (!s) return em_xstrdup("");
    for (; i > 0; i--) {
        s = strchr(s, '\n');
        if (!s) return em_xstrdup("");
        s++;
    }
    const char *e = strchr(s, '\n');
    return e ? em_xstrndup(s, (size_t)(e - s)) : em_xstrdup(s);
}

/* ---- one source ---------------------------------------------------------- */

/* A safe local file name from the last path segment of a URL. */
static char *url_file_name(const char *url, const char *source, size_t i) {
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *end = p + strcspn(p, "?#");
    const char *slash = NULL;
    for (const char *q = p; q < end; q++)
        if (*q == '/') slash = q;
    const char *b = slash ? slash + 1 : end;
    if (b >= end) return em_xasprintf("%s-%zu", source, i + 1);
    char *name = em_xstrndup(b, (size_t)(end - b));
    for (char *q = name; *q; q++)
        if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
              *q == '.' || *q == '_' || *q == '-'))
            *q = '_';
    if (name[0] == '.') name[0] = '_';
    return name;
}

typedef struct src_run {
    const em_update_source_cfg *cfg;
    size_t n;
    char *dir;
    char **paths;
    em_fetch_result *fr;
} src_run;

/* Removes every temporary file of the run (called in every case). */
static void src_run_cleanup(src_run *r) {
    for (size_t i = 0; i < r->n; i++) {
        if (r->paths && r->paths[i]) unlink(r->paths[i]);
        if (r->paths) free(r->paths[i]);
        if (r->fr) em_fetch_result_free(&r->fr[i]);
    }
    if (r->dir) rmdir(r->dir);
    free(r->dir);
    free(r->paths);
    free(r->fr);
}

/* Copies msg with every occurrence of "dir/" removed (temporary paths mean nothing to users). */
static char *strip_dir(const char *msg, const char *dir) {
    char *pre = em_xasprintf("%s/", dir);
    size_t k = strlen(pre);
    em_buf b;
    em_buf_init(&b);
    for (const char *p = msg; *p;) {
        if (strncmp(p, pre, k) == 0) {
            p += k;
            continue;
        }
        em_buf_addc(&b, *p++);
    }
    free(pre);
    em_buf_cstr(&b);
    return b.data ? em_buf_detach(&b) : em_xstrdup("");
}

static char *join_lines(char **v, size_t n) {
    em_buf b;
    em_buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        if (i) em_buf_addc(&b, '\n');
        em_buf_adds(&b, v[i] ? v[i] : "");
    }
    em_buf_cstr(&b);
    return b.data ? em_buf_detach(&b) : em_xstrdup("");
}

static void fail_result(em_update_result *x, const em_error *e) {
    x->outcome = EM_UPDATE_FAILED;
    free((char *)x->error);
    x->error = em_xstrdup(e->message[0] ? e->message : "unknown error");
    x->error_code = e->code != EM_OK ? e->code : EM_ERR_INTERNAL;
}

static void update_one(em_store *st, const em_update_source_cfg *cfg, const em_update_options *o,
                       const char *downloads, em_update_result *x) {
    double t0 = mono_s();
    char started[32], finished[32];
    em_update_log_now(started);
    size_t n = cfg->urls.len;
    src_run r = {cfg, n, NULL, em_xcalloc(n, sizeof(char *)),
                 em_xcalloc(n, sizeof(em_fetch_result))};
    x->source = em_xstrdup(cfg->name);
    x->nurls = n;
    char **urls = em_xcalloc(n, sizeof *urls);
    for (size_t i = 0; i < n; i++)
        urls[i] = em_xstrdup(cfg->urls.items[i]);
    x->urls = (const char *const *)urls;
    x->sha256 = em_xstrdup("");
    x->published = em_xstrdup("");
    x->error = em_xstrdup("");
    x->previous_version = em_update_log_active_version(st, cfg->name);
    x->version = x->previous_version;
    char *urls_joined = join_lines(cfg->urls.items, n);
    char *old_etag = NULL, *old_lm = NULL;
    if (!o->force)
        em_update_log_validators(st, cfg->name, x->previous_version, urls_joined, &old_etag,
                                 &old_lm);
    char *new_etag = NULL, *new_lm = NULL;
    em_error e = {0};
    int rc = 0;

    if (o->cancel && *o->cancel) rc = em_fail(&e, EM_ERR_IO, "cancelled before it started");
    if (rc == 0) {
        /* the pid in the name lets a later update remove what a killed one left */
        char *tmpl = em_xasprintf("%s/%s.%ld.XXXXXX", downloads, cfg->name, (long)getpid());
        if (mkdtemp(tmpl)) {
            r.dir = tmpl;
        } else {
            rc = em_fail(&e, EM_ERR_IO, "cannot create a temporary directory in %s", downloads);
            free(tmpl);
        }
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *name = url_file_name(cfg->urls.items[i], cfg->name, i);
        for (size_t j = 0; j < i; j++)
            if (strcmp(strrchr(r.paths[j], '/') + 1, name) == 0) {
                char *nn = em_xasprintf("%zu-%s", i + 1, name);
                free(name);
                name = nn;
                break;
            }
        r.paths[i] = em_xasprintf("%s/%s", r.dir, name);
        free(name);
    }
    /* download every file, conditionally when we know what we have */
    size_t not_modified = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *et = nth_line(old_etag, i), *lm = nth_line(old_lm, i);
        em_fetch_request rq = {cfg->urls.items[i], r.paths[i], et, lm};
        rc = em_fetch(&rq, o, cfg->name, &r.fr[i], &e);
        x->tries += r.fr[i].tries;
        if (r.fr[i].http_status) x->http_status = r.fr[i].http_status;
        not_modified += rc == 0 && r.fr[i].not_modified;
        free(et), free(lm);
    }
    /* some files changed, others not: the unchanged ones are needed too */
    for (size_t i = 0; i < n && rc == 0 && not_modified && not_modified < n; i++) {
        if (!r.fr[i].not_modified) continue;
        em_fetch_request rq = {cfg->urls.items[i], r.paths[i], NULL, NULL};
        em_fetch_result_free(&r.fr[i]);
        rc = em_fetch(&rq, o, cfg->name, &r.fr[i], &e);
        x->tries += r.fr[i].tries;
        if (r.fr[i].http_status) x->http_status = r.fr[i].http_status;
    }
    for (size_t i = 0; i < n; i++)
        x->bytes += r.fr[i].not_modified ? 0 : r.fr[i].bytes;
    if (rc == 0 && not_modified == n) {
        x->outcome = EM_UPDATE_NOT_MODIFIED;
        /* a 304 may refresh the validators; otherwise keep the ones we sent */
        char **ev = em_xcalloc(n, sizeof *ev), **lv = em_xcalloc(n, sizeof *lv);
        for (size_t i = 0; i < n; i++) {
            ev[i] = r.fr[i].etag ? em_xstrdup(r.fr[i].etag) : nth_line(old_etag, i);
            lv[i] = r.fr[i].last_modified ? em_xstrdup(r.fr[i].last_modified) : nth_line(old_lm, i);
        }
        new_etag = join_lines(ev, n);
        new_lm = join_lines(lv, n);
        for (size_t i = 0; i < n; i++)
            free(ev[i]), free(lv[i]);
        free(ev), free(lv);
    } else if (rc == 0) {
        /* digest of what was read */
        free((char *)x->sha256);
        if (n == 1) {
            x->sha256 = em_xstrdup(r.fr[0].sha256);
        } else {
            em_buf b;
            em_buf_init(&b);
            for (size_t i = 0; i < n; i++)
                em_buf_printf(&b, "%s %s\n", strrchr(r.paths[i], '/') + 1, r.fr[i].sha256);
            char hex[65];
            em_sha256_hex(b.data, b.len, hex);
            x->sha256 = em_xstrdup(hex);
            em_buf_free(&b);
        }
        char **ev = em_xcalloc(n, sizeof *ev), **lv = em_xcalloc(n, sizeof *lv);
        for (size_t i = 0; i < n; i++)
            ev[i] = r.fr[i].etag, lv[i] = r.fr[i].last_modified;
        new_etag = join_lines(ev, n);
        new_lm = join_lines(lv, n);
        free(ev), free(lv);
        if (o->notify) o->notify(o->notify_ctx, cfg->name, "validating and importing");
        em_import_report *ir = NULL;
        em_import_options io = {.version = EM_IMPORT_OPTIONS_VERSION};
        io.source = cfg->name;
        io.force = o->force;
        /* lists that state no date (the OFAC CSV sets) are dated by the publisher's
           Last-Modified (the newest of the files) */
        char lm_day[11] = "", day[11];
        for (size_t i = 0; i < n; i++)
            if (em_http_date_day(r.fr[i].last_modified, day) == 0 && strcmp(day, lm_day) > 0)
                memcpy(lm_day, day, sizeof day);
        io.published = lm_day[0] ? lm_day : NULL;
        rc = em_store_import_opts(st, (const char *const *)r.paths, n, &io, &ir, &e);
        if (rc == 0 && em_import_report_count(ir) == 1) {
            const em_import_result *ix = em_import_report_get(ir, 0);
            x->outcome = ix->unchanged ? EM_UPDATE_UNCHANGED : EM_UPDATE_UPDATED;
            x->version = ix->version;
            x->entities = ix->entities;
            free((char *)x->published);
            x->published = em_xstrdup(ix->published);
        } else if (rc == 0) {
            rc = em_fail(&e, EM_ERR_INTERNAL, "the import made %zu lists out of one source",
                         em_import_report_count(ir));
        } else {
            char *m = strip_dir(e.message, r.dir);
            int refused = e.code == EM_ERR_FORMAT || e.code == EM_ERR_USAGE;
            em_fail(&e, e.code, "the download from %s %s: %s",
                    n == 1 ? cfg->urls.items[0] : "the publisher",
                    refused ? "was refused" : "could not be imported", m);
            free(m);
        }
        em_import_report_free(ir);
    }
    if (rc != 0) {
        fail_result(x, &e);
        x->version = em_update_log_active_version(st, cfg->name);
    }
    src_run_cleanup(&r);
    x->duration = mono_s() - t0;
    em_update_log_now(finished);
    em_update_log_entry le = {cfg->name,      started,     finished,  x->outcome,
                              x->http_status, x->bytes,    x->sha256, new_etag,
                              new_lm,         urls_joined, x->error,  x->version};
    em_error le_err = {0};
    if (em_update_log_record(st, &le, &le_err) != 0 && x->outcome != EM_UPDATE_FAILED) {
        /* the lists are fine, but say that the log could not be written */
        fail_result(x, &le_err);
        x->outcome = EM_UPDATE_FAILED;
    }
    free(urls_joined);
    free(old_etag), free(old_lm), free(new_etag), free(new_lm);
}

/* ---- the entry point ------------------------------------------------------ */

/* Removes what killed updates left in HOME/downloads: "SOURCE.PID.XXXXXX"
   directories whose process is gone (a running update keeps its own). */
static void remove_stale_downloads(const char *downloads) {
    DIR *d = opendir(downloads);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        const char *dot = strchr(de->d_name, '.');
        char *end = NULL;
        long pid = dot ? strtol(dot + 1, &end, 10) : 0;
        if (pid <= 0 || !end || *end != '.') continue;
        if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno == EPERM) continue;
        char *dir = em_xasprintf("%s/%s", downloads, de->d_name);
        DIR *sub = opendir(dir);
        if (sub) {
            struct dirent *f;
            while ((f = readdir(sub))) {
                if (strcmp(f->d_name, ".") == 0 || strcmp(f->d_name, "..") == 0) continue;
                char *fp = em_xasprintf("%s/%s", dir, f->d_name);
                unlink(fp);
                free(fp);
            }
            closedir(sub);
        }
        rmdir(dir);
        free(dir);
    }
    closedir(d);
}

int em_store_update(em_store *st, const em_update_options *opts, em_update_report **out,
                    em_error *err) {
    if (out) *out = NULL;
    if (em_update_log_writable(st, err) != 0) return -1;
    em_update_options o;
    apply_defaults(&o, opts);
    char *cpath = o.config_path ? em_xstrdup(o.config_path)
                                : em_update_default_config(em_store_home(st), err);
    if (!cpath) return -1;
    em_update_config cfg;
    int rc = em_update_config_load(cpath, &cfg, err);
    free(cpath);
    if (rc) return -1;
    /* which sources */
    const em_update_source_cfg **sel = em_xcalloc(cfg.len + o.nsources + 1, sizeof *sel);
    size_t nsel = 0;
    if (o.nsources == 0) {
        for (size_t i = 0; i < cfg.len; i++)
            sel[nsel++] = &cfg.items[i];
    }
    for (size_t i = 0; i < o.nsources && rc == 0; i++) {
        const em_update_source_cfg *s = em_update_config_find(&cfg, o.sources[i]);
        if (!s) {
            em_buf names;
            em_buf_init(&names);
            for (size_t k = 0; k < cfg.len; k++)
                em_buf_printf(&names, "%s%s", k ? ", " : "", cfg.items[k].name);
            rc = em_fail(err, EM_ERR_USAGE, "no source '%s' in %s (configured: %s)", o.sources[i],
                         cfg.path, em_buf_cstr(&names));
            em_buf_free(&names);
            break;
        }
        int dup = 0;
        for (size_t k = 0; k < nsel; k++)
            dup |= sel[k] == s;
        if (!dup) sel[nsel++] = s;
    }
    char *downloads = em_xasprintf("%s/downloads", em_store_home(st));
    if (rc == 0) rc = em_mkdir_p(downloads, err);
    if (rc == 0) remove_stale_downloads(downloads);
    if (rc == 0) {
        em_update_report *r = em_xcalloc(1, sizeof *r);
        r->items = em_xcalloc(nsel ? nsel : 1, sizeof *r->items);
        for (size_t i = 0; i < nsel; i++) {
            update_one(st, sel[i], &o, downloads, &r->items[i]);
            r->len++;
        }
        if (out)
            *out = r;
        else
            em_update_report_free(r);
    }
    free(downloads);
    free(sel);
    em_update_config_free(&cfg);
    return rc;
}

size_t em_update_report_count(const em_update_report *r) {
    return r ? r->len : 0;
}

const em_update_result *em_update_report_get(const em_update_report *r, size_t i) {
    return r && i < r->len ? &r->items[i] : NULL;
}

size_t em_update_report_failures(const em_update_report *r) {
    size_t n = 0;
    for (size_t i = 0; r && i < r->len; i++)
        n += r->items[i].outcome == EM_UPDATE_FAILED;
    return n;
}

void em_update_report_free(em_update_report *r) {
    if (!r) return;
    for (size_t i = 0; i < r->len; i++) {
        em_update_result *x = &r->items[i];
        for (size_t k = 0; k < x->nurls; k++)
            free((char *)x->urls[k]);
        free((void *)x->urls);
        free((char *)x->source), free((char *)x->sha256);
        free((char *)x->published), free((char *)x->error);
    }
    free(r->items);
    free(r);
}
