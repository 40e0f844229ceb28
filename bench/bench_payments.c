/*
 * bench_payments.c - throughput and latency of payment screening
 * (em_payment_screen) on the bundled lists: MT103 and pacs.008 messages per
 * second per core, and the latency of one message (p50 / p90 / p99 / max, and p50 / p99 of
 * its CPU time, which the load of other processes does not inflate),
 * on one thread and on N threads.
 *
 * A benchmark, not a test: it measures and prints. The messages are
 * synthetic but shaped like real traffic: sender and receiver BICs, an
 * ordering customer and a beneficiary with name, address and IBAN, an
 * ordering institution and an account-with institution by BIC, and a
 * remittance line; names drawn from small tables of given names, family
 * names and company words (seed 42), so that each message differs, and one
 * message in 100 carries a listed party (a listed BIC in 57A, a listed name
 * as beneficiary, or a listed vessel and IMO number in the remittance), as a
 * hit rate far above real traffic's.
 *
 *   bench_payments [--home DIR] [--messages N] [--threads N] [--markdown]
 *
 * --home DIR     the home to screen against (default: a scratch home seeded
 *                from the bundled lists, in bench-payments-work/)
 * --messages N   messages per format and run (default 20000)
 * --threads N    threads of the parallel run (default: number of cores)
 * --only F       one format only, mt103 or pacs008 (for a profile of one of them)
 * --dump FILE    no timing: screen every message once and write each result's JSON
 *                (one line per message, MT103s then pacs.008s) to FILE, so that two
 *                builds' results can be compared byte for byte (diff)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "embargo.h"

#ifdef NDEBUG
#define BUILD_KIND "optimised build (NDEBUG)"
#else
#define BUILD_KIND "debug build (no NDEBUG): figures are not representative"
#endif

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* this thread's CPU time: a message's own cost, without the time the scheduler gave
   other processes (on a loaded machine wall-clock latency is mostly waiting) */
static double thread_cpu_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const em_error *err) {
    fprintf(stderr, "bench_payments: %s: %s\n", what, err ? err->message : "");
    exit(1);
}

/* ---- synthetic messages ------------------------------------------------------------ */

static uint64_t rng = 42;
static unsigned rnd(unsigned n) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static const char *GIVEN[] = {"Anna",  "Lukas", "Marie",  "Jonas",  "Sofia",  "Pierre", "Giulia",
                              "Mateo", "Elif",  "Noah",   "Ingrid", "Tomasz", "Chen",   "Aiko",
                              "Priya", "Omar",  "Fatima", "Kwame",  "Olga",   "Diego"};
static const char *FAMILY[] = {"Schneider", "Dubois",   "Rossi",  "Garcia",  "Nowak",
                               "Jensen",    "Kowalski", "Moreau", "Bianchi", "Lindqvist",
                               "Yilmaz",    "Tanaka",   "Okafor", "Petrov",  "Silva",
                               "Novak",     "Fischer",  "Martin", "Haddad",  "Larsen"};
static const char *WORD[] = {"Alpine", "Harbor",    "Meadow", "Granite",  "Cedar",     "Willow",
                             "Summit", "Riverside", "Maple",  "Lakeside", "Northwind", "Bluebell"};
static const char *TRADE[] = {"Bakery", "Printing", "Roofing",  "Logistics", "Textiles",
                              "Dental", "Optics",   "Catering", "Tools",     "Furniture"};
static const char *FORM[] = {"GmbH", "SARL", "BV", "Ltd", "SpA", "AB"};
static const char *BICS[] = {"COBADEFFXXX", "BNPAFRPPXXX", "INGBNL2AXXX", "BARCGB22XXX",
                             "UNCRITMMXXX", "NDEASESSXXX", "RABONL2UXXX", "DEUTDEFFXXX"};
static const char *TEXT[] = {
    "INVOICE %u SPARE PARTS", "ORDER %u OFFICE FURNITURE", "CONTRACT %u CONSULTING SERVICES",
    "RENT JANUARY FLAT %u",   "SALARY PERIOD %u",          "DEEP SEA FISHING EQUIPMENT INV %u",
    "FREIGHT CHARGES BL %u",  "SUBSCRIPTION %u ANNUAL"};

