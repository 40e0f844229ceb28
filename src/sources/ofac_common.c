/*
 * ofac_common.c - OFAC date texts and idType / feature mapping shared by the
 * OFAC parsers (see ofac_common.h).
 */
#include "sources/ofac_common.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"

/* ---- dates ------------------------------------------------------------ */

static const char *const MONTHS[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};

static int all_digits(const char *s, size_t n) {
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    return 1;
}

/* "Mar" (or "Mar." / "March" as flags allow) -> 3; 0 when not a month. */
static int month_of(const char *s, size_t n, int flags) {
    if (n < 3) return 0;
    for (int m = 0; m < 12; m++) {
        if (strncasecmp(s, MONTHS[m], 3) != 0) continue;
        if (n == 3) return m + 1;
        if (!(flags & EM_OFAC_DATE_FULL_MONTH)) return n == 4 && s[3] == '.' ? m + 1 : 0;
        for (size_t k = 3; k < n; k++)
            if (!isalpha((unsigned char)s[k])) return 0;
        return m + 1;
    }
    return 0;
}

static int is_sep(char c, int flags) {
    return (flags & EM_OFAC_DATE_SPACES_ONLY) ? c == ' ' : isspace((unsigned char)c) != 0;
}

int em_ofac_date_single(const char *s, size_t n, char out[11], int flags) {
    const char *tok[3];
    size_t len[3];
    int nt = 0;
    size_t i = 0;
    out[0] = '\0';
    while (i < n) {
        while (i < n && is_sep(s[i], flags))
            i++;
        if (i >= n) break;
        if (nt == 3) return -1;
        tok[nt] = s + i;
        while (i < n && !is_sep(s[i], flags))
            i++;
        len[nt] = (size_t)(s + i - tok[nt]);
        nt++;
    }
    if (nt == 1) {
        const char *t = tok[0];
        if (len[0] == 4 && all_digits(t, 4)) {
            snprintf(out, 11, "%.4s", t);
            return 0;
        }
        /* ISO: YYYY-MM or YYYY-MM-DD */
        if ((flags & EM_OFAC_DATE_ISO) && (len[0] == 7 || len[0] == 10) && all_digits(t, 4) &&
            t[4] == '-' && all_digits(t + 5, 2) &&
            (len[0] == 7 || (t[7] == '-' && all_digits(t + 8, 2)))) {
            snprintf(out, 11, "%.*s", (int)len[0], t);
            return 0;
        }
        return -1;
    }
    if (nt == 2) {
        int m = month_of(tok[0], len[0], flags);
        if (!m || len[1] != 4 || !all_digits(tok[1], 4)) return -1;
        snprintf(out, 11, "%.4s-%02d", tok[1], m);
        return 0;
    }
    if (nt == 3) {
        int m = month_of(tok[1], len[1], flags);
        if (!m || len[0] > 2 || !all_digits(tok[0], len[0]) || len[2] != 4 ||
            !all_digits(tok[2], 4))
            return -1;
        int d = atoi(tok[0]);
        if (d < 1 || d > 31) return -1;
        snprintf(out, 11, "%.4s-%02d-%02d", tok[2], m, d);
        return 0;
    }
    return -1;
}

int em_ofac_parse_date(const char *text, char *from, char *to, int *circa) {
    from[0] = to[0] = '\0';
    *circa = 0;
    if (!text) return -1;
    while (isspace((unsigned char)*text))
        text++;
    if (strncasecmp(text, "circa", 5) == 0 && (text[5] == ' ' || text[5] == '\t')) {
        *circa = 1;
        text += 6;
    } else if (strncasecmp(text, "ca.", 3) == 0) {
        *circa = 1;
        text += 3;
    }
    size_t n = strlen(text);
    while (n && isspace((unsigned char)text[n - 1]))
        n--;
    const char *sep = strstr(text, " to ");
    int rc;
    if (sep && (size_t)(sep - text) < n) {
        const char *b = sep + 4;
        rc = em_ofac_date_single(text, (size_t)(sep - text), from, EM_OFAC_DATE_ISO);
        if (rc == 0) rc = em_ofac_date_single(b, n - (size_t)(b - text), to, EM_OFAC_DATE_ISO);
    } else {
        rc = em_ofac_date_single(text, n, from, EM_OFAC_DATE_ISO);
        if (rc == 0) memcpy(to, from, 16);
    }
    if (rc != 0) {
        from[0] = to[0] = '\0';
        *circa = 0;
        return -1;
    }
    return 0;
}

