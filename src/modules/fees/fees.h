/* Fees (收费): each institution's published fee schedule per service type, every change kept as a new row,
 * and the guideline caps (指导价上限) a county sets for inclusive (普惠) and non-profit institutions. A
 * current fee above the cap that applies is a live compliance finding ("fee_above_cap", see
 * modules/compliance). Pure rules in fee_rules.c, SQL in fee_store.c, handlers and pages in fee_api.c. */
#ifndef TUOYU_FEES_H
#define TUOYU_FEES_H
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"
#include "modules/compliance/compliance.h" /* struct cmp_fee_breach */

#include <stdbool.h>
#include <stdint.h>

/* Kinds of institution a cap is set for. */
enum fee_cap_kind { CAP_INCLUSIVE, CAP_NON_PROFIT, CAP__COUNT };
extern const char *const fee_cap_kind_names[];    /* "inclusive", "non_profit", NULL */
extern const char *const fee_cap_kind_names_zh[]; /* 普惠性机构, 非营利性机构 */

/* The upper bound of a fee or cap: 1,000,000 yuan. */
#define FEE_MAX_FEN 100000000LL

/* ---- Rules (fee_rules.c, pure) ---- */

/* One row of an institution's schedule or of a district's caps, as the rules see it. */
struct fee_row {
    int64_t id;
    int service_type; /* enum service_type */
    int cap_kind;     /* caps: enum fee_cap_kind; fees: unused */
    int64_t fen;      /* per month; hourly: per hour */
    int64_t effective_from;
    int64_t created_at; /* when the row was recorded (epoch seconds) */
};

/* Whether legal_form ("enterprise", "social_org", "public_institution") is a non-profit one. */
bool fee_non_profit(const char *legal_form);
/* Whether a cap of kind applies to an institution that is inclusive or non-profit. */
bool fee_cap_applies(int cap_kind, bool inclusive, bool non_profit);
/* The current row of service type (and cap kind, when cap_kind >= 0) among rows: the latest effective_from
 * on or before today, ties broken by the larger id. -1 when none is in effect yet. */
int fee_current(const struct fee_row *rows, int n, int service_type, int cap_kind, int64_t today);
/* The applicable cap of a service type for an institution: the lowest current cap among the kinds that
 * apply to it; -1 when none applies. */
int fee_applicable_cap(const struct fee_row *caps, int n, int service_type, bool inclusive, bool non_profit,
                       int64_t today);
/* Compare every current fee with its applicable cap; write up to max breaches (fee above cap) to out and
 * return how many there are. */
int fee_breaches(const struct fee_row *fees, int nfees, const struct fee_row *caps, int ncaps, bool inclusive,
                 bool non_profit, int64_t today, struct cmp_fee_breach *out, int max);

/* ---- Store (fee_store.c) ---- */

struct fee_item {
    int service_type;
    int64_t fen, effective_from;
};
/* Record a change of the schedule (one new row per item), audit it and refresh the institution's compliance,
 * all inside the caller's transaction. Items are validated by the caller. */
enum err fee_set_in_tx(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                       const struct fee_item *items, int n, int64_t now);
/* Record a cap (validated by the caller), audit it and refresh every institution of the district that has
 * fees, inside the caller's transaction. *id gets the new row's id. */
enum err fee_cap_add_in_tx(struct db *db, struct arena *a, const struct principal *who, const char *district,
                           int service_type, int cap_kind, int64_t cap_fen, int64_t effective_from,
                           const char *basis, int64_t now, int64_t *id);
/* Every schedule row of an institution (oldest first; strings none) into *rows. */
enum err fee_rows(struct db *db, struct arena *a, int64_t inst_id, struct fee_row **rows, int *n);
/* Every cap row of a district (oldest first). */
enum err fee_cap_rows(struct db *db, struct arena *a, const char *district, struct fee_row **rows, int *n);
/* Compliance's hook: the current fees of an institution above the cap that applies on today (see
 * compliance.h). Arrays in a. */
