/* The per-token request log, written in batches. A request authenticated by a token leaves one row in
 * token_requests; writing each row as it came cost a durable commit per request (with synchronous=FULL, an
 * fsync), as much as the request's own write. Rows now wait in a queue and a writer thread commits them
 * together every LOG_FLUSH_MS, or sooner when the queue fills; readers of the log flush it first, so what
 * they read is complete. The price: a crash loses at most the last LOG_FLUSH_MS of log rows — a usage log,
 * not the audit chain, which stays written in each write's own transaction. */
#include "core/log.h"
#include "core/mem.h"
#include "core/worker.h"
#include "modules/tokens/tokens.h"

#include <stdlib.h>
#include <string.h>

#define LOG_FLUSH_MS  500
#define LOG_WAKE_AT   256  /* queued rows that wake the writer before its time */
#define LOG_QUEUE_MAX 8192 /* beyond this, rows are dropped (and counted) rather than hold memory */

static pthread_mutex_t queue_mu = PTHREAD_MUTEX_INITIALIZER;
/* Held for a whole flush: a reader's flush waits for a batch the writer has taken but not yet committed. */
static pthread_mutex_t flush_mu = PTHREAD_MUTEX_INITIALIZER;
static struct token_log_row *queue;
static int nqueue, cap;
static int64_t dropped;

static void log_body(struct worker *w);
static struct worker writer = WORKER_INIT(log_body);

void tokens_log_request(int64_t token_id, int64_t at, const char *method, const char *path, unsigned status,
                        int64_t duration_ms, const char *client_ip)
{
    struct token_log_row row = {.token_id = token_id, .at = at, .status = status, .duration_ms = duration_ms};
    snprintf(row.method, sizeof row.method, "%s", method ? method : "");
    size_t n = strcspn(path ? path : "", "?");
    if (n >= sizeof row.path) n = sizeof row.path - 1;
    memcpy(row.path, path ? path : "", n);
    row.path[n] = 0;
    snprintf(row.client_ip, sizeof row.client_ip, "%s", client_ip ? client_ip : "");
    bool wake = false;
    pthread_mutex_lock(&queue_mu);
    if (nqueue >= LOG_QUEUE_MAX) {
        dropped++;
    } else {
        if (nqueue == cap) {
            cap = cap ? cap * 2 : 64;
            queue = xrealloc(queue, (size_t)cap * sizeof *queue);
        }
        queue[nqueue++] = row;
        wake = nqueue == LOG_WAKE_AT;
    }
    pthread_mutex_unlock(&queue_mu);
    if (wake) worker_wake(&writer);
}

enum err tokens_log_flush(struct db *db)
{
    pthread_mutex_lock(&flush_mu);
    pthread_mutex_lock(&queue_mu);
    struct token_log_row *rows = queue;
    int n = nqueue;
    int64_t lost = dropped;
    queue = NULL;
    nqueue = cap = 0;
    dropped = 0;
    pthread_mutex_unlock(&queue_mu);
    if (lost) log_msg(LOG_WARN, "token request log: %lld rows dropped (queue full)", (long long)lost);
    enum err e = n ? tokens_store_log_rows(db, rows, n) : OK;
    if (e != OK) log_msg(LOG_WARN, "token request log: %d rows not written (%s)", n, err_name(e));
    free(rows);
    pthread_mutex_unlock(&flush_mu);
    return e;
}

static void log_body(struct worker *w)
{
    struct db *db = NULL;
    const char *url = w->ctx;
    do {
        if (!db && db_open_existing(url, &db) != OK) {
            db = NULL;
            continue;
        }
        tokens_log_flush(db);
    } while (worker_sleep(w, LOG_FLUSH_MS));
    /* Stopping: the rows of the last requests. */
    if (db || db_open_existing(url, &db) == OK) tokens_log_flush(db);
    db_close(db);
}

bool tokens_log_start(const char *db_url)
{
    return worker_start(&writer, (void *)db_url);
}

void tokens_log_stop(void)
{
    worker_stop(&writer);
}
