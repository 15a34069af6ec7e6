/* Background exports: the export_jobs rows (queue, progress, the finished file) and the worker thread that
 * runs them. The worker re-loads the requesting user from users (a disabled account's jobs fail), re-checks
 * the list route's roles and runs the list's own handler as that user, so a job sees exactly what its owner
 * would see through GET <list>. */
#include "export/export_jobs.h"
#include "core/worker.h"

#include "core/clock.h"
#include "core/log.h"
#include "core/mem.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define JOB_COLS                                                                                             \
    "id, user_id, route, path, query, status, rows_done, rows_total, filename, error, created_at, "          \
    "started_at, finished_at, expires_at, COALESCE(LENGTH(file), 0)"

static int64_t int_or(struct db_rows *r, int c, int64_t def)
{
    return db_isnull(r, c) ? def : db_int(r, c);
}

static void read_job(struct db_rows *r, struct arena *a, void *item)
{
    struct export_job *j = item;
    j->id = db_int(r, 0);
    j->user_id = db_int(r, 1);
    j->route = db_text_dup(r, 2, a);
    j->path = db_text_dup(r, 3, a);
    j->query = db_text_dup(r, 4, a);
    j->status = db_text_dup(r, 5, a);
    j->rows_done = db_int(r, 6);
    j->rows_total = int_or(r, 7, -1);
    j->filename = db_text_dup(r, 8, a);
    j->error = db_text_dup(r, 9, a);
    j->created_at = db_int(r, 10);
    j->started_at = int_or(r, 11, 0);
    j->finished_at = int_or(r, 12, 0);
    j->expires_at = db_int(r, 13);
    j->size = db_int(r, 14);
}

json_t *export_job_json(const struct export_job *j)
{
    double progress = 0;
    if (strcmp(j->status, "done") == 0)
        progress = 1;
    else if (j->rows_total > 0)
        progress = (double)j->rows_done / (double)j->rows_total;
    if (progress > 1) progress = 1;
    const struct export_spec *s = export_spec_find("GET", j->route);
    json_t *q = json_loads(j->query, 0, NULL);
    json_t *o =
        json_pack("{s:I, s:s, s:s, s:s?, s:o, s:s, s:I, s:o, s:f, s:I, s:I}", "id", (json_int_t)j->id, "list",
                  j->path, "route", j->route, "title", s ? s->title : NULL, "query", q ? q : json_object(),
                  "status", j->status, "rows_done", (json_int_t)j->rows_done, "rows_total",
                  j->rows_total >= 0 ? json_integer(j->rows_total) : json_null(), "progress", progress,
                  "created_at", (json_int_t)j->created_at, "expires_at", (json_int_t)j->expires_at);
    if (j->started_at) json_object_set_new(o, "started_at", json_integer(j->started_at));
    if (j->finished_at) json_object_set_new(o, "finished_at", json_integer(j->finished_at));
    if (j->filename) json_object_set_new(o, "filename", json_string(j->filename));
    if (j->error) json_object_set_new(o, "error", json_string(j->error));
    if (strcmp(j->status, "done") == 0) {
        json_object_set_new(o, "size", json_integer(j->size));
        char url[64];
        snprintf(url, sizeof url, "/api/v1/exports/%lld/file", (long long)j->id);
        json_object_set_new(o, "file", json_string(url));
    }
    return o;
}

/* ---- Store --------------------------------------------------------------------------------------------- */

struct create_ctx {
    const struct principal *who;
    const char *route, *path, *query;
    int64_t id;
};

