/*
 * un_xml.c - the UN Security Council consolidated list (<CONSOLIDATED_LIST>),
 * streamed through the expat layer (xml.h).
 *
 * Each <INDIVIDUAL> / <ENTITY> becomes one entity "un-<DATAID>". Simple fields
 * go straight onto the entity as they end; the repeated sub-records (aliases,
 * addresses, dates and places of birth, documents) collect their children in a
 * small slot table and are turned into model values when they close. The
 * entity is only handed to the sink at its end tag, so a truncated file never
 * emits a half-built entity.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "sources/source.h"
#include "sources/xml.h"

/* Children of the sub-records that we keep (one slot each). */
enum {
    F_QUALITY,
    F_ALIAS_NAME,
    F_NOTE,
    F_STREET,
    F_CITY,
    F_STATE_PROVINCE,
    F_ZIP_CODE,
    F_COUNTRY,
    F_TYPE_OF_DATE,
    F_DATE,
    F_YEAR,
    F_FROM_YEAR,
    F_TO_YEAR,
    F_TYPE_OF_DOCUMENT,
    F_TYPE_OF_DOCUMENT2,
    F_NUMBER,
    F_ISSUING_COUNTRY,
    F_COUNTRY_OF_ISSUE,
    F_DATE_OF_ISSUE,
    F_CITY_OF_ISSUE,
    F_COUNT
};

static const char *const field_names[F_COUNT] = {
    "QUALITY",
    "ALIAS_NAME",
    "NOTE",
    "STREET",
    "CITY",
    "STATE_PROVINCE",
    "ZIP_CODE",
    "COUNTRY",
    "TYPE_OF_DATE",
    "DATE",
    "YEAR",
    "FROM_YEAR",
    "TO_YEAR",
    "TYPE_OF_DOCUMENT",
    "TYPE_OF_DOCUMENT2",
    "NUMBER",
    "ISSUING_COUNTRY",
    "COUNTRY_OF_ISSUE",
    "DATE_OF_ISSUE",
    "CITY_OF_ISSUE",
};

/* Sub-record kinds */
enum { SUB_NONE, SUB_ALIAS, SUB_ADDRESS, SUB_DOB, SUB_POB, SUB_DOCUMENT };

typedef struct un_state {
    const char *source;
    em_sink_fn sink;
    void *sink_ctx;
    em_parse_meta *meta;
    em_error *err;

    em_entity *cur; /* the record being built, or NULL */
    int is_person;
    long rec_line;
    char *dataid;
    char *name_parts[4]; /* FIRST_NAME .. FOURTH_NAME */
    char *last_updated;

    int sub; /* SUB_* of the open sub-record */
    char *f[F_COUNT];
} un_state;

/* ---- small string helpers ---------------------------------------------- */

/* Replaces *slot with a copy of v, spaces collapsed; a repeated element is appended with "; ". */
static void slot_set(char **slot, const char *v, int append) {
    char *s = em_collapse_spaces(v);
    if (!*s) {
        free(s);
        return;
    }
    if (append && *slot) {
        char *joined = em_xasprintf("%s; %s", *slot, s);
        free(s);
        s = joined;
    }
    free(*slot);
    *slot = s;
}

static int contains_ci(const char *hay, const char *needle) {
    if (!hay) return 0;
    for (const char *p = hay; *p; p++)
        if (em_starts_with_ci(p, needle)) return 1;
    return 0;
}

static int is_iso_date_prefix(const char *s, size_t n) {
    /* "YYYY" or "YYYY-MM-DD" */
    for (size_t i = 0; i < n; i++) {
        if (!s[i]) return 0;
        if ((n == 10 && (i == 4 || i == 7)) ? s[i] != '-' : !isdigit((unsigned char)s[i])) return 0;
    }
    return 1;
}

static void clear_sub(un_state *st) {
    for (int i = 0; i < F_COUNT; i++) {
        free(st->f[i]);
        st->f[i] = NULL;
    }
    st->sub = SUB_NONE;
}

static void clear_record(un_state *st) {
    if (st->cur) em_entity_free(st->cur);
    st->cur = NULL;
    free(st->dataid);
    st->dataid = NULL;
    for (int i = 0; i < 4; i++) {
        free(st->name_parts[i]);
        st->name_parts[i] = NULL;
    }
    free(st->last_updated);
    st->last_updated = NULL;
    clear_sub(st);
}