enum err fee_breaches_in_tx(struct db *db, struct arena *a, int64_t inst_id, int64_t today,
                            const struct cmp_fee_breach **out, int *n);

/* Parse and validate a change of the schedule from a JSON body {items:[{service_type, monthly_fen,
 * effective_from}]} (every bad field into fe), then record it (fee_set_in_tx) in one transaction. who must be
 * the institution's operator (ERR_NOT_FOUND otherwise). effective_from: today up to a year ahead (a fee is
 * never backdated); a service type at most once; only types the institution filed, when it filed any. */
enum err fee_set_json(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                      json_t *body, struct field_errors *fe);
/* Parse and validate a cap from a JSON body {district_code, service_type, applies_to, cap_fen,
 * effective_from, basis} and record it in one transaction. A county official outside its district:
 * ERR_NOT_FOUND. *id: the new cap. */
enum err fee_cap_add_json(struct db *db, struct arena *a, const struct principal *who, json_t *body,
                          struct field_errors *fe, int64_t *id);

/* An institution's schedule as people read it: every row, newest first, each marked as history, current or
 * upcoming; current rows carry the cap that applies. */
enum fee_line_state { FEE_HISTORY, FEE_CURRENT, FEE_UPCOMING };
struct fee_line {
    int64_t id, fen, effective_from, created_at;
    int service_type, state;
    int64_t cap_fen; /* current rows: the applicable cap, -1 none */
    int cap_kind;    /* its kind, -1 none */
    bool above_cap;
};
struct fee_view {
    int64_t institution_id;
    bool inclusive, non_profit;
    unsigned service_types; /* filed service types (bits) */
    struct fee_line *lines;
    int n;
    int64_t last_changed_on; /* the latest effective_from among current rows; 0 none */
};
/* Fill *out for an institution on today (arrays in a). ERR_NOT_FOUND when there is no such institution. */
enum err fee_view_get(struct db *db, struct arena *a, int64_t inst_id, int64_t today, struct fee_view *out);
/* JSON of a view: {institution_id, current:[…], upcoming:[…], last_changed_on} plus history:[…] when asked;
 * public: without caps and history. New reference. */
json_t *fee_view_json(const struct fee_view *v, bool history, bool public_view);

/* A district's caps as the caps page and API list them. */
struct fee_cap_row {
    int64_t id, cap_fen, effective_from, created_at;
    int service_type, cap_kind;
    const char *district_code, *district_name, *basis;
    bool current; /* the one in effect today for its district, service type and kind */
};
/* Caps of district (NULL: all), newest effective first; history false: only current and future ones. */
enum err fee_cap_list(struct db *db, struct arena *a, const char *district, bool history, int64_t today,
                      struct fee_cap_row **items, int *n);

/* Demo: fees for every filed institution, caps for 420303 and 420302, one inclusive institution above the
 * cap. Deterministic; actor "system". */
enum err fee_demo_load(struct db *db, struct arena *a);

/* ---- Handlers (fee_api.c) ---- */
enum err fee_api_set(struct req *r, struct resp *out);        /* POST /api/v1/institutions/{id}/fees */
enum err fee_api_get(struct req *r, struct resp *out);        /* GET  /api/v1/institutions/{id}/fees */
enum err fee_api_public(struct req *r, struct resp *out);     /* GET  /api/v1/public/institutions/{id}/fees */
enum err fee_api_cap_add(struct req *r, struct resp *out);    /* POST /api/v1/fee-caps */
enum err fee_api_cap_list(struct req *r, struct resp *out);   /* GET  /api/v1/fee-caps */
enum err page_operator_fees(struct req *r, struct resp *out); /* GET  /operator/fees */
enum err page_operator_fees_post(struct req *r, struct resp *out); /* POST /operator/fees */
enum err page_fee_caps(struct req *r, struct resp *out);           /* GET  /dash/fee-caps */
enum err page_fee_caps_post(struct req *r, struct resp *out);      /* POST /dash/fee-caps */

#endif
