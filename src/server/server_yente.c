/*
 * server_yente.c - yente's system endpoints that only describe embargo:
 * GET /algorithms (yente's AlgorithmResponse: the one matcher embargo has,
 * "embargo-v1", its features and weights from match/weights.h, and the yente
 * names accepted as aliases of it, each saying so), srv_algorithm_known for
 * /match's ?algorithm=, and /updatez (POST: yente's "force an index update",
 * here a reload of the store's active list versions into a new generation;
 * GET: the update log and the generation). /manifest is /catalog
 * (server_admin.c), as in yente.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "match/weights.h"
#include "server/server_internal.h"

#define SRV_ALGORITHM "embargo-v1"

/* the names /match accepts: embargo's matcher and the yente names that run it (and
   "best", "default", "embargo", not listed) */
static const struct {
    const char *name, *description;
} algorithms[] = {
    {SRV_ALGORITHM,
     "embargo's matcher: names compared as parts, aligned one-to-one and order-free "
     "(exact, transliteration variants, consonant skeletons for abjad scripts, typos, "
     "initials, glued parts, nicknames), each part weighed by its rarity in the lists (IDF) "
     "so that common names say little; an exact identifier (IMO, passport, wallet, BIC...) "
     "is a match on its own; birth date, country, gender and entity type then qualify the "
     "name score, which is clamped to [0, 1]. Default threshold 0.70."},
    {"logic-v2", "An alias: runs embargo's matcher (embargo-v1), not nomenklatura's logic-v2; "
                 "accepted so that clients configured for yente work. Scores differ from "
                 "yente's logic-v2."},
    {"logic-v1", "An alias: runs embargo's matcher (embargo-v1), not nomenklatura's logic-v1; "
                 "accepted so that clients configured for yente work. Scores differ from "
                 "yente's logic-v1."},
    {"name-based", "An alias: runs embargo's matcher (embargo-v1), qualifiers included, not a "
                   "names-only matcher; accepted so that clients configured for yente work."},
};
#define NALGORITHMS (sizeof algorithms / sizeof algorithms[0])

int srv_algorithm_known(const char *name) {
    if (!name || !*name) return 1; /* the default */
    if (strcasecmp(name, "best") == 0 || strcasecmp(name, "default") == 0 ||
        strcasecmp(name, "embargo") == 0)
        return 1;
    for (size_t i = 0; i < NALGORITHMS; i++)
        if (strcasecmp(name, algorithms[i].name) == 0) return 1;
    return 0;
}

/* yente's FeatureDocs: {name: {description, coefficient, url}} */
static json_t *features_json(void) {
    static const char *url = "docs/YENTE.md#algorithms"; /* in embargo's sources */
    struct {
        const char *name;
        double coefficient;
        char description[400];
    } f[6] = {{"name", 1.0, ""},  {"identifier", EM_IDENTIFIER_SCORE, ""},
              {"schema", 0, ""},  {"birth_date", 0, ""},
              {"country", 0, ""}, {"gender", EM_Q_GENDER_MISMATCH, ""}};
    snprintf(f[0].description, sizeof f[0].description,
             "The name score in [0, 1], the base of the score: the best alignment of the query "
             "name with a listed name, IDF-weighted; a weak alias x%.2f.",
             (double)EM_WEAK_ALIAS_FACTOR);
    snprintf(f[1].description, sizeof f[1].description,
             "An exact identifier (IMO, passport, crypto wallet, BIC...) scores %.2f whatever the "
             "name.",
             (double)EM_IDENTIFIER_SCORE);
    f[2].coefficient = EM_Q_SCHEMA_PERSON;
    snprintf(f[2].description, sizeof f[2].description,
             "A person against an organisation (or the reverse) %+.2f; two different kinds of "
             "non-person %+.2f.",
             (double)EM_Q_SCHEMA_PERSON, (double)EM_Q_SCHEMA_OTHER);
    f[3].coefficient = EM_Q_DOB_OFF;
    snprintf(f[3].description, sizeof f[3].description,
             "A query birth date within a listed one %+.2f; the nearest listed date within %d "
             "year(s) %+.2f, within %d years %+.2f, further %+.2f.",
             (double)EM_Q_DOB_MATCH, EM_Q_DOB_NEAR_YEARS, (double)EM_Q_DOB_NEAR, EM_Q_DOB_FAR_YEARS,
             (double)EM_Q_DOB_FAR, (double)EM_Q_DOB_OFF);
    f[4].coefficient = EM_Q_COUNTRY_MISMATCH;
    snprintf(f[4].description, sizeof f[4].description,
             "A listed nationality or country matches %+.2f; none does %+.2f.",
             (double)EM_Q_COUNTRY_MATCH, (double)EM_Q_COUNTRY_MISMATCH);
    snprintf(f[5].description, sizeof f[5].description, "The listed gender differs %+.2f.",
             (double)EM_Q_GENDER_MISMATCH);
    json_t *o = json_object();
    for (size_t i = 0; i < 6; i++)
        json_object_set_new(o, f[i].name,
                            json_pack("{s:s, s:f, s:s}", "description", f[i].description,
                                      "coefficient", (double)(float)f[i].coefficient, "url", url));
    return o;
}

