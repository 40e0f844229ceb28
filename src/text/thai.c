/*
 * thai.c - names in Thai script to their RTGS spellings (see thai.h). Runs
 * inside em_normalize_name before ICU, so list names and queries get the same
 * form.
 *
 * ICU's Any-Latin (and Thai-Latin) writes Thai in ISO 11940, letter for letter:
 * อ as "x", the tone marks as accents, the consonants by their initial values
 * wherever they stand ("คิม จ็อง-อึน" -> "khim cxng xun"). Thai names, and
 * foreign names written in Thai, are romanised by the Royal Thai General System
 * of Transcription (Royal Institute 1999), which writes sounds: a consonant has
 * an initial and a final value (จ ch / t, ร r / n, ก k / k), อ leading a
 * syllable is silent and inside it is the vowel o, the vowels written before
 * their consonant (เ แ โ ใ ไ) are read after it, tone marks are not written and
 * the thanthakhat (์) silences its letter. ICU gives none of this: its Thai-Latin
 * moves a leading vowel past one consonant only (เพลง "phelng", RTGS phleng),
 * and its Thai dictionary word break cuts names inside a syllable (ชรินทร์ทิพย์
 * "ชริน|ทร์|ทิพย์"), so the syllables are read here, from the tables of
 * data/knowledge/thai_rtgs.tsv (consonants, two-letter onsets, vowel patterns,
 * signs not written; embedded at build time and read with text/table.c).
 *
 * A run of Thai is read syllable by syllable: an optional leading vowel, an
 * onset (a two-letter onset first: กร, ทร, หม), the longest vowel pattern that
 * fits, and its final consonant when the pattern takes one and the next letter
 * carries no vowel of its own. Letters with no written vowel take the inherent
 * vowels: in a run of k such letters, an even k reads as closed syllables "CoC"
 * (สม som, คน khon), an odd k starts with an open "Ca" (นคร na-khon, ถนอม
 * tha-nom). After a final, a letter silenced by ์ (and the letter before a
 * silenced ร: จันทร์ chan), a ร with no vowel (สมุทร samut) and a lone letter
 * at the end of the run (เชษฐ chet) are not pronounced. ๆ repeats the word
 * before it. Words the spelling does not show (the linking vowel of ชินวัตร
 * chinnawat, the doubled consonant of สุพัตรา suphattra, มหา-นคร against มหาน-คร)
 * would need a dictionary; what the rules give instead ("chinwat") still meets
 * the Latin spellings through the phonetic key (Thai is a phonetic script in
 * text/tokens.c).
 */
#include "text/thai.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

#include "base/buf.h"
#include "base/error.h"
#include "text/table.h"

/* data/knowledge/thai_rtgs.tsv, embedded at build time (cmake/embed_file.cmake) */
extern const unsigned char em_thai_rtgs_file[];
extern const size_t em_thai_rtgs_file_size;

#define TH_LO 0x0E00
#define TH_N 0x80
#define IN_BLOCK(c) ((c) >= TH_LO && (c) < TH_LO + TH_N)

#define RO_RUA 0x0E23      /* ร */
#define RUE 0x0E24         /* ฤ */
#define LUE 0x0E26         /* ฦ */
#define SARA_I 0x0E34      /* ิ */
#define SARA_U 0x0E38      /* ุ */
#define MAIYAMOK 0x0E46    /* ๆ */
#define MAITAIKHU 0x0E47   /* ็ */
#define THANTHAKHAT 0x0E4C /* ์ */

#define MAX_SUF 4
#define MAX_CLUSTERS 64
#define MAX_VOWELS 96

typedef struct th_cons {
    char ini[4], fin[4]; /* fin "" = never a final */
    unsigned char has;
} th_cons;

typedef struct th_cluster {
    UChar32 c1, c2;
    char val[4];
} th_cluster;

typedef struct th_vowel {
    UChar32 lead;         /* the vowel written before the onset, or 0 */
    UChar32 suf[MAX_SUF]; /* the letters after the onset */
    int nsuf, order;
    char val[8];
    char final;  /* 'o' no final, 'c' a final must follow, 'a' either */
    int is_long; /* spelt with า ี ื ู โ or อ */
} th_vowel;

static th_cons CONS[TH_N];
static th_cluster CLUS[MAX_CLUSTERS];
static int nclus;
static th_vowel VOW[MAX_VOWELS];
static int nvow;
static unsigned char DROP[TH_N]; /* signs not written (and not part of a vowel pattern) */
static pthread_once_t once = PTHREAD_ONCE_INIT;

int em_has_thai(const char *s) {
    /* U+0E00..U+0E7F are E0 B8 80 .. E0 B9 BF */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p == 0xE0 && (p[1] == 0xB8 || p[1] == 0xB9)) return 1;
    return 0;
}

