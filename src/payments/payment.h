/*
 * payment.h - one payment message in memory, whatever its format: what the
 * parsers (mt.c: SWIFT MT103 / MT202COV; iso20022.c: pacs.008, pacs.009,
 * pain.001) produce and the screener (screen.c) reads.
 *
 * Design. Screening a wire is screening its parties, each as the field that
 * carries it says it is, plus the free text and the countries the message
 * names. So the model is deliberately flat: a message is a list of parties
 * and a list of free-text fields, each tagged with where it came from (the
 * MT field tag, "B/50F" for a field of MT202COV's sequence B, the header
 * block "1" / "2"; or the XML path below the message element,
 * "CdtTrfTxInf[2]/Cdtr") and, for a party, its role ("beneficiary",
 * "account_with_institution"...) and the schema its field implies: an agent
 * or a BIC field is an Organization, a 50F/59F or PrvtId party with a birth
 * date a Person, a customer without type any party (NULL). Nothing in the
 * model knows about lists or verdicts; nothing in the parsers knows about
 * screening.
 *
 * Streaming. The parsers hand over one message at a time (a callback per
 * message), so a file of thousands of MT messages or a pain.001 batch is
 * never held as a whole model; a bad message becomes a message with `error`
 * set (naming the message, the field and why) and the parse goes on with the
 * next one, except where the bytes give no next message to find (XML that is
 * not well-formed: expat stops there).
 *
 * Ownership: every string is owned by the message; pay_message_free frees it.
 */
#ifndef EM_PAYMENTS_PAYMENT_H
#define EM_PAYMENTS_PAYMENT_H

#include <stddef.h>

#include "base/buf.h"
#include "base/vec.h"

typedef struct pay_id {
    char *type;  /* em_party identifier types: "bic", "lei", "other", "national_id", ... */
    char *value; /* as written */
} pay_id;

typedef struct pay_party {
    char *field; /* "59F", "B/50K", "1" (block 1), "CdtTrfTxInf[1]/Cdtr" */
    /* role and schema are static strings (the parsers' literals), never freed */
    const char *role; /* "sender", "receiver", "ordering_customer", "beneficiary", "debtor", ... */
    const char *schema; /* "Organization", "Person" or NULL (any party) */
    char *txn;          /* ISO: the transaction's EndToEndId / InstrId, NULL for MT */
    em_strvec names;
    em_strvec address;   /* address lines, town, street... as written */
    em_strvec countries; /* ISO 3166 alpha-2, upper case, as stated by the message */
    char *bic;           /* BIC8 or BIC11 as written (upper case), NULL when none */
    char *account;       /* account or IBAN as written, NULL when none */
    EM_VEC(pay_id) ids;  /* LEI and other identifiers */
    char *birth_date;    /* YYYY-MM-DD */
    char *birth_place;
} pay_party;

typedef struct pay_text {
    char *field; /* "70", "72", "77B", "CdtTrfTxInf[3]/RmtInf/Ustrd", ... */
    char *txn;   /* ISO: the transaction's id, NULL for MT */
    char *text;
} pay_text;

typedef struct pay_message {
    char *format;        /* "MT103", "MT202COV", "pacs.008.001.08", "pain.001.001.09", ... */
    char *id;            /* MT field 20, ISO GrpHdr/MsgId; NULL when absent */
    size_t ordinal;      /* 1-based position in its input */
    size_t first_line;   /* line where it starts in its input (1-based) */
    size_t transactions; /* ISO: CdtTrfTxInf count; MT: 1 */
    EM_VEC(pay_party) parties;
    EM_VEC(pay_text) texts;
    char *error;       /* NULL when well formed; else why ("field 32A: bad date 231399") */
    char *error_field; /* the field (or XML path) at fault, NULL when none */
} pay_message;

void pay_message_init(pay_message *m);
void pay_message_free(pay_message *m);
/* A new party appended to m (zeroed but for field, copied, and role and schema, static
   strings kept as they are). */
pay_party *pay_add_party(pay_message *m, const char *field, const char *role, const char *schema);
void pay_add_text(pay_message *m, const char *field, const char *txn, const char *text);
void pay_party_add_id(pay_party *p, const char *type, const char *value);
void pay_party_add_country(pay_party *p, const char *cc); /* two letters, kept upper case */
/* Sets the message's error (the first one wins); returns -1. */
int pay_message_fail(pay_message *m, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Copies src into dst (cap bytes), cut to fit and NUL-terminated (snprintf "%s" without
   its cost, on the parsers' hot path). */
void pay_copy(char *dst, size_t cap, const char *src);

/* 1 when s is a BIC: 4 letters (bank), 2 letters (country), 2 letters/digits
   (location), optionally 3 letters/digits (branch). */
int pay_is_bic(const char *s);
/* 1 when s (spaces allowed) is an IBAN whose ISO 13616 mod-97 check holds;
   cc (may be NULL) receives its country code. */
int pay_is_iban(const char *s, char cc[3]);

/* Called once per message (well formed or not); return 0 to go on, -1 to stop. */
typedef int (*pay_message_fn)(void *ctx, pay_message *m);

/*
 * SWIFT MT (mt.c): a buffer holding one or more FIN messages ({1:...}{2:...}
 * {3:...}{4:...-}{5:...}, separated by nothing, white space or '$'). MT103
 * and MT202COV are read; another message type is reported as an error
 * message and skipped. Returns the number of messages, -1 when fn stopped.
 */
long pay_mt_parse(const char *buf, size_t len, pay_message_fn fn, void *ctx);

/*
 * ISO 20022 (iso20022.c): an XML document holding one Document (or several,
 * under any wrapper element, with or without a business application header).
 * Any namespace version of pacs.008 (FIToFICstmrCdtTrf), pacs.009
 * (FICdtTrf, with UndrlygCstmrCdtTrf for COV) and pain.001
 * (CstmrCdtTrfInitn). A Document holding something else is an error message.
 * Returns the number of messages, -1 when fn stopped; malformed XML ends the
 * parse with one more error message (how far it got and expat's reason).
 */
long pay_iso_parse(const char *buf, size_t len, pay_message_fn fn, void *ctx);

/* "mt", "iso20022" or NULL from the first bytes ('{' or '<' after white space / a BOM). */
const char *pay_detect(const char *buf, size_t len);

#endif
