/*
 * screen.c - screening payment messages (em_payment_screen, embargo.h):
 * every party of a message (payment.h) through the engine, its countries
 * against the embargoed-jurisdiction table, its free text for listed names,
 * vessels and IMO numbers; one result per message with its field-level hits
 * and a verdict.
 *
 * Parties. Each party becomes an em_party with the schema its field implies
 * (payment.h), its names, its countries (as qualifiers), its birth date and
 * its identifiers: a BIC as written plus its other form (BIC11 "XXX" and the
 * BIC8, so that a listed BIC8 meets all its branches and a listed BIC11 head
 * office meets a BIC8), its LEI and other ids. A party with a BIC and no name
 * (MT option A, the header blocks) is screened by its identifiers alone.
 * Results at or above the threshold are hits: by identifier ("bic", "lei",
 * "identifier") or by name ("name", with the matcher's explanation).
 *
 * Jurisdictions. A party's countries (declared in its address or 50F/59F
 * line 3, the BIC's country code, characters 5-6, the IBAN's country code)
 * are looked up in data/knowledge/embargoed_jurisdictions.tsv, and its
 * address lines (normalised to Latin lower case, whole words) are searched
 * for the table's names of countries, regions and cities (Crimea, Simferopol,
 * Sevastopol, Donetsk, Luhansk / Lugansk, ...). Each line of the table says
 * what it is, the action (block or review) and its source.
 *
 * Free text (MT 70, 72, 77B; ISO RmtInf, InstrInf, RgltryRptg, Purp). A
 * remittance line is not a name: most of its words are ordinary ("payment
 * for spare parts, invoice 2231"), and listed names include ordinary words
 * (vessels called DEEP SEA, FOREST, AMBER, DOVER, CRYSTAL). The rule:
 *   1. IMO numbers: "IMO" followed by seven digits whose check digit holds
 *      is an identifier (a hit of kind "imo", action as an identifier);
 *      seven bare digits with a valid check digit are only looked up, and a
 *      listed one is a text hit (review), since an invoice number may be one.
 *   2. Anchors: a word can start a name search only if it is not a common
 *      remittance or function word (the list below) and the lists make it
 *      rare: it is a listed token with IDF >= ANCHOR_IDF (in fewer than about
 *      one listed name in 400: "hassan", "ali", "bank" are not), or, unknown
 *      to the lists as spelt, it has a listed consonant skeleton (a
 *      transliteration: "khateeb" ~ "khatib") and at least five letters.
 *      Innocent text has few or no anchors, which is also what keeps it fast.
 *   3. Spans of two to four words containing an anchor (not beginning or
 *      ending with a function word, every word known to the lists as a token,
 *      a consonant skeleton or a given-name variant) are screened as names at
 *      text_threshold
 *      (default 0.80); in a hit every word of the span meets a part of the
 *      listed name, the listed parts left over weigh at most 20% of the
 *      name (TEXT_LIST_SHARE), it does not rest on common names or a weak
 *      alias, and it is the best span for its entity.
 *   4. A single word is screened only right after a vessel cue (MV, M/V, MT,
 *      M/T, SS, or "vessel", "tanker", "ship", "vsl" up to three words
 *      before), or when it has at least six letters and IDF >= ANCHOR_IDF_ONE
 *      (then it must be the whole of a listed organisation's name, exactly).
 *   5. A listed Vessel is reported only with a vessel cue before it or an
 *      IMO number in the same text: "deep sea fishing equipment" stays quiet,
 *      "M/V DEEP SEA" does not.
 * tests/unit/test_payments.c holds the innocent remittance texts this rule
 * is held to, and the guilty ones.
 *
 * Verdict: the strongest action of the message's hits (ignore < review <
 * block); a message that cannot be read is "invalid".
 */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/error.h"
#include "base/hmap.h"
#include "engine/engine_internal.h"
#include "match/matcher_internal.h"
#include "monitor/monitor_internal.h"
#include "payments/payment.h"
#include "text/normalize.h"
#include "text/tokens.h"

#define ANCHOR_IDF 6.0f
#define ANCHOR_IDF_ONE 7.0f
#define MAX_WORDS 256
#define MAX_SPANS 64
#define TEXT_LIST_SHARE 0.80 /* of the listed name's weight that the span must meet */

/* ---- the jurisdiction table ------------------------------------------------------ */

typedef struct jur {
    char *code; /* "IR", "UA-43" */
    char *kind; /* "country", "region", "city" */
    em_payment_verdict action;
    char *text;  /* the name as written in the table */
    char *norm;  /* normalised, padded with spaces: " simferopol " */
    size_t nlen; /* strlen(norm) */
    size_t next; /* 1 + the next entry whose name begins with the same word, 0 for none */
    char *fact;  /* the sentence */
    char *source;
} jur;

typedef EM_VEC(jur) jur_vec;

/* ---- the text matcher: the snapshot's vocabulary, for anchors --------------------- */

/* The matcher of the engine's generation, held for one em_payment_screen call: the
   vocabulary, skeletons and name knowledge the free-text anchors are read from are the
   tables the engine's searches use (and warm), not a second copy. */
typedef struct tmatch {
    const em_matcher *m;
    void *hold; /* the generation (em_engine_hold_matcher) */
} tmatch;

struct em_payment_screener {
    em_engine *e;
    em_payment_options o;
    char *jpath;
    jur_vec j;
    em_hmap jfirst;        /* the first word of a table name -> 1 + its first entry (jur.next) */
    uint32_t jcc[26 * 26]; /* a two-letter country code -> 1 + its first country entry */
    em_hmap words;         /* FUNCTION_WORDS (bit 1) and COMMON_WORDS (bit 2), for free text */
    pthread_mutex_t lock;  /* the pools below */
    em_normalizer **norms;
    size_t nnorms, capnorms;
    em_hmap memo;      /* query key -> memo_ent*: agents, BIC-only parties, free-text spans, IMO */
    uint64_t memo_gen; /* the generation the memo's results are of */
    char *lists_json;  /* the "lists" of a result of generation lists_gen */
    uint64_t lists_gen;
    size_t memo_hits, memo_misses;
};

typedef struct hitrec {
    em_payment_hit h;
} hitrec;

struct em_payment_result {
    em_payment_verdict verdict;
    size_t ordinal, line, transactions, parties;
    char *id, *format, *error, *error_field, *input;
    EM_VEC(em_payment_hit) hits;
    em_strvec pool; /* the hits' strings */
    char *lists_json;
    char *json;
};

const char *em_payment_verdict_name(em_payment_verdict v) {
    switch (v) {
    case EM_PAYMENT_PASS:
        return "pass";
    case EM_PAYMENT_REVIEW:
        return "review";
    case EM_PAYMENT_BLOCK:
        return "block";
    case EM_PAYMENT_INVALID:
        return "invalid";
    }
    return "?";
}

static em_payment_verdict rule_action(em_payment_rule r, em_payment_verdict dflt) {
    switch (r) {
    case EM_PAYMENT_RULE_IGNORE:
        return EM_PAYMENT_PASS;
    case EM_PAYMENT_RULE_REVIEW:
        return EM_PAYMENT_REVIEW;
    case EM_PAYMENT_RULE_BLOCK:
        return EM_PAYMENT_BLOCK;
    default:
        return dflt;
    }
}

/* ---- pools ------------------------------------------------------------------------- */

