/* The outbox worker: sequences committed change events and delivers them to the receivers over HTTP(S) with
 * libcurl. One thread, one database connection, one curl handle (connections are reused). */
#include "modules/exchange/exchange.h"

#include "auth/pii.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/worker.h"
#include "modules/reference/settings.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUND_LIMIT 200 /* deliveries tried per round */
#define IDLE_MS     200 /* the wait between rounds when nothing was due */
#define ERROR_MAX   200 /* characters of a receiver's error kept */

static struct outbox_policy load_policy(struct db *db)
{
    struct outbox_policy p = outbox_policy_default;
    int64_t v = settings_get_int(db, "outbox_retry_base_ms", p.base_ms);
    if (v > 0) p.base_ms = v;
    v = settings_get_int(db, "outbox_retry_max_ms", p.max_ms);
    if (v > 0) p.max_ms = v;
    v = settings_get_int(db, "outbox_max_attempts", p.max_attempts);
    if (v > 0 && v < 1000) p.max_attempts = (int)v;
    v = settings_get_int(db, "outbox_timeout_ms", p.timeout_ms);
    if (v > 0) p.timeout_ms = v;
    return p;
}

struct due {
    int64_t receiver_id, seq, attempts, at, institution_id;
    char *url, *action, *district, *authority, *institution, *changes;
    unsigned char *secret_enc;
    size_t secret_len;
};

static void read_due(struct db_rows *r, struct arena *a, void *item)
{
    struct due *d = item;
    d->receiver_id = db_int(r, 0);
    d->seq = db_int(r, 1);
    d->attempts = db_int(r, 2);
    d->url = db_text_dup(r, 3, a);
    size_t n = 0;
    const void *p = db_blob(r, 4, &n);
    d->secret_enc = arena_alloc(a, n ? n : 1);
    if (n) memcpy(d->secret_enc, p, n);
    d->secret_len = n;
    d->at = db_int(r, 5);
    d->action = db_text_dup(r, 6, a);
    d->institution_id = db_int(r, 7);
    d->district = db_text_dup(r, 8, a);
    d->authority = db_text_dup(r, 9, a);
    d->institution = db_text_dup(r, 10, a);
    d->changes = db_text_dup(r, 11, a);
}

/* The deliveries due now: pending, their time come, their receiver active, and no earlier delivery of the
 * same receiver and institution still pending or dead (order per institution). */
static enum err load_due(struct db *db, struct arena *a, struct due **items, int *n)
{
    struct db_val v[] = {DBV_INT(clock_real_ms()), DBV_INT(ROUND_LIMIT)};
    return db_get_all(
        db, a,
        "SELECT d.receiver_id, d.seq, d.attempts, r.url, r.secret_enc, e.at, e.action, "
        "e.institution_id, e.district_code, e.authority, e.institution, e.changes "
        "FROM outbox_deliveries d JOIN outbox_receivers r ON r.id = d.receiver_id "
        "JOIN change_events e ON e.seq = d.seq "
        "WHERE d.status = 'pending' AND d.next_at_ms <= $1 AND r.active = 1 "
        "AND NOT EXISTS (SELECT 1 FROM outbox_deliveries p WHERE p.receiver_id = d.receiver_id "
        "AND p.institution_id = d.institution_id AND p.seq < d.seq AND p.status <> 'delivered') "
        "ORDER BY d.receiver_id, d.seq LIMIT $2",
        v, DB_NPARAMS(v), read_due, sizeof **items, ROUND_LIMIT, (void **)items, n);
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n;
}

/* POST one event. Returns the HTTP status, or 0 when the receiver did not answer (error in err). */
static long post_event(CURL *curl, const struct outbox_policy *pol, const struct due *d, char *err,
                       size_t errcap)
{
    struct feed_event ev = {d->seq,       d->at,     d->institution_id, d->district,
                            d->authority, d->action, d->institution,    d->changes};
    json_t *j = feed_event_json(&ev);
    char *body = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    if (!body) {
        snprintf(err, errcap, "cannot encode the event");
        return 0;
    }
    struct arena a;
    arena_init(&a, 1024);
    char *secret = pii_open(&a, d->secret_enc, d->secret_len);
    char sig_hex[crypto_auth_hmacsha256_BYTES * 2 + 1] = "";
    if (secret) {
        unsigned char mac[crypto_auth_hmacsha256_BYTES];
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
        crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, strlen(body));
        crypto_auth_hmacsha256_final(&st, mac);
        sodium_bin2hex(sig_hex, sizeof sig_hex, mac, sizeof mac);
        sodium_memzero(secret, strlen(secret));
    }
    char key[32], h_key[64], h_sig[128], h_action[160];
    outbox_idempotency_key(d->seq, key, sizeof key);
    snprintf(h_key, sizeof h_key, "Idempotency-Key: %s", key);
    snprintf(h_sig, sizeof h_sig, "X-Tuoyu-Signature: sha256=%s", sig_hex);
    snprintf(h_action, sizeof h_action, "X-Tuoyu-Event: %s", d->action);
    struct curl_slist *hdr = NULL;
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, h_key);
    hdr = curl_slist_append(hdr, h_sig);
    hdr = curl_slist_append(hdr, h_action);
    hdr = curl_slist_append(hdr, "Expect:");

    char curl_err[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, d->url);
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)pol->timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)(pol->timeout_ms < 5000 ? pol->timeout_ms : 5000));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "tuoyu-outbox/1");
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    else
        snprintf(err, errcap, "%s", curl_err[0] ? curl_err : curl_easy_strerror(rc));
    if (rc == CURLE_OK && !outbox_accepted(status)) snprintf(err, errcap, "HTTP %ld", status);
    curl_slist_free_all(hdr);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, NULL);
    free(body);
    arena_free(&a);
    return status;
}

