/* Policy support (政策支持) from the plan: subsidies per institution and year (construction, operating,
 * 以奖代补 awards) with application, county decision and payment; the plan's promises per institution
 * (政策落实: residential utility prices, liability and accident insurance, training and skill-certification
 * subsidies) declared by the operator and confirmed by the county; demonstration institutions
 * (示范性托育机构) applied for, evaluated and designated by the county or the city. support_rules.c holds the
 * pure rules (transition tables, the once-per-year-and-type rule), subsidy_store.c and support_store.c the
 * SQL, support_api.c and support_pages.c the handlers. */
#ifndef TUOYU_SUPPORT_H
#define TUOYU_SUPPORT_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"
#include "modules/institution/inst.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- For other modules (the county assessment) --------------------------------------------------------- */

/* Demonstration institutions of district (a district code; NULL: the whole city) in force at the end of
 * year: designated (at county or city level) on or before 31 December of year, at an institution that is
 * still filed. Writes the count to *n. Reads only; no transaction needed. ERR_DB on failure. */
enum err support_demonstrations_count(struct db *db, const char *district, int year, int64_t *n);
/* support_demonstrations_count of every district that has one, in one grouped query: *rows (arena). Reads
 * only. ERR_DB on failure. */
enum err support_demonstrations_by_district(struct db *db, struct arena *a, int year,
                                            struct district_count **rows, int *n);

/* Subsidies of district (NULL: the whole city) for year: *approved_fen the amounts approved (rows approved or
 * paid), *paid_fen the amounts paid (rows paid), *paid_count the number of rows paid. Any out pointer may be
 * NULL. Reads only. */
enum err support_subsidies_total(struct db *db, const char *district, int year, int64_t *approved_fen,
                                 int64_t *paid_fen, int64_t *paid_count);

/* ---- Rules (support_rules.c; pure) --------------------------------------------------------------------- */

struct support_transition {
    int from, event, to;
    unsigned roles; /* enum role bits that may fire it */
};

enum subsidy_type { ST_CONSTRUCTION, ST_OPERATING, ST_AWARD, ST__COUNT };
extern const char *const subsidy_type_names[];    /* "construction", "operating", "award", NULL */
extern const char *const subsidy_type_names_zh[]; /* 建设补贴 运营补贴 以奖代补 */
enum subsidy_status { SS_NONE, SS_APPLIED, SS_APPROVED, SS_REJECTED, SS_PAID, SS__COUNT };
extern const char *const subsidy_status_names[]; /* "none", "applied", "approved", "rejected", "paid", NULL */
extern const char *const subsidy_status_names_zh[];
enum subsidy_event { SE_APPLY, SE_APPROVE, SE_REJECT, SE_PAY, SE__COUNT };
extern const char *const subsidy_event_names[]; /* "apply", "approve", "reject", "pay", NULL */
extern const char *const subsidy_event_names_zh[];

/* The subsidy workflow table and (n not NULL) its length. Static storage. */
const struct support_transition *subsidy_transitions(int *n);
/* OK (target in *to when to is not NULL), ERR_FORBIDDEN when role never fires event, ERR_STATE when it does
 * but not from status from. */
enum err subsidy_check(int from, int event, unsigned role, int *to);
/* The once-per-year-and-type rule. others has a bit (1u << status) per status of the institution's OTHER
 * subsidy rows of the same year and type. An application is refused while another row is not rejected; an
 * approval while another is approved or paid; a payment while another is paid. Returns a Chinese reason
 * (static storage) or NULL when allowed. */
const char *subsidy_once_problem(int event, unsigned others);
/* Whether a subsidy of type needs a number of places (construction: new places; operating: places). */
bool subsidy_needs_places(int type);
/* Years accepted for a subsidy or a demonstration application: SUPPORT_YEAR_MIN .. this year + 1. */
#define SUPPORT_YEAR_MIN 2020
/* Amounts: 1 fen .. SUPPORT_AMOUNT_MAX_FEN (1 亿元). */
#define SUPPORT_AMOUNT_MAX_FEN 10000000000LL
#define SUPPORT_TEXT_MAX       1000