static int sub_kind(const char *name) {
    if (!strcmp(name, "INDIVIDUAL_ALIAS") || !strcmp(name, "ENTITY_ALIAS")) return SUB_ALIAS;
    if (!strcmp(name, "INDIVIDUAL_ADDRESS") || !strcmp(name, "ENTITY_ADDRESS")) return SUB_ADDRESS;
    if (!strcmp(name, "INDIVIDUAL_DATE_OF_BIRTH")) return SUB_DOB;
    if (!strcmp(name, "INDIVIDUAL_PLACE_OF_BIRTH")) return SUB_POB;
    if (!strcmp(name, "INDIVIDUAL_DOCUMENT")) return SUB_DOCUMENT;
    return SUB_NONE;
}

/* ---- sub-records -> model ------------------------------------------------ */

static void finish_alias(un_state *st) {
    const char *name = st->f[F_ALIAS_NAME];
    if (em_str_empty(name)) return; /* <ALIAS_NAME/> */
    const char *q = st->f[F_QUALITY];
    const char *note = st->f[F_NOTE];
    const char *strength = NULL;
    const char *kind = EM_NAME_AKA;
    if (q && (em_strcaseeq(q, "Good") || em_strcaseeq(q, "a.k.a.")))
        strength = "strong";
    else if (q && (em_strcaseeq(q, "Low") || em_strcaseeq(q, "Very Low")))
        strength = "weak";
    else if (q && em_strcaseeq(q, "f.k.a.")) {
        strength = "strong";
        kind = EM_NAME_FKA;
    }
    if (contains_ci(note, "f.k.a.") || contains_ci(note, "formerly listed as") ||
        contains_ci(note, "previously listed as") || contains_ci(note, "formerly known as"))
        kind = EM_NAME_FKA;
    em_entity_add_name(st->cur, name, kind, strength, NULL);
}

static void finish_address(un_state *st) {
    char **f = st->f;
    const char *note = f[F_NOTE];
    int structured = !em_str_empty(f[F_STREET]) || !em_str_empty(f[F_CITY]) ||
                     !em_str_empty(f[F_STATE_PROVINCE]) || !em_str_empty(f[F_ZIP_CODE]) ||
                     !em_str_empty(f[F_COUNTRY]);
    if (!structured) {
        /* The UN sometimes writes the whole address in NOTE ("Branch Office 1: ...") */
        if (!em_str_empty(note)) em_entity_add_address(st->cur, note, NULL, NULL, NULL, NULL);
        return;
    }
    em_address *a = em_entity_add_address(st->cur, f[F_STREET], f[F_CITY], f[F_STATE_PROVINCE],
                                          f[F_ZIP_CODE], f[F_COUNTRY]);
    if (!a || em_str_empty(note)) return;
    em_buf b;
    em_buf_init(&b);
    const char *parts[] = {a->street, a->city, a->region, a->postal, a->country};
    for (size_t k = 0; k < 5; k++) {
        if (em_str_empty(parts[k])) continue;
        if (b.len) em_buf_adds(&b, ", ");
        em_buf_adds(&b, parts[k]);
    }
    em_buf_printf(&b, " (%s)", note);
    a->full = em_buf_detach(&b);
}

static void finish_dob(un_state *st) {
    char **f = st->f;
    const char *type = f[F_TYPE_OF_DATE];
    const char *note = f[F_NOTE];
    int circa = type && em_strcaseeq(type, "APPROXIMATELY");
    if (note && em_starts_with_ci(note, "approximately")) circa = 1;
    const char *from = NULL, *to = NULL;
    em_buf b;
    em_buf_init(&b);
    if (!em_str_empty(f[F_FROM_YEAR]) || !em_str_empty(f[F_TO_YEAR])) {
        from = !em_str_empty(f[F_FROM_YEAR]) ? f[F_FROM_YEAR] : f[F_TO_YEAR];
        to = !em_str_empty(f[F_TO_YEAR]) ? f[F_TO_YEAR] : f[F_FROM_YEAR];
        em_buf_printf(&b, "%s%s to %s", circa ? "circa " : "", from, to);
    } else if (!em_str_empty(f[F_DATE]) || !em_str_empty(f[F_YEAR])) {
        from = to = !em_str_empty(f[F_DATE]) ? f[F_DATE] : f[F_YEAR];
        em_buf_printf(&b, "%s%s", circa ? "circa " : "", from);
    }
    if (!em_str_empty(note)) {
        if (b.len)
            em_buf_printf(&b, " (%s)", note);
        else
            em_buf_printf(&b, "%s%s", circa ? "circa " : "", note);
    }
    if (b.len) em_entity_add_birth_date(st->cur, em_buf_cstr(&b), from, to, circa);
    em_buf_free(&b);
}

