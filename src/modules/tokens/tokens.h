/* Registration authorities' API tokens (issue 8): the authority a registrar account belongs to, named and
 * expiring tokens, rotation with a grace period, immediate revocation, a per-token request log and a
 * per-token rate limit. token_bucket.c is the pure rate limiter, tokens_store.c the SQL, tokens_api.c the
 * JSON handlers and the admin page /dash/tokens. The bearer lookup itself stays in src/auth/session.c; the
 * router asks tokens_rate_take() after it, and the server calls tokens_log_request() after each response. */
#ifndef TUOYU_TOKENS_H
#define TUOYU_TOKENS_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"

#include <stdbool.h>
#include <stdint.h>

/* Settings keys (table settings) and their defaults. */
#define TOKENS_SETTING_GRACE    "rotate_grace_seconds"
#define TOKENS_DEFAULT_GRACE    86400
#define TOKENS_SETTING_RATE     "token_rate_per_minute" /* read by token_lookup in src/auth/session.c */
#define TOKENS_DEFAULT_RATE     600
#define TOKENS_SETTING_LOG_DAYS "token_log_days"
#define TOKENS_DEFAULT_LOG_DAYS 90

/* ---- Registration authorities (pure) ------------------------------------------------------------------- */

struct reg_authority {
    const char *code; /* "market" */
    const char *name; /* the name a push carries and institutions.authority holds: "十堰市市场监督管理局" */
    const char *name_zh; /* short label: "市场监管" */
};
/* The authority of code, or NULL for an unknown code. Static storage. */
const struct reg_authority *reg_authority_by_code(const char *code);
/* Every authority, NULL-code terminated. Static storage. */
extern const struct reg_authority reg_authorities[];
/* Whether a pushed authority text matches the account's authority code: its code or its name. Pure. */
bool reg_authority_matches(const char *code, const char *pushed);

/* ---- The token bucket (token_bucket.c; pure) ------------------------------------------------------------
 */

struct token_bucket {
    double level;       /* requests available now */
    int64_t last_ms;    /* when level was computed; 0: never used (starts full) */
    int64_t per_minute; /* the rate level was computed with (a change refills at once) */
};
/* Take one request from b at now_ms (a monotonic clock in ms) with per_minute requests a minute allowed
 * (capacity per_minute, refilled evenly over a minute). Returns true when allowed; otherwise false and
 * *retry_after_s (when not NULL) the whole seconds until one request is available (at least 1). Pure. */
bool token_bucket_take(struct token_bucket *b, int64_t now_ms, int64_t per_minute, int64_t *retry_after_s);

/* The server's buckets, one per token id in a fixed table under a mutex (a restart forgives; several
 * servers each count their own). Returns true when the request may go on; else *retry_after_s. Never
 * blocks but on the mutex. */
bool tokens_rate_take(int64_t token_id, int64_t per_minute, int64_t *retry_after_s);

/* ---- Store (tokens_store.c) ------------------------------------------------------------------------------
 */

struct token_row {
    int64_t id, user_id, created_at, expires_at, revoked_at, last_used_at, rotated_from, rate_per_minute;
    int64_t requests_today;
    const char *name, *username, *role, *authority;
};
/* Tokens, newest first: of user_id (0: all). Strings in a. */
enum err tokens_list(struct db *db, struct arena *a, int64_t user_id, struct token_row **items, int *n);
/* One token; ERR_NOT_FOUND. */
enum err tokens_get(struct db *db, struct arena *a, int64_t id, struct token_row *out);

/* Create a token for username (an enabled account): name may be NULL, expires_at 0 for never. *token_out
 * (arena) is shown once, only its hash is stored. ERR_NOT_FOUND for an unknown user. Audited (actor NULL:
 * the command line). Runs its own transaction. */
enum err tokens_create(struct db *db, struct arena *a, const struct principal *actor, const char *username,
                       const char *name, int64_t expires_at, char **token_out, int64_t *id_out);
