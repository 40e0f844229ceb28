/*
 * weights.h - the matcher's scoring profile: every weight, similarity level,
 * cost and threshold that search.c and align.c use, by name, each with why it
 * has its value. They were tuned together on the development data
 * (docs/QUALITY.md: labelled name pairs, UN-listed positives, 50k innocent
 * people); change one only with bench/run_quality.sh run before and after.
 *
 * Compile-time constants on purpose: the hot loops fold them, and a profile is
 * part of what a result means (the same snapshot and the same profile give
 * the same scores). The f suffixes matter: the scores are computed in float.
 */
#ifndef EM_MATCH_WEIGHTS_H
#define EM_MATCH_WEIGHTS_H

/* ---- part weights (search.c) ---------------------------------------------- */

/* IDF floor: a token found in nearly every name still says a little. */
#define EM_MIN_PART_WEIGHT 1.0f
/* Without lists (a names-only matcher: em_compare) there are no document
   frequencies: every part weighs the same. */
#define EM_NO_IDF_WEIGHT 1.0f
/* Particles (al, bin), legal forms (LLC, OOO) and series numbers weigh a quarter:
   they tell names apart a little but must not make or break a match alone. */
#define EM_MINOR_WEIGHT 0.25f
/* The common-name rule: matched evidence (sum of similarity x IDF weight) below
   this share of the rarest token's weight scales the name score down in
   proportion, so that one frequent given name alone ("Mohammad") cannot alert.
   Relative to the list's rarest token, so it holds for lists of any size. */
#define EM_MASS_SHARE 0.55f
/* A weak alias (OFAC "weak AKA", a query name marked weak) is evidence, but less:
   x0.92 keeps a perfect weak alias (1.0 -> 0.92) above the default threshold,
   while one whose name score is under 0.76 falls below 0.70. */
#define EM_WEAK_ALIAS_FACTOR 0.92f
/* A result found through another reading of the query name (text/readings.h: a
   Korean name in Han read in Korean, Korean in Cyrillic by the Kontsevich letters,
   a title dropped) is as good as a transliteration variant, not quite a spelling. */
#define EM_READING_FACTOR 0.95f

/* ---- candidate retrieval (search.c) --------------------------------------- */

/* Names aligned per query, the best by retrieval evidence: alignment is the
   costly step, and the retrieval estimates rank the true name high. */
#define EM_MAX_CANDIDATES 96
/* A token in more than this share of all names is common: only the two
   weightiest query parts retrieve through it (its postings are long and say
   little), the others reach candidates through their rarer parts. */
#define EM_COMMON_DF_SHARE 0.02
/* ... but never fewer than this many names, so that a small list still
   retrieves through moderately frequent tokens. */
#define EM_COMMON_DF_MIN 200u
/* The query parts that retrieve whatever their document frequency. */
#define EM_RETRIEVE_ALWAYS 2
/* Retrieval estimates: what each kind of posting is expected to score in the
   alignment, so that accumulated evidence ranks candidates like their final
   score (the aligner decides; these only choose whom to align). */
#define EM_EST_EXACT 1.0f     /* the same token */
#define EM_EST_VARIANT 0.95f  /* a transliteration variant group (cf. EM_SIM_VARIANT) */
#define EM_EST_SKELETON 0.85f /* the same consonant skeleton (between 0.80 and 0.92) */
#define EM_EST_TYPO 0.8f      /* a listed token one letter longer or shorter */
#define EM_EST_TYPO_SUB 0.75f /* one substitution or transposition (EM_FUZZY_MIN_SIM) */
#define EM_EST_SPLIT 0.9f     /* glued or split parts (cf. EM_JOINED_FACTOR) */
/* Each edit between the listed token and the query part (Levenshtein) takes
   EM_EST_EDIT_COST of the estimate, up to EM_EST_MAX_EDITS edits: it ranks the
   tokens one probe reaches alike (a transliteration group, a skeleton) by how near
   they are, and keeps each kind above the next (VARIANT x 0.955 > SKELETON, SKELETON
   x 0.955 > TYPO, TYPO x 0.955 > TYPO_SUB). */
#define EM_EST_EDIT_COST 0.015f
#define EM_EST_MAX_EDITS 3
/* Skeleton retrieval needs a skeleton of this many consonants (any length when
   one side is written in an abjad): shorter ones collide across many names. */
