/*
 * iso20022.c - ISO 20022 credit transfers into the payment model
 * (payment.h): pacs.008 (FIToFICstmrCdtTrf), pacs.009 (FICdtTrf, and its COV
 * variant's UndrlygCstmrCdtTrf) and pain.001 (CstmrCdtTrfInitn), any version
 * of their namespaces (urn:iso:std:iso:20022:tech:xsd:pacs.008.001.NN): the
 * elements are recognised by their local names, which have kept their
 * meaning across versions (BICFI, formerly BIC, is read as either).
 *
 * expat, as src/sources/xml.c uses it, but over a memory buffer and with a
 * fixed element stack (no allocation per element: a pacs.008 is parsed in a
 * few microseconds). A document type declaration is refused (a payment has
 * no DTD; no entity is ever expanded).
 *
 * Parties are the elements Dbtr, Cdtr, UltmtDbtr, UltmtCdtr, InitgPty,
 * DbtrAgt, CdtrAgt, IntrmyAgt1-3, InstgAgt, InstdAgt, PrvsInstgAgt1-3,
 * wherever they are (group header, payment information, transaction, the
 * underlying customer credit transfer of a pacs.009 COV); each keeps its path
 * below the message element with the positions of repeated blocks
 * ("PmtInf[1]/CdtTrfTxInf[37]/Cdtr") and the transaction it belongs to
 * (EndToEndId). Read in a party: Nm; PstlAdr's Ctry, TwnNm, AdrLine and the
 * other address parts; BICFI / BIC / AnyBIC; LEI; Othr/Id (with its scheme
 * code: NIDN national id, CCPT passport, TXID tax id); ClrSysMmbId/MmbId;
 * DtAndPlcOfBirth (BirthDt, CityOfBirth: a Person); CtryOfRes. An account
 * element (DbtrAcct, CdtrAcct, DbtrAgtAcct...) gives its IBAN to the party it
 * follows. Free text: RmtInf/Ustrd, RmtInf/Strd/AddtlRmtInf, Purp,
 * RgltryRptg (Inf, Nm), InstrForCdtrAgt and InstrForNxtAgt (InstrInf).
 *
 * Checked: GrpHdr/MsgId present; at least one transaction; each transaction
 * with its debtor and creditor (pain.001: the debtor of its PmtInf); amounts
 * (IntrBkSttlmAmt, InstdAmt, Amt) a decimal number with a three-letter Ccy;
 * dates (IntrBkSttlmDt, ReqdExctnDt, BirthDt) real ISO dates; BICs of the BIC
 * shape. A Document holding another message is reported, not guessed at.
 */
#include <ctype.h>
#include <stddef.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payments/payment.h"

#define DEPTH 64
#define NAME 48
#define MAX_TEXT (64 * 1024)

typedef struct iso {
    XML_Parser p;
    pay_message_fn fn;
    void *ctx;
    int stopped; /* fn returned -1 */
    long count;
    int depth;
    em_buf text;
    /* the message being read */
    int in_msg;
    int msg_depth; /* depth of the message element */
    int doc_depth; /* depth of the Document element, 0 = none */
    int doc_had_msg;
    pay_message m;
    int kind;         /* 8 pacs.008, 9 pacs.009, 1 pain.001 */
    int party_depth;  /* depth of the current party element, 0 = none */
    pay_party *party; /* index into m.parties is stable only until the next add: use pidx */
    size_t pidx;
    char othr_id[256], othr_type[16];
    char txn[64], pmtinf_id[64];
    int tx_has_dbtr, tx_has_cdtr, pmtinf_has_dbtr;
    int in_tx_depth;
    long root_seen;
    /* last, and not zeroed by pay_iso_parse: each level is written when an element opens,
       before anything reads it (4 KB a document) */
    char stack[DEPTH][NAME];
    int index[DEPTH];       /* position of a repeated block (PmtInf, CdtTrfTxInf), 0 = none */
    int children[DEPTH][2]; /* PmtInf / CdtTrfTxInf seen below each level */
} iso;

