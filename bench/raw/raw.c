/* bench-raw: the reference "limit of the stack" of issue 9's benchmarks. A minimal libmicrohttpd server with
 * the same MHD options as tuoyu (internal epoll thread, a pool of nproc threads) and one database connection
 * per thread, answering with tuoyu's SQL and jansson, and nothing else: no auth, audit, logging, router,
 * arena or error mapping. bench/run.sh measures it beside tuoyu in the same run.
 *
 *   bench-raw DB PORT [THREADS]     DB: a SQLite file (WAL, synchronous=FULL) or a postgresql:// URL
 *
 *   GET  /raw/institutions/{id}                  the institution row of GET /api/v1/public/institutions/{id}
 *                                                (inst_get's SQL + inst_vacancies'), public_json's fields
 *   GET  /raw/search?district=&age_months=[&page=N|&after=ID]
 *                                                tuoyu's public search: COUNT + 20 rows (+ vacancies per row)
 *   POST /raw/insert                             a durable single-row INSERT (BEGIN IMMEDIATE … COMMIT), 201
 *
 * Not part of tuoyu: built only on request (ninja -C BUILD bench-raw). */
#include <jansson.h>
#include <libpq-fe.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ======================================================================================================
 * SEARCH SQL — keep aligned with src/modules/public/public_store.c (match_where, PUB_COLS, pub_search,
 * page_vacancies) for the filters the benchmark sends: a district and an age in months, 20 rows by id after
 * a keyset cursor (`after`, 0 for the first page), the exact total, and the page's free places in one query.
 * ====================================================================================================== */
/* With a district ($1) or without one (the whole register; $1 unused, as tuoyu leaves the filter out). */
#define SEARCH_WHERE        "WHERE i.state = 'filed' AND i.min_age_months <= $2 AND i.max_age_months >= $2"
#define SEARCH_WHERE_D      SEARCH_WHERE " AND i.district_code = $1"
#define SQL_SEARCH_COUNT(W) "SELECT COUNT(*) FROM institutions i " W
#define SQL_SEARCH_PAGE(W)                                                                                   \
    "SELECT i.id, i.name, i.district_code, d.name, i.address, i.filing_number, i.filed_on, "                 \
    "i.service_types, "                                                                                      \
    "i.inclusive, i.places, i.min_age_months, i.max_age_months, i.fee_min_fen, i.lat, i.lon, 0 "             \
    "FROM institutions i JOIN districts d ON d.code = i.district_code " W " AND i.id > $3 "                  \
    "ORDER BY i.id LIMIT 21"
#define SQL_SEARCH_VACANCIES                                                                                 \
    "SELECT c.institution_id, c.type, SUM(c.capacity), SUM((SELECT COUNT(*) FROM children ch "               \
    "WHERE ch.class_id = c.id AND ch.end_on IS NULL)) FROM classes c "                                       \
    "WHERE c.closed_on IS NULL AND c.institution_id IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, "                \
    "$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) "                                                \
    "GROUP BY c.institution_id, c.type"
#define PER_PAGE 20
/* ======================================================================================================
 * end of the search SQL */
/* The columns of inst_get (src/modules/institution/inst_store.c) for the by-id answer. */
#define INST_COLS                                                                                            \
    "i.id, i.uscc, i.name, i.legal_form, i.district_code, d.name, i.address, i.business_scope, "             \
    "i.authority, "                                                                                          \
    "i.registered_on, i.state, i.version, i.created_at, i.updated_at, i.filing_number, i.filed_on, "         \
    "i.current_filing_id, f.status, i.service_types, i.inclusive, i.places, i.min_age_months, "              \
    "i.max_age_months, i.fee_min_fen, i.lat, i.lon, i.provider_kind"
#define INST_FROM                                                                                            \
    " FROM institutions i JOIN districts d ON d.code = i.district_code "                                     \
    "LEFT JOIN filings f ON f.id = i.current_filing_id "

