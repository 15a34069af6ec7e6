/* The storage interface. One struct db is one connection, used by one thread at a time (the server keeps one
 * per worker thread). Every query outside the migrations is one SQL text for both engines: $1..$n
 * placeholders, ON CONFLICT, RETURNING, integers for times (seconds) and money (fen), 0/1 for booleans,
 * CAST($n AS TEXT|BIGINT) where a parameter's type cannot be inferred. No dialect branches above this layer.
 */
#ifndef TUOYU_DB_H
#define TUOYU_DB_H
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum db_type { DB_NULL, DB_INT, DB_TEXT, DB_BLOB, DB_REAL };

/* A parameter value. Text and blob bytes are borrowed: they must outlive the db_query call. */
struct db_val {
    enum db_type t;
    int64_t i;
    double r;
    const char *s;
    size_t n;
};

#define DBV_NULL   ((struct db_val){.t = DB_NULL})
#define DBV_INT(x) ((struct db_val){.t = DB_INT, .i = (int64_t)(x)})
/* NULL pointer → SQL NULL. */
static inline struct db_val DBV_TEXT(const char *s) {
    return s ? (struct db_val){.t = DB_TEXT, .s = s, .n = strlen(s)} : DBV_NULL;
}
#define DBV_BLOB(p, len) ((struct db_val){.t = DB_BLOB, .s = (const char *)(p), .n = (len)})
#define DBV_REAL(x)      ((struct db_val){.t = DB_REAL, .r = (double)(x)})
#define DBV_BOOL(b)      DBV_INT((b) ? 1 : 0)
#define DB_NPARAMS(arr)  ((int)(sizeof(arr) / sizeof((arr)[0])))

struct db;
struct db_rows;

/* Open a database: a file path (SQLite; created if missing) or a postgresql:// URL. On success *out owns the
 * connection (close with db_close). SQLite is opened in WAL mode with synchronous=FULL, foreign_keys=ON and a
 * busy timeout. Returns ERR_DB (with a log line) on failure. */
enum err db_open(const char *url, struct db **out);
/* The same for a database that must exist already: a missing SQLite file is ERR_NOT_FOUND, not created. */
enum err db_open_existing(const char *url, struct db **out);
void db_close(struct db *db);
/* url with any password removed ("postgresql://user:secret@h/db" → "postgresql://user:***@h/db"), for
 * messages and logs. Writes at most n bytes into out and returns it. */
char *db_url_redacted(const char *url, char *out, size_t n);
/* "sqlite" or "pg": used only to choose the migration directory. */
const char *db_dialect(const struct db *db);

/* Run one statement with parameters. When rows is non-NULL the caller iterates the result with db_next and
 * must call db_done; when NULL, the statement runs to completion and rows are discarded.
 * Returns ERR_DB_SOFT on busy/serialization/deadlock (retryable), ERR_CONFLICT on a unique or primary-key
 * violation, ERR_DB_FULL when the disk is full (SQLITE_FULL, ENOSPC, PostgreSQL 53100; not retried: the
 * server answers 503 until space returns), ERR_DB otherwise. May block on locks (bounded by the busy
 * timeout). */
enum err db_query(struct db *db, const char *sql, const struct db_val *params, int nparams,
                  struct db_rows **rows);
/* Advance: 1 when a row is available, 0 at the end, -1 on error (see db_rows_err). */
int db_next(struct db_rows *r);
enum err db_rows_err(const struct db_rows *r);
int64_t db_int(struct db_rows *r, int col);
double db_real(struct db_rows *r, int col);
bool db_isnull(struct db_rows *r, int col);
/* Text of a column or NULL for SQL NULL; valid until the next db_next/db_done. */
const char *db_text(struct db_rows *r, int col);
/* Copy of a text column into the arena (NULL for SQL NULL). */
char *db_text_dup(struct db_rows *r, int col, struct arena *a);
const void *db_blob(struct db_rows *r, int col, size_t *len);
void db_done(struct db_rows *r);

/* Convenience: run and discard rows. */
enum err db_exec(struct db *db, const char *sql, const struct db_val *params, int nparams);
/* Convenience: first column of the first row as an integer; ERR_NOT_FOUND when there is no row. */
enum err db_int_query(struct db *db, const char *sql, const struct db_val *params, int nparams, int64_t *out);
/* Reads the current row of r into item (strings into a). The stores' readers have this shape. */
typedef void (*db_row_reader)(struct db_rows *r, struct arena *a, void *item);
/* Convenience: the first row of the query read into *item by read; ERR_NOT_FOUND when there is no row, the
 * query's error otherwise. */
enum err db_get_one(struct db *db, struct arena *a, const char *sql, const struct db_val *params, int nparams,
                    db_row_reader read, void *item);
/* Convenience: every row of the query, each read by read into a new element of item_size bytes (zeroed
 * first) of an array in a; *items (NULL when none) and *n. At most max rows are read (0: no limit). No
 * COUNT(*) first: the array grows by doubling. */
enum err db_get_all(struct db *db, struct arena *a, const char *sql, const struct db_val *params, int nparams,
                    db_row_reader read, size_t item_size, int max, void **items, int *n);
