/*
 * digest.h - SHA-256 (OpenSSL's libcrypto) as lower-case hex: the one place
 * the store's file digests, entity digests and version digests are formatted.
 */
#ifndef EM_BASE_DIGEST_H
#define EM_BASE_DIGEST_H

#include <stddef.h>

/* 32 digest bytes -> 64 hex characters + NUL */
void em_digest_hex(const unsigned char md[32], char out[65]);
/* SHA-256 of a buffer, as hex */
void em_sha256_hex(const void *data, size_t n, char out[65]);

#endif