/* the code points of a field (Thai letters and '-'), at most max; else -1 */
static int decode(const char *s, UChar32 *out, int max) {
    int32_t i = 0, n = (int32_t)strlen(s);
    int k = 0;
    while (i < n) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (k >= max || (c != '-' && !IN_BLOCK(c))) return -1;
        out[k++] = c;
    }
    return k;
}

static void copy_val(char *dst, size_t cap, const char *src) {
    if (strcmp(src, "-") == 0) src = "";
    if (strlen(src) >= cap) return;
    memcpy(dst, src, strlen(src) + 1);
}

static int vowel_cmp(const void *a, const void *b) {
    const th_vowel *x = a, *y = b;
    int lx = x->nsuf + (x->lead != 0), ly = y->nsuf + (y->lead != 0);
    if (lx != ly) return ly - lx; /* longest pattern first */
    return x->order - y->order;   /* then in the table's order */
}

/* "KIND<TAB>SYMBOL<TAB>VALUE[<TAB>VALUE]": a line that does not read so is left out */
static void load_line(char *line) {
    char *f[4] = {line, NULL, NULL, NULL};
    int nf = 1;
    for (char *p = line; *p && nf < 4; p++)
        if (*p == '\t') {
            *p = '\0';
            f[nf++] = p + 1;
        }
    if (nf < 3) return;
    UChar32 u[MAX_SUF + 2];
    int n = decode(f[1], u, MAX_SUF + 2);
    if (n <= 0) return;
    if (strcmp(f[0], "C") == 0 && n == 1 && nf == 4) {
        th_cons *c = &CONS[u[0] - TH_LO];
        copy_val(c->ini, sizeof c->ini, f[2]);
        copy_val(c->fin, sizeof c->fin, f[3]);
        c->has = 1;
    } else if (strcmp(f[0], "K") == 0 && n == 2 && nclus < MAX_CLUSTERS) {
        th_cluster *k = &CLUS[nclus++];
        k->c1 = u[0];
        k->c2 = u[1];
        copy_val(k->val, sizeof k->val, f[2]);
    } else if (strcmp(f[0], "V") == 0 && nf == 4 && nvow < MAX_VOWELS &&
               (f[3][0] == 'o' || f[3][0] == 'c' || f[3][0] == 'a') && !f[3][1]) {
        th_vowel *v = &VOW[nvow];
        memset(v, 0, sizeof *v);
        int i = 0;
        if (u[0] != '-') v->lead = u[i++];
        if (i >= n || u[i++] != '-') return;
        for (; i < n; i++) {
            if (u[i] == '-' || v->nsuf >= MAX_SUF) return;
            v->suf[v->nsuf++] = u[i];
        }
        copy_val(v->val, sizeof v->val, f[2]);
        v->final = f[3][0];
        v->is_long = v->lead == 0x0E42;
        for (int k = 0; k < v->nsuf; k++)
            if (v->suf[k] == 0x0E32 || v->suf[k] == 0x0E35 || v->suf[k] == 0x0E37 ||
                v->suf[k] == 0x0E39 || v->suf[k] == 0x0E2D)
                v->is_long = 1;
        v->order = nvow++;
    } else if (strcmp(f[0], "S") == 0 && n == 1) {
        DROP[u[0] - TH_LO] = 1;
    }
}

static void load(void) {
    em_table t;
    memset(&t, 0, sizeof t);
    t.name = "thai_rtgs.tsv";
    t.f = fmemopen((void *)em_thai_rtgs_file, em_thai_rtgs_file_size, "rb");
    if (t.f) {
        for (char *line; (line = em_table_next(&t));)
            load_line(line);
    }
    em_table_close(&t);
    qsort(VOW, (size_t)nvow, sizeof *VOW, vowel_cmp);
    /* a sign a vowel pattern spells (็ in เ-็, ๅ in ฤๅ) is read, not dropped */
    for (int i = 0; i < nvow; i++)
        for (int j = 0; j < VOW[i].nsuf; j++)
            if (IN_BLOCK(VOW[i].suf[j])) DROP[VOW[i].suf[j] - TH_LO] = 0;
}

/* ---- reading a run --------------------------------------------------------------------- */

typedef struct run {
    const UChar32 *u;
    int n;
    signed char *vow; /* voweled() of each letter, -1 until known */
    em_buf *out;
    size_t start; /* where the run's Latin begins in out (for ๆ) */
} run;

static UChar32 at(const run *r, int i) {
    return i >= 0 && i < r->n ? r->u[i] : 0;
}

static int is_cons(UChar32 c) {
    return c >= 0x0E01 && c <= 0x0E2E && c != RUE && c != LUE && CONS[c - TH_LO].has;
}

/* the initial and final values of a consonant ("" for any other letter) */
static const char *ini_of(UChar32 c) {
    return is_cons(c) ? CONS[c - TH_LO].ini : "";
}