static enum err create_tx(struct db *db, void *ctx)
{
    struct create_ctx *c = ctx;
    int64_t now = clock_now();
    struct db_val v[] = {
        DBV_INT(c->who->user_id), DBV_TEXT(c->route), DBV_TEXT(c->path),
        DBV_TEXT(c->query),       DBV_INT(now),       DBV_INT(now + EXPORT_KEEP_DAYS * 86400)};
    enum err e =
        db_int_query(db,
                     "INSERT INTO export_jobs (user_id, route, path, query, format, status, created_at, "
                     "expires_at) VALUES ($1, $2, $3, $4, 'xlsx', 'queued', $5, $6) RETURNING id",
                     v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    json_t *after = json_pack("{s:s, s:s, s:s}", "route", c->route, "path", c->path, "query", c->query);
    char *text = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(after);
    e = audit_append(db, c->who, "export.request", "export_job", c->id, NULL, text);
    free(text);
    return e;
}

enum err export_job_create(struct db *db, const struct principal *who, const char *route, const char *path,
                           const char *query, int64_t *id)
{
    struct create_ctx c = {who, route, path, query, 0};
    enum err e = db_tx(db, create_tx, &c);
    if (e == OK) {
        *id = c.id;
        export_worker_wake();
    }
    return e;
}

enum err export_job_get(struct db *db, struct arena *a, int64_t user_id, int64_t id, struct export_job *out)
{
    struct db_val v[] = {DBV_INT(id), DBV_INT(user_id)};
    return db_get_one(db, a, "SELECT " JOB_COLS " FROM export_jobs WHERE id = $1 AND user_id = $2", v, 2,
                      read_job, out);
}

enum err export_jobs_of(struct db *db, struct arena *a, int64_t user_id, struct export_job **items, int *n)
{
    struct db_val v[] = {DBV_INT(user_id)};
    return db_get_all(db, a,
                      "SELECT " JOB_COLS " FROM export_jobs WHERE user_id = $1 ORDER BY id DESC LIMIT 100", v,
                      1, read_job, sizeof **items, 100, (void **)items, n);
}

struct file_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t id;
    const char *data, *filename, *route, *status;
    size_t len;
};

static enum err file_tx(struct db *db, void *ctx)
{
    struct file_ctx *c = ctx;
    struct db_val v[] = {DBV_INT(c->id), DBV_INT(c->who->user_id)};
    struct db_rows *r;
    enum err e = db_query(
        db, "SELECT status, file, filename, route FROM export_jobs WHERE id = $1 AND user_id = $2", v, 2, &r);
    if (e != OK) return e;
    int got = db_next(r);
    if (got == 1) {
        c->status = db_text_dup(r, 0, c->a);
        size_t n = 0;
        const void *p = db_isnull(r, 1) ? NULL : db_blob(r, 1, &n);
        if (p) {
            char *copy = arena_alloc(c->a, n ? n : 1);
            memcpy(copy, p, n);
            c->data = copy;
            c->len = n;
        }
        c->filename = db_text_dup(r, 2, c->a);
        c->route = db_text_dup(r, 3, c->a);
    }
    e = got < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (e != OK) return e;
    if (got == 0) return ERR_NOT_FOUND;
    if (strcmp(c->status, "done") != 0 || !c->data) return ERR_STATE;
    char after[96];
    snprintf(after, sizeof after, "{\"bytes\":%zu}", c->len);
    return audit_append(db, c->who, "export.download", "export_job", c->id, NULL, after);
}

enum err export_job_file(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                         const char **data, size_t *len, const char **filename, const char **route)
{
    struct file_ctx c = {.a = a, .who = who, .id = id};
    enum err e = db_tx(db, file_tx, &c);
    if (e != OK) return e;
    *data = c.data;
    *len = c.len;
    *filename = c.filename;
    *route = c.route;
    return OK;
}

/* ---- The worker ---------------------------------------------------------------------------------------- */

static void worker_main(struct worker *w);
static struct worker export_worker = WORKER_INIT(worker_main);
static char *worker_url;

static bool stopping(void)
{
    return worker_stopping(&export_worker);
}

/* Jobs left running by a process that died start again; expired files go. */
static void recover_and_purge(struct db *db, bool recover)
{
    if (recover) {
        enum err e = db_exec(db,
                             "UPDATE export_jobs SET status = 'queued', started_at = NULL, rows_done = 0 "
                             "WHERE status = 'running'",
                             NULL, 0);
        if (e != OK)
            log_msg(LOG_WARN, "exports: cannot re-queue running jobs (%s)", err_name(e));
        else if (db_changes(db))
            log_msg(LOG_INFO, "exports: %lld interrupted jobs re-queued", (long long)db_changes(db));
    }
    struct db_val v[] = {DBV_INT(clock_now())};
    enum err e =
        db_exec(db, "DELETE FROM export_jobs WHERE expires_at < $1 AND status IN ('done', 'failed')", v, 1);
    if (e != OK) log_msg(LOG_WARN, "exports: cannot purge expired files (%s)", err_name(e));
}

struct claim_ctx {
    struct arena *a;
    struct export_job job;
    bool got;
};

