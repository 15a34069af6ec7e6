/* The HTTP server: libmicrohttpd with an epoll thread pool sized to the cores, limits on connections,
 * per-IP connections, memory and idle time, and a deadline for a whole request (http/deadline.h). A request
 * is answered on the access handler's second (or last) call: answering on the first forces
 * "Connection: close" and costs a new TCP connection per request.
 * Each worker thread keeps its own database connection. */
#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/mem.h"
#include "http/deadline.h"
#include "http/http.h"
#include "modules/tokens/tokens.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The largest over-size body that is read and dropped before the 413 (see on_request). */
#define DISCARD_MAX (32u << 20)

struct rctx {
    struct arena a;
    struct buf body;
    size_t cap;
    bool too_large;
    struct timespec start;
    /* A request authenticated by a bearer token, logged once the response is sent (on_completed). */
    int64_t token_id, token_ms, token_at;
    unsigned token_status;
    const char *token_method, *token_path, *token_ip; /* in a */
};

static const char *db_url;
static _Atomic int active_requests; /* between the first access-handler call and completion */
static _Thread_local struct db *tl_db;
static pthread_mutex_t dbs_mu = PTHREAD_MUTEX_INITIALIZER;
static struct db *dbs[256];
static int ndbs;

/* This thread's database connection, opened on first use and closed when the server stops. */
static struct db *thread_db(void)
{
    if (tl_db) return tl_db;
    struct db *db = NULL;
    if (db_open_existing(db_url, &db) != OK) return NULL;
    pthread_mutex_lock(&dbs_mu);
    if (ndbs < (int)(sizeof dbs / sizeof dbs[0])) dbs[ndbs++] = db;
    pthread_mutex_unlock(&dbs_mu);
    tl_db = db;
    return db;
}

static double elapsed(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static enum MHD_Result collect_kv(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    struct req *r = cls;
    if (r->nquery >= 64) return MHD_NO;
    r->query[r->nquery].key = key;
    r->query[r->nquery].value = value ? value : "";
    r->nquery++;
    return MHD_YES;
}

static void client_ip(struct MHD_Connection *c, struct arena *a, const char **out)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char ip[INET6_ADDRSTRLEN] = "?";
    if (ci && ci->client_addr) {
        if (ci->client_addr->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, ip, sizeof ip);
        else if (ci->client_addr->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, ip, sizeof ip);
    }
    *out = arena_strdup(a, ip);
}

static void add_security_headers(struct MHD_Response *resp, bool is_static)
{
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                            "form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "Cache-Control", is_static ? "public, max-age=3600" : "no-store");
}

static void log_request(const char *method, const struct route *route, unsigned status, double secs,
                        size_t bytes, const struct principal *who)
{
    struct buf b = BUF_INIT;
    /* The route pattern, not the path: no ids, query strings or bodies reach the log. */
    buf_printf(&b,
               "{\"ts\":%lld,\"type\":\"request\",\"method\":\"%s\",\"route\":\"%s\",\"status\":%u,"
               "\"ms\":%.3f,\"bytes\":%zu,\"user\":%lld}",
               (long long)time(NULL), method, route ? route->pattern : "-", status, secs * 1000.0, bytes,
               (long long)(who ? who->user_id : 0));
    log_json_line(b.p);
    buf_free(&b);
}

static enum MHD_Result queue(struct MHD_Connection *c, struct resp *out, bool is_static)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(out->len, out->body ? out->body : (void *)"",
                                        out->body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    out->body = NULL;
    if (!resp) return MHD_NO;
    if (out->content_type) MHD_add_response_header(resp, "Content-Type", out->content_type);
    for (int i = 0; i < out->nheaders; i++)
        MHD_add_response_header(resp, out->headers[i][0], out->headers[i][1]);
    add_security_headers(resp, is_static);
    enum MHD_Result ret = MHD_queue_response(c, out->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result finish(struct MHD_Connection *c, struct rctx *x, const char *url, const char *method);

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)cls;
    (void)version;
    struct rctx *x = *con_cls;
    if (!x) {
        x = xcalloc(1, sizeof *x);
        active_requests++;
        arena_init(&x->a, 0);
        clock_gettime(CLOCK_MONOTONIC, &x->start);
        struct req probe = {0};
        int idx = router_match(method, url, &probe);
        unsigned flags = idx >= 0 ? routes[idx].flags : 0;
        x->cap = flags & ROUTE_UPLOAD ? UPLOAD_BODY_MAX : JSON_BODY_MAX;
        /* A form route that takes files gets the upload cap for multipart bodies only; its urlencoded
         * bodies keep the cap every other form has. */
        if ((flags & ROUTE_FORM) && (flags & ROUTE_UPLOAD) &&
            !multipart_is(MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE)))
            x->cap = JSON_BODY_MAX;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        *con_cls = x;
        /* A declared body over the cap is refused. Up to DISCARD_MAX it is read and dropped first, so that
         * the client, still sending, gets the 413 instead of a broken pipe; beyond that it is refused at once
         * and the connection closed. */
        if (cl && strtoull(cl, NULL, 10) > x->cap) {
            x->too_large = true;
            if (strtoull(cl, NULL, 10) > DISCARD_MAX) return finish(c, x, url, method);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!x->too_large && x->body.len + *upload_data_size <= x->cap)
            buf_add(&x->body, upload_data, *upload_data_size);
        else
            x->too_large = true;
        *upload_data_size = 0;
        return MHD_YES;
    }

    return finish(c, x, url, method);
}