static em_normalizer *norm_get(em_payment_screener *ps, em_error *err) {
    pthread_mutex_lock(&ps->lock);
    em_normalizer *n = ps->nnorms ? ps->norms[--ps->nnorms] : NULL;
    pthread_mutex_unlock(&ps->lock);
    return n ? n : em_normalizer_new(err);
}

static void norm_put(em_payment_screener *ps, em_normalizer *n) {
    if (!n) return;
    pthread_mutex_lock(&ps->lock);
    if (ps->nnorms == ps->capnorms) {
        ps->capnorms = ps->capnorms ? ps->capnorms * 2 : 4;
        ps->norms = em_xrealloc(ps->norms, ps->capnorms * sizeof *ps->norms);
    }
    ps->norms[ps->nnorms++] = n;
    pthread_mutex_unlock(&ps->lock);
}

/* The vocabulary of the engine's current generation, held until tm_release; t->m is NULL
   when there is none to read (an engine over a matcher without a snapshot file, as of a
   register): then free text is screened without anchors, IMO numbers only. */
static void tm_acquire(em_payment_screener *ps, tmatch *t) {
    t->m = em_engine_hold_matcher(ps->e, &t->hold, NULL);
    if (t->m && !em_matcher_snapshot_path(t->m)) t->m = NULL;
}

static void tm_release(em_payment_screener *ps, tmatch *t) {
    em_engine_drop_matcher(ps->e, t->hold);
    t->m = NULL, t->hold = NULL;
}

/* ---- the memo: one engine screening per distinct query ------------------------------- */

/*
 * A wire names the same agents again and again (the sender's BIC is 52A's too, a
 * correspondent bank sits in thousands of messages a day), and remittance text repeats
 * ("SALARY PERIOD", "OFFICE FURNITURE"). So the results of an engine screening are kept,
 * by the exact query that produced them (memo_key: the party's schema, names, countries,
 * birth date and identifiers as the message gives them, or the free-text span, or the
 * IMO number), and reused:
 *   - within a message for every query (sctx.local): a pacs.008 batch with the same
 *     debtor in each transaction screens it once;
 *   - across messages (the screener's memo) for agents and BIC-only parties, free-text
 *     spans and IMO numbers only, never for customers (a customer's name is screened
 *     afresh in each message), at most MEMO_MAX entries (the memo is emptied when full),
 *     and only results of the engine's current generation: a new list version empties
 *     it, so no verdict outlives the lists it was made against.
 * The results are read-only once made; a memo entry is reference counted (the memo's
 * reference, and one per message using it), so emptying the memo never pulls results
 * from under a message being screened. Same query, same options, same generation: same
 * results, which is what test_memo_identical checks.
 */
#define MEMO_MAX 4096

typedef struct memo_ent {
    em_results *res;
    int refs; /* under ps->lock */
} memo_ent;

static void memo_unref(em_payment_screener *ps, memo_ent *m) {
    if (!m) return;
    pthread_mutex_lock(&ps->lock);
    int last = --m->refs == 0;
    pthread_mutex_unlock(&ps->lock);
    if (last) {
        em_results_free(m->res);
        free(m);
    }
}

/* drops the memo's references; caller holds ps->lock. Entries still used by a message
   are freed by its last memo_unref. */
static void memo_clear_locked(em_payment_screener *ps) {
    for (size_t i = 0; i < em_hmap_len(&ps->memo); i++) {
        memo_ent *m = em_hmap_at(&ps->memo, i)->val.ptr;
        if (--m->refs == 0) {
            em_results_free(m->res);
            free(m);
        }
    }
    em_hmap_free(&ps->memo, NULL);
    em_hmap_init(&ps->memo);
}

/* the shared entry of key for generation gen (a reference taken), or NULL */
static memo_ent *memo_find(em_payment_screener *ps, const char *key, uint64_t gen) {
    memo_ent *m = NULL;
    pthread_mutex_lock(&ps->lock);
    if (ps->memo_gen != gen) {
        memo_clear_locked(ps);
        ps->memo_gen = gen;
    }
    m = em_hmap_get(&ps->memo, key);
    if (m)
        m->refs++, ps->memo_hits++;
    else
        ps->memo_misses++;
    pthread_mutex_unlock(&ps->lock);
    return m;
}

/* keeps m in the shared memo when its results are of the memo's generation */
static void memo_store(em_payment_screener *ps, const char *key, memo_ent *m) {
    pthread_mutex_lock(&ps->lock);
    if (em_results_generation(m->res) == ps->memo_gen && !em_hmap_get(&ps->memo, key)) {
        if (em_hmap_len(&ps->memo) >= MEMO_MAX) memo_clear_locked(ps);
        m->refs++;
        em_hmap_put(&ps->memo, key, m);
    }
    pthread_mutex_unlock(&ps->lock);
}

/* ---- the table --------------------------------------------------------------------- */

static int cc_slot(const char *cc) {
    int a = toupper((unsigned char)cc[0]), b = a ? toupper((unsigned char)cc[1]) : 0;
    if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z' || cc[2]) return -1;
    return (a - 'A') * 26 + (b - 'A');
}

/* The table's look-ups, made once: the first country entry of each two-letter code, and
   the entries by the first word of their normalised name (a name can only occur, as whole
   words, in a text holding its first word as a word), chained in table order. */
static void index_table(em_payment_screener *ps) {
    memset(ps->jcc, 0, sizeof ps->jcc);
    for (size_t i = ps->j.len; i-- > 0;) {
        jur *j = &ps->j.items[i];
        int k = cc_slot(j->code);
        if (k >= 0 && strcmp(j->kind, "country") == 0) ps->jcc[k] = (uint32_t)i + 1;
        j->nlen = strlen(j->norm);
        j->next = 0;
        if (j->nlen <= 2) continue; /* an empty name: never searched */
        size_t wl = strcspn(j->norm + 1, " ");
        int added = 0;
        em_hmap_entry *e = em_hmap_insert(&ps->jfirst, j->norm + 1, wl, &added);
        j->next = added ? 0 : (size_t)e->val.u64;
        e->val.u64 = i + 1;
    }
}

static int load_table(em_payment_screener *ps, em_normalizer *n, em_error *err) {
    FILE *f = fopen(ps->jpath, "r");
    if (!f)
        return em_fail(err, EM_ERR_IO, "cannot read the embargoed-jurisdiction table %s",
                       ps->jpath);
    char line[4096];
    size_t ln = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        ln++;
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        char *col[6] = {0}, *save = NULL;
        size_t nc = 0;
        for (char *s = line; nc < 6; nc++) {
            col[nc] = s;
            char *tab = strchr(s, '\t');
            if (!tab) {
                nc++;
                break;
            }
            *tab = 0;
            s = tab + 1;
        }
        (void)save;
        if (nc < 6) {
            rc = em_fail(err, EM_ERR_FORMAT,
                         "%s line %zu: six tab-separated columns expected "
                         "(code, kind, action, name, fact, source)",
                         ps->jpath, ln);
            break;
        }
        em_payment_verdict a;
        if (strcmp(col[2], "block") == 0)
            a = EM_PAYMENT_BLOCK;
        else if (strcmp(col[2], "review") == 0)
            a = EM_PAYMENT_REVIEW;
        else {
            rc = em_fail(err, EM_ERR_FORMAT, "%s line %zu: action '%s' is not block or review",
                         ps->jpath, ln, col[2]);
            break;
        }
        if (strcmp(col[1], "country") && strcmp(col[1], "region") && strcmp(col[1], "city")) {
            rc = em_fail(err, EM_ERR_FORMAT,
                         "%s line %zu: kind '%s' is not country, region or "
                         "city",
                         ps->jpath, ln, col[1]);
            break;
        }
        jur *j = em_vec_add(ps->j);
        j->code = em_xstrdup(col[0]);
        j->kind = em_xstrdup(col[1]);
        j->action = a;
        j->text = em_xstrdup(col[3]);
        char *nm = em_normalize_name(n, col[3]);
        j->norm = em_xasprintf(" %s ", nm ? nm : "");
        free(nm);
        j->fact = em_xstrdup(col[4]);
        j->source = em_xstrdup(col[5]);
    }
    fclose(f);
    if (rc == 0) index_table(ps);
    return rc;
}