/* Rows changed by the last INSERT/UPDATE/DELETE run through db_exec or db_query. */
int64_t db_changes(struct db *db);
/* Bulk loading (the demo and importers): on, commits stop waiting for the disk (SQLite synchronous=OFF,
 * PostgreSQL synchronous_commit=off); off restores full durability. */
enum err db_bulk_mode(struct db *db, bool on);
/* Run a script of several statements with no parameters (migrations only). */
enum err db_exec_script(struct db *db, const char *sql);
/* After rows were inserted with explicit ids (tuoyu copy), make the next generated id of table.id_column
 * exceed the largest one present. SQLite: nothing to do (its rowids follow the maximum). PostgreSQL: moves
 * the column's identity sequence. Both names must match [a-z_]+ (they are spliced into SQL; they come from
 * the program, never from input): otherwise ERR_INTERNAL. Run it outside a transaction or inside one. */
enum err db_sync_ids(struct db *db, const char *table, const char *id_column);

/* A statement built from parts (a list's filters, only those given): its text and its parameters, numbered
 * $1.. in the order they are added. The caller frees sql with buf_free. */
#define DB_SQLQ_MAX 16
struct db_sqlq {
    struct buf sql;
    struct db_val v[DB_SQLQ_MAX];
    int n;
};
/* Append v as the next parameter of q and return its number, for the text ("$%d"). The filters of a list are
 * fixed by the program: more than DB_SQLQ_MAX is a bug (assertion). */
int db_sqlq_param(struct db_sqlq *q, struct db_val v);

/* A read snapshot around a request that only reads: the statements up to db_snapshot_end see one state of
 * the database and, on SQLite, share one read transaction (one lock cycle instead of one per statement, the
 * largest cost of a small read). A statement that writes, or a transaction of db_tx, ends the snapshot
 * first, so a handler that also writes (an audited read) behaves as without it. PostgreSQL: nothing (each
 * statement is its own transaction there, and a BEGIN would cost a round trip). Never fails the caller:
 * a snapshot that cannot start is simply not there. Not reentrant: one per request. */
void db_snapshot_begin(struct db *db);
/* End the snapshot of db_snapshot_begin (and any transaction a failed end left open); nothing if none. */
void db_snapshot_end(struct db *db);

/* The transaction runner. fn runs inside BEGIN IMMEDIATE (SQLite) / BEGIN (PostgreSQL); the transaction
 * commits when fn returns OK and rolls back otherwise. Soft errors (busy, serialization failure, deadlock)
 * from fn or from COMMIT are retried up to 5 times with backoff, so fn must not have side effects outside the
 * database. Returns fn's result or the commit's. */
typedef enum err (*db_tx_fn)(struct db *db, void *ctx);
enum err db_tx(struct db *db, db_tx_fn fn, void *ctx);

/* Schema: apply every migration newer than the database's version. Returns ERR_SCHEMA_NEWER when the database
 * was migrated by a newer binary. */
enum err db_migrate(struct db *db);
/* Check that the schema is exactly the version this binary expects (no migration). *version gets the
 * database's version. ERR_SCHEMA_NEWER when newer, ERR_STATE when older (run tuoyu init). */
enum err db_schema_check(struct db *db, int *version);

/* Internals shared by the engine implementations. */
/* The key of a statement cache: a hash of the SQL text, read 8 bytes at a time (the texts run to a few
 * kilobytes and are hashed on every statement; a byte-wise loop was most of the query path's own time). */
uint64_t db_hash_sql(const char *sql);
struct db_ops {
    const char *dialect;
    void (*close)(struct db *db);
    enum err (*query)(struct db *db, const char *sql, const struct db_val *p, int n, struct db_rows **rows);
    int (*next)(struct db_rows *r);
    int64_t (*col_int)(struct db_rows *r, int col);
    double (*col_real)(struct db_rows *r, int col);
    bool (*col_isnull)(struct db_rows *r, int col);
    const char *(*col_text)(struct db_rows *r, int col);
    const void *(*col_blob)(struct db_rows *r, int col, size_t *len);
    void (*done)(struct db_rows *r);
    int64_t (*changes)(struct db *db);
    enum err (*exec_script)(struct db *db, const char *sql);
    /* Names already checked with db_ident_valid. */
    enum err (*sync_ids)(struct db *db, const char *table, const char *id_column);
    const char *begin_sql;
    const char *bulk_on_sql, *bulk_off_sql;
    /* Optional (NULL: nothing to do): start or end a read snapshot; see db_snapshot_begin. */
    void (*snapshot)(struct db *db, bool on);
};
struct db {
    const struct db_ops *ops;
};
struct db_rows {
    struct db *db;
    enum err err;
};

/* Whether s is a non-empty [a-z_]+ name, safe to splice into SQL as a table or column. */
bool db_ident_valid(const char *s);

enum err db_sqlite_open(const char *path, bool create, struct db **out);
/* Open a PostgreSQL connection (url: postgresql://user@host:port/dbname or postgres://…; create is ignored,
 * a database is never created). The session gets client_encoding UTF8, TimeZone UTC and synchronous_commit
 * on. Returns ERR_NOT_FOUND when the server says the database does not exist (SQLSTATE 3D000), ERR_DB (with
 * a log line) for any other failure. Blocks while connecting (at most about 30 s). */
enum err db_pg_open(const char *url, bool create, struct db **out);

#endif
