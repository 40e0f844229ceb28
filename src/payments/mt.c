/*
 * mt.c - SWIFT FIN messages (MT103, MT202COV; MT202 too) into the payment
 * model (payment.h).
 *
 * A FIN message is a run of blocks: {1: basic header} {2: application
 * header} {3: user header, {119:COV} marks a cover payment} {4: text, the
 * fields, ":TAG:value" lines ending with "-}"} {5: trailer}. A file may hold
 * several, one after the other, separated by nothing, white space or '$'.
 *
 * Read: block 1's logical terminal address (the sender of an input message,
 * the receiver of an output one), block 2's (the receiver of an input
 * message; an output message names its sender in the MIR), both as parties
 * by BIC; in block 4 the fields 20, 21, 23B, 32A, 33B, 50A/F/K, 52A/D,
 * 53A/B/D, 54A/B/D, 55A/B/D, 56A/C/D, 57A/B/C/D, 58A/D, 59/59A/59F, 70, 71A,
 * 72, 77B; in MT202COV the underlying customer credit transfer (sequence B,
 * from its first 50a on) with field names "B/50F" and so on. The field
 * formats checked are those of the published MT103 and MT202COV field
 * specifications: 20 (16x, no leading, trailing or double '/'), 23B (4!c),
 * 32A (6!n3!a15d: a real YYMMDD date, a currency, an amount with its
 * decimal comma), 33B (3!a15d), option A (a BIC on its last line), option F
 * (the numbered lines 1/ to 8/ with a name under 1/; 4/ a YYYYMMDD birth
 * date), 71A (OUR, SHA, BEN). The mandatory fields of each type are
 * required. A message breaking any of that becomes a message with its error
 * (payment.h) and the next message is read.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payments/payment.h"

#define MAX_FIELDS 256

typedef struct field {
    char tag[5];   /* "50F" */
    const char *v; /* value (lines joined by '\n'), inside fv */
    int seq_b;     /* MT202COV: in sequence B */
} field;

typedef struct mt {
    pay_message *m;
    char b1_lt[13], b2_lt[13];
    char io;      /* 'I' or 'O' */
    char type[4]; /* "103" */
    int cov;
    field f[MAX_FIELDS];
    size_t nf;
    em_buf fv; /* the field values, NUL-separated */
} mt;

/* ---- blocks ------------------------------------------------------------------ */

/* The end of the block whose '{' is at s[i] (index of its closing '}'), or -1. */
static long block_end(const char *s, size_t len, size_t i, const char *id) {
    if (strcmp(id, "4") == 0) {
        /* text block: ends with CRLF "-}" (a '-' alone at the start of a line, then '}') */
        for (size_t j = i; j + 1 < len; j++)
            if (s[j] == '-' && s[j + 1] == '}' && (j == i || s[j - 1] == '\n' || s[j - 1] == ':'))
                return (long)(j + 1);
        return -1;
    }
    int depth = 0;
    for (size_t j = i; j < len; j++) {
        if (s[j] == '{')
            depth++;
        else if (s[j] == '}' && --depth == 0)
            return (long)j;
    }
    return -1;
}

static int lt_to_bic(const char *lt, char bic[12]) {
    /* a logical terminal address is BIC8 + terminal code + branch: the BIC leaves out the 9th */
    memcpy(bic, lt, 8);
    memcpy(bic + 8, lt + 9, 3);
    bic[11] = 0;
    if (strcmp(bic + 8, "XXX") == 0) bic[8] = 0;
    return pay_is_bic(bic) ? 0 : -1;
}

static int parse_b1(mt *x, const char *c, size_t n) {
    /* F01 + LT address (12) + session (4) + sequence (6) */
    if (n < 15 || (c[0] != 'F' && c[0] != 'A' && c[0] != 'L'))
        return pay_message_fail(x->m, "1",
                                "block 1: not a basic header (F01 + 12-character "
                                "logical terminal address)");
    memcpy(x->b1_lt, c + 3, 12);
    x->b1_lt[12] = 0;
    char bic[12];
    if (lt_to_bic(x->b1_lt, bic) != 0)
        return pay_message_fail(x->m, "1", "block 1: '%.12s' is not a logical terminal address",
                                x->b1_lt);
    return 0;
}