static const char *const PARTIES[][2] = {{"Dbtr", "debtor"},
                                         {"Cdtr", "creditor"},
                                         {"UltmtDbtr", "ultimate_debtor"},
                                         {"UltmtCdtr", "ultimate_creditor"},
                                         {"InitgPty", "initiating_party"},
                                         {"DbtrAgt", "debtor_agent"},
                                         {"CdtrAgt", "creditor_agent"},
                                         {"IntrmyAgt1", "intermediary_agent_1"},
                                         {"IntrmyAgt2", "intermediary_agent_2"},
                                         {"IntrmyAgt3", "intermediary_agent_3"},
                                         {"InstgAgt", "instructing_agent"},
                                         {"InstdAgt", "instructed_agent"},
                                         {"PrvsInstgAgt1", "previous_instructing_agent_1"},
                                         {"PrvsInstgAgt2", "previous_instructing_agent_2"},
                                         {"PrvsInstgAgt3", "previous_instructing_agent_3"},
                                         {NULL, NULL}};

static const char *party_role(const char *name) {
    /* every party element begins with one of these letters (most elements do not) */
    if (!strchr("CDIPU", name[0]) || !name[0]) return NULL;
    for (size_t i = 0; PARTIES[i][0]; i++)
        if (strcmp(PARTIES[i][0], name) == 0) return PARTIES[i][1];
    return NULL;
}

static const char *local(const char *name) {
    const char *s = strrchr(name, '\x1f');
    return s ? s + 1 : name;
}

static int is(const iso *x, int up, const char *name) {
    int i = x->depth - 1 - up;
    return i >= 0 && strcmp(x->stack[i], name) == 0;
}

/* appends s to out (n bytes so far), cut at cap - 1 bytes as snprintf would */
static size_t path_add(char *out, size_t n, size_t cap, const char *s, size_t len) {
    size_t room = cap - 1 - n;
    if (len > room) len = room;
    memcpy(out + n, s, len);
    return n + len;
}

/* the path of the element at depth d (1-based) below the message element: "CdtTrfTxInf[2]/Cdtr"
   (written without snprintf: once per party, on the parser's hot path) */
static void path_of(const iso *x, int d, char *out, size_t cap) {
    size_t n = 0;
    out[0] = 0;
    for (int i = x->msg_depth; i < d && n + 1 < cap; i++) {
        if (n) n = path_add(out, n, cap, "/", 1);
        n = path_add(out, n, cap, x->stack[i], strlen(x->stack[i]));
        if (x->index[i]) {
            char num[16];
            size_t k = sizeof num;
            num[--k] = ']';
            for (unsigned v = (unsigned)x->index[i]; v; v /= 10)
                num[--k] = (char)('0' + v % 10);
            num[--k] = '[';
            n = path_add(out, n, cap, num + k, sizeof num - k);
        }
        out[n] = 0;
    }
}

static int fail(iso *x, const char *fmt, const char *a) {
    char path[512];
    path_of(x, x->depth, path, sizeof path);
    return pay_message_fail(&x->m, path, fmt, path, a);
}

static void begin_message(iso *x, const char *qname, int kind) {
    pay_message_init(&x->m);
    x->m.ordinal = (size_t)++x->count;
    x->m.first_line = (size_t)XML_GetCurrentLineNumber(x->p);
    x->kind = kind;
    /* the version from the namespace: ...:tech:xsd:pacs.008.001.08 */
    const char *sep = strchr(qname, '\x1f');
    const char *ver = NULL;
    if (sep) {
        const char *xsd = NULL;
        for (const char *s = qname; s + 4 <= sep; s++)
            if (memcmp(s, "xsd:", 4) == 0) xsd = s + 4;
        if (xsd && xsd < sep) ver = xsd;
        if (ver) x->m.format = em_xstrndup(ver, (size_t)(sep - ver));
    }
    if (!x->m.format)
        x->m.format = em_xstrdup(kind == 8 ? "pacs.008" : kind == 9 ? "pacs.009" : "pain.001");
    x->in_msg = 1;
    x->msg_depth = x->depth; /* the message element is stack[depth-1] */
    x->party_depth = 0;
    x->txn[0] = x->pmtinf_id[0] = 0;
    x->in_tx_depth = 0;
}

static int deliver(iso *x) {
    if (!x->m.error) {
        if (!x->m.id)
            pay_message_fail(&x->m, "GrpHdr/MsgId", "GrpHdr/MsgId is missing");
        else if (!x->m.transactions)
            pay_message_fail(&x->m, "CdtTrfTxInf",
                             "the message holds no transaction "
                             "(CdtTrfTxInf)");
    }
    int rc = x->fn(x->ctx, &x->m);
    pay_message_free(&x->m);
    x->in_msg = 0;
    if (rc != 0) {
        x->stopped = 1;
        XML_StopParser(x->p, XML_FALSE);
    }
    return rc;
}