/* Rotate token id: a new token of the same user, name, expiry and rate replaces it; the old one keeps
 * working until *old_until (now + rotate_grace_seconds, or sooner when it was already ending). ERR_NOT_FOUND
 * for an unknown id, ERR_STATE when it no longer works. Audited; own transaction. */
enum err tokens_rotate(struct db *db, struct arena *a, const struct principal *actor, int64_t id,
                       char **token_out, int64_t *new_id, int64_t *old_until);
/* Revoke token id at once. ERR_NOT_FOUND; ERR_STATE when already revoked. Audited; own transaction. */
enum err tokens_revoke(struct db *db, const struct principal *actor, int64_t id);

/* The request log (tokens_log.c). One request authenticated by token_id, at epoch seconds at: queued for
 * the writer thread (path is cut at '?' and to 300 bytes). Never blocks on the database; when the queue is
 * full the row is dropped and counted in the log. Thread-safe. */
void tokens_log_request(int64_t token_id, int64_t at, const char *method, const char *path, unsigned status,
                        int64_t duration_ms, const char *client_ip);
/* Write every queued row with db in one transaction, waiting for a batch another thread is writing. Readers
 * of the log call it first. A failure is logged and returned; those rows are gone. Thread-safe; blocks. */
enum err tokens_log_flush(struct db *db);
/* Start / stop the writer thread of `tuoyu serve` (its own connection to db_url, kept for the process). Stop
 * flushes what is left. */
bool tokens_log_start(const char *db_url);
void tokens_log_stop(void);
struct token_log_row {
    int64_t token_id, at, duration_ms;
    unsigned status;
    char method[8], path[301], client_ip[46];
};
/* Store: insert rows[0..n) into token_requests in one transaction. */
enum err tokens_store_log_rows(struct db *db, const struct token_log_row *rows, int n);
struct token_request {
    int64_t id, at, status, duration_ms;
    const char *method, *path, *client_ip;
};
/* The newest limit (1..1000) requests of token id, newest first. */
enum err tokens_requests(struct db *db, struct arena *a, int64_t token_id, int limit,
                         struct token_request **items, int *n);
/* Requests per token and CST day since day from (inclusive): calls back per (token, day, count). */
struct token_day_count {
    int64_t token_id, day, count;
};
enum err tokens_day_counts(struct db *db, struct arena *a, int64_t from_day, struct token_day_count **items,
                           int *n);
/* Delete log rows older than token_log_days. *deleted (may be NULL) gets how many. */
enum err tokens_purge_log(struct db *db, int64_t *deleted);

/* Set (code non-NULL, a known authority) or clear (NULL: every authority) a registrar's authority.
 * ERR_NOT_FOUND for an unknown registrar, ERR_VALIDATION for an unknown code. Audited (actor NULL: the
 * command line); own transaction. */
enum err tokens_set_authority(struct db *db, const struct principal *actor, int64_t user_id,
                              const char *code);

/* ---- Handlers (tokens_api.c) ----------------------------------------------------------------------------
 */

enum err tokens_api_list(struct req *r, struct resp *out);     /* GET /api/v1/tokens */
enum err tokens_api_create(struct req *r, struct resp *out);   /* POST /api/v1/tokens (admin) */
enum err tokens_api_rotate(struct req *r, struct resp *out);   /* POST /api/v1/tokens/{id}/rotate */
enum err tokens_api_revoke(struct req *r, struct resp *out);   /* DELETE /api/v1/tokens/{id} */
enum err tokens_api_requests(struct req *r, struct resp *out); /* GET /api/v1/tokens/{id}/requests */
enum err page_tokens(struct req *r, struct resp *out);         /* GET /dash/tokens (admin) */
enum err page_tokens_post(struct req *r, struct resp *out);    /* POST /dash/tokens op=rotate|revoke */

#endif