/* em_normalize_name for plain ASCII without ICU (the common case of wire text, and the hot
   path): letters and digits lower-cased, apostrophes dropped inside words, anything else a
   single space. Other text goes through the normaliser. Caller frees. */
static char *normalize(em_normalizer *n, const char *text) {
    size_t len = strlen(text);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] >= 0x80) return em_normalize_name(n, text);
    char *out = em_xmalloc(len + 1);
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (isalnum(c)) {
            out[j++] = (char)tolower(c);
        } else if (c == '\'' && j && out[j - 1] != ' ' && isalnum((unsigned char)text[i + 1])) {
            continue;
        } else if (j && out[j - 1] != ' ') {
            out[j++] = ' ';
        }
    }
    while (j && out[j - 1] == ' ')
        j--;
    out[j] = 0;
    return out;
}

/* the country entry of a code, or NULL */
static const jur *country_entry(const em_payment_screener *ps, const char *cc) {
    int k = cc_slot(cc);
    if (k >= 0) return ps->jcc[k] ? &ps->j.items[ps->jcc[k] - 1] : NULL;
    for (size_t i = 0; i < ps->j.len; i++)
        if (strcmp(ps->j.items[i].kind, "country") == 0 && strcasecmp(ps->j.items[i].code, cc) == 0)
            return &ps->j.items[i];
    return NULL;
}

static void index_words(em_hmap *m); /* free text's word lists (below) */

int em_payment_screener_new(em_payment_screener **out, em_engine *e, const em_payment_options *opts,
                            em_error *err) {
    *out = NULL;
    if (!e) return em_fail(err, EM_ERR_USAGE, "a payment screener needs an engine");
    if (opts && opts->version != EM_PAYMENT_OPTIONS_VERSION)
        return em_fail(err, EM_ERR_USAGE, "em_payment_options.version is %u, expected %u",
                       opts->version, EM_PAYMENT_OPTIONS_VERSION);
    em_payment_screener *ps = em_xcalloc(1, sizeof *ps);
    ps->e = e;
    if (opts) ps->o = *opts;
    ps->o.version = EM_PAYMENT_OPTIONS_VERSION;
    if (ps->o.threshold <= 0) ps->o.threshold = EM_DEFAULT_THRESHOLD;
    if (ps->o.text_threshold <= 0) ps->o.text_threshold = 0.80;
    if (ps->o.threshold > 1 || ps->o.text_threshold > 1 || ps->o.block_threshold > 1) {
        free(ps);
        return em_fail(err, EM_ERR_USAGE, "payment thresholds are in (0, 1]");
    }
    ps->o.datasets = NULL;
    ps->o.ndatasets = 0;
    if (opts && opts->ndatasets) {
        char **d = em_xcalloc(opts->ndatasets, sizeof *d);
        for (size_t i = 0; i < opts->ndatasets; i++)
            d[i] = em_xstrdup(opts->datasets[i]);
        ps->o.datasets = (const char *const *)d;
        ps->o.ndatasets = opts->ndatasets;
    }
    ps->o.jurisdictions_path = NULL;
    ps->jpath =
        opts && opts->jurisdictions_path
            ? em_xstrdup(opts->jurisdictions_path)
            : em_xasprintf("%s/knowledge/embargoed_jurisdictions.tsv", em_bundled_data_dir());
    pthread_mutex_init(&ps->lock, NULL);
    index_words(&ps->words);
    em_normalizer *n = norm_get(ps, err);
    if (!n || load_table(ps, n, err) != 0) {
        em_normalizer_free(n);
        em_payment_screener_free(ps);
        return -1;
    }
    norm_put(ps, n);
    *out = ps;
    return 0;
}

void em_payment_screener_free(em_payment_screener *ps) {
    if (!ps) return;
    for (size_t i = 0; i < ps->j.len; i++) {
        jur *j = &ps->j.items[i];
        free(j->code), free(j->kind), free(j->text), free(j->norm), free(j->fact), free(j->source);
    }
    em_vec_free(ps->j);
    em_hmap_free(&ps->jfirst, NULL);
    em_hmap_free(&ps->words, NULL);
    for (size_t i = 0; i < ps->nnorms; i++)
        em_normalizer_free(ps->norms[i]);
    free(ps->norms);
    memo_clear_locked(ps);
    free(ps->lists_json);
    for (size_t i = 0; i < ps->o.ndatasets; i++)
        free((char *)ps->o.datasets[i]);
    free((void *)ps->o.datasets);
    free(ps->jpath);
    pthread_mutex_destroy(&ps->lock);
    free(ps);
}

/* ---- results -------------------------------------------------------------------------- */

static const char *keep(em_payment_result *r, const char *s) {
    if (!s) return NULL;
    char *c = em_xstrdup(s);
    em_strvec_take(&r->pool, c);
    return c;
}

static void result_free(em_payment_result *r) {
    free(r->id), free(r->format), free(r->error), free(r->error_field), free(r->input);
    em_vec_free(r->hits);
    em_strvec_free(&r->pool);
    free(r->lists_json);
    free(r->json);
}

em_payment_verdict em_payment_result_verdict(const em_payment_result *r) {
    return r->verdict;
}
size_t em_payment_result_ordinal(const em_payment_result *r) {
    return r->ordinal;
}
const char *em_payment_result_id(const em_payment_result *r) {
    return r->id;
}
const char *em_payment_result_format(const em_payment_result *r) {
    return r->format;
}
const char *em_payment_result_error(const em_payment_result *r) {
    return r->error;
}
size_t em_payment_result_hit_count(const em_payment_result *r) {
    return r->hits.len;
}
const em_payment_hit *em_payment_result_hit(const em_payment_result *r, size_t i) {
    return i < r->hits.len ? &r->hits.items[i] : NULL;
}
const char *em_payment_result_json(const em_payment_result *r) {
    return r->json;
}

/* one hit; a second hit of the same kind, field and entity (or jurisdiction) keeps the best */
static void add_hit(em_payment_result *r, const em_payment_hit *h) {
    for (size_t i = 0; i < r->hits.len; i++) {
        em_payment_hit *o = &r->hits.items[i];
        if (strcmp(o->field, h->field) == 0 && strcmp(o->kind, h->kind) == 0 &&
            ((o->entity_id && h->entity_id && strcmp(o->entity_id, h->entity_id) == 0) ||
             (o->jurisdiction && h->jurisdiction &&
              strcmp(o->jurisdiction, h->jurisdiction) == 0))) {
            if (h->score > o->score) *o = *h;
            return;
        }
    }
    em_vec_push(r->hits, *h);
}

