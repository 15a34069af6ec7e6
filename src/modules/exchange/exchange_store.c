/* The change feed and the outbox: SQL. One set of statements for SQLite and PostgreSQL. */
#include "modules/exchange/exchange.h"

#include "auth/pii.h"
#include "core/clock.h"
#include "core/mem.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum err feed_emit(struct db *db, int64_t institution_id, const char *action, const char *changes)
{
    struct db_val v[] = {DBV_INT(institution_id), DBV_INT(clock_now()), DBV_TEXT(action), DBV_TEXT(changes)};
    /* The snapshot is built by the database from the row as this transaction sees it. */
    return db_exec(
        db,
        "INSERT INTO change_events (at, institution_id, district_code, authority, action, institution, "
        "changes) SELECT $2, i.id, i.district_code, i.authority, $3, "
        "'{\"id\":' || CAST(i.id AS TEXT) || ',\"uscc\":\"' || i.uscc || '\",\"state\":\"' || i.state || "
        "'\",\"district_code\":\"' || i.district_code || '\",\"filing_number\":' || "
        "COALESCE('\"' || i.filing_number || '\"', 'null') || '}', $4 "
        "FROM institutions i WHERE i.id = $1",
        v, DB_NPARAMS(v));
}

/* ---- The sequencer ----------------------------------------------------------------------------------------
 */

struct pending_event {
    int64_t id, institution_id;
    char *action, *authority;
};

static void read_pending(struct db_rows *r, struct arena *a, void *item)
{
    struct pending_event *e = item;
    e->id = db_int(r, 0);
    e->institution_id = db_int(r, 1);
    e->action = db_text_dup(r, 2, a);
    e->authority = db_text_dup(r, 3, a);
}

struct active_receiver {
    int64_t id;
    char *actions, *authority;
};

static void read_active(struct db_rows *r, struct arena *a, void *item)
{
    struct active_receiver *x = item;
    x->id = db_int(r, 0);
    x->actions = db_text_dup(r, 1, a);
    x->authority = db_text_dup(r, 2, a);
}

struct seq_ctx {
    struct arena *a;
    int limit, n;
};

static enum err sequence_tx(struct db *db, void *p)
{
    struct seq_ctx *c = p;
    c->n = 0;
    /* Lock the counter first: sequencers in other processes wait here, so positions are never given twice. */
    int64_t last = 0;
    enum err e = db_int_query(
        db, "UPDATE change_sequence SET last_seq = last_seq WHERE id = 1 RETURNING last_seq", NULL, 0, &last);
    if (e != OK) return e;
    struct db_val lv[] = {DBV_INT(c->limit)};
    struct pending_event *ev = NULL;
    int nev = 0;
    e = db_get_all(db, c->a,
                   "SELECT id, institution_id, action, authority FROM change_events WHERE seq IS NULL "
                   "ORDER BY id LIMIT $1",
                   lv, 1, read_pending, sizeof *ev, c->limit, (void **)&ev, &nev);
    if (e != OK || nev == 0) return e;
    struct active_receiver *rc = NULL;
    int nrc = 0;
    e = db_get_all(db, c->a,
                   "SELECT id, actions, authority FROM outbox_receivers WHERE active = 1 ORDER BY id", NULL,
                   0, read_active, sizeof *rc, 1000, (void **)&rc, &nrc);
    if (e != OK) return e;
    int64_t now = clock_now(), now_ms = clock_real_ms();
    for (int i = 0; i < nev && e == OK; i++) {
        int64_t seq = last + 1 + i;
        struct db_val v[] = {DBV_INT(ev[i].id), DBV_INT(seq)};
        e = db_exec(db, "UPDATE change_events SET seq = $2 WHERE id = $1", v, 2);
        for (int k = 0; k < nrc && e == OK; k++) {
            if (!outbox_action_matches(rc[k].actions, ev[i].action)) continue;
            if (rc[k].authority && (!ev[i].authority || strcmp(rc[k].authority, ev[i].authority) != 0))
                continue;
            struct db_val dv[] = {DBV_INT(rc[k].id), DBV_INT(seq), DBV_INT(ev[i].institution_id),
                                  DBV_INT(now_ms), DBV_INT(now)};
            e = db_exec(db,
                        "INSERT INTO outbox_deliveries (receiver_id, seq, institution_id, status, attempts, "
                        "next_at_ms, created_at) VALUES ($1, $2, $3, 'pending', 0, $4, $5)",
                        dv, DB_NPARAMS(dv));
        }
    }
    if (e != OK) return e;
    struct db_val sv[] = {DBV_INT(last + nev)};
    e = db_exec(db, "UPDATE change_sequence SET last_seq = $1 WHERE id = 1", sv, 1);
    if (e == OK) c->n = nev;
    return e;
}