static void XMLCALL on_start(void *ud, const XML_Char *qname, const XML_Char **attrs) {
    iso *x = ud;
    (void)attrs;
    const char *name = local(qname);
    if (x->depth >= DEPTH) {
        if (x->in_msg) fail(x, "%s: elements nested too deeply%s", "");
        x->depth++;
        return;
    }
    int d = x->depth;
    pay_copy(x->stack[d], NAME, name);
    x->index[d] = 0;
    x->children[d][0] = x->children[d][1] = 0;
    x->depth++;
    em_buf_reset(&x->text);
    x->root_seen++;
    if (strcmp(name, "Document") == 0 && !x->in_msg) {
        x->doc_depth = x->depth;
        x->doc_had_msg = 0;
        return;
    }
    if (!x->in_msg) {
        int kind = strcmp(name, "FIToFICstmrCdtTrf") == 0  ? 8
                   : strcmp(name, "FICdtTrf") == 0         ? 9
                   : strcmp(name, "CstmrCdtTrfInitn") == 0 ? 1
                                                           : 0;
        if (kind) {
            begin_message(x, qname, kind);
            if (x->doc_depth) x->doc_had_msg = 1;
        } else if (x->doc_depth && x->depth == x->doc_depth + 1) {
            /* a Document holding another message */
            pay_message_init(&x->m);
            x->m.ordinal = (size_t)++x->count;
            x->m.first_line = (size_t)XML_GetCurrentLineNumber(x->p);
            x->m.format = em_xstrdup("iso20022");
            pay_message_fail(&x->m, name,
                             "not a credit transfer read here: Document holds <%s> "
                             "(pacs.008 FIToFICstmrCdtTrf, pacs.009 FICdtTrf and "
                             "pain.001 CstmrCdtTrfInitn are)",
                             name);
            x->doc_had_msg = 1;
            x->in_msg = 1;
            x->msg_depth = x->depth;
        }
        return;
    }
    if (x->m.error) return;
    /* repeated blocks get their position */
    int which = strcmp(name, "PmtInf") == 0 ? 0 : strcmp(name, "CdtTrfTxInf") == 0 ? 1 : -1;
    if (which >= 0) {
        x->index[d] = ++x->children[d - 1][which];
        if (which == 1) {
            x->m.transactions++;
            x->in_tx_depth = x->depth;
            x->txn[0] = 0;
            x->tx_has_dbtr = x->kind == 1 ? x->pmtinf_has_dbtr : 0;
            x->tx_has_cdtr = 0;
        } else {
            x->pmtinf_id[0] = 0;
            x->pmtinf_has_dbtr = 0;
        }
    }
    const char *role = party_role(name);
    if (role && !x->party_depth) {
        char path[512];
        path_of(x, x->depth, path, sizeof path);
        int agent = strstr(name, "Agt") != NULL;
        /* a customer inside UndrlygCstmrCdtTrf is the underlying one */
        pay_party *p = pay_add_party(&x->m, path, role, agent ? "Organization" : NULL);
        const char *txn = x->txn[0] ? x->txn : x->pmtinf_id[0] ? x->pmtinf_id : NULL;
        p->txn = em_xstrdup(txn);
        x->pidx = x->m.parties.len - 1;
        x->party_depth = x->depth;
        x->othr_id[0] = x->othr_type[0] = 0;
        int in_undrlyg = 0;
        for (int i = x->msg_depth; i < x->depth; i++)
            if (strcmp(x->stack[i], "UndrlygCstmrCdtTrf") == 0) in_undrlyg = 1;
        if (x->in_tx_depth && !in_undrlyg && x->depth == x->in_tx_depth + 1) {
            if (strcmp(name, "Dbtr") == 0) x->tx_has_dbtr = 1;
            if (strcmp(name, "Cdtr") == 0) x->tx_has_cdtr = 1;
        }
        if (x->kind == 1 && strcmp(name, "Dbtr") == 0 && is(x, 1, "PmtInf")) x->pmtinf_has_dbtr = 1;
        return;
    }
    if (x->party_depth) {
        pay_party *p = &x->m.parties.items[x->pidx];
        if (strcmp(name, "FinInstnId") == 0 || strcmp(name, "OrgId") == 0) {
            p->schema = "Organization";
        } else if (strcmp(name, "PrvtId") == 0 || strcmp(name, "DtAndPlcOfBirth") == 0) {
            p->schema = "Person";
        }
    }
    /* the amount's currency */
    if (strcmp(name, "IntrBkSttlmAmt") == 0 || strcmp(name, "InstdAmt") == 0 ||
        (strcmp(name, "Amt") == 0 && !x->party_depth)) {
        const char *ccy = NULL;
        for (size_t i = 0; attrs[i]; i += 2)
            if (strcmp(local(attrs[i]), "Ccy") == 0) ccy = attrs[i + 1];
        if (strcmp(name, "Amt") != 0 &&
            (!ccy || strlen(ccy) != 3 || !isupper((unsigned char)ccy[0]) ||
             !isupper((unsigned char)ccy[1]) || !isupper((unsigned char)ccy[2])))
            fail(x, "%s: the amount needs a currency (Ccy, three letters), has '%s'",
                 ccy ? ccy : "");
    }
}