/* ---- screening a party ------------------------------------------------------------------ */

typedef struct sctx {
    em_payment_screener *ps;
    em_normalizer *norm;
    const tmatch *tm;
    em_payment_result *r;
    const pay_message *m;
    em_error *err;
    int lists_done;
    uint64_t gen;  /* the engine's generation when the message began */
    em_hmap local; /* this message's screenings by query key -> memo_ent* (a reference each) */
} sctx;

static void note_lists(sctx *c, const em_results *res) {
    if (c->lists_done || !res) return;
    /* the same for every result of a generation: made once */
    em_payment_screener *ps = c->ps;
    uint64_t gen = em_results_generation(res);
    pthread_mutex_lock(&ps->lock);
    char *made = ps->lists_json && ps->lists_gen == gen ? em_xstrdup(ps->lists_json) : NULL;
    pthread_mutex_unlock(&ps->lock);
    if (made) {
        free(c->r->lists_json);
        c->r->lists_json = made;
        c->lists_done = 1;
        return;
    }
    em_buf b;
    em_buf_init(&b);
    em_buf_addc(&b, '[');
    for (size_t i = 0; i < em_results_list_count(res); i++) {
        const em_list_info *l = em_results_list(res, i);
        em_buf_printf(&b, "%s{\"dataset\": ", i ? ", " : "");
        em_buf_json_str(&b, l->source);
        em_buf_printf(&b, ", \"version\": %lld, \"entities\": %zu}", (long long)l->version,
                      l->entities);
    }
    em_buf_addc(&b, ']');
    free(c->r->lists_json);
    c->r->lists_json = em_buf_detach(&b);
    em_buf_free(&b);
    c->lists_done = 1;
    pthread_mutex_lock(&ps->lock);
    if (gen && gen >= ps->lists_gen) {
        free(ps->lists_json);
        ps->lists_json = em_xstrdup(c->r->lists_json);
        ps->lists_gen = gen;
    }
    pthread_mutex_unlock(&ps->lock);
}

/* The results of query key already had by this message or, when shared, by the screener's
   memo; NULL when the query is new. */
static const em_results *memo_lookup(sctx *c, const char *key, int shared) {
    memo_ent *m = em_hmap_get(&c->local, key);
    if (!m && shared && (m = memo_find(c->ps, key, c->gen))) em_hmap_put(&c->local, key, m);
    if (m) note_lists(c, m->res);
    return m ? m->res : NULL;
}

/* p screened through the engine (threshold, at most limit results), its results kept under
   key for the rest of the message and, when shared, in the screener's memo; NULL with
   c->err set when the engine failed. */
static const em_results *memo_screen(sctx *c, const char *key, int shared, const em_party *p,
                                     double threshold, size_t limit) {
    em_screen_options so = {EM_SCREEN_OPTIONS_VERSION, threshold,         limit, 0, 0,
                            c->ps->o.datasets,         c->ps->o.ndatasets};
    em_results *res = NULL;
    if (em_engine_screen(c->ps->e, p, &so, &res, c->err) != 0) return NULL;
    note_lists(c, res);
    memo_ent *m = em_xcalloc(1, sizeof *m);
    m->res = res;
    m->refs = 1;
    em_hmap_put(&c->local, key, m);
    if (shared) memo_store(c->ps, key, m);
    return res;
}

/* the memo key of a party: everything of it that goes into its em_party */
static void party_key(em_buf *k, const pay_party *pp) {
    em_buf_adds(k, "p\x1f");
    if (pp->schema) em_buf_adds(k, pp->schema);
    em_buf_addc(k, '\x1f');
    for (size_t i = 0; i < pp->names.len; i++)
        em_buf_adds(k, pp->names.items[i]), em_buf_addc(k, '\x1e');
    em_buf_addc(k, '\x1f');
    for (size_t i = 0; i < pp->countries.len; i++)
        em_buf_adds(k, pp->countries.items[i]), em_buf_addc(k, '\x1e');
    em_buf_addc(k, '\x1f');
    if (pp->birth_date) em_buf_adds(k, pp->birth_date);
    em_buf_addc(k, '\x1f');
    if (pp->bic) em_buf_adds(k, pp->bic);
    em_buf_addc(k, '\x1f');
    for (size_t i = 0; i < pp->ids.len; i++) {
        em_buf_adds(k, pp->ids.items[i].type), em_buf_addc(k, '=');
        em_buf_adds(k, pp->ids.items[i].value), em_buf_addc(k, '\x1e');
    }
}

/* the roles of customers: screened afresh in each message (every other party is an agent
   or a BIC, which the screener's memo may answer) */
static int is_customer(const char *role) {
    static const char *const CUSTOMERS[] = {
        "ordering_customer", "beneficiary",      "debtor", "creditor", "ultimate_debtor",
        "ultimate_creditor", "initiating_party", "party",  NULL};
    for (size_t i = 0; role && CUSTOMERS[i]; i++)
        if (strcmp(role, CUSTOMERS[i]) == 0) return 1;
    return !role;
}

static void entity_fields(em_payment_hit *h, em_payment_result *r, const em_result *x) {
    h->entity_id = keep(r, x->id);
    h->entity_name = keep(r, x->caption);
    h->entity_schema = keep(r, x->schema);
    h->dataset = keep(r, x->source);
    h->programs = keep(r, x->programs);
}

static int is_bic_variant(const pay_party *p, const char *id) {
    if (!p->bic || !id) return 0;
    return strncmp(p->bic, id, 8) == 0;
}

static void country_hits(sctx *c, const pay_party *p) {
    em_payment_result *r = c->r;
    for (size_t i = 0; i < p->countries.len; i++) {
        const char *cc = p->countries.items[i];
        const jur *j = country_entry(c->ps, cc);
        if (!j) continue;
        char iban_cc[3] = "";
        const char *from;
        char buf[160];
        if (p->bic && p->bic[4] == cc[0] && p->bic[5] == cc[1]) {
            snprintf(buf, sizeof buf, "the country code of BIC %s", p->bic);
            from = buf;
        } else if (p->account && pay_is_iban(p->account, iban_cc) && strcmp(iban_cc, cc) == 0) {
            snprintf(buf, sizeof buf, "the country code of IBAN %s", p->account);
            from = buf;
        } else {
            from = "the country the message gives for the party";
        }
        em_payment_hit h = {0};
        h.field = keep(r, p->field);
        h.role = keep(r, p->role);
        h.transaction = keep(r, p->txn);
        h.kind = "jurisdiction";
        h.text = keep(r, cc);
        h.jurisdiction = keep(r, j->code);
        h.score = 1;
        h.action = rule_action(c->ps->o.jurisdiction, j->action);
        char *ex = em_xasprintf("%s is %s (%s): %s [%s]", cc, j->text, from, j->fact, j->source);
        h.explanation = keep(r, ex);
        free(ex);
        add_hit(r, &h);
    }
}

/* whole-word occurrences of the table's names in n, a normalised text: the entries whose
   first word is a word of n (index_table) are looked for, in table order */
