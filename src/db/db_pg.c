/* The PostgreSQL engine, through libpq: one PGconn per struct db, a per-connection cache of prepared
 * statements keyed by SQL text, parameters sent as text (blobs in binary), results read as text.
 *
 * The shared SQL is written for both engines, so this file absorbs the differences SQLite hides:
 * - SQLite ignores parameters a text does not use; PostgreSQL rejects them. A text is prepared with as many
 *   parameters as its highest $N, extra arguments are dropped, and a gap below that ($10..$12 unused next to
 *   $13) is declared text and sent as NULL, so the server need not infer a type it cannot see.
 * - A restarted server kills every session. A statement that fails because the connection died is retried
 *   once on a new connection when no transaction was open; inside a transaction the work done so far is
 *   gone, so the statement returns ERR_DB_SOFT and db_tx runs the whole transaction again from BEGIN.
 */
#include "core/log.h"
#include "core/mem.h"
#include "db/db.h"

#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CACHE_SLOTS 256
#define MAX_PARAMS  1000

/* Type OIDs from catalog/pg_type.h, which is a server header. */
#define OID_BOOL   16
#define OID_BYTEA  17
#define OID_TEXT   25
#define OID_FLOAT4 700
#define OID_FLOAT8 701

/* Seconds to wait for a connection when the URL gives no connect_timeout. */
#define DEFAULT_CONNECT_TIMEOUT 30

struct cached {
    char *sql; /* NULL: free slot */
    char name[24];
    int nparams;         /* highest $N in the text */
    unsigned char *used; /* used[i]: $i+1 occurs in the text; NULL when all of 1..nparams do */
};

struct pg_db {
    struct db base;
    char *url;
    PGconn *conn;
    struct cached cache[CACHE_SLOTS];
    unsigned next_name;
    bool in_tx;   /* the server reported an open (or failed) transaction after our last command */
    bool tx_lost; /* the connection died inside a transaction: refuse work until the caller's ROLLBACK */
    int64_t changes;
    /* Parameter buffers, reused by every query: they are needed only until PQexecPrepared returns. */
    char *text;
    size_t text_cap;
    const char **values;
    int *lengths, *formats;
    int params_cap;
};

struct pg_rows {
    struct db_rows base;
    PGresult *res;
    int row, nrows, ncols;
    unsigned char **blobs; /* per column: unescaped bytea of the current row, freed on next/done */
    size_t *blob_lens;
};

/* ---- Connecting ---------------------------------------------------------------------------------------- */

static void notice_processor(void *arg, const char *message)
{
    (void)arg;
    /* With client_min_messages=warning only warnings arrive; they name objects, not values. */
    log_msg(LOG_WARN, "postgresql: %.*s", (int)strcspn(message, "\n"), message);
}

static int connect_timeout_ms(PGconn *c)
{
    int seconds = 0;
    PQconninfoOption *opts = PQconninfo(c);
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, "connect_timeout") == 0 && o->val) seconds = atoi(o->val);
    PQconninfoFree(opts);
    return (seconds > 0 ? seconds : DEFAULT_CONNECT_TIMEOUT) * 1000;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Connect and set up the session. Polls by hand instead of PQconnectdb so that errors can be asked for in
 * verbose form before the server answers: that is the only way libpq shows a startup error's SQLSTATE,
 * and "database does not exist" (3D000) must be told apart from other failures in any server language.
 * Returns NULL and sets *e (ERR_NOT_FOUND, ERR_DB, ERR_NOMEM) on failure, with a log line. Blocks. */
