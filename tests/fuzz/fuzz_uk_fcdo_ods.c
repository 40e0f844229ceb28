/*
 * fuzz_uk_fcdo_ods.c - libFuzzer target: the FCDO UK Sanctions List ODS
 * parser (em_parse_uk_fcdo_ods). An input that starts with "PK" is the ODS
 * file itself (the zip layer); any other input is the content.xml of a
 * spreadsheet, wrapped here into a stored zip with an ODS mimetype, so that
 * mutations reach the spreadsheet XML rather than compressed bytes.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/buf.h"
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void le16(em_buf *b, unsigned v) {
    em_buf_addc(b, (char)(v & 0xff));
    em_buf_addc(b, (char)((v >> 8) & 0xff));
}
static void le32(em_buf *b, unsigned long v) {
    le16(b, (unsigned)(v & 0xffff));
    le16(b, (unsigned)((v >> 16) & 0xffff));
}

/* one stored entry: local header + data; its central directory record into cd */
static void entry(em_buf *zip, em_buf *cd, const char *name, const uint8_t *data, size_t n) {
    unsigned long crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, data, (uInt)n);
    size_t off = zip->len, nl = strlen(name);
    le32(zip, 0x04034b50);
    le16(zip, 10), le16(zip, 0), le16(zip, 0), le16(zip, 0), le16(zip, 0);
    le32(zip, crc), le32(zip, n), le32(zip, n);
    le16(zip, (unsigned)nl), le16(zip, 0);
    em_buf_add(zip, name, nl);
    em_buf_add(zip, (const char *)data, n);
    le32(cd, 0x02014b50);
    le16(cd, 20), le16(cd, 10), le16(cd, 0), le16(cd, 0), le16(cd, 0), le16(cd, 0);
    le32(cd, crc), le32(cd, n), le32(cd, n);
    le16(cd, (unsigned)nl), le16(cd, 0), le16(cd, 0), le16(cd, 0), le16(cd, 0);
    le32(cd, 0), le32(cd, off);
    em_buf_add(cd, name, nl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
        fuzz_parse(em_parse_uk_fcdo_ods, "uk_fcdo", data, size);
        return 0;
    }
    static const char mime[] = "application/vnd.oasis.opendocument.spreadsheet";
    em_buf zip, cd;
    em_buf_init(&zip);
    em_buf_init(&cd);
    entry(&zip, &cd, "mimetype", (const uint8_t *)mime, sizeof mime - 1);
    entry(&zip, &cd, "content.xml", data, size);
    size_t cd_off = zip.len;
    em_buf_add(&zip, cd.data, cd.len);
    le32(&zip, 0x06054b50);
    le16(&zip, 0), le16(&zip, 0), le16(&zip, 2), le16(&zip, 2);
    le32(&zip, cd.len), le32(&zip, cd_off), le16(&zip, 0);
    fuzz_parse(em_parse_uk_fcdo_ods, "uk_fcdo", (const uint8_t *)zip.data, zip.len);
    em_buf_free(&zip);
    em_buf_free(&cd);
    return 0;
}
