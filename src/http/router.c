/* The router: matches a request against the static route table, answers 404/405/401/403 itself, checks the
 * CSRF token on cookie-authenticated writes, and calls the handler. */
#include "core/log.h"
#include "core/mem.h"
#include "export/export.h"
#include "http/http.h"
#include "modules/tokens/tokens.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Match one pattern against a path; fills r's segments on success. */
static bool match(const char *pattern, const char *path, struct req *r)
{
    int nseg = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            bool digits = strncmp(p, "{id}", 4) == 0;
            const char *end = s;
            while (*end && *end != '/')
                end++;
            size_t n = (size_t)(end - s);
            if (n == 0 || n > 64 || nseg >= 4) return false;
            if (digits) {
                if (n > 18) return false;
                for (const char *q = s; q < end; q++)
                    if (*q < '0' || *q > '9') return false;
            }
            if (r && r->a) {
                r->seg[nseg] = arena_strndup(r->a, s, n);
                r->id[nseg] = digits ? strtoll(r->seg[nseg], NULL, 10) : 0;
            }
            nseg++;
            p = close + 1;
            s = end;
        } else if (*p == *s) {
            p++;
            s++;
        } else {
            return false;
        }
    }
    if (*p || *s) return false;
    if (r) r->nseg = nseg;
    return true;
}

/* The lookup index. A path's key is its text up to its fourth '/' (its first three segments:
 * "/api/v1/public",
 * "/dash/quality", "/healthz"). A route whose key has no '{' can only match paths with that very key, so the
 * scan looks at those routes (found by binary search in `keyed`, sorted by key, then by table order) and at
 * the few routes with a parameter among their first three segments (`loose`), merged in table order: the
 * first route of the table that matches still wins, as in a plain scan. Built once, read-only after. */
struct route_key {
    const char *p;
    size_t n;
    int idx;
};
static struct route_key *keyed;
static int nkeyed, *loose, nloose;
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static size_t key_len(const char *s)
{
    int slashes = 0;
    size_t i = 0;
    for (; s[i]; i++)
        if (s[i] == '/' && ++slashes == 4) break;
    return i;
}

static int key_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

static int route_key_cmp(const void *x, const void *y)
{
    const struct route_key *a = x, *b = y;
    int c = key_cmp(a->p, a->n, b->p, b->n);
    return c ? c : a->idx - b->idx;
}

static void build_index(void)
{
    keyed = xcalloc((size_t)nroutes + 1, sizeof *keyed);
    loose = xcalloc((size_t)nroutes + 1, sizeof *loose);
    for (int i = 0; i < nroutes; i++) {
        size_t n = key_len(routes[i].pattern);
        if (memchr(routes[i].pattern, '{', n))
            loose[nloose++] = i;
        else
            keyed[nkeyed++] = (struct route_key){routes[i].pattern, n, i};
    }
    qsort(keyed, (size_t)nkeyed, sizeof *keyed, route_key_cmp);
}

