/* Cookie sessions, API tokens and login throttling. Tokens are 32 random bytes in URL-safe base64; only their
 * BLAKE2b hash is stored, so a copy of the database does not let anyone log in. */
#include "auth/auth.h"
#include "core/clock.h"
#include "core/log.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SESSION_SECONDS  (8 * 3600)
#define THROTTLE_WINDOW  900
#define THROTTLE_ACCOUNT 5
#define THROTTLE_IP      20
#define THROTTLE_SLOTS   1024

/* Failed logins in a fixed window, per key ("u:NAME" or "i:IP"). In memory: a restart forgives, which is
 * acceptable; several servers each count their own (documented in docs/deployment.md). */
static struct {
    char key[96];
    int64_t window_start;
    int fails;
} throttle[THROTTLE_SLOTS];
static pthread_mutex_t throttle_mu = PTHREAD_MUTEX_INITIALIZER;

static unsigned slot_of(const char *key)
{
    unsigned h = 2166136261u;
    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 16777619u;
    return h % THROTTLE_SLOTS;
}

static int throttle_fails(const char *key, int64_t now, int add)
{
    pthread_mutex_lock(&throttle_mu);
    unsigned i = slot_of(key);
    if (strcmp(throttle[i].key, key) != 0 || now - throttle[i].window_start > THROTTLE_WINDOW) {
        snprintf(throttle[i].key, sizeof throttle[i].key, "%s", key);
        throttle[i].window_start = now;
        throttle[i].fails = 0;
    }
    throttle[i].fails += add;
    int n = throttle[i].fails;
    pthread_mutex_unlock(&throttle_mu);
    return n;
}

static void new_token(char out[64])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, 64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void token_hash(const char *token, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    char pw[64];
    new_token(pw);
    if (auth_hash_password(pw, dummy_hash, sizeof dummy_hash) != OK) dummy_hash[0] = 0;
}

#define USER_COLS                                                                                            \
    "u.id, u.username, u.role, u.district_code, u.institution_id, u.department_code, u.unit_code, "          \
    "u.authority"

static void read_principal(struct db_rows *r, struct arena *a, struct principal *out)
{
    memset(out, 0, sizeof *out);
    out->user_id = db_int(r, 0);
    out->username = db_text_dup(r, 1, a);
    out->role = role_from_name(db_text(r, 2));
    out->district = db_text_dup(r, 3, a);
    out->institution_id = db_isnull(r, 4) ? 0 : db_int(r, 4);
    out->department = db_text_dup(r, 5, a);
    if (!out->department && (out->role == ROLE_CITY || out->role == ROLE_COUNTY)) out->department = "health";
    out->unit = db_text_dup(r, 6, a);
    if (!out->unit && out->role == ROLE_CITY) out->unit = "health_commission";
    out->authority = out->role == ROLE_REGISTRAR ? db_text_dup(r, 7, a) : NULL;
}

struct login_ctx {
    const struct principal *who;
    const char *hash, *csrf;
    int64_t now, id;
};

