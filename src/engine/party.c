/*
 * party.c - em_party, the query as an entity (see embargo.h): setters that
 * check and normalise (schema through the schema table, countries to ISO
 * codes, dates to the forms the matcher reads), and the accessors.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/error.h"
#include "engine/engine_internal.h"
#include "index/dates.h"
#include "model/entity.h"
#include "model/schema.h"
#include "text/country_resolve.h"

em_party *em_party_new(void) {
    em_party *p = em_xcalloc(1, sizeof *p);
    em_strvec_init(&p->birth_dates);
    em_strvec_init(&p->countries);
    em_strvec_init(&p->id_types);
    em_strvec_init(&p->id_values);
    return p;
}

void em_party_free(em_party *p) {
    if (!p) return;
    for (size_t i = 0; i < p->nnames; i++)
        free(p->names[i].text);
    em_strvec_free(&p->birth_dates);
    em_strvec_free(&p->countries);
    em_strvec_free(&p->id_types);
    em_strvec_free(&p->id_values);
    free(p);
}

/* a value of a party: not too long, valid UTF-8 is checked by the matcher */
static int check_value(const char *what, const char *v, em_error *err) {
    if (strlen(v) > EM_PARTY_MAX_VALUE_BYTES)
        return em_fail(err, EM_ERR_USAGE, "%s is longer than %d bytes", what,
                       EM_PARTY_MAX_VALUE_BYTES);
    return 0;
}

static int too_many(const char *what, em_error *err) {
    return em_fail(err, EM_ERR_USAGE, "a party has at most %d %s", EM_PARTY_MAX_VALUES, what);
}

int em_party_set_schema(em_party *p, const char *schema, em_error *err) {
    if (!schema || !*schema) {
        p->schema = NULL;
        return 0;
    }
    const em_schema_info *s = em_schema_find(schema);
    if (!s)
        return em_fail(err, EM_ERR_USAGE,
                       "unknown schema '%.100s' (Person, Organization, Company, LegalEntity, "
                       "Vessel, Airplane, ...)",
                       schema);
    p->schema = s->kind == EM_PARTY_ANY ? NULL : s->name;
    return 0;
}

int em_party_add_name(em_party *p, const char *name, unsigned flags, em_error *err) {
    if (!name) return 0;
    while (*name == ' ' || *name == '\t')
        name++;
    if (!*name) return 0;
    if (check_value("a name", name, err)) return -1;
    for (size_t i = 0; i < p->nnames; i++)
        if (strcmp(p->names[i].text, name) == 0) {
            p->names[i].flags &= flags; /* strong wins over weak */
            return 0;
        }
    if (p->nnames == EM_PARTY_MAX_NAMES)
        return em_fail(err, EM_ERR_USAGE, "a party has at most %d names", EM_PARTY_MAX_NAMES);
    p->names[p->nnames].text = em_xstrdup(name);
    p->names[p->nnames].flags = flags & EM_NAME_WEAK;
    p->nnames++;
    return 0;
}

int em_party_add_name_parts(em_party *p, const char *first, const char *middle, const char *last,
                            em_error *err) {
    em_buf b;
    em_buf_init(&b);
    const char *parts[3] = {first, middle, last};
    for (int i = 0; i < 3; i++)
        if (parts[i] && *parts[i]) {
            if (b.len) em_buf_addc(&b, ' ');
            em_buf_adds(&b, parts[i]);
        }
    int rc = b.len ? em_party_add_name(p, em_buf_cstr(&b), 0, err) : 0;
    em_buf_free(&b);
    return rc;
}

int em_party_add_birth_date(em_party *p, const char *date, em_error *err) {
    if (!date || !*date) return 0;
    if (check_value("a birth date", date, err)) return -1;
    int32_t f, t, f2, t2;
    const char *dots = strstr(date, "..");
    int ok;
    if (dots) {
        char *a = em_xstrndup(date, (size_t)(dots - date));
        ok = em_date_range(a, &f, &t) && em_date_range(dots + 2, &f2, &t2) && f <= t2;
        free(a);
    } else {
        ok = em_date_range(date, &f, &t) != 0;
    }
    if (!ok)
        return em_fail(err, EM_ERR_USAGE,
                       "birth date '%.60s' is not YYYY, YYYY-MM, YYYY-MM-DD or a range FROM..TO",
                       date);
    for (size_t i = 0; i < p->birth_dates.len; i++)
        if (strcmp(p->birth_dates.items[i], date) == 0) return 0;
    if (p->birth_dates.len == EM_PARTY_MAX_VALUES) return too_many("birth dates", err);
    em_strvec_push(&p->birth_dates, date);
    return 0;
}