/* Build the request, dispatch it and queue the response. */
static enum MHD_Result finish(struct MHD_Connection *c, struct rctx *x, const char *url, const char *method)
{
    deadline_request_received(c);
    struct req r = {0};
    struct resp out = {0};
    r.a = &x->a;
    r.method = method;
    r.path = url;
    r.conn = c;
    r.body = x->body.p ? x->body.p : "";
    r.body_len = x->body.len;
    r.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    r.query = arena_alloc(r.a, 64 * sizeof *r.query);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_kv, &r);
    client_ip(c, r.a, &r.client_ip);
    fe_init(&r.fe, r.a);

    unsigned route_index = (unsigned)-1;
    r.db = thread_db();
    if (!r.db) {
        metrics_db_error();
        resp_error(&r, &out, ERR_DB_SOFT, false);
    } else if (x->too_large) {
        int idx = router_match(method, url, &r);
        route_index = idx >= 0 ? (unsigned)idx : (unsigned)-1;
        resp_error(&r, &out, ERR_TOO_LARGE, idx >= 0 && (routes[idx].flags & ROUTE_HTML));
    } else {
        router_dispatch(&r, &out, &route_index);
    }
    if (r.json) json_decref(r.json);
    const struct route *route = route_index < (unsigned)nroutes ? &routes[route_index] : NULL;
    bool is_static = route && strncmp(route->pattern, "/static/", 8) == 0;
    double secs = elapsed(&x->start);
    metrics_observe(route_index, out.status, secs);
    log_request(method, route, out.status, secs, out.len, r.who);
    if (r.who && r.who->token_id) {
        x->token_id = r.who->token_id;
        x->token_status = out.status;
        x->token_ms = (int64_t)(secs * 1000.0 + 0.5);
        x->token_at = clock_now();
        x->token_method = arena_strdup(r.a, method);
        x->token_path = arena_strdup(r.a, url);
        x->token_ip = r.client_ip;
    }
    return queue(c, &out, is_static);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)toe;
    deadline_request_done(c);
    struct rctx *x = *con_cls;
    if (!x) return;
    /* The per-token request log: queued after the response went out (tokens_log.c writes it in batches). */
    if (x->token_id)
        tokens_log_request(x->token_id, x->token_at, x->token_method, x->token_path, x->token_status,
                           x->token_ms, x->token_ip);
    arena_free(&x->a);
    buf_free(&x->body);
    free(x);
    active_requests--;
    *con_cls = NULL;
}

static bool parse_listen(const char *listen, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen) return false;
    char host[64];
    size_t hn = (size_t)(colon - listen);
    if (hn >= sizeof host) return false;
    memcpy(host, listen, hn);
    host[hn] = 0;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 1 || port > 65535) return false;
    if (host[0] == '[' && hn > 2 && host[hn - 1] == ']') {
        host[hn - 1] = 0;
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        return inet_pton(AF_INET6, host + 1, &s6->sin6_addr) == 1;
    }
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &s4->sin_addr) == 1;
}

bool server_listen_valid(const char *listen)
{
    struct sockaddr_storage ss;
    return listen && parse_listen(listen, &ss);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = 0;
    log_msg(LOG_WARN, "httpd: %s", msg);
}

enum err server_run(const struct server_config *cfg)
{
    db_url = cfg->db_url;
    struct sockaddr_storage ss;
    if (!parse_listen(cfg->listen, &ss)) return ERR_BAD_REQUEST; /* the caller says so, in one line */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = cfg->threads ? cfg->threads : (unsigned)(cores > 0 ? cores : 1);

    /* Block the stop signals before the pool starts so that only this thread receives them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (!deadline_start(cfg->request_deadline_s ? cfg->request_deadline_s : 60)) return ERR_INTERNAL;

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
            (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
        0, NULL, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)(cfg->timeout_s ? cfg->timeout_s : 30), MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)(cfg->conn_limit ? cfg->conn_limit : 1000), MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)(cfg->per_ip_limit ? cfg->per_ip_limit : 256), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(cfg->conn_memory_limit ? cfg->conn_memory_limit : 32 * 1024),
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, deadline_notify, NULL, MHD_OPTION_END);
    if (!d) {
        deadline_stop();
        log_msg(LOG_ERROR, "cannot listen on %s", cfg->listen);
        return ERR_IO;
    }
    log_msg(LOG_INFO, "tuoyu serving on http://%s with %u threads", cfg->listen, threads);

    int sig = 0;
    sigwait(&set, &sig);
    log_msg(LOG_INFO, "signal %d: finishing requests", sig);
    /* Stop accepting, let in-flight requests finish (up to 10 s), then stop the pool. */
    MHD_quiesce_daemon(d);
    for (int i = 0; i < 100; i++) {
        if (active_requests == 0) break;
        struct timespec ts = {0, 100000000L};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(d);
    deadline_stop();
    for (int i = 0; i < ndbs; i++)
        db_close(dbs[i]);
    ndbs = 0;
    log_msg(LOG_INFO, "stopped");
    return OK;
}
