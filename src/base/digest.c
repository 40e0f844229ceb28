/*
 * digest.c - SHA-256 as hex (see digest.h).
 */
#include "base/digest.h"

#include <openssl/evp.h>

void em_digest_hex(const unsigned char md[32], char out[65]) {
    static const char H[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = H[md[i] >> 4];
        out[2 * i + 1] = H[md[i] & 15];
    }
    out[64] = '\0';
}

void em_sha256_hex(const void *data, size_t n, char out[65]) {
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
    em_digest_hex(md, out);
}