enum dem_status { DS_NONE, DS_APPLIED, DS_EVALUATED, DS_DESIGNATED, DS_REJECTED, DS__COUNT };
extern const char *const dem_status_names[]; /* "none", "applied", "evaluated", "designated", "rejected" */
extern const char *const dem_status_names_zh[];
enum dem_event { DE_APPLY, DE_EVALUATE, DE_DESIGNATE, DE_REJECT, DE__COUNT };
extern const char *const dem_event_names[]; /* "apply", "evaluate", "designate", "reject", NULL */
extern const char *const dem_event_names_zh[];
enum dem_level { DL_COUNTY, DL_CITY, DL__COUNT };
extern const char *const dem_level_names[];    /* "county", "city", NULL */
extern const char *const dem_level_names_zh[]; /* 县级 市级 */

/* The demonstration workflow table and its length. Static storage. */
const struct support_transition *dem_transitions(int *n);
/* As subsidy_check, for the demonstration workflow. */
enum err dem_check(int from, int event, unsigned role, int *to);
/* The level a role designates at: county officials DL_COUNTY, city officials DL_CITY. A Chinese reason
 * (static) when role may not designate at level, NULL when it may. */
const char *dem_level_problem(unsigned role, int level);

/* Territory for the officials' moves: county officials only in their own district, city officials (and the
 * system, role 0) everywhere. Strings borrowed; NULL never matches. */
bool support_may_act(unsigned role, const char *district, const char *inst_district);

/* Parse a name of a NULL-terminated list; -1 for NULL or unknown. */
int support_name_index(const char *const *names, const char *s);

/* The plan's promises: how many of the five are met on day today (residential utility prices, liability
 * insurance valid on today, accident insurance, training subsidy, skill subsidy). */
int policy_met_count(bool utility, int64_t liability_until /* 0: none */, bool accident, bool training,
                     bool skill, int64_t today);

/* ---- Subsidies (subsidy_store.c) ----------------------------------------------------------------------- */

struct subsidy {
    int64_t id, institution_id, year;
    const char *type, *status; /* names */
    int64_t amount_applied_fen, places;
    const char *basis;
    int64_t applied_at, decided_at /* 0: not yet */, amount_approved_fen /* 0 unless approved/paid */;
    const char *decision_reason; /* NULL */
    int64_t paid_on /* day, 0 */, paid_fen /* 0 */, version, updated_at;
    const char *institution_name, *district_code, *district_name;
};

struct subsidy_filter {
    const char *district;   /* NULL: any */
    int64_t institution_id; /* 0: any */
    int year;               /* 0: any */
    const char *status;     /* NULL: any */
    const char *type;       /* NULL: any */
    int page;               /* 1-based */
};
#define SUBSIDY_PER_PAGE 50

struct subsidy_apply_in {
    int64_t institution_id, year;
    int type; /* enum subsidy_type */
    int64_t amount_fen, places;
    const char *basis;
};

/* A decision or payment: SE_APPROVE (amount_fen > 0, reason optional), SE_REJECT (reason required), SE_PAY
 * (paid_on not after today nor before the approval day, paid_fen 1..approved). expected_version 0 skips the
 * version check. */
struct subsidy_move {
    int event;
    int64_t amount_fen;
    const char *reason;
    int64_t paid_on, paid_fen, expected_version;
};

struct subsidy_total_row {
    const char *district_code, *district_name, *type;
    int64_t applications, approved_count, paid_count, applied_fen, approved_fen, paid_fen;
};

enum err subsidy_get(struct db *db, struct arena *a, int64_t id, struct subsidy *out);
/* A page of subsidies, newest first, and the total count. Arena array, NULL when none. */
enum err subsidy_list(struct db *db, struct arena *a, const struct subsidy_filter *f, struct subsidy **items,
                      int *n, int64_t *total);
