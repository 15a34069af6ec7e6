/* Data exchange (issue 8): the change feed and the outbox.
 *
 * Every entry of an institution's history (registered, filing_approved, filing_returned, change_approved,
 * closed, …; see inst_history_add) is also a change event, inserted in the same transaction as the change
 * itself, so an acknowledged change cannot lose its event. After commit the sequencer gives each event its
 * feed position `seq` in commit order (a single locked counter row), and fans it out to the outbox receivers
 * whose action filter and authority match. The delivery worker (a thread of `tuoyu serve`) POSTs each event
 * as JSON with an Idempotency-Key and an HMAC signature, retries with exponential backoff, and after too many
 * attempts moves it to the dead letters an admin can replay. Per receiver and institution, events go out in
 * order: an event waits while an earlier one of the same institution is pending or dead.
 * GET /api/v1/changes?since=SEQ reads the same sequenced events for systems that prefer to pull.
 *
 * exchange_rules.c is pure (backoff, filters, the wire format), exchange_store.c the SQL, exchange_api.c the
 * handlers and page, outbox.c the worker and its HTTP client (libcurl). */
#ifndef TUOYU_EXCHANGE_H
#define TUOYU_EXCHANGE_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- Rules (exchange_rules.c; pure) ---------------------------------------------------------------------
 */

struct outbox_policy {
    int64_t base_ms;    /* the first retry's delay */
    int64_t max_ms;     /* the longest delay */
    int max_attempts;   /* attempts before a delivery is dead */
    int64_t timeout_ms; /* one request's whole time */
};
/* Defaults: 1 s, 5 min, 12 attempts, 10 s. Settings outbox_retry_base_ms, outbox_retry_max_ms,
 * outbox_max_attempts, outbox_timeout_ms override them. */
extern const struct outbox_policy outbox_policy_default;

/* The delay before attempt number attempts + 1 after attempts failures (attempts ≥ 1): base·2^(attempts−1),
 * at most max_ms. */
int64_t outbox_backoff_ms(const struct outbox_policy *p, int attempts);
/* Whether a receiver's action filter ("*" or a comma list, spaces allowed) takes action. */
bool outbox_action_matches(const char *filter, const char *action);
/* Whether an action filter is well formed: "*" or a comma list of 1..40 actions of [a-z_]. */
bool outbox_actions_valid(const char *filter);
/* Whether an HTTP status means the receiver took the event (2xx). */
bool outbox_accepted(long status);
/* The Idempotency-Key of an event: "tuoyu-<seq>" into out (≥ 32 bytes). */
void outbox_idempotency_key(int64_t seq, char *out, size_t cap);

/* ---- Emitting (exchange_store.c) ------------------------------------------------------------------------
 */

/* Record a change event of institution id with action and changes (JSON text or NULL), inside the caller's
 * transaction; called by inst_history_add. Reads the institution's snapshot. ERR_DB on failure. */
enum err feed_emit(struct db *db, int64_t institution_id, const char *action, const char *changes);

/* Give the committed events without a position theirs, in id order, and queue their deliveries; at most
 * limit events per call. *n gets the number sequenced. Runs its own transaction. */
enum err feed_sequence(struct db *db, int limit, int *n);

/* ---- The feed -------------------------------------------------------------------------------------------
 */

struct feed_event {
    int64_t seq, at, institution_id;
    const char *district_code, *authority, *action, *institution, *changes; /* JSON texts */
};
/* The wire form of an event: {seq, event_id, at, action, institution:{…}, changes:{…}|null}. */
json_t *feed_event_json(const struct feed_event *e);

/* Sequenced events after since, oldest first, at most limit (1..1000), of district (NULL: all) and authority
 * (NULL: all). */
enum err feed_list(struct db *db, struct arena *a, int64_t since, int limit, const char *district,
                   const char *authority, struct feed_event **items, int *n);

/* ---- Receivers and deliveries ---------------------------------------------------------------------------
 */

struct outbox_receiver {
    int64_t id, from_seq, version, created_at, updated_at;
    const char *name, *url, *actions, *authority;
    bool active;
    int64_t pending, delivered, dead; /* counts of its deliveries */
};
enum err outbox_receivers_list(struct db *db, struct arena *a, struct outbox_receiver **items, int *n);
enum err outbox_receiver_get(struct db *db, struct arena *a, int64_t id, struct outbox_receiver *out);
/* Create a receiver starting after the feed's current end; *secret_out gets the new signing secret (arena,
 * shown once). ERR_CONFLICT when the name is taken. */
enum err outbox_receiver_create(struct db *db, struct arena *a, const struct principal *who,
                                const struct outbox_receiver *in, char **secret_out, int64_t *id);
/* Update url/actions/authority/active (NULL or -1: unchanged) with a version check; rotate: a new secret into
 * *secret_out. ERR_CONFLICT on a stale version. */
enum err outbox_receiver_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                                int64_t version, const char *url, const char *actions, const char *authority,
                                int active, bool rotate, char **secret_out);
/* Put dead deliveries of receiver back in the queue (seq > 0: only that one). *n gets how many. */
enum err outbox_replay(struct db *db, const struct principal *who, int64_t receiver, int64_t seq, int64_t *n);

struct outbox_delivery {
    int64_t receiver_id, seq, institution_id, attempts, next_at_ms, last_status, delivered_at;
    const char *status, *last_error, *action;
};
/* Deliveries of receiver (0: all) with status (NULL: all), newest first, at most limit. */
enum err outbox_deliveries_list(struct db *db, struct arena *a, int64_t receiver, const char *status,
                                int limit, struct outbox_delivery **items, int *n);

/* ---- The worker (outbox.c) ------------------------------------------------------------------------------
 */

/* Start the outbox thread on its own connection to db_url: it sequences events and delivers them, waking
 * every 200 ms. outbox_stop wakes and joins it. */
void outbox_start(const char *db_url);
void outbox_stop(void);
/* One round (tests and the CLI): sequence what is committed, then try every delivery that is due.
 * *sent gets the number of requests made. */
enum err outbox_round(struct db *db, int *sent);

/* ---- Handlers (exchange_api.c) --------------------------------------------------------------------------
 */

/* GET /api/v1/changes: with ?since= the change feed (changes_api_list: admin, city, county, auditor,
 * registrar), without it the information change requests of the lifecycle module (change_api_list), whose
 * route this was first; registrars may read only the feed. */
enum err changes_api_dispatch(struct req *r, struct resp *out);
enum err changes_api_list(struct req *r, struct resp *out);           /* the feed */
enum err outbox_api_receivers(struct req *r, struct resp *out);       /* GET /api/v1/outbox/receivers */
enum err outbox_api_receiver_create(struct req *r, struct resp *out); /* POST /api/v1/outbox/receivers */
enum err outbox_api_receiver_patch(struct req *r, struct resp *out); /* PATCH /api/v1/outbox/receivers/{id} */
enum err outbox_api_replay(struct req *r, struct resp *out);         /* POST …/receivers/{id}/replay */
enum err outbox_api_deliveries(struct req *r, struct resp *out);     /* GET /api/v1/outbox/deliveries */
enum err page_outbox(struct req *r, struct resp *out);               /* GET /dash/outbox */
enum err page_outbox_post(struct req *r, struct resp *out);          /* POST /dash/outbox */

#endif
