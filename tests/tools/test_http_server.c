/*
 * test_http_server.c - a small HTTP/1.1 server on loopback for the
 * `embargo update` tests: serves files from a directory and misbehaves on
 * purpose, chosen by the first path segment:
 *
 *   /ok/FILE       the file, with ETag and Last-Modified; If-None-Match /
 *                  If-Modified-Since -> 304
 *   /gz/FILE       FILE.gz as is, with Content-Encoding: gzip
 *   /slow/FILE     trickles the body (10 bytes every 0.5 s) below any sane low-speed limit
 *   /drop/FILE     chunked body, connection closed after half of it
 *   /trunc/FILE    Content-Length of the whole file, connection closed after half
 *   /cut/FILE      no Content-Length, half the body, then a clean close (looks complete)
 *   /flakyN/FILE   HTTP 500 for the first N requests of that path, then as /ok/
 *   /500/FILE      HTTP 500 always
 *   /wrong/FILE    200 with an HTML error page
 *   /empty/FILE    200 with a valid UN consolidated list that has no entries
 *   /404/FILE      404
 *   /redirect/FILE 302 to /ok/FILE
 *   /browser/FILE  403 unless the User-Agent looks like a browser's ("Mozilla/"
 *                  and a digit, 40 characters or more: what OFAC's Sanctions List
 *                  Service demands), then as /ok/
 *
 * A connection that starts with anything but an HTTP method (a TLS client
 * hello: an https:// URL pointed at this plain server) is closed at once.
 *
 * usage: test_http_server DIR PORTFILE   (binds 127.0.0.1 on a free port, writes
 * the port to PORTFILE, logs one line per request to stdout, exits after 15 min)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *root;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* request counts per path, for /flakyN/ */
static struct {
    char path[1200];
    int n;
} counts[256];
static int ncounts;

static int count_request(const char *path) {
    pthread_mutex_lock(&mu);
    int n = -1;
    for (int i = 0; i < ncounts; i++)
        if (strcmp(counts[i].path, path) == 0) n = counts[i].n++;
    if (n < 0 && ncounts < 256) {
        snprintf(counts[ncounts].path, sizeof counts[0].path, "%s", path);
        counts[ncounts++].n = 1;
        n = 0;
    }
    pthread_mutex_unlock(&mu);
    return n; /* requests before this one */
}

