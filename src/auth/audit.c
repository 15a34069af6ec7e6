/* The hash-chained audit log. Entry n's hash is BLAKE2b-256 over its own fields and entry n-1's hash, so an
 * edited, inserted or deleted entry breaks the chain from that point on; audit_head holds the last sequence
 * number and hash, so truncating the tail is detected too. Appends happen inside the caller's transaction:
 * the UPDATE of audit_head takes the row lock that orders concurrent writers on both engines. */
#include "auth/auth.h"
#include "core/clock.h"
#include "core/log.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define HASH_HEX 65

static void field(crypto_generichash_state *st, const char *s)
{
    /* Length-prefixed, so that no two different field lists hash the same bytes. */
    char len[24];
    size_t n = s ? strlen(s) : 0;
    snprintf(len, sizeof len, s ? "%zu:" : "-:", n);
    crypto_generichash_update(st, (const unsigned char *)len, strlen(len));
    if (s) crypto_generichash_update(st, (const unsigned char *)s, n);
}

static void entry_hash(int64_t seq, int64_t at, int64_t actor_id, const char *actor, const char *role,
                       const char *action, const char *entity, int64_t entity_id, const char *before,
                       const char *after, const char *prev, char out[HASH_HEX])
{
    char nums[96];
    snprintf(nums, sizeof nums, "%" PRId64 "|%" PRId64 "|%" PRId64 "|%" PRId64, seq, at, actor_id, entity_id);
    crypto_generichash_state st;
    unsigned char h[32];
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    field(&st, nums);
    field(&st, actor);
    field(&st, role);
    field(&st, action);
    field(&st, entity);
    field(&st, before);
    field(&st, after);
    field(&st, prev);
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(out, HASH_HEX, h, sizeof h);
}

static _Thread_local struct {
    bool active, have_head;
    int64_t seq;
    char hash[HASH_HEX];
} bulk;

void audit_bulk_begin(void)
{
    bulk.active = true;
    bulk.have_head = false;
}

enum err audit_bulk_end(struct db *db)
{
    bool write = bulk.active && bulk.have_head;
    bulk.active = bulk.have_head = false;
    if (!write) return OK;
    struct db_val v[] = {DBV_INT(bulk.seq), DBV_TEXT(bulk.hash)};
    return db_exec(db, "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", v, 2);
}

