/*
 * test_monitor.c - monitoring through the public API, on the real OFAC SDN
 * versions of 2022-09-08 and 2022-09-09 (KHATIB, Esmail added; the ministry
 * 12111 given CYBER2): a register's delta re-screen gives exactly the alerts
 * of a full re-screen, alert by alert, with a new alert for Khatib and a
 * context note for the ministry; register files (CSV, JSON lines, faults,
 * re-imports); good-guy suppression that survives a change that is not
 * material and lifts on one that is; the four-eyes rule and the states;
 * the audit chain catching an edited, a removed, a reordered and a cut
 * entry; a replay of a past screening after newer lists; a webhook
 * delivered, retried and signed, to a receiver on loopback.
 */
#include "testutil.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <math.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "embargo.h"
#include "match/matcher_build.h"
#include "store/store_internal.h"

#define SDN_0908 "ofac/sdn_2022-09-08.csv.gz"
#define SDN_0909 "ofac/sdn_2022-09-09.csv.gz"

/* customers: two that the 09-09 change touches, listed parties on both
   versions, and innocent people */
static const char *REGISTER_CSV =
    "id,name,schema,birth_date,nationality,branch\n"
    "K1,Esmail Khatib,Person,,Iran,Tehran\n"
    "M1,Iranian Ministry of Intelligence and Security,Organization,,,\n"
    "G1,Hojjat Gholizadeh,Person,1980-01-30,Iran,\n"
    "H1,Ali Khatib Haji Hassan,Person,1970,Tanzania,\n"
    "S1,Mohammad Hassan Mehri,Person,1964-07-04,Iran,\n"
    "I1,John Smith,Person,1970-03-01,United Kingdom,London\n"
    "I2,Maria Garcia Lopez,Person,1985-11-20,Spain,Madrid\n"
    "I3,Wei Zhang,Person,1990,China,\n"
    "I4,Olga Ivanova,Person,1979,Russia,\n"
    "I5,Acme Trading GmbH,Company,,Germany,\n"
    /* meets KHATIB, Esmail only with its parts glued (wsym+ly ~ esmail): the
       reverse search must find it too */
    "W1,وسیم علی,Person,1961-04-15,Pakistan,\n";

static void import_list(const char *home, const char *rel) {
    em_store *st = NULL;
    em_error err = {0};
    if (em_store_open(&st, home, EM_STORE_NO_SEED, &err) != 0) fail_msg("store: %s", err.message);
    const char *paths[1] = {td(rel)};
    em_import_report *r = NULL;
    if (em_store_import(st, paths, 1, NULL, &r, &err) != 0) fail_msg("import: %s", err.message);
    em_import_report_free(r);
    em_store_close(st);
}

typedef struct mon {
    char *home;
    em_engine *e;
    em_monitor *m;
} mon;

static void mon_open(mon *x, int four_eyes) {
    em_error err = {0};
    em_engine_options eo = {EM_ENGINE_OPTIONS_VERSION, x->home, EM_STORE_NO_SEED};
    if (em_engine_open(&x->e, &eo, &err) != 0) fail_msg("engine: %s", err.message);
    em_monitor_options mo = {EM_MONITOR_OPTIONS_VERSION, !four_eyes, 2, NULL, NULL};
    if (em_monitor_open(&x->m, x->e, &mo, &err) != 0) fail_msg("monitor: %s", err.message);
}

static void mon_close(mon *x) {
    em_monitor_close(x->m);
    em_engine_close(x->e);
    x->m = NULL;
    x->e = NULL;
}

static void mon_free(mon *x) {
    mon_close(x);
    free(x->home);
}

/* Homes with the lists imported and their snapshot compiled, made once and
   copied for each test (an import and a compile take seconds under the
   sanitizers): [0] 09-08 only, [1] 09-08 then 09-09. */
static char *TEMPLATE[2];

static void template_make(int which) {
    if (TEMPLATE[which]) return;
    TEMPLATE[which] = tmpdir_new(which ? "monitor_template_both" : "monitor_template_0908");
    import_list(TEMPLATE[which], SDN_0908);
    if (which) import_list(TEMPLATE[which], SDN_0909);
    em_engine *e = NULL;
    em_error err = {0};
    em_engine_options eo = {EM_ENGINE_OPTIONS_VERSION, TEMPLATE[which], EM_STORE_NO_SEED};
    if (em_engine_open(&e, &eo, &err) != 0) fail_msg("engine: %s", err.message);
    em_engine_close(e);
}

/* a home with the given lists imported in order, a monitor open on it */
static void mon_new(mon *x, const char *name, const char *const *lists, size_t n) {
    memset(x, 0, sizeof *x);
    x->home = tmpdir_new(name);
    int which = n == 2 ? 1 : 0;
    template_make(which);
    char cmd[8400];
    snprintf(cmd, sizeof cmd, "cp -a '%s/.' '%s/'", TEMPLATE[which], x->home);
    if (system(cmd) != 0) fail_msg("cannot copy the template home");
    (void)lists;
    mon_open(x, 1);
}