void em_ofac_add_birth_date(em_entity *e, const char *text) {
    char from[16], to[16];
    int circa;
    if (!text || !*text) return;
    if (em_ofac_parse_date(text, from, to, &circa) == 0)
        em_entity_add_birth_date(e, text, from, to, circa);
    else
        em_entity_add_birth_date(e, text, NULL, NULL, 0);
}

int em_ofac_iso_date(const char *text, char *out, size_t n) {
    if (!text || n < 11) return -1;
    int a, b, c;
    char tail;
    /* MM/DD/YYYY */
    if (sscanf(text, "%2d/%2d/%4d%c", &a, &b, &c, &tail) == 3 && a >= 1 && a <= 12 && b >= 1 &&
        b <= 31 && c >= 1000) {
        snprintf(out, n, "%04d-%02d-%02d", c, a, b);
        return 0;
    }
    /* YYYY-MM-DD[Thh:mm:ss] */
    if (strlen(text) >= 10 && all_digits(text, 4) && text[4] == '-' && all_digits(text + 5, 2) &&
        text[7] == '-' && all_digits(text + 8, 2) && (text[10] == '\0' || text[10] == 'T')) {
        snprintf(out, n, "%.10s", text);
        return 0;
    }
    return -1;
}

const char *em_ofac_schema(const char *t) {
    if (!t) return EM_SCHEMA_LEGAL_ENTITY;
    if (em_strcaseeq(t, "Individual")) return EM_SCHEMA_PERSON;
    if (em_strcaseeq(t, "Entity")) return EM_SCHEMA_ORGANIZATION;
    if (em_strcaseeq(t, "Vessel")) return EM_SCHEMA_VESSEL;
    if (em_strcaseeq(t, "Aircraft")) return EM_SCHEMA_AIRCRAFT;
    return EM_SCHEMA_LEGAL_ENTITY;
}

/* ---- idType / feature mapping ------------------------------------------ */

enum { FACT_VALUE, FACT_QUALIFIED, FACT_LABELLED, FACT_GENDER };

typedef struct fact_rule {
    const char *label; /* case-insensitive */
    int prefix;        /* 1: label is a prefix */
    const char *key;
    int how; /* FACT_*: value as is, value + " (qualifier)", label + " " + value */
} fact_rule;

static const fact_rule FACTS[] = {
    {"Gender", 0, NULL, FACT_GENDER},
    {"Title", 0, "title", FACT_VALUE},
    {"Vessel Year of Build", 0, "build_year", FACT_VALUE},
    {"Vessel Flag", 0, "vessel_flag", FACT_VALUE},
    {"Other Vessel Flag", 0, "vessel_flag", FACT_VALUE},
    {"Former Vessel Flag", 0, "former_vessel_flag", FACT_VALUE},
    {"Vessel Type", 0, "vessel_type", FACT_VALUE},
    {"Other Vessel Type", 0, "vessel_type", FACT_VALUE},
    {"Vessel Owner", 0, "vessel_owner", FACT_VALUE},
    {"Vessel Tonnage", 0, "tonnage", FACT_VALUE},
    {"Vessel Gross Registered Tonnage", 0, "gross_registered_tonnage", FACT_VALUE},
    {"Aircraft Model", 0, "aircraft_model", FACT_VALUE},
    {"Aircraft Operator", 0, "aircraft_operator", FACT_VALUE},
    {"Aircraft Manufacture Date", 0, "build_date", FACT_VALUE},
    {"Organization Established Date", 0, "incorporation_date", FACT_VALUE},
    {"Organization Type:", 0, "organization_type", FACT_VALUE},
    {"Target Type", 0, "target_type", FACT_VALUE},
    {"Nationality of Registration", 0, "registration_country", FACT_VALUE},
    {"Registration Country", 0, "registration_country", FACT_VALUE},
    {"Issuer Name", 0, "issuer_name", FACT_VALUE},
    {"Additional Sanctions Information -", 0, "sanctions_info", FACT_VALUE},
    {"Secondary sanctions risk:", 0, "secondary_sanctions_risk", FACT_VALUE},
    {"Effective Date", 1, "effective_date", FACT_QUALIFIED},
    {"Listing Date", 1, "listing_date", FACT_QUALIFIED},
    {"Purchase/Sales For Divestment Date", 1, "divestment_date", FACT_QUALIFIED},
    {"Executive Order", 1, "sanctions_info", FACT_LABELLED},
    {"CAATSA", 1, "sanctions_info", FACT_LABELLED},
    {"IFCA", 1, "sanctions_info", FACT_LABELLED},
    {"PEESA", 1, "sanctions_info", FACT_LABELLED},
    {"Transactions Prohibited", 1, "sanctions_info", FACT_LABELLED},
};

