/*
 * ofac_remarks.c - clause parser for the OFAC legacy CSV Remarks column
 * (see ofac_remarks.h).
 *
 * The remarks are a "; "-separated list of clauses, each "<Label> <value>",
 * optionally prefixed with "alt. " for a further value of the same kind.
 * The labels are matched against a table (longest match wins, case
 * insensitive); "<Label> No./Number/# VALUE" identifiers not in the table
 * become EM_ID_OTHER with the source's label.
 */
#include "sources/ofac_remarks.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "sources/ofac_common.h"

enum kind {
    K_DOB,
    K_POB,
    K_NATIONALITY,
    K_CITIZEN,
    K_GENDER,
    K_LINK,
    K_CRYPTO,
    K_ID,       /* "<value> (Country) note" */
    K_ID_PLAIN, /* the whole value is the identifier (email, phone, ...) */
    K_VESSEL_REG,
    K_PROP,
    K_PROP_DATE, /* prop, value converted to ISO when it is a single date */
};

typedef struct clause_rule {
    const char *label;
    enum kind kind;
    const char *type; /* EM_ID_* or prop key */
} clause_rule;

static const clause_rule RULES[] = {
    {"DOB", K_DOB, NULL},
    {"POB", K_POB, NULL},
    {"nationality", K_NATIONALITY, NULL},
    {"citizen", K_CITIZEN, NULL},
    {"Gender", K_GENDER, NULL},
    {"Linked To", K_LINK, NULL},
    {"Digital Currency Address -", K_CRYPTO, EM_ID_CRYPTO},

    /* vessels and aircraft */
    {"Vessel Registration Identification", K_VESSEL_REG, NULL},
    {"MMSI", K_ID_PLAIN, EM_ID_MMSI},
    {"Other Vessel Call Sign", K_ID_PLAIN, EM_ID_CALL_SIGN},
    {"Vessel Call Sign", K_ID_PLAIN, EM_ID_CALL_SIGN},
    {"Other Vessel Flag", K_PROP, "vessel_flag"},
    {"Vessel Flag", K_PROP, "vessel_flag"},
    {"Former Vessel Flag", K_PROP, "former_vessel_flag"},
    {"Other Vessel Type", K_PROP, "vessel_type"},
    {"Vessel Year of Build", K_PROP, "build_year"},
    {"Nationality of Registration", K_PROP, "registration_country"},
    {"Aircraft Manufacturer's Serial Number (MSN)", K_ID_PLAIN, EM_ID_OTHER},
    {"Aircraft Construction Number (also called L/N or S/N or F/N)", K_ID_PLAIN, EM_ID_OTHER},
    {"Aircraft Serial Identification", K_ID_PLAIN, EM_ID_OTHER},
    {"Aircraft Mode S Transponder Code", K_ID_PLAIN, EM_ID_OTHER},
    {"Aircraft Tail Number", K_ID_PLAIN, EM_ID_REGISTRATION},
    {"Previous Aircraft Tail Number", K_ID_PLAIN, EM_ID_OTHER},
    {"Aircraft Model", K_PROP, "aircraft_model"},
    {"Aircraft Operator", K_PROP, "aircraft_operator"},
    {"Aircraft Manufacture Date", K_PROP_DATE, "build_date"},

    /* contact */
    {"Email Address", K_ID_PLAIN, EM_ID_EMAIL},
    {"Email", K_ID_PLAIN, EM_ID_EMAIL},
    {"E-mail", K_ID_PLAIN, EM_ID_EMAIL},
    {"Website", K_ID_PLAIN, EM_ID_WEBSITE},
    {"Phone Number", K_ID_PLAIN, EM_ID_PHONE},
    {"Phone No.", K_ID_PLAIN, EM_ID_PHONE},
    {"Phone", K_ID_PLAIN, EM_ID_PHONE},
    {"Telephone Number", K_ID_PLAIN, EM_ID_PHONE},
    {"Telephone No.", K_ID_PLAIN, EM_ID_PHONE},
    {"Telephone", K_ID_PLAIN, EM_ID_PHONE},
    {"Fax No.", K_ID_PLAIN, EM_ID_PHONE},
    {"Fax", K_ID_PLAIN, EM_ID_PHONE},
    {"SWIFT/BIC", K_ID_PLAIN, EM_ID_BIC},

    /* passports and personal documents */
    {"Passport", K_ID, EM_ID_PASSPORT},
    {"Diplomatic Passport", K_ID, EM_ID_PASSPORT},
    {"Stateless Person Passport", K_ID, EM_ID_PASSPORT},
    {"Travel Document Number", K_ID, EM_ID_PASSPORT},
    {"National ID No.", K_ID, EM_ID_NATIONAL},
    {"National ID", K_ID, EM_ID_NATIONAL},
    {"National Identification Number", K_ID, EM_ID_NATIONAL},
    {"Tazkira National ID Card", K_ID, EM_ID_NATIONAL},
    {"Personal ID Card", K_ID, EM_ID_NATIONAL},
    {"Kenyan ID No.", K_ID, EM_ID_NATIONAL},
    {"Citizen's Card Number", K_ID, EM_ID_NATIONAL},
    {"Turkish Identification Number", K_ID, EM_ID_NATIONAL},
    {"Numero de Identidad", K_ID, EM_ID_NATIONAL},
    {"D.N.I.", K_ID, EM_ID_NATIONAL},
    {"C.U.I.", K_ID, EM_ID_NATIONAL},
    {"SSN", K_ID, EM_ID_NATIONAL},
    {"Cedula No.", K_ID, EM_ID_REGISTRATION},
    {"Identification Number", K_ID, EM_ID_REGISTRATION},
    {"C.U.R.P.", K_ID, EM_ID_REGISTRATION},
    {"C.U.R.P. #", K_ID, EM_ID_REGISTRATION},

    /* tax */
    {"Tax ID No.", K_ID, EM_ID_TAX},
    {"RFC", K_ID, EM_ID_TAX},
    {"R.F.C.", K_ID, EM_ID_TAX},
    {"R.F.C. #", K_ID, EM_ID_TAX},
    {"NIT #", K_ID, EM_ID_TAX},
    {"R.U.C. #", K_ID, EM_ID_TAX},
    {"RUC #", K_ID, EM_ID_TAX},
    {"RIF #", K_ID, EM_ID_TAX},
    {"C.U.I.T.", K_ID, EM_ID_TAX},
    {"C.I.F.", K_ID, EM_ID_TAX},
    {"V.A.T. Number", K_ID, EM_ID_TAX},
    {"US FEIN", K_ID, EM_ID_TAX},
    {"Italian Fiscal Code", K_ID, EM_ID_TAX},
    {"RTN", K_ID, EM_ID_TAX},
    {"Paraguayan tax identification number", K_ID, EM_ID_TAX},
    {"Numero Unico de Identificacao Tributaria (NUIT)", K_ID, EM_ID_TAX},

    /* companies */
    {"Registration ID", K_ID, EM_ID_REGISTRATION},
    {"Registration Number", K_ID, EM_ID_REGISTRATION},
    {"Company Number", K_ID, EM_ID_REGISTRATION},
    {"UK Company Number", K_ID, EM_ID_REGISTRATION},
    {"Business Registration Number", K_ID, EM_ID_REGISTRATION},
    {"Business Registration Document #", K_ID, EM_ID_REGISTRATION},
    {"Commercial Registry Number", K_ID, EM_ID_REGISTRATION},
    {"Legal Entity Number", K_ID, EM_ID_REGISTRATION},
    {"Unified Social Credit Code (USCC)", K_ID, EM_ID_REGISTRATION},
    {"Unified Social Credit Code", K_ID, EM_ID_REGISTRATION},
    {"United Social Credit Code Certificate (USCCC)", K_ID, EM_ID_REGISTRATION},
    {"Government Gazette Number", K_ID, EM_ID_REGISTRATION},
    {"Trade License No.", K_ID, EM_ID_REGISTRATION},
    {"Chamber of Commerce Number", K_ID, EM_ID_REGISTRATION},
    {"Economic Register Number (CBLS)", K_ID, EM_ID_REGISTRATION},
    {"Central Registration System Number", K_ID, EM_ID_REGISTRATION},
    {"Enterprise Number", K_ID, EM_ID_REGISTRATION},
    {"Certificate of Incorporation Number", K_ID, EM_ID_REGISTRATION},
    {"Folio Mercantil No.", K_ID, EM_ID_REGISTRATION},
    {"Matricula Mercantil No", K_ID, EM_ID_REGISTRATION},
    {"C.R. No.", K_ID, EM_ID_REGISTRATION},
    {"Istanbul Chamber of Comm. No.", K_ID, EM_ID_REGISTRATION},
    {"Dubai Chamber of Commerce Membership No.", K_ID, EM_ID_REGISTRATION},
    {"Branch Unit Number", K_ID, EM_ID_REGISTRATION},
    {"Organization Code", K_ID, EM_ID_REGISTRATION},
    {"Registered Charity No.", K_ID, EM_ID_REGISTRATION},
    {"D-U-N-S Number", K_ID, EM_ID_OTHER},
    {"BIK (RU)", K_ID, EM_ID_OTHER},
    {"ISIN", K_ID, EM_ID_OTHER},
    {"Birth Certificate Number", K_ID, EM_ID_OTHER},
    {"Credencial electoral", K_ID, EM_ID_OTHER},
    {"I.F.E.", K_ID, EM_ID_OTHER},
    {"Cartilla de Servicio Militar Nacional", K_ID, EM_ID_OTHER},
    {"VisaNumberID", K_ID, EM_ID_OTHER},
    {"C.U.I.P.", K_ID, EM_ID_OTHER},
    {"Romanian Permanent Resident CAN", K_ID, EM_ID_OTHER},
    {"Refugee ID Card", K_ID, EM_ID_OTHER},
    {"License", K_ID, EM_ID_OTHER},

    /* organisation facts */
    {"Title", K_PROP, "title"},
    {"Organization Established Date", K_PROP_DATE, "incorporation_date"},
    {"Organization Type", K_PROP, "organization_type"},
    {"Target Type", K_PROP, "target_type"},
    {"Additional Sanctions Information -", K_PROP, "sanctions_info"},
};

