/*
 * server_json.c - the server's small shared pieces: query-string parameters,
 * JSON responses and errors ({"status", "error", "detail"}), string escaping,
 * UTF-8 validation, and the FollowTheMoney form of an entity (rendered by
 * the model, src/model/entity_ftm.c, with its history) that /match, /search
 * and /entities return.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/entity.h"
#include "server/server_internal.h"

/* ---- parameters --------------------------------------------------------- */

void srv_params_add(srv_params *p, const char *key, const char *value) {
    /* two arrays of one capacity: both grow alike (same item size), values
       from the capacity keys had */
    size_t cap = p->cap;
    p->keys = em_vec_grow_(p->keys, &p->cap, p->len, 1, sizeof *p->keys);
    p->values = em_vec_grow_(p->values, &cap, p->len, 1, sizeof *p->values);
    p->keys[p->len] = em_xstrdup(key ? key : "");
    p->values[p->len] = em_xstrdup(value ? value : "");
    p->len++;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static char *url_decode(const char *s, size_t n) {
    char *out = em_xmalloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        int h, l;
        if (s[i] == '+')
            *o++ = ' ';
        else if (s[i] == '%' && i + 2 < n && (h = hexval(s[i + 1])) >= 0 &&
                 (l = hexval(s[i + 2])) >= 0) {
            *o++ = (char)(h * 16 + l);
            i += 2;
        } else
            *o++ = s[i];
    }
    *o = '\0';
    return out;
}

void srv_params_parse(srv_params *p, const char *qs) {
    if (!qs) return;
    if (*qs == '?') qs++;
    while (*qs) {
        size_t n = strcspn(qs, "&");
        if (n) {
            const char *eq = memchr(qs, '=', n);
            size_t kn = eq ? (size_t)(eq - qs) : n;
            char *k = url_decode(qs, kn);
            char *v = eq ? url_decode(eq + 1, n - kn - 1) : em_xstrdup("");
            srv_params_add(p, k, v);
            free(k);
            free(v);
        }
        qs += n;
        if (*qs == '&') qs++;
    }
}

int srv_check_target(const char *target, size_t max_bytes, unsigned max_params, srv_response *r) {
    size_t n = strlen(target);
    if (n > max_bytes) {
        srv_error(r, 414, "uri_too_long",
                  "the request target has %zu bytes; at most %zu (send long lists of values in "
                  "the body of a POST /match instead)",
                  n, max_bytes);
        return 414;
    }
    const char *q = strchr(target, '?');
    size_t nparams = 0;
    if (q && q[1]) {
        nparams = 1;
        for (const char *c = q + 1; *c; c++)
            nparams += *c == '&';
    }
    if (nparams > max_params) {
        srv_error(r, 414, "too_many_parameters", "the query string has %zu parameters; at most %u",
                  nparams, max_params);
        return 414;
    }
    for (size_t i = 0; i + 2 < n; i++)
        if (target[i] == '%' && hexval(target[i + 1]) >= 0 && hexval(target[i + 2]) >= 0) {
            if (hexval(target[i + 1]) == 0 && hexval(target[i + 2]) == 0) {
                srv_error(r, 400, "nul_byte", "the %s contains a NUL byte (%%00)",
                          q && target + i > q ? "query string" : "path");
                return 400;
            }
            i += 2;
        }
    return 0;
}

const char *srv_params_get(const srv_params *p, const char *key) {
    for (size_t i = 0; p && i < p->len; i++)
        if (strcmp(p->keys[i], key) == 0) return p->values[i];
    return NULL;
}

void srv_params_free(srv_params *p) {
    for (size_t i = 0; i < p->len; i++) {
        free(p->keys[i]);
        free(p->values[i]);
    }
    free(p->keys);
    free(p->values);
    memset(p, 0, sizeof *p);
}

/* ---- responses ------------------------------------------------------------ */

void srv_error(srv_response *r, int status, const char *error, const char *fmt, ...) {
    char detail[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    /* the detail may quote client input: keep it valid UTF-8 */
    if (!srv_utf8_valid(detail, strlen(detail))) snprintf(detail, sizeof detail, "%s", error);
    em_buf b;
    em_buf_init(&b);
    em_buf_printf(&b, "{\"status\": %d, \"error\": ", status);
    em_buf_json_str(&b, error);
    em_buf_adds(&b, ", \"detail\": ");
    em_buf_json_str(&b, detail);
    em_buf_adds(&b, "}\n");
    free(r->body);
    r->status = status;
    r->len = b.len;
    r->body = em_buf_detach(&b);
    r->static_body = NULL;
    r->content_type = NULL;
    r->web = 0;
}

void srv_json(srv_response *r, int status, json_t *body) {
    free(r->body);
    r->status = status;
    r->body = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!r->body) {
        srv_error(r, 500, "internal", "the response could not be encoded");
        return;
    }
    r->len = strlen(r->body);
}

void srv_response_free(srv_response *r) {
    free(r->body);
    memset(r, 0, sizeof *r);
}

int srv_utf8_valid(const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0)
            k = 1, min = 0x80, c &= 0x1f;
        else if ((c & 0xf0) == 0xe0)
            k = 2, min = 0x800, c &= 0x0f;
        else if ((c & 0xf8) == 0xf0)
            k = 3, min = 0x10000, c &= 0x07;
        else
            return 0;
        if (i + k >= n) return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xc0) != 0x80) return 0;
            c = (c << 6) | (s[i + j] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
        i += k + 1;
    }
    return 1;
}

/* ---- the FtM form of an entity ------------------------------------------ */

/* One renderer for every front end: the model's (src/model/entity_ftm.c),
   with the entity's history from the store's versions. */
json_t *srv_entity_ftm(em_server *s, const em_entity *e, int64_t version) {
    em_entity_history h;
    int have = 0;
    if (s && s->st) {
        pthread_mutex_lock(&s->st_lock);
        have = em_store_entity_history(s->st, e->id, version, &h, NULL) == 0;
        pthread_mutex_unlock(&s->st_lock);
    }
    return em_entity_ftm(e, have ? &h : NULL);
}