enum err feed_sequence(struct db *db, int limit, int *n)
{
    struct arena a;
    arena_init(&a, 4096);
    struct seq_ctx c = {&a, limit > 0 ? limit : 500, 0};
    enum err e = db_tx(db, sequence_tx, &c);
    arena_free(&a);
    if (n) *n = e == OK ? c.n : 0;
    return e;
}

/* ---- The feed ---------------------------------------------------------------------------------------------
 */

#define EVENT_COLUMNS "seq, at, institution_id, district_code, authority, action, institution, changes"

static void read_event(struct db_rows *r, struct arena *a, void *item)
{
    struct feed_event *e = item;
    e->seq = db_int(r, 0);
    e->at = db_int(r, 1);
    e->institution_id = db_int(r, 2);
    e->district_code = db_text_dup(r, 3, a);
    e->authority = db_text_dup(r, 4, a);
    e->action = db_text_dup(r, 5, a);
    e->institution = db_text_dup(r, 6, a);
    e->changes = db_text_dup(r, 7, a);
}

enum err feed_list(struct db *db, struct arena *a, int64_t since, int limit, const char *district,
                     const char *authority, struct feed_event **items, int *n)
{
    struct db_val v[] = {DBV_INT(since), DBV_TEXT(district), DBV_TEXT(authority), DBV_INT(limit)};
    return db_get_all(db, a,
                      "SELECT " EVENT_COLUMNS " FROM change_events WHERE seq > $1 "
                      "AND (CAST($2 AS TEXT) IS NULL OR district_code = $2) "
                      "AND (CAST($3 AS TEXT) IS NULL OR authority = $3) ORDER BY seq LIMIT $4",
                      v, DB_NPARAMS(v), read_event, sizeof **items, limit, (void **)items, n);
}

/* ---- Receivers --------------------------------------------------------------------------------------------
 */

#define RECEIVER_COLUMNS                                                                                     \
    "r.id, r.name, r.url, r.actions, r.authority, r.active, r.from_seq, r.version, r.created_at, "           \
    "r.updated_at, "                                                                                         \
    "(SELECT COUNT(*) FROM outbox_deliveries d WHERE d.receiver_id = r.id AND d.status = 'pending'), "       \
    "(SELECT COUNT(*) FROM outbox_deliveries d WHERE d.receiver_id = r.id AND d.status = 'delivered'), "     \
    "(SELECT COUNT(*) FROM outbox_deliveries d WHERE d.receiver_id = r.id AND d.status = 'dead')"

static void read_receiver(struct db_rows *r, struct arena *a, void *item)
{
    struct outbox_receiver *x = item;
    x->id = db_int(r, 0);
    x->name = db_text_dup(r, 1, a);
    x->url = db_text_dup(r, 2, a);
    x->actions = db_text_dup(r, 3, a);
    x->authority = db_text_dup(r, 4, a);
    x->active = db_int(r, 5) != 0;
    x->from_seq = db_int(r, 6);
    x->version = db_int(r, 7);
    x->created_at = db_int(r, 8);
    x->updated_at = db_int(r, 9);
    x->pending = db_int(r, 10);
    x->delivered = db_int(r, 11);
    x->dead = db_int(r, 12);
}

enum err outbox_receivers_list(struct db *db, struct arena *a, struct outbox_receiver **items, int *n)
{
    return db_get_all(db, a, "SELECT " RECEIVER_COLUMNS " FROM outbox_receivers r ORDER BY r.id", NULL, 0,
                      read_receiver, sizeof **items, 1000, (void **)items, n);
}