/* inst_get and inst_vacancies (src/modules/institution/inst_store.c). */
#define SQL_GET "SELECT " INST_COLS INST_FROM "WHERE i.id = $1"
#define SQL_VACANCIES                                                                                        \
    "SELECT c.type, SUM(c.capacity), SUM((SELECT COUNT(*) FROM children ch "                                 \
    "WHERE ch.class_id = c.id AND ch.end_on IS NULL)) FROM classes c "                                       \
    "WHERE c.institution_id = $1 AND c.closed_on IS NULL GROUP BY c.type"
/* The insert benchmark's own table (the same DDL on both engines). */
#define SQL_INSERT_TABLE                                                                                     \
    "CREATE TABLE IF NOT EXISTS bench_raw_inserts (id BIGINT PRIMARY KEY, at BIGINT NOT NULL, body TEXT "    \
    "NOT NULL)"
#define SQL_INSERT "INSERT INTO bench_raw_inserts (id, at, body) VALUES ($1, $2, $3)"

enum { Q_GET, Q_VAC, Q_COUNT_D, Q_PAGE_D, Q_COUNT, Q_PAGE, Q_PAGE_VAC, Q_INSERT, Q__COUNT };
static const char *const sqls[Q__COUNT] = {SQL_GET,
                                           SQL_VACANCIES,
                                           SQL_SEARCH_COUNT(SEARCH_WHERE_D),
                                           SQL_SEARCH_PAGE(SEARCH_WHERE_D),
                                           SQL_SEARCH_COUNT(SEARCH_WHERE),
                                           SQL_SEARCH_PAGE(SEARCH_WHERE),
                                           SQL_SEARCH_VACANCIES,
                                           SQL_INSERT};
#define MAXP 20

static const char *const service_type_names[] = {"full_day", "half_day", "hourly", "temporary"};
static const char *const class_type_names[] = {"infant", "toddler", "older", "mixed"};

static const char *db_target;
static bool is_pg;
static int64_t insert_base; /* ids of this run's inserts: base + a counter, unique across runs */
static int64_t insert_seq;

/* A parameter: NULL (kind 0), integer (1) or text (2). */
struct param {
    int kind;
    int64_t i;
    const char *s;
};

/* One thread's connection, its prepared statements and the current result. */
struct conn {
    sqlite3 *sq;
    sqlite3_stmt *st[Q__COUNT];
    PGconn *pg;
    PGresult *res;
    int row, nrows;
    sqlite3_stmt *cur;
};

static _Thread_local struct conn *tl;

/* ---- database access (the two engines behind five functions) ---- */

static bool param_used(const char *sql, int n)
{
    char tag[16];
    snprintf(tag, sizeof tag, "$%d", n);
    for (const char *p = sql; (p = strstr(p, tag)); p++)
        if (p[strlen(tag)] < '0' || p[strlen(tag)] > '9') return true;
    return false;
}

