/*
 * paths.c - where things live: the store home (--home, $EMBARGO_HOME,
 * $XDG_DATA_HOME/embargo, ~/.local/share/embargo) and the bundled lists
 * ($EMBARGO_DATA_DIR, the installed data dir, or data/ of the source tree).
 */
#include "store/paths.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/error.h"

char *em_default_home(void) {
    const char *h = getenv("EMBARGO_HOME");
    if (h && *h) return em_xstrdup(h);
    const char *x = getenv("XDG_DATA_HOME");
    if (x && *x) return em_xasprintf("%s/embargo", x);
    const char *home = getenv("HOME");
    return em_xasprintf("%s/.local/share/embargo", home && *home ? home : ".");
}

int em_store_is_new(const char *home) {
    char *h = home ? em_xstrdup(home) : em_default_home();
    char *db = em_xasprintf("%s/embargo.db", h);
    struct stat sb;
    /* a 0-byte file is what an interrupted creation leaves: as good as none (store.c) */
    int fresh = stat(db, &sb) != 0 || sb.st_size == 0;
    free(db);
    free(h);
    return fresh;
}

int em_mkdir_p(const char *path, em_error *err) {
    char *p = em_xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST) {
            em_fail(err, EM_ERR_IO, "cannot create directory %s: %s", p, strerror(errno));
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = 0;
    if (mkdir(p, 0700) != 0 && errno != EEXIST)
        rc = em_fail(err, EM_ERR_IO, "cannot create directory %s: %s", p, strerror(errno));
    free(p);
    return rc;
}

static int is_dir(const char *p) {
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

const char *em_bundled_data_dir(void) {
    const char *e = getenv("EMBARGO_DATA_DIR");
    if (e && *e) return e;
    if (is_dir(EMBARGO_INSTALL_DATA_DIR "/lists")) return EMBARGO_INSTALL_DATA_DIR;
    return EMBARGO_SOURCE_DATA_DIR;
}
