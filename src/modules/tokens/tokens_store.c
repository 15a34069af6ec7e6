/* SQL of the API tokens: listing, creation, rotation, revocation, the request log and its purge, and the
 * registrar's authority. Tokens are stored as hashes only (src/auth/session.c). */
#include "modules/tokens/tokens.h"

#include "core/clock.h"
#include "modules/reference/settings.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_COLUMNS                                                                                        \
    "t.id, t.user_id, t.created_at, t.expires_at, t.revoked_at, t.rotated_from, t.rate_per_minute, t.name, " \
    "u.username, u.role, u.authority, "                                                                      \
    "(SELECT MAX(q.created_at) FROM token_requests q WHERE q.token_id = t.id)"

static int64_t int_or0(struct db_rows *r, int col)
{
    return db_isnull(r, col) ? 0 : db_int(r, col);
}

static void read_token(struct db_rows *r, struct arena *a, void *item)
{
    struct token_row *t = item;
    t->id = db_int(r, 0);
    t->user_id = db_int(r, 1);
    t->created_at = db_int(r, 2);
    t->expires_at = int_or0(r, 3);
    t->revoked_at = int_or0(r, 4);
    t->rotated_from = int_or0(r, 5);
    t->rate_per_minute = int_or0(r, 6);
    t->name = db_text_dup(r, 7, a);
    t->username = db_text_dup(r, 8, a);
    t->role = db_text_dup(r, 9, a);
    t->authority = db_text_dup(r, 10, a);
    t->last_used_at = int_or0(r, 11);
}

enum err tokens_list(struct db *db, struct arena *a, int64_t user_id, struct token_row **items, int *n)
{
    tokens_log_flush(db); /* last_used_at comes from the log */
    struct db_val v[] = {DBV_INT(user_id)};
    return db_get_all(db, a,
                      "SELECT " TOKEN_COLUMNS " FROM api_tokens t JOIN users u ON u.id = t.user_id "
                      "WHERE CAST($1 AS BIGINT) = 0 OR t.user_id = $1 ORDER BY t.id DESC",
                      v, 1, read_token, sizeof **items, 0, (void **)items, n);
}

enum err tokens_get(struct db *db, struct arena *a, int64_t id, struct token_row *out)
{
    tokens_log_flush(db);
    struct db_val v[] = {DBV_INT(id)};
    memset(out, 0, sizeof *out);
    return db_get_one(db, a,
                      "SELECT " TOKEN_COLUMNS " FROM api_tokens t JOIN users u ON u.id = t.user_id "
                      "WHERE t.id = $1",
                      v, 1, read_token, out);
}

/* ---- Create, rotate, revoke ------------------------------------------------------------------------------
 */

struct create_ctx {
    const struct principal *actor;
    const char *username, *name, *hash;
    int64_t expires_at, id;
};

static enum err create_tx(struct db *db, void *p)
{
    struct create_ctx *c = p;
    int64_t user_id = 0;
    struct db_val u[] = {DBV_TEXT(c->username)};
    enum err e =
        db_int_query(db, "SELECT id FROM users WHERE username = $1 AND disabled = 0", u, 1, &user_id);
    if (e != OK) return e;
    struct db_val v[] = {DBV_TEXT(c->hash), DBV_INT(user_id), DBV_INT(clock_now()), DBV_TEXT(c->name),
                         c->expires_at ? DBV_INT(c->expires_at) : DBV_NULL};
    e = db_int_query(db,
                     "INSERT INTO api_tokens (token_hash, user_id, created_at, name, expires_at) "
                     "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                     v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    json_t *after = json_pack("{s:I, s:s*, s:I}", "token_id", (json_int_t)c->id, "name", c->name,
                              "expires_at", (json_int_t)c->expires_at);
    char *txt = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(after);
    e = audit_append(db, c->actor, "token.create", "user", user_id, NULL, txt);
    free(txt);
    return e;
}

enum err tokens_create(struct db *db, struct arena *a, const struct principal *actor, const char *username,
                       const char *name, int64_t expires_at, char **token_out, int64_t *id_out)
{
    char token[64], hex[65];
    auth_token_new(token, hex);
    struct create_ctx c = {actor, username, name, hex, expires_at, 0};
    enum err e = db_tx(db, create_tx, &c);
    if (e != OK) return e;
    *token_out = arena_strdup(a, token);
    if (id_out) *id_out = c.id;
    return OK;
}