static PGconn *pg_connect(const char *url, enum err *e)
{
    PGconn *c = PQconnectStart(url);
    if (!c) {
        *e = ERR_NOMEM;
        return NULL;
    }
    if (PQstatus(c) != CONNECTION_BAD) {
        PQsetErrorVerbosity(c, PQERRORS_VERBOSE);
        int64_t deadline = now_ms() + connect_timeout_ms(c);
        PostgresPollingStatusType st = PGRES_POLLING_WRITING;
        while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
            int64_t left = deadline - now_ms();
            struct pollfd pfd = {.fd = PQsocket(c), .events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT};
            int rc = left > 0 ? poll(&pfd, 1, (int)left) : 0;
            if (rc < 0 && errno == EINTR) continue;
            if (rc <= 0) break;
            st = PQconnectPoll(c);
        }
    }
    if (PQstatus(c) != CONNECTION_OK) {
        const char *msg = PQerrorMessage(c);
        bool missing = strstr(msg, "3D000") != NULL;
        *e = missing ? ERR_NOT_FOUND : ERR_DB;
        if (!*msg) msg = "timed out";
        /* The first line is the server's or libpq's message; the rest (DETAIL, LOCATION) is noise here. */
        log_msg(missing ? LOG_INFO : LOG_ERROR, "cannot connect to postgresql: %.*s", (int)strcspn(msg, "\n"),
                msg);
        PQfinish(c);
        return NULL;
    }
    /* Back to terse messages: verbose ones carry DETAIL lines, which may quote values. */
    PQsetErrorVerbosity(c, PQERRORS_DEFAULT);
    PQsetNoticeProcessor(c, notice_processor, NULL);
    PGresult *r = NULL;
    if (PQsetClientEncoding(c, "UTF8") == 0)
        /* extra_float_digits=3 asks servers before 12 for round-trip floats; newer ones do it for any > 0. */
        r = PQexec(c, "SET TimeZone = 'UTC'; SET synchronous_commit = on; SET extra_float_digits = 3; "
                      "SET client_min_messages = warning");
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
        log_msg(LOG_ERROR, "cannot set up the postgresql session: %.*s",
                (int)strcspn(PQerrorMessage(c), "\n"), PQerrorMessage(c));
        PQclear(r);
        PQfinish(c);
        *e = ERR_DB;
        return NULL;
    }
    PQclear(r);
    *e = OK;
    return c;
}

static void cache_clear(struct pg_db *g)
{
    for (int i = 0; i < CACHE_SLOTS; i++) {
        free(g->cache[i].sql);
        free(g->cache[i].used);
        memset(&g->cache[i], 0, sizeof g->cache[i]);
    }
    g->next_name = 0;
}

/* Replace a dead connection. The new session has no prepared statements and no transaction. */
static enum err reconnect(struct pg_db *g)
{
    cache_clear(g);
    g->in_tx = false;
    enum err e;
    PGconn *c = pg_connect(g->url, &e);
    if (!c) return ERR_DB_SOFT; /* the server may be starting up: the client may retry */
    PQfinish(g->conn);
    g->conn = c;
    log_msg(LOG_INFO, "reconnected to postgresql");
    return OK;
}

/* ---- Errors -------------------------------------------------------------------------------------------- */

/* Bytes of the first max or fewer of s that end on a character boundary, so a log line stays valid UTF-8. */
static int utf8_prefix(const char *s, int max)
{
    int n = (int)strnlen(s, (size_t)max);
    if (s[n])
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    return n;
}

static enum err map_error(const PGresult *res, const char *sql)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (!state) state = "";
    /* serialization_failure, deadlock_detected, lock_not_available: run the transaction again. */
    if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03")) return ERR_DB_SOFT;
    /* The server going away or not taking work yet (connection exceptions, class 08; operator intervention
     * such as a shutdown or a start-up in progress, class 57; too many connections, 53300) can reach us as
     * an error result before libpq notices the socket is closed: the database is unavailable, not wrong. */
    if (!strncmp(state, "08", 2) || !strncmp(state, "57", 2) || !strcmp(state, "53300")) {
        log_msg(LOG_WARN, "postgresql unavailable (%s)", state);
        return ERR_DB_SOFT;
    }
    /* disk_full: the server could not write; nothing of the transaction was kept. */
    if (!strcmp(state, "53100")) {
        log_msg(LOG_WARN, "postgresql: storage full (%s)", state);
        return ERR_DB_FULL;
    }
    if (!strcmp(state, "23505")) return ERR_CONFLICT;
    /* Only the primary message is logged: DETAIL quotes key values. Data exceptions (class 22) quote the
     * offending value in the primary message too, so they are logged by code alone. */
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!strncmp(state, "22", 2) || !msg) msg = "(message withheld)";
    if (!strncmp(state, "23", 2))
        log_msg(LOG_WARN, "postgresql constraint %s: %s", state, msg);
    else
        log_msg(LOG_ERROR, "postgresql error %s: %s (in: %.*s)", state, msg, utf8_prefix(sql, 100), sql);
    return ERR_DB;
}

