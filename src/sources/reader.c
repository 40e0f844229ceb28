/*
 * reader.c - plain/gzip streaming reader and file digests (see reader.h).
 */
#include "sources/reader.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/digest.h"
#include "base/error.h"

#define CHUNK 65536

struct em_reader {
    gzFile gz;
    char *path;
    char buf[CHUNK];
    size_t pos, len;
    int eof;
    long line;
};

em_reader *em_reader_open(const char *path, em_error *err) {
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        em_fail(err, EM_ERR_IO, "cannot open %s: %s", path, strerror(errno ? errno : ENOENT));
        return NULL;
    }
    gzbuffer(gz, CHUNK);
    em_reader *r = em_xcalloc(1, sizeof *r);
    r->gz = gz;
    r->path = em_xstrdup(path);
    return r;
}

void em_reader_close(em_reader *r) {
    if (!r) return;
    gzclose(r->gz);
    free(r->path);
    free(r);
}

const char *em_reader_path(const em_reader *r) {
    return r->path;
}

const char *em_reader_basename(const em_reader *r) {
    const char *s = strrchr(r->path, '/');
    return s ? s + 1 : r->path;
}

static int fill(em_reader *r, em_error *err) {
    if (r->eof) return 0;
    int n = gzread(r->gz, r->buf, CHUNK);
    if (n < 0) {
        int zerr;
        const char *msg = gzerror(r->gz, &zerr);
        return em_fail(err, EM_ERR_IO, "%s: read error: %s", r->path, msg);
    }
    if (n == 0) {
        int zerr;
        const char *msg = gzerror(r->gz, &zerr);
        if (zerr != Z_OK && zerr != Z_STREAM_END)
            return em_fail(err, EM_ERR_FORMAT, "%s: corrupt compressed data: %s", r->path, msg);
        r->eof = 1;
        return 0;
    }
    r->pos = 0;
    r->len = (size_t)n;
    return n;
}

long em_reader_read(em_reader *r, void *out, size_t n, em_error *err) {
    if (r->pos == r->len) {
        int f = fill(r, err);
        if (f <= 0) return f;
    }
    size_t k = r->len - r->pos;
    if (k > n) k = n;
    memcpy(out, r->buf + r->pos, k);
    r->pos += k;
    return (long)k;
}

int em_reader_getline(em_reader *r, em_buf *line, em_error *err) {
    em_buf_reset(line);
    int got = 0;
    for (;;) {
        if (r->pos == r->len) {
            int f = fill(r, err);
            if (f < 0) return -1;
            if (f == 0) break;
        }
        char *start = r->buf + r->pos;
        char *nl = memchr(start, '\n', r->len - r->pos);
        size_t k = nl ? (size_t)(nl - start) : r->len - r->pos;
        if (line->len + k > EM_READER_MAX_LINE)
            return em_fail(err, EM_ERR_FORMAT,
                           "%s line %ld: a line longer than %d MiB; this is not a list file",
                           r->path, r->line + 1, EM_READER_MAX_LINE >> 20);
        em_buf_add(line, start, k);
        got = 1;
        r->pos += k;
        if (nl) {
            r->pos++;
            break;
        }
    }
    if (!got) return 0;
    if (line->len && line->data[line->len - 1] == '\r') line->data[--line->len] = '\0';
    em_buf_cstr(line);
    r->line++;
    return 1;
}

long em_reader_line(const em_reader *r) {
    return r->line;
}

long em_peek_file(const char *path, char *buf, size_t n, em_error *err) {
    em_reader *r = em_reader_open(path, err);
    if (!r) return -1;
    size_t got = 0;
    while (got < n) {
        long k = em_reader_read(r, buf + got, n - got, err);
        if (k < 0) {
            em_reader_close(r);
            return -1;
        }
        if (k == 0) break;
        got += (size_t)k;
    }
    em_reader_close(r);
    return (long)got;
}

int em_file_sha256(const char *path, char hex[65], int64_t max_bytes, int64_t *bytes,
                   em_error *err) {
    em_reader *r = em_reader_open(path, err);
    if (!r) return -1;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    char buf[CHUNK];
    long k;
    int64_t total = 0;
    while ((k = em_reader_read(r, buf, sizeof buf, err)) > 0) {
        total += k;
        if (max_bytes > 0 && total > max_bytes) {
            k = em_fail(err, EM_ERR_FORMAT,
                        "%s: more than %lld bytes once decompressed (the import limit); if this "
                        "list really is that large, raise it with --max-bytes",
                        path, (long long)max_bytes);
            break;
        }
        EVP_DigestUpdate(ctx, buf, (size_t)k);
    }
    em_reader_close(r);
    if (k < 0) {
        EVP_MD_CTX_free(ctx);
        return -1;
    }
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    em_digest_hex(md, hex);
    if (bytes) *bytes = total;
    return 0;
}
