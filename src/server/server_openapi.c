/*
 * server_openapi.c - the OpenAPI 3 document served at /openapi.json. The
 * document is src/server/openapi.json, embedded at build time by
 * cmake/embed_file.cmake; edit that file. It describes exactly the routes of
 * srv_routes (server.c); the unit test test_server checks that every routed
 * path is there. Parameters and responses shared by several routes live under
 * components. Two things are filled in here, the first time the document is
 * asked for, so that each lives in one place: every enum ["@SCHEMAS@"] gets
 * the names of the schema table (model/schema.c), and info.version gets
 * EMBARGO_VERSION (embargo.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/schema.h"
#include "server/server_internal.h"

/* generated from openapi.json (see cmake/embed_file.cmake) */
extern const unsigned char srv_openapi_file[];
extern const size_t srv_openapi_file_size;

static char *doc;
static pthread_once_t doc_once = PTHREAD_ONCE_INIT;

/* Replaces, anywhere below v, every array ["@SCHEMAS@"] by a copy of names. */
static void fill_schemas(json_t *v, json_t *names) {
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) {
            if (json_is_array(x) && json_array_size(x) == 1 &&
                json_is_string(json_array_get(x, 0)) &&
                strcmp(json_string_value(json_array_get(x, 0)), "@SCHEMAS@") == 0)
                json_object_set_new(v, k, json_deep_copy(names));
            else
                fill_schemas(x, names);
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            fill_schemas(json_array_get(v, i), names);
    }
}

static void doc_build(void) {
    json_error_t e;
    json_t *d = json_loadb((const char *)srv_openapi_file, srv_openapi_file_size, 0, &e);
    if (!d) { /* the build embedded a broken file: test_server fails on it */
        fprintf(stderr, "embargo: src/server/openapi.json line %d: %s\n", e.line, e.text);
        abort();
    }
    json_t *names = json_array();
    const em_schema_info *si;
    for (size_t i = 0; (si = em_schema_at(i)); i++)
        json_array_append_new(names, json_string(si->name));
    fill_schemas(d, names);
    json_decref(names);
    json_object_set_new(json_object_get(d, "info"), "version", json_string(EMBARGO_VERSION));
    doc = json_dumps(d, JSON_INDENT(1) | JSON_PRESERVE_ORDER); /* lives as long as the process */
    json_decref(d);
}

const char *srv_openapi(void) {
    pthread_once(&doc_once, doc_build);
    return doc;
}