/* Apply (who NULL = system; operators for their own institution, county officials for their district).
 * The institution must be filed (ERR_STATE); a second non-rejected row for the same year and type is
 * ERR_STATE with *detail (static or arena) saying why. Field problems: ERR_VALIDATION in fe. One transaction
 * with its audit entry. Operators asking about another institution and county officials about another
 * district get ERR_NOT_FOUND. */
enum err subsidy_apply(struct db *db, struct arena *a, const struct principal *who,
                       const struct subsidy_apply_in *in, struct field_errors *fe, const char **detail,
                       struct subsidy *out);
/* Decide or pay a subsidy (see struct subsidy_move). ERR_NOT_FOUND outside who's territory, ERR_FORBIDDEN
 * for a role the table refuses, ERR_STATE (with *detail) for a refused move or the once rule, ERR_CONFLICT
 * for a stale version, ERR_VALIDATION for bad fields. */
enum err subsidy_decide(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                        const struct subsidy_move *m, struct field_errors *fe, const char **detail,
                        struct subsidy *out);
/* Totals of year by district and type (rows with at least one application), district NULL: the whole city.
 * Ordered by the districts' order, then type. */
enum err subsidy_totals(struct db *db, struct arena *a, const char *district, int year,
                        struct subsidy_total_row **items, int *n);

/* ---- Promises and demonstrations (support_store.c) ----------------------------------------------------- */

struct policy {
    int64_t institution_id;
    bool declared; /* false: nothing declared yet (version 0) */
    bool utility_residential, accident_insurance, training_subsidy, skill_subsidy;
    int64_t liability_until; /* day; 0: none */
    const char *note;        /* NULL */
    int64_t confirmed_on;    /* day; 0: not confirmed since the last declaration */
    int64_t version, updated_at;
    const char *institution_name, *district_code;
};
struct policy_change {
    int64_t version, at;
    const char *kind; /* "declare" | "confirm" */
    const char *by_name;
    bool utility_residential, accident_insurance, training_subsidy, skill_subsidy;
    int64_t liability_until, confirmed_on;
    const char *note;
};

/* The promises of an institution (declared false and version 0 when never declared). ERR_NOT_FOUND when the
 * institution does not exist. */
enum err policy_get(struct db *db, struct arena *a, int64_t institution_id, struct policy *out);
/* Its history, newest first. */
enum err policy_history(struct db *db, struct arena *a, int64_t institution_id, struct policy_change **items,
                        int *n);
/* The operator declares (in: the five promises and note; who NULL = system). expected_version must be the
 * current version (0 for the first declaration): ERR_CONFLICT otherwise. A declaration clears confirmed_on.
 * ERR_NOT_FOUND for another institution, ERR_STATE unless filed. */
enum err policy_declare(struct db *db, struct arena *a, const struct principal *who, int64_t institution_id,
                        const struct policy *in, int64_t expected_version, struct field_errors *fe,
                        struct policy *out);
/* The county (or city) confirms the current declaration on day today. ERR_STATE when nothing is declared or
 * it is confirmed already, ERR_CONFLICT when stale. */
enum err policy_confirm(struct db *db, struct arena *a, const struct principal *who, int64_t institution_id,
                        int64_t expected_version, struct policy *out);
/* Institutions of district (NULL: all) with declared promises, for the dashboard: unconfirmed first. */
enum err policy_list(struct db *db, struct arena *a, const char *district, bool unconfirmed_only,
                     struct policy **items, int *n);