void srv_handle_algorithms(em_server *s, srv_response *r) {
    (void)s;
    json_t *list = json_array();
    for (size_t i = 0; i < NALGORITHMS; i++) {
        json_t *features = features_json();
        json_t *docs = json_pack("{s:s, s:s, s:{}, s:O}", "name", algorithms[i].name, "description",
                                 algorithms[i].description, "config", "features", features);
        json_array_append_new(list, json_pack("{s:s, s:s, s:o, s:o}", "name", algorithms[i].name,
                                              "description", algorithms[i].description, "features",
                                              features, "docs", docs));
    }
    srv_json(r, 200,
             json_pack("{s:o, s:s, s:s, s:f}", "algorithms", list, "default", SRV_ALGORITHM, "best",
                       SRV_ALGORITHM, "threshold", EM_DEFAULT_THRESHOLD));
}

/* the update log of every source (em_store_update_status), as JSON */
static json_t *updates_json(em_server *s) {
    em_update_status_list *l = NULL;
    em_error err = {0};
    json_t *a = json_array();
    pthread_mutex_lock(&s->st_lock);
    int rc = em_store_update_status(s->st, &l, &err);
    pthread_mutex_unlock(&s->st_lock);
    for (size_t i = 0; rc == 0 && i < em_update_status_count(l); i++) {
        const em_update_status *u = em_update_status_get(l, i);
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:i}", "source", u->source,
                         "last_attempt", u->last_attempt ? u->last_attempt : "", "last_outcome",
                         u->last_outcome ? u->last_outcome : "", "last_success",
                         u->last_success ? u->last_success : "", "last_success_version",
                         (json_int_t)u->last_success_version, "last_failure",
                         u->last_failure ? u->last_failure : "", "last_failure_error",
                         u->last_failure_error ? u->last_failure_error : "", "consecutive_failures",
                         (int)u->consecutive_failures));
    }
    em_update_status_list_free(l);
    return a;
}

void srv_handle_updatez(em_server *s, const char *method, srv_response *r) {
    int reloaded = 0;
    if (strcmp(method, "POST") == 0) {
        em_error err = {0};
        int swapped = 0;
        if (srv_reload(s, 1, &swapped, &err) != 0) {
            srv_error(r, 500, "reload_failed", "%s", err.message);
            return;
        }
        reloaded = 1;
    }
    srv_gen *g = srv_gen_acquire(s);
    char loaded[32] = "";
    if (g) {
        struct tm tm;
        gmtime_r(&g->loaded_at, &tm);
        strftime(loaded, sizeof loaded, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    json_t *j =
        json_pack("{s:s, s:b, s:I, s:s, s:i, s:o}", "status", "ok", "reloaded", reloaded,
                  "generation", (json_int_t)(g ? g->number : 0), "loaded_at", loaded,
                  "update_every_seconds", (int)s->opts.update_every_s, "updates", updates_json(s));
    srv_gen_release(s, g);
    srv_json(r, 200, j);
}