static int parse_b2(mt *x, const char *c, size_t n) {
    if (n < 4 || (c[0] != 'I' && c[0] != 'O'))
        return pay_message_fail(x->m, "2",
                                "block 2: neither an input (I) nor an output (O) "
                                "application header");
    x->io = c[0];
    for (int i = 0; i < 3; i++)
        if (!isdigit((unsigned char)c[1 + i]))
            return pay_message_fail(x->m, "2", "block 2: '%.3s' is not a message type", c + 1);
    memcpy(x->type, c + 1, 3);
    x->type[3] = 0;
    /* input: I + type + receiver LT (12); output: O + type + time (4) + MIR (date 6,
       sender LT 12, session 4, sequence 6) + date + time */
    size_t at = x->io == 'I' ? 4 : 4 + 4 + 6;
    if (n < at + 12)
        return pay_message_fail(x->m, "2", "block 2: too short for the %s address",
                                x->io == 'I' ? "receiver's" : "sender's");
    memcpy(x->b2_lt, c + at, 12);
    x->b2_lt[12] = 0;
    char bic[12];
    if (lt_to_bic(x->b2_lt, bic) != 0)
        return pay_message_fail(x->m, "2", "block 2: '%.12s' is not a logical terminal address",
                                x->b2_lt);
    return 0;
}

static void parse_b3(mt *x, const char *c, size_t n) {
    for (size_t i = 0; i + 9 <= n; i++)
        if (memcmp(c + i, "{119:COV}", 9) == 0) x->cov = 1;
}

/* Splits block 4 into its fields. */
static int parse_b4(mt *x, const char *c, size_t n) {
    em_buf_reset(&x->fv);
    x->nf = 0;
    size_t i = 0;
    size_t offs[MAX_FIELDS];
    while (i < n) {
        /* at a line start */
        size_t e = i;
        while (e < n && c[e] != '\n')
            e++;
        size_t le = e;
        if (le > i && c[le - 1] == '\r') le--;
        if (le > i && c[i] == ':') {
            size_t t = i + 1;
            char tag[5] = {0};
            size_t k = 0;
            while (t < le && c[t] != ':' && k < 4)
                tag[k++] = c[t++];
            if (t >= le || c[t] != ':' || k < 2 || !isdigit((unsigned char)tag[0]) ||
                !isdigit((unsigned char)tag[1]) || (k == 3 && !isupper((unsigned char)tag[2])) ||
                k > 3)
                return pay_message_fail(x->m, "4", "block 4: malformed field tag in line '%.*s'",
                                        (int)(le - i > 40 ? 40 : le - i), c + i);
            if (x->nf >= MAX_FIELDS)
                return pay_message_fail(x->m, "4", "block 4: more than %d fields", MAX_FIELDS);
            if (x->nf) em_buf_addc(&x->fv, '\0');
            offs[x->nf] = x->fv.len;
            memcpy(x->f[x->nf].tag, tag, sizeof tag);
            x->f[x->nf].seq_b = 0;
            x->nf++;
            em_buf_add(&x->fv, c + t + 1, le - t - 1);
        } else if (le > i) {
            if (!x->nf) return pay_message_fail(x->m, "4", "block 4: text before the first field");
            em_buf_addc(&x->fv, '\n');
            em_buf_add(&x->fv, c + i, le - i);
        }
        i = e + 1;
    }
    em_buf_addc(&x->fv, '\0');
    const char *base = em_buf_cstr(&x->fv);
    for (size_t k = 0; k < x->nf; k++)
        x->f[k].v = base + offs[k];
    return 0;
}

/* ---- field formats ---------------------------------------------------------------- */

static int leap(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int valid_date(int y, int mo, int d) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1) return 0;
    return d <= days[mo - 1] + (mo == 2 && leap(y));
}

static int digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    return 1;
}

