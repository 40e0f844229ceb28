/*
 * eu_fsf_xml.c - the EU Financial Sanctions Files, XML 1.1
 * (<export xmlns="http://eu.europa.ec/fpi/fsd/export">), streamed through the
 * expat layer (xml.h).
 *
 * Each <sanctionEntity> becomes one entity "eu-<logicalId>". Almost all facts
 * are attributes of its children (regulation, subjectType, nameAlias,
 * citizenship, birthdate, address, identification), so they are taken in the
 * start handler; only <remark> texts arrive at end tags. The first name alias
 * is the primary name (the EU writes the main name first); strong="true" /
 * "false" grades the names. The entity goes to the sink at its end tag only,
 * so a truncated file never emits a half-built entity.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "sources/source.h"
#include "sources/xml.h"

#define FSD_NS_ROOT "export"

typedef struct eu_state {
    const char *source;
    em_sink_fn sink;
    void *sink_ctx;
    em_parse_meta *meta;
    em_error *err;

    em_entity *cur;
    long rec_line;
    int has_subject;
    int dated;              /* listed_on from designationDate */
    em_identifier *last_id; /* the open <identification>, for its remarks */
} eu_state;

static const char *attr(const char **attrs, const char *name) {
    const char *v = em_xml_attr(attrs, name);
    return em_str_empty(v) ? NULL : v;
}