static void finish_pob(un_state *st) {
    char **f = st->f;
    em_buf b;
    em_buf_init(&b);
    const char *parts[] = {f[F_STREET], f[F_CITY], f[F_STATE_PROVINCE], f[F_COUNTRY]};
    for (size_t k = 0; k < 4; k++) {
        if (em_str_empty(parts[k])) continue;
        if (b.len) em_buf_adds(&b, ", ");
        em_buf_adds(&b, parts[k]);
    }
    if (!b.len && !em_str_empty(f[F_NOTE])) em_buf_adds(&b, f[F_NOTE]);
    if (b.len) em_entity_add_birth_place(st->cur, em_buf_cstr(&b));
    em_buf_free(&b);
}

static const char *doc_type(const char *label) {
    if (!label) return EM_ID_OTHER;
    if (contains_ci(label, "passport") || contains_ci(label, "passeport") ||
        contains_ci(label, "pasaporte"))
        return EM_ID_PASSPORT;
    if (contains_ci(label, "national ident") || contains_ci(label, "identity card") ||
        contains_ci(label, "national id"))
        return EM_ID_NATIONAL;
    return EM_ID_OTHER;
}

static void finish_document(un_state *st) {
    char **f = st->f;
    if (em_str_empty(f[F_NUMBER])) return;
    const char *t1 = f[F_TYPE_OF_DOCUMENT];
    char *t2 = f[F_TYPE_OF_DOCUMENT2] ? em_xstrdup(f[F_TYPE_OF_DOCUMENT2]) : NULL;
    if (t2) { /* "Ration card no.:" -> "Ration card no." */
        size_t n = strlen(t2);
        while (n && (t2[n - 1] == ':' || t2[n - 1] == ' '))
            t2[--n] = '\0';
    }
    char *label;
    if (!em_str_empty(t1) && !em_str_empty(t2) && !em_strcaseeq(t1, t2))
        label = em_xasprintf("%s (%s)", t1, t2);
    else
        label = em_xstrdup(!em_str_empty(t1) ? t1 : t2);
    const char *country =
        !em_str_empty(f[F_ISSUING_COUNTRY]) ? f[F_ISSUING_COUNTRY] : f[F_COUNTRY_OF_ISSUE];
    em_identifier *d = em_entity_add_identifier(st->cur, doc_type(t1), f[F_NUMBER], country, label);
    if (d) {
        em_buf b;
        em_buf_init(&b);
        if (!em_str_empty(f[F_DATE_OF_ISSUE])) em_buf_printf(&b, "issued %s", f[F_DATE_OF_ISSUE]);
        if (!em_str_empty(f[F_CITY_OF_ISSUE]))
            em_buf_printf(&b, "%sin %s", b.len ? " " : "issued ", f[F_CITY_OF_ISSUE]);
        if (!em_str_empty(f[F_COUNTRY_OF_ISSUE]) && country != f[F_COUNTRY_OF_ISSUE] &&
            !em_strcaseeq(f[F_COUNTRY_OF_ISSUE], country))
            em_buf_printf(&b, "%scountry of issue %s", b.len ? "; " : "", f[F_COUNTRY_OF_ISSUE]);
        if (!em_str_empty(f[F_NOTE])) em_buf_printf(&b, "%s%s", b.len ? "; " : "", f[F_NOTE]);
        if (b.len) d->note = em_buf_detach(&b);
        em_buf_free(&b);
    }
    free(label);
    free(t2);
}