/* ---- small string helpers -------------------------------------------- */

static int is_boundary(char c) {
    return c == '\0' || c == ' ' || c == ':';
}

/* Length of `label` when s starts with it (case-insensitively) at a word boundary, else 0. */
static size_t match_label(const char *s, const char *label) {
    size_t n = strlen(label);
    if (!em_starts_with_ci(s, label)) return 0;
    char last = label[n - 1];
    if (isalnum((unsigned char)last) && !is_boundary(s[n])) return 0;
    return n;
}

static char *skip_sep(char *s) {
    while (*s == ' ' || *s == ':' || *s == '\t')
        s++;
    return s;
}

static void strip_trailing(char *s, const char *chars) {
    size_t n = strlen(s);
    while (n > 0 && (strchr(chars, s[n - 1]) || isspace((unsigned char)s[n - 1])))
        s[--n] = '\0';
}

/* ---- dates -------------------------------------------------------------- */

static int all_digits(const char *s, size_t n) {
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    return 1;
}

/* One date: "12 Mar 1960", "March 1960", "1960" (exactly n bytes of s); 1 when understood. */
static int parse_single(const char *s, size_t n, char out[11]) {
    return em_ofac_date_single(s, n, out, EM_OFAC_DATE_FULL_MONTH | EM_OFAC_DATE_SPACES_ONLY) == 0;
}