enum err audit_append(struct db *db, const struct principal *actor, const char *action, const char *entity,
                      int64_t entity_id, const char *before, const char *after)
{
    if (bulk.active && bulk.have_head) {
        /* The head row is locked by this transaction since the first append: continue the chain in memory. */
        int64_t seq = bulk.seq + 1;
        int64_t at = clock_now();
        int64_t actor_id = actor ? actor->user_id : 0;
        const char *actor_name = actor ? actor->username : "system";
        const char *role = actor ? role_name(actor->role) : "system";
        char hash[HASH_HEX];
        entry_hash(seq, at, actor_id, actor_name, role, action, entity, entity_id, before, after, bulk.hash,
                   hash);
        struct db_val v[] = {DBV_INT(seq),     DBV_INT(at),      DBV_INT(actor_id),   DBV_TEXT(actor_name),
                             DBV_TEXT(role),   DBV_TEXT(action), DBV_TEXT(entity),    DBV_INT(entity_id),
                             DBV_TEXT(before), DBV_TEXT(after),  DBV_TEXT(bulk.hash), DBV_TEXT(hash)};
        enum err e =
            db_exec(db,
                    "INSERT INTO audit_log (seq, at, actor_id, actor, role, action, entity, entity_id, "
                    "before, after, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                    "$11, $12)",
                    v, DB_NPARAMS(v));
        if (e == OK) {
            bulk.seq = seq;
            memcpy(bulk.hash, hash, HASH_HEX);
        }
        return e;
    }
    struct db_rows *r = NULL;
    enum err e =
        db_query(db, "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash", NULL, 0, &r);
    if (e != OK) return e;
    int64_t seq = 0;
    char prev[HASH_HEX] = "";
    int n = db_next(r);
    if (n == 1) {
        seq = db_int(r, 0);
        const char *p = db_text(r, 1);
        snprintf(prev, sizeof prev, "%s", p ? p : "");
    }
    e = n == 1 ? OK : n == 0 ? ERR_INTERNAL : db_rows_err(r);
    db_done(r);
    if (e != OK) return e;

    int64_t at = clock_now();
    int64_t actor_id = actor ? actor->user_id : 0;
    const char *actor_name = actor ? actor->username : "system";
    const char *role = actor ? role_name(actor->role) : "system";
    char hash[HASH_HEX];
    entry_hash(seq, at, actor_id, actor_name, role, action, entity, entity_id, before, after, prev, hash);
    struct db_val v[] = {DBV_INT(seq),     DBV_INT(at),      DBV_INT(actor_id), DBV_TEXT(actor_name),
                         DBV_TEXT(role),   DBV_TEXT(action), DBV_TEXT(entity),  DBV_INT(entity_id),
                         DBV_TEXT(before), DBV_TEXT(after),  DBV_TEXT(prev),    DBV_TEXT(hash)};
    e = db_exec(
        db,
        "INSERT INTO audit_log (seq, at, actor_id, actor, role, action, entity, entity_id, before, after, "
        "prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (bulk.active) {
        /* The first append of a bulk: the head is locked now; audit_bulk_end writes the final hash. */
        bulk.have_head = true;
        bulk.seq = seq;
        memcpy(bulk.hash, hash, HASH_HEX);
        return OK;
    }
    struct db_val h[] = {DBV_TEXT(hash)};
    return db_exec(db, "UPDATE audit_head SET hash = $1 WHERE id = 1", h, 1);
}

enum err audit_verify(struct db *db, int64_t *checked, int64_t *bad_seq)
{
    struct db_rows *r = NULL;
    *checked = 0;
    *bad_seq = 0;
    enum err e = db_query(db,
                          "SELECT seq, at, actor_id, actor, role, action, entity, entity_id, before, after, "
                          "prev_hash, hash FROM audit_log ORDER BY seq",
                          NULL, 0, &r);
    if (e != OK) return e;
    char prev[HASH_HEX] = "0000000000000000000000000000000000000000000000000000000000000000";
    int64_t expect = 1;
    int n;
    while ((n = db_next(r)) == 1) {
        int64_t seq = db_int(r, 0);
        char hash[HASH_HEX];
        entry_hash(seq, db_int(r, 1), db_int(r, 2), db_text(r, 3), db_text(r, 4), db_text(r, 5),
                   db_text(r, 6), db_int(r, 7), db_text(r, 8), db_text(r, 9), prev, hash);
        const char *stored_prev = db_text(r, 10), *stored = db_text(r, 11);
        if (seq != expect || !stored_prev || strcmp(stored_prev, prev) != 0 || !stored ||
            strcmp(stored, hash) != 0) {
            *bad_seq = seq != expect && seq > expect ? expect : seq;
            db_done(r);
            return ERR_STATE;
        }
        memcpy(prev, hash, HASH_HEX);
        expect++;
        (*checked)++;
    }
    e = n == 0 ? OK : db_rows_err(r);
    db_done(r);
    if (e != OK) return e;
    /* The head must point at the last entry, or the tail was cut off. */
    e = db_query(db, "SELECT seq, hash FROM audit_head WHERE id = 1", NULL, 0, &r);
    if (e != OK) return e;
    if (db_next(r) != 1 || db_int(r, 0) != expect - 1 || !db_text(r, 1) || strcmp(db_text(r, 1), prev) != 0) {
        *bad_seq = expect;
        e = ERR_STATE;
    }
    db_done(r);
    return e;
}