#define EM_RETRIEVE_SKEL_MIN 3
/* Typo neighbours for parts of [min, max) letters that no listed name spells
   this way: shorter parts get no fuzz (see EM_FUZZY_MIN_LEN). */
#define EM_RETRIEVE_TYPO_MIN_LEN 4
#define EM_RETRIEVE_TYPO_MAX_LEN 40
/* A variant group or skeleton bucket of more tokens than this is too vague to
   probe; a deletion key of more tokens than EM_RETRIEVE_MAX_TYPOS likewise. */
#define EM_RETRIEVE_MAX_VARIANTS 64
/* A phonetic-key bucket probed for a part written by its sounds (kana, Hangul, Greek...)
   may hold more tokens: such a key is all such a part has to be found by. */
#define EM_RETRIEVE_MAX_BY_SOUND 160
/* An acronym (org.c) retrieves the organisation names whose initials it spells,
   unless more than this many do: then it is too vague to probe. */
#define EM_RETRIEVE_MAX_ACRONYM 64
#define EM_RETRIEVE_MAX_TYPOS 32
/* An unknown query part of this many letters is tried as two known tokens
   glued ("sergeilavrov"), each of at least EM_RETRIEVE_SPLIT_MIN_HALF. */
#define EM_RETRIEVE_SPLIT_MIN_LEN 6
#define EM_RETRIEVE_SPLIT_MIN_HALF 2
/* Candidate floor: a name whose retrieval evidence covers less than this share
   of the query's weight cannot reach the score asked for, and is not aligned.
   For a threshold >= EM_FLOOR_AT, EM_FLOOR_HIGH; below, EM_FLOOR_SLOPE x the
   threshold (or cutoff), but at least EM_FLOOR_MIN. */
#define EM_FLOOR_AT 0.7f
#define EM_FLOOR_HIGH 0.45f
#define EM_FLOOR_SLOPE 0.64f
#define EM_FLOOR_MIN 0.25f
/* Name scores at or below this are noise, not candidates. */
#define EM_MIN_NAME_SCORE 0.05f

/* An exact identifier (IMO, passport, wallet, BIC...) is a match on its own,
   whatever the name: the top of the scale. */
#define EM_IDENTIFIER_SCORE 1.0f

/* ---- qualifiers (search.c) ------------------------------------------------ */

/* Added to the name score; the result is clamped to [0, 1]. Contradictions cost
   more than agreements earn: a name match is the evidence, other facts mostly
   rule out (a shared birth year or country is weak evidence, a different one is
   strong). */
#define EM_Q_SCHEMA_PERSON -0.30f /* a person against an organisation (or the reverse) */
#define EM_Q_SCHEMA_OTHER -0.15f  /* two different kinds of non-person (vessel / company) */
#define EM_Q_DOB_MATCH 0.05f      /* a query birth date within a listed one */
#define EM_Q_DOB_NEAR -0.08f      /* the nearest listed date within EM_Q_DOB_NEAR_YEARS */
#define EM_Q_DOB_FAR -0.15f       /* within EM_Q_DOB_FAR_YEARS: a typo or a rough estimate */
#define EM_Q_DOB_OFF -0.25f       /* further: most likely another person */
#define EM_Q_DOB_NEAR_YEARS 1
#define EM_Q_DOB_FAR_YEARS 3
/* A listed "circa" date is widened by one year each way (dates are YYYYMMDD). */
#define EM_Q_DOB_CIRCA_SLACK 10000
#define EM_Q_COUNTRY_MATCH 0.03f     /* a listed nationality or country matches */
#define EM_Q_COUNTRY_MISMATCH -0.08f /* none does (people move and hold several) */
#define EM_Q_GENDER_MISMATCH -0.15f  /* the listed gender differs (lists carry it rarely) */

/* ---- part similarity (align.c) -------------------------------------------- */

/* From strongest to weakest evidence. */
#define EM_SIM_EXACT 1.0f /* the same token, number or initial */
#define EM_SIM_VARIANT                                                                             \
    0.95f /* the same given name in another transliteration                                        \
             (data/knowledge), as good as exact but not quite */
/* The same consonant skeleton: strong when one side is written in an abjad
   (Arabic, Persian, Hebrew write few vowels), weaker between two Latin
   spellings, where it also joins names that only share consonants. */
