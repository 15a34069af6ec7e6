/* The SQLite engine: WAL, synchronous=FULL, foreign keys, STRICT tables, a busy timeout, and a per-connection
 * cache of prepared statements keyed by SQL text. Parameters are written $1..$n in the shared SQL; SQLite
 * treats "$1" as a named parameter, so they are bound by name, which keeps any order or repetition correct.
 */
#include "core/log.h"
#include "core/mem.h"
#include "db/db.h"
#include "db/db_backup.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define CACHE_SLOTS 256

struct cached {
    char *sql;
    sqlite3_stmt *st;
    int in_use;
    bool ordered; /* parameter i is named "$i" for every i: bind by index, not by name */
};

struct sqlite_db {
    struct db base;
    sqlite3 *h;
    struct cached cache[CACHE_SLOTS];
    bool snap;   /* a read snapshot (deferred BEGIN of db_snapshot_begin) is open */
    bool writer; /* holds writer_mu: its BEGIN IMMEDIATE transaction is open */
};

/* The writers of this process take turns on a mutex before SQLite's own write lock. Without it a writer
 * that finds the lock taken sleeps in SQLite's busy handler (1, 2, 5, 10… ms) and the lock often sits free
 * while it sleeps: under concurrent durable commits that halved throughput and made the p99 seconds. With
 * it the next writer starts the moment the last one commits. Other processes still meet SQLite's lock and
 * its busy timeout. A writer that cannot get the mutex within the busy timeout goes on without it (no
 * deadlock can come of a thread holding two write transactions at once), meeting the busy timeout. */
static pthread_mutex_t writer_mu = PTHREAD_MUTEX_INITIALIZER;
#define BUSY_TIMEOUT_MS 10000

static void writer_take(struct sqlite_db *s)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += BUSY_TIMEOUT_MS / 1000;
    s->writer = pthread_mutex_timedlock(&writer_mu, &until) == 0;
}

/* Once the connection is back in autocommit mode its write transaction is over, however it ended. */
static void writer_release_if_done(struct sqlite_db *s)
{
    if (s->writer && sqlite3_get_autocommit(s->h)) {
        s->writer = false;
        pthread_mutex_unlock(&writer_mu);
    }
}

struct sqlite_rows {
    struct db_rows base;
    sqlite3_stmt *st;
    struct cached *slot; /* NULL when the statement is not cached and must be finalized */
    int stepped;         /* a row is pending from the first step */
};

static enum err map_rc(sqlite3 *h, int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return OK;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ERR_DB_SOFT;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) return ERR_CONFLICT;
        log_msg(LOG_WARN, "sqlite constraint: %s", sqlite3_errmsg(h));
        return ERR_DB;
    case SQLITE_NOMEM:
        return ERR_NOMEM;
    case SQLITE_FULL:
        /* The disk (or the page-count limit) is full: nothing of the statement was kept, and SQLite may have
         * rolled the whole transaction back already (db_tx rolls back the rest). Not retried: the server
         * answers 503 until space returns. */
        log_msg(LOG_WARN, "sqlite: storage full (%d)", rc);
        return ERR_DB_FULL;
    case SQLITE_IOERR:
        /* Growing a file (ftruncate, fallocate, the -shm mapping) reports ENOSPC as an I/O error: that is a
         * full disk too. Any other I/O error is a fault of the storage, not a transient state. */
        if (sqlite3_system_errno(h) == ENOSPC || sqlite3_system_errno(h) == EDQUOT) {
            log_msg(LOG_WARN, "sqlite: storage full (%d)", rc);
            return ERR_DB_FULL;
        }
        log_msg(LOG_ERROR, "sqlite I/O error %d (errno %d): %s", rc, sqlite3_system_errno(h),
                sqlite3_errmsg(h));
        return ERR_DB;
    default:
        log_msg(LOG_ERROR, "sqlite error %d: %s", rc, sqlite3_errmsg(h));
        return ERR_DB;
    }
}

static void sq_close(struct db *db)
{
    struct sqlite_db *s = (struct sqlite_db *)db;
    for (int i = 0; i < CACHE_SLOTS; i++) {
        if (s->cache[i].st) sqlite3_finalize(s->cache[i].st);
        free(s->cache[i].sql);
    }
    if (s->writer) pthread_mutex_unlock(&writer_mu);
    sqlite3_close_v2(s->h);
    free(s);
}

