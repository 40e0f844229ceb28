/*
 * fuzzutil.c - shared helpers of the libFuzzer targets (see fuzzutil.h).
 */
#include "fuzzutil.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "embargo.h"

static int fds[FUZZ_MAX_PARTS] = {-1, -1, -1, -1};
static char paths[FUZZ_MAX_PARTS][64];

void fuzz_fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz oracle: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

const char *fuzz_file(int slot, const uint8_t *data, size_t n) {
    if (slot < 0 || slot >= FUZZ_MAX_PARTS) fuzz_fail("bad file slot %d", slot);
    if (fds[slot] < 0) {
        char name[16];
        snprintf(name, sizeof name, "fuzz%d", slot);
        fds[slot] = memfd_create(name, MFD_CLOEXEC);
        if (fds[slot] < 0) fuzz_fail("memfd_create failed");
        snprintf(paths[slot], sizeof paths[slot], "/proc/self/fd/%d", fds[slot]);
    }
    if (ftruncate(fds[slot], 0) != 0) fuzz_fail("ftruncate failed");
    size_t done = 0;
    while (done < n) {
        ssize_t k = pwrite(fds[slot], data + done, n - done, (off_t)done);
        if (k <= 0) fuzz_fail("pwrite failed");
        done += (size_t)k;
    }
    return paths[slot];
}

int fuzz_sink(void *ctx, em_entity *e, em_error *err) {
    (void)err;
    if (ctx) ++*(size_t *)ctx;
    if (!e->id || !*e->id) fuzz_fail("an entity without an id");
    json_t *j = em_entity_to_json(e);
    if (!j) fuzz_fail("entity %s: no JSON", e->id);
    char *a = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
    em_error jerr = {0};
    em_entity *back = em_entity_from_json(j, &jerr);
    json_decref(j);
    if (!back) fuzz_fail("entity %s: its own JSON does not load: %s", e->id, jerr.message);
    json_t *j2 = em_entity_to_json(back);
    char *b = json_dumps(j2, JSON_SORT_KEYS | JSON_COMPACT);
    if (!a || !b || strcmp(a, b) != 0)
        fuzz_fail("entity %s: JSON round trip differs:\n%s\n%s", e->id, a ? a : "(null)",
                  b ? b : "(null)");
    free(a);
    free(b);
    json_decref(j2);
    em_entity_free(back);
    em_entity_free(e);
    return 0;
}

void fuzz_check_result(int rc, const em_error *err, const char *what) {
    if (rc == 0) return;
    if (rc != -1) fuzz_fail("%s returned %d", what, rc);
    if (err->code == 0 || !err->message[0]) fuzz_fail("%s failed without saying why", what);
}

int fuzz_parse(fuzz_parse_fn fn, const char *source, const uint8_t *data, size_t n) {
    const char *path = fuzz_file(0, data, n);
    em_error err = {0};
    em_parse_meta meta;
    size_t count = 0;
    int rc = fn(path, source, fuzz_sink, &count, &meta, &err);
    fuzz_check_result(rc, &err, "parser");
    return rc;
}

size_t fuzz_split(const uint8_t *data, size_t n, fuzz_part *parts, size_t max) {
    size_t k = 0, sep = strlen(FUZZ_SEP);
    const uint8_t *p = data, *end = data + n;
    while (k + 1 < max) {
        const uint8_t *s = memmem(p, (size_t)(end - p), FUZZ_SEP, sep);
        if (!s) break;
        parts[k].data = p;
        parts[k].len = (size_t)(s - p);
        k++;
        p = s + sep;
    }
    parts[k].data = p;
    parts[k].len = (size_t)(end - p);
    return k + 1;
}