static int is_true(const char *v) {
    return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* countryDescription unless the EU's "UNKNOWN" / "00" placeholder */
static const char *country(const char **attrs) {
    const char *iso = attr(attrs, "countryIso2Code");
    const char *d = attr(attrs, "countryDescription");
    if (iso && strcmp(iso, "00") == 0) return NULL;
    if (d && em_strcaseeq(d, "UNKNOWN")) return NULL;
    return d ? d : iso;
}

static int iso_date(const char *s) {
    if (!s || strlen(s) < 10) return 0;
    for (int i = 0; i < 10; i++)
        if ((i == 4 || i == 7) ? s[i] != '-' : !isdigit((unsigned char)s[i])) return 0;
    return 1;
}

static void set_listed(eu_state *st, const char *d, int designation) {
    if (!iso_date(d) || (st->dated && !designation)) return;
    char iso[11];
    memcpy(iso, d, 10);
    iso[10] = '\0';
    if (designation && !st->dated) {
        em_entity_set(&st->cur->listed_on, iso);
        st->dated = 1;
    } else if (!st->cur->listed_on || strcmp(iso, st->cur->listed_on) < 0) {
        em_entity_set(&st->cur->listed_on, iso);
    }
}

/* ---- children of <sanctionEntity> --------------------------------------- */

static void name_alias(eu_state *st, const char **a) {
    em_entity *e = st->cur;
    const char *first = attr(a, "firstName"), *middle = attr(a, "middleName"),
               *last = attr(a, "lastName");
    char *whole = em_collapse_spaces(attr(a, "wholeName"));
    if (em_str_empty(whole)) {
        em_buf b;
        em_buf_init(&b);
        const char *parts[3] = {first, middle, last};
        for (int i = 0; i < 3; i++)
            if (!em_str_empty(parts[i])) em_buf_printf(&b, "%s%s", b.len ? " " : "", parts[i]);
        free(whole);
        whole = em_buf_detach(&b);
    }
    const char *strong = attr(a, "strong");
    const char *strength = !strong ? NULL : is_true(strong) ? "strong" : "weak";
    int dup = 0;
    for (size_t i = 0; whole && i < e->names.len; i++)
        if (strcmp(e->names.items[i].full, whole) == 0) dup = 1;
    if (!em_str_empty(whole) && !dup) {
        em_name *n = em_entity_add_name(e, whole, e->names.len ? EM_NAME_AKA : EM_NAME_PRIMARY,
                                        strength, NULL);
        if (n && strcmp(e->schema, EM_SCHEMA_PERSON) == 0) {
            em_entity_set(&n->first, first);
            em_entity_set(&n->middle, middle);
            em_entity_set(&n->last, last);
        }
    }
    free(whole);
    const char *g = attr(a, "gender");
    if (!e->gender && g && strcmp(g, "M") == 0) em_entity_set(&e->gender, "male");
    if (!e->gender && g && strcmp(g, "F") == 0) em_entity_set(&e->gender, "female");
    char *f = em_collapse_spaces(attr(a, "function")), *t = em_collapse_spaces(attr(a, "title"));
    em_entity_add_prop(e, "position", f);
    em_entity_add_prop(e, "title", t);
    free(f), free(t);
}

static void birthdate(eu_state *st, const char **a) {
    em_entity *e = st->cur;
    int circa = is_true(attr(a, "circa"));
    const char *full = attr(a, "birthdate");
    const char *year = attr(a, "year"), *month = attr(a, "monthOfYear"),
               *day = attr(a, "dayOfMonth");
    const char *rfrom = attr(a, "yearRangeFrom"), *rto = attr(a, "yearRangeTo");
    char from[16] = "", to[16] = "";
    if (iso_date(full)) {
        snprintf(from, sizeof from, "%.10s", full);
    } else if (year && strlen(year) == 4) {
        int m = month ? atoi(month) : 0, d = day ? atoi(day) : 0;
        if (m >= 1 && m <= 12 && d >= 1 && d <= 31)
            snprintf(from, sizeof from, "%s-%02d-%02d", year, m, d);
        else if (m >= 1 && m <= 12)
            snprintf(from, sizeof from, "%s-%02d", year, m);
        else
            snprintf(from, sizeof from, "%s", year);
    } else if (rfrom || rto) {
        snprintf(from, sizeof from, "%.4s", rfrom ? rfrom : rto);
        snprintf(to, sizeof to, "%.4s", rto ? rto : rfrom);
    }
    if (*from) {
        char *text = *to && strcmp(to, from) != 0
                         ? em_xasprintf("%s%s to %s", circa ? "circa " : "", from, to)
                         : em_xasprintf("%s%s", circa ? "circa " : "", from);
        em_entity_add_birth_date(e, text, from, *to ? to : from, circa);
        free(text);
    }
    em_buf b;
    em_buf_init(&b);
    const char *parts[4] = {attr(a, "place"), attr(a, "city"), attr(a, "region"), country(a)};
    for (int i = 0; i < 4; i++)
        if (parts[i] && !(i == 1 && parts[0] && strcmp(parts[0], parts[1]) == 0))
            em_buf_printf(&b, "%s%s", b.len ? ", " : "", parts[i]);
    if (b.len) {
        char *s = em_collapse_spaces(em_buf_cstr(&b));
        em_entity_add_birth_place(e, s);
        free(s);
    }
    em_buf_free(&b);
}

static void address(eu_state *st, const char **a) {
    char *street = em_collapse_spaces(attr(a, "street"));
    const char *pobox = attr(a, "poBox"), *place = attr(a, "place");
    if (pobox) {
        char *s = em_str_empty(street) ? em_xasprintf("P.O. Box %s", pobox)
                                       : em_xasprintf("%s, P.O. Box %s", street, pobox);
        free(street);
        street = s;
    }
    const char *region = attr(a, "region");
    if (!region) region = place;
    em_entity_add_address(st->cur, street, attr(a, "city"), region, attr(a, "zipCode"), country(a));
    free(street);
}

static void contact_info(eu_state *st, const char **a) {
    const char *key = attr(a, "key"), *value = attr(a, "value");
    if (!key || !value) return;
    const char *type = em_strcaseeq(key, "PHONE") || em_strcaseeq(key, "FAX")     ? EM_ID_PHONE
                       : em_strcaseeq(key, "EMAIL")                               ? EM_ID_EMAIL
                       : em_strcaseeq(key, "WEB") || em_strcaseeq(key, "WEBSITE") ? EM_ID_WEBSITE
                                                                                  : EM_ID_OTHER;
    em_entity_add_identifier(st->cur, type, value, NULL, key);
}

static const char *id_type(const char *code) {
    if (!code) return EM_ID_OTHER;
    if (em_strcaseeq(code, "passport")) return EM_ID_PASSPORT;
    if (em_strcaseeq(code, "id")) return EM_ID_NATIONAL;
    if (em_strcaseeq(code, "fiscalcode") || em_strcaseeq(code, "tax")) return EM_ID_TAX;
    if (em_strcaseeq(code, "regnumber")) return EM_ID_REGISTRATION;
    if (em_strcaseeq(code, "swiftbic")) return EM_ID_BIC;
    if (em_strcaseeq(code, "imo")) return EM_ID_IMO;
    return EM_ID_OTHER;
}

static void identification(eu_state *st, const char **a) {
    const char *num = attr(a, "number");
    if (!num) num = attr(a, "latinNumber");
    st->last_id = NULL;
    if (!num) return;
    em_identifier *d =
        em_entity_add_identifier(st->cur, id_type(attr(a, "identificationTypeCode")), num,
                                 country(a), attr(a, "identificationTypeDescription"));
    if (!d) return;
    em_buf b;
    em_buf_init(&b);
    static const char *const flags[][2] = {{"knownFalse", "known to be false"},
                                           {"knownExpired", "known to be expired"},
                                           {"reportedLost", "reported lost"},
                                           {"revokedByIssuer", "revoked by the issuer"},
                                           {"diplomatic", "diplomatic"}};
    if (attr(a, "issuedBy")) em_buf_printf(&b, "issued by %s", attr(a, "issuedBy"));
    if (attr(a, "issueDate"))
        em_buf_printf(&b, "%sissued %s", b.len ? "; " : "", attr(a, "issueDate"));
    if (attr(a, "validTo"))
        em_buf_printf(&b, "%svalid to %s", b.len ? "; " : "", attr(a, "validTo"));
    if (attr(a, "nameOnDocument"))
        em_buf_printf(&b, "%sname on document: %s", b.len ? "; " : "", attr(a, "nameOnDocument"));
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (is_true(attr(a, flags[i][0])))
            em_buf_printf(&b, "%s%s", b.len ? "; " : "", flags[i][1]);
    if (b.len) d->note = em_buf_detach(&b);
    em_buf_free(&b);
    st->last_id = d;
}

/* ---- expat callbacks ----------------------------------------------------- */

static void clear_record(eu_state *st) {
    if (st->cur) em_entity_free(st->cur);
    st->cur = NULL;
    st->last_id = NULL;
}

static int on_start(void *ctx, em_xml *x, const char *name, const char **attrs) {
    eu_state *st = ctx;
    int depth = em_xml_depth(x);
    if (depth == 1) {
        if (strcmp(name, FSD_NS_ROOT) != 0)
            return em_xml_fail(x, "root element is <%s>, expected the EU FSF <export>", name);
        const char *gen = attr(attrs, "generationDate");
        if (iso_date(gen)) snprintf(st->meta->published, sizeof st->meta->published, "%.10s", gen);
        return 0;
    }
    if (depth == 2) {
        if (strcmp(name, "sanctionEntity") != 0) return 0;
        clear_record(st);
        const char *id = attr(attrs, "logicalId");
        if (!id) return em_xml_fail(x, "<sanctionEntity> has no logicalId");
        for (const char *p = id; *p; p++)
            if (!isdigit((unsigned char)*p))
                return em_xml_fail(x, "<sanctionEntity> logicalId '%s' is not a number", id);
        st->rec_line = em_xml_line(x);
        st->has_subject = 0;
        st->dated = 0;
        st->cur = em_entity_new(st->source, "eu", id, EM_SCHEMA_LEGAL_ENTITY);
        em_entity *e = st->cur;
        const char *un = attr(attrs, "unitedNationId");
        if (un) {
            char *s = em_collapse_spaces(un);
            em_entity_add_identifier(e, EM_ID_OTHER, s, NULL, "UN Reference Number");
            em_entity_add_prop(e, "un_reference", s);
            free(s);
        }
        em_entity_add_prop(e, "eu_reference", attr(attrs, "euReferenceNumber"));
        char *dd = em_collapse_spaces(attr(attrs, "designationDetails"));
        em_entity_add_prop(e, "designation_details", dd);
        free(dd);
        set_listed(st, attr(attrs, "designationDate"), 1);
        return 0;
    }
    if (!st->cur) return 0;
    if (depth == 3) {
        st->last_id = NULL;
        if (!strcmp(name, "regulation")) {
            em_entity_add_program(st->cur, attr(attrs, "programme"));
            em_entity_add_prop(st->cur, "regulation", attr(attrs, "numberTitle"));
            set_listed(st, attr(attrs, "publicationDate"), 0);
        } else if (!strcmp(name, "subjectType")) {
            const char *cc = attr(attrs, "classificationCode");
            const char *code = attr(attrs, "code");
            const char *schema = NULL;
            if ((cc && !strcmp(cc, "P")) || (!cc && code && em_strcaseeq(code, "person")))
                schema = EM_SCHEMA_PERSON;
            else if ((cc && !strcmp(cc, "E")) || (!cc && code && em_strcaseeq(code, "enterprise")))
                schema = EM_SCHEMA_ORGANIZATION;
            if (!schema)
                return em_xml_fail(x,
                                   "<subjectType> of sanctionEntity %s: unknown "
                                   "classificationCode '%s'",
                                   st->cur->source_id, cc ? cc : "");
            em_entity_set(&st->cur->schema, schema);
            st->has_subject = 1;
        } else if (!strcmp(name, "nameAlias")) {
            name_alias(st, attrs);
        } else if (!strcmp(name, "citizenship")) {
            em_entity_add_citizenship(st->cur, country(attrs));
        } else if (!strcmp(name, "birthdate")) {
            birthdate(st, attrs);
        } else if (!strcmp(name, "address")) {
            address(st, attrs);
        } else if (!strcmp(name, "identification")) {
            identification(st, attrs);
        }
        return 0;
    }
    if (depth == 4 && !strcmp(name, "contactInfo") && !strcmp(em_xml_parent(x, 1), "address"))
        contact_info(st, attrs);
    return 0;
}

static int finish_record(eu_state *st, em_xml *x) {
    em_entity *e = st->cur;
    if (!st->has_subject)
        return em_xml_fail(x, "<sanctionEntity> %s starting at line %ld has no <subjectType>",
                           e->source_id, st->rec_line);
    if (e->names.len == 0)
        return em_xml_fail(x, "<sanctionEntity> %s starting at line %ld has no name alias",
                           e->source_id, st->rec_line);
    /* names are seen in the order of the file: the primary one is first already */
    em_entity_finish(e);
    st->cur = NULL;
    clear_record(st);
    return st->sink(st->sink_ctx, e, st->err);
}

static int on_end(void *ctx, em_xml *x, const char *name, const char *text) {
    eu_state *st = ctx;
    if (!st->cur) return 0;
    int depth = em_xml_depth(x);
    if (depth == 2) return strcmp(name, "sanctionEntity") == 0 ? finish_record(st, x) : 0;
    if (strcmp(name, "remark") != 0 || !*text) return 0;
    if (depth == 3) { /* the entity's own remark(s) */
        em_entity *e = st->cur;
        if (!e->remarks) {
            em_entity_set(&e->remarks, text);
        } else {
            char *j = em_xasprintf("%s\n%s", e->remarks, text);
            free(e->remarks);
            e->remarks = j;
        }
    } else if (depth == 4 && st->last_id && !strcmp(em_xml_parent(x, 1), "identification")) {
        em_identifier *d = st->last_id;
        char *s = em_collapse_spaces(text);
        char *n = d->note ? em_xasprintf("%s; %s", d->note, s) : em_xstrdup(s);
        free(d->note);
        d->note = n;
        free(s);
    }
    return 0;
}

int em_parse_eu_fsf_xml(const char *path, const char *source, em_sink_fn sink, void *ctx,
                        em_parse_meta *meta, em_error *err) {
    em_parse_meta local_meta;
    meta = em_parse_meta_begin(meta, &local_meta, "eu-fsf-xml");
    eu_state st;
    memset(&st, 0, sizeof st);
    st.source = source ? source : "eu_fsf";
    st.sink = sink;
    st.sink_ctx = ctx;
    st.meta = meta;
    st.err = err;
    static const em_xml_handlers h = {on_start, on_end};
    int rc = em_xml_parse(path, &h, &st, err);
    clear_record(&st); /* a truncated file leaves a half-built record: drop it */
    return rc;
}