static void reg_import(mon *x, const char *reg, const char *file, const char *content,
                       em_monitor_report *rep) {
    char *path = write_test_file(x->home, file, content);
    em_error err = {0};
    if (em_register_import(x->m, reg, path, 0, rep, &err) != 0)
        fail_msg("register import: %s", err.message);
    free(path);
}

static json_t *alerts(mon *x, const char *state) {
    em_alert_filter f = {0};
    f.state = state;
    char *txt = NULL;
    em_error err = {0};
    if (em_alerts_json(x->m, &f, &txt, &err) != 0) fail_msg("alerts: %s", err.message);
    json_t *j = json_loads(txt, 0, NULL);
    free(txt);
    return j;
}

/* the alert of (record, entity) or NULL (borrowed from j) */
static json_t *find_alert(json_t *j, const char *rid, const char *eid) {
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(j, "alerts"), i, a) {
        if (!strcmp(json_string_value(json_object_get(a, "record_id")), rid) &&
            (!eid || !strcmp(json_string_value(json_object_get(a, "entity_id")), eid)))
            return a;
    }
    return NULL;
}

static int64_t alert_id(mon *x, const char *rid, const char *eid) {
    json_t *j = alerts(x, NULL);
    json_t *a = find_alert(j, rid, eid);
    if (!a) fail_msg("no alert for %s / %s", rid, eid ? eid : "*");
    int64_t id = json_integer_value(json_object_get(a, "id"));
    json_decref(j);
    return id;
}

static json_t *alert_detail(mon *x, int64_t id) {
    char *txt = NULL;
    em_error err = {0};
    if (em_alert_json(x->m, id, &txt, &err) != 0) fail_msg("alert: %s", err.message);
    json_t *j = json_loads(txt, 0, NULL);
    free(txt);
    return j;
}

static const char *state_of(mon *x, int64_t id) {
    static char s[32];
    json_t *j = alert_detail(x, id);
    snprintf(s, sizeof s, "%s", json_string_value(json_object_get(j, "state")));
    json_decref(j);
    return s;
}

/* the sorted "record entity state score" lines of the alerts that are not closed */
static char *alert_lines(mon *x) {
    json_t *j = alerts(x, NULL);
    em_buf b;
    em_buf_init(&b);
    em_strvec v;
    em_strvec_init(&v);
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(j, "alerts"), i, a) {
        const char *state = json_string_value(json_object_get(a, "state"));
        if (!strcmp(state, "closed")) continue;
        char *line =
            em_xasprintf("%s %s %s %.6f", json_string_value(json_object_get(a, "record_id")),
                         json_string_value(json_object_get(a, "entity_id")), state,
                         json_real_value(json_object_get(a, "score")));
        em_strvec_push(&v, line);
        free(line);
    }
    for (size_t k = 1; k < v.len; k++) /* insertion sort: a handful of lines */
        for (size_t m = k; m > 0 && strcmp(v.items[m - 1], v.items[m]) > 0; m--) {
            char *t = v.items[m];
            v.items[m] = v.items[m - 1];
            v.items[m - 1] = t;
        }
    for (size_t k = 0; k < v.len; k++)
        em_buf_printf(&b, "%s\n", v.items[k]);
    em_strvec_free(&v);
    json_decref(j);
    em_buf_cstr(&b);
    return em_buf_detach(&b);
}

static int has_event(json_t *detail, const char *kind) {
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(detail, "history"), i, e) {
        if (!strcmp(json_string_value(json_object_get(e, "kind")), kind)) return 1;
    }
    return 0;
}

/* ---- delta re-screening equals a full re-screen ------------------------------- */

