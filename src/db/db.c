/* Engine-independent parts of the storage interface: dispatch, conveniences and the transaction runner. */
#include "db/db.h"

#include "core/log.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static enum err open_url(const char *url, bool create, struct db **out)
{
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        return db_pg_open(url, create, out);
    return db_sqlite_open(url, create, out);
}

enum err db_open(const char *url, struct db **out)
{
    return open_url(url, true, out);
}

enum err db_open_existing(const char *url, struct db **out)
{
    return open_url(url, false, out);
}

void db_close(struct db *db)
{
    if (db) db->ops->close(db);
}

const char *db_dialect(const struct db *db)
{
    return db->ops->dialect;
}

enum err db_query(struct db *db, const char *sql, const struct db_val *params, int nparams,
                  struct db_rows **rows)
{
    return db->ops->query(db, sql, params, nparams, rows);
}

int db_next(struct db_rows *r)
{
    return r->db->ops->next(r);
}

enum err db_rows_err(const struct db_rows *r)
{
    return r->err;
}

int64_t db_int(struct db_rows *r, int col)
{
    return r->db->ops->col_int(r, col);
}

double db_real(struct db_rows *r, int col)
{
    return r->db->ops->col_real(r, col);
}

bool db_isnull(struct db_rows *r, int col)
{
    return r->db->ops->col_isnull(r, col);
}

const char *db_text(struct db_rows *r, int col)
{
    return r->db->ops->col_text(r, col);
}

char *db_text_dup(struct db_rows *r, int col, struct arena *a)
{
    const char *s = db_text(r, col);
    return s ? arena_strdup(a, s) : NULL;
}

const void *db_blob(struct db_rows *r, int col, size_t *len)
{
    return r->db->ops->col_blob(r, col, len);
}

void db_done(struct db_rows *r)
{
    if (r) r->db->ops->done(r);
}

enum err db_exec(struct db *db, const char *sql, const struct db_val *params, int nparams)
{
    return db->ops->query(db, sql, params, nparams, NULL);
}

enum err db_int_query(struct db *db, const char *sql, const struct db_val *params, int nparams, int64_t *out)
{
    struct db_rows *r = NULL;
    enum err e = db_query(db, sql, params, nparams, &r);
    if (e != OK) return e;
    int n = db_next(r);
    if (n == 1)
        *out = db_int(r, 0);
    else
        e = n == 0 ? ERR_NOT_FOUND : db_rows_err(r);
    db_done(r);
    return e;
}

enum err db_get_one(struct db *db, struct arena *a, const char *sql, const struct db_val *params, int nparams,
                    db_row_reader read, void *item)
{
    struct db_rows *r = NULL;
    enum err e = db_query(db, sql, params, nparams, &r);
    if (e != OK) return e;
    int k = db_next(r);
    if (k == 1) read(r, a, item);
    e = k == 1 ? OK : k == 0 ? ERR_NOT_FOUND : db_rows_err(r);
    db_done(r);
    return e;
}

enum err db_get_all(struct db *db, struct arena *a, const char *sql, const struct db_val *params, int nparams,
                    db_row_reader read, size_t item_size, int max, void **items, int *n)
{
    *items = NULL;
    *n = 0;
    struct db_rows *r = NULL;
    enum err e = db_query(db, sql, params, nparams, &r);
    if (e != OK) return e;
    char *arr = NULL;
    int cap = 0, k = 0;
    while ((max == 0 || *n < max) && (k = db_next(r)) == 1) {
        if (*n == cap) {
            int ncap = cap ? cap * 2 : 16;
            char *more = arena_zalloc(a, (size_t)ncap * item_size);
            if (*n) memcpy(more, arr, (size_t)*n * item_size);
            arr = more;
            cap = ncap;
        }
        read(r, a, arr + (size_t)(*n)++ * item_size);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    *items = arr;
    return e;
}

int64_t db_changes(struct db *db)
{
    return db->ops->changes(db);
}

enum err db_exec_script(struct db *db, const char *sql)
{
    return db->ops->exec_script(db, sql);
}

bool db_ident_valid(const char *s)
{
    if (!s || !*s) return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || *s == '_')) return false;
    return true;
}

enum err db_sync_ids(struct db *db, const char *table, const char *id_column)
{
    if (!db_ident_valid(table) || !db_ident_valid(id_column)) {
        log_msg(LOG_ERROR, "db_sync_ids: invalid table or column name");
        return ERR_INTERNAL;
    }
    /* An engine without the operation (SQLite) has nothing to move: new rowids follow the largest id. */
    return db->ops->sync_ids ? db->ops->sync_ids(db, table, id_column) : OK;
}

int db_sqlq_param(struct db_sqlq *q, struct db_val v)
{
    assert(q->n < DB_SQLQ_MAX);
    q->v[q->n] = v;
    return ++q->n;
}

uint64_t db_hash_sql(const char *sql)
{
    size_t n = strlen(sql);
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, sql + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    for (; i < n; i++)
        h = (h ^ (unsigned char)sql[i]) * 0x100000001b3ull;
    return h ^ (h >> 29);
}

void db_snapshot_begin(struct db *db)
{
    if (db->ops->snapshot) db->ops->snapshot(db, true);
}

void db_snapshot_end(struct db *db)
{
    if (db->ops->snapshot) db->ops->snapshot(db, false);
}

enum err db_tx(struct db *db, db_tx_fn fn, void *ctx)
{
    enum err e = ERR_DB_SOFT;
    for (int attempt = 0; attempt < 6 && e == ERR_DB_SOFT; attempt++) {
        if (attempt) {
            /* Back off 5, 10, 20, 40, 80 ms: enough for a competing writer to commit. */
            struct timespec ts = {0, 5000000L << (attempt - 1)};
            nanosleep(&ts, NULL);
        }
        e = db_exec(db, db->ops->begin_sql, NULL, 0);
        if (e != OK) continue;
        e = fn(db, ctx);
        if (e == OK) e = db_exec(db, "COMMIT", NULL, 0);
        if (e != OK) db_exec(db, "ROLLBACK", NULL, 0);
    }
    if (e == ERR_DB_SOFT) log_msg(LOG_WARN, "transaction gave up after retries");
    return e;
}

enum err db_bulk_mode(struct db *db, bool on)
{
    return db_exec_script(db, on ? db->ops->bulk_on_sql : db->ops->bulk_off_sql);
}

char *db_url_redacted(const char *url, char *out, size_t n)
{
    const char *scheme = strstr(url, "://");
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
    if (!colon)
        snprintf(out, n, "%s", url);
    else
        snprintf(out, n, "%.*s:***%s", (int)(colon - url), url, at);
    return out;
}