/* ---- Statements ---------------------------------------------------------------------------------------- */

/* The $N parameters of a text: *max gets the highest N, and used[N-1] is set for each N seen (used may be
 * NULL to count only). Quoted strings, quoted names and comments are skipped. */
static void scan_params(const char *sql, int *max, unsigned char *used)
{
    *max = 0;
    for (const char *s = sql; *s;) {
        if (*s == '\'' || *s == '"') {
            char q = *s++;
            while (*s && *s != q)
                s++;
            if (*s) s++; /* a doubled quote reads as two strings, which is the same for this purpose */
        } else if (s[0] == '-' && s[1] == '-') {
            s += strcspn(s, "\n");
        } else if (s[0] == '/' && s[1] == '*') {
            const char *end = strstr(s + 2, "*/");
            s = end ? end + 2 : s + strlen(s);
        } else if (*s == '$' && s[1] >= '0' && s[1] <= '9') {
            char *end;
            long n = strtol(s + 1, &end, 10);
            if (n > 0 && n <= MAX_PARAMS) {
                if (n > *max) *max = (int)n;
                if (used) used[n - 1] = 1;
            }
            s = end;
        } else {
            s++;
        }
    }
}

/* Find the prepared statement for sql, preparing it on a miss. A full neighbourhood of the cache falls back
 * to the unnamed statement, which lives until the next one is prepared: enough for one execution. Sets *lost
 * when the connection died. */
static enum err get_stmt(struct pg_db *g, const char *sql, struct cached **out, struct cached *scratch,
                         bool *lost)
{
    uint64_t h = db_hash_sql(sql);
    struct cached *c = NULL;
    for (int probe = 0; probe < 8; probe++) {
        struct cached *s = &g->cache[(h + (uint64_t)probe) % CACHE_SLOTS];
        if (s->sql && strcmp(s->sql, sql) == 0) {
            *out = s;
            return OK;
        }
        if (!s->sql) {
            c = s;
            break;
        }
    }
    if (!c) {
        free(scratch->used);
        memset(scratch, 0, sizeof *scratch);
        c = scratch;
    }
    int n = 0;
    scan_params(sql, &n, NULL);
    unsigned char *used = n ? xcalloc((size_t)n, 1) : NULL;
    scan_params(sql, &n, used);
    Oid *types = n ? xcalloc((size_t)n, sizeof *types) : NULL;
    bool gaps = false;
    for (int i = 0; i < n; i++)
        if (!used[i]) {
            types[i] = OID_TEXT;
            gaps = true;
        }
    if (!gaps) {
        free(used);
        used = NULL;
    }
    char name[24] = "";
    if (c != scratch) snprintf(name, sizeof name, "s%u", g->next_name);
    PGresult *res = PQprepare(g->conn, name, sql, n, types);
    free(types);
    enum err e = OK;
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
        if (PQstatus(g->conn) == CONNECTION_BAD)
            *lost = true;
        else
            e = res ? map_error(res, sql) : ERR_NOMEM;
        free(used);
        PQclear(res);
        return *lost ? ERR_DB_SOFT : e;
    }
    PQclear(res);
    if (c != scratch) {
        g->next_name++;
        c->sql = xstrdup(sql);
    }
    memcpy(c->name, name, sizeof name);
    c->nparams = n;
    c->used = used;
    *out = c;
    return OK;
}

