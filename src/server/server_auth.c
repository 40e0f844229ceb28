/*
 * server_auth.c - API keys: loaded from a file (lines "KEY [scope [NAME]]",
 * '#' comments) and/or $EMBARGO_API_KEYS ("key1:screen,key2:admin,
 * key3:analyst:ann"); checked in constant time against the key a request
 * presents, in any of the three forms yente clients send: "Authorization:
 * Bearer KEY", "Authorization: ApiKey KEY" (the hosted OpenSanctions API) or
 * the query parameter ?api_key=KEY. Scopes: screen (screening and reading the lists), analyst
 * (that, and reading and deciding alerts, the good-guy list and registers),
 * admin (everything: reload, register imports and screens, webhooks, the
 * audit chain). NAME names the analyst of the key's decisions (a key without
 * one acts as its id). A key is logged only by its id (a SHA-256 prefix).
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/error.h"
#include "server/server_internal.h"

static int is_scope(const char *s) {
    return strcmp(s, "screen") == 0 || strcmp(s, "analyst") == 0 || strcmp(s, "admin") == 0;
}

static int add_key(srv_keys *k, const char *key, const char *scope, const char *name,
                   const char *where, em_error *err) {
    int admin = 0, analyst = 0;
    if (!scope || !*scope || strcmp(scope, "screen") == 0)
        ;
    else if (strcmp(scope, "analyst") == 0)
        analyst = 1;
    else if (strcmp(scope, "admin") == 0)
        admin = 1;
    else
        return em_fail(err, EM_ERR_USAGE,
                       "%s: unknown API key scope '%s' (screen, analyst or admin)", where, scope);
    if (name && (!*name || strlen(name) >= sizeof k->items[0].name))
        return em_fail(err, EM_ERR_USAGE, "%s: a key's name has 1 to %zu characters", where,
                       sizeof k->items[0].name - 1);
    for (const char *p = name; p && *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || *p == ':' || *p == ',')
            return em_fail(err, EM_ERR_USAGE,
                           "%s: a key's name is printable ASCII without spaces, ':' or ','", where);
    if (strlen(key) < 8)
        return em_fail(err, EM_ERR_USAGE, "%s: an API key must have at least 8 characters", where);
    for (const char *p = key; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
            return em_fail(err, EM_ERR_USAGE, "%s: an API key must be printable ASCII", where);
    srv_key *x = em_vec_add(*k);
    x->key = em_xstrdup(key);
    x->admin = admin;
    x->analyst = analyst;
    snprintf(x->name, sizeof x->name, "%s", name ? name : "");
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_Digest(key, strlen(key), md, &mdlen, EVP_sha256(), NULL);
    snprintf(x->id, sizeof x->id, "k:%02x%02x%02x%02x", md[0], md[1], md[2], md[3]);
    return 0;
}

int srv_keys_load(srv_keys *k, const char *file, const char *env, em_error *err) {
    if (file) {
        FILE *f = fopen(file, "r");
        if (!f) return em_fail(err, EM_ERR_IO, "cannot read the API keys file %s", file);
        char line[1024];
        int ln = 0;
        while (fgets(line, sizeof line, f)) {
            ln++;
            char *h = strchr(line, '#');
            if (h) *h = '\0';
            char *save = NULL, *key = strtok_r(line, " \t\r\n", &save);
            if (!key) continue;
            char *scope = strtok_r(NULL, " \t\r\n", &save);
            char *name = scope ? strtok_r(NULL, " \t\r\n", &save) : NULL;
            char where[1100];
            snprintf(where, sizeof where, "%s line %d", file, ln);
            if (strtok_r(NULL, " \t\r\n", &save)) {
                fclose(f);
                return em_fail(err, EM_ERR_USAGE, "%s: expected \"KEY scope [NAME]\"", where);
            }
            if (add_key(k, key, scope, name, where, err) != 0) {
                fclose(f);
                return -1;
            }
        }
        fclose(f);
        if (k->len == 0) return em_fail(err, EM_ERR_USAGE, "the API keys file %s has no key", file);
    }
    if (env && *env) {
        char *copy = em_xstrdup(env), *save = NULL;
        for (char *item = strtok_r(copy, ", \t\n", &save); item;
             item = strtok_r(NULL, ", \t\n", &save)) {
            /* "key:scope" or "key:scope:name" (a key may hold ':' itself) */
            char *scope = NULL, *name = NULL, *colon = strrchr(item, ':');
            if (colon) {
                *colon = '\0';
                scope = colon + 1;
                char *c2 = is_scope(scope) ? NULL : strrchr(item, ':');
                if (c2 && is_scope(c2 + 1)) {
                    *c2 = '\0';
                    name = scope;
                    scope = c2 + 1;
                }
            }
            if (add_key(k, item, scope, name, "EMBARGO_API_KEYS", err) != 0) {
                free(copy);
                return -1;
            }
        }
        free(copy);
    }
    return 0;
}

void srv_keys_free(srv_keys *k) {
    for (size_t i = 0; i < k->len; i++) {
        /* wipe the secret before freeing it */
        volatile char *p = k->items[i].key;
        while (*p)
            *p++ = 0;
        free(k->items[i].key);
    }
    free(k->items);
    memset(k, 0, sizeof *k);
}

static int ct_equal(const char *a, size_t an, const char *b, size_t bn) {
    unsigned char d = an != bn;
    size_t n = an < bn ? an : bn;
    for (size_t i = 0; i < n; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

/* the key with this token (n bytes), or NULL: compares with every key, no early exit */
static const srv_key *find_token(const srv_keys *k, const char *tok, size_t n) {
    const srv_key *found = NULL;
    for (size_t i = 0; i < k->len; i++) /* no early exit: same time for every key */
        if (ct_equal(tok, n, k->items[i].key, strlen(k->items[i].key)) && !found)
            found = &k->items[i];
    return found;
}

const srv_key *srv_keys_check(const srv_keys *k, const char *auth) {
    if (!auth) return NULL;
    while (*auth == ' ')
        auth++;
    const char *tok;
    if (strncasecmp(auth, "Bearer ", 7) == 0)
        tok = auth + 7;
    else if (strncasecmp(auth, "ApiKey ", 7) == 0)
        tok = auth + 7;
    else
        return NULL;
    while (*tok == ' ')
        tok++;
    size_t n = strlen(tok);
    while (n && (tok[n - 1] == ' ' || tok[n - 1] == '\t'))
        n--;
    return find_token(k, tok, n);
}

const srv_key *srv_keys_check_request(const srv_keys *k, const char *auth, const char *api_key) {
    if (auth) return srv_keys_check(k, auth);
    if (!api_key) return NULL;
    return find_token(k, api_key, strlen(api_key));
}