static enum err login_tx(struct db *db, void *p)
{
    struct login_ctx *c = p;
    struct db_val v[] = {DBV_TEXT(c->hash), DBV_INT(c->who->user_id), DBV_TEXT(c->csrf), DBV_INT(c->now),
                         DBV_INT(c->now + SESSION_SECONDS)};
    enum err e = db_int_query(db,
                              "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) "
                              "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                              v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    struct db_val old[] = {DBV_INT(c->now)};
    e = db_exec(db, "DELETE FROM sessions WHERE expires_at < $1", old, 1);
    if (e != OK) return e;
    return audit_append(db, c->who, "session.login", "user", c->who->user_id, NULL, NULL);
}

enum err session_login(struct db *db, struct arena *a, const char *username, const char *password,
                       const char *ip, char token_out[64], struct principal *out)
{
    int64_t now = clock_now();
    char ukey[96], ikey[96];
    snprintf(ukey, sizeof ukey, "u:%s", username);
    snprintf(ikey, sizeof ikey, "i:%s", ip ? ip : "?");
    if (throttle_fails(ukey, now, 0) >= THROTTLE_ACCOUNT || throttle_fails(ikey, now, 0) >= THROTTLE_IP)
        return ERR_THROTTLED;

    struct db_rows *r = NULL;
    struct db_val v[] = {DBV_TEXT(username)};
    enum err e = db_query(db,
                          "SELECT " USER_COLS ", u.password_hash FROM users u WHERE u.username = $1 AND "
                          "u.disabled = 0",
                          v, 1, &r);
    if (e != OK) return e;
    char *hash = NULL;
    if (db_next(r) == 1) {
        read_principal(r, a, out);
        hash = db_text_dup(r, 8, a);
    }
    db_done(r);
    /* A missing user still costs one hash, so timing does not reveal which names exist. */
    pthread_once(&dummy_once, make_dummy);
    bool ok = auth_check_password(hash ? hash : dummy_hash, password) && hash;
    if (!ok) {
        throttle_fails(ukey, now, 1);
        throttle_fails(ikey, now, 1);
        return ERR_LOGIN_FAILED;
    }
    char hex[65], csrf[64];
    new_token(token_out);
    new_token(csrf);
    token_hash(token_out, hex);
    struct login_ctx c = {out, hex, csrf, now, 0};
    e = db_tx(db, login_tx, &c);
    if (e != OK) return e;
    out->session_id = c.id;
    out->csrf = arena_strdup(a, csrf);
    return OK;
}

enum err session_lookup(struct db *db, struct arena *a, const char *token, struct principal *out)
{
    if (!token || strlen(token) != 43) return ERR_UNAUTHENTICATED;
    char hex[65];
    token_hash(token, hex);
    struct db_val v[] = {DBV_TEXT(hex), DBV_INT(clock_now())};
    struct db_rows *r = NULL;
    enum err e =
        db_query(db,
                 "SELECT " USER_COLS ", s.id, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id "
                 "WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
                 v, 2, &r);
    if (e != OK) return e;
    if (db_next(r) == 1) {
        read_principal(r, a, out);
        out->session_id = db_int(r, 8);
        out->csrf = db_text_dup(r, 9, a);
    } else {
        e = ERR_UNAUTHENTICATED;
    }
    db_done(r);
    return e;
}

struct logout_ctx {
    const struct principal *who;
};

static enum err logout_tx(struct db *db, void *p)
{
    struct logout_ctx *c = p;
    struct db_val v[] = {DBV_INT(c->who->session_id)};
    enum err e = db_exec(db, "DELETE FROM sessions WHERE id = $1", v, 1);
    if (e != OK) return e;
    return audit_append(db, c->who, "session.logout", "user", c->who->user_id, NULL, NULL);
}

enum err session_logout(struct db *db, const struct principal *who)
{
    struct logout_ctx c = {who};
    return db_tx(db, logout_tx, &c);
}

enum err token_lookup(struct db *db, struct arena *a, const char *token, struct principal *out)
{
    if (!token || strlen(token) != 43) return ERR_UNAUTHENTICATED;
    char hex[65];
    token_hash(token, hex);
    struct db_val v[] = {DBV_TEXT(hex), DBV_INT(clock_now())};
    struct db_rows *r = NULL;
    enum err e = db_query(db,
                          "SELECT " USER_COLS ", t.id, t.rate_per_minute, "
                          "(SELECT s.value FROM settings s WHERE s.key = 'token_rate_per_minute') "
                          "FROM api_tokens t JOIN users u ON u.id = t.user_id "
                          "WHERE t.token_hash = $1 AND (t.revoked_at IS NULL OR t.revoked_at > $2) "
                          "AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.disabled = 0",
                          v, 2, &r);
    if (e != OK) return e;
    if (db_next(r) == 1) {
        read_principal(r, a, out);
        out->token_id = db_int(r, 8);
        /* The per-token override, else the setting, else 600 a minute. */
        out->token_rate = 600;
        if (!db_isnull(r, 9)) {
            out->token_rate = db_int(r, 9);
        } else if (db_text(r, 10)) {
            char *end;
            long long n = strtoll(db_text(r, 10), &end, 10);
            if (*end == 0 && n > 0) out->token_rate = n;
        }
    } else {
        e = ERR_UNAUTHENTICATED;
    }
    db_done(r);
    return e;
}

void auth_token_new(char out[64], char hash_out[65])
{
    new_token(out);
    token_hash(out, hash_out);
}