static void finish_sub(un_state *st) {
    switch (st->sub) {
    case SUB_ALIAS:
        finish_alias(st);
        break;
    case SUB_ADDRESS:
        finish_address(st);
        break;
    case SUB_DOB:
        finish_dob(st);
        break;
    case SUB_POB:
        finish_pob(st);
        break;
    case SUB_DOCUMENT:
        finish_document(st);
        break;
    default:
        break;
    }
    clear_sub(st);
}

/* ---- records ------------------------------------------------------------- */

static void add_primary_name(un_state *st) {
    em_entity *e = st->cur;
    em_buf b;
    em_buf_init(&b);
    for (int i = 0; i < 4; i++) {
        if (em_str_empty(st->name_parts[i])) continue;
        if (b.len) em_buf_addc(&b, ' ');
        em_buf_adds(&b, st->name_parts[i]);
    }
    em_name *n = em_entity_add_name(e, em_buf_cstr(&b), EM_NAME_PRIMARY, NULL, NULL);
    em_buf_free(&b);
    if (!n) return;
    if (st->is_person) {
        int last = 0;
        for (int i = 1; i < 4; i++)
            if (!em_str_empty(st->name_parts[i])) last = i;
        em_entity_set(&n->first, st->name_parts[0]);
        if (last > 0) {
            em_entity_set(&n->last, st->name_parts[last]);
            em_buf m;
            em_buf_init(&m);
            for (int i = 1; i < last; i++) {
                if (em_str_empty(st->name_parts[i])) continue;
                if (m.len) em_buf_addc(&m, ' ');
                em_buf_adds(&m, st->name_parts[i]);
            }
            if (m.len) em_entity_set(&n->middle, em_buf_cstr(&m));
            em_buf_free(&m);
        }
    }
    /* The primary name goes first, ahead of any original-script name. */
    size_t idx = (size_t)(n - e->names.items);
    if (idx > 0) {
        em_name tmp = e->names.items[idx];
        memmove(&e->names.items[1], &e->names.items[0], idx * sizeof tmp);
        e->names.items[0] = tmp;
    }
}

static int finish_record(un_state *st, em_xml *x, const char *elem) {
    if (em_str_empty(st->dataid))
        return em_xml_fail(x, "<%s> starting at line %ld has no DATAID", elem, st->rec_line);
    if (em_str_empty(st->name_parts[0]))
        return em_xml_fail(x, "<%s> with DATAID %s starting at line %ld has no FIRST_NAME", elem,
                           st->dataid, st->rec_line);
    em_entity *e = st->cur;
    em_entity_set(&e->source_id, st->dataid);
    free(e->id);
    e->id = em_xasprintf("un-%s", st->dataid);
    add_primary_name(st);
    if (st->last_updated) em_entity_add_prop(e, "last_updated", st->last_updated);
    em_entity_finish(e);
    st->cur = NULL;
    clear_record(st);
    return st->sink(st->sink_ctx, e, st->err);
}

/* A direct child of <INDIVIDUAL> / <ENTITY>. */
static void record_field(un_state *st, const char *name, const char *text) {
    em_entity *e = st->cur;
    static const char *const parts[4] = {"FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(name, parts[i])) {
            slot_set(&st->name_parts[i], text, 0);
            return;
        }
    if (!strcmp(name, "DATAID")) {
        slot_set(&st->dataid, text, 0);
    } else if (!strcmp(name, "NAME_ORIGINAL_SCRIPT")) {
        char *s = em_collapse_spaces(text);
        em_entity_add_name(e, s, EM_NAME_AKA, "strong", em_guess_script(s));
        free(s);
    } else if (!strcmp(name, "UN_LIST_TYPE")) {
        char *s = em_collapse_spaces(text);
        em_entity_add_program(e, s);
        free(s);
    } else if (!strcmp(name, "REFERENCE_NUMBER")) {
        char *s = em_collapse_spaces(text);
        em_entity_add_identifier(e, EM_ID_OTHER, s, NULL, "UN Reference Number");
        em_entity_add_prop(e, "un_reference", s);
        free(s);
    } else if (!strcmp(name, "LISTED_ON")) {
        /* "2012-12-31", sometimes with a zone offset: "2015-04-07-04:00" */
        if (is_iso_date_prefix(text, 10)) {
            char *d = em_xstrndup(text, 10);
            em_entity_set(&e->listed_on, d);
            free(d);
        } else if (*text) {
            em_entity_set(&e->listed_on, text);
        }
    } else if (!strcmp(name, "GENDER")) {
        if (em_strcaseeq(text, "Male"))
            em_entity_set(&e->gender, "male");
        else if (em_strcaseeq(text, "Female"))
            em_entity_set(&e->gender, "female");
    } else if (!strcmp(name, "COMMENTS1")) {
        em_entity_set(&e->remarks, text);
    }
}

