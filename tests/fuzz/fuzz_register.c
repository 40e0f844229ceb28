/*
 * fuzz_register.c - libFuzzer target: the register file reader
 * (monitor/record_read.c: CSV with a header or JSON lines, plain or gzip)
 * over arbitrary bytes. Every record it yields must be a canonical record
 * (an object with a string id) whose digest, party and index entity can be
 * made; a fault must say why; nothing may leak.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "monitor/record.h"
#include "monitor/record_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_file(0, data, size);
    em_record_reader *r = NULL;
    em_error err = {0};
    if (em_record_reader_open(&r, path, &err) != 0) {
        fuzz_check_result(-1, &err, "register reader open");
        return 0;
    }
    em_strvec warnings;
    em_strvec_init(&warnings);
    json_t *rec = NULL;
    int rc;
    while ((rc = em_record_reader_next(r, &rec, &warnings, &err)) == 1) {
        if (!json_is_string(json_object_get(rec, "id"))) abort();
        char digest[65];
        em_record_digest(rec, digest);
        if (strlen(digest) != 64) abort();
        em_error perr = {0};
        em_party *p = em_record_party(rec, &perr);
        /* what the reader kept, the party accepts */
        if (!p) abort();
        em_party_free(p);
        em_entity_free(em_record_entity(rec));
        json_decref(rec);
    }
    if (rc < 0) fuzz_check_result(-1, &err, "register reader");
    em_strvec_free(&warnings);
    em_record_reader_close(r);
    return 0;
}