static void party_name(char *out, size_t cap, int company) {
    if (company)
        snprintf(out, cap, "%s %s %s", WORD[rnd(12)], TRADE[rnd(10)], FORM[rnd(6)]);
    else
        snprintf(out, cap, "%s %s", GIVEN[rnd(20)], FAMILY[rnd(20)]);
}

/* the names each message carries (for the engine-only floor) */
static char (*ORD)[96], (*BEN)[96];

/* message i: one in 100 carries a listed party */
static char *make_mt103(unsigned i) {
    char ord[96], ben[96], text[96], b57[16];
    party_name(ord, sizeof ord, 1);
    party_name(ben, sizeof ben, (int)rnd(2));
    snprintf(text, sizeof text, TEXT[rnd(8)], 1000 + rnd(90000));
    snprintf(b57, sizeof b57, "%s", BICS[rnd(8)]);
    if (i % 100 == 7) snprintf(b57, sizeof b57, "BKBPIRTHXXX");
    if (i % 100 == 37) snprintf(ben, sizeof ben, "ISMAIL KHATEEB");
    if (i % 100 == 67) snprintf(text, sizeof text, "FREIGHT M/V ARTAVIL IMO 9187629");
    snprintf(ORD[i], sizeof ORD[i], "%s", ord);
    snprintf(BEN[i], sizeof BEN[i], "%s", ben);
    char *m = NULL;
    if (asprintf(
            &m,
            "{1:F01%.8sA%.3s0000000000}{2:I103%.8sX%.3sN}{3:{121:00000000-0000-4000-8000-%012u}}"
            "{4:\r\n:20:REF%08u\r\n:23B:CRED\r\n:32A:260115EUR%u,%02u\r\n"
            ":50K:/DE89370400440532013000\r\n%s\r\nHAUPTSTRASSE %u\r\n80331 MUENCHEN\r\n"
            ":52A:%s\r\n:57A:%s\r\n:59:/FR1420041010050500013M02606\r\n%s\r\n"
            "12 RUE DE LA PAIX\r\n75002 PARIS\r\n:70:%s\r\n:71A:SHA\r\n-}{5:{CHK:0A1B2C3D4E5F}}",
            BICS[i % 8], BICS[i % 8] + 8, BICS[(i + 3) % 8], BICS[(i + 3) % 8] + 8, i, i,
            100 + rnd(100000), rnd(100), ord, 1 + rnd(99), BICS[i % 8], b57, ben, text) < 0)
        exit(1);
    return m;
}