static int valid_iso_date(const char *s) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) < 10 || s[4] != '-' || s[7] != '-') return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) return 0;
    int y = atoi(s), mo = atoi(s + 5), d = atoi(s + 8);
    if (mo < 1 || mo > 12 || d < 1) return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[mo - 1] + (mo == 2 && leap);
}

static int valid_amount(const char *s) {
    size_t n = strlen(s), dots = 0, digits = 0;
    if (!n || n > 19) return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.')
            dots++;
        else if (isdigit((unsigned char)s[i]))
            digits++;
        else
            return 0;
    }
    return dots <= 1 && digits > 0 && s[0] != '.';
}

static void party_end(iso *x, const char *name, const char *t) {
    pay_party *p = &x->m.parties.items[x->pidx];
    if (!*t) {
        if (strcmp(name, "Othr") == 0) x->othr_id[0] = x->othr_type[0] = 0;
        return;
    }
    if (strcmp(name, "Nm") == 0 && (x->depth - 1 == x->party_depth || is(x, 1, "FinInstnId")))
        em_strvec_push(&p->names, t);
    else if (strcmp(name, "Ctry") == 0 && is(x, 1, "PstlAdr"))
        pay_party_add_country(p, t);
    else if (strcmp(name, "CtryOfRes") == 0)
        pay_party_add_country(p, t);
    else if (is(x, 1, "PstlAdr") &&
             (strcmp(name, "AdrLine") == 0 || strcmp(name, "TwnNm") == 0 ||
              strcmp(name, "StrtNm") == 0 || strcmp(name, "CtrySubDvsn") == 0 ||
              strcmp(name, "DstrctNm") == 0 || strcmp(name, "TwnLctnNm") == 0))
        em_strvec_push(&p->address, t);
    else if (strcmp(name, "BICFI") == 0 || strcmp(name, "BIC") == 0 ||
             strcmp(name, "AnyBIC") == 0) {
        if (!pay_is_bic(t)) {
            fail(x, "%s: '%s' is not a BIC", t);
            return;
        }
        free(p->bic);
        p->bic = em_xstrdup(t);
        char cc[3] = {t[4], t[5], 0};
        pay_party_add_country(p, cc);
    } else if (strcmp(name, "LEI") == 0)
        pay_party_add_id(p, "lei", t);
    else if (strcmp(name, "Id") == 0 && is(x, 1, "Othr"))
        pay_copy(x->othr_id, sizeof x->othr_id, t);
    else if (strcmp(name, "Cd") == 0 && is(x, 1, "SchmeNm"))
        pay_copy(x->othr_type, sizeof x->othr_type, t);
    else if (strcmp(name, "MmbId") == 0)
        pay_party_add_id(p, "other", t);
    else if (strcmp(name, "BirthDt") == 0) {
        if (!valid_iso_date(t)) {
            fail(x, "%s: '%s' is not a date (YYYY-MM-DD)", t);
            return;
        }
        free(p->birth_date);
        p->birth_date = em_xstrndup(t, 10);
    } else if (strcmp(name, "CityOfBirth") == 0) {
        free(p->birth_place);
        p->birth_place = em_xstrdup(t);
    }
}