static struct conn *conn_get(void)
{
    if (tl) return tl;
    struct conn *c = calloc(1, sizeof *c);
    if (is_pg) {
        c->pg = PQconnectdb(db_target);
        if (PQstatus(c->pg) != CONNECTION_OK) {
            fprintf(stderr, "bench-raw: %s", PQerrorMessage(c->pg));
            exit(1);
        }
        PGresult *t = PQexec(c->pg, SQL_INSERT_TABLE);
        PQclear(t);
        for (int q = 0; q < Q__COUNT; q++) {
            Oid types[MAXP] = {0};
            int n = 0;
            for (int k = 1; k <= MAXP; k++)
                if (param_used(sqls[q], k)) n = k;
            for (int k = 1; k <= n; k++)
                if (!param_used(sqls[q], k)) types[k - 1] = 25; /* TEXT, as tuoyu's db_pg does for gaps */
            char name[16];
            snprintf(name, sizeof name, "q%d", q);
            PGresult *r = PQprepare(c->pg, name, sqls[q], n, types);
            if (PQresultStatus(r) != PGRES_COMMAND_OK) {
                fprintf(stderr, "bench-raw: prepare %d: %s", q, PQerrorMessage(c->pg));
                exit(1);
            }
            PQclear(r);
        }
    } else {
        if (sqlite3_open_v2(db_target, &c->sq, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK) {
            fprintf(stderr, "bench-raw: cannot open %s\n", db_target);
            exit(1);
        }
        sqlite3_busy_timeout(c->sq, 10000);
        sqlite3_exec(c->sq,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA "
                     "mmap_size=1073741824; " SQL_INSERT_TABLE,
                     NULL, NULL, NULL);
        for (int q = 0; q < Q__COUNT; q++)
            if (sqlite3_prepare_v3(c->sq, sqls[q], -1, SQLITE_PREPARE_PERSISTENT, &c->st[q], NULL) !=
                SQLITE_OK) {
                fprintf(stderr, "bench-raw: prepare %d: %s\n", q, sqlite3_errmsg(c->sq));
                exit(1);
            }
    }
    tl = c;
    return c;
}

/* Run query q with parameters p[0..n-1] ($1..$n); then db_next until false, db_done. False on an error. */
static bool db_run(struct conn *c, int q, const struct param *p, int n)
{
    if (is_pg) {
        char buf[MAXP][24];
        const char *vals[MAXP];
        for (int k = 0; k < n; k++) {
            if (p[k].kind == 1) {
                snprintf(buf[k], sizeof buf[k], "%lld", (long long)p[k].i);
                vals[k] = buf[k];
            } else {
                vals[k] = p[k].kind == 2 ? p[k].s : NULL;
            }
        }
        char name[16];
        snprintf(name, sizeof name, "q%d", q);
        c->res = PQexecPrepared(c->pg, name, n, vals, NULL, NULL, 0);
        ExecStatusType s = PQresultStatus(c->res);
        if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
            fprintf(stderr, "bench-raw: %s", PQerrorMessage(c->pg));
            PQclear(c->res);
            c->res = NULL;
            return false;
        }
        c->row = -1;
        c->nrows = PQntuples(c->res);
        return true;
    }
    sqlite3_stmt *st = c->st[q];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (int k = 0; k < n; k++) {
        char tag[16];
        snprintf(tag, sizeof tag, "$%d", k + 1);
        int idx = sqlite3_bind_parameter_index(st, tag);
        if (!idx) continue;
        if (p[k].kind == 1)
            sqlite3_bind_int64(st, idx, p[k].i);
        else if (p[k].kind == 2)
            sqlite3_bind_text(st, idx, p[k].s, -1, SQLITE_STATIC);
    }
    c->cur = st;
    return true;
}

static bool db_next(struct conn *c)
{
    if (is_pg) return ++c->row < c->nrows;
    int rc = sqlite3_step(c->cur);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) fprintf(stderr, "bench-raw: %s\n", sqlite3_errmsg(c->sq));
    return rc == SQLITE_ROW;
}

static void db_done(struct conn *c)
{
    if (is_pg) {
        PQclear(c->res);
        c->res = NULL;
    } else {
        sqlite3_reset(c->cur);
    }
}

static bool col_null(struct conn *c, int k)
{
    return is_pg ? PQgetisnull(c->res, c->row, k) : sqlite3_column_type(c->cur, k) == SQLITE_NULL;
}

static const char *col_text(struct conn *c, int k)
{
    if (col_null(c, k)) return NULL;
    return is_pg ? PQgetvalue(c->res, c->row, k) : (const char *)sqlite3_column_text(c->cur, k);
}

static int64_t col_int(struct conn *c, int k)
{
    return is_pg ? strtoll(PQgetvalue(c->res, c->row, k), NULL, 10) : sqlite3_column_int64(c->cur, k);
}