struct rotate_ctx {
    const struct principal *actor;
    struct arena *a;
    int64_t id, new_id, until;
    const char *hash;
};

static enum err rotate_tx(struct db *db, void *p)
{
    struct rotate_ctx *c = p;
    struct token_row t;
    enum err e = tokens_get(db, c->a, c->id, &t);
    if (e != OK) return e;
    int64_t now = clock_now();
    if ((t.revoked_at && t.revoked_at <= now) || (t.expires_at && t.expires_at <= now)) return ERR_STATE;
    int64_t grace = settings_get_int(db, TOKENS_SETTING_GRACE, TOKENS_DEFAULT_GRACE);
    if (grace < 0) grace = 0;
    c->until = now + grace;
    /* Rotating a token that is already ending (rotated before) never lengthens its life. */
    if (t.revoked_at && t.revoked_at < c->until) c->until = t.revoked_at;
    if (t.expires_at && t.expires_at < c->until) c->until = t.expires_at;
    struct db_val v[] = {DBV_TEXT(c->hash),
                         DBV_INT(t.user_id),
                         DBV_INT(now),
                         DBV_TEXT(t.name),
                         t.expires_at ? DBV_INT(t.expires_at) : DBV_NULL,
                         t.rate_per_minute ? DBV_INT(t.rate_per_minute) : DBV_NULL,
                         DBV_INT(t.id)};
    e = db_int_query(
        db,
        "INSERT INTO api_tokens (token_hash, user_id, created_at, name, expires_at, rate_per_minute, "
        "rotated_from) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        v, DB_NPARAMS(v), &c->new_id);
    if (e != OK) return e;
    struct db_val o[] = {DBV_INT(t.id), DBV_INT(c->until)};
    e = db_exec(db, "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1", o, 2);
    if (e != OK) return e;
    char after[128];
    snprintf(after, sizeof after, "{\"new_token_id\":%lld,\"old_valid_until\":%lld,\"token_id\":%lld}",
             (long long)c->new_id, (long long)c->until, (long long)t.id);
    return audit_append(db, c->actor, "token.rotate", "user", t.user_id, NULL, after);
}

enum err tokens_rotate(struct db *db, struct arena *a, const struct principal *actor, int64_t id,
                       char **token_out, int64_t *new_id, int64_t *old_until)
{
    char token[64], hex[65];
    auth_token_new(token, hex);
    struct rotate_ctx c = {actor, a, id, 0, 0, hex};
    enum err e = db_tx(db, rotate_tx, &c);
    if (e != OK) return e;
    *token_out = arena_strdup(a, token);
    *new_id = c.new_id;
    *old_until = c.until;
    return OK;
}

struct revoke_ctx {
    const struct principal *actor;
    int64_t id;
};

static enum err revoke_tx(struct db *db, void *p)
{
    struct revoke_ctx *c = p;
    int64_t now = clock_now(), user_id = 0;
    struct db_val k[] = {DBV_INT(c->id)};
    enum err e = db_int_query(db, "SELECT user_id FROM api_tokens WHERE id = $1", k, 1, &user_id);
    if (e != OK) return e;
    struct db_val v[] = {DBV_INT(c->id), DBV_INT(now)};
    e = db_exec(
        db, "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND (revoked_at IS NULL OR revoked_at > $2)",
        v, 2);
    if (e != OK) return e;
    if (db_changes(db) == 0) return ERR_STATE;
    char after[64];
    snprintf(after, sizeof after, "{\"token_id\":%lld}", (long long)c->id);
    return audit_append(db, c->actor, "token.revoke", "user", user_id, NULL, after);
}

enum err tokens_revoke(struct db *db, const struct principal *actor, int64_t id)
{
    struct revoke_ctx c = {actor, id};
    return db_tx(db, revoke_tx, &c);
}

/* ---- The request log ------------------------------------------------------------------------------------
 */

struct log_rows_ctx {
    const struct token_log_row *rows;
    int n;
};

static enum err log_rows_tx(struct db *db, void *ctx)
{
    const struct log_rows_ctx *c = ctx;
    for (int i = 0; i < c->n; i++) {
        const struct token_log_row *q = &c->rows[i];
        struct db_val v[] = {DBV_INT(q->token_id),  DBV_INT(q->at),     DBV_TEXT(q->method),
                             DBV_TEXT(q->path),     DBV_INT(q->status), DBV_INT(q->duration_ms),
                             DBV_TEXT(q->client_ip)};
        enum err e =
            db_exec(db,
                    "INSERT INTO token_requests (token_id, created_at, method, path, status, duration_ms, "
                    "client_ip) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    v, DB_NPARAMS(v));
        if (e != OK) return e;
    }
    return OK;
}

enum err tokens_store_log_rows(struct db *db, const struct token_log_row *rows, int n)
{
    struct log_rows_ctx c = {rows, n};
    return db_tx(db, log_rows_tx, &c);
}

static void read_request(struct db_rows *r, struct arena *a, void *item)
{
    struct token_request *q = item;
    q->id = db_int(r, 0);
    q->at = db_int(r, 1);
    q->method = db_text_dup(r, 2, a);
    q->path = db_text_dup(r, 3, a);
    q->status = db_int(r, 4);
    q->duration_ms = db_int(r, 5);
    q->client_ip = db_text_dup(r, 6, a);
}

enum err tokens_requests(struct db *db, struct arena *a, int64_t token_id, int limit,
                         struct token_request **items, int *n)
{
    tokens_log_flush(db);
    struct db_val v[] = {DBV_INT(token_id), DBV_INT(limit)};
    return db_get_all(
        db, a,
        "SELECT id, created_at, method, path, status, duration_ms, client_ip FROM token_requests "
        "WHERE token_id = $1 ORDER BY id DESC LIMIT $2",
        v, 2, read_request, sizeof **items, limit, (void **)items, n);
}

static void read_day_count(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    struct token_day_count *c = item;
    c->token_id = db_int(r, 0);
    c->day = db_int(r, 1);
    c->count = db_int(r, 2);
}

enum err tokens_day_counts(struct db *db, struct arena *a, int64_t from_day, struct token_day_count **items,
                           int *n)
{
    tokens_log_flush(db);
    /* CST days: the epoch seconds shifted by 8 hours, divided whole (integers on both engines). */
    struct db_val v[] = {DBV_INT(clock_day_start(from_day))};
    return db_get_all(db, a,
                      "SELECT token_id, (created_at + 28800) / 86400 AS day, COUNT(*) FROM token_requests "
                      "WHERE created_at >= $1 GROUP BY token_id, (created_at + 28800) / 86400 "
                      "ORDER BY token_id, day",
                      v, 1, read_day_count, sizeof **items, 0, (void **)items, n);
}

enum err tokens_purge_log(struct db *db, int64_t *deleted)
{
    int64_t days = settings_get_int(db, TOKENS_SETTING_LOG_DAYS, TOKENS_DEFAULT_LOG_DAYS);
    if (days < 1) days = 1;
    struct db_val v[] = {DBV_INT(clock_now() - days * 86400)};
    enum err e = db_exec(db, "DELETE FROM token_requests WHERE created_at < $1", v, 1);
    if (e == OK && deleted) *deleted = db_changes(db);
    return e;
}

/* ---- The registrar's authority --------------------------------------------------------------------------
 */

struct authority_ctx {
    const struct principal *actor;
    int64_t user_id;
    const char *code;
};

static enum err authority_tx(struct db *db, void *p)
{
    struct authority_ctx *c = p;
    struct db_val v[] = {DBV_INT(c->user_id), DBV_TEXT(c->code)};
    enum err e = db_exec(db, "UPDATE users SET authority = $2 WHERE id = $1 AND role = 'registrar'", v, 2);
    if (e != OK) return e;
    if (db_changes(db) == 0) return ERR_NOT_FOUND;
    json_t *after = json_pack("{s:s?}", "authority", c->code);
    char *txt = json_dumps(after, JSON_COMPACT);
    json_decref(after);
    e = audit_append(db, c->actor, "user.authority", "user", c->user_id, NULL, txt);
    free(txt);
    return e;
}

enum err tokens_set_authority(struct db *db, const struct principal *actor, int64_t user_id, const char *code)
{
    if (code && !reg_authority_by_code(code)) return ERR_VALIDATION;
    struct authority_ctx c = {actor, user_id, code};
    return db_tx(db, authority_tx, &c);
}