static const char *fin_of(UChar32 c) {
    return is_cons(c) ? CONS[c - TH_LO].fin : "";
}

static int is_lead(UChar32 c) {
    return c >= 0x0E40 && c <= 0x0E44;
}

/* a vowel sign written after or over its consonant */
static int is_dep(UChar32 c) {
    return (c >= 0x0E30 && c <= 0x0E39) || c == MAITAIKHU;
}

static const th_cluster *cluster(UChar32 a, UChar32 b) {
    for (int i = 0; i < nclus; i++)
        if (CLUS[i].c1 == a && CLUS[i].c2 == b) return &CLUS[i];
    return NULL;
}

/* letters silenced at i by the thanthakhat: C์ or Cิ์ / Cุ์ (2 or 3), else 0 */
static int silent_at(const run *r, int i) {
    if (!is_cons(at(r, i))) return 0;
    if (at(r, i + 1) == THANTHAKHAT) return 2;
    if ((at(r, i + 1) == SARA_I || at(r, i + 1) == SARA_U) && at(r, i + 2) == THANTHAKHAT) return 3;
    return 0;
}

/* a consonant with a final value; ย and ว close a syllable only in the diphthongs
   of the vowel table (-าย, -ิว) */
static int closes(UChar32 c) {
    return fin_of(c)[0] && c != 0x0E22 && c != 0x0E27;
}

/* the letter at i can close the syllable before it: a consonant with a final
   value, no vowel of its own and not silenced */
static int can_final(const run *r, int i) {
    return closes(at(r, i)) && !is_dep(at(r, i + 1)) && !silent_at(r, i);
}

static int voweled(const run *r, int i);
static int long_open(const run *r, const th_vowel *v, int j);

/* the vowel pattern v with its onset at o of len letters: the index after it, or -1 */
static int match_vowel(const run *r, const th_vowel *v, int o, int len) {
    int j = o + len;
    for (int k = 0; k < v->nsuf; k++)
        if (at(r, j + k) != v->suf[k]) return -1;
    j += v->nsuf;
    /* a pattern ending in a letter (-อ, -ว, -รร, -าย) does not take a letter that
       starts a syllable of its own: นคร|รา is not นค-รร, พรม|อ่อน not พร-มอ */
    if (v->nsuf && is_cons(v->suf[v->nsuf - 1]) && (is_dep(at(r, j)) || voweled(r, j - 1)))
        return -1;
    /* a long diphthong's closing ย or ว, like a final, opens the run's last syllable:
       นา|ยน (the ย of เ-ีย is its vowel, not a glide) */
    if (v->nsuf && (v->suf[v->nsuf - 1] == 0x0E22 || v->suf[v->nsuf - 1] == 0x0E27) &&
        !(v->nsuf >= 2 && v->suf[v->nsuf - 2] == 0x0E35) && long_open(r, v, j - 1))
        return -1;
    if (v->final == 'c' && !can_final(r, j)) return -1;
    return j;
}

/* the onsets that may start at o: a two-letter onset first, then the letter alone
   (none before ฤ ฦ, which are read with their vowel) */
static int onsets(const run *r, int o, int len[2], const char *val[2]) {
    UChar32 c = at(r, o);
    if (c == RUE || c == LUE) {
        len[0] = 0;
        val[0] = "";
        return 1;
    }
    if (!is_cons(c)) return 0;
    int k = 0;
    const th_cluster *cl = cluster(c, at(r, o + 1));
    if (cl) {
        len[k] = 2;
        val[k++] = cl->val;
    }
    len[k] = 1;
    val[k++] = ini_of(c);
    return k;
}

/* the first (onset, vowel) that reads at i: 1 with *onset_len, *v and *end set */
static int find_syllable(const run *r, int i, int *onset_len, const char **onset,
                         const th_vowel **vowel, int *end) {
    UChar32 lead = is_lead(at(r, i)) ? at(r, i) : 0;
    int o = lead ? i + 1 : i;
    int len[2];
    const char *val[2];
    int k = onsets(r, o, len, val);
    for (int c = 0; c < k; c++)
        for (int j = 0; j < nvow; j++) {
            if (VOW[j].lead != lead) continue;
            int e = match_vowel(r, &VOW[j], o, len[c]);
            if (e < 0) continue;
            *onset_len = len[c];
            *onset = val[c];
            *vowel = &VOW[j];
            *end = e;
            return 1;
        }
    return 0;
}

static int voweled(const run *r, int i) {
    if (i < 0 || i >= r->n) return 0;
    if (r->vow[i] < 0) {
        r->vow[i] = 0; /* a pattern's last letter asks about the letters after it only */
        int len, end;
        const char *on;
        const th_vowel *v;
        r->vow[i] = (signed char)find_syllable(r, i, &len, &on, &v, &end);
    }
    return r->vow[i];
}

