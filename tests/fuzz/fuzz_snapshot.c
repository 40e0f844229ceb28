/*
 * fuzz_snapshot.c - libFuzzer target: opening a snapshot file
 * (em_matcher_open_file) and, when it opens, searching it. A damaged snapshot
 * must be refused with EM_ERR_FORMAT and a message (snapshot_check.c); one that
 * is accepted must survive searches of every kind (names, typos, Arabic
 * script, qualifiers, identifiers, related listings) under ASan/UBSan.
 *
 * An input is read one of two ways:
 *  - it starts with the snapshot magic "EMBSNAP\0": it is a whole snapshot
 *    file. It is opened as it is (the checksum refuses almost every mutation),
 *    then again with its file length and checksum renewed, so that the
 *    structure check is what stands between the bytes and the matcher.
 *  - anything else is a list of patches to a valid snapshot that the target
 *    builds at start-up from a dozen made-up parties (names, aliases, birth
 *    dates, countries, identifiers, a UN/EU/OFAC trio that lists each other):
 *    byte 0 is flags (bit 0: cut the file to the length in bytes 1..4,
 *    modulo its size; bit 1: leave the checksum as it was), then patches
 *    {u32 offset (modulo the size), u8 n, n bytes}. The empty input is the
 *    valid snapshot itself, so the target needs no seed to start from a good
 *    file.
 *
 * Seeds (optional): a whole small snapshot (<= 64 KB, the -max_len of the
 * fuzz tests) lets the mutations work on the file itself. The target writes
 * its built-in one when asked:
 *     FUZZ_SNAPSHOT_WRITE_SEED=seeds/snapshot/base.emb ./fuzz_snapshot -runs=0
 * or take one from a home seeded with a small list:
 *     embargo --home /tmp/h import tests/data/<a small list file>
 *     embargo --home /tmp/h search x >/dev/null     # compiles the snapshot
 *     cp /tmp/h/snapshots/snap-*.emb seeds/snapshot/small.emb
 * A seed of an older snapshot format is refused as foreign (harmless, but
 * useless): make seeds again when EM_SNAP_VERSION changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embargo.h"
#include "fuzzutil.h"
#include "index/snapshot.h"
#include "index/snapshot_check.h"
#include "index/snapshot_format.h"
#include "match/matcher_internal.h"
#include "text/knowledge.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char *BASE;
static size_t BASE_LEN;
static em_matcher *TABLES; /* names-only: the knowledge tables, loaded once */

static em_entity *party(const char *source, const char *prefix, const char *id, const char *schema,
                        const char *name, const char *alias, const char *dob,
                        const char *nationality) {
    em_entity *e = em_entity_new(source, prefix, id, schema);
    em_entity_add_name(e, name, EM_NAME_PRIMARY, NULL, NULL);
    if (alias) em_entity_add_name(e, alias, EM_NAME_AKA, "weak", NULL);
    if (dob) em_entity_add_birth_date(e, dob, dob, NULL, 0);
    if (nationality) em_entity_add_nationality(e, nationality);
    return e;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    em_error err = {0};
    char kdir[4096];
    snprintf(kdir, sizeof kdir, "%s/knowledge", em_bundled_data_dir());
    em_knowledge *k = em_knowledge_load(kdir, &err);
    if (!k) fuzz_fail("knowledge: %s", err.message);
    em_entity_list l = {0};
    em_entity *e;
    e = party("ofac_sdn", "ofac", "39017", EM_SCHEMA_PERSON, "KHATIB, Esmail",
              "Seyed Esmaeil Khatib", "1961", "Iran");
    em_entity_add_program(e, "CYBER2");
    em_entity_list_push(&l, e);
    em_entity_list_push(&l, party("ofac_sdn", "ofac", "2", EM_SCHEMA_PERSON, "Mohammad Ali Hassan",
                                  "Abu Ali", "1970-05", "Syria"));
    em_entity_list_push(&l, party("ofac_sdn", "ofac", "3", EM_SCHEMA_PERSON, "اسماعیل خطیب", NULL,
                                  "1961-01-02", "IR"));
    em_entity_list_push(&l, party("ofac_sdn", "ofac", "4", EM_SCHEMA_ORGANIZATION,
                                  "Bank Melli Iran OOO", "BMI", NULL, NULL));
    e = party("ofac_sdn", "ofac", "5", EM_SCHEMA_VESSEL, "ADRIAN DARYA 1", NULL, NULL, NULL);
    em_entity_add_identifier(e, EM_ID_IMO, "IMO 9116412", NULL, "IMO");
    em_entity_list_push(&l, e);
    em_entity_list_push(&l, party("un_sc", "un", "6", EM_SCHEMA_PERSON, "Jean-Claude Dupont",
                                  "J. C. Dupont", "1950", "France"));
    const char *trio[][3] = {
        {"un_sc", "un", "111923"}, {"eu_fsf", "eu", "13"}, {"ofac_sdn", "ofac", "2676"}};
    for (int i = 0; i < 3; i++) {
        e = party(trio[i][0], trio[i][1], trio[i][2], EM_SCHEMA_PERSON, "Aiman al-Zawahiri",
                  "Ayman al Zawahiri", "1951-06-19", "Egypt");
        em_entity_add_prop(e, "un_reference", "QDi.006");
        em_entity_add_identifier(e, EM_ID_PASSPORT, "1084010", "Egypt", "Passport");
        em_entity_list_push(&l, e);
    }
    for (size_t i = 0; i < l.len; i++)
        em_entity_finish(l.items[i]);
    char path[] = "/tmp/fuzz_snapshot_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) fuzz_fail("mkstemp failed");
    close(fd);
    if (em_snapshot_build(&l, NULL, k, path, &err) != 0) fuzz_fail("build: %s", err.message);
    FILE *f = fopen(path, "rb");
    if (!f) fuzz_fail("cannot read %s", path);
    fseek(f, 0, SEEK_END);
    BASE_LEN = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    BASE = malloc(BASE_LEN);
    if (!BASE || fread(BASE, 1, BASE_LEN, f) != BASE_LEN) fuzz_fail("cannot read %s", path);
    fclose(f);
    unlink(path);
    em_entity_list_free(&l);
    em_knowledge_free(k);
    if (em_matcher_open_names_only(&TABLES, &err) != 0) fuzz_fail("tables: %s", err.message);
    const char *seed = getenv("FUZZ_SNAPSHOT_WRITE_SEED");
    if (seed && *seed) {
        FILE *o = fopen(seed, "wb");
        if (!o || fwrite(BASE, 1, BASE_LEN, o) != BASE_LEN || fclose(o) != 0)
            fuzz_fail("cannot write %s", seed);
    }
    return 0;
}

