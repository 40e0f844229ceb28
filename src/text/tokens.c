/*
 * tokens.c - names as comparable parts (see tokens.h).
 */
#include "text/tokens.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "model/entity.h"

void em_skeleton(const char *t, char *out, size_t cap) {
    size_t j = 0;
    char prev = 0;
    for (size_t i = 0; t[i] && j + 1 < cap; i++) {
        char c = t[i];
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' || c == 'w')
            continue;
        if (c == 'q' || c == 'c') c = 'k';
        if (c == 'p' && t[i + 1] == 'h') {
            c = 'f';
            i++;
        }
        if (c == prev) continue;
        out[j++] = c;
        prev = c;
    }
    out[j] = '\0';
}

static char leet(char c) {
    switch (c) {
    case '0':
        return 'o';
    case '1':
        return 'i';
    case '3':
        return 'e';
    case '4':
        return 'a';
    case '5':
        return 's';
    case '7':
        return 't';
    case '8':
        return 'b';
    default:
        return c;
    }
}

/* "ig0r" -> "igor": only tokens mixing letters and digits, with at least two letters */
static void fix_digits(char *t) {
    int letters = 0, digits = 0;
    for (char *p = t; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else
            letters++;
    }
    if (!digits || letters < 2) return;
    for (char *p = t; *p; p++)
        *p = leet(*p);
}

static int is_abjad_script(const char *script) {
    return script && (strcmp(script, "Arab") == 0 || strcmp(script, "Hebr") == 0 ||
                      strcmp(script, "Syrc") == 0 || strcmp(script, "Thaa") == 0);
}

void em_tokenize_name(em_normalizer *n, const em_knowledge *k, const char *name, int kind,
                      em_name_tokens *out) {
    memset(out, 0, sizeof *out);
    out->abjad = is_abjad_script(em_guess_script(name));
    out->buf = em_normalize_name(n, name);
    char *raw[64];
    size_t nraw = 0;
    for (char *save = NULL, *t = strtok_r(out->buf, " ", &save); t && nraw < 64;
         t = strtok_r(NULL, " ", &save)) {
        fix_digits(t);
        raw[nraw++] = t;
    }
    /* honorifics and stopwords go, unless nothing else would remain */
    size_t keep = 0;
    for (size_t i = 0; i < nraw; i++) {
        int drop = k && (em_knowledge_is_honorific(k, raw[i]) ||
                         (kind != EM_KIND_PERSON && em_knowledge_is_stopword(k, raw[i])));
        if (!drop) keep++;
    }
    for (size_t i = 0; i < nraw && out->len < EM_TOK_MAX; i++) {
        const char *t = raw[i];
        unsigned flags = 0;
        if (keep > 0 && k &&
            (em_knowledge_is_honorific(k, t) ||
             (kind != EM_KIND_PERSON && em_knowledge_is_stopword(k, t)))) {
            out->dropped++;
            continue;
        }
        if (k && kind != EM_KIND_PERSON) {
            size_t used = 0;
            const char *code =
                em_knowledge_legal_form(k, (const char *const *)raw + i, nraw - i, &used);
            if (code && used > 0 && nraw > used) {
                t = code;
                flags |= EM_TOK_LEGAL;
                i += used - 1;
            }
        }
        if (!(flags & EM_TOK_LEGAL) && k && em_knowledge_is_particle(k, t))
            flags |= EM_TOK_PARTICLE;
        int digits = 1;
        for (const char *p = t; *p; p++)
            if (*p < '0' || *p > '9') digits = 0;
        if (digits) flags |= EM_TOK_NUMBER;
        em_token *x = &out->items[out->len++];
        x->text = t;
        x->flags = flags;
        x->len = (uint16_t)strlen(t);
        x->group = k ? em_knowledge_variant_group(k, t) : 0;
        em_skeleton(t, x->skel, sizeof x->skel);
    }
}

void em_name_tokens_free(em_name_tokens *t) {
    free(t->buf);
    t->buf = NULL;
    t->len = 0;
}