struct outcome {
    int64_t receiver_id, seq, attempts, status;
    bool ok;
    char error[ERROR_MAX + 1];
};

struct record_ctx {
    const struct outbox_policy *pol;
    struct outcome *o;
    int n;
};

/* Write a round's outcomes in one transaction: delivered, or a new attempt time, or dead. */
static enum err record_tx(struct db *db, void *p)
{
    struct record_ctx *c = p;
    int64_t now = clock_now(), now_ms = clock_real_ms();
    for (int i = 0; i < c->n; i++) {
        struct outcome *o = &c->o[i];
        enum err e;
        if (o->ok) {
            struct db_val v[] = {DBV_INT(o->receiver_id), DBV_INT(o->seq), DBV_INT(o->status), DBV_INT(now),
                                 DBV_INT(o->attempts + 1)};
            e = db_exec(db,
                        "UPDATE outbox_deliveries SET status = 'delivered', attempts = $5, last_status = $3, "
                        "last_error = NULL, delivered_at = $4 WHERE receiver_id = $1 AND seq = $2 AND "
                        "status = 'pending'",
                        v, DB_NPARAMS(v));
        } else {
            int attempts = (int)o->attempts + 1;
            bool dead = attempts >= c->pol->max_attempts;
            struct db_val v[] = {DBV_INT(o->receiver_id),
                                 DBV_INT(o->seq),
                                 DBV_INT(attempts),
                                 DBV_TEXT(dead ? "dead" : "pending"),
                                 DBV_INT(now_ms + outbox_backoff_ms(c->pol, attempts)),
                                 o->status ? DBV_INT(o->status) : DBV_NULL,
                                 DBV_TEXT(o->error)};
            e = db_exec(db,
                        "UPDATE outbox_deliveries SET status = $4, attempts = $3, next_at_ms = $5, "
                        "last_status = $6, last_error = $7 WHERE receiver_id = $1 AND seq = $2 AND "
                        "status = 'pending'",
                        v, DB_NPARAMS(v));
            if (e == OK && dead)
                log_msg(LOG_WARN, "outbox: event %lld to receiver %lld is dead after %d attempts (%s)",
                        (long long)o->seq, (long long)o->receiver_id, attempts, o->error);
        }
        if (e != OK) return e;
    }
    return OK;
}

static CURL *curl_handle;

enum err outbox_round(struct db *db, int *sent)
{
    *sent = 0;
    int sequenced = 0;
    enum err e = feed_sequence(db, 500, &sequenced);
    if (e != OK) return e;
    struct outbox_policy pol = load_policy(db);
    struct arena a;
    arena_init(&a, 16384);
    struct due *due = NULL;
    int n = 0;
    e = load_due(db, &a, &due, &n);
    if (e != OK || n == 0) {
        arena_free(&a);
        return e;
    }
    if (!curl_handle) curl_handle = curl_easy_init();
    if (!curl_handle) {
        arena_free(&a);
        return ERR_INTERNAL;
    }
    struct outcome *o = arena_alloc(&a, sizeof *o * (size_t)n);
    int no = 0;
    int64_t failed_receiver = 0;
    for (int i = 0; i < n; i++) {
        /* A receiver that failed this round is not tried again until the next: one refused connection says
         * enough about the others queued behind it, and they keep their attempt counts. */
        if (failed_receiver == due[i].receiver_id) continue;
        struct outcome *x = &o[no++];
        memset(x, 0, sizeof *x);
        x->receiver_id = due[i].receiver_id;
        x->seq = due[i].seq;
        x->attempts = due[i].attempts;
        x->status = post_event(curl_handle, &pol, &due[i], x->error, sizeof x->error);
        x->ok = outbox_accepted(x->status);
        if (!x->ok) failed_receiver = due[i].receiver_id;
    }
    struct record_ctx rc = {&pol, o, no};
    e = db_tx(db, record_tx, &rc);
    *sent = no;
    arena_free(&a);
    return e;
}

/* ---- The thread -----------------------------------------------------------------------------------------
 */

static void worker_main(struct worker *w);
static struct worker outbox_worker = WORKER_INIT(worker_main);
static const char *url;

static void worker_main(struct worker *w)
{
    struct db *db = NULL;
    while (!worker_stopping(w)) {
        int sent = 0;
        if (!db && db_open_existing(url, &db) != OK) db = NULL;
        if (db) {
            enum err e = outbox_round(db, &sent);
            if (e != OK && e != ERR_DB_SOFT && e != ERR_DB_FULL) {
                log_msg(LOG_WARN, "outbox round failed (%s); reconnecting", err_name(e));
                db_close(db);
                db = NULL;
            }
        }
        if (sent > 0) continue; /* more may be due at once */
        worker_sleep(w, IDLE_MS);
    }
    if (db) db_close(db);
    if (curl_handle) {
        curl_easy_cleanup(curl_handle);
        curl_handle = NULL;
    }
}

void outbox_start(const char *db_url)
{
    url = db_url;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    worker_start(&outbox_worker, NULL);
}

void outbox_stop(void)
{
    if (!outbox_worker.running) return;
    worker_stop(&outbox_worker);
    curl_global_cleanup();
}