static const fact_rule *find_fact(const char *label) {
    for (size_t i = 0; i < sizeof FACTS / sizeof FACTS[0]; i++) {
        const fact_rule *r = &FACTS[i];
        if (r->prefix ? em_starts_with_ci(label, r->label) : em_strcaseeq(label, r->label))
            return r;
    }
    return NULL;
}

static void add_fact(em_entity *e, const fact_rule *r, const char *label, const char *value) {
    if (r->how == FACT_GENDER) {
        if (em_strcaseeq(value, "male"))
            em_entity_set(&e->gender, "male");
        else if (em_strcaseeq(value, "female"))
            em_entity_set(&e->gender, "female");
        else
            em_entity_add_prop(e, "gender", value);
        return;
    }
    if (r->how == FACT_VALUE) {
        em_entity_add_prop(e, r->key, value);
        return;
    }
    em_buf b;
    em_buf_init(&b);
    if (r->how == FACT_QUALIFIED) {
        const char *open = strchr(label, '('), *close = open ? strchr(open, ')') : NULL;
        em_buf_adds(&b, value);
        if (open && close) em_buf_printf(&b, " (%.*s)", (int)(close - open - 1), open + 1);
    } else {
        em_buf_printf(&b, "%s %s", label, value);
    }
    em_entity_add_prop(e, r->key, em_buf_cstr(&b));
    em_buf_free(&b);
}

static int has(const char *s, const char *needle) {
    return strcasestr(s, needle) != NULL;
}

static const char *id_type(const char *label) {
    if (em_strcaseeq(label, "Vessel Registration Identification")) return EM_ID_IMO;
    if (em_strcaseeq(label, "MMSI")) return EM_ID_MMSI;
    if (has(label, "Call Sign")) return EM_ID_CALL_SIGN;
    if (em_strcaseeq(label, "SWIFT/BIC")) return EM_ID_BIC;
    if (em_strcaseeq(label, "Email Address")) return EM_ID_EMAIL;
    if (em_strcaseeq(label, "Website")) return EM_ID_WEBSITE;
    if (em_strcaseeq(label, "Phone Number")) return EM_ID_PHONE;
    if (em_starts_with_ci(label, "Digital Currency Address")) return EM_ID_CRYPTO;
    if (has(label, "Passport")) return EM_ID_PASSPORT;
    if (has(label, "National ID") || has(label, "Cedula") || has(label, "Personal ID") ||
        em_strcaseeq(label, "Identification Number") || has(label, "D.N.I.") ||
        has(label, "C.U.R.P."))
        return EM_ID_NATIONAL;
    if (has(label, "Tax ID") || has(label, "V.A.T.") || has(label, "VAT ") ||
        em_starts_with_ci(label, "NIT #") || em_starts_with_ci(label, "RFC") ||
        has(label, "R.U.C.") || em_starts_with_ci(label, "RUC #") ||
        em_starts_with_ci(label, "CUIT"))
        return EM_ID_TAX;
    if (has(label, "Registration") || has(label, "Registry") || has(label, "Company Number") ||
        has(label, "Unified Social Credit Code") || has(label, "Legal Entity Number") ||
        em_strcaseeq(label, "C.R. No.") || has(label, "Business Number") ||
        has(label, "Commercial Register") || has(label, "Certificate of Incorporation") ||
        has(label, "Chamber of Commerce"))
        return EM_ID_REGISTRATION;
    return EM_ID_OTHER;
}

void em_ofac_add_fact(em_entity *e, const char *label, const char *value, const char *country,
                      const char *note) {
    if (!label || !*label) label = "Identification";
    const fact_rule *r = find_fact(label);
    if (r) {
        const char *v = value && *value ? value : country;
        if (v && *v) add_fact(e, r, label, v);
        return;
    }
    if (!value || !*value) return;
    const char *type = id_type(label);
    const char *v = value;
    if (strcmp(type, EM_ID_IMO) == 0 && em_starts_with_ci(v, "IMO")) {
        v += 3;
        while (*v == ' ' || *v == ':')
            v++;
    }
    em_identifier *d = em_entity_add_identifier(e, type, v, country, label);
    if (!d) return;
    if (strcmp(type, EM_ID_CRYPTO) == 0) {
        const char *dash = strrchr(label, '-');
        if (dash) {
            dash++;
            while (*dash == ' ')
                dash++;
            em_entity_set(&d->currency, dash);
        }
    }
    if (note && *note) em_entity_set(&d->note, note);
}
