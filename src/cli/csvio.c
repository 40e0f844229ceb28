/*
 * csvio.c - buffered CSV record / line reader and CSV field writer for the
 * batch commands (see csvio.h).
 */
#include "csvio.h"

#include <stdlib.h>
#include <string.h>

#define READ_CHUNK (1 << 16)

struct cli_reader {
    FILE *f;
    unsigned char *buf;
    size_t pos, len;
    uint64_t consumed;
    int eof, ioerr;
    char delim;
    size_t max_record;
    em_buf data;  /* the fields of the current record, each NUL-terminated */
    size_t *offs; /* start of each field in data */
    size_t nfields, capfields;
    const char *error;
};

cli_reader *cli_reader_new(FILE *f, size_t max_record) {
    cli_reader *r = em_xcalloc(1, sizeof *r);
    r->f = f;
    r->buf = em_xmalloc(READ_CHUNK);
    r->delim = ',';
    r->max_record = max_record ? max_record : (1u << 20);
    em_buf_init(&r->data);
    return r;
}

void cli_reader_free(cli_reader *r) {
    if (!r) return;
    free(r->buf);
    free(r->offs);
    em_buf_free(&r->data);
    free(r);
}

static int fill(cli_reader *r) {
    if (r->pos < r->len) return 1;
    if (r->eof) return 0;
    size_t n = fread(r->buf, 1, READ_CHUNK, r->f);
    if (n == 0) {
        r->eof = 1;
        if (ferror(r->f)) r->ioerr = 1;
        return 0;
    }
    r->pos = 0;
    r->len = n;
    return 1;
}

static inline int next_char(cli_reader *r) {
    if (r->pos >= r->len && !fill(r)) return EOF;
    r->consumed++;
    return r->buf[r->pos++];
}

static inline int peek_char(cli_reader *r) {
    if (r->pos >= r->len && !fill(r)) return EOF;
    return r->buf[r->pos];
}

uint64_t cli_reader_bytes(const cli_reader *r) {
    return r->consumed;
}

int cli_reader_first_char(cli_reader *r) {
    if (!fill(r)) return EOF;
    if (r->consumed == 0 && r->len - r->pos >= 3 &&
        memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3) == 0) {
        r->pos += 3;
        r->consumed += 3;
    }
    for (;;) {
        int c = peek_char(r);
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return c;
        next_char(r);
    }
}

void cli_reader_set_delim(cli_reader *r, char delim) {
    r->delim = delim;
}

char cli_reader_detect_delim(cli_reader *r) {
    cli_reader_first_char(r);
    int quoted = 0, semi = 0, tab = 0;
    for (size_t i = r->pos; i < r->len; i++) {
        unsigned char c = r->buf[i];
        if (c == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (c == '\n' || c == '\r')
            break;
        else if (c == ',') {
            semi = tab = 0;
            break;
        } else if (c == ';')
            semi = 1;
        else if (c == '\t')
            tab = 1;
    }
    r->delim = semi ? ';' : tab ? '\t' : ',';
    return r->delim;
}

size_t cli_reader_nfields(const cli_reader *r) {
    return r->nfields;
}

const char *cli_reader_field(const cli_reader *r, size_t i) {
    if (i >= r->nfields) return "";
    return r->data.data + r->offs[i];
}

const char *cli_reader_error(const cli_reader *r) {
    return r->error;
}

static void field_start(cli_reader *r) {
    if (r->nfields == r->capfields) {
        r->capfields = r->capfields ? r->capfields * 2 : 16;
        r->offs = em_xrealloc(r->offs, r->capfields * sizeof *r->offs);
    }
    r->offs[r->nfields++] = r->data.len;
}

static inline void add_char(cli_reader *r, int c) {
    if (r->data.len >= r->max_record) {
        if (!r->error) r->error = "record too long";
        return;
    }
    em_buf_addc(&r->data, (char)c);
}

static void field_end(cli_reader *r) {
    em_buf_addc(&r->data, '\0'); /* always: offsets stay valid */
}

/* After a CR: swallows the LF of a CR LF pair. */
static void eat_lf(cli_reader *r) {
    if (peek_char(r) == '\n') next_char(r);
}

int cli_reader_record(cli_reader *r) {
    for (;;) {
        em_buf_reset(&r->data);
        r->nfields = 0;
        r->error = NULL;
        int c = next_char(r);
        if (c == EOF) return r->ioerr ? -1 : 0;
        int any_quoted = 0;
        for (;;) {
            field_start(r);
            if (c == '"') {
                any_quoted = 1;
                for (;;) {
                    c = next_char(r);
                    if (c == EOF) {
                        if (!r->error) r->error = "unterminated quoted field";
                        break;
                    }
                    if (c == '"') {
                        c = next_char(r);
                        if (c == '"') {
                            add_char(r, '"');
                            continue;
                        }
                        break; /* c follows the closing quote */
                    }
                    add_char(r, c);
                }
            }
            /* unquoted field, or stray text after a closing quote (kept) */
            while (c != EOF && c != r->delim && c != '\n' && c != '\r') {
                add_char(r, c);
                c = next_char(r);
            }
            field_end(r);
            if (c == r->delim) {
                c = next_char(r);
                continue;
            }
            if (c == '\r') eat_lf(r);
            break; /* end of line or of input */
        }
        if (r->ioerr) return -1;
        if (r->nfields == 1 && !any_quoted && r->data.data[0] == '\0' && !r->error) continue;
        return 1;
    }
}

int cli_reader_line(cli_reader *r, em_buf *line) {
    for (;;) {
        em_buf_reset(line);
        r->error = NULL;
        int c = next_char(r);
        if (c == EOF) return r->ioerr ? -1 : 0;
        while (c != EOF && c != '\n' && c != '\r') {
            if (line->len < r->max_record)
                em_buf_addc(line, (char)c);
            else if (!r->error)
                r->error = "line too long";
            c = next_char(r);
        }
        if (c == '\r') eat_lf(r);
        if (r->ioerr) return -1;
        size_t i = 0;
        while (i < line->len && (line->data[i] == ' ' || line->data[i] == '\t'))
            i++;
        if (i == line->len && !r->error) continue; /* blank */
        em_buf_cstr(line);
        return 1;
    }
}

void cli_csv_write_field(FILE *f, const char *s, char delim) {
    if (!s) s = "";
    size_t n = strlen(s);
    int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (const char *p = s; *p && !quote; p++)
        if (*p == delim || *p == '"' || *p == '\n' || *p == '\r') quote = 1;
    if (!quote) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"') fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}