struct demonstration {
    int64_t id, institution_id, year;
    const char *status, *statement;
    int64_t score; /* -1: not evaluated */
    const char *evaluation_note;
    const char *level;     /* NULL until designated */
    int64_t designated_on; /* day, 0 */
    const char *decision_number, *reason;
    int64_t version, applied_at, updated_at;
    const char *institution_name, *district_code, *district_name;
};
struct dem_filter {
    const char *district;
    int64_t institution_id;
    const char *status;
    int year; /* 0: any */
    int page;
};
#define DEM_PER_PAGE 50
/* A move of a demonstration: DE_EVALUATE (score 0..100, note), DE_DESIGNATE (level, designated_on not after
 * today, decision_number), DE_REJECT (reason). */
struct dem_move {
    int event;
    int64_t score;
    const char *note;
    int level;
    int64_t designated_on;
    const char *decision_number, *reason;
    int64_t expected_version;
};

enum err dem_get(struct db *db, struct arena *a, int64_t id, struct demonstration *out);
enum err dem_list(struct db *db, struct arena *a, const struct dem_filter *f, struct demonstration **items,
                  int *n, int64_t *total);
/* The operator applies for its filed institution for year (one application per institution and year that is
 * not rejected: ERR_STATE with *detail). */
enum err dem_apply(struct db *db, struct arena *a, const struct principal *who, int64_t institution_id,
                   int64_t year, const char *statement, struct field_errors *fe, const char **detail,
                   struct demonstration *out);
enum err dem_decide(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                    const struct dem_move *m, struct field_errors *fe, const char **detail,
                    struct demonstration *out);

/* The demo: subsidies over the last two years for about 30 filed institutions (mixed types and states),
 * promises for about 40, three demonstration institutions (designated in 张湾区 and 茅箭区, one applied).
 * Deterministic; through the store's transactions (actor: system). Does nothing without filed institutions.
 */
enum err support_demo_load(struct db *db, struct arena *a);

/* Internal to the demo: the subsidies of the demo, written inside the caller's transaction (subsidy_store.c).
 * inst/places: filed institutions and their places, n of them; today the demo's day. */
enum err subsidy_demo_rows(struct db *db, struct arena *a, const int64_t *inst, const int64_t *places, int n,
                           int64_t today);

/* ---- Handlers (support_api.c, support_pages.c) --------------------------------------------------------- */

enum err support_api_subsidy_list(struct req *r, struct resp *out);   /* GET /api/v1/subsidies */
enum err support_api_subsidy_apply(struct req *r, struct resp *out);  /* POST /api/v1/subsidies */
enum err support_api_subsidy_totals(struct req *r, struct resp *out); /* GET /api/v1/subsidies/totals */
enum err support_api_subsidy_get(struct req *r, struct resp *out);    /* GET /api/v1/subsidies/{id} */
enum err support_api_subsidy_decide(struct req *r, struct resp *out); /* POST …/{id}/decision */
enum err support_api_subsidy_pay(struct req *r, struct resp *out);    /* POST …/{id}/payment */
enum err support_api_policy_get(struct req *r, struct resp *out);   /* GET /api/v1/institutions/{id}/policy */
enum err support_api_policy_patch(struct req *r, struct resp *out); /* PATCH …/policy */
enum err support_api_policy_confirm(struct req *r, struct resp *out); /* POST …/policy/confirm */
enum err support_api_dem_list(struct req *r, struct resp *out);       /* GET /api/v1/demonstrations */
enum err support_api_dem_apply(struct req *r, struct resp *out);      /* POST /api/v1/demonstrations */
enum err support_api_dem_get(struct req *r, struct resp *out);        /* GET /api/v1/demonstrations/{id} */
enum err support_api_dem_decide(struct req *r, struct resp *out);     /* POST …/{id}/decision */

enum err page_support_operator(struct req *r, struct resp *out);      /* GET /operator/support */
enum err page_support_operator_post(struct req *r, struct resp *out); /* POST /operator/support/{code} */
enum err page_support_dash(struct req *r, struct resp *out);          /* GET /dash/support */
enum err page_support_dash_post(struct req *r, struct resp *out);     /* POST /dash/support/{code}/{id} */

#endif