int router_match(const char *method, const char *path, struct req *r)
{
    pthread_once(&index_once, build_index);
    bool path_seen = false;
    if (strcmp(method, "HEAD") == 0) method = "GET";
    size_t n = key_len(path);
    int lo = 0, hi = nkeyed;
    while (lo < hi) { /* the first route with a key not below the path's */
        int mid = (lo + hi) / 2;
        if (key_cmp(keyed[mid].p, keyed[mid].n, path, n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    int k = lo, l = 0;
    for (;;) {
        bool kin = k < nkeyed && key_cmp(keyed[k].p, keyed[k].n, path, n) == 0;
        if (!kin && l >= nloose) break;
        int i = kin && (l >= nloose || keyed[k].idx < loose[l]) ? keyed[k++].idx : loose[l++];
        if (!match(routes[i].pattern, path, NULL)) continue;
        path_seen = true;
        if (strcmp(routes[i].method, method) != 0) continue;
        match(routes[i].pattern, path, r);
        return i;
    }
    return path_seen ? -2 : -1;
}

static bool is_loopback(const char *ip)
{
    return ip &&
           (strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0 || strcmp(ip, "::ffff:127.0.0.1") == 0);
}

/* Who is asking: a bearer token, else the session cookie. ERR_UNAUTHENTICATED for a bad bearer token. */
static enum err authenticate(struct req *r)
{
    const char *authz = req_header(r, "Authorization");
    struct principal *p = arena_zalloc(r->a, sizeof *p);
    if (authz) {
        if (strncmp(authz, "Bearer ", 7) != 0) return ERR_UNAUTHENTICATED;
        enum err e = token_lookup(r->db, r->a, authz + 7, p);
        if (e != OK) return e;
        r->who = p;
        return OK;
    }
    const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "tuoyu_session");
    if (cookie && session_lookup(r->db, r->a, cookie, p) == OK) r->who = p;
    return OK;
}

/* Parse an application/x-www-form-urlencoded body into r->form. */
static void parse_form(struct req *r)
{
    int cap = 1;
    for (size_t i = 0; i < r->body_len; i++)
        cap += r->body[i] == '&';
    if (cap > 256) cap = 256;
    r->form = arena_alloc(r->a, (size_t)cap * sizeof *r->form);
    r->nform = 0;
    char *copy = arena_strndup(r->a, r->body, r->body_len);
    char *save = NULL;
    for (char *pair = strtok_r(copy, "&", &save); pair && r->nform < cap; pair = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(pair, '=');
        char *val = eq ? eq + 1 : pair + strlen(pair);
        if (eq) *eq = 0;
        for (char *q = pair; *q; q++)
            if (*q == '+') *q = ' ';
        for (char *q = val; *q; q++)
            if (*q == '+') *q = ' ';
        MHD_http_unescape(pair);
        size_t vn = MHD_http_unescape(val);
        if (strlen(val) != vn) continue; /* an embedded NUL: drop the field */
        r->form[r->nform].key = pair;
        r->form[r->nform].value = val;
        r->nform++;
    }
}

/* Parse a multipart/form-data body: text parts into r->form, file parts into r->files. ERR_BAD_REQUEST with
 * r->error_detail when malformed. */
static enum err parse_multipart(struct req *r)
{
    struct multipart mp;
    enum err e = multipart_parse(r->body, r->body_len, r->content_type, r->a, &mp);
    if (e != OK) {
        r->error_detail = mp.detail;
        return e;
    }
    r->form = mp.fields;
    r->nform = mp.nfields;
    r->files = mp.files;
    r->nfiles = mp.nfiles;
    return OK;
}

static bool csrf_ok(struct req *r, const struct route *route)
{
    const char *given = route->flags & ROUTE_FORM ? req_form(r, "csrf") : req_header(r, "X-CSRF-Token");
    return given && r->who->csrf && strlen(given) == strlen(r->who->csrf) && strcmp(given, r->who->csrf) == 0;
}

static void dispatch(struct req *r, struct resp *out, unsigned *route_index);

void router_dispatch(struct req *r, struct resp *out, unsigned *route_index)
{
    /* A GET reads one state of the database in one read transaction (db_snapshot_begin); its writes, such
     * as audited reads, end the snapshot before they run. */
    bool read = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");
    if (read) db_snapshot_begin(r->db);
    dispatch(r, out, route_index);
    if (read) db_snapshot_end(r->db);
}

static void dispatch(struct req *r, struct resp *out, unsigned *route_index)
{
    int idx = router_match(r->method, r->path, r);
    if (idx < 0) {
        bool html = strncmp(r->path, "/api/", 5) != 0;
        resp_error(r, out, idx == -1 ? ERR_NOT_FOUND : ERR_METHOD, html);
        return;
    }
    *route_index = (unsigned)idx;
    const struct route *route = &routes[idx];
    bool html = route->flags & ROUTE_HTML;
    enum err e = authenticate(r);
    if (e != OK && !(route->flags & ROUTE_PUBLIC)) goto fail;
    e = OK;
    /* Bearer tokens are rate-limited per token (cookie sessions are not); the refusal is logged like any
     * other request of the token (server.c). */
    int64_t retry_after = 0;
    if (r->who && r->who->token_id && !tokens_rate_take(r->who->token_id, r->who->token_rate, &retry_after)) {
        char *ra = arena_alloc(r->a, 24);
        snprintf(ra, 24, "%lld", (long long)retry_after);
        r->error_detail = "请求过于频繁，请稍后再试";
        resp_error(r, out, ERR_THROTTLED, html);
        resp_header(r, out, "Retry-After", ra);
        return;
    }
    if (route->flags & ROUTE_LOOPBACK_OR_ADMIN) {
        if (!is_loopback(r->client_ip) && !(r->who && r->who->role == ROLE_ADMIN))
            e = r->who ? ERR_FORBIDDEN : ERR_UNAUTHENTICATED;
    } else if (!(route->flags & ROUTE_PUBLIC)) {
        if (!r->who)
            e = ERR_UNAUTHENTICATED;
        else if (!(r->who->role & route->roles))
            e = ERR_FORBIDDEN;
    }
    if (e != OK) goto fail;
    if ((route->flags & ROUTE_FORM) && (route->flags & ROUTE_UPLOAD) && multipart_is(r->content_type)) {
        e = parse_multipart(r);
        if (e != OK) goto fail;
    } else if (route->flags & ROUTE_FORM) {
        parse_form(r);
    }
    bool write = strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;
    /* Public routes (the login forms) carry their own protection: a session cookie is not what authorises
     * them. */
    if (write && !(route->flags & ROUTE_PUBLIC) && r->who && r->who->session_id && !csrf_ok(r, route)) {
        e = ERR_CSRF;
        goto fail;
    }
    /* GET <list>?format=xlsx: the same handler, its rows as a workbook (src/export). */
    e = export_wanted(r, route) ? export_sync(r, route, out) : route->fn(r, out);
    if (e == OK && out->status) return;
    if (e == OK) e = ERR_INTERNAL;
fail:
    if (e == ERR_UNAUTHENTICATED && html) {
        resp_redirect(r, out, "/login");
        return;
    }
    if (e == ERR_DB || e == ERR_DB_SOFT || e == ERR_DB_FULL) metrics_db_error();
    if (out->body) {
        free(out->body);
        out->body = NULL;
    }
    resp_error(r, out, e, html);
}