/* <VALUE> inside TITLE / DESIGNATION / NATIONALITY / LAST_DAY_UPDATED */
static void list_value(un_state *st, const char *list, const char *text) {
    char *s = em_collapse_spaces(text);
    if (*s) {
        if (!strcmp(list, "TITLE"))
            em_entity_add_prop(st->cur, "title", s);
        else if (!strcmp(list, "DESIGNATION"))
            em_entity_add_prop(st->cur, "position", s);
        else if (!strcmp(list, "NATIONALITY"))
            em_entity_add_nationality(st->cur, s);
        else if (!strcmp(list, "LAST_DAY_UPDATED"))
            em_entity_set(&st->last_updated, s);
    }
    free(s);
}

/* ---- expat callbacks ----------------------------------------------------- */

static int on_start(void *ctx, em_xml *x, const char *name, const char **attrs) {
    un_state *st = ctx;
    int depth = em_xml_depth(x);
    if (depth == 1) {
        if (strcmp(name, "CONSOLIDATED_LIST") != 0)
            return em_xml_fail(x, "root element is <%s>, expected <CONSOLIDATED_LIST>", name);
        const char *gen = em_xml_attr(attrs, "dateGenerated");
        if (gen && is_iso_date_prefix(gen, 10)) {
            memcpy(st->meta->published, gen, 10);
            st->meta->published[10] = '\0';
        }
        return 0;
    }
    if (depth == 3 && (!strcmp(name, "INDIVIDUAL") || !strcmp(name, "ENTITY"))) {
        clear_record(st);
        st->is_person = name[0] == 'I';
        st->rec_line = em_xml_line(x);
        st->cur = em_entity_new(st->source, "un", "",
                                st->is_person ? EM_SCHEMA_PERSON : EM_SCHEMA_ORGANIZATION);
        return 0;
    }
    if (st->cur && depth == 4) {
        int k = sub_kind(name);
        if (k != SUB_NONE) {
            clear_sub(st);
            st->sub = k;
        }
    }
    return 0;
}

static int on_end(void *ctx, em_xml *x, const char *name, const char *text) {
    un_state *st = ctx;
    if (!st->cur) return 0;
    int depth = em_xml_depth(x);
    if (depth == 3) return finish_record(st, x, name);
    if (depth == 4) {
        if (st->sub != SUB_NONE && sub_kind(name) == st->sub)
            finish_sub(st);
        else
            record_field(st, name, text);
        return 0;
    }
    if (depth == 5) {
        const char *parent = em_xml_parent(x, 1);
        if (!strcmp(name, "VALUE")) {
            list_value(st, parent, text);
            return 0;
        }
        if (st->sub == SUB_NONE) return 0;
        for (int i = 0; i < F_COUNT; i++)
            if (!strcmp(name, field_names[i])) {
                slot_set(&st->f[i], text, 1);
                break;
            }
    }
    return 0;
}

int em_parse_un_xml(const char *path, const char *source, em_sink_fn sink, void *ctx,
                    em_parse_meta *meta, em_error *err) {
    em_parse_meta local_meta;
    meta = em_parse_meta_begin(meta, &local_meta, "un-xml");
    un_state st;
    memset(&st, 0, sizeof st);
    st.source = source ? source : "un_sc";
    st.sink = sink;
    st.sink_ctx = ctx;
    st.meta = meta;
    st.err = err;
    static const em_xml_handlers h = {on_start, on_end};
    int rc = em_xml_parse(path, &h, &st, err);
    clear_record(&st); /* a truncated file leaves a half-built record: drop it */
    return rc;
}