static void othr_end(iso *x) {
    if (!x->othr_id[0]) return;
    pay_party *p = &x->m.parties.items[x->pidx];
    const char *type = strcmp(x->othr_type, "NIDN") == 0   ? "national_id"
                       : strcmp(x->othr_type, "CCPT") == 0 ? "passport"
                       : strcmp(x->othr_type, "TXID") == 0 ? "tax_id"
                                                           : "other";
    pay_party_add_id(p, type, x->othr_id);
    x->othr_id[0] = x->othr_type[0] = 0;
}

static void XMLCALL on_end(void *ud, const XML_Char *qname) {
    iso *x = ud;
    (void)qname;
    if (x->depth > DEPTH) {
        x->depth--;
        return;
    }
    const char *name = x->stack[x->depth - 1];
    char *t = (char *)em_buf_cstr(&x->text);
    if (x->text.len) em_strtrim(t); /* an empty buffer's text is a constant "" */
    if (x->in_msg && !x->m.error && x->depth > x->msg_depth) {
        char path[512];
        if (x->party_depth && x->depth > x->party_depth) {
            if (strcmp(name, "Othr") == 0)
                othr_end(x);
            else
                party_end(x, name, t);
        } else if (x->party_depth && x->depth == x->party_depth) {
            x->party_depth = 0;
        } else if (strcmp(name, "MsgId") == 0 && is(x, 1, "GrpHdr")) {
            free(x->m.id);
            x->m.id = em_xstrdup(t);
        } else if (strcmp(name, "EndToEndId") == 0 && is(x, 1, "PmtId")) {
            pay_copy(x->txn, sizeof x->txn, t);
        } else if (strcmp(name, "PmtInfId") == 0 && is(x, 1, "PmtInf")) {
            pay_copy(x->pmtinf_id, sizeof x->pmtinf_id, t);
        } else if (strcmp(name, "IBAN") == 0 && is(x, 1, "Id") && x->depth >= 3 &&
                   strlen(x->stack[x->depth - 3]) > 4 &&
                   strcmp(x->stack[x->depth - 3] + strlen(x->stack[x->depth - 3]) - 4, "Acct") ==
                       0) {
            /* DbtrAcct -> the Dbtr party at the same level */
            char owner[NAME];
            size_t on = strlen(x->stack[x->depth - 3]) - 4; /* < NAME: the stack's names fit */
            memcpy(owner, x->stack[x->depth - 3], on);
            owner[on] = 0;
            path_of(x, x->depth - 3, path, sizeof path);
            size_t pl = strlen(path);
            for (size_t i = x->m.parties.len; i-- > 0;) {
                pay_party *p = &x->m.parties.items[i];
                size_t fl = strlen(p->field), ol = strlen(owner);
                if (fl == pl + ol + (pl ? 1 : 0) && strncmp(p->field, path, pl) == 0 &&
                    strcmp(p->field + fl - ol, owner) == 0) {
                    free(p->account);
                    p->account = em_xstrdup(t);
                    char cc[3];
                    if (pay_is_iban(t, cc)) pay_party_add_country(p, cc);
                    break;
                }
            }
        } else if ((strcmp(name, "Ustrd") == 0 && is(x, 1, "RmtInf")) ||
                   (strcmp(name, "AddtlRmtInf") == 0) || (strcmp(name, "InstrInf") == 0) ||
                   ((strcmp(name, "Cd") == 0 || strcmp(name, "Prtry") == 0) && is(x, 1, "Purp")) ||
                   ((strcmp(name, "Inf") == 0 || strcmp(name, "Nm") == 0) &&
                    (is(x, 2, "RgltryRptg") || is(x, 3, "RgltryRptg")))) {
            path_of(x, x->depth, path, sizeof path);
            const char *txn = x->txn[0] ? x->txn : x->pmtinf_id[0] ? x->pmtinf_id : NULL;
            pay_add_text(&x->m, path, txn, t);
        } else if (strcmp(name, "IntrBkSttlmAmt") == 0 || strcmp(name, "InstdAmt") == 0) {
            if (!valid_amount(t)) fail(x, "%s: '%s' is not an amount", t);
        } else if (strcmp(name, "IntrBkSttlmDt") == 0 ||
                   (strcmp(name, "Dt") == 0 && is(x, 1, "ReqdExctnDt")) ||
                   (strcmp(name, "ReqdExctnDt") == 0 && *t)) {
            if (!valid_iso_date(t)) fail(x, "%s: '%s' is not a date (YYYY-MM-DD)", t);
        } else if (strcmp(name, "CdtTrfTxInf") == 0 && x->depth == x->in_tx_depth) {
            if (!x->tx_has_dbtr && x->kind != 9)
                fail(x, "%s: the transaction has no debtor (Dbtr)%s", "");
            else if (!x->tx_has_cdtr && x->kind != 9)
                fail(x, "%s: the transaction has no creditor (Cdtr)%s", "");
            x->in_tx_depth = 0;
            x->txn[0] = 0;
        }
    }
    if (x->in_msg && x->depth == x->msg_depth) {
        x->depth--;
        deliver(x);
        em_buf_reset(&x->text);
        return;
    }
    if (x->doc_depth && x->depth == x->doc_depth) {
        if (!x->doc_had_msg) {
            pay_message_init(&x->m);
            x->m.ordinal = (size_t)++x->count;
            x->m.first_line = (size_t)XML_GetCurrentLineNumber(x->p);
            x->m.format = em_xstrdup("iso20022");
            pay_message_fail(&x->m, "Document",
                             "an empty Document: no pacs.008, pacs.009 or "
                             "pain.001 message in it");
            x->in_msg = 1;
            deliver(x);
        }
        x->doc_depth = 0;
    }
    x->depth--;
    em_buf_reset(&x->text);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len) {
    iso *x = ud;
    if (x->text.len + (size_t)len <= MAX_TEXT) em_buf_add(&x->text, s, (size_t)len);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal) {
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    iso *x = ud;
    x->stopped = 2;
    XML_StopParser(x->p, XML_FALSE);
}