static void ensure_params(struct pg_db *g, int n, size_t text)
{
    if (n > g->params_cap) {
        g->values = xrealloc(g->values, (size_t)n * sizeof *g->values);
        g->lengths = xrealloc(g->lengths, (size_t)n * sizeof *g->lengths);
        g->formats = xrealloc(g->formats, (size_t)n * sizeof *g->formats);
        g->params_cap = n;
    }
    if (text > g->text_cap) {
        g->text = xrealloc(g->text, text);
        g->text_cap = text;
    }
}

/* Lay the parameters of statement c out for PQexecPrepared in g's buffers: NULL for SQL NULL and for
 * parameters the text does not use, decimal text for numbers, a NUL-terminated copy of text, raw bytes
 * (binary format) for blobs. ERR_DB for text holding a NUL byte, which PostgreSQL cannot store. */
static enum err lay_out_params(struct pg_db *g, const struct cached *c, const struct db_val *p, int n)
{
    int k = c->nparams;
    size_t text = 1;
    for (int i = 0; i < k && i < n; i++)
        text += p[i].t == DB_TEXT ? p[i].n + 1 : p[i].t == DB_INT || p[i].t == DB_REAL ? 32 : 0;
    ensure_params(g, k, text);
    size_t off = 0;
    for (int i = 0; i < k; i++) {
        g->values[i] = NULL;
        g->lengths[i] = 0;
        g->formats[i] = 0;
        if (i >= n || (c->used && !c->used[i])) continue;
        char *dst = g->text + off;
        switch (p[i].t) {
        case DB_NULL:
            break;
        case DB_INT:
            off += (size_t)snprintf(dst, 32, "%" PRId64, p[i].i) + 1;
            g->values[i] = dst;
            break;
        case DB_REAL:
            off += (size_t)snprintf(dst, 32, "%.17g", p[i].r) + 1;
            g->values[i] = dst;
            break;
        case DB_TEXT:
            if (!p[i].s) break;
            if (memchr(p[i].s, 0, p[i].n)) {
                log_msg(LOG_ERROR, "postgresql: text parameter $%d holds a NUL byte", i + 1);
                return ERR_DB;
            }
            memcpy(dst, p[i].s, p[i].n);
            dst[p[i].n] = 0;
            off += p[i].n + 1;
            g->values[i] = dst;
            break;
        case DB_BLOB:
        default:
            if (p[i].n > INT32_MAX) return ERR_TOO_LARGE;
            g->values[i] = p[i].n ? p[i].s : "";
            g->lengths[i] = (int)p[i].n;
            g->formats[i] = 1;
            break;
        }
    }
    return OK;
}

static bool is_rollback(const char *sql)
{
    return strcasecmp(sql, "ROLLBACK") == 0;
}

/* One try of a statement (a script when script is set: no parameters, several statements). On success
 * *res holds the result. Sets *lost instead of mapping an error when the connection is dead. */
static enum err attempt(struct pg_db *g, const char *sql, const struct db_val *p, int n, bool script,
                        PGresult **res, bool *lost)
{
    *res = NULL;
    if (PQstatus(g->conn) != CONNECTION_OK) {
        *lost = true;
        return ERR_DB_SOFT;
    }
    PGresult *r;
    if (script) {
        r = PQexec(g->conn, sql);
    } else {
        struct cached *c = NULL, scratch = {0};
        enum err e = get_stmt(g, sql, &c, &scratch, lost);
        if (e == OK) e = lay_out_params(g, c, p, n);
        if (e != OK) {
            free(scratch.used);
            return e;
        }
        r = PQexecPrepared(g->conn, c->name, c->nparams, g->values, g->lengths, g->formats, 0);
        free(scratch.used);
    }
    PGTransactionStatusType ts = PQtransactionStatus(g->conn);
    g->in_tx = ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR;
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
        const char *cmd = PQcmdStatus(r);
        if (!strncmp(cmd, "INSERT", 6) || !strncmp(cmd, "UPDATE", 6) || !strncmp(cmd, "DELETE", 6) ||
            !strncmp(cmd, "MERGE", 5))
            g->changes = strtoll(PQcmdTuples(r), NULL, 10);
        *res = r;
        return OK;
    }
    enum err e;
    if (PQstatus(g->conn) == CONNECTION_BAD) {
        *lost = true;
        e = ERR_DB_SOFT;
    } else {
        e = r ? map_error(r, sql) : ERR_NOMEM;
    }
    PQclear(r);
    return e;
}

