/* Credit records of institutions (机构信用记录): bad records with their source, deciding authority, decision
 * and publicity period (公示期), shown on the portal while in force, revocable (信用修复) with a reason, and
 * exported for the credit platforms (信用中国/信用湖北). Persons' credit records are another thing
 * (modules/people). Pure rules in credit_rules.c, SQL in credit_store.c, handlers in credit_api.c and
 * credit_pages.c. */
#ifndef TUOYU_CREDIT_H
#define TUOYU_CREDIT_H
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"

#include <stdbool.h>
#include <stdint.h>

enum credit_kind {
    CREDIT_OPERATING_UNFILED,
    CREDIT_SERIOUS_VIOLATION,
    CREDIT_REPEATED_VIOLATION,
    CREDIT_ABUSE,
    CREDIT_FRAUD,
    CREDIT_OTHER,
    CREDIT__COUNT
};
extern const char *const credit_kind_names[];    /* "operating_unfiled", …, NULL */
extern const char *const credit_kind_names_zh[]; /* 未备案擅自开展托育服务 … */

enum credit_status { CREDIT_ACTIVE, CREDIT_REVOKED, CREDIT__STATUS_COUNT };
extern const char *const credit_status_names[]; /* "active", "revoked", NULL */
enum credit_event { CREDIT_EV_REVOKE, CREDIT_EV__COUNT };

/* ---- Rules (credit_rules.c, pure) ---- */

/* The default publicity period of a kind, in years, and the clause it comes from (a local setting, written
 * as such: see credit_rules.c). kind out of range → 1 year. */
int credit_publicity_years(int kind);
extern const char *const credit_publicity_clause;
/* The last day (inclusive) of a publicity period of the kind's default length starting on from: the same
 * calendar day that many years later, minus one day (29 February → 28 February in a common year). */
int64_t credit_default_until(int kind, int64_t from);
/* In force on today: active and publicity_from ≤ today ≤ publicity_until. */
bool credit_in_force(int status, int64_t publicity_from, int64_t publicity_until, int64_t today);
/* The status a record moves to when role fires event from status; -1 when refused. */
int credit_transition(int from, int event, unsigned role);
/* Whether text holds something that looks like an ID number or a mobile number (a run of 11 or more digits,
 * an ID's final X included), which must never reach a credit record, its export or the portal. */
bool credit_text_has_number(const char *s);
/* Index of name in a NULL-terminated list; -1 when absent or NULL. */
int credit_index(const char *const *names, const char *name);

/* ---- Store (credit_store.c) ---- */

struct credit_record {
    int64_t id, institution_id;
    const char *institution_name, *uscc, *district_code, *district_name;
    int kind;   /* enum credit_kind */
    int status; /* enum credit_status */
    const char *source, *summary, *authority, *decision_number, *revoked_reason;
    int64_t decided_on, publicity_from, publicity_until; /* days */
    int64_t created_at, revoked_at;                      /* epoch seconds; revoked_at 0 when active */
    bool in_force;                                       /* as of today */
};

struct credit_filter {
    const char *district;   /* NULL: any */
    int kind;               /* -1: any */
    int in_force;           /* -1: any, 0: not in force, 1: in force */
    int64_t institution_id; /* 0: any */
    int64_t page, per_page; /* 1-based; per_page 0: every row (exports) */
};

/* Record a credit record for an institution from a JSON body (validated here: every bad field into fe).
 * who must be admin, city, or a county official of the institution's district (else ERR_NOT_FOUND, as for
 * an institution that does not exist). One transaction with its audit entry. *out (strings in a) on success.
 */
enum err credit_add_json(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                         json_t *body, struct field_errors *fe, struct credit_record *out);
/* Revoke a record (信用修复) with a reason (1..1000 characters, into fe when bad). ERR_NOT_FOUND outside
 * who's territory, ERR_STATE when already revoked. One transaction with its audit entry. */
enum err credit_revoke(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                       const char *reason, struct field_errors *fe, struct credit_record *out);
/* One record (strings in a); ERR_NOT_FOUND when absent. Territory is the caller's business. */
enum err credit_get(struct db *db, struct arena *a, int64_t id, struct credit_record *out);
/* Records matching f, newest first, and their total. */
enum err credit_list(struct db *db, struct arena *a, const struct credit_filter *f,
                     struct credit_record **items, int *n, int64_t *total);
/* The records of an institution in force on today, newest first (for the portal and its disclosure). */
enum err credit_in_force_list(struct db *db, struct arena *a, int64_t inst_id, int64_t today,
                              struct credit_record **items, int *n);

/* JSON of a record; full adds what only officials see (source, revocation, created_at). New reference. */
json_t *credit_json(const struct credit_record *c, bool full);

/* Demo: a few records for filed institutions, one of them revoked. Deterministic; actor "system". */
enum err credit_demo_load(struct db *db, struct arena *a);

/* ---- Handlers ---- */
enum err credit_api_add_inst(struct req *r,
                             struct resp *out); /* POST /api/v1/institutions/{id}/credit-records */
enum err credit_api_list_inst(struct req *r, struct resp *out); /* GET /api/v1/institution-credit-records */
enum err credit_api_revoke(struct req *r,
                           struct resp *out); /* POST …/institution-credit-records/{id}/revoke */
enum err credit_api_export(struct req *r, struct resp *out); /* GET …/institution-credit-records/export */
enum err credit_api_public(struct req *r,
                           struct resp *out); /* GET /api/v1/public/institutions/{id}/credit-records */
enum err page_credit(struct req *r, struct resp *out);      /* GET /dash/credit */
enum err page_credit_post(struct req *r, struct resp *out); /* POST /dash/credit */

#endif