long pay_iso_parse(const char *buf, size_t len, pay_message_fn fn, void *ctx) {
    iso *x = em_xmalloc(sizeof *x);
    memset(x, 0, offsetof(iso, stack));
    x->stack[0][0] = 0; /* named in the error of a document without elements */
    x->p = XML_ParserCreateNS(NULL, '\x1f');
    x->fn = fn;
    x->ctx = ctx;
    em_buf_init(&x->text);
    XML_SetUserData(x->p, x);
    XML_SetElementHandler(x->p, on_start, on_end);
    XML_SetCharacterDataHandler(x->p, on_text);
    XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
    long count;
    int ok = 1;
    /* expat takes an int length: feed large inputs in pieces */
    for (size_t off = 0;;) {
        size_t n = len - off > (1u << 30) ? (1u << 30) : len - off;
        int final = off + n == len;
        if (XML_Parse(x->p, buf + off, (int)n, final) == XML_STATUS_ERROR) {
            ok = 0;
            break;
        }
        off += n;
        if (final) break;
    }
    if (x->stopped == 1) {
        count = -1;
    } else {
        if (!ok || x->stopped == 2 || !x->root_seen || (x->count == 0 && ok)) {
            char why[512];
            if (x->stopped == 2)
                snprintf(why, sizeof why,
                         "line %lu: a document type declaration (DTD) is not "
                         "allowed in a payment message",
                         (unsigned long)XML_GetCurrentLineNumber(x->p));
            else if (!ok)
                snprintf(why, sizeof why, "line %lu column %lu: XML is not well-formed: %s",
                         (unsigned long)XML_GetCurrentLineNumber(x->p),
                         (unsigned long)XML_GetCurrentColumnNumber(x->p) + 1,
                         XML_ErrorString(XML_GetErrorCode(x->p)));
            else
                snprintf(why, sizeof why,
                         "XML that is not ISO 20022: <%s> holds no pacs.008, "
                         "pacs.009 or pain.001 message",
                         x->stack[0][0] ? x->stack[0] : "?");
            pay_message em;
            pay_message *m = x->in_msg ? &x->m : &em;
            if (!x->in_msg) {
                pay_message_init(&em);
                em.ordinal = (size_t)++x->count;
                em.format = em_xstrdup("iso20022");
            } else if (m->error) {
                free(m->error), m->error = NULL;
                free(m->error_field), m->error_field = NULL;
            }
            pay_message_fail(m, NULL, "%s", why);
            int rc = fn(ctx, m);
            pay_message_free(m);
            x->in_msg = 0;
            count = rc != 0 ? -1 : x->count;
        } else {
            count = x->count;
        }
    }
    if (x->in_msg) pay_message_free(&x->m);
    em_buf_free(&x->text);
    XML_ParserFree(x->p);
    free(x);
    return count;
}