static void read_claimed(struct db_rows *r, struct arena *a, void *item)
{
    struct export_job *j = item;
    j->id = db_int(r, 0);
    j->user_id = db_int(r, 1);
    j->route = db_text_dup(r, 2, a);
    j->path = db_text_dup(r, 3, a);
    j->query = db_text_dup(r, 4, a);
}

static enum err claim_tx(struct db *db, void *ctx)
{
    struct claim_ctx *c = ctx;
    struct db_val v[] = {DBV_INT(clock_now())};
    enum err e =
        db_get_one(db, c->a,
                   "UPDATE export_jobs SET status = 'running', started_at = $1, rows_done = 0 "
                   "WHERE id = (SELECT id FROM export_jobs WHERE status = 'queued' ORDER BY id LIMIT 1) "
                   "AND status = 'queued' RETURNING id, user_id, route, path, query",
                   v, 1, read_claimed, &c->job);
    c->got = e == OK;
    return e == ERR_NOT_FOUND ? OK : e;
}

static void read_principal(struct db_rows *r, struct arena *a, void *item)
{
    struct principal *p = item;
    memset(p, 0, sizeof *p);
    p->user_id = db_int(r, 0);
    p->username = db_text_dup(r, 1, a);
    p->role = role_from_name(db_text(r, 2));
    p->district = db_text_dup(r, 3, a);
    p->institution_id = db_isnull(r, 4) ? 0 : db_int(r, 4);
    p->department = db_text_dup(r, 5, a);
    /* The same defaults as a session's principal (src/auth/session.c). */
    if (!p->department && (p->role == ROLE_CITY || p->role == ROLE_COUNTY)) p->department = "health";
    p->unit = db_text_dup(r, 6, a);
    if (!p->unit && p->role == ROLE_CITY) p->unit = "health_commission";
}

struct progress_ctx {
    struct db *db;
    int64_t id;
};

static enum err job_progress(void *ctx, int64_t done, int64_t total)
{
    struct progress_ctx *c = ctx;
    if (stopping()) return ERR_DB_SOFT; /* left running: re-queued at the next start */
    struct db_val v[] = {DBV_INT(c->id), DBV_INT(done), total >= 0 ? DBV_INT(total) : DBV_NULL};
    return db_exec(
        c->db,
        "UPDATE export_jobs SET rows_done = $2, rows_total = COALESCE(CAST($3 AS BIGINT), rows_total) "
        "WHERE id = $1",
        v, 3);
}

static void job_fail(struct db *db, int64_t id, const char *why)
{
    int64_t now = clock_now();
    struct db_val v[] = {DBV_INT(id), DBV_TEXT(why), DBV_INT(now), DBV_INT(now + EXPORT_KEEP_DAYS * 86400)};
    enum err e =
        db_exec(db,
                "UPDATE export_jobs SET status = 'failed', error = $2, finished_at = $3, expires_at = $4 "
                "WHERE id = $1",
                v, 4);
    if (e != OK)
        log_msg(LOG_WARN, "exports: job %lld: cannot record its failure (%s)", (long long)id, err_name(e));
}

/* A message for a failed job: the error's text and its field errors. Arena string. */
static const char *failure_text(struct req *r, enum err e)
{
    if (e == ERR_TOO_LARGE) return arena_printf(r->a, "超过 %d 行，请缩小筛选范围", EXPORT_JOB_MAX_ROWS);
    const char *msg = r->error_detail ? r->error_detail : err_message_zh(e);
    for (int i = 0; i < r->fe.n; i++)
        msg = arena_printf(r->a, "%s；%s：%s", msg, r->fe.items[i].field, r->fe.items[i].message);
    return msg;
}