enum err outbox_receiver_get(struct db *db, struct arena *a, int64_t id, struct outbox_receiver *out)
{
    struct db_val v[] = {DBV_INT(id)};
    return db_get_one(db, a, "SELECT " RECEIVER_COLUMNS " FROM outbox_receivers r WHERE r.id = $1", v, 1,
                      read_receiver, out);
}

/* A new signing secret: 32 random bytes as 64 hex characters (arena). */
static char *new_secret(struct arena *a)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char *hex = arena_alloc(a, 65);
    sodium_bin2hex(hex, 65, raw, sizeof raw);
    return hex;
}

static json_t *receiver_audit_json(const struct outbox_receiver *x)
{
    return json_pack("{s:s?, s:s?, s:s?, s:s?, s:b}", "name", x->name, "url", x->url, "actions", x->actions,
                     "authority", x->authority, "active", x->active);
}

struct create_ctx {
    struct arena *a;
    const struct principal *who;
    const struct outbox_receiver *in;
    const char *secret;
    int64_t id;
};

static enum err create_tx(struct db *db, void *p)
{
    struct create_ctx *c = p;
    struct db_val nv[] = {DBV_TEXT(c->in->name)};
    int64_t taken = 0;
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM outbox_receivers WHERE name = $1", nv, 1, &taken);
    if (e != OK) return e;
    if (taken) return ERR_CONFLICT;
    int64_t last = 0;
    e = db_int_query(db, "SELECT last_seq FROM change_sequence WHERE id = 1", NULL, 0, &last);
    if (e != OK) return e;
    size_t slen = 0;
    unsigned char *sealed = pii_seal(c->a, c->secret, &slen);
    if (!sealed) return ERR_INTERNAL;
    int64_t now = clock_now();
    struct db_val v[] = {DBV_TEXT(c->in->name),
                         DBV_TEXT(c->in->url),
                         DBV_TEXT(c->in->actions),
                         DBV_TEXT(c->in->authority),
                         DBV_BLOB(sealed, slen),
                         DBV_BOOL(c->in->active),
                         DBV_INT(last),
                         DBV_INT(now)};
    e = db_int_query(
        db,
        "INSERT INTO outbox_receivers (name, url, actions, authority, secret_enc, active, from_seq, "
        "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    json_t *after = receiver_audit_json(c->in);
    char *txt = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(after);
    e = audit_append(db, c->who, "outbox.receiver.create", "outbox_receiver", c->id, NULL, txt);
    free(txt);
    return e;
}

enum err outbox_receiver_create(struct db *db, struct arena *a, const struct principal *who,
                                const struct outbox_receiver *in, char **secret_out, int64_t *id)
{
    struct create_ctx c = {a, who, in, new_secret(a), 0};
    enum err e = db_tx(db, create_tx, &c);
    if (e != OK) return e;
    *secret_out = (char *)c.secret;
    *id = c.id;
    return OK;
}

struct update_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t id, version;
    const char *url, *actions, *authority;
    int active;
    bool rotate;
    const char *secret;
};

static enum err update_tx(struct db *db, void *p)
{
    struct update_ctx *c = p;
    struct outbox_receiver cur;
    enum err e = outbox_receiver_get(db, c->a, c->id, &cur);
    if (e != OK) return e;
    if (cur.version != c->version) return ERR_CONFLICT;
    struct outbox_receiver next = cur;
    if (c->url) next.url = c->url;
    if (c->actions) next.actions = c->actions;
    if (c->authority) next.authority = *c->authority ? c->authority : NULL;
    if (c->active >= 0) next.active = c->active != 0;
    size_t slen = 0;
    unsigned char *sealed = NULL;
    if (c->rotate) {
        sealed = pii_seal(c->a, c->secret, &slen);
        if (!sealed) return ERR_INTERNAL;
    }
    struct db_val v[] = {DBV_INT(c->id),         DBV_TEXT(next.url),
                         DBV_TEXT(next.actions), DBV_TEXT(next.authority),
                         DBV_BOOL(next.active),  sealed ? DBV_BLOB(sealed, slen) : DBV_NULL,
                         DBV_INT(clock_now())};
    e = db_exec(db,
                "UPDATE outbox_receivers SET url = $2, actions = $3, authority = $4, active = $5, "
                "secret_enc = COALESCE($6, secret_enc), updated_at = $7, version = version + 1 WHERE id = $1",
                v, DB_NPARAMS(v));
    if (e != OK) return e;
    json_t *before = receiver_audit_json(&cur), *after = receiver_audit_json(&next);
    if (c->rotate) json_object_set_new(after, "secret_rotated", json_true());
    char *b = json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS),
         *t = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(before);
    json_decref(after);
    e = audit_append(db, c->who, "outbox.receiver.update", "outbox_receiver", c->id, b, t);
    free(b);
    free(t);
    return e;
}