static void scan_places_norm(sctx *c, const char *field, const char *role, const char *txn,
                             const char *n, int in_free_text) {
    if (!n || !*n) return;
    const em_payment_screener *ps = c->ps;
    unsigned char few[256], *cand = ps->j.len <= sizeof few ? few : em_xmalloc(ps->j.len);
    memset(cand, 0, ps->j.len);
    int any = 0;
    for (const char *w = n; *w;) {
        while (*w == ' ')
            w++;
        size_t wl = strcspn(w, " ");
        if (!wl) break;
        const em_hmap_entry *e = em_hmap_find(&ps->jfirst, w, wl);
        for (size_t i = e ? (size_t)e->val.u64 : 0; i; i = ps->j.items[i - 1].next)
            cand[i - 1] = 1, any = 1;
        w += wl;
    }
    char *pad = any ? em_xasprintf(" %s ", n) : NULL;
    for (size_t i = 0; any && i < ps->j.len; i++) {
        const jur *j = &ps->j.items[i];
        if (!cand[i] || j->nlen <= 2 || !strstr(pad, j->norm)) continue;
        em_payment_hit h = {0};
        h.field = keep(c->r, field);
        h.role = keep(c->r, role);
        h.transaction = keep(c->r, txn);
        h.kind = "jurisdiction";
        h.text = keep(c->r, j->text);
        h.jurisdiction = keep(c->r, j->code);
        h.score = 1;
        /* a place named in free text is not where a party is: review at most */
        em_payment_verdict a = rule_action(c->ps->o.jurisdiction, j->action);
        if (in_free_text && a == EM_PAYMENT_BLOCK) a = EM_PAYMENT_REVIEW;
        h.action = a;
        char *ex = em_xasprintf("%s names %s, a %s of %s: %s [%s]",
                                in_free_text ? "the free text" : "the address", j->text, j->kind,
                                j->code, j->fact, j->source);
        h.explanation = keep(c->r, ex);
        free(ex);
        add_hit(c->r, &h);
    }
    free(pad);
    if (cand != few) free(cand);
}

static void scan_places(sctx *c, const char *field, const char *role, const char *txn,
                        const char *text, int in_free_text) {
    char *n = normalize(c->norm, text);
    scan_places_norm(c, field, role, txn, n, in_free_text);
    free(n);
}

/* pp as an em_party through the engine (memo_screen): 0 with *out NULL when nothing of it
   can be screened (no valid name or identifier), -1 when the engine failed */
static int screen_party_new(sctx *c, const pay_party *pp, const char *key, int shared,
                            const em_results **out) {
    *out = NULL;
    em_party *p = em_party_new();
    em_error verr = {0};
    if (pp->schema) em_party_set_schema(p, pp->schema, &verr);
    for (size_t i = 0; i < pp->names.len; i++)
        em_party_add_name(p, pp->names.items[i], 0, &verr);
    for (size_t i = 0; i < pp->countries.len; i++)
        em_party_add_country(p, pp->countries.items[i], &verr);
    if (pp->birth_date) em_party_add_birth_date(p, pp->birth_date, &verr);
    if (pp->bic) {
        em_party_add_identifier(p, "bic", pp->bic, &verr);
        char alt[16];
        if (strlen(pp->bic) == 11)
            snprintf(alt, sizeof alt, "%.8s", pp->bic);
        else
            snprintf(alt, sizeof alt, "%sXXX", pp->bic);
        em_party_add_identifier(p, "bic", alt, &verr);
    }
    for (size_t i = 0; i < pp->ids.len; i++)
        em_party_add_identifier(p, pp->ids.items[i].type, pp->ids.items[i].value, &verr);
    int rc = 0;
    if (em_party_name_count(p) || em_party_identifier_count(p)) {
        *out = memo_screen(c, key, shared, p, c->ps->o.threshold, 10);
        rc = *out ? 0 : -1;
    }
    em_party_free(p);
    return rc;
}

static int screen_party(sctx *c, const pay_party *pp) {
    em_payment_result *r = c->r;
    country_hits(c, pp);
    for (size_t i = 0; i < pp->address.len; i++)
        scan_places(c, pp->field, pp->role, pp->txn, pp->address.items[i], 0);
    if (!pp->names.len && !pp->bic && !pp->ids.len) return 0;
    int shared = !pp->names.len || !is_customer(pp->role); /* BIC-only, or an agent */
    em_buf key;
    em_buf_init(&key);
    party_key(&key, pp);
    const em_results *res = memo_lookup(c, em_buf_cstr(&key), shared);
    int rc = res ? 0 : screen_party_new(c, pp, em_buf_cstr(&key), shared, &res);
    em_buf_free(&key);
    if (rc != 0) return -1;
    if (!res) return 0; /* nothing of it the engine can screen */
    for (size_t i = 0; i < em_results_count(res); i++) {
        const em_result *x = em_results_get(res, i);
        if (!x->match) continue;
        const em_explanation *ex = em_result_explanation(x);
        em_payment_hit h = {0};
        h.field = keep(r, pp->field);
        h.role = keep(r, pp->role);
        h.transaction = keep(r, pp->txn);
        entity_fields(&h, r, x);
        h.score = x->score;
        char *why;
        if (ex && ex->identifier) {
            const char *kind = is_bic_variant(pp, ex->identifier) ? "bic" : "identifier";
            for (size_t k = 0; k < pp->ids.len; k++)
                if (strcmp(pp->ids.items[k].value, ex->identifier) == 0 &&
                    strcmp(pp->ids.items[k].type, "lei") == 0)
                    kind = "lei";
            h.kind = kind;
            h.text = keep(r, strcmp(kind, "bic") == 0 ? pp->bic : ex->identifier);
            h.action = rule_action(c->ps->o.identifier, EM_PAYMENT_BLOCK);
            if (strcmp(kind, "bic") == 0 && strcmp(ex->identifier, pp->bic) != 0)
                why = em_xasprintf("BIC %s: %s %s is listed for %s (%s, %s)", pp->bic,
                                   strlen(ex->identifier) == 8 ? "its BIC8" : "its head office",
                                   ex->identifier, x->caption, x->id, x->source);
            else
                why = em_xasprintf("%s %s is listed for %s (%s, %s): an exact identifier", kind,
                                   ex->identifier, x->caption, x->id, x->source);
        } else {
            h.kind = "name";
            h.text = keep(r, ex && ex->query_name ? ex->query_name
                             : pp->names.len      ? pp->names.items[0]
                                                  : "");
            em_payment_verdict a = rule_action(c->ps->o.name, EM_PAYMENT_REVIEW);
            if (c->ps->o.block_threshold > 0 && x->score >= c->ps->o.block_threshold &&
                a != EM_PAYMENT_PASS)
                a = EM_PAYMENT_BLOCK;
            h.action = a;
            why = em_xasprintf("%s scores %.2f against %s (%s, %s): %s", pp->role, x->score,
                               x->matched_name, x->id, x->source, x->explanation);
        }
        h.explanation = keep(r, why);
        free(why);
        add_hit(r, &h);
    }
    return 0;
}

/* ---- free text --------------------------------------------------------------------------- */

static const char *const FUNCTION_WORDS[] = {
    "a",   "an", "and", "as", "at",  "by",   "for",  "from", "in",    "of", "on", "or", "our",
    "per", "re", "the", "to", "via", "with", "your", "its",  "under", "no", "nr", NULL};