/* Whether the statement's parameter j is named "$j" for every j (SQLite numbers named parameters in order of
 * first appearance). Then bind_params may bind by index: looking a name up is a linear search, which made
 * the binding of a large multi-row INSERT quadratic. */
static bool params_ordered(sqlite3_stmt *st)
{
    int count = sqlite3_bind_parameter_count(st);
    for (int j = 1; j <= count; j++) {
        const char *name = sqlite3_bind_parameter_name(st, j);
        char want[16];
        snprintf(want, sizeof want, "$%d", j);
        if (!name || strcmp(name, want) != 0) return false;
    }
    return true;
}

static enum err bind_params(sqlite3_stmt *st, const struct db_val *p, int n, bool ordered)
{
    int count = ordered ? sqlite3_bind_parameter_count(st) : 0;
    for (int i = 0; i < n; i++) {
        int idx;
        if (ordered) {
            idx = i + 1 <= count ? i + 1 : 0;
        } else {
            char name[16];
            snprintf(name, sizeof name, "$%d", i + 1);
            idx = sqlite3_bind_parameter_index(st, name);
        }
        if (idx == 0) continue; /* parameter not used by this text */
        int rc;
        switch (p[i].t) {
        case DB_NULL:
            rc = sqlite3_bind_null(st, idx);
            break;
        case DB_INT:
            rc = sqlite3_bind_int64(st, idx, p[i].i);
            break;
        case DB_TEXT:
            rc = sqlite3_bind_text64(st, idx, p[i].s, p[i].n, SQLITE_STATIC, SQLITE_UTF8);
            break;
        case DB_REAL:
            rc = sqlite3_bind_double(st, idx, p[i].r);
            break;
        case DB_BLOB:
        default:
            rc = sqlite3_bind_blob64(st, idx, p[i].s, p[i].n, SQLITE_STATIC);
            break;
        }
        if (rc != SQLITE_OK) return ERR_DB;
    }
    return OK;
}

/* Find or prepare the statement for sql. A cached statement already in use (a nested query with the same
 * text) is not shared: a fresh one is prepared and finalized after use. */
static enum err get_stmt(struct sqlite_db *s, const char *sql, sqlite3_stmt **st, struct cached **slot)
{
    uint64_t h = db_hash_sql(sql);
    for (int probe = 0; probe < 8; probe++) {
        struct cached *c = &s->cache[(h + (uint64_t)probe) % CACHE_SLOTS];
        if (c->sql && strcmp(c->sql, sql) == 0) {
            if (c->in_use) break;
            c->in_use = 1;
            *st = c->st;
            *slot = c;
            return OK;
        }
        if (!c->sql) {
            int rc = sqlite3_prepare_v3(s->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->st, NULL);
            if (rc != SQLITE_OK) return map_rc(s->h, rc);
            c->sql = xstrdup(sql);
            c->in_use = 1;
            c->ordered = params_ordered(c->st);
            *st = c->st;
            *slot = c;
            return OK;
        }
    }
    *slot = NULL;
    int rc = sqlite3_prepare_v2(s->h, sql, -1, st, NULL);
    return rc == SQLITE_OK ? OK : map_rc(s->h, rc);
}

static void release(struct sqlite_db *s, sqlite3_stmt *st, struct cached *slot)
{
    (void)s;
    if (slot) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        slot->in_use = 0;
    } else {
        sqlite3_finalize(st);
    }
}

static void sq_snapshot(struct db *db, bool on);

/* Transaction control reads as read-only to sqlite3_stmt_readonly, yet must not run inside a snapshot. */
static bool is_tx_control(const char *sql)
{
    return !strncasecmp(sql, "BEGIN", 5) || !strncasecmp(sql, "COMMIT", 6) ||
           !strncasecmp(sql, "ROLLBACK", 8) || !strncasecmp(sql, "SAVEPOINT", 9) ||
           !strncasecmp(sql, "RELEASE", 7) || !strncasecmp(sql, "PRAGMA", 6);
}

static enum err query_once(struct db *db, const char *sql, const struct db_val *p, int n,
                           struct db_rows **rows);