/* Run a statement, replacing a dead connection: once more outside a transaction, ERR_DB_SOFT inside one
 * (db_tx starts over). */
static enum err run(struct pg_db *g, const char *sql, const struct db_val *p, int n, bool script,
                    PGresult **res)
{
    if (is_rollback(sql)) {
        /* Never fails the caller: on a dead or replaced connection the transaction is gone anyway. */
        g->tx_lost = false;
        if (!g->in_tx || PQstatus(g->conn) != CONNECTION_OK) {
            g->in_tx = false;
            return OK;
        }
        PGresult *r = PQexec(g->conn, "ROLLBACK");
        PQclear(r);
        if (PQstatus(g->conn) == CONNECTION_BAD) log_msg(LOG_WARN, "postgresql connection lost at ROLLBACK");
        g->in_tx = false;
        return OK;
    }
    if (g->tx_lost) return ERR_DB_SOFT; /* the rest of a transaction whose first part died with the server */
    for (int tries = 0;; tries++) {
        bool was_in_tx = g->in_tx, was_up = PQstatus(g->conn) == CONNECTION_OK, lost = false;
        enum err e = attempt(g, sql, p, n, script, res, &lost);
        if (!lost) return e;
        /* While the server stays down every statement lands here; only the loss itself is news. */
        if (was_up)
            log_msg(LOG_WARN, "postgresql connection lost%s", was_in_tx ? " inside a transaction" : "");
        e = reconnect(g);
        if (was_in_tx) {
            g->tx_lost = true;
            return ERR_DB_SOFT;
        }
        if (e != OK || tries > 0) return ERR_DB_SOFT;
    }
}

/* ---- The interface ------------------------------------------------------------------------------------- */

static void pg_close(struct db *db)
{
    struct pg_db *g = (struct pg_db *)db;
    cache_clear(g);
    PQfinish(g->conn);
    free(g->url);
    free(g->text);
    free(g->values);
    free(g->lengths);
    free(g->formats);
    free(g);
}

static enum err pg_query(struct db *db, const char *sql, const struct db_val *p, int n, struct db_rows **rows)
{
    struct pg_db *g = (struct pg_db *)db;
    PGresult *res = NULL;
    enum err e = run(g, sql, p, n, false, &res);
    if (e != OK) return e;
    if (!rows) {
        PQclear(res);
        return OK;
    }
    struct pg_rows *r = xcalloc(1, sizeof *r);
    r->base.db = db;
    r->res = res;
    r->row = -1;
    r->nrows = res ? PQntuples(res) : 0;
    r->ncols = res ? PQnfields(res) : 0;
    *rows = &r->base;
    return OK;
}

static void free_blobs(struct pg_rows *r)
{
    if (!r->blobs) return;
    for (int i = 0; i < r->ncols; i++) {
        PQfreemem(r->blobs[i]);
        r->blobs[i] = NULL;
    }
}

static int pg_next(struct db_rows *rows)
{
    struct pg_rows *r = (struct pg_rows *)rows;
    free_blobs(r);
    if (r->row < r->nrows) r->row++;
    return r->row < r->nrows ? 1 : 0;
}

/* The text of a cell of the current row, or NULL for SQL NULL and for a column or row that is not there. */
static const char *cell(struct pg_rows *r, int col)
{
    if (col < 0 || col >= r->ncols || r->row < 0 || r->row >= r->nrows || PQgetisnull(r->res, r->row, col))
        return NULL;
    return PQgetvalue(r->res, r->row, col);
}