/* words of remittance text that never start a name search */
static const char *const COMMON_WORDS[] = {
    "account",      "acct",     "advance",       "agreement",   "amount",
    "annual",       "balance",  "bill",          "cargo",       "charges",
    "commission",   "company",  "consulting",    "contract",    "cost",
    "costs",        "customer", "deposit",       "delivery",    "dividend",
    "equipment",    "export",   "fee",           "fees",        "final",
    "freight",      "goods",    "import",        "installment", "instalment",
    "insurance",    "interest", "invoice",       "inv",         "loan",
    "machinery",    "monthly",  "office",        "order",       "partial",
    "parts",        "payment",  "pmt",           "premium",     "purchase",
    "quarterly",    "ref",      "reference",     "refund",      "rent",
    "salary",       "service",  "services",      "shipment",    "spare",
    "subscription", "supply",   "supplies",      "tax",         "trade",
    "trading",      "transfer", "tuition",       "vat",         "wages",
    "january",      "february", "march",         "april",       "may",
    "june",         "july",     "august",        "september",   "october",
    "november",     "december", "jan",           "feb",         "mar",
    "apr",          "jun",      "jul",           "aug",         "sep",
    "sept",         "oct",      "nov",           "dec",         "bnf",
    "ins",          "acc",      "rfb",           "roc",         "bic",
    "iban",         "swift",    "usd",           "eur",         "gbp",
    "chf",          "jpy",      "cny",           "rub",         "aed",
    "invoices",     "project",  "software",      "license",     "licence",
    "medical",      "medicine", "food",          "steel",       "oil",
    "gas",          "group",    "international", "general",     "holding",
    "holdings",     "limited",  "llc",           "ltd",         "inc",
    "gmbh",         "bank",     "new",           "first",       NULL};

/* the word lists above as one map, made with the screener: a word of free text is looked up
   once instead of compared with every entry */
#define WORD_FUNCTION 1u
#define WORD_COMMON 2u
static void index_words(em_hmap *m) {
    const char *const *lists[2] = {FUNCTION_WORDS, COMMON_WORDS};
    for (unsigned k = 0; k < 2; k++)
        for (size_t i = 0; lists[k][i]; i++)
            em_hmap_inserts(m, lists[k][i], NULL)->val.u64 |= k ? WORD_COMMON : WORD_FUNCTION;
}

static unsigned word_kind(const em_payment_screener *ps, const char *w) {
    const em_hmap_entry *e = em_hmap_finds(&ps->words, w);
    return e ? (unsigned)e->val.u64 : 0;
}

static int all_digits(const char *w) {
    if (!*w) return 0;
    for (; *w; w++)
        if (!isdigit((unsigned char)*w)) return 0;
    return 1;
}

/* the IMO check: digits 1-6 times 7..2, summed, mod 10 is digit 7 */
static int imo_valid(const char *d) {
    if (strlen(d) != 7 || !all_digits(d)) return 0;
    int s = 0;
    for (int i = 0; i < 6; i++)
        s += (d[i] - '0') * (7 - i);
    return s % 10 == d[6] - '0';
}

/*
 * What the lists make of word w, with one look-up per map: *known is 1 when the lists know
 * it as a token, a consonant skeleton or a given-name variant group (with no vocabulary,
 * everything is known); the result is its anchor weight: a listed token's IDF, ANCHOR_IDF
 * for a word of five letters or more unknown as spelt whose skeleton (three letters or
 * more) is listed (a transliteration of a listed token), else 0.
 */
static float word_class(const tmatch *tm, const char *w, int *known) {
    *known = 1;
    if (!tm->m || !tm->m->h) return 0;
    uint32_t n = 0;
    const uint32_t *v = em_smap_get(&tm->m->vocab, w, &n);
    if (n) return tm->m->tokens[v[0]].idf;
    char sk[EM_SKEL_MAX];
    em_skeleton(w, sk, sizeof sk);
    size_t sl = strlen(sk);
    if (sl >= 2) em_smap_get(&tm->m->skel, sk, &n);
    if (n) return strlen(w) >= 5 && sl >= 3 ? ANCHOR_IDF : 0;
    *known = tm->m->k && em_knowledge_variant_group(tm->m->k, w) != 0;
    return 0;
}

static int vessel_cue(char **w, size_t s) {
    /* right before: mv, mt, ms, ss, m v, m t; up to three before: vessel, tanker, ship, vsl */
    if (s >= 1 && (strcmp(w[s - 1], "mv") == 0 || strcmp(w[s - 1], "mt") == 0 ||
                   strcmp(w[s - 1], "ms") == 0 || strcmp(w[s - 1], "ss") == 0))
        return 1;
    if (s >= 2 && strcmp(w[s - 2], "m") == 0 &&
        (strcmp(w[s - 1], "v") == 0 || strcmp(w[s - 1], "t") == 0))
        return 1;
    for (size_t k = 1; k <= 3 && k <= s; k++)
        if (strcmp(w[s - k], "vessel") == 0 || strcmp(w[s - k], "tanker") == 0 ||
            strcmp(w[s - k], "ship") == 0 || strcmp(w[s - k], "vsl") == 0 ||
            strcmp(w[s - k], "vessels") == 0)
            return 1;
    return 0;
}

static int screen_imo(sctx *c, const pay_text *t, const char *digits, int explicit_imo) {
    char id[16], key[24];
    snprintf(id, sizeof id, "IMO%s", digits);
    snprintf(key, sizeof key, "i\x1f%s", id);
    const em_results *res = memo_lookup(c, key, 1);
    if (!res) {
        em_party *p = em_party_new();
        em_error verr = {0};
        em_party_add_identifier(p, "imo", id, &verr);
        res = memo_screen(c, key, 1, p, c->ps->o.threshold, 10);
        em_party_free(p);
        if (!res) return -1;
    }
    for (size_t i = 0; i < em_results_count(res); i++) {
        const em_result *x = em_results_get(res, i);
        if (!x->match) continue;
        em_payment_hit h = {0};
        h.field = keep(c->r, t->field);
        h.role = "text";
        h.transaction = keep(c->r, t->txn);
        h.kind = "imo";
        h.text = keep(c->r, id);
        entity_fields(&h, c->r, x);
        h.score = 1;
        h.action = explicit_imo ? rule_action(c->ps->o.identifier, EM_PAYMENT_BLOCK)
                                : rule_action(c->ps->o.text, EM_PAYMENT_REVIEW);
        char *why = em_xasprintf(
            "%s %s in the free text is the IMO number of %s (%s, %s)%s",
            explicit_imo ? "IMO number" : "the number", digits, x->caption, x->id, x->source,
            explicit_imo ? "" : "; written without 'IMO', so it may be another number: review");
        h.explanation = keep(c->r, why);
        free(why);
        add_hit(c->r, &h);
    }
    return 0;
}