/* after a final at j: the letters not pronounced (see the top of the file) */
static int after_final(const run *r, int j) {
    for (;;) {
        int k = silent_at(r, j);
        if (k) {
            j += k;
            continue;
        }
        /* a letter with no vowel before a silenced one: จันทร์ chan, ลักษณ์ lak */
        if (is_cons(at(r, j)) && (k = silent_at(r, j + 1))) {
            j += 1 + k;
            continue;
        }
        break;
    }
    /* a ร that would be a syllable of its own: สมุทร|ปราการ, บุตร, เพชร (not ถนัด|รบ) */
    if (at(r, j) == RO_RUA && !voweled(r, j) && !(is_cons(at(r, j + 1)) && !voweled(r, j + 1)))
        return j + 1;
    if (j == r->n - 1 && is_cons(at(r, j))) return j + 1; /* เชษฐ */
    return j;
}

/* after a long vowel, the letter at j starts a closed syllable with the last letter of
   the run or a ร with no vowel rather than closing the vowel's: ยโสธร yasothon,
   พฤษภาคม phruetsaphakhom, where a short vowel keeps it (บุตร but, สมุทร samut) */
static int long_open(const run *r, const th_vowel *v, int j) {
    if (!v->is_long || !is_cons(at(r, j + 1)) || voweled(r, j + 1) || silent_at(r, j + 1)) return 0;
    return j + 1 == r->n - 1 || at(r, j + 1) == RO_RUA;
}

/* the final of the letter at j, then what is not pronounced after it */
static int add_final(const run *r, int j) {
    em_buf_adds(r->out, fin_of(at(r, j)));
    return after_final(r, j + 1);
}

/* one syllable (or one sign) at i: the index after it */
static int syllable(run *r, int i) {
    UChar32 c = at(r, i);
    if (c == MAIYAMOK) { /* repeats the word before it */
        size_t from = r->start, to = r->out->len;
        for (size_t p = from; p < to; p++)
            em_buf_addc(r->out, r->out->data[p]);
        return i + 1;
    }
    if (c >= 0x0E50 && c <= 0x0E59) { /* Thai digits */
        em_buf_addc(r->out, (char)('0' + (c - 0x0E50)));
        return i + 1;
    }
    int k = silent_at(r, i);
    if (k) return i + k;
    int olen, end;
    const char *onset;
    const th_vowel *v;
    if (find_syllable(r, i, &olen, &onset, &v, &end)) {
        em_buf_adds(r->out, onset);
        em_buf_adds(r->out, v->val);
        if (v->final != 'o' && can_final(r, end) && !(v->final == 'a' && long_open(r, v, end)))
            return add_final(r, end);
        return end;
    }
    if (!is_cons(c)) return i + 1; /* a sign or vowel out of place */
    /* the inherent vowels of a run of letters with no vowel written */
    int n = 0;
    while (i + n < r->n && is_cons(at(r, i + n)) && !silent_at(r, i + n) && !voweled(r, i + n))
        n++;
    const th_cluster *cl = cluster(c, at(r, i + 1));
    int two = n >= 3 && n % 2 == 1 && cl; /* กรม krom */
    int f = two ? i + 2 : i + 1;
    if ((n % 2 == 0 || two) && closes(at(r, f))) {
        em_buf_adds(r->out, two ? cl->val : ini_of(c));
        em_buf_addc(r->out, 'o');
        return add_final(r, f);
    }
    em_buf_adds(r->out, ini_of(c));
    em_buf_addc(r->out, 'a');
    return i + 1;
}

char *em_thai_to_latin(const char *s) {
    pthread_once(&once, load);
    em_buf out;
    em_buf_init(&out);
    int32_t i = 0, n = (int32_t)strlen(s);
    UChar32 *u = em_xmalloc(sizeof(UChar32) * ((size_t)n + 1));
    signed char *vow = em_xmalloc((size_t)n + 1);
    while (i < n) {
        UChar32 c;
        int32_t start = i;
        U8_NEXT(s, i, n, c);
        if (!IN_BLOCK(c) || c == 0x0E3F) { /* ฿ and the rest are kept */
            em_buf_add(&out, s + start, (size_t)(i - start));
            continue;
        }
        /* a run of Thai, the signs not written left out */
        int len = 0;
        int32_t j = start;
        while (j < n) {
            int32_t k = j;
            U8_NEXT(s, k, n, c);
            if (!IN_BLOCK(c) || c == 0x0E3F) break;
            if (!DROP[c - TH_LO]) u[len++] = c;
            j = k;
        }
        i = j;
        memset(vow, -1, (size_t)len);
        run r = {u, len, vow, &out, out.len};
        for (int p = 0; p < len;)
            p = syllable(&r, p);
    }
    free(u);
    free(vow);
    return em_buf_detach(&out);
}