int em_ofac_remarks_date(const char *text, char from[11], char to[11], int *circa) {
    from[0] = to[0] = '\0';
    *circa = 0;
    if (!text) return 0;
    while (*text == ' ')
        text++;
    if (em_starts_with_ci(text, "circa ")) {
        *circa = 1;
        text += 6;
        while (*text == ' ')
            text++;
    }
    size_t n = strlen(text);
    while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '.'))
        n--;
    if (n == 0) return 0;
    const char *sep = strstr(text, " to ");
    if (sep && (size_t)(sep - text) < n) {
        const char *b = sep + 4;
        if (!parse_single(text, (size_t)(sep - text), from)) return 0;
        if (!parse_single(b, n - (size_t)(b - text), to)) {
            from[0] = '\0';
            return 0;
        }
        return 1;
    }
    /* "1960-1962" */
    if (n == 9 && text[4] == '-' && all_digits(text, 4) && all_digits(text + 5, 4)) {
        memcpy(from, text, 4);
        from[4] = '\0';
        memcpy(to, text + 5, 4);
        to[4] = '\0';
        return 1;
    }
    if (!parse_single(text, n, from)) return 0;
    memcpy(to, from, 11);
    return 1;
}

/* ---- clause handlers ---------------------------------------------------- */

/* "A12345 (Iran) issued 01 Jan 2010" -> value, country, note. */
static void add_document(em_entity *e, const char *type, const char *label, char *v) {
    char *country = NULL, *note = NULL;
    char *open = strstr(v, " (");
    char *close = open ? strchr(open, ')') : NULL;
    if (open && close) {
        *open = '\0';
        *close = '\0';
        country = em_strtrim(open + 2);
        note = close + 1;
    } else {
        static const char *KW[] = {" issued ", " expires ", " valid ", " Issue Date ", ", "};
        for (size_t i = 0; i < sizeof KW / sizeof *KW; i++) {
            char *k = strstr(v, KW[i]);
            if (k) {
                *k = '\0';
                note = k + (KW[i][0] == ',' ? 2 : 1);
                break;
            }
        }
    }
    if (note) {
        while (*note == ' ' || *note == ',' || *note == '.' || *note == ';')
            note++;
        strip_trailing(note, ".,;");
        if (!*note) note = NULL;
    }
    strip_trailing(v, ".,;");
    em_strtrim(v);
    if (!*v) return;
    em_identifier *d =
        em_entity_add_identifier(e, type, v, country && *country ? country : NULL, label);
    if (d && note) em_entity_set(&d->note, note);
}