static int screen_text(sctx *c, const pay_text *t) {
    char *n = normalize(c->norm, t->text);
    if (!n) return 0;
    scan_places_norm(c, t->field, "text", t->txn, n, 1); /* the same normalised text */
    char *w[MAX_WORDS];
    size_t nw = 0;
    for (char *s = n; *s && nw < MAX_WORDS;) {
        while (*s == ' ')
            s++;
        if (!*s) break;
        w[nw++] = s;
        while (*s && *s != ' ')
            s++;
        if (*s) *s++ = 0;
    }
    int rc = 0, has_imo = 0;
    /* 1. IMO numbers */
    for (size_t i = 0; i < nw && rc == 0; i++) {
        const char *d = NULL;
        int expl = 0;
        if (strcmp(w[i], "imo") == 0 && i + 1 < nw && imo_valid(w[i + 1]))
            d = w[i + 1], expl = 1;
        else if (strncmp(w[i], "imo", 3) == 0 && imo_valid(w[i] + 3))
            d = w[i] + 3, expl = 1;
        else if (imo_valid(w[i]) && !(i > 0 && strcmp(w[i - 1], "imo") == 0))
            d = w[i];
        if (d) {
            has_imo |= expl;
            rc = screen_imo(c, t, d, expl);
        }
    }
    /* 2. anchors */
    float idf[MAX_WORDS];
    int fn[MAX_WORDS], known[MAX_WORDS];
    for (size_t i = 0; i < nw; i++) {
        unsigned wk = word_kind(c->ps, w[i]);
        fn[i] = (wk & WORD_FUNCTION) != 0;
        known[i] = 1, idf[i] = 0;
        if (fn[i]) continue;
        float f = word_class(c->tm, w[i], &known[i]);
        if (strlen(w[i]) >= 3 && !all_digits(w[i]) && !(wk & WORD_COMMON)) idf[i] = f;
    }
    /* 3./4. spans */
    size_t spans[MAX_SPANS][2], ns = 0;
    for (size_t a = 0; a < nw && ns < MAX_SPANS; a++) {
        if (idf[a] < ANCHOR_IDF) continue;
        for (size_t len = 1; len <= 4 && ns < MAX_SPANS; len++) {
            for (size_t s = a + 1 >= len ? a + 1 - len : 0; s <= a && ns < MAX_SPANS; s++) {
                size_t e = s + len - 1;
                if (e >= nw || fn[s] || fn[e]) continue;
                /* a hit needs every word of the span to meet a listed part: a word the lists
                   know neither as spelt nor by its skeleton rules the span out unsearched */
                size_t u;
                for (u = s; u <= e && known[u]; u++)
                    ;
                if (u <= e) continue;
                if (len == 1 && !vessel_cue(w, s) &&
                    !(idf[a] >= ANCHOR_IDF_ONE && strlen(w[a]) >= 6))
                    continue;
                size_t k;
                for (k = 0; k < ns; k++)
                    if (spans[k][0] == s && spans[k][1] == e) break;
                if (k < ns) continue;
                spans[ns][0] = s, spans[ns][1] = e;
                ns++;
            }
        }
    }
    for (size_t k = 0; k < ns && rc == 0; k++) {
        size_t s = spans[k][0], e = spans[k][1];
        em_buf q;
        em_buf_init(&q);
        for (size_t i = s; i <= e; i++) {
            if (i > s) em_buf_addc(&q, ' ');
            em_buf_adds(&q, w[i]);
        }
        em_buf key;
        em_buf_init(&key);
        em_buf_adds(&key, "t\x1f");
        em_buf_adds(&key, em_buf_cstr(&q));
        const em_results *res = memo_lookup(c, em_buf_cstr(&key), 1);
        if (!res) {
            em_party *p = em_party_new();
            em_error verr = {0};
            em_party_add_name(p, em_buf_cstr(&q), 0, &verr);
            res = memo_screen(c, em_buf_cstr(&key), 1, p, c->ps->o.text_threshold, 5);
            em_party_free(p);
            if (!res) rc = -1;
        }
        em_buf_free(&key);
        for (size_t i = 0; rc == 0 && i < em_results_count(res); i++) {
            const em_result *x = em_results_get(res, i);
            const em_explanation *ex = em_result_explanation(x);
            if (!x->match || !ex || ex->identifier || ex->weak_alias || ex->common_names) continue;
            /* every word of the span met a listed part; the listed parts left over weigh
               little */
            int left_query = 0;
            double lw = 0, lw_left = 0;
            for (size_t k2 = 0; k2 < ex->nparts; k2++) {
                if (ex->parts[k2].how == EM_HOW_UNMATCHED_QUERY) left_query = 1;
                if (ex->parts[k2].how == EM_HOW_UNMATCHED_LIST)
                    lw_left += ex->parts[k2].listed_weight;
                lw += ex->parts[k2].listed_weight;
            }
            if (left_query || (lw > 0 && lw_left / lw > 1 - TEXT_LIST_SHARE)) continue;
            int vessel = x->schema && strcmp(x->schema, "Vessel") == 0;
            int cue = vessel_cue(w, s);
            if (vessel && !cue && !has_imo) continue;
            if (s == e && !vessel) {
                /* one word: the whole of a listed organisation's name, exactly */
                if ((x->schema && strcmp(x->schema, "Person") == 0) || ex->nparts != 1 ||
                    ex->parts[0].how != EM_HOW_EXACT)
                    continue;
            }
            em_payment_hit h = {0};
            h.field = keep(c->r, t->field);
            h.role = "text";
            h.transaction = keep(c->r, t->txn);
            h.kind = "text_name";
            h.text = keep(c->r, em_buf_cstr(&q));
            entity_fields(&h, c->r, x);
            h.score = x->score;
            h.action = rule_action(c->ps->o.text, EM_PAYMENT_REVIEW);
            char *why =
                em_xasprintf("'%s' in the free text scores %.2f against %s (%s, %s)%s: %s",
                             em_buf_cstr(&q), x->score, x->matched_name, x->id, x->source,
                             vessel ? (cue ? ", named as a vessel" : ", beside an IMO number") : "",
                             x->explanation);
            h.explanation = keep(c->r, why);
            free(why);
            add_hit(c->r, &h);
        }
        em_buf_free(&q);
    }
    free(n);
    return rc;
}

/* ---- one message --------------------------------------------------------------------------- */

static void hit_json(em_buf *b, const em_payment_hit *h) {
    em_buf_adds(b, "{\"field\": ");
    em_buf_json_str(b, h->field);
    em_buf_adds(b, ", \"role\": ");
    em_buf_json_str(b, h->role);
    if (h->transaction) {
        em_buf_adds(b, ", \"transaction\": ");
        em_buf_json_str(b, h->transaction);
    }
    em_buf_adds(b, ", \"kind\": ");
    em_buf_json_str(b, h->kind);
    em_buf_adds(b, ", \"action\": ");
    em_buf_json_str(b, em_payment_verdict_name(h->action));
    em_buf_adds(b, ", \"text\": ");
    em_buf_json_str(b, h->text ? h->text : "");
    if (h->entity_id) {
        em_buf_adds(b, ", \"entity\": {\"id\": ");
        em_buf_json_str(b, h->entity_id);
        em_buf_adds(b, ", \"caption\": ");
        em_buf_json_str(b, h->entity_name);
        em_buf_adds(b, ", \"schema\": ");
        em_buf_json_str(b, h->entity_schema);
        em_buf_adds(b, ", \"dataset\": ");
        em_buf_json_str(b, h->dataset);
        em_buf_adds(b, ", \"programs\": ");
        em_buf_json_str(b, h->programs ? h->programs : "");
        em_buf_addc(b, '}');
    }
    if (h->jurisdiction) {
        em_buf_adds(b, ", \"jurisdiction\": ");
        em_buf_json_str(b, h->jurisdiction);
    }
    em_buf_printf(b, ", \"score\": %.4f, \"explanation\": ", h->score);
    em_buf_json_str(b, h->explanation ? h->explanation : "");
    em_buf_addc(b, '}');
}