#define EM_SIM_SKELETON_ABJAD 0.92f
#define EM_SIM_SKELETON 0.80f
/* A Latin part that reads as a rendering of an Arabic-script one, letter by letter
   (text/arabic.c: em_arabic_reads_as: ظ as z/dh/th/d, ج as j/dj/g, the article
   dropped or assimilated...); a little less when it writes fewer than two
   consonants (عدي ~ Uday, ولی ~ Wali): such short parts say less alone. */
#define EM_SIM_ARABIC 0.90f
#define EM_SIM_ARABIC_FEW 0.85f
/* A foreign name written by its sounds (tokens.h, EM_TOK_PHONETIC) meets a Latin
   spelling with the same phonetic key (em_phonetic_key) at EM_SIM_PHONETIC, below
   every spelling match, and only from EM_PHONETIC_MIN_KEY sound classes and parts
   of EM_PHONETIC_MIN_LEN letters on both sides (one class fewer for parts longer
   than that: "asado" ~ "assad"): short names never light up. */
#define EM_SIM_PHONETIC 0.78f
/* A listed part of EM_CASE_ENDING_MIN_LEN letters or more ending in a consonant, with
   a Lithuanian or Latvian nominative ending added (data/knowledge/case_endings.txt:
   Putinas, Putins ~ Putin): the same name declined, a little below a typo's best. */
#define EM_SIM_CASE_ENDING 0.88f
#define EM_CASE_ENDING_MIN_LEN 4
#define EM_PHONETIC_MIN_KEY 3
#define EM_PHONETIC_MIN_LEN 4
/* Retrieval by a key one class short (search.c: retrieve_phonetic) takes only listed
   parts within this many letters of the query part's length. */
#define EM_PHONETIC_SHORT_KEY_SLACK 3
/* A name written by its sounds (tokens.h: by_sound) is also retrieved by the sound of the whole
   name (tokens.h: em_name_sound_key; snapshot_build.c indexes the listed names'), from this many
   sound classes, at EM_EST_NAME_SOUND of the query's weight. */
#define EM_NAME_SOUND_KEY_MIN 4
#define EM_EST_NAME_SOUND 0.8f
/* ... and when its parts meet nothing one by one, such a name scores EM_SIM_NAME_SOUND
   (align.c: em_align_by_sound): below the default threshold, a lead an analyst
   reviews next to the listed name, never an alert on the sound of a name alone. */
#define EM_SIM_NAME_SOUND 0.62f
/* ... and such parts meet only when what is heard of them (align.c: sounds_alike) is
   within this many edits per letter. */
#define EM_PHONETIC_SHORT_KEY_EDITS 0.25f
/* ... and those of a key of EM_PHONETIC_MIN_KEY classes within this many. */
#define EM_PHONETIC_KEY_EDITS 0.4f
/* ... and parts shorter than that (Ali, Kim, Un) only by the same sound form
   (em_phonetic_form: vowels kept, r = l, doubles and an epenthetic final vowel
   dropped), from this many letters on both sides. */
#define EM_PHONETIC_FORM_MIN_LEN 2
/* Skeletons count in an abjad from EM_SKEL_ABJAD_MIN consonants (or for two
   parts of at most EM_SKEL_ABJAD_SHORT letters), otherwise from EM_SKEL_MIN
   consonants and parts of EM_SKEL_MIN_PART letters. */
#define EM_SKEL_ABJAD_MIN 2
#define EM_SKEL_ABJAD_SHORT 3
#define EM_SKEL_MIN 3
#define EM_SKEL_MIN_PART 4
/* "bill" / "william" (data/knowledge/nicknames.txt): the same person's everyday
   name, yet a name the list does not give. */
#define EM_NICKNAME_SIM 0.85f
/* The same letters in another order ("nituP" for "Putin"), 5+ letters: a
   scrambled spelling, as good as a substitution typo in a 5-letter name. */
#define EM_ANAGRAM_SIM 0.80f
#define EM_ANAGRAM_MIN_LEN 5
/* A single initial ("j" ~ "john") and two initials for two parts ("jc" ~
   "jean" + "claude"): consistent with the name, but many names share them. */
#define EM_SIM_INITIAL 0.6f
#define EM_SIM_TWO_INITIALS 0.8f
/* Typos: parts of at least EM_FUZZY_MIN_LEN letters may differ by one edit, two
   from EM_FUZZY_TWO_EDITS_LEN letters, three from EM_FUZZY_THREE_EDITS_LEN, in
   lengths at most EM_FUZZY_MAX_LEN_DIFF apart; confusable letters cost half.
   The similarity 1 - edits/length must reach EM_FUZZY_MIN_SIM (one edit in 4
   letters); it never exceeds EM_FUZZY_MAX_SIM (a typo is never exact), and a
   different first letter (not two vowels) costs EM_FUZZY_FIRST_LETTER: people
   rarely mistype the first letter, and names differing there are other names. */
