/*
 * dates.c - date text to YYYYMMDD ranges (see dates.h).
 */
#include "index/dates.h"

#include <ctype.h>
#include <string.h>

static int digits(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int em_date_range(const char *s, int32_t *from, int32_t *to) {
    if (!s) return 0;
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    int y = n >= 4 ? digits(s, 4) : -1;
    if (y < 1000 || y > 2999) return 0;
    if (n == 4) {
        *from = y * 10000 + 101;
        *to = y * 10000 + 1231;
        return 1;
    }
    if ((n == 7 || n == 10) && (s[4] == '-' || s[4] == '/')) {
        int m = digits(s + 5, 2);
        if (m < 1 || m > 12) return 0;
        if (n == 7) {
            *from = y * 10000 + m * 100 + 1;
            *to = y * 10000 + m * 100 + 31;
            return 2;
        }
        int d = digits(s + 8, 2);
        if (d < 1 || d > 31 || (s[7] != '-' && s[7] != '/')) return 0;
        *from = *to = y * 10000 + m * 100 + d;
        return 3;
    }
    return 0;
}