int em_party_add_country(em_party *p, const char *country, em_error *err) {
    if (!country || !*country) return 0;
    if (check_value("a country", country, err)) return -1;
    char code[3];
    if (em_country_resolve(country, code, err) != 0) return -1;
    for (size_t i = 0; i < p->countries.len; i++)
        if (strcmp(p->countries.items[i], code) == 0) return 0;
    if (p->countries.len == EM_PARTY_MAX_VALUES) return too_many("countries", err);
    em_strvec_push(&p->countries, code);
    return 0;
}

int em_party_set_gender(em_party *p, const char *g, em_error *err) {
    if (!g || !*g) {
        p->gender = NULL;
        return 0;
    }
    if (!strcasecmp(g, "m") || !strcasecmp(g, "male") || !strcasecmp(g, "man"))
        p->gender = "male";
    else if (!strcasecmp(g, "f") || !strcasecmp(g, "female") || !strcasecmp(g, "woman"))
        p->gender = "female";
    else if (!strcasecmp(g, "other") || !strcasecmp(g, "unknown") || !strcasecmp(g, "u"))
        p->gender = NULL;
    else
        return em_fail(err, EM_ERR_USAGE, "gender '%.40s' is not male, female or other", g);
    return 0;
}

/* the identifier types a party may carry (the model's, plus lei) */
static const char *const ID_TYPES[] = {
    EM_ID_PASSPORT, EM_ID_NATIONAL, EM_ID_TAX,     EM_ID_REGISTRATION, "lei",
    EM_ID_BIC,      EM_ID_IMO,      EM_ID_MMSI,    EM_ID_CALL_SIGN,    EM_ID_CRYPTO,
    EM_ID_EMAIL,    EM_ID_PHONE,    EM_ID_WEBSITE, EM_ID_OTHER,        NULL};

int em_party_add_identifier(em_party *p, const char *type, const char *value, em_error *err) {
    if (!value || !*value) return 0;
    if (check_value("an identifier", value, err)) return -1;
    const char *t = NULL;
    for (size_t i = 0; ID_TYPES[i]; i++)
        if (!type || !*type || strcasecmp(type, ID_TYPES[i]) == 0) {
            t = type && *type ? ID_TYPES[i] : EM_ID_OTHER;
            break;
        }
    if (!t)
        return em_fail(err, EM_ERR_USAGE,
                       "unknown identifier type '%.40s' (passport, national_id, tax_id, "
                       "registration, lei, bic, imo, mmsi, call_sign, crypto, email, phone, "
                       "website, other)",
                       type);
    for (size_t i = 0; i < p->id_values.len; i++)
        if (strcmp(p->id_values.items[i], value) == 0) return 0;
    if (p->id_values.len == EM_PARTY_MAX_VALUES) return too_many("identifiers", err);
    em_strvec_push(&p->id_types, t);
    em_strvec_push(&p->id_values, value);
    return 0;
}

const char *em_party_schema(const em_party *p) {
    return p->schema;
}
size_t em_party_name_count(const em_party *p) {
    return p->nnames;
}
const char *em_party_name(const em_party *p, size_t i, unsigned *flags) {
    if (i >= p->nnames) return NULL;
    if (flags) *flags = p->names[i].flags;
    return p->names[i].text;
}
size_t em_party_birth_date_count(const em_party *p) {
    return p->birth_dates.len;
}
const char *em_party_birth_date(const em_party *p, size_t i) {
    return i < p->birth_dates.len ? p->birth_dates.items[i] : NULL;
}
size_t em_party_country_count(const em_party *p) {
    return p->countries.len;
}
const char *em_party_country(const em_party *p, size_t i) {
    return i < p->countries.len ? p->countries.items[i] : NULL;
}
const char *em_party_gender(const em_party *p) {
    return p->gender;
}
size_t em_party_identifier_count(const em_party *p) {
    return p->id_values.len;
}
const char *em_party_identifier(const em_party *p, size_t i, const char **type) {
    if (i >= p->id_values.len) return NULL;
    if (type) *type = p->id_types.items[i];
    return p->id_values.items[i];
}
