/*
 * table_csv.c - delimited text with quotes and mixed encodings (see table_csv.h).
 */
#include <stdlib.h>
#include "sources/table_csv.h"

#include <ctype.h>
#include <string.h>

#include "base/error.h"
#include "text/encoding.h"

int em_tcsv_open(em_tcsv *c, const char *path, char delim, em_error *err) {
    memset(c, 0, sizeof *c);
    c->r = em_reader_open(path, err);
    if (!c->r) return -1;
    c->name = em_xstrdup(em_reader_basename(c->r));
    size_t n = strlen(c->name);
    if (n > 3 && strcmp(c->name + n - 3, ".gz") == 0) c->name[n - 3] = '\0';
    c->delim = delim;
    em_buf_init(&c->line);
    em_buf_init(&c->cur);
    em_strvec_init(&c->fields);
    return 0;
}

void em_tcsv_clear(em_strvec *v) {
    for (size_t i = 0; i < v->len; i++)
        free(v->items[i]);
    v->len = 0;
}

void em_tcsv_close(em_tcsv *c) {
    if (c->r) em_reader_close(c->r);
    free(c->name);
    em_buf_free(&c->line);
    em_buf_free(&c->cur);
    em_strvec_free(&c->fields);
    memset(c, 0, sizeof *c);
}

static int only_space(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isspace((unsigned char)s[i])) return 0;
    return 1;
}

/* How fields are made: the delimiter, the conversion and the options of em_tcsv. */
typedef struct field_opts {
    char delim;
    int convert; /* Windows-1252 text is converted to UTF-8 */
    int strict_quotes;
    const char *null_text;
    char end_marker;
} field_opts;

static void push_field(em_strvec *out, em_buf *cur, const field_opts *o) {
    char *s = o->convert ? em_to_utf8(cur->data ? cur->data : "", cur->len, "windows-1252")
                         : em_xstrndup(cur->data ? cur->data : "", cur->len);
    em_strtrim(s);
    if (o->null_text && strcmp(s, o->null_text) == 0) s[0] = '\0';
    em_strvec_take(out, s);
    em_buf_reset(cur);
}

/*
 * Scans n bytes of one physical line; *in_quotes / *after_quote carry the state
 * across lines of a quoted field. Completed fields go to out. Returns 0, 1 when
 * the end marker ended the line, -1 at text after a closing
 * quote with strict_quotes.
 */
static int scan(const char *s, size_t n, const field_opts *o, em_buf *cur, em_strvec *out,
                int *in_quotes, int *after_quote) {
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (*in_quotes) {
            if (ch == '"') {
                if (i + 1 < n && s[i + 1] == '"') {
                    em_buf_addc(cur, '"');
                    i++;
                } else {
                    *in_quotes = 0;
                    *after_quote = 1;
                }
            } else {
                em_buf_addc(cur, ch);
            }
        } else if (ch == o->delim) {
            push_field(out, cur, o);
            *after_quote = 0;
        } else if (ch == '"' && !*after_quote && only_space(cur->data, cur->len)) {
            em_buf_reset(cur);
            *in_quotes = 1;
        } else if (o->end_marker && ch == o->end_marker && only_space(s + i + 1, n - i - 1)) {
            return 1; /* marker right after the last record, no line end */
        } else if (o->strict_quotes && *after_quote && !isspace((unsigned char)ch)) {
            return -1;
        } else {
            em_buf_addc(cur, ch);
        }
    }
    return 0;
}

static int after_marker(em_tcsv *c, em_error *err) {
    return em_fail(err, EM_ERR_FORMAT,
                   "%s line %ld: unexpected data after the end-of-file marker 0x%02X", c->name,
                   em_reader_line(c->r), (unsigned)(unsigned char)c->end_marker);
}