static enum err sq_query(struct db *db, const char *sql, const struct db_val *p, int n, struct db_rows **rows)
{
    struct sqlite_db *s = (struct sqlite_db *)db;
    if (!s->writer && !strncmp(sql, "BEGIN IMMEDIATE", 15)) {
        if (s->snap) sq_snapshot(db, false);
        writer_take(s);
    }
    enum err e = query_once(db, sql, p, n, rows);
    writer_release_if_done(s);
    return e;
}

static enum err query_once(struct db *db, const char *sql, const struct db_val *p, int n,
                           struct db_rows **rows)
{
    struct sqlite_db *s = (struct sqlite_db *)db;
    /* After a full disk or an I/O error SQLite may have rolled the whole transaction back itself: the
     * runner's ROLLBACK then has nothing to do, and is not an error. */
    if (!rows && sqlite3_get_autocommit(s->h) && strcmp(sql, "ROLLBACK") == 0) return OK;
    sqlite3_stmt *st = NULL;
    struct cached *slot = NULL;
    enum err e = get_stmt(s, sql, &st, &slot);
    if (e != OK) return e;
    /* A write or a transaction of its own ends the read snapshot first (db_snapshot_begin). */
    if (s->snap && (!sqlite3_stmt_readonly(st) || is_tx_control(sql))) sq_snapshot(db, false);
    e = bind_params(st, p, n, slot ? slot->ordered : params_ordered(st));
    if (e != OK) goto fail;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        e = map_rc(s->h, sqlite3_extended_errcode(s->h));
        goto fail;
    }
    if (!rows) {
        /* Run to completion so that RETURNING and multi-row statements finish their work. */
        while (rc == SQLITE_ROW)
            rc = sqlite3_step(st);
        if (rc != SQLITE_DONE) {
            e = map_rc(s->h, sqlite3_extended_errcode(s->h));
            goto fail;
        }
        release(s, st, slot);
        return OK;
    }
    struct sqlite_rows *r = xcalloc(1, sizeof *r);
    r->base.db = db;
    r->st = st;
    r->slot = slot;
    r->stepped = rc == SQLITE_ROW ? 1 : 2;
    *rows = &r->base;
    return OK;
fail:
    release(s, st, slot);
    return e;
}

static int sq_next(struct db_rows *rows)
{
    struct sqlite_rows *r = (struct sqlite_rows *)rows;
    if (r->stepped == 1) {
        r->stepped = 0;
        return 1;
    }
    if (r->stepped == 2) return 0;
    int rc = sqlite3_step(r->st);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) {
        r->stepped = 2;
        return 0;
    }
    struct sqlite_db *s = (struct sqlite_db *)rows->db;
    rows->err = map_rc(s->h, sqlite3_extended_errcode(s->h));
    return -1;
}

static int64_t sq_col_int(struct db_rows *rows, int col)
{
    return sqlite3_column_int64(((struct sqlite_rows *)rows)->st, col);
}

static double sq_col_real(struct db_rows *rows, int col)
{
    return sqlite3_column_double(((struct sqlite_rows *)rows)->st, col);
}

static bool sq_col_isnull(struct db_rows *rows, int col)
{
    return sqlite3_column_type(((struct sqlite_rows *)rows)->st, col) == SQLITE_NULL;
}

static const char *sq_col_text(struct db_rows *rows, int col)
{
    sqlite3_stmt *st = ((struct sqlite_rows *)rows)->st;
    if (sqlite3_column_type(st, col) == SQLITE_NULL) return NULL;
    return (const char *)sqlite3_column_text(st, col);
}

static const void *sq_col_blob(struct db_rows *rows, int col, size_t *len)
{
    sqlite3_stmt *st = ((struct sqlite_rows *)rows)->st;
    const void *p = sqlite3_column_blob(st, col);
    *len = (size_t)sqlite3_column_bytes(st, col);
    return p;
}

static void sq_done(struct db_rows *rows)
{
    struct sqlite_rows *r = (struct sqlite_rows *)rows;
    release((struct sqlite_db *)rows->db, r->st, r->slot);
    free(r);
}

static int64_t sq_changes(struct db *db)
{
    return sqlite3_changes64(((struct sqlite_db *)db)->h);
}

