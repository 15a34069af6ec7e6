/* Background export jobs: their rows in export_jobs and the worker thread that runs them (export_jobs.c).
 * Private to src/export. */
#ifndef TUOYU_EXPORT_JOBS_H
#define TUOYU_EXPORT_JOBS_H
#include "export/export.h"

/* A job row. Strings in the arena given to the reader; rows_total -1 while unknown. */
struct export_job {
    int64_t id, user_id, rows_done, rows_total, created_at, started_at, finished_at, expires_at, size;
    const char *route, *path, *query, *status, *filename, *error;
};

/* Queue a job for who (route: the list's pattern, path: the path asked for, query: a JSON object text of
 * its filters); audited ("export.request"). *id gets the new job. */
enum err export_job_create(struct db *db, const struct principal *who, const char *route, const char *path,
                           const char *query, int64_t *id);
/* One job of user_id; ERR_NOT_FOUND for another user's or a missing one (owners only). */
enum err export_job_get(struct db *db, struct arena *a, int64_t user_id, int64_t id, struct export_job *out);
/* user_id's jobs, newest first (at most 100). */
enum err export_jobs_of(struct db *db, struct arena *a, int64_t user_id, struct export_job **items, int *n);
/* The file of a done job of who: bytes copied into a (*len), the Chinese file name and the ASCII stem of
 * the list; audited ("export.download"). ERR_NOT_FOUND for another user's job, ERR_STATE until done. */
enum err export_job_file(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                         const char **data, size_t *len, const char **filename, const char **route);
/* The job as its JSON document {id, list, route, query, status, rows_done, rows_total, progress, …}. */
json_t *export_job_json(const struct export_job *j);

#endif