static double col_real(struct conn *c, int k)
{
    return is_pg ? strtod(PQgetvalue(c->res, c->row, k), NULL) : sqlite3_column_double(c->cur, k);
}

/* ---- JSON: the fields of public_api.c's public_json ---- */

static void date_format(int64_t z, char out[static 11])
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1), m = (int)(mp < 10 ? mp + 3 : mp - 9);
    int y = (int)(yoe + era * 400) + (m <= 2);
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04u-%02u-%02u", (unsigned)(y % 10000 + 10000) % 10000, (unsigned)m % 100,
             (unsigned)d % 100);
    memcpy(out, tmp, 10);
    out[10] = 0;
}

static json_t *row_json(struct conn *c)
{
    char filed[11];
    date_format(col_null(c, 15) ? 0 : col_int(c, 15), filed);
    json_t *types = json_array();
    unsigned st = (unsigned)col_int(c, 18);
    for (int k = 0; k < 4; k++)
        if (st & (1u << k)) json_array_append_new(types, json_string(service_type_names[k]));
    const char *fn = col_text(c, 14);
    json_t *j =
        json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:I, s:i, s:i}", "id",
                  (json_int_t)col_int(c, 0), "name", col_text(c, 2), "district_code", col_text(c, 4),
                  "district_name", col_text(c, 5), "address", col_text(c, 6), "filing_number", fn ? fn : "",
                  "filed_on", filed, "service_types", types, "inclusive", col_int(c, 19) != 0, "places",
                  (json_int_t)col_int(c, 20), "min_age_months", col_null(c, 21) ? 0 : (int)col_int(c, 21),
                  "max_age_months", col_null(c, 22) ? 0 : (int)col_int(c, 22));
    json_object_set_new(j, "fee_min_yuan",
                        col_null(c, 23) ? json_null() : json_real((double)col_int(c, 23) / 100.0));
    if (!col_null(c, 24) && !col_null(c, 25)) {
        json_object_set_new(j, "lat", json_real(col_real(c, 24)));
        json_object_set_new(j, "lon", json_real(col_real(c, 25)));
    }
    return j;
}

/* {"infant": free places, …} of institution id, or NULL when it has no open class. */
static json_t *vacancies_json(struct conn *c, int64_t id)
{
    struct param p[] = {{1, id, NULL}};
    if (!db_run(c, Q_VAC, p, 1)) return NULL;
    json_t *j = NULL;
    while (db_next(c)) {
        const char *type = col_text(c, 0);
        for (int t = 0; t < 4; t++)
            if (type && strcmp(type, class_type_names[t]) == 0) {
                int64_t cap = col_int(c, 1), enr = col_int(c, 2);
                if (!j) j = json_object();
                json_object_set_new(j, class_type_names[t], json_integer(cap > enr ? cap - enr : 0));
            }
    }
    db_done(c);
    return j;
}

/* ---- handlers: each returns an HTTP status and sets *body (malloc'd JSON) ---- */

static int get_by_id(struct conn *c, int64_t id, char **body)
{
    struct param p[] = {{1, id, NULL}};
    if (!db_run(c, Q_GET, p, 1)) return 500;
    json_t *j = NULL;
    if (db_next(c)) {
        const char *state = col_text(c, 10);
        if (state && (strcmp(state, "filed") == 0 || strcmp(state, "closed") == 0)) {
            j = row_json(c);
            json_object_set_new(j, "state", json_string(state));
        }
    }
    db_done(c);
    if (!j) return 404;
    json_t *vj = vacancies_json(c, id);
    if (vj) json_object_set_new(j, "vacancies", vj);
    *body = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(j);
    return 200;
}

static bool q_int(struct MHD_Connection *mc, const char *key, int64_t lo, int64_t hi, int64_t *out)
{
    const char *s = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND, key);
    if (!s || !*s) return true;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v < lo || v > hi) return false;
    *out = v;
    return true;
}