static enum err sq_exec_script(struct db *db, const char *sql)
{
    struct sqlite_db *s = (struct sqlite_db *)db;
    if (s->snap) sq_snapshot(db, false);
    char *msg = NULL;
    int rc = sqlite3_exec(s->h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        log_msg(LOG_ERROR, "sqlite script: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return map_rc(s->h, rc);
    }
    return OK;
}

/* Begin: a deferred BEGIN when no transaction is open (the read lock comes with the first SELECT). End:
 * COMMIT whatever is open — at the end of a request no transaction of db_tx can be, so that is the snapshot,
 * or the transaction a write turned it into when ending it failed — and ROLLBACK if that fails. */
static void sq_snapshot(struct db *db, bool on)
{
    struct sqlite_db *s = (struct sqlite_db *)db;
    if (on) {
        if (s->snap || !sqlite3_get_autocommit(s->h)) return;
        s->snap = sq_query(db, "BEGIN", NULL, 0, NULL) == OK;
        return;
    }
    s->snap = false;
    if (sqlite3_get_autocommit(s->h)) return;
    if (sq_query(db, "COMMIT", NULL, 0, NULL) != OK) sq_query(db, "ROLLBACK", NULL, 0, NULL);
}

static const struct db_ops sqlite_ops = {
    .dialect = "sqlite",
    .close = sq_close,
    .query = sq_query,
    .next = sq_next,
    .col_int = sq_col_int,
    .col_real = sq_col_real,
    .col_isnull = sq_col_isnull,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .done = sq_done,
    .changes = sq_changes,
    .exec_script = sq_exec_script,
    .begin_sql = "BEGIN IMMEDIATE",
    .bulk_on_sql = "PRAGMA synchronous=OFF",
    .bulk_off_sql = "PRAGMA synchronous=FULL",
    .snapshot = sq_snapshot,
};

enum err db_sqlite_open(const char *path, bool create, struct db **out)
{
    struct sqlite_db *s = xcalloc(1, sizeof *s);
    s->base.ops = &sqlite_ops;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &s->h, flags, NULL);
    if (rc == SQLITE_CANTOPEN && !create) {
        sqlite3_close_v2(s->h);
        free(s);
        return ERR_NOT_FOUND;
    }
    if (rc != SQLITE_OK) {
        log_msg(LOG_ERROR, "cannot open database %s: %s", path, s->h ? sqlite3_errmsg(s->h) : "?");
        sqlite3_close_v2(s->h);
        free(s);
        return ERR_DB;
    }
    sqlite3_extended_result_codes(s->h, 1);
    sqlite3_busy_timeout(s->h, BUSY_TIMEOUT_MS);
    enum err e = sq_exec_script(&s->base, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                          "PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF; "
                                          /* Reads map the file instead of copying pages through a 2 MB
                                           * cache per connection: the national register's indexes stay
                                           * in the OS page cache, shared by every connection. */
                                          "PRAGMA mmap_size=1073741824;");
    if (e != OK) {
        sq_close(&s->base);
        return e;
    }
    *out = &s->base;
    return OK;
}

enum err db_backup(struct db *db, const char *path, int *pages)
{
    if (db->ops != &sqlite_ops) return ERR_STATE;
    struct sqlite_db *s = (struct sqlite_db *)db;
    sqlite3 *out = NULL;
    /* SQLITE_OPEN_EXCLUSIVE is not for files; refuse an existing target ourselves. */
    FILE *probe = fopen(path, "rb");
    if (probe) {
        fclose(probe);
        return ERR_CONFLICT;
    }
    if (sqlite3_open_v2(path, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        sqlite3_close_v2(out);
        return ERR_IO;
    }
    enum err e = OK;
    sqlite3_backup *b = sqlite3_backup_init(out, "main", s->h, "main");
    if (!b) {
        e = ERR_IO;
        goto done;
    }
    /* Copy in steps of 256 pages, sleeping when the source is busy, so a live server keeps writing. */
    int rc;
    do {
        rc = sqlite3_backup_step(b, 256);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    *pages = sqlite3_backup_pagecount(b);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) e = map_rc(out, rc);
    /* The copy is a self-contained database: switch it out of WAL so it is one file. */
    if (e == OK && sqlite3_exec(out, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) e = ERR_IO;
done:
    sqlite3_close_v2(out);
    /* The target did not exist before: a half-written copy (a full disk, an I/O error) is not left behind
     * to be mistaken for a backup. */
    if (e != OK) {
        remove(path);
        char journal[4096];
        if (snprintf(journal, sizeof journal, "%s-journal", path) < (int)sizeof journal) remove(journal);
    }
    return e;
}
