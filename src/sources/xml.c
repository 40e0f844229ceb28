/*
 * xml.c - expat driver with namespace stripping and text collection (see xml.h).
 */
#include "sources/xml.h"

#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "sources/reader.h"

#define MAX_DEPTH 64

struct em_xml {
    XML_Parser p;
    const em_xml_handlers *h;
    void *ctx;
    em_error *err;
    const char *path;
    int failed;
    int depth;
    char *stack[MAX_DEPTH];
    em_buf text[MAX_DEPTH];
    const char *attrs_local[129];
};

static const char *local(const char *name) {
    const char *s = strrchr(name, '\x1f');
    return s ? s + 1 : name;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs) {
    em_xml *x = ud;
    if (x->failed) return;
    if (x->depth >= MAX_DEPTH) {
        em_xml_fail(x, "elements nested deeper than %d", MAX_DEPTH);
        return;
    }
    x->stack[x->depth] = em_xstrdup(local(name));
    em_buf_reset(&x->text[x->depth]);
    x->depth++;
    size_t n = 0;
    for (size_t i = 0; attrs[i] && n < 126; i += 2) {
        x->attrs_local[n++] = local(attrs[i]);
        x->attrs_local[n++] = attrs[i + 1];
    }
    x->attrs_local[n] = NULL;
    if (x->h->start && x->h->start(x->ctx, x, x->stack[x->depth - 1], x->attrs_local) != 0) {
        x->failed = 1;
        XML_StopParser(x->p, XML_FALSE);
    }
}

static void XMLCALL on_end(void *ud, const XML_Char *name) {
    (void)name;
    em_xml *x = ud;
    if (x->failed) return;
    em_buf *t = &x->text[x->depth - 1];
    char *s = (char *)em_buf_cstr(t);
    if (t->len) em_strtrim(s);
    int rc = x->h->end ? x->h->end(x->ctx, x, x->stack[x->depth - 1], s) : 0;
    free(x->stack[x->depth - 1]);
    x->stack[x->depth - 1] = NULL;
    x->depth--;
    if (rc != 0) {
        x->failed = 1;
        XML_StopParser(x->p, XML_FALSE);
    }
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len) {
    em_xml *x = ud;
    if (x->depth > 0 && !x->failed) em_buf_add(&x->text[x->depth - 1], s, (size_t)len);
}

int em_xml_fail(em_xml *x, const char *fmt, ...) {
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    x->failed = 1;
    return em_fail(x->err, EM_ERR_FORMAT, "%s line %lu: %s", x->path,
                   (unsigned long)XML_GetCurrentLineNumber(x->p), msg);
}

int em_xml_parse(const char *path, const em_xml_handlers *h, void *ctx, em_error *err) {
    em_reader *r = em_reader_open(path, err);
    if (!r) return -1;
    em_xml *x = em_xcalloc(1, sizeof *x);
    x->p = XML_ParserCreateNS(NULL, '\x1f');
    x->h = h;
    x->ctx = ctx;
    x->err = err;
    x->path = path;
    for (int i = 0; i < MAX_DEPTH; i++)
        em_buf_init(&x->text[i]);
    XML_SetUserData(x->p, x);
    XML_SetElementHandler(x->p, on_start, on_end);
    XML_SetCharacterDataHandler(x->p, on_text);
    int rc = 0;
    char buf[65536];
    for (;;) {
        long n = em_reader_read(r, buf, sizeof buf, err);
        if (n < 0) {
            rc = -1;
            break;
        }
        if (XML_Parse(x->p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
            if (!x->failed)
                em_fail(err, EM_ERR_FORMAT, "%s line %lu column %lu: malformed XML: %s", path,
                        (unsigned long)XML_GetCurrentLineNumber(x->p),
                        (unsigned long)XML_GetCurrentColumnNumber(x->p),
                        XML_ErrorString(XML_GetErrorCode(x->p)));
            rc = -1;
            break;
        }
        if (x->failed) {
            rc = -1;
            break;
        }
        if (n == 0) break;
    }
    for (int i = 0; i < MAX_DEPTH; i++) {
        em_buf_free(&x->text[i]);
        free(x->stack[i]);
    }
    XML_ParserFree(x->p);
    free(x);
    em_reader_close(r);
    return rc;
}

int em_xml_depth(const em_xml *x) {
    return x->depth;
}

const char *em_xml_parent(const em_xml *x, int up) {
    int i = x->depth - 1 - up;
    return i >= 0 ? x->stack[i] : "";
}

long em_xml_line(const em_xml *x) {
    return (long)XML_GetCurrentLineNumber(x->p);
}

const char *em_xml_attr(const char **attrs, const char *name) {
    for (size_t i = 0; attrs && attrs[i]; i += 2)
        if (strcmp(attrs[i], name) == 0) return attrs[i + 1];
    return NULL;
}