enum err outbox_receiver_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                                int64_t version, const char *url, const char *actions, const char *authority,
                                int active, bool rotate, char **secret_out)
{
    struct update_ctx c = {a,       who,       id,     version, url,
                           actions, authority, active, rotate,  rotate ? new_secret(a) : NULL};
    enum err e = db_tx(db, update_tx, &c);
    if (e == OK && secret_out) *secret_out = (char *)c.secret;
    return e;
}

struct replay_ctx {
    const struct principal *who;
    int64_t receiver, seq, n;
};

static enum err replay_tx(struct db *db, void *p)
{
    struct replay_ctx *c = p;
    struct db_val v[] = {DBV_INT(c->receiver), DBV_INT(c->seq), DBV_INT(clock_real_ms())};
    enum err e = db_exec(db,
                         "UPDATE outbox_deliveries SET status = 'pending', attempts = 0, next_at_ms = $3 "
                         "WHERE receiver_id = $1 AND status = 'dead' AND ($2 = 0 OR seq = $2)",
                         v, DB_NPARAMS(v));
    if (e != OK) return e;
    c->n = db_changes(db);
    if (c->n == 0) return ERR_NOT_FOUND;
    char after[96];
    snprintf(after, sizeof after, "{\"replayed\":%lld,\"seq\":%lld}", (long long)c->n, (long long)c->seq);
    return audit_append(db, c->who, "outbox.replay", "outbox_receiver", c->receiver, NULL, after);
}

enum err outbox_replay(struct db *db, const struct principal *who, int64_t receiver, int64_t seq, int64_t *n)
{
    struct replay_ctx c = {who, receiver, seq, 0};
    enum err e = db_tx(db, replay_tx, &c);
    *n = e == OK ? c.n : 0;
    return e;
}

static void read_delivery(struct db_rows *r, struct arena *a, void *item)
{
    struct outbox_delivery *d = item;
    d->receiver_id = db_int(r, 0);
    d->seq = db_int(r, 1);
    d->institution_id = db_int(r, 2);
    d->status = db_text_dup(r, 3, a);
    d->attempts = db_int(r, 4);
    d->next_at_ms = db_int(r, 5);
    d->last_status = db_isnull(r, 6) ? 0 : db_int(r, 6);
    d->last_error = db_text_dup(r, 7, a);
    d->delivered_at = db_isnull(r, 8) ? 0 : db_int(r, 8);
    d->action = db_text_dup(r, 9, a);
}

enum err outbox_deliveries_list(struct db *db, struct arena *a, int64_t receiver, const char *status,
                                int limit, struct outbox_delivery **items, int *n)
{
    struct db_val v[] = {DBV_INT(receiver), DBV_TEXT(status), DBV_INT(limit)};
    return db_get_all(
        db, a,
        "SELECT d.receiver_id, d.seq, d.institution_id, d.status, d.attempts, d.next_at_ms, "
        "d.last_status, d.last_error, d.delivered_at, e.action FROM outbox_deliveries d "
        "JOIN change_events e ON e.seq = d.seq WHERE ($1 = 0 OR d.receiver_id = $1) "
        "AND (CAST($2 AS TEXT) IS NULL OR d.status = $2) ORDER BY d.seq DESC, d.receiver_id LIMIT $3",
        v, DB_NPARAMS(v), read_delivery, sizeof **items, limit, (void **)items, n);
}