static void run_job(struct db *db, struct arena *a, const struct export_job *job)
{
    struct req r = {0};
    r.a = a;
    r.db = db;
    r.method = "GET";
    r.client_ip = "export-worker";
    fe_init(&r.fe, a);
    struct principal *who = arena_zalloc(a, sizeof *who);
    struct db_val v[] = {DBV_INT(job->user_id)};
    enum err e =
        db_get_one(db, a,
                   "SELECT id, username, role, district_code, institution_id, department_code, unit_code "
                   "FROM users WHERE id = $1 AND disabled = 0",
                   v, 1, read_principal, who);
    if (e == ERR_NOT_FOUND) {
        job_fail(db, job->id, "账号已停用");
        return;
    }
    if (e != OK) goto soft;
    r.who = who;
    r.path = job->path;
    int idx = router_match("GET", job->path, &r);
    const struct export_spec *s = idx >= 0 ? export_spec_find("GET", routes[idx].pattern) : NULL;
    if (!s || strcmp(routes[idx].pattern, job->route) != 0) {
        job_fail(db, job->id, "该列表不支持导出");
        return;
    }
    const struct route *route = &routes[idx];
    if (!(route->flags & ROUTE_PUBLIC) && !(who->role & route->roles)) {
        job_fail(db, job->id, err_message_zh(ERR_FORBIDDEN));
        return;
    }
    json_t *q = json_loads(job->query, 0, NULL);
    r.query = arena_alloc(a, (json_object_size(q) + 1) * sizeof *r.query);
    const char *key;
    json_t *val;
    json_object_foreach (q, key, val) {
        if (!json_is_string(val)) continue;
        r.query[r.nquery].key = arena_strdup(a, key);
        r.query[r.nquery].value = arena_strdup(a, json_string_value(val));
        r.nquery++;
    }
    json_decref(q);

    struct progress_ctx pc = {db, job->id};
    json_t *rows = NULL;
    e = export_collect(&r, route, s, EXPORT_JOB_MAX_ROWS, true, job_progress, &pc, &rows);
    if (e == ERR_DB_SOFT || e == ERR_DB_FULL || e == ERR_DB) goto soft;
    if (e != OK) {
        job_fail(db, job->id, failure_text(&r, e));
        return;
    }
    char *file = NULL;
    size_t len = 0;
    int64_t n = (int64_t)json_array_size(rows);
    e = export_workbook(s, rows, &file, &len);
    json_decref(rows);
    if (e != OK) {
        job_fail(db, job->id, err_message_zh(e));
        return;
    }
    const char *ascii, *zh;
    int64_t now = clock_now();
    export_filenames(a, s, clock_day_of(now), &ascii, &zh);
    struct db_val fv[] = {DBV_INT(job->id), DBV_BLOB(file, len), DBV_TEXT(zh),
                          DBV_INT(n),       DBV_INT(now),        DBV_INT(now + EXPORT_KEEP_DAYS * 86400)};
    e = db_exec(
        db,
        "UPDATE export_jobs SET status = 'done', file = $2, filename = $3, rows_done = $4, rows_total = $4, "
        "finished_at = $5, expires_at = $6, error = NULL WHERE id = $1",
        fv, DB_NPARAMS(fv));
    free(file);
    if (e != OK) goto soft;
    log_msg(LOG_INFO, "exports: job %lld done, %lld rows", (long long)job->id, (long long)n);
    return;
soft:
    /* A database hiccup or a stop: the job stays running and is re-queued at the next start; give it back
     * now unless the server is stopping. */
    if (!stopping()) {
        struct db_val qv[] = {DBV_INT(job->id)};
        db_exec(db, "UPDATE export_jobs SET status = 'queued' WHERE id = $1 AND status = 'running'", qv, 1);
        struct timespec ts = {1, 0};
        nanosleep(&ts, NULL);
    }
}

static void worker_main(struct worker *w)
{
    struct db *db = NULL;
    bool recovered = false;
    time_t last_purge = 0;
    while (!worker_stopping(w)) {
        if (!db && db_open_existing(worker_url, &db) != OK) db = NULL;
        if (db) {
            if (time(NULL) - last_purge > 3600) {
                recover_and_purge(db, !recovered);
                recovered = true;
                last_purge = time(NULL);
            }
            struct arena a;
            arena_init(&a, 0);
            struct claim_ctx c = {.a = &a};
            enum err e = db_tx(db, claim_tx, &c);
            if (e == OK && c.got) run_job(db, &a, &c.job);
            arena_free(&a);
            if (e == OK && c.got) continue;
        }
        worker_sleep(w, 2000);
    }
    if (db) db_close(db);
}

enum err export_worker_start(const char *db_url)
{
    free(worker_url);
    worker_url = xstrdup(db_url);
    return worker_start(&export_worker, NULL) ? OK : ERR_INTERNAL;
}

void export_worker_wake(void)
{
    worker_wake(&export_worker);
}

void export_worker_stop(void)
{
    worker_stop(&export_worker);
}