static char *make_pacs008(unsigned i) {
    char ord[96], ben[96], text[96], agt[16];
    party_name(ord, sizeof ord, 1);
    party_name(ben, sizeof ben, (int)rnd(2));
    snprintf(text, sizeof text, TEXT[rnd(8)], 1000 + rnd(90000));
    snprintf(agt, sizeof agt, "%s", BICS[rnd(8)]);
    if (i % 100 == 7) snprintf(agt, sizeof agt, "SABCIRTHXXX");
    if (i % 100 == 37) snprintf(ben, sizeof ben, "Esmail Khatib");
    if (i % 100 == 67) snprintf(text, sizeof text, "CHARTER HIRE MT ARK III JANUARY");
    char *m = NULL;
    if (asprintf(
            &m,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08\"><FIToFICstmrCdtTrf>"
            "<GrpHdr><MsgId>MSG-%08u</MsgId><CreDtTm>2026-01-15T09:30:00</CreDtTm><NbOfTxs>1</"
            "NbOfTxs>"
            "<SttlmInf><SttlmMtd>INDA</SttlmMtd></SttlmInf>"
            "<InstgAgt><FinInstnId><BICFI>%s</BICFI></FinInstnId></InstgAgt>"
            "<InstdAgt><FinInstnId><BICFI>%s</BICFI></FinInstnId></InstdAgt></GrpHdr>"
            "<CdtTrfTxInf><PmtId><InstrId>I%08u</InstrId><EndToEndId>E2E-%08u</EndToEndId></PmtId>"
            "<IntrBkSttlmAmt "
            "Ccy=\"EUR\">%u.%02u</IntrBkSttlmAmt><IntrBkSttlmDt>2026-01-15</IntrBkSttlmDt>"
            "<ChrgBr>SHAR</ChrgBr>"
            "<Dbtr><Nm>%s</Nm><PstlAdr><Ctry>DE</Ctry><AdrLine>Hauptstrasse %u</AdrLine>"
            "<AdrLine>80331 Muenchen</AdrLine></PstlAdr></Dbtr>"
            "<DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>"
            "<DbtrAgt><FinInstnId><BICFI>%s</BICFI></FinInstnId></DbtrAgt>"
            "<CdtrAgt><FinInstnId><BICFI>%s</BICFI></FinInstnId></CdtrAgt>"
            "<Cdtr><Nm>%s</Nm><PstlAdr><Ctry>FR</Ctry><AdrLine>12 rue de la Paix</AdrLine>"
            "<AdrLine>75002 Paris</AdrLine></PstlAdr></Cdtr>"
            "<CdtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></CdtrAcct>"
            "<RmtInf><Ustrd>%s</Ustrd></RmtInf></CdtTrfTxInf></FIToFICstmrCdtTrf></Document>\n",
            i, BICS[i % 8], BICS[(i + 3) % 8], i, i, 100 + rnd(100000), rnd(100), ord, 1 + rnd(99),
            BICS[i % 8], agt, ben, text) < 0)
        exit(1);
    return m;
}

/* ---- runs ------------------------------------------------------------------------------ */

typedef struct work {
    em_payment_screener *ps;
    char **msgs;
    size_t from, to;
    double *lat;  /* per message, seconds (NULL: not measured) */
    double *clat; /* per message, this thread's CPU seconds (with lat) */
    size_t block, review, pass, invalid;
} work;

static FILE *dump_to; /* --dump */

static int count(void *ctx, const em_payment_result *r) {
    work *w = ctx;
    if (dump_to) fprintf(dump_to, "%s\n", em_payment_result_json(r));
    switch (em_payment_result_verdict(r)) {
    case EM_PAYMENT_BLOCK:
        w->block++;
        break;
    case EM_PAYMENT_REVIEW:
        w->review++;
        break;
    case EM_PAYMENT_PASS:
        w->pass++;
        break;
    default:
        w->invalid++;
    }
    return 0;
}