static void add_crypto(em_entity *e, char *v) {
    /* v = "XBT 1A1zP1..." */
    char *sp = strchr(v, ' ');
    if (!sp) return;
    *sp = '\0';
    char *addr = em_strtrim(sp + 1);
    char *end = strchr(addr, ' ');
    if (end) *end = '\0';
    strip_trailing(addr, ".,;");
    if (!*addr || !*v) return;
    char *label = em_xasprintf("Digital Currency Address - %s", v);
    em_identifier *d = em_entity_add_identifier(e, EM_ID_CRYPTO, addr, NULL, label);
    if (d) em_entity_set(&d->currency, v);
    free(label);
}

static void add_date_prop(em_entity *e, const char *key, const char *v) {
    char from[11], to[11];
    int circa;
    if (em_ofac_remarks_date(v, from, to, &circa) && !circa && strcmp(from, to) == 0)
        em_entity_add_prop(e, key, from);
    else
        em_entity_add_prop(e, key, v);
}

/* "a.k.a. 'MOIS'" (marker already removed: v = "'MOIS'") */
static void add_weak_alias(em_entity *e, const char *kind, char *v) {
    em_strtrim(v);
    size_t n = strlen(v);
    if (n >= 2 && (v[0] == '\'' || v[0] == '"')) {
        char *close = strrchr(v + 1, v[0]);
        if (close) *close = '\0';
        v++;
        /* doubled quotes: "a.k.a. ''FOOPIE''" */
        n = strlen(v);
        if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'') {
            v[n - 1] = '\0';
            v++;
        }
    }
    em_strtrim(v);
    if (*v) em_entity_add_name(e, v, kind, "weak", NULL);
}

/* Generic "<Label> No. VALUE (Country)": returns 1 when handled. */
static int try_generic_id(em_entity *e, char *c) {
    static const char *KEYS[] = {" No. ", " No ", " Number ", " # ", " ID "};
    if (!isupper((unsigned char)c[0])) return 0;
    for (size_t i = 0; i < sizeof KEYS / sizeof *KEYS; i++) {
        char *k = strstr(c, KEYS[i]);
        if (!k) continue;
        char *v = k + strlen(KEYS[i]);
        while (*v == ' ' || *v == ':')
            v++;
        /* the value must look like an identifier: starts with an alnum, has a digit */
        if (!isalnum((unsigned char)*v) || !strpbrk(v, "0123456789")) continue;
        /* and the label should be short (not prose) */
        int words = 1;
        for (char *p = c; p < k; p++)
            if (*p == ' ') words++;
        if (words > 6) continue;
        size_t llen = (size_t)(k - c) + strlen(KEYS[i]) - 1;
        char *label = em_xstrndup(c, llen);
        add_document(e, EM_ID_OTHER, label, v);
        free(label);
        return 1;
    }
    return 0;
}