static void test_delta_equals_full(void **state) {
    (void)state;
    em_error err = {0};
    const char *v1[] = {SDN_0908};
    mon a;
    mon_new(&a, "monitor_delta", v1, 1);
    em_monitor_report rep;
    reg_import(&a, NULL, "reg.csv", REGISTER_CSV, &rep);
    assert_int_equal(rep.added, 11);
    assert_int_equal(rep.full, 1);
    assert_int_equal(rep.screened, 11);
    json_t *j = alerts(&a, NULL);
    assert_non_null(find_alert(j, "M1", "ofac-12111"));
    assert_non_null(find_alert(j, "G1", "ofac-29802"));
    assert_null(find_alert(j, "K1", "ofac-39017")); /* not listed yet */
    for (const char *const *i = (const char *const[]){"I1", "I2", "I3", "I4", "I5", NULL}; *i; i++)
        assert_null(find_alert(j, *i, NULL)); /* innocent people */
    json_decref(j);
    size_t opened_first = rep.alerts_opened;

    /* the 09-09 version becomes active: the delta */
    import_list(a.home, SDN_0909);
    em_monitor_report *reps = NULL;
    size_t n = 0;
    if (em_monitor_sync(a.m, &reps, &n, &err) != 0) fail_msg("sync: %s", err.message);
    assert_int_equal(n, 1);
    assert_int_equal(reps[0].full, 0);
    assert_true(reps[0].entities_checked >= 1); /* Khatib, at least */
    assert_true(reps[0].screened < 11);         /* not the whole register */
    assert_int_equal(reps[0].alerts_opened, 2); /* Khatib, for K1 and for W1 */
    assert_true(reps[0].alerts_noted >= 1);     /* the ministry's CYBER2 */
    free(reps);
    int64_t k = alert_id(&a, "K1", "ofac-39017");
    json_t *kd = alert_detail(&a, k);
    assert_string_equal(json_string_value(json_object_get(kd, "state")), "open");
    assert_int_equal(json_integer_value(json_object_get(kd, "list_version")), 2);
    assert_string_equal(json_string_value(json_object_get(json_object_get(kd, "record"), "id")),
                        "K1");
    assert_non_null(json_object_get(kd, "entity")); /* the listed side, FtM-shaped */
    json_decref(kd);
    json_t *md = alert_detail(&a, alert_id(&a, "M1", "ofac-12111"));
    assert_true(has_event(md, "context"));
    char *txt = json_dumps(json_object_get(md, "history"), 0);
    assert_non_null(strstr(txt, "CYBER2"));
    free(txt);
    json_decref(md);

    /* a second sync has nothing to do */
    if (em_monitor_sync(a.m, &reps, &n, &err) != 0) fail_msg("sync: %s", err.message);
    assert_int_equal(n, 0);
    free(reps);

    /* the same register screened in full on the same two versions */
    const char *v2[] = {SDN_0908, SDN_0909};
    mon b;
    mon_new(&b, "monitor_full", v2, 2);
    reg_import(&b, NULL, "reg.csv", REGISTER_CSV, &rep);
    assert_int_equal(rep.full, 1);
    char *la = alert_lines(&a), *lb = alert_lines(&b);
    assert_string_equal(la, lb); /* alert by alert, scores to 1e-6 */
    assert_int_equal((size_t)(strlen(la) > 0), 1);
    assert_true(rep.alerts_opened == opened_first + 2); /* the two Khatib alerts */
    free(la);
    free(lb);
    mon_free(&a);
    mon_free(&b);
}

/* ---- register files ----------------------------------------------------------- */

static void test_register_files(void **state) {
    (void)state;
    const char *v1[] = {SDN_0908};
    mon a;
    mon_new(&a, "monitor_files", v1, 1);
    em_error err = {0};
    em_monitor_report rep;
    /* faults that stop the import, each leaving the register as it was */
    char *p = write_test_file(a.home, "noid.csv", "name,birth_date\nJohn Smith,1970\n");
    assert_int_equal(em_register_import(a.m, "r", p, 0, &rep, &err), -1);
    assert_non_null(strstr(err.message, "id"));
    free(p);
    p = write_test_file(a.home, "dup.csv", "id,name\nA,John Smith\nA,Jane Smith\n");
    assert_int_equal(em_register_import(a.m, "r", p, 0, &rep, &err), -1);
    assert_non_null(strstr(err.message, "more than once"));
    free(p);
    p = write_test_file(a.home, "bad.jsonl", "{\"id\":\"A\",\"name\":\"X\"}\n{not json\n");
    assert_int_equal(em_register_import(a.m, "r", p, 0, &rep, &err), -1);
    free(p);
    p = write_test_file(a.home, "ok.csv", "id,name\nA,John Smith\n");
    assert_int_equal(em_register_import(a.m, "bad name!", p, 0, &rep, &err), -1);
    free(p);
    char *list = NULL;
    assert_int_equal(em_register_list_json(a.m, &list, &err), 0);
    json_t *l = json_loads(list, 0, NULL);
    size_t i;
    json_t *x;
    json_array_foreach(l, i, x) {
        assert_int_equal(json_integer_value(json_object_get(x, "records")), 0);
    }
    json_decref(l);
    free(list);

    /* JSON lines, values that cannot be used are warnings */
    reg_import(&a, "r", "r.jsonl",
               "{\"id\": \"A\", \"name\": \"Hojjat Gholizadeh\", \"birth_date\": \"1980-01-30\", "
               "\"nationality\": [\"Iran\"], \"passport\": \"M38523792\"}\n"
               "{\"id\": 7, \"name\": \"Jane Doe\", \"nationality\": \"Atlantis\", "
               "\"birth_date\": \"yesterday\"}\n"
               "{\"id\": \"C\", \"aliases\": [\"Acme Ltd\", \"Acme Limited\"], \"schema\": "
               "\"Company\"}\n",
               &rep);
    assert_int_equal(rep.added, 3);
    assert_int_equal(rep.warnings, 2);
    assert_non_null(strstr(rep.first_warning, "record 7"));
    char *rec = NULL;
    assert_int_equal(em_register_record_json(a.m, "r", "A", &rec, &err), 0);
    json_t *rj = json_loads(rec, 0, NULL);
    json_t *r = json_object_get(rj, "record");
    assert_string_equal(json_string_value(json_array_get(json_object_get(r, "countries"), 0)),
                        "ir");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(r, "identifiers"), 0), "type")),
                        "passport");
    assert_int_equal(json_array_size(json_object_get(rj, "alerts")), 1); /* Gholizadeh */
    json_decref(rj);
    free(rec);

    /* re-import: one changed, one removed, one new, one unchanged; a partial import
       removes nothing */
    reg_import(&a, "r", "r2.csv",
               "id,name,birth_date,nationality\n"
               "A,Hojjat Gholizadeh,1980-01-30,Iran\n"
               "7,Jane Doe,1971,\n"
               "D,Mohammad Hassan Mehri,1964-07-04,Iran\n",
               &rep);
    assert_int_equal(rep.added, 1);
    assert_int_equal(rep.changed, 2); /* A lost its passport, 7 got a date */
    assert_int_equal(rep.removed, 1);
    assert_int_equal(rep.records, 3);
    assert_int_equal(rep.full, 0);
    assert_true(rep.screened >= 3);
    assert_int_equal(em_register_record_json(a.m, "r", "C", &rec, &err), 0);
    rj = json_loads(rec, 0, NULL);
    assert_true(json_is_true(json_object_get(rj, "removed")));
    assert_int_equal(json_array_size(json_object_get(rj, "revisions")), 2);
    json_decref(rj);
    free(rec);
    char *pp = write_test_file(a.home, "part.csv", "id,name\nE,Olga Ivanova\n");
    assert_int_equal(em_register_import(a.m, "r", pp, 1, &rep, &err), 0);
    assert_int_equal(rep.removed, 0);
    assert_int_equal(rep.records, 4);
    free(pp);
    mon_free(&a);
}

