/* Requests, responses and the route table. A handler sees a parsed request (path ids, query, JSON or form
 * body, the principal) and fills a response; it never touches libmicrohttpd. */
#ifndef TUOYU_HTTP_H
#define TUOYU_HTTP_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "html/html.h"
#include "json/jspec.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define JSON_BODY_MAX   (1u << 20)  /* 1 MiB */
#define UPLOAD_BODY_MAX (10u << 20) /* 10 MiB */

struct req_kv {
    const char *key, *value;
};

/* A file part of a multipart/form-data body. name, filename and content_type are NUL-terminated arena
 * strings (content_type "application/octet-stream" when the part gave none); data points into the request
 * body (no copy) and may hold NUL bytes; len may be 0. */
struct req_file {
    const char *name, *filename, *content_type;
    const char *data;
    size_t len;
};

struct req {
    struct arena *a;
    struct db *db;
    const char *method;
    const char *path;
    const char *client_ip;
    const char *content_type;
    const char *body;
    size_t body_len;
    int64_t id[4];      /* the numeric {id} segments of the path, in order */
    const char *seg[4]; /* the same segments as text ({code} etc.) */
    int nseg;
    struct req_kv *query;
    int nquery;
    struct req_kv *form;
    int nform;              /* parsed urlencoded body, or the text parts of a multipart one */
    struct req_file *files; /* the file parts of a multipart/form-data body (ROUTE_FORM | ROUTE_UPLOAD) */
    int nfiles;
    struct principal *who;    /* NULL when anonymous */
    struct field_errors fe;   /* handlers add bad fields here and return ERR_VALIDATION */
    const char *error_detail; /* optional message overriding the error's default */
    json_t *json;             /* the parsed body, released after the response */
    void *conn;               /* opaque: the server's connection */
};

#define RESP_MAX_HEADERS 4
struct resp {
    unsigned status;
    char *body; /* heap, freed by the server */
    size_t len;
    const char *content_type;
    const char *headers[RESP_MAX_HEADERS][2]; /* extra headers (arena strings) */
    int nheaders;
};

typedef enum err (*handler_fn)(struct req *r, struct resp *out);

enum route_flags {
    ROUTE_PUBLIC = 1u << 0,            /* anonymous allowed; roles ignored */
    ROUTE_HTML = 1u << 1,              /* a page: errors as HTML, 401 → redirect to /login */
    ROUTE_UPLOAD = 1u << 2,            /* binary body up to 10 MiB instead of JSON up to 1 MiB */
    ROUTE_FORM = 1u << 3,              /* urlencoded form body (CSRF checked for cookie sessions); with
                                          ROUTE_UPLOAD also multipart/form-data up to 10 MiB */
    ROUTE_LOOPBACK_OR_ADMIN = 1u << 4, /* /metrics: loopback clients or an admin */
    ROUTE_OWN_FORMAT = 1u << 5,        /* the handler reads ?format= itself (documents): no XLSX export hook */
};

struct route {
    const char *method;
    const char *pattern; /* "/api/v1/institutions/{id}/filings": {id} digits, {code} any segment */
    handler_fn fn;
    unsigned roles; /* enum role bits allowed */
    unsigned flags;
    const char *summary; /* one line for the API reference */
};

extern const struct route routes[];
extern const int nroutes;

/* Request helpers. Strings live in the request arena. */
const char *req_query(const struct req *r, const char *key);   /* NULL when absent */
const char *req_form(const struct req *r, const char *key);    /* NULL when absent */
const char *req_header(const struct req *r, const char *name); /* NULL when absent */
/* Parse the body as a JSON object into r->json; ERR_MALFORMED_JSON with r->error_detail on failure. */
enum err req_json(struct req *r, json_t **out);

/* multipart/form-data (RFC 7578), parsed strictly and with bounded allocation. */
#define MULTIPART_MAX_PARTS  32
#define MULTIPART_HEADER_MAX 1024 /* bytes in one part header line, CRLF excluded */
struct multipart {
    struct req_kv *fields; /* text parts, in order: NUL-terminated arena copies */
    int nfields;
    struct req_file *files; /* file parts (those with a filename parameter), in order */
    int nfiles;
    const char *detail; /* on failure: why, in Chinese (static storage) */
};
/* Whether content_type (a Content-Type header, NULL allowed) names multipart/form-data. Pure. */
bool multipart_is(const char *content_type);
/* Parse body (len bytes, not NUL-terminated, may hold NULs) as multipart/form-data with the boundary of
 * content_type. Fills *out: strings are allocated from a, file data points into body and lives as long as
 * it does. Returns OK, or ERR_BAD_REQUEST with out->detail set for anything malformed: a missing or bad
 * boundary, a missing final boundary, more than MULTIPART_MAX_PARTS parts, a header line over
 * MULTIPART_HEADER_MAX, a part without Content-Disposition: form-data; name=…, names that are not UTF-8, a
 * text part holding NUL, a non-identity Content-Transfer-Encoding. Allocates O(len) at most from a; pure
 * and non-blocking. */
enum err multipart_parse(const char *body, size_t len, const char *content_type, struct arena *a,
                         struct multipart *out);

/* Responses. json steals the reference. */
enum err resp_json(struct req *r, struct resp *out, unsigned status, json_t *json);
enum err resp_html(struct req *r, struct resp *out, unsigned status, struct html *h);
enum err resp_redirect(struct req *r, struct resp *out, const char *location);
enum err resp_bytes(struct req *r, struct resp *out, unsigned status, const char *content_type, const void *p,
                    size_t n);
void resp_header(struct req *r, struct resp *out, const char *name, const char *value);
/* The error document {"error":{"code","message","fields":[…]}} (or an HTML error page for ROUTE_HTML). */
void resp_error(struct req *r, struct resp *out, enum err e, bool html);

/* Dispatch a request through the route table: 404/405/401/403 answered here. */
void router_dispatch(struct req *r, struct resp *out, unsigned *route_index);
/* Find the route for method and path; fills ids/segs. -1 no path, -2 path but not method. */
int router_match(const char *method, const char *path, struct req *r);

/* Server. */
struct server_config {
    const char *db_url;
    const char *listen; /* "127.0.0.1:8080" */
    unsigned threads;   /* 0 → number of cores */
    unsigned conn_limit, per_ip_limit, timeout_s;
    unsigned request_deadline_s; /* whole request (headers and body) within; 0 → 60 */
    size_t conn_memory_limit;
};
/* Whether listen is a usable "host:port" ("127.0.0.1:8080", "[::1]:8080"). Pure. */
bool server_listen_valid(const char *listen);
/* Run until SIGTERM/SIGINT; finishes in-flight requests and returns OK. */
enum err server_run(const struct server_config *cfg);

/* Metrics. */
void metrics_observe(unsigned route_index, unsigned status, double seconds);
void metrics_db_error(void);
char *metrics_render(size_t *len); /* heap, caller frees */

#endif