int em_tcsv_next(em_tcsv *c, em_error *err) {
    em_tcsv_clear(&c->fields);
    em_buf_reset(&c->cur);
    field_opts o = {c->delim, 1, c->strict_quotes, c->null_text, c->end_marker};
    int in_quotes = 0, after_quote = 0, started = 0;
    for (;;) {
        int rc = em_reader_getline(c->r, &c->line, err);
        if (rc < 0) return -1;
        if (rc == 0) {
            if (in_quotes)
                return em_fail(err, EM_ERR_FORMAT,
                               "%s line %ld: unterminated quoted field (file truncated?)", c->name,
                               c->rec_line);
            if (!started) return 0;
            break;
        }
        const char *s = c->line.data ? c->line.data : "";
        size_t n = c->line.len;
        if (!c->keep_bom && em_reader_line(c->r) == 1 && n >= 3 && (unsigned char)s[0] == 0xEF &&
            (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF) {
            s += 3; /* UTF-8 byte order mark */
            n -= 3;
        }
        if (c->ended) {
            if (only_space(s, n)) continue;
            return after_marker(c, err);
        }
        if (!started) {
            if (c->end_marker && n > 0 && s[0] == c->end_marker) {
                if (!only_space(s + 1, n - 1)) return after_marker(c, err);
                c->ended = 1;
                continue;
            }
            if (only_space(s, n)) continue;
            started = 1;
            c->rec_line = em_reader_line(c->r);
        } else {
            em_buf_addc(&c->cur, '\n'); /* a quoted field spanning lines */
        }
        int end = scan(s, n, &o, &c->cur, &c->fields, &in_quotes, &after_quote);
        if (end < 0)
            return em_fail(err, EM_ERR_FORMAT,
                           "%s line %ld: text after a closing quote (write \"\" for a quote "
                           "inside a quoted field)",
                           c->name, em_reader_line(c->r));
        if (end > 0) c->ended = 1;
        if (!in_quotes) break;
    }
    push_field(&c->fields, &c->cur, &o);
    return 1;
}

int em_tcsv_blank(const em_tcsv *c) {
    for (size_t i = 0; i < c->fields.len; i++)
        if (c->fields.items[i][0]) return 0;
    return 1;
}

void em_tcsv_split(const char *s, char delim, em_strvec *out) {
    em_buf cur;
    em_buf_init(&cur);
    int in_quotes = 0, after_quote = 0;
    field_opts o = {delim, 0, 0, NULL, 0};
    scan(s, strlen(s), &o, &cur, out, &in_quotes, &after_quote);
    push_field(out, &cur, &o);
    em_buf_free(&cur);
}

int em_tcsv_col(const em_strvec *header, const char *const *names) {
    for (size_t i = 0; i < header->len; i++)
        for (const char *const *n = names; *n; n++)
            if (em_strcaseeq(header->items[i], *n)) return (int)i;
    return -1;
}

static int digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    return 1;
}

int em_tcsv_date(const char *s, char out[11]) {
    out[0] = '\0';
    if (!s || strlen(s) != 10) return -1;
    if (s[4] == '-' && s[7] == '-' && digits(s, 4) && digits(s + 5, 2) && digits(s + 8, 2)) {
        memcpy(out, s, 10);
        out[10] = '\0';
        return 0;
    }
    if (!((s[2] == '/' && s[5] == '/') || (s[2] == '-' && s[5] == '-')) || !digits(s, 2) ||
        !digits(s + 3, 2) || !digits(s + 6, 4))
        return -1;
    int day = (s[0] - '0') * 10 + (s[1] - '0');
    int month = (s[3] - '0') * 10 + (s[4] - '0');
    if (day > 31 || month > 12 || memcmp(s + 6, "0000", 4) == 0) return -1;
    memcpy(out, s + 6, 4);
    out[4] = '\0';
    if (month == 0) return 0;
    out[4] = '-';
    memcpy(out + 5, s + 3, 2);
    out[7] = '\0';
    if (day == 0) return 0;
    out[7] = '-';
    memcpy(out + 8, s, 2);
    out[10] = '\0';
    return 0;
}