static void *run_work(void *ud) {
    work *w = ud;
    em_error err = {0};
    for (size_t i = w->from; i < w->to; i++) {
        double t0 = w->lat ? now_s() : 0, c0 = w->lat ? thread_cpu_s() : 0;
        if (em_payment_screen(w->ps, w->msgs[i], strlen(w->msgs[i]), NULL, count, w, &err) != 1)
            die("em_payment_screen", &err);
        if (w->lat) w->lat[i] = now_s() - t0, w->clat[i] = thread_cpu_s() - c0;
    }
    return NULL;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct figures {
    double p50, p90, p99, max, per_s_1, per_s_n, per_core_n, cpu_per_msg_us;
    double cpu_p50, cpu_p99; /* of one message's CPU time */
    size_t block, review, pass, invalid;
} figures;

static figures bench_format(em_payment_screener *ps, char **msgs, size_t n, unsigned threads) {
    figures f = {0};
    /* warm-up: the text matcher, page faults, the searcher pool */
    work w0 = {ps, msgs, 0, n < 500 ? n : 500, NULL, NULL, 0, 0, 0, 0};
    run_work(&w0);
    /* one thread, every message timed */
    double *lat = calloc(n, sizeof *lat), *clat = calloc(n, sizeof *clat);
    work w = {ps, msgs, 0, n, lat, clat, 0, 0, 0, 0};
    double c0 = cpu_s(), t0 = now_s();
    run_work(&w);
    double t = now_s() - t0, c = cpu_s() - c0;
    f.per_s_1 = (double)n / t;
    f.cpu_per_msg_us = c / (double)n * 1e6;
    f.block = w.block, f.review = w.review, f.pass = w.pass, f.invalid = w.invalid;
    qsort(lat, n, sizeof *lat, cmp_d);
    f.p50 = lat[n / 2] * 1e6;
    f.p90 = lat[(size_t)((double)n * 0.90)] * 1e6;
    f.p99 = lat[(size_t)((double)n * 0.99)] * 1e6;
    f.max = lat[n - 1] * 1e6;
    qsort(clat, n, sizeof *clat, cmp_d);
    f.cpu_p50 = clat[n / 2] * 1e6;
    f.cpu_p99 = clat[(size_t)((double)n * 0.99)] * 1e6;
    free(lat);
    free(clat);
    /* N threads */
    pthread_t *th = calloc(threads, sizeof *th);
    work *ws = calloc(threads, sizeof *ws);
    t0 = now_s();
    for (unsigned k = 0; k < threads; k++) {
        ws[k] = (work){ps, msgs, n * k / threads, n * (k + 1) / threads, NULL, NULL, 0, 0, 0, 0};
        pthread_create(&th[k], NULL, run_work, &ws[k]);
    }
    for (unsigned k = 0; k < threads; k++)
        pthread_join(th[k], NULL);
    t = now_s() - t0;
    f.per_s_n = (double)n / t;
    f.per_core_n = f.per_s_n / threads;
    free(th);
    free(ws);
    return f;
}

int main(int argc, char **argv) {
    const char *home = NULL;
    size_t n = 20000;
    unsigned threads = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    int markdown = 0;
    const char *only = NULL, *dump = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--home") == 0 && i + 1 < argc)
            home = argv[++i];
        else if (strcmp(argv[i], "--messages") == 0 && i + 1 < argc)
            n = (size_t)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--markdown") == 0)
            markdown = 1;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc &&
                 (strcmp(argv[i + 1], "mt103") == 0 || strcmp(argv[i + 1], "pacs008") == 0))
            only = argv[++i];
        else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc)
            dump = argv[++i];
        else {
            fprintf(stderr, "usage: bench_payments [--home DIR] [--messages N] [--threads N] "
                            "[--markdown] [--only mt103|pacs008] [--dump FILE]\n");
            return 2;
        }
    }
    if (n < 100) n = 100;
    if (threads < 1) threads = 1;
    em_error err = {0};
    em_engine *e = NULL;
    em_engine_options eo = {EM_ENGINE_OPTIONS_VERSION, home, 0};
    double t0 = now_s();
    if (em_engine_open(&e, &eo, &err) != 0) die("em_engine_open", &err);
    em_payment_screener *ps = NULL;
    if (em_payment_screener_new(&ps, e, NULL, &err) != 0) die("em_payment_screener_new", &err);
    double open_s = now_s() - t0;
    em_list_info *lists = NULL;
    size_t nl = 0;
    em_engine_lists(e, &lists, &nl, &err);
    size_t entities = 0;
    for (size_t i = 0; i < nl; i++)
        entities += lists[i].entities;
    em_list_info_free(lists, nl);

    char **mt = calloc(n, sizeof *mt), **px = calloc(n, sizeof *px);
    ORD = calloc(n, sizeof *ORD);
    BEN = calloc(n, sizeof *BEN);
    for (size_t i = 0; i < n; i++)
        mt[i] = make_mt103((unsigned)i);
    for (size_t i = 0; i < n; i++)
        px[i] = make_pacs008((unsigned)i);
    figures fm = {0}, fp = {0};
    int do_mt = !only || strcmp(only, "mt103") == 0, do_px = !only || strcmp(only, "pacs008") == 0;
    if (dump) {
        if (!(dump_to = fopen(dump, "w"))) die(dump, NULL);
        work wm = {ps, mt, 0, do_mt ? n : 0, NULL, NULL, 0, 0, 0, 0};
        run_work(&wm);
        work wp = {ps, px, 0, do_px ? n : 0, NULL, NULL, 0, 0, 0, 0};
        run_work(&wp);
        fclose(dump_to);
        printf("bench_payments: %zu + %zu results written to %s; verdicts MT103 %zu block / %zu "
               "review / %zu pass, pacs.008 %zu / %zu / %zu\n",
               wm.to, wp.to, dump, wm.block, wm.review, wm.pass, wp.block, wp.review, wp.pass);
        return 0;
    }
    if (do_mt) fm = bench_format(ps, mt, n, threads);
    /* the floor: the same two customer names per MT103 through em_engine_screen alone */
    double c0 = cpu_s();
    for (size_t i = 0; do_mt && i < n; i++) {
        for (int k = 0; k < 2; k++) {
            em_party *p = em_party_new();
            if (k == 0) em_party_set_schema(p, "Organization", &err);
            em_party_add_name(p, k ? BEN[i] : ORD[i], 0, &err);
            em_results *r = NULL;
            if (em_engine_screen(e, p, NULL, &r, &err) != 0) die("em_engine_screen", &err);
            em_results_free(r);
            em_party_free(p);
        }
    }
    double floor_us = (cpu_s() - c0) / (double)n * 1e6;
    if (do_px) fp = bench_format(ps, px, n, threads);

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (markdown) {
        printf("| format | messages | msgs/s, 1 thread | msgs/s, %u threads (per thread) | CPU per "
               "message | p50 | p90 | p99 | max | CPU p50 / p99 | verdicts block / review / pass "
               "|\n",
               threads);
        printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
    } else {
        printf(
            "bench_payments: %s; %ld cores; %zu listed entities; engine + screener open %.2f s\n",
            BUILD_KIND, cores, entities, open_s);
    }
    const struct {
        const char *name;
        figures *f;
    } rows[] = {{"MT103", &fm}, {"pacs.008", &fp}};
    for (size_t k = 0; k < 2; k++) {
        figures *f = rows[k].f;
        if (!(k == 0 ? do_mt : do_px)) continue;
        if (markdown)
            printf(
                "| %s | %zu | %.0f | %.0f (%.0f) | %.1f µs | %.1f µs | %.1f µs | %.1f µs | %.1f µs "
                "| %.1f / %.1f µs | %zu / %zu / %zu |\n",
                rows[k].name, n, f->per_s_1, f->per_s_n, f->per_core_n, f->cpu_per_msg_us, f->p50,
                f->p90, f->p99, f->max, f->cpu_p50, f->cpu_p99, f->block, f->review, f->pass);
        else
            printf("%-9s %zu messages: 1 thread %.0f msgs/s (CPU %.1f µs/msg), %u threads %.0f "
                   "msgs/s (%.0f per thread); latency p50 %.1f µs, p90 %.1f µs, p99 %.1f µs, "
                   "max %.1f µs; CPU of one message p50 %.1f µs, p99 %.1f µs; verdicts %zu block, "
                   "%zu review, %zu pass, %zu invalid\n",
                   rows[k].name, n, f->per_s_1, f->cpu_per_msg_us, threads, f->per_s_n,
                   f->per_core_n, f->p50, f->p90, f->p99, f->max, f->cpu_p50, f->cpu_p99, f->block,
                   f->review, f->pass, f->invalid);
    }
    if (do_mt && markdown)
        printf("\nEngine floor: the two customer names of each MT103 through em_engine_screen "
               "alone: %.1f µs CPU per message.\n",
               floor_us);
    else if (do_mt)
        printf("engine floor: the MT103s' two customer names through em_engine_screen alone: "
               "%.1f µs CPU per message\n",
               floor_us);
    for (size_t i = 0; i < n; i++)
        free(mt[i]), free(px[i]);
    free(ORD);
    free(BEN);
    free(mt);
    free(px);
    em_payment_screener_free(ps);
    em_engine_close(e);
    return 0;
}