static int64_t pg_col_int(struct db_rows *rows, int col)
{
    struct pg_rows *r = (struct pg_rows *)rows;
    const char *v = cell(r, col);
    if (!v) return 0;
    if (PQftype(r->res, col) == OID_BOOL) return v[0] == 't';
    char *end;
    errno = 0;
    long long i = strtoll(v, &end, 10);
    if (*end == 0 && errno == 0) return i;
    /* A real or numeric ("2.5", "1e+20"): truncate and saturate as SQLite does. */
    double d = strtod(v, NULL);
    if (d != d) return 0;
    if (d >= 9223372036854775807.0) return INT64_MAX;
    if (d <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)d;
}

static double pg_col_real(struct db_rows *rows, int col)
{
    const char *v = cell((struct pg_rows *)rows, col);
    return v ? strtod(v, NULL) : 0.0;
}

static bool pg_col_isnull(struct db_rows *rows, int col)
{
    return cell((struct pg_rows *)rows, col) == NULL;
}

static const char *pg_col_text(struct db_rows *rows, int col)
{
    return cell((struct pg_rows *)rows, col);
}

static const void *pg_col_blob(struct db_rows *rows, int col, size_t *len)
{
    struct pg_rows *r = (struct pg_rows *)rows;
    const char *v = cell(r, col);
    *len = 0;
    if (!v) return NULL;
    if (PQftype(r->res, col) != OID_BYTEA) {
        *len = (size_t)PQgetlength(r->res, r->row, col);
        return v;
    }
    if (!r->blobs) {
        r->blobs = xcalloc((size_t)r->ncols, sizeof *r->blobs);
        r->blob_lens = xcalloc((size_t)r->ncols, sizeof *r->blob_lens);
    }
    if (!r->blobs[col]) {
        r->blobs[col] = PQunescapeBytea((const unsigned char *)v, &r->blob_lens[col]);
        if (!r->blobs[col]) {
            rows->err = ERR_NOMEM;
            return NULL;
        }
    }
    *len = r->blob_lens[col];
    return r->blobs[col];
}

static void pg_done(struct db_rows *rows)
{
    struct pg_rows *r = (struct pg_rows *)rows;
    free_blobs(r);
    free(r->blobs);
    free(r->blob_lens);
    PQclear(r->res);
    free(r);
}

static int64_t pg_changes(struct db *db)
{
    return ((struct pg_db *)db)->changes;
}

static enum err pg_exec_script(struct db *db, const char *sql)
{
    PGresult *res = NULL;
    enum err e = run((struct pg_db *)db, sql, NULL, 0, true, &res);
    PQclear(res);
    return e;
}

static enum err pg_sync_ids(struct db *db, const char *table, const char *col)
{
    /* db.c checked both names; check again where they are spliced. */
    if (!db_ident_valid(table) || !db_ident_valid(col)) return ERR_INTERNAL;
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT setval(pg_get_serial_sequence('%s', '%s'), COALESCE((SELECT MAX(%s) FROM %s), 0) + 1, "
             "false)",
             table, col, col, table);
    return pg_query(db, sql, NULL, 0, NULL);
}

static const struct db_ops pg_ops = {
    .dialect = "pg",
    .close = pg_close,
    .query = pg_query,
    .next = pg_next,
    .col_int = pg_col_int,
    .col_real = pg_col_real,
    .col_isnull = pg_col_isnull,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .done = pg_done,
    .changes = pg_changes,
    .exec_script = pg_exec_script,
    .sync_ids = pg_sync_ids,
    .begin_sql = "BEGIN ISOLATION LEVEL READ COMMITTED",
    .bulk_on_sql = "SET synchronous_commit = off",
    .bulk_off_sql = "SET synchronous_commit = on",
};

enum err db_pg_open(const char *url, bool create, struct db **out)
{
    (void)create; /* databases are made by their administrator (createdb), never by tuoyu */
    enum err e;
    PGconn *c = pg_connect(url, &e);
    if (!c) return e;
    struct pg_db *g = xcalloc(1, sizeof *g);
    g->base.ops = &pg_ops;
    g->url = xstrdup(url);
    g->conn = c;
    *out = &g->base;
    return OK;
}