#define EM_FUZZY_MIN_LEN 4
#define EM_FUZZY_TWO_EDITS_LEN 6
#define EM_FUZZY_THREE_EDITS_LEN 9
#define EM_FUZZY_MAX_LEN_DIFF 3
#define EM_FUZZY_MIN_SIM 0.75f
#define EM_FUZZY_MAX_SIM 0.97f
#define EM_FUZZY_FIRST_LETTER 0.05f
/* Shared uninformative heads and tails ("abdul", "dottir") are ignored in the
   edit distance only when at least this many letters remain on both sides. */
#define EM_AFFIX_REST_MIN 3
/* One part against two glued parts ("sergeilavrov"): the similarity of the
   glued text x0.97 (a glued spelling is a small deviation), for parts of
   EM_JOINED_MIN_LEN letters whose lengths differ by at most EM_JOINED_LEN_SLACK. */
#define EM_JOINED_FACTOR 0.97f
#define EM_JOINED_MIN_LEN 4
#define EM_JOINED_LEN_SLACK 3

/* Organisations (org.c). An acronym of EM_ACRONYM_MIN_LEN..EM_ACRONYM_MAX_LEN
   letters meets a run of at least EM_ACRONYM_MIN_WORDS parts whose initials it
   spells, at most EM_ACRONYM_MAX_SKIPS of its letters standing for stopwords the
   tokeniser dropped ("mois" ~ "ministry (of) intelligence (and) security"), at
   EM_SIM_ACRONYM: below a full-name match, since initials are shared by many names.
   An acronym the list gives as an alias is a name and meets exactly. */
#define EM_ACRONYM_MIN_LEN 3
#define EM_ACRONYM_MAX_LEN 10
#define EM_ACRONYM_MIN_WORDS 3
#define EM_ACRONYM_MAX_SKIPS 2
#define EM_SIM_ACRONYM 0.88f
/* A legal form misspelt ("akg" ~ "ag"; one edit, two from EM_LEGAL_TYPO_TWO_EDITS
   letters): the form is there, its spelling is off. */
#define EM_SIM_LEGAL_TYPO 0.9f
#define EM_LEGAL_TYPO_TWO_EDITS 12
/* An abbreviated word ("intl" ~ "international", data/knowledge/abbreviations.tsv)
   and a country as its name or adjective ("iranian" ~ "iran",
   country_adjectives.tsv): the same word written otherwise, like a variant. */
#define EM_SIM_ABBREVIATION 0.95f
#define EM_SIM_COUNTRY 0.95f
/* Words split or joined: one part meets a run of up to this many glued parts of
   the other side ("vanderbilt" ~ "van+der+bilt", "platonovich" ~ "plat+ono+vich"). */
#define EM_JOIN_MAX_PARTS 4

/* ---- alignment and the name score (align.c) ------------------------------- */

/* A pair at least this similar (exact, variant) is taken before any weaker pair
   whatever the weights (the greedy key gets EM_STRONG_BONUS), and a part with
   such a partner never glues. */
#define EM_STRONG_SIM 0.95f
#define EM_STRONG_BONUS 1000.0f
/* The share of the name score that depends on covering the listed name: a
   person's listed name often has parts a query omits (a patronymic, a second
   family name); an organisation's rarely (an extra word names another company). */
#define EM_PERSON_LIST_SHARE 0.28f
#define EM_ORG_LIST_SHARE 0.45f
/* Parts left over on both sides are a conflict (another person's name part),
   not an omission: the weight share of the smaller side costs x1.5. */
#define EM_CONFLICT_COST 1.5f
/* ... half for short syllables ("Myong-sik" / "Myong-guk"): parts of at most
   EM_CONFLICT_SHORT_LEN letters; particles, legal forms and numbers nothing. */
#define EM_CONFLICT_SHORT_LEN 3
#define EM_CONFLICT_SHORT_FACTOR 0.5f
/* Conflict added when "X bin Y" meets "Y bin X": the son of the other. */
#define EM_PATRONYMIC_SWAP 0.4f

#endif