/* One row of the search page (the columns of SQL_SEARCH_PAGE) as tuoyu's search item. */
static json_t *search_row_json(struct conn *c)
{
    char filed[11];
    date_format(col_null(c, 6) ? 0 : col_int(c, 6), filed);
    json_t *types = json_array();
    unsigned st = (unsigned)col_int(c, 7);
    for (int k = 0; k < 4; k++)
        if (st & (1u << k)) json_array_append_new(types, json_string(service_type_names[k]));
    const char *fn = col_text(c, 5);
    json_t *j =
        json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:I, s:i, s:i}", "id",
                  (json_int_t)col_int(c, 0), "name", col_text(c, 1), "district_code", col_text(c, 2),
                  "district_name", col_text(c, 3), "address", col_text(c, 4), "filing_number", fn ? fn : "",
                  "filed_on", filed, "service_types", types, "inclusive", col_int(c, 8) != 0, "places",
                  (json_int_t)col_int(c, 9), "min_age_months", col_null(c, 10) ? 0 : (int)col_int(c, 10),
                  "max_age_months", col_null(c, 11) ? 0 : (int)col_int(c, 11));
    json_object_set_new(j, "fee_min_yuan",
                        col_null(c, 12) ? json_null() : json_real((double)col_int(c, 12) / 100.0));
    if (!col_null(c, 13) && !col_null(c, 14)) {
        json_object_set_new(j, "lat", json_real(col_real(c, 13)));
        json_object_set_new(j, "lon", json_real(col_real(c, 14)));
    }
    return j;
}

static int search(struct conn *c, struct MHD_Connection *mc, char **body)
{
    const char *district = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND, "district");
    int64_t age = -1, after = 0;
    if (!q_int(mc, "age_months", 0, 72, &age) || age < 0 || !q_int(mc, "after", 1, INT64_MAX, &after))
        return 400;
    bool d = district && *district;
    struct param p[MAXP] = {{d ? 2 : 0, 0, district}, {1, age, NULL}, {1, after, NULL}};
    if (!db_run(c, d ? Q_COUNT_D : Q_COUNT, p, 2)) return 500;
    int64_t total = db_next(c) ? col_int(c, 0) : 0;
    db_done(c);
    if (!db_run(c, d ? Q_PAGE_D : Q_PAGE, p, 3)) return 500;
    json_t *items = json_array();
    int64_t last = 0;
    int n = 0;
    bool more = false;
    struct param ids[MAXP];
    for (int k = 0; k < MAXP; k++)
        ids[k] = (struct param){1, 0, NULL};
    while (db_next(c)) {
        if (n == PER_PAGE) {
            more = true;
            break;
        }
        json_array_append_new(items, search_row_json(c));
        ids[n++].i = last = col_int(c, 0);
    }
    db_done(c);
    if (n && db_run(c, Q_PAGE_VAC, ids, PER_PAGE)) {
        while (db_next(c)) {
            int64_t id = col_int(c, 0);
            const char *type = col_text(c, 1);
            int64_t cap = col_int(c, 2), enr = col_int(c, 3);
            for (int k = 0; k < n; k++)
                if (ids[k].i == id && type) {
                    json_t *item = json_array_get(items, (size_t)k), *v = json_object_get(item, "vacancies");
                    if (!v) json_object_set_new(item, "vacancies", v = json_object());
                    json_object_set_new(v, type, json_integer(cap > enr ? cap - enr : 0));
                }
        }
        db_done(c);
    }
    json_t *j =
        json_pack("{s:o, s:I, s:i}", "items", items, "total", (json_int_t)total, "per_page", PER_PAGE);
    json_object_set_new(j, "next", more ? json_integer(last) : json_null());
    *body = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(j);
    return 200;
}