static int num(const char *s, size_t n) {
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* 3!a15d: a currency and an amount with its decimal comma */
static int check_ccy_amount(mt *x, const char *fname, const char *v) {
    if (strlen(v) < 5 || !isupper((unsigned char)v[0]) || !isupper((unsigned char)v[1]) ||
        !isupper((unsigned char)v[2]))
        return pay_message_fail(x->m, fname,
                                "field %s: '%.20s' does not start with a currency "
                                "code (3 letters)",
                                fname, v);
    const char *a = v + 3;
    size_t n = strlen(a), commas = 0;
    if (n == 0 || n > 15)
        return pay_message_fail(x->m, fname, "field %s: the amount has %zu characters (1 to 15)",
                                fname, n);
    for (size_t i = 0; i < n; i++) {
        if (a[i] == ',')
            commas++;
        else if (!isdigit((unsigned char)a[i]))
            return pay_message_fail(x->m, fname, "field %s: '%s' is not an amount", fname, a);
    }
    if (commas != 1 || a[0] == ',')
        return pay_message_fail(
            x->m, fname, "field %s: the amount '%s' needs digits and one decimal comma", fname, a);
    return 0;
}

static int check_32a(mt *x, const char *fname, const char *v) {
    if (strlen(v) < 6 || !digits(v, 6))
        return pay_message_fail(x->m, fname, "field %s: '%.6s' is not a value date (YYMMDD)", fname,
                                v);
    int y = 2000 + num(v, 2), mo = num(v + 2, 2), d = num(v + 4, 2);
    if (!valid_date(y, mo, d))
        return pay_message_fail(x->m, fname, "field %s: bad value date %.6s (YYMMDD: no such day)",
                                fname, v);
    return check_ccy_amount(x, fname, v + 6);
}

static int check_ref(mt *x, const char *fname, const char *v) {
    size_t n = strlen(v);
    if (n == 0 || n > 16 || strchr(v, '\n'))
        return pay_message_fail(x->m, fname,
                                "field %s: a reference is 1 to 16 characters on one "
                                "line",
                                fname);
    if (v[0] == '/' || v[n - 1] == '/' || strstr(v, "//"))
        return pay_message_fail(x->m, fname,
                                "field %s: '%s' starts or ends with '/' or holds "
                                "'//'",
                                fname, v);
    return 0;
}

/* ---- parties ----------------------------------------------------------------------- */

static const char *role_of(const char *tag) {
    switch (num(tag, 2)) {
    case 50:
        return "ordering_customer";
    case 52:
        return "ordering_institution";
    case 53:
        return "senders_correspondent";
    case 54:
        return "receivers_correspondent";
    case 55:
        return "third_reimbursement_institution";
    case 56:
        return "intermediary";
    case 57:
        return "account_with_institution";
    case 58:
        return "beneficiary_institution";
    case 59:
        return "beneficiary";
    default:
        return "party";
    }
}

/* the lines of a value: up to 16, each NUL-terminated in buf */
static size_t split_lines(const char *v, char *buf, size_t cap, char **lines, size_t maxl) {
    pay_copy(buf, cap, v);
    size_t n = 0;
    char *s = buf;
    while (s && n < maxl) {
        char *nl = strchr(s, '\n');
        if (nl) *nl = 0;
        lines[n++] = s;
        s = nl ? nl + 1 : NULL;
    }
    return n;
}

static void set_account(pay_party *p, const char *line) {
    /* "/D/123", "/C/123", "/123" */
    const char *a = line + 1;
    if ((a[0] == 'C' || a[0] == 'D') && a[1] == '/') a += 2;
    while (*a == ' ')
        a++;
    if (!*a) return;
    free(p->account);
    p->account = em_xstrdup(a);
    char cc[3];
    if (pay_is_iban(a, cc)) pay_party_add_country(p, cc);
}

static void set_bic(pay_party *p, const char *bic) {
    free(p->bic);
    p->bic = em_xstrdup(bic);
    char cc[3] = {bic[4], bic[5], 0};
    pay_party_add_country(p, cc);
}

static int party_option_a(mt *x, pay_party *p, char **l, size_t n, const char *fname) {
    size_t i = 0;
    if (n > 1 && l[0][0] == '/') set_account(p, l[i++]);
    if (i >= n || !pay_is_bic(l[i]))
        return pay_message_fail(x->m, fname,
                                "field %s: '%.35s' is not a BIC (option A: "
                                "[/account] then a BIC)",
                                fname, i < n ? l[i] : "");
    set_bic(p, l[i]);
    return 0;
}

/* option F (50F, 59F): numbered lines */
static int party_option_f(mt *x, pay_party *p, char **l, size_t n, const char *fname) {
    size_t i = 0;
    int person = 0;
    if (n && l[0][0] == '/') {
        set_account(p, l[i++]);
    } else if (n && num(fname, 2) == 50 && strlen(l[0]) > 8 && l[0][4] == '/' && l[0][7] == '/') {
        /* code/country/identifier */
        char code[5];
        memcpy(code, l[0], 4);
        code[4] = 0;
        static const struct {
            const char *code, *type;
            int person;
        } CODES[] = {{"ARNU", "other", 1},       {"CCPT", "passport", 1},
                     {"CUST", "other", 0},       {"DRLC", "other", 1},
                     {"EMPL", "other", 1},       {"NIDN", "national_id", 1},
                     {"SOSE", "national_id", 1}, {"TXID", "tax_id", 0}};
        size_t k;
        for (k = 0; k < sizeof CODES / sizeof *CODES; k++)
            if (strcmp(code, CODES[k].code) == 0) break;
        if (k == sizeof CODES / sizeof *CODES)
            return pay_message_fail(x->m, fname, "field %s: unknown identifier code '%s'", fname,
                                    code);
        pay_party_add_id(p, CODES[k].type, l[0] + 8);
        person |= CODES[k].person;
        i++;
    }
    em_buf name;
    em_buf_init(&name);
    for (; i < n; i++) {
        const char *s = l[i];
        if (!isdigit((unsigned char)s[0]) || s[1] != '/') {
            em_buf_free(&name);
            return pay_message_fail(x->m, fname,
                                    "field %s: line '%.35s' has no line code "
                                    "(1/ to 8/)",
                                    fname, s);
        }
        const char *t = s + 2;
        switch (s[0]) {
        case '1':
            if (name.len) em_buf_addc(&name, ' ');
            em_buf_adds(&name, t);
            break;
        case '2':
            em_strvec_push(&p->address, t);
            break;
        case '3': {
            /* CC[/town] */
            char cc[3] = {t[0], t[1] ? t[1] : 0, 0};
            if (strlen(t) < 2 || (t[2] && t[2] != '/') || !isalpha((unsigned char)t[0]) ||
                !isalpha((unsigned char)t[1])) {
                em_buf_free(&name);
                return pay_message_fail(x->m, fname,
                                        "field %s: line 3/ '%s' is not a country "
                                        "code and town",
                                        fname, t);
            }
            pay_party_add_country(p, cc);
            if (t[2] == '/' && t[3]) em_strvec_push(&p->address, t + 3);
            break;
        }
        case '4':
            if (strlen(t) != 8 || !digits(t, 8) ||
                !valid_date(num(t, 4), num(t + 4, 2), num(t + 6, 2))) {
                em_buf_free(&name);
                return pay_message_fail(x->m, fname,
                                        "field %s: line 4/ '%s' is not a birth date "
                                        "(YYYYMMDD)",
                                        fname, t);
            }
            free(p->birth_date);
            p->birth_date = em_xasprintf("%.4s-%.2s-%.2s", t, t + 4, t + 6);
            person = 1;
            break;
        case '5':
            free(p->birth_place);
            p->birth_place = em_xstrdup(strlen(t) > 3 && t[2] == '/' ? t + 3 : t);
            person = 1;
            break;
        case '6':
        case '7': {
            /* CC/[issuer/]number */
            const char *last = strrchr(t, '/');
            pay_party_add_id(p, s[0] == '7' ? "national_id" : "other", last ? last + 1 : t);
            if (s[0] == '7') person = 1;
            break;
        }
        case '8':
            break;
        default:
            em_buf_free(&name);
            return pay_message_fail(x->m, fname, "field %s: line code %c/ is not one of 1/ to 8/",
                                    fname, s[0]);
        }
    }
    if (!name.len) {
        em_buf_free(&name);
        return pay_message_fail(x->m, fname, "field %s: no name (line code 1/)", fname);
    }
    em_strvec_push(&p->names, em_buf_cstr(&name));
    em_buf_free(&name);
    if (person) {
        p->schema = "Person";
    }
    return 0;
}

/* options without letter (50K, 59) and D: [/account] name, then address lines */
static int party_name_address(mt *x, pay_party *p, char **l, size_t n, const char *fname) {
    size_t i = 0;
    if (n && l[0][0] == '/') set_account(p, l[i++]);
    if (i >= n || !*l[i]) return pay_message_fail(x->m, fname, "field %s: no name", fname);
    em_strvec_push(&p->names, l[i++]);
    for (; i < n; i++)
        em_strvec_push(&p->address, l[i]);
    return 0;
}

/* "59F", or "B/59F" for a field of MT202COV's sequence B (cap >= 8) */
static void field_name(const field *f, char *fname) {
    size_t k = 0;
    if (f->seq_b) fname[k++] = 'B', fname[k++] = '/';
    for (size_t i = 0; i < 4 && f->tag[i]; i++)
        fname[k++] = f->tag[i];
    fname[k] = 0;
}

static int add_field_party(mt *x, const field *f) {
    char fname[8];
    field_name(f, fname);
    int agent = num(f->tag, 2) != 50 && num(f->tag, 2) != 59;
    char opt = f->tag[2];
    pay_party *p = pay_add_party(x->m, fname, role_of(f->tag), agent ? "Organization" : NULL);
    char buf[2048], *l[16];
    size_t n = split_lines(f->v, buf, sizeof buf, l, 16);
    switch (opt) {
    case 'A':
        p->schema = "Organization";
        return party_option_a(x, p, l, n, fname);
    case 'F':
        return party_option_f(x, p, l, n, fname);
    case 'K':
    case 'D':
    case 0:
        return party_name_address(x, p, l, n, fname);
    case 'B':
        /* [/party id] [location] */
        for (size_t i = 0; i < n; i++) {
            if (i == 0 && l[0][0] == '/')
                set_account(p, l[0]);
            else if (*l[i])
                em_strvec_push(&p->address, l[i]);
        }
        return 0;
    case 'C':
        if (!n || l[0][0] != '/')
            return pay_message_fail(x->m, fname, "field %s: option C is /account", fname);
        set_account(p, l[0]);
        return 0;
    default:
        return pay_message_fail(x->m, fname, "field %s: option %c is not defined for field %.2s",
                                fname, opt, f->tag);
    }
}

static int allowed_option(const char *tag) {
    static const char *const OK[] = {"50A", "50F", "50K", "52A", "52D", "53A", "53B", "53D", "54A",
                                     "54B", "54D", "55A", "55B", "55D", "56A", "56C", "56D", "57A",
                                     "57B", "57C", "57D", "58A", "58D", "59",  "59A", "59F", NULL};
    for (size_t i = 0; OK[i]; i++)
        if (strcmp(OK[i], tag) == 0) return 1;
    return 0;
}

static void join_text(const char *v, char *out, size_t cap) {
    size_t j = 0;
    for (size_t i = 0; v[i] && j + 1 < cap; i++)
        out[j++] = v[i] == '\n' ? ' ' : v[i];
    out[j] = 0;
}

static const field *find(const mt *x, const char *tag2, int seq_b) {
    for (size_t i = 0; i < x->nf; i++)
        if (x->f[i].seq_b == seq_b && strncmp(x->f[i].tag, tag2, strlen(tag2)) == 0)
            return &x->f[i];
    return NULL;
}

static int interpret(mt *x) {
    pay_message *m = x->m;
    int is103 = strcmp(x->type, "103") == 0, is202 = strcmp(x->type, "202") == 0;
    if (!is103 && !is202)
        return pay_message_fail(m, "2",
                                "MT%s is not a message type read here (MT103, MT202 and "
                                "MT202COV are)",
                                x->type);
    free(m->format);
    char fmt[16] = "MT"; /* "MT103", "MT202COV" */
    memcpy(fmt + 2, x->type, 4);
    if (is202 && x->cov) memcpy(fmt + 5, "COV", 4);
    m->format = em_xstrdup(fmt);
    /* header BICs as parties */
    char b1[12], b2[12];
    lt_to_bic(x->b1_lt, b1);
    lt_to_bic(x->b2_lt, b2);
    const char *sender = x->io == 'I' ? b1 : b2, *receiver = x->io == 'I' ? b2 : b1;
    pay_party *p = pay_add_party(m, x->io == 'I' ? "1" : "2", "sender", "Organization");
    set_bic(p, sender);
    p = pay_add_party(m, x->io == 'I' ? "2" : "1", "receiver", "Organization");
    set_bic(p, receiver);
    /* sequence B of a cover payment: from the first 50a after sequence A's 58a */
    if (is202 && x->cov) {
        int seen58 = 0;
        for (size_t i = 0, b = 0; i < x->nf; i++) {
            if (strncmp(x->f[i].tag, "58", 2) == 0) seen58 = 1;
            if (seen58 && strncmp(x->f[i].tag, "50", 2) == 0) b = 1;
            x->f[i].seq_b = (int)b;
        }
    }
    const field *f20 = find(x, "20", 0);
    if (!f20) return pay_message_fail(m, "20", "field 20 (transaction reference) is missing");
    if (check_ref(x, "20", f20->v) != 0) return -1;
    free(m->id);
    m->id = em_xstrdup(f20->v);
    const char *need103[] = {"23B", "32A", "50", "59", "71A", NULL};
    const char *need202[] = {"21", "32A", "58", NULL};
    const char *const *need = is103 ? need103 : need202;
    for (size_t i = 0; need[i]; i++)
        if (!find(x, need[i], 0))
            return pay_message_fail(m, need[i], "field %s%s is missing (mandatory in MT%s)",
                                    need[i], strlen(need[i]) == 2 ? "a" : "", m->format + 2);
    if (is202 && x->cov) {
        if (!find(x, "50", 1))
            return pay_message_fail(m, "B/50a",
                                    "field 50a of sequence B (the underlying "
                                    "ordering customer) is missing");
        if (!find(x, "59", 1))
            return pay_message_fail(m, "B/59a",
                                    "field 59a of sequence B (the underlying "
                                    "beneficiary) is missing");
    }
    for (size_t i = 0; i < x->nf; i++) {
        const field *f = &x->f[i];
        char fname[8];
        field_name(f, fname);
        int t = num(f->tag, 2);
        if (strcmp(f->tag, "21") == 0) {
            if (check_ref(x, fname, f->v) != 0) return -1;
        } else if (strcmp(f->tag, "23B") == 0) {
            if (strlen(f->v) != 4)
                return pay_message_fail(m, fname,
                                        "field 23B: '%s' is not a bank operation code "
                                        "(4 characters)",
                                        f->v);
        } else if (strcmp(f->tag, "32A") == 0) {
            if (check_32a(x, fname, f->v) != 0) return -1;
        } else if (strcmp(f->tag, "33B") == 0) {
            if (check_ccy_amount(x, fname, f->v) != 0) return -1;
        } else if (strcmp(f->tag, "71A") == 0) {
            if (strcmp(f->v, "OUR") && strcmp(f->v, "SHA") && strcmp(f->v, "BEN"))
                return pay_message_fail(m, fname, "field 71A: '%s' is not OUR, SHA or BEN", f->v);
        } else if (t == 50 || (t >= 52 && t <= 59)) {
            if (!allowed_option(f->tag))
                return pay_message_fail(m, fname, "field %s: no such option of field %.2s", fname,
                                        f->tag);
            if (add_field_party(x, f) != 0) return -1;
        } else if (t == 70 || t == 72 || strcmp(f->tag, "77B") == 0) {
            char text[2048];
            join_text(f->v, text, sizeof text);
            pay_add_text(m, fname, NULL, text);
        }
    }
    return 0;
}

/* ---- messages ------------------------------------------------------------------------ */

long pay_mt_parse(const char *s, size_t len, pay_message_fn fn, void *ctx) {
    size_t i = 0, line = 1, counted = 0;
    long count = 0;
    /* not zeroed: 6 KB of field slots, each written before it is read (nf counts them) */
    mt *x = em_xmalloc(sizeof *x);
    x->nf = 0;
    em_buf_init(&x->fv);
    if (len >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
        (unsigned char)s[2] == 0xBF)
        i = 3;
    for (;;) {
        while (i < len && (isspace((unsigned char)s[i]) || s[i] == '$'))
            i++;
        if (i >= len) break;
        for (; counted < i; counted++)
            if (s[counted] == '\n') line++;
        pay_message m;
        pay_message_init(&m);
        m.ordinal = (size_t)++count;
        m.first_line = line;
        m.transactions = 1;
        m.format = em_xstrdup("MT");
        memset(x->b1_lt, 0, sizeof x->b1_lt);
        memset(x->b2_lt, 0, sizeof x->b2_lt);
        memset(x->type, 0, sizeof x->type);
        x->cov = 0;
        x->nf = 0;
        x->io = 0;
        x->m = &m;
        int seen[6] = {0}, ok = 1;
        size_t start = i;
        /* blocks until the next "{1:" or the end */
        while (i < len) {
            size_t ws = i;
            while (ws < len && (isspace((unsigned char)s[ws]) || s[ws] == '$'))
                ws++;
            if (ws >= len) break;
            if (ws > i && !(s[ws] == '{' && ws + 1 < len && s[ws + 1] != '1')) break;
            i = ws;
            if (s[i] != '{') {
                pay_message_fail(&m, NULL, "expected a block ('{') at '%.*s'",
                                 (int)(len - i < 20 ? len - i : 20), s + i);
                ok = 0;
                break;
            }
            size_t c = i + 1;
            char id[4] = {0};
            size_t k = 0;
            while (c < len && s[c] != ':' && k < 3)
                id[k++] = s[c++];
            if (c >= len || s[c] != ':') {
                pay_message_fail(&m, NULL, "a block without its identifier ('{N:')");
                ok = 0;
                break;
            }
            if (strcmp(id, "1") == 0 && seen[1]) break; /* the next message */
            long e = block_end(s, len, i, id);
            if (e < 0) {
                pay_message_fail(&m, id, "block %s is not terminated%s", id,
                                 strcmp(id, "4") == 0 ? " (no '-}')" : " (no '}')");
                ok = 0;
                i = len;
                break;
            }
            const char *content = s + c + 1;
            size_t n = (size_t)e - (c + 1);
            if (strcmp(id, "4") == 0) n = n >= 1 ? n - 1 : 0; /* the '-' */
            int b = id[0] - '0';
            if (id[1] == 0 && b >= 1 && b <= 5) {
                if (seen[b]) {
                    pay_message_fail(&m, id, "block %s appears twice", id);
                    ok = 0;
                } else if (b == 1) {
                    if (parse_b1(x, content, n) != 0) ok = 0;
                } else if (b == 2) {
                    if (parse_b2(x, content, n) != 0) ok = 0;
                } else if (b == 3) {
                    parse_b3(x, content, n);
                } else if (b == 4) {
                    if (parse_b4(x, content, n) != 0) ok = 0;
                }
                seen[b] = 1;
            }
            i = (size_t)e + 1;
            if (!ok) break;
        }
        if (ok && !m.error) {
            if (!seen[1])
                pay_message_fail(&m, "1", "block 1 (basic header) is missing");
            else if (!seen[2])
                pay_message_fail(&m, "2", "block 2 (application header) is missing");
            else if (!seen[4])
                pay_message_fail(&m, "4", "block 4 (text) is missing");
            else
                interpret(x);
        }
        if (m.error) {
            /* go on at the next message's "{1:" */
            size_t from = i > start ? i : start + 1;
            i = len;
            for (size_t j = from; j + 2 < len; j++)
                if (s[j] == '{' && s[j + 1] == '1' && s[j + 2] == ':') {
                    i = j;
                    break;
                }
        }
        int rc = fn(ctx, &m);
        pay_message_free(&m);
        if (rc != 0) {
            count = -1;
            break;
        }
    }
    em_buf_free(&x->fv);
    free(x);
    return count;
}
