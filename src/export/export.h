/* Exports (issue 7): every list of the API as XLSX (GET <list>?format=xlsx, the columns declared in
 * export_specs.c), and long exports run by a background worker with progress (POST /api/v1/exports,
 * GET /api/v1/exports/{id}, GET /api/v1/exports/{id}/file, the page /dash/exports). Owner: src/export.
 *
 * An export IS its list route: the route's own handler runs (same roles, same county/operator scope, same
 * filters and validation), page after page, and the rows it answers are written with the declared columns. */
#ifndef TUOYU_EXPORT_H
#define TUOYU_EXPORT_H
#include "core/err.h"
#include "db/db.h"
#include "export/xlsx.h"
#include "http/http.h"

#include <stdbool.h>

/* A synchronous export stops at this many rows: 413 payload_too_large with a hint to the background export.
 */
#define EXPORT_SYNC_MAX_ROWS 20000
/* A background export fails beyond this many rows. */
#define EXPORT_JOB_MAX_ROWS 200000
/* A finished background export is kept this many days, then purged. */
#define EXPORT_KEEP_DAYS 7

/* How a list route pages (see export_specs.c). */
enum export_paging {
    EXP_ONE,    /* one answer holds every row */
    EXP_PAGES,  /* ?page=1,2,… (1-based); the answer's "total", when given, says when to stop */
    EXP_BEFORE, /* keyset: ?before=<the answer's next_before> until next_before is null */
};

/* An exportable list: the route (method + pattern exactly as in src/routes.c), where the rows are in its JSON
 * answer, and the workbook's sheet and columns. Static storage. */
struct export_spec {
    const char *method;
    const char *pattern;
    const char *items; /* the answer's member holding the array of rows ("items") */
    const char *title; /* the list's Chinese name: sheet name, file name, the exports page */
    const char *file;  /* ASCII stem of the file name ([a-z0-9-]) */
    enum export_paging paging;
    const char *per_page; /* the page-size parameter the handler takes (NULL: none) */
    int per_page_max;     /* and the largest value it accepts */
    bool district;        /* the list takes ?district= (offered as a filter on /dash/exports) */
    const struct xlsx_col *cols;
    int ncols;
};

extern const struct export_spec export_specs[];
extern const int nexport_specs;

/* The spec of a route (method and pattern compared as strings), NULL when the list is not exportable. */
const struct export_spec *export_spec_find(const char *method, const char *pattern);

/* Called for every progress step of export_collect: rows so far and the total when the list told it (-1
 * otherwise). A non-OK return stops the export with that error. */
typedef enum err (*export_progress_fn)(void *ctx, int64_t done, int64_t total);

/* Runs route's handler as r (r->who, r->db, r->path and its segments already set; r->query holds the list's
 * filters) page after page and appends the rows of s->items to a new array *rows (caller json_decref()s).
 * The parameters format, page, before and the page size are replaced. Returns OK; ERR_TOO_LARGE beyond
 * max_rows; or the handler's own error (with r->fe / r->error_detail as it left them). Blocks on the
 * database; allocates from r->a (or from a fresh arena per page when page_arena is true). */
enum err export_collect(struct req *r, const struct route *route, const struct export_spec *s, int max_rows,
                        bool page_arena, export_progress_fn progress, void *ctx, json_t **rows);

/* The workbook of rows with s's columns: a heap buffer (*out, caller frees) of *len bytes. */
enum err export_workbook(const struct export_spec *s, json_t *rows, char **out, size_t *len);

/* File names for s on CST day `day`: ascii ("institutions-20261208.xlsx") and zh ("机构名录-20261208.xlsx"),
 * both allocated from a. */
void export_filenames(struct arena *a, const struct export_spec *s, int64_t day, const char **ascii,
                      const char **zh);
/* Sets the XLSX content type and Content-Disposition (ASCII filename plus filename*=UTF-8'' zh) on out and
 * copies the workbook (p, n bytes) into it. */
enum err export_send(struct req *r, struct resp *out, const char *ascii, const char *zh, const char *p,
                     size_t n);

/* Whether r asks a JSON GET route for XLSX (?format=xlsx). Pure. */
bool export_wanted(const struct req *r, const struct route *route);
/* The router's hook: answers GET <list>?format=xlsx in place of route's handler — the handler's rows as an
 * XLSX attachment, every page up to EXPORT_SYNC_MAX_ROWS (413 beyond). A route without a spec: 400 with the
 * field "format". Audited ("export.xlsx"). */
enum err export_sync(struct req *r, const struct route *route, struct resp *out);

/* The background worker: one thread with its own database connection. Start re-queues jobs left running by
 * a crash and purges expired files; then it runs queued jobs one at a time, waking on export_worker_wake or
 * every 2 s. Stop waits for the current page to end. Both are called by `tuoyu serve` only. */
enum err export_worker_start(const char *db_url);
void export_worker_wake(void);
void export_worker_stop(void);

/* Handlers. */
enum err export_api_lists(struct req *r, struct resp *out);  /* GET  /api/v1/exports/lists */
enum err export_api_create(struct req *r, struct resp *out); /* POST /api/v1/exports */
enum err export_api_list(struct req *r, struct resp *out);   /* GET  /api/v1/exports */
enum err export_api_get(struct req *r, struct resp *out);    /* GET  /api/v1/exports/{id} */
enum err export_api_file(struct req *r, struct resp *out);   /* GET  /api/v1/exports/{id}/file */
enum err export_page(struct req *r, struct resp *out);       /* GET  /dash/exports */
enum err export_page_post(struct req *r, struct resp *out);  /* POST /dash/exports */

/* The roles that may use the export routes (each export also needs its list route's roles). */
#define EXPORT_ROLES (ROLES_OFFICIALS | ROLE_INSPECTOR | ROLE_OPERATOR | ROLE_UNIT)

#endif
