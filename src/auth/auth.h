/* Accounts, roles, sessions, API tokens. Roles are bits so a route can allow several. */
#ifndef TUOYU_AUTH_H
#define TUOYU_AUTH_H
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

enum role {
    ROLE_ADMIN = 1u << 0,     /* system administrator */
    ROLE_CITY = 1u << 1,      /* city_official: 市卫健委, whole city */
    ROLE_COUNTY = 1u << 2,    /* county_official: one district's health bureau */
    ROLE_REGISTRAR = 1u << 3, /* registration authority, machine client */
    ROLE_INSPECTOR = 1u << 4, /* a department's inspector */
    ROLE_OPERATOR = 1u << 5,  /* one institution */
    ROLE_AUDITOR = 1u << 6,   /* read-only, whole city */
    ROLE_UNIT = 1u << 7, /* unit_officer: a joint-meeting unit's liaison (联席会议成员单位联络员) */
};
#define ROLES_ANY_USER  0xffu
#define ROLES_OFFICIALS (ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY | ROLE_AUDITOR)

/* "county_official" → ROLE_COUNTY; 0 for an unknown name. */
unsigned role_from_name(const char *name);
const char *role_name(unsigned role);
const char *role_name_zh(unsigned role);

/* Who is making a request. Strings live in the request arena. */
struct principal {
    int64_t user_id;
    const char *username;
    const char *display_name;
    unsigned role;
    const char *district;   /* county officials and inspectors: their district code; else NULL */
    const char *department; /* the inspecting department (departments.code): inspectors their own, city and
                             * county officials "health"; else NULL */
    const char *unit;       /* the joint-meeting unit (units.code): unit officers their own, city officials
                             * "health_commission" (the meeting's office); else NULL */
    int64_t institution_id; /* operators: their institution; else 0 */
    int64_t session_id;     /* cookie sessions: the session row; 0 for API tokens */
    int64_t token_id;       /* bearer tokens: the api_tokens row; 0 for cookie sessions */
    int64_t token_rate;     /* bearer tokens: requests per minute allowed (override or setting) */
    const char *authority;  /* registrars: their registration authority code (market, civil, bianban,
                             * approval); NULL: every authority */
    const char *csrf;       /* cookie sessions: the CSRF token to expect on writes */
};

/* Whether p may see data of district (county officials and inspectors only their own; officials of the
 * city, admins and auditors all; others none). */
bool auth_sees_district(const struct principal *p, const char *district);

/* Start-up: libsodium init and the hashing semaphore sized to the cores. Call once before any other. */
enum err auth_init(void);

/* Argon2id hash of a password into out (crypto_pwhash_STRBYTES). Blocks ~0.1 s and waits for a slot:
 * at most one hash per core runs at once. */
enum err auth_hash_password(const char *password, char *out, size_t out_size);
bool auth_check_password(const char *hash, const char *password);

/* Create a user. password must be at least 10 characters. department (departments.code) goes with inspectors
 * only; NULL for an inspector means "health". unit (units.code) goes with unit officers only, and they need
 * one. Returns ERR_CONFLICT when the name is taken, ERR_VALIDATION for a bad role/district/department/unit/
 * institution combination. Runs its own transaction and audit entry (actor NULL = the command line). */
enum err user_create(struct db *db, const struct principal *actor, const char *username,
                     const char *role_name, const char *district, const char *department, const char *unit,
                     int64_t institution_id, const char *password, int64_t *user_id);

struct user_row {
    int64_t id, institution_id, created_at;
    const char *username, *role, *district, *department, *unit;
    bool disabled;
};
/* Every account, by name (strings in a). */
enum err user_list(struct db *db, struct arena *a, struct user_row **items, int *n);

/* Verify a username and password; on success create a session (8 hours) and return its token (43 chars,
 * to be set as a cookie) and the principal. ERR_LOGIN_FAILED on any mismatch. Throttles per account and
 * per IP: ERR_THROTTLED. */
enum err session_login(struct db *db, struct arena *a, const char *username, const char *password,
                       const char *ip, char token_out[64], struct principal *out);
/* Resolve a session cookie token; ERR_UNAUTHENTICATED when missing or expired. */
enum err session_lookup(struct db *db, struct arena *a, const char *token, struct principal *out);
/* End who's cookie session (audited). */
enum err session_logout(struct db *db, const struct principal *who);

/* A new random token (43 characters, NUL-terminated) and its stored hash (64 hex digits). Never blocks. */
void auth_token_new(char out[64], char hash_out[65]);
/* Resolve a bearer token: unrevoked (or rotated and still in its grace period), unexpired, of an enabled
 * account. Fills out->token_id and out->token_rate too. */
enum err token_lookup(struct db *db, struct arena *a, const char *token, struct principal *out);

/* Append to the hash-chained audit log, inside the caller's transaction. actor NULL means the command line
 * ("system"). before/after are JSON texts or NULL; they must not contain ID numbers in clear. */
enum err audit_append(struct db *db, const struct principal *actor, const char *action, const char *entity,
                      int64_t entity_id, const char *before, const char *after);
/* Bulk appends (an import's single transaction): between begin and end, audit_append keeps the chain's head
 * in memory after reading it once, and end writes it back — one update of audit_head instead of one per entry
 * (thousands of updates of one row in one PostgreSQL transaction slow every later statement). end must run
 * inside the same transaction, before it commits; after a rollback call it anyway (it then does nothing
 * useful, and the transaction's end discards it). Per thread. */
void audit_bulk_begin(void);
enum err audit_bulk_end(struct db *db);

/* Walk the chain from the start. OK when intact; otherwise ERR_STATE and *bad_seq = first bad entry. */
enum err audit_verify(struct db *db, int64_t *checked, int64_t *bad_seq);

#endif
