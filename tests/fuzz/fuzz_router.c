/* libFuzzer harness for the router's path matching (src/http/router.c router_match) against the real route
 * table routes[] of src/routes.c, linked from libtuoyu with nothing stubbed. The input's first line (up to
 * LF, at most 15 bytes) is the method, the rest up to the first NUL the path (as libmicrohttpd hands it
 * over). Checks, against a reference matcher written here (split on '/', {id} = 1–18 digits, {code} = 1–64
 * bytes of one segment, at most four placeholders):
 *   - the answer is -1 (no route has this path), -2 (some route has the path, none this method; HEAD counts
 *     as GET) or the index of the FIRST route whose method and pattern match;
 *   - on a match the segments are filled: nseg placeholders, each seg[k] the path's bytes, id[k] its value
 *     for {id}, and substituting seg[] into the pattern gives the path back;
 *   - matching twice gives the same answer; a NULL req is accepted.
 * Run with scripts/fuzz.sh (seeds in tests/fuzz/corpus/router, dictionary tests/fuzz/router.dict). */
#include "core/arena.h"
#include "http/http.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The reference: whether path matches pattern, segment by segment. */
static bool ref_match(const char *pattern, const char *path)
{
    int holes = 0;
    const char *p = pattern, *s = path;
    for (;;) {
        const char *pe = strchr(p, '/'), *se = strchr(s, '/');
        size_t pn = pe ? (size_t)(pe - p) : strlen(p), sn = se ? (size_t)(se - s) : strlen(s);
        if (pn >= 2 && p[0] == '{') {
            if (sn == 0 || sn > 64 || ++holes > 4) return false;
            if (strncmp(p, "{id}", 4) == 0) {
                if (sn > 18) return false;
                for (size_t i = 0; i < sn; i++)
                    if (s[i] < '0' || s[i] > '9') return false;
            }
        } else if (pn != sn || memcmp(p, s, pn) != 0) {
            return false;
        }
        if (!pe || !se) return !pe && !se;
        p = pe + 1;
        s = se + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size < 16 ? size : 16);
    if (!nl) return 0;
    char method[16];
    size_t mn = (size_t)(nl - data);
    memcpy(method, data, mn);
    method[mn] = 0;
    size_t off = mn + 1;
    char *path = malloc(size - off + 1); /* exact size: ASan sees a read past the NUL */
    if (!path) return 0;
    memcpy(path, data + off, size - off);
    path[size - off] = 0;
    if (strlen(method) != mn) goto out;

    struct arena a;
    arena_init(&a, 0);
    struct req r = {.a = &a};
    int idx = router_match(method, path, &r);
    if (router_match(method, path, NULL) != idx) abort();

    const char *want_method = strcmp(method, "HEAD") == 0 ? "GET" : method;
    int first = -1;
    bool path_seen = false;
    for (int i = 0; i < nroutes; i++) {
        if (!ref_match(routes[i].pattern, path)) continue;
        path_seen = true;
        if (first < 0 && strcmp(routes[i].method, want_method) == 0) first = i;
    }
    if (idx != (first >= 0 ? first : path_seen ? -2 : -1)) abort();

    if (idx >= 0) {
        /* Put the segments back into the pattern: that must give the path. */
        if (r.nseg < 0 || r.nseg > 4) abort();
        struct buf b = BUF_INIT;
        int k = 0;
        for (const char *p = routes[idx].pattern; *p;) {
            if (*p == '{') {
                if (k >= r.nseg || !r.seg[k]) abort();
                if (strncmp(p, "{id}", 4) == 0) {
                    if (r.id[k] != strtoll(r.seg[k], NULL, 10) || r.id[k] < 0) abort();
                }
                buf_adds(&b, r.seg[k++]);
                p = strchr(p, '}') + 1;
            } else {
                buf_addc(&b, *p++);
            }
        }
        if (k != r.nseg) abort();
        size_t len;
        char *back = buf_steal(&b, &len);
        if (strcmp(back, path) != 0) abort();
        free(back);
    }
    arena_free(&a);
out:
    free(path);
    return 0;
}