/* a count in decimal, as "%zu" (without printf's cost: four of them per message) */
static void add_count(em_buf *b, size_t v) {
    char d[24];
    size_t n = 0;
    do
        d[sizeof d - 1 - n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    em_buf_add(b, d + sizeof d - n, n);
}

static void result_json(em_payment_result *r) {
    em_buf b;
    em_buf_init(&b);
    em_buf_adds(&b, "{\"message\": ");
    add_count(&b, r->ordinal);
    if (r->input) {
        em_buf_adds(&b, ", \"input\": ");
        em_buf_json_str(&b, r->input);
    }
    em_buf_adds(&b, ", \"id\": ");
    if (r->id)
        em_buf_json_str(&b, r->id);
    else
        em_buf_adds(&b, "null");
    em_buf_adds(&b, ", \"format\": ");
    em_buf_json_str(&b, r->format ? r->format : "");
    em_buf_adds(&b, ", \"line\": ");
    add_count(&b, r->line);
    em_buf_adds(&b, ", \"verdict\": ");
    em_buf_json_str(&b, em_payment_verdict_name(r->verdict));
    if (r->error) {
        em_buf_adds(&b, ", \"error\": ");
        em_buf_json_str(&b, r->error);
        em_buf_adds(&b, ", \"error_field\": ");
        if (r->error_field)
            em_buf_json_str(&b, r->error_field);
        else
            em_buf_adds(&b, "null");
    }
    em_buf_adds(&b, ", \"transactions\": ");
    add_count(&b, r->transactions);
    em_buf_adds(&b, ", \"parties\": ");
    add_count(&b, r->parties);
    em_buf_adds(&b, ", \"hits\": [");
    for (size_t i = 0; i < r->hits.len; i++) {
        if (i) em_buf_adds(&b, ", ");
        hit_json(&b, &r->hits.items[i]);
    }
    em_buf_adds(&b, "], \"lists\": ");
    em_buf_adds(&b, r->lists_json ? r->lists_json : "[]");
    em_buf_addc(&b, '}');
    free(r->json);
    r->json = em_buf_detach(&b);
    em_buf_free(&b);
}

typedef struct run {
    em_payment_screener *ps;
    const char *input;
    int (*deliver)(void *ctx, const em_payment_result *r);
    void *ctx;
    em_error *err;
    em_normalizer *norm;
    tmatch tm;
    int failed; /* screening failed: err says why */
} run;

static int on_message(void *ud, pay_message *m) {
    run *u = ud;
    em_payment_result r = {0};
    r.ordinal = m->ordinal;
    r.line = m->first_line;
    r.transactions = m->transactions;
    r.parties = m->parties.len;
    r.id = em_xstrdup(m->id);
    r.format = em_xstrdup(m->format);
    r.input = em_xstrdup(u->input);
    if (m->error) {
        r.verdict = EM_PAYMENT_INVALID;
        char idpart[96] = "";
        if (m->id) snprintf(idpart, sizeof idpart, " (%.64s)", m->id);
        r.error = em_xasprintf("%s%smessage %zu%s at line %zu: %s", u->input ? u->input : "",
                               u->input ? ": " : "", m->ordinal, idpart, m->first_line, m->error);
        r.error_field = em_xstrdup(m->error_field);
    } else {
        sctx c = {0};
        c.ps = u->ps, c.norm = u->norm, c.tm = &u->tm, c.r = &r, c.m = m, c.err = u->err;
        c.gen = em_engine_generation(u->ps->e);
        em_hmap_init(&c.local);
        int rc = 0;
        for (size_t i = 0; i < m->parties.len && rc == 0; i++)
            rc = screen_party(&c, &m->parties.items[i]);
        for (size_t i = 0; i < m->texts.len && rc == 0; i++)
            rc = screen_text(&c, &m->texts.items[i]);
        for (size_t i = 0; i < em_hmap_len(&c.local); i++)
            memo_unref(u->ps, em_hmap_at(&c.local, i)->val.ptr);
        em_hmap_free(&c.local, NULL);
        if (rc != 0) {
            u->failed = 1;
            result_free(&r);
            return -1;
        }
        r.verdict = EM_PAYMENT_PASS;
        for (size_t i = 0; i < r.hits.len; i++)
            if (r.hits.items[i].action > r.verdict) r.verdict = r.hits.items[i].action;
        if (!r.lists_json) {
            em_list_info *l = NULL;
            size_t n = 0;
            if (em_engine_lists(u->ps->e, &l, &n, NULL) == 0) {
                em_buf b;
                em_buf_init(&b);
                em_buf_addc(&b, '[');
                for (size_t i = 0; i < n; i++) {
                    em_buf_printf(&b, "%s{\"dataset\": ", i ? ", " : "");
                    em_buf_json_str(&b, l[i].source);
                    em_buf_printf(&b, ", \"version\": %lld, \"entities\": %zu}",
                                  (long long)l[i].version, l[i].entities);
                }
                em_buf_addc(&b, ']');
                r.lists_json = em_buf_detach(&b);
                em_buf_free(&b);
                em_list_info_free(l, n);
            }
        }
    }
    result_json(&r);
    int rc = u->deliver ? u->deliver(u->ctx, &r) : 0;
    result_free(&r);
    return rc;
}

long em_payment_screen(em_payment_screener *ps, const char *data, size_t len, const char *input,
                       int (*deliver)(void *ctx, const em_payment_result *r), void *ctx,
                       em_error *err) {
    if (!ps || (!data && len))
        return em_fail(err, EM_ERR_USAGE, "em_payment_screen: no screener or no data");
    const char *fmt = pay_detect(data, len);
    if (!fmt)
        return em_fail(err, EM_ERR_FORMAT,
                       "%s%sneither a SWIFT MT message (it starts with '{1:') nor ISO 20022 XML "
                       "(it starts with '<')",
                       input ? input : "", input ? ": " : "");
    run u = {ps, input, deliver, ctx, err, NULL, {NULL, NULL}, 0};
    u.norm = norm_get(ps, err);
    if (!u.norm) return -1;
    tm_acquire(ps, &u.tm);
    long n = strcmp(fmt, "mt") == 0 ? pay_mt_parse(data, len, on_message, &u)
                                    : pay_iso_parse(data, len, on_message, &u);
    tm_release(ps, &u.tm);
    norm_put(ps, u.norm);
    if (n < 0 && !u.failed && err && !err->message[0])
        em_fail(err, EM_ERR_USAGE, "the screening was stopped by its caller");
    return n;
}

/* ---- audit ----------------------------------------------------------------------------------- */

int em_audit_payment(em_monitor *m, const char *user, const em_payment_result *r, int64_t *seq,
                     em_error *err) {
    if (!m || !r) return em_fail(err, EM_ERR_USAGE, "em_audit_payment: no monitor or result");
    json_error_t je;
    json_t *payload = json_loads(r->json, 0, &je);
    if (!payload) return em_fail(err, EM_ERR_INTERNAL, "payment result JSON: %s", je.text);
    json_object_set_new(payload, "engine", json_string(EMBARGO_VERSION));
    pthread_mutex_lock(&m->lock);
    int rc = em_audit_append(m, "payment", user, payload, 0, seq, err);
    pthread_mutex_unlock(&m->lock);
    json_decref(payload);
    return rc;
}