static void handle_clause(em_entity *e, char *c) {
    em_strtrim(c);
    if (!*c) return;
    if (em_starts_with_ci(c, "alt. ")) c = skip_sep(c + 5);
    if (!*c) return;

    /* weak aliases */
    static const struct {
        const char *marker, *kind;
    } ALIASES[] = {{"a.k.a.", EM_NAME_AKA}, {"f.k.a.", EM_NAME_FKA}, {"n.k.a.", EM_NAME_NKA}};
    for (size_t i = 0; i < 3; i++)
        if (em_starts_with_ci(c, ALIASES[i].marker)) {
            add_weak_alias(e, ALIASES[i].kind, c + 6);
            return;
        }

    const clause_rule *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < sizeof RULES / sizeof *RULES; i++) {
        size_t n = match_label(c, RULES[i].label);
        if (n > best_len) {
            best = &RULES[i];
            best_len = n;
        }
    }
    if (!best) {
        try_generic_id(e, c);
        return;
    }
    char *v = skip_sep(c + best_len);
    if (!*v) return;

    switch (best->kind) {
    case K_DOB: {
        char from[11], to[11];
        int circa;
        strip_trailing(v, ".");
        if (em_ofac_remarks_date(v, from, to, &circa))
            em_entity_add_birth_date(e, v, from, to, circa);
        else
            em_entity_add_birth_date(e, v, NULL, NULL, 0);
        break;
    }
    case K_POB:
        em_entity_add_birth_place(e, v);
        break;
    case K_NATIONALITY:
        if (!strchr(v, ';')) em_entity_add_nationality(e, v);
        break;
    case K_CITIZEN:
        if (!strchr(v, ';')) em_entity_add_citizenship(e, v);
        break;
    case K_GENDER:
        strip_trailing(v, ".");
        if (em_strcaseeq(v, "male"))
            em_entity_set(&e->gender, "male");
        else if (em_strcaseeq(v, "female"))
            em_entity_set(&e->gender, "female");
        break;
    case K_LINK:
        em_entity_add_link(e, "linked_to", NULL, v);
        break;
    case K_CRYPTO:
        add_crypto(e, v);
        break;
    case K_ID:
        add_document(e, best->type, best->label, v);
        break;
    case K_ID_PLAIN:
        strip_trailing(v, ";");
        em_entity_add_identifier(e, best->type, v, NULL, best->label);
        break;
    case K_VESSEL_REG:
        if (em_starts_with_ci(v, "IMO ")) {
            v = skip_sep(v + 4);
            strip_trailing(v, ".");
            em_entity_add_identifier(e, EM_ID_IMO, v, NULL, "IMO");
        } else {
            add_document(e, EM_ID_REGISTRATION, best->label, v);
        }
        break;
    case K_PROP:
        em_entity_add_prop(e, best->type, v);
        break;
    case K_PROP_DATE:
        add_date_prop(e, best->type, v);
        break;
    }
}

/* ---- splitting ----------------------------------------------------------- */

/* When the clause at s is a quoted alias, returns the closing quote; else NULL. */
static const char *alias_close(const char *s) {
    if (em_starts_with_ci(s, "alt. ")) s += 5;
    if (!(em_starts_with_ci(s, "a.k.a. ") || em_starts_with_ci(s, "f.k.a. ") ||
          em_starts_with_ci(s, "n.k.a. ")))
        return NULL;
    s += 7;
    while (*s == ' ')
        s++;
    char q = *s;
    if (q != '\'' && q != '"') return NULL;
    /* the closing quote is the one followed by the clause end */
    for (const char *p = s + 1; *p; p++) {
        if (*p != q) continue;
        const char *a = p + 1;
        if (*a == '\0' || (*a == ';' && (a[1] == ' ' || a[1] == '\0')) ||
            (*a == '.' && a[1] == '\0'))
            return p;
    }
    return NULL;
}

int em_ofac_parse_remarks(em_entity *e, const char *remarks) {
    if (!remarks || !*remarks) return 0;
    char *s = em_xstrdup(remarks);
    char *p = s;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p) break;
        const char *from = p;
        const char *q = alias_close(p);
        if (q) from = q;
        char *sep = strstr(from, "; ");
        char *next;
        if (sep) {
            *sep = '\0';
            next = sep + 2;
        } else {
            next = p + strlen(p);
            /* the last clause carries the sentence's final "." */
            size_t n = strlen(p);
            while (n > 0 && p[n - 1] == ' ')
                p[--n] = '\0';
            if (n > 0 && p[n - 1] == '.') p[n - 1] = '\0';
        }
        handle_clause(e, p);
        p = next;
    }
    free(s);
    return 0;
}
