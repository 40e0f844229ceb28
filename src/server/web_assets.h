/*
 * web_assets.h - the analyst web UI (web/), embedded into the library at
 * build time by cmake/embed_web.cmake, so the server needs no files at run
 * time and no CDN.
 */
#ifndef EM_SERVER_WEB_ASSETS_H
#define EM_SERVER_WEB_ASSETS_H

#include <stddef.h>

typedef struct em_web_asset {
    const char *path; /* "/index.html", "/app.js", ... */
    const char *content_type;
    const unsigned char *data;
    size_t size;
} em_web_asset;

/* The asset for a request path ("/" is "/index.html"), or NULL. */
const em_web_asset *em_web_asset_find(const char *path);

#endif
