/*
 * freshness.c - how old a list version is and whether that is too old: the
 * age from the publication date the store records for it (the file's own date,
 * the publisher's Last-Modified, or the bundle manifest's date), against the
 * age its source is allowed (7 days for OFAC's lists, which change almost every
 * week; 30 for the others; $EMBARGO_MAX_AGE_OFAC / $EMBARGO_MAX_AGE in days).
 * The CLI (lists, search, serve) and the server (/readyz, /metrics, /catalog,
 * the web UI) all ask here, so they agree on what "stale" means.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "embargo.h"

/* days from the environment variable, or the default when unset or not a positive number */
static double days_from_env(const char *name, double dflt) {
    const char *v = getenv(name);
    if (!v || !*v) return dflt;
    char *end = NULL;
    double d = strtod(v, &end);
    while (end && (*end == ' ' || *end == 'd')) /* "7", "7d" */
        end++;
    return end && !*end && d > 0 && d < 1e6 ? d : dflt;
}

double em_list_max_age_days(const char *source) {
    if (source && strncmp(source, "ofac", 4) == 0)
        return days_from_env("EMBARGO_MAX_AGE_OFAC", EM_MAX_AGE_OFAC_DAYS);
    return days_from_env("EMBARGO_MAX_AGE", EM_MAX_AGE_DAYS);
}

/* seconds since the epoch of "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS..." (UTC); -1 if not a date */
static int64_t parse_date(const char *iso) {
    int y, mo, d, h = 0, mi = 0, s = 0;
    if (!iso || strlen(iso) < 10 || sscanf(iso, "%4d-%2d-%2d", &y, &mo, &d) != 3) return -1;
    if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31) return -1;
    if (iso[10] == 'T' || iso[10] == ' ') sscanf(iso + 11, "%2d:%2d:%2d", &h, &mi, &s);
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    time_t t = timegm(&tm);
    return t == (time_t)-1 ? -1 : (int64_t)t;
}

void em_list_age_of(const char *source, const char *published, int64_t now, em_list_age *out) {
    memset(out, 0, sizeof *out);
    out->max_age_days = em_list_max_age_days(source);
    int64_t t = parse_date(published);
    if (t < 0) {
        out->age_days = -1;
        return;
    }
    if (now <= 0) now = (int64_t)time(NULL);
    double days = (double)(now - t) / 86400.0;
    out->age_days = days < 0 ? 0 : days;
    out->stale = out->age_days > out->max_age_days;
}