/* ---- the good-guy list ---------------------------------------------------------- */

static void test_goodguy(void **state) {
    (void)state;
    em_error err = {0};
    const char *v1[] = {SDN_0908};
    mon a;
    mon_new(&a, "monitor_goodguy", v1, 1);
    em_monitor_report rep;
    reg_import(&a, NULL, "reg.csv", REGISTER_CSV, &rep);
    int64_t m = alert_id(&a, "M1", "ofac-12111");
    assert_int_equal(em_alert_decide(a.m, m, "false_positive", NULL, "ann", &err), -1);
    assert_non_null(strstr(err.message, "comment"));
    assert_int_equal(em_alert_decide(a.m, m, "false_positive",
                                     "our customer is the ministry's canteen", "ann", &err),
                     0);
    assert_string_equal(state_of(&a, m), "false_positive");
    char *gg = NULL;
    assert_int_equal(em_goodguys_json(a.m, NULL, 0, &gg, &err), 0);
    json_t *g = json_loads(gg, 0, NULL);
    free(gg);
    assert_int_equal(json_array_size(g), 1);
    int64_t sid = json_integer_value(json_object_get(json_array_get(g, 0), "id"));
    json_decref(g);

    /* a change that is not material (CYBER2 added to the ministry) keeps it quiet */
    import_list(a.home, SDN_0909);
    em_monitor_report *reps = NULL;
    size_t n = 0;
    assert_int_equal(em_monitor_sync(a.m, &reps, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_true(reps[0].suppressed >= 1);
    free(reps);
    assert_string_equal(state_of(&a, m), "false_positive");

    /* a change of the record's columns that are not screened: still quiet */
    char *csv = em_xstrdup(REGISTER_CSV);
    reg_import(&a, NULL, "reg.csv", csv, &rep);
    assert_string_equal(state_of(&a, m), "false_positive");
    free(csv);

    /* a material change of the record (a country): the alert reopens and says why */
    const char *changed = "id,name,schema,birth_date,nationality,branch\n"
                          "K1,Esmail Khatib,Person,,Iran,Tehran\n"
                          "M1,Iranian Ministry of Intelligence and Security,Organization,,Iran,\n"
                          "G1,Hojjat Gholizadeh,Person,1980-01-30,Iran,\n"
                          "H1,Ali Khatib Haji Hassan,Person,1970,Tanzania,\n"
                          "S1,Mohammad Hassan Mehri,Person,1964-07-04,Iran,\n"
                          "I1,John Smith,Person,1970-03-01,United Kingdom,London\n"
                          "I2,Maria Garcia Lopez,Person,1985-11-20,Spain,Madrid\n"
                          "I3,Wei Zhang,Person,1990,China,\n"
                          "I4,Olga Ivanova,Person,1979,Russia,\n"
                          "I5,Acme Trading GmbH,Company,,Germany,\n"
                          /* meets KHATIB, Esmail only with its parts glued (wsym+ly ~ esmail): the
                             reverse search must find it too */
                          "W1,وسیم علی,Person,1961-04-15,Pakistan,\n";
    reg_import(&a, NULL, "reg2.csv", changed, &rep);
    assert_int_equal(rep.changed, 1);
    assert_int_equal(rep.alerts_reopened, 1);
    assert_string_equal(state_of(&a, m), "open");
    json_t *d = alert_detail(&a, m);
    char *h = json_dumps(json_object_get(d, "history"), 0);
    assert_non_null(strstr(h, "\"record_changed\": [\"countries\"]"));
    free(h);
    json_decref(d);
    assert_int_equal(em_goodguys_json(a.m, NULL, 0, &gg, &err), 0);
    assert_string_equal(gg, "[]"); /* the suppression ended */
    free(gg);

    /* revoking: suppress again, revoke, the alert is open */
    assert_int_equal(em_alert_decide(a.m, m, "false_positive", "checked again", "ann", &err), 0);
    assert_int_equal(em_goodguys_json(a.m, NULL, 0, &gg, &err), 0);
    g = json_loads(gg, 0, NULL);
    free(gg);
    int64_t sid2 = json_integer_value(json_object_get(json_array_get(g, 0), "id"));
    json_decref(g);
    assert_true(sid2 > sid);
    assert_int_equal(em_goodguy_revoke(a.m, sid2, "bob", &err), 0);
    assert_string_equal(state_of(&a, m), "open");
    assert_int_equal(em_goodguy_revoke(a.m, sid2, "bob", &err), -1); /* already ended */
    assert_int_equal(em_goodguy_revoke(a.m, 999, "bob", &err), -1);
    assert_int_equal(err.code, EM_ERR_NOTFOUND);
    mon_free(&a);
}

/* ---- decisions: states and four eyes -------------------------------------------- */

static void test_decisions(void **state) {
    (void)state;
    em_error err = {0};
    const char *v1[] = {SDN_0908};
    mon a;
    mon_new(&a, "monitor_decide", v1, 1);
    em_monitor_report rep;
    reg_import(&a, NULL, "reg.csv", REGISTER_CSV, &rep);
    int64_t g = alert_id(&a, "G1", "ofac-29802");
    assert_int_equal(em_alert_decide(a.m, g, "maybe", "x", "ann", &err), -1);
    assert_int_equal(em_alert_decide(a.m, g, "escalate", NULL, "", &err), -1); /* no analyst */
    assert_int_equal(em_alert_decide(a.m, 424242, "escalate", NULL, "ann", &err), -1);
    assert_int_equal(err.code, EM_ERR_NOTFOUND);
    assert_int_equal(em_alert_decide(a.m, g, "reopen", NULL, "ann", &err), -1); /* it is open */
    assert_int_equal(em_alert_decide(a.m, g, "escalate", NULL, "ann", &err), 0);
    assert_string_equal(state_of(&a, g), "escalated");
    assert_int_equal(em_alert_decide(a.m, g, "escalate", NULL, "ann", &err), -1);
    assert_int_equal(err.code, EM_ERR_CONFLICT); /* its state, not the request, refuses it */
    /* four eyes: ann proposes, ann cannot confirm, bob can */
    assert_int_equal(em_alert_decide(a.m, g, "true_match", "same DOB and passport", "ann", &err),
                     0);
    assert_string_equal(state_of(&a, g), "pending");
    assert_int_equal(em_alert_decide(a.m, g, "true_match", "confirming", "ann", &err), -1);
    assert_non_null(strstr(err.message, "another analyst"));
    assert_int_equal(err.code, EM_ERR_CONFLICT);
    assert_string_equal(state_of(&a, g), "pending");
    assert_int_equal(em_alert_decide(a.m, g, "true_match", "confirmed", "bob", &err), 0);
    assert_string_equal(state_of(&a, g), "true_match");
    assert_int_equal(em_alert_decide(a.m, g, "false_positive", "x", "bob", &err), -1); /* decided */
    assert_int_equal(err.code, EM_ERR_CONFLICT);
    assert_int_equal(em_alert_decide(a.m, g, "nonsense", "x", "bob", &err), -1);
    assert_int_equal(err.code, EM_ERR_USAGE); /* a bad request stays a usage error */
    assert_int_equal(em_alert_decide(a.m, g, "reopen", NULL, "bob", &err), 0);
    assert_string_equal(state_of(&a, g), "open");
    assert_int_equal(em_alert_assign(a.m, g, "carol", "ann", &err), 0);
    json_t *d = alert_detail(&a, g);
    assert_string_equal(json_string_value(json_object_get(d, "assignee")), "carol");
    assert_true(has_event(d, "true_match_proposed"));
    assert_true(has_event(d, "true_match_confirmed"));
    assert_true(has_event(d, "assigned"));
    json_decref(d);
    /* filters */
    em_alert_filter f = {0};
    f.state = "bogus";
    char *txt = NULL;
    assert_int_equal(em_alerts_json(a.m, &f, &txt, &err), -1);
    f.state = "active";
    f.assignee = "carol";
    assert_int_equal(em_alerts_json(a.m, &f, &txt, &err), 0);
    json_t *j = json_loads(txt, 0, NULL);
    free(txt);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
    json_decref(j);
    mon_close(&a);

    /* without four eyes one analyst decides alone */
    mon_open(&a, 0);
    assert_int_equal(em_alert_decide(a.m, g, "true_match", "one analyst", "ann", &err), 0);
    assert_string_equal(state_of(&a, g), "true_match");
    mon_free(&a);
}

/* ---- the audit chain ------------------------------------------------------------ */

static void sql(const char *home, const char *q) {
    char *path = em_xasprintf("%s/embargo.db", home);
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK) fail_msg("open %s", path);
    char *msg = NULL;
    if (sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s: %s", q, msg);
    sqlite3_close(db);
    free(path);
}

static void restore(const char *home) {
    char *from = em_xasprintf("%s/audit.orig", home), *to = em_xasprintf("%s/embargo.db", home);
    copy_file(from, to, -1);
    free(from);
    free(to);
}

static void verify(mon *a, int ok, int64_t first_bad, const char *problem) {
    em_audit_verify_report r;
    em_error err = {0};
    mon_open(a, 1);
    assert_int_equal(em_audit_verify(a->m, &r, &err), 0);
    if (r.ok != ok) fail_msg("verify: ok=%d (%s), wanted %d", r.ok, r.problem, ok);
    if (!ok) {
        assert_int_equal(r.first_bad, first_bad);
        if (!strstr(r.problem, problem)) fail_msg("problem '%s' lacks '%s'", r.problem, problem);
    }
    mon_close(a);
}

static void test_audit_chain(void **state) {
    (void)state;
    em_error err = {0};
    const char *v1[] = {SDN_0908};
    mon a;
    mon_new(&a, "monitor_audit", v1, 1);
    em_monitor_report rep;
    reg_import(&a, NULL, "reg.csv", REGISTER_CSV, &rep);
    int64_t g = alert_id(&a, "G1", "ofac-29802");
    assert_int_equal(em_alert_decide(a.m, g, "escalate", NULL, "ann", &err), 0);
    assert_int_equal(em_alert_decide(a.m, g, "false_positive", "not him", "ann", &err), 0);
    em_audit_verify_report r;
    assert_int_equal(em_audit_verify(a.m, &r, &err), 0);
    assert_true(r.ok);
    assert_true(r.entries >= 5); /* screenings with hits, the import, the run, decisions */
    assert_int_equal(strlen(r.head), 64);
    /* the export an examiner asks for */
    char *path = em_xasprintf("%s/export.csv", a.home);
    FILE *f = fopen(path, "w");
    assert_int_equal(em_audit_export(a.m, NULL, NULL, "csv", f, &err), 0);
    fclose(f);
    FILE *in = fopen(path, "r");
    char line[4096];
    int lines = 0, decision = 0;
    while (fgets(line, sizeof line, in)) {
        lines++;
        if (strstr(line, "alert_decision") && strstr(line, "not him") && strstr(line, "ann"))
            decision = 1;
    }
    fclose(in);
    free(path);
    assert_int_equal(lines, r.entries + 1);
    assert_true(decision);
    assert_int_equal(em_audit_export(a.m, "2000-01-01", "2000-01-02", "json", stderr, &err), 0);
    assert_int_equal(em_audit_export(a.m, NULL, NULL, "xml", stderr, &err), -1);
    mon_close(&a);
    /* a copy of the whole store, every connection closed */
    char *from = em_xasprintf("%s/embargo.db", a.home), *to = em_xasprintf("%s/audit.orig", a.home);
    copy_file(from, to, -1);
    free(from);
    free(to);

    sql(a.home, "UPDATE audit SET user = 'mallory' WHERE seq = 2");
    verify(&a, 0, 2, "altered");
    restore(a.home);
    sql(a.home, "UPDATE audit SET payload = replace(payload, 'not him', 'him') WHERE kind = "
                "'alert_decision'");
    verify(&a, 0, r.entries, "altered");
    restore(a.home);
    sql(a.home, "DELETE FROM audit WHERE seq = 3");
    verify(&a, 0, 3, "missing");
    restore(a.home);
    sql(a.home, "UPDATE audit SET seq = -1 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3;"
                " UPDATE audit SET seq = 3 WHERE seq = -1");
    verify(&a, 0, 2, "reordered");
    restore(a.home);
    sql(a.home, "DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)");
    verify(&a, 0, r.entries, "removed from the end");
    restore(a.home);
    verify(&a, 1, 0, NULL);
    free(a.home);
}

/* ---- replay ----------------------------------------------------------------------- */

static void test_replay(void **state) {
    (void)state;
    em_error err = {0};
    const char *v1[] = {SDN_0908};
    mon a;
    mon_new(&a, "monitor_replay", v1, 1);
    em_party *p = em_party_new();
    assert_int_equal(em_party_set_schema(p, "Person", &err), 0);
    assert_int_equal(em_party_add_name(p, "Esmail Khatib", 0, &err), 0);
    assert_int_equal(em_party_add_name(p, "Hojjat Gholizadeh", 0, &err), 0);
    assert_int_equal(em_party_add_country(p, "Iran", &err), 0);
    em_screen_options so = {EM_SCREEN_OPTIONS_VERSION, 0, 5, 1, 0.3, NULL, 0};
    em_results *res = NULL;
    assert_int_equal(em_engine_screen(a.e, p, &so, &res, &err), 0);
    int64_t seq = 0;
    assert_int_equal(em_audit_screening(a.m, "search", "ann", p, &so, res, &seq, &err), 0);
    assert_true(seq > 0);
    size_t then = em_results_count(res);
    em_results_free(res);

    /* newer lists: today's screen differs (Khatib is listed), the replay does not */
    import_list(a.home, SDN_0909);
    int swapped = 0;
    assert_int_equal(em_engine_refresh(a.e, 0, &swapped, &err), 0);
    assert_true(swapped);
    assert_int_equal(em_engine_screen(a.e, p, &so, &res, &err), 0);
    int khatib_now = 0;
    for (size_t i = 0; i < em_results_count(res); i++)
        khatib_now |= !strcmp(em_results_get(res, i)->id, "ofac-39017");
    assert_true(khatib_now);
    em_results_free(res);
    int same = 0;
    char *out = NULL;
    if (em_audit_replay(a.m, seq, &same, &out, &err) != 0) fail_msg("replay: %s", err.message);
    assert_true(same);
    json_t *j = json_loads(out, 0, NULL);
    free(out);
    assert_int_equal(json_array_size(json_object_get(j, "results_now")), then);
    /* the knowledge recorded (the engine's matcher's, hashed when it loaded it) and the
       replay's are the tables' version */
    char kv[17];
    em_knowledge_version(kv);
    assert_string_equal(json_string_value(json_object_get(j, "knowledge_then")), kv);
    assert_string_equal(json_string_value(json_object_get(j, "knowledge_now")), kv);
    assert_int_equal(json_integer_value(json_object_get(
                         json_array_get(json_object_get(j, "lists"), 0), "version")),
                     1);
    json_decref(j);
    /* a decision is not a screening; an unknown entry is not found */
    assert_int_equal(em_audit_screening(a.m, "decide", "ann", p, &so, res, &seq, &err), -1);
    assert_int_equal(em_audit_replay(a.m, 99999, &same, &out, &err), -1);
    assert_int_equal(err.code, EM_ERR_NOTFOUND);
    em_party_free(p);
    mon_free(&a);
}

/* An import holds the store's write lock for its whole transaction; an audited
   screening meanwhile waits for its commit (EM_MDB_WRITE_WAIT_MS) instead of failing
   at the connection's default 10 s: the writer here holds the lock for 11 s. */
typedef struct holder {
    const char *home;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int held;
} holder;

static void *hold_write_lock(void *arg) {
    holder *h = arg;
    em_store *st = NULL;
    em_error err = {0};
    if (em_store_open(&st, h->home, EM_STORE_NO_SEED, &err) != 0) return NULL;
    int ok = em_db_exec(st, "BEGIN IMMEDIATE", &err) == 0;
    pthread_mutex_lock(&h->mu);
    h->held = ok ? 1 : -1;
    pthread_cond_signal(&h->cv);
    pthread_mutex_unlock(&h->mu);
    if (ok) {
        sleep(11);
        em_db_exec(st, "COMMIT", NULL);
    }
    em_store_close(st);
    return NULL;
}

static void test_audit_waits_for_import(void **state) {
    (void)state;
    em_error err = {0};
    const char *v1[] = {SDN_0908};
    mon a;
    mon_new(&a, "monitor_audit_wait", v1, 1);
    em_party *p = em_party_new();
    assert_int_equal(em_party_add_name(p, "Esmail Khatib", 0, &err), 0);
    em_screen_options so = {EM_SCREEN_OPTIONS_VERSION, 0, 5, 1, 0.3, NULL, 0};
    em_results *res = NULL;
    assert_int_equal(em_engine_screen(a.e, p, &so, &res, &err), 0);
    holder h = {a.home, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, hold_write_lock, &h), 0);
    pthread_mutex_lock(&h.mu);
    while (!h.held)
        pthread_cond_wait(&h.cv, &h.mu);
    pthread_mutex_unlock(&h.mu);
    assert_int_equal(h.held, 1);
    int64_t seq = 0;
    if (em_audit_screening(a.m, "search", "ann", p, &so, res, &seq, &err) != 0)
        fail_msg("the audit entry was refused while an import held the store: %s", err.message);
    assert_true(seq > 0);
    pthread_join(t, NULL);
    em_results_free(res);
    em_party_free(p);
    mon_free(&a);
}

/* ---- the webhook ------------------------------------------------------------------ */

typedef struct receiver {
    int fd, port;
    int fail_first; /* answer 500 to this many requests */
    int requests;
    char body[8192], signature[128];
} receiver;

static void *receive(void *arg) {
    receiver *r = arg;
    for (;;) {
        int c = accept(r->fd, NULL, NULL);
        if (c < 0) return NULL;
        char buf[16384];
        size_t n = 0;
        ssize_t k;
        long want = -1;
        char *body = NULL;
        while ((k = read(c, buf + n, sizeof buf - 1 - n)) > 0) {
            n += (size_t)k;
            buf[n] = '\0';
            body = strstr(buf, "\r\n\r\n");
            if (body && want < 0) {
                char *cl = strcasestr(buf, "Content-Length:");
                want = cl ? atol(cl + 15) : 0;
            }
            if (body && (long)(n - (size_t)(body + 4 - buf)) >= want) break;
        }
        r->requests++;
        char *sig = strcasestr(buf, "X-Embargo-Signature: ");
        if (sig) sscanf(sig + 21, "%127s", r->signature);
        if (body) snprintf(r->body, sizeof r->body, "%s", body + 4);
        const char *reply =
            r->requests <= r->fail_first
                ? "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                : "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        if (write(c, reply, strlen(reply)) < 0) { /* the client went away */
        }
        close(c);
    }
}

static void test_webhook(void **state) {
    (void)state;
    em_error err = {0};
    receiver r = {0};
    r.fail_first = 1;
    r.fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(r.fd, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t len = sizeof sa;
    getsockname(r.fd, (struct sockaddr *)&sa, &len);
    r.port = ntohs(sa.sin_port);
    assert_int_equal(listen(r.fd, 8), 0);
    pthread_t t;
    pthread_create(&t, NULL, receive, &r);

    const char *v1[] = {SDN_0908};
    mon a;
    mon_new(&a, "monitor_webhook", v1, 1);
    em_monitor_report rep;
    reg_import(&a, "bank", "r1.csv", "id,name\nI1,John Smith\n", &rep);
    assert_int_equal(em_register_set_webhook(a.m, "bank", "ftp://x", "s", &err), -1);
    char *url = em_xasprintf("http://127.0.0.1:%d/hook", r.port);
    assert_int_equal(em_register_set_webhook(a.m, "bank", url, "s3cret", &err), 0);
    free(url);
    reg_import(&a, "bank", "r2.csv",
               "id,name,birth_date,nationality\nI1,John Smith,,\n"
               "G1,Hojjat Gholizadeh,1980-01-30,Iran\n",
               &rep);
    assert_int_equal(rep.alerts_opened, 1);
    assert_int_equal(rep.webhooks_queued, 1);
    size_t sent = 0, failed = 0;
    assert_int_equal(em_monitor_deliver(a.m, &sent, &failed, &err), 0);
    assert_int_equal(sent, 1); /* the first try got a 500, the retry a 200 */
    assert_int_equal(failed, 0);
    assert_int_equal(r.requests, 2);
    json_t *b = json_loads(r.body, 0, NULL);
    assert_non_null(b);
    assert_string_equal(json_string_value(json_object_get(b, "event")), "alert.opened");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(b, "alert"), "entity_id")), "ofac-29802");
    json_decref(b);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    HMAC(EVP_sha256(), "s3cret", 6, (const unsigned char *)r.body, strlen(r.body), mac, &maclen);
    char hex[80] = "sha256=";
    for (unsigned i = 0; i < maclen; i++)
        sprintf(hex + 7 + 2 * i, "%02x", mac[i]);
    assert_string_equal(r.signature, hex);
    /* delivered once: nothing due any more */
    assert_int_equal(em_monitor_deliver(a.m, &sent, &failed, &err), 0);
    assert_int_equal(sent + failed, 0);
    assert_int_equal(r.requests, 2);
    mon_free(&a);
    shutdown(r.fd, SHUT_RDWR);
    close(r.fd);
    pthread_join(t, NULL);
}

/* ---- a home without lists -------------------------------------------------------- */

static void test_no_lists(void **state) {
    (void)state;
    char *home = tmpdir_new("monitor_nolists");
    em_engine *e = NULL;
    em_error err = {0};
    em_engine_options eo = {EM_ENGINE_OPTIONS_VERSION, home, EM_STORE_NO_SEED};
    assert_int_equal(em_engine_open(&e, &eo, &err), -1); /* never "no alert" for everyone */
    assert_null(e);
    free(home);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delta_equals_full),
        cmocka_unit_test(test_register_files),
        cmocka_unit_test(test_goodguy),
        cmocka_unit_test(test_decisions),
        cmocka_unit_test(test_audit_chain),
        cmocka_unit_test(test_replay),
        cmocka_unit_test(test_audit_waits_for_import),
        cmocka_unit_test(test_webhook),
        cmocka_unit_test(test_no_lists),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(TEMPLATE[0]);
    free(TEMPLATE[1]);
    return rc;
}