static int send_all(int fd, const void *p, size_t n) {
    const char *c = p;
    while (n) {
        ssize_t k = send(fd, c, n, MSG_NOSIGNAL);
        if (k <= 0) return -1;
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

static void sendf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sendf(int fd, const char *fmt, ...) {
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0) send_all(fd, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static char *read_file(const char *rel, const char *suffix, size_t *len, struct stat *sb) {
    if (strstr(rel, "..")) return NULL;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s%s", root, rel, suffix);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fstat(fileno(f), sb);
    char *data = malloc((size_t)sb->st_size + 1);
    *len = fread(data, 1, (size_t)sb->st_size, f);
    fclose(f);
    return data;
}

static void simple(int fd, int status, const char *reason, const char *type, const char *body) {
    sendf(fd,
          "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
          status, reason, type, strlen(body));
    send_all(fd, body, strlen(body));
}

static const char *header(const char *req, const char *name, char *out, size_t cap) {
    size_t k = strlen(name);
    for (const char *p = strstr(req, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n")) {
        const char *l = p + 2;
        if (strncasecmp(l, name, k) == 0 && l[k] == ':') {
            l += k + 1;
            while (*l == ' ')
                l++;
            size_t n = strcspn(l, "\r\n");
            if (n >= cap) n = cap - 1;
            memcpy(out, l, n);
            out[n] = '\0';
            return out;
        }
    }
    return NULL;
}

static void serve(int fd, const char *req) {
    char method[16] = "", target[1024] = "";
    if (sscanf(req, "%15s %1023s", method, target) != 2) return;
    char ua[256] = "-", inm[256] = "-", ims[256] = "-";
    header(req, "User-Agent", ua, sizeof ua);
    header(req, "If-None-Match", inm, sizeof inm);
    header(req, "If-Modified-Since", ims, sizeof ims);
    printf("%s %s ua=[%s] inm=[%s] ims=[%s]\n", method, target, ua, inm, ims);
    fflush(stdout);
    char *q = strchr(target, '?');
    if (q) *q = '\0';
    if (target[0] != '/') return simple(fd, 400, "Bad Request", "text/plain", "bad\n");
    char *mode = target + 1, *rel = strchr(mode, '/');
    if (!rel) return simple(fd, 404, "Not Found", "text/plain", "not found\n");
    *rel++ = '\0';

    if (strcmp(mode, "404") == 0) return simple(fd, 404, "Not Found", "text/html", "<h1>404</h1>");
    if (strcmp(mode, "500") == 0)
        return simple(fd, 500, "Internal Server Error", "text/html", "<h1>oops</h1>");
    if (strcmp(mode, "wrong") == 0)
        return simple(fd, 200, "OK", "text/html",
                      "<!DOCTYPE html>\n<html><head><title>Maintenance</title></head><body>"
                      "<p>The service is temporarily unavailable.</p></body></html>\n");
    if (strcmp(mode, "empty") == 0)
        return simple(fd, 200, "OK", "application/xml",
                      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CONSOLIDATED_LIST "
                      "dateGenerated=\"2026-03-01T00:00:00.000Z\">\n<INDIVIDUALS/>\n"
                      "<ENTITIES/>\n</CONSOLIDATED_LIST>\n");
    if (strcmp(mode, "redirect") == 0) {
        sendf(fd,
              "HTTP/1.1 302 Found\r\nLocation: /ok/%s\r\nContent-Length: 0\r\n"
              "Connection: close\r\n\r\n",
              rel);
        return;
    }
    if (strcmp(mode, "browser") == 0) {
        int browser =
            strncmp(ua, "Mozilla/", 8) == 0 && ua[8] >= '0' && ua[8] <= '9' && strlen(ua) >= 40;
        if (!browser) return simple(fd, 403, "Forbidden", "text/html", "<h1>Access Denied</h1>");
        mode = "ok";
    }
    if (strncmp(mode, "flaky", 5) == 0) {
        char key[1100];
        snprintf(key, sizeof key, "%s/%s", mode, rel);
        if (count_request(key) < atoi(mode + 5))
            return simple(fd, 500, "Internal Server Error", "text/html", "<h1>try later</h1>");
        mode = "ok";
    }
    int gz = strcmp(mode, "gz") == 0;
    size_t len = 0;
    struct stat sb;
    char *data = read_file(rel, gz ? ".gz" : "", &len, &sb);
    if (!data) return simple(fd, 404, "Not Found", "text/plain", "no such file\n");
    char etag[64], lm[64];
    snprintf(etag, sizeof etag, "\"%lx-%lx\"", (unsigned long)sb.st_size,
             (unsigned long)sb.st_mtime);
    struct tm tm;
    gmtime_r(&sb.st_mtime, &tm);
    strftime(lm, sizeof lm, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (strcmp(mode, "ok") == 0 || gz) {
        if (strcmp(inm, etag) == 0 || (strcmp(inm, "-") == 0 && strcmp(ims, lm) == 0)) {
            sendf(fd,
                  "HTTP/1.1 304 Not Modified\r\nETag: %s\r\nLast-Modified: %s\r\n"
                  "Connection: close\r\n\r\n",
                  etag, lm);
        } else {
            sendf(fd,
                  "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                  "Content-Length: %zu\r\nETag: %s\r\nLast-Modified: %s\r\n%s"
                  "Connection: close\r\n\r\n",
                  len, etag, lm, gz ? "Content-Encoding: gzip\r\n" : "");
            send_all(fd, data, len);
        }
    } else if (strcmp(mode, "slow") == 0) {
        sendf(fd, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", len);
        for (size_t off = 0; off < len; off += 10) {
            if (send_all(fd, data + off, len - off < 10 ? len - off : 10) != 0) break;
            usleep(500000);
        }
    } else if (strcmp(mode, "drop") == 0) {
        sendf(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        for (size_t off = 0; off < len / 2; off += 4096) {
            size_t n = len / 2 - off < 4096 ? len / 2 - off : 4096;
            sendf(fd, "%zx\r\n", n);
            send_all(fd, data + off, n);
            sendf(fd, "\r\n");
        }
    } else if (strcmp(mode, "trunc") == 0) {
        sendf(fd, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", len);
        send_all(fd, data, len / 2);
    } else if (strcmp(mode, "cut") == 0) {
        sendf(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
        send_all(fd, data, len / 2);
    } else {
        simple(fd, 404, "Not Found", "text/plain", "unknown mode\n");
    }
    free(data);
}

static void *conn(void *p) {
    int fd = (int)(intptr_t)p;
    char req[16384];
    size_t n = 0;
    while (n < sizeof req - 1) {
        ssize_t k = recv(fd, req + n, sizeof req - 1 - n, 0);
        if (k <= 0) break;
        n += (size_t)k;
        req[n] = '\0';
        if (strstr(req, "\r\n\r\n")) break;
        if ((unsigned char)req[0] < 'A' || (unsigned char)req[0] > 'Z') break; /* TLS hello */
    }
    req[n] = '\0';
    if (n) serve(fd, req);
    shutdown(fd, SHUT_WR);
    close(fd);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s DIR PORTFILE\n", argv[0]);
        return 2;
    }
    root = argv[1];
    signal(SIGPIPE, SIG_IGN);
    alarm(900); /* never outlive a broken test run for long */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 64) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &al) != 0) {
        perror("test_http_server");
        return 1;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
    FILE *f = fopen(tmp, "w");
    if (!f) return 1;
    fprintf(f, "%d\n", ntohs(a.sin_port));
    fclose(f);
    rename(tmp, argv[2]);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) continue;
        pthread_t t;
        if (pthread_create(&t, NULL, conn, (void *)(intptr_t)c) == 0)
            pthread_detach(t);
        else
            close(c);
    }
}
