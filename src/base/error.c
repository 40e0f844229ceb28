/*
 * error.c - formatting of em_error messages (see error.h).
 */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int em_fail(em_error *err, em_error_code code, const char *fmt, ...) {
    if (!err) return -1;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

int em_fail_prefix(em_error *err, const char *fmt, ...) {
    if (!err) return -1;
    char prefix[512], old[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->message, sizeof old);
    size_t n = strlen(prefix);
    if (n >= sizeof err->message) n = sizeof err->message - 1;
    memcpy(err->message, prefix, n);
    size_t room = sizeof err->message - 1 - n, k = strlen(old);
    if (k > room) k = room;
    memcpy(err->message + n, old, k);
    err->message[n + k] = '\0';
    if (err->code == EM_OK) err->code = EM_ERR_INTERNAL;
    return -1;
}

void em_error_clear(em_error *err) {
    if (!err) return;
    err->code = EM_OK;
    err->message[0] = '\0';
}