static void searches(em_matcher *m) {
    em_error err = {0};
    em_searcher *s = em_searcher_new(m, &err);
    if (!s) fuzz_fail("no searcher: %s", err.message);
    const char *names[] = {"Esmail Khatib",  "Esmial Khatib", "اسماعیل خطیب", "Bank Meli",
                           "Zawahiri Ayman", "JC Dupont",     "BMI"};
    const char *ids[] = {"IMO9116412", "1084010"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        em_query q = {0};
        q.name = names[i];
        if (i % 2) {
            q.birth_date = "1961";
            q.country = "Iran";
            q.gender = "male";
            q.schema = "Person";
        } else {
            q.identifiers = ids;
            q.nidentifiers = 2;
            q.all = 1;
        }
        em_results *r = NULL;
        int rc = em_search(s, &q, &r, &err);
        fuzz_check_result(rc, &err, "em_search");
        for (size_t k = 0; k < em_results_count(r); k++) {
            const em_result *x = em_results_get(r, k);
            if (!x->id || !x->explanation || x->score < 0 || x->score > 1)
                fuzz_fail("a result without an id or explanation, or out of range");
        }
        em_results_free(r);
    }
    free(em_matcher_related(m, "un-111923"));
    free(em_matcher_related(m, "ofac-39017"));
    em_searcher_free(s);
}

/* Most inputs map the file into one long-lived matcher (em_matcher_map, the check and the
   mapping of em_matcher_open_file without loading the knowledge tables again, which would
   cost 85% of the time); one in 32 goes through em_matcher_open_file itself. */
static void open_and_search(const unsigned char *img, size_t len) {
    static unsigned calls;
    const char *path = fuzz_file(0, img, len);
    em_matcher *m = NULL;
    em_error err = {0};
    int own = calls++ % 32 == 0;
    int rc = own ? em_matcher_open_file(&m, path, &err) : em_matcher_map(TABLES, path, &err);
    if (rc != 0) {
        fuzz_check_result(rc, &err, "em_matcher_open_file");
        if (m || TABLES->h) fuzz_fail("a refused snapshot left a matcher");
        if (err.code != EM_ERR_FORMAT && err.code != EM_ERR_IO)
            fuzz_fail("refused with code %d: %s", (int)err.code, err.message);
        return;
    }
    searches(own ? m : TABLES);
    if (own)
        em_matcher_close(m);
    else
        em_matcher_unmap(TABLES);
}

static void reseal(unsigned char *img, size_t len) {
    if (len < sizeof(snap_header)) return;
    snap_header *h = (snap_header *)img;
    h->file_len = len;
    h->checksum = em_xxh64(img + EM_SNAP_CHECKSUM_FROM, len - EM_SNAP_CHECKSUM_FROM);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size >= 8 && memcmp(data, EM_SNAP_MAGIC, 8) == 0) {
        open_and_search(data, size);
        unsigned char *c = malloc(size);
        memcpy(c, data, size);
        reseal(c, size);
        open_and_search(c, size);
        free(c);
        return 0;
    }
    unsigned char *c = malloc(BASE_LEN);
    memcpy(c, BASE, BASE_LEN);
    size_t len = BASE_LEN, i = 0;
    unsigned flags = size ? data[i++] : 0;
    if ((flags & 1) && i + 4 <= size) {
        uint32_t cut;
        memcpy(&cut, data + i, 4);
        i += 4;
        len = cut % (BASE_LEN + 1);
    }
    while (i + 5 <= size && len) {
        uint32_t off;
        memcpy(&off, data + i, 4);
        size_t n = data[i + 4];
        i += 5;
        if (n > size - i) n = size - i;
        for (size_t j = 0; j < n; j++)
            c[(off + j) % len] = data[i + j];
        i += n;
    }
    if (!(flags & 2)) reseal(c, len);
    open_and_search(c, len);
    free(c);
    return 0;
}