static bool exec_simple(struct conn *c, const char *sql)
{
    if (is_pg) {
        PGresult *r = PQexec(c->pg, sql);
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok) fprintf(stderr, "bench-raw: %s", PQerrorMessage(c->pg));
        PQclear(r);
        return ok;
    }
    char *msg = NULL;
    bool ok = sqlite3_exec(c->sq, sql, NULL, NULL, &msg) == SQLITE_OK;
    if (!ok) fprintf(stderr, "bench-raw: %s\n", msg);
    sqlite3_free(msg);
    return ok;
}

static int insert(struct conn *c, const char *data, char **body)
{
    int64_t id = insert_base + __atomic_add_fetch(&insert_seq, 1, __ATOMIC_RELAXED);
    struct param p[] = {{1, id, NULL}, {1, (int64_t)time(NULL), NULL}, {2, 0, data}};
    if (!exec_simple(c, is_pg ? "BEGIN" : "BEGIN IMMEDIATE")) return 500;
    bool ok = db_run(c, Q_INSERT, p, 3);
    if (ok && !is_pg) ok = sqlite3_step(c->cur) == SQLITE_DONE;
    if (ok) db_done(c);
    if (!ok || !exec_simple(c, "COMMIT")) {
        exec_simple(c, "ROLLBACK");
        return 500;
    }
    if (asprintf(body, "{\"id\":%lld}", (long long)id) < 0) *body = NULL;
    return 201;
}

/* ---- HTTP ---- */

struct upload {
    char buf[4096];
    size_t n;
};

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url, const char *method,
                                  const char *version, const char *data, size_t *size, void **state)
{
    (void)cls;
    (void)version;
    bool post = strcmp(method, "POST") == 0;
    if (post) { /* gather the body (at most 4 KiB kept) before answering */
        if (!*state) {
            *state = calloc(1, sizeof(struct upload));
            return MHD_YES;
        }
        struct upload *u = *state;
        if (*size) {
            size_t k = *size < sizeof u->buf - 1 - u->n ? *size : sizeof u->buf - 1 - u->n;
            memcpy(u->buf + u->n, data, k);
            u->n += k;
            *size = 0;
            return MHD_YES;
        }
    }
    struct conn *c = conn_get();
    char *body = NULL;
    int status = 404;
    const char *pre = "/raw/institutions/";
    if (!post && strncmp(url, pre, strlen(pre)) == 0) {
        char *end;
        long long id = strtoll(url + strlen(pre), &end, 10);
        status = *end || id <= 0 ? 404 : get_by_id(c, id, &body);
    } else if (!post && strcmp(url, "/raw/search") == 0) {
        status = search(c, mc, &body);
    } else if (post && strcmp(url, "/raw/insert") == 0) {
        struct upload *u = *state;
        u->buf[u->n] = 0;
        status = insert(c, u->buf, &body);
    }
    if (post) {
        free(*state);
        *state = NULL;
    }
    if (!body) body = strdup(status == 404 ? "{\"error\":\"not_found\"}" : "{\"error\":\"failed\"}");
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    enum MHD_Result ret = MHD_queue_response(mc, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench-raw DB|postgresql://… PORT [THREADS]\n");
        return 2;
    }
    db_target = argv[1];
    is_pg = strncmp(db_target, "postgres", 8) == 0;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = argc > 3 ? (unsigned)atoi(argv[3]) : (unsigned)(cores > 0 ? cores : 1);
    insert_base = (int64_t)time(NULL) * 1000000;

    conn_get(); /* fails early (exit 1) on a bad database, before listening; creates the insert table */

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)atoi(argv[2])),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT, 1000u,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, 256u, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)128 * 1024,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "bench-raw: cannot listen on port %s\n", argv[2]);
        return 1;
    }
    fprintf(stderr, "bench-raw: %s on port %s, %u threads\n", is_pg ? "PostgreSQL" : "SQLite", argv[2],
            threads);
    int sig = 0;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    return 0;
}
