/* Rectification (整改): an order on an inspection finding with a deadline, the operator's answer with
 * evidence files, the inspector's verification (accept or reopen), and escalation of overdue orders to the
 * county and then the city. rect_rules.c holds the pure rules (transition table, deadlines, escalation),
 * rect_store.c the SQL, rect_api.c and rect_pages.c the handlers. */
#ifndef TUOYU_RECTIFICATION_H
#define TUOYU_RECTIFICATION_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- Rules (rect_rules.c; pure) ------------------------------------------------------------------------ */

enum rect_status { RS_NONE, RS_OPEN, RS_ANSWERED, RS_ACCEPTED, RS__COUNT };
extern const char *const rect_status_names[];    /* "none", "open", "answered", "accepted", NULL */
extern const char *const rect_status_names_zh[]; /* 未下达 待整改 待验收 已验收 */
enum rect_event { REV_ORDER, REV_ANSWER, REV_ACCEPT, REV_REOPEN, REV__COUNT };
extern const char *const rect_event_names[];    /* "order", "answer", "accept", "reopen", NULL */
extern const char *const rect_event_names_zh[]; /* 下达整改 整改答复 验收通过 退回重新整改 */

struct rect_transition {
    int from, event, to;
    unsigned roles; /* enum role bits that may fire it */
};
/* The workflow table and (through n, if not NULL) its length. Static storage. */
const struct rect_transition *rect_transitions(int *n);
/* The status that event moves from to for a principal of role, or -1 when the table has no such move. */
int rect_transition(int from, int event, unsigned role);
/* Whether role fires event from some status of the table. */
bool rect_role_fires(int event, unsigned role);
/* The refusal of a move as an error: OK when allowed, ERR_FORBIDDEN when role never fires event,
 * ERR_STATE when it does but not from status from. Writes the target to *to when OK (to may be NULL). */
enum err rect_check(int from, int event, unsigned role, int *to);
/* Parse a status or event name; -1 for NULL or unknown. */
int rect_status_from_name(const char *s);
int rect_event_from_name(const char *s);

/* Whether a principal (role, district, department) may order or verify a rectification of a finding made
 * by department dept at an institution in district inst_district: the county official of that district, or
 * an inspector of that district and department. */
bool rect_may_supervise(unsigned role, const char *district, const char *department,
                        const char *inst_district, const char *dept);

/* Deadlines: after today, at most RECT_DEADLINE_MAX_DAYS ahead. Returns a Chinese message for a bad
 * deadline, NULL for a good one. */
#define RECT_DEADLINE_MAX_DAYS 180
const char *rect_deadline_problem(int64_t deadline_on, int64_t today);

/* Escalation, computed from dates: an order not accepted is overdue when today > deadline_on; its level is
 * county when overdue, city when overdue by more than city_days. */
enum rect_level { RL_NONE, RL_COUNTY, RL_CITY, RL__COUNT };
extern const char *const rect_level_names[];    /* "none", "county", "city", NULL */
extern const char *const rect_level_names_zh[]; /* 未逾期 逾期（县级督办） 逾期（市级督办） */
#define RECT_SETTING_CITY_DAYS "rect_escalate_city_days"
#define RECT_DEFAULT_CITY_DAYS 15
int rect_escalation(int status, int64_t deadline_on, int64_t today, int64_t city_days);
/* Days past the deadline (0 when not overdue or accepted). */
int64_t rect_days_overdue(int status, int64_t deadline_on, int64_t today);

/* The name an evidence file is kept under: the last path component of given, invalid UTF-8 and control
 * characters and quotes replaced by "_", at most 100 characters; "evidence.pdf" (.jpg, .png by media type)
 * when nothing is left. Arena string. */
#define RECT_FILENAME_MAX 100
const char *rect_evidence_filename(struct arena *a, const char *given, const char *media_type);


/* ---- Store (rect_store.c) ------------------------------------------------------------------------------ */

/* A finding as rectification needs it (strings in the arena). */
struct rect_finding {
    int64_t id, inspection_id, institution_id, found_on;
    const char *institution_name, *district_code, *department_code, *severity, *clause, *description;
    int64_t order_id; /* 0 when no order yet */
};

struct rect_order {
    int64_t id, finding_id, institution_id, inspection_id;
    const char *status; /* "open" | "answered" | "accepted" */
    int64_t deadline_on, ordered_at, answered_at /* 0: never */, closed_on /* 0: not accepted */;
    const char *requirement;
    int64_t reopened, version, updated_at;
    const char *institution_name, *district_code, *district_name, *department_code;
    const char *severity, *clause, *finding_description;
    int64_t found_on;
    /* Computed with the clock and the escalation setting when read. */
    bool overdue;
    int level; /* enum rect_level */
    int64_t days_overdue;
};

struct rect_event_row {
    int64_t id, at, deadline_on /* 0: none */;
    const char *event, *text, *by_name;
};

struct rect_evidence_row {
    int64_t id, event_id /* 0: not yet part of an answer */, uploaded_at, size;
    const char *sha256, *filename, *media_type;
};

struct rect_filter {
    const char *district;   /* NULL: any */
    int64_t institution_id; /* 0: any */
    const char *status;     /* NULL: any */
    bool overdue;           /* only overdue orders */
    int level;              /* RL_NONE: any; RL_COUNTY / RL_CITY: exactly that level */
    int page;               /* 1-based */
};
#define RECT_PER_PAGE 50

/* The escalation setting (settings key rect_escalate_city_days, default 15). */
int64_t rect_city_days(struct db *db);

/* Read a finding. ERR_NOT_FOUND when absent. */
enum err rect_finding_get(struct db *db, struct arena *a, int64_t finding_id, struct rect_finding *out);
/* Read an order (escalation computed for today). ERR_NOT_FOUND when absent. */
enum err rect_get(struct db *db, struct arena *a, int64_t id, struct rect_order *out);
/* A page of orders matching f, most urgent first (deadline, id), and the total. This list and the two below
 * are arena arrays, *items NULL when *n is 0. */
enum err rect_list(struct db *db, struct arena *a, const struct rect_filter *f, struct rect_order **items,
                   int *n, int64_t *total);
/* The history of an order, oldest first, and its evidence files. */
enum err rect_events(struct db *db, struct arena *a, int64_t order_id, struct rect_event_row **items, int *n);
enum err rect_evidence(struct db *db, struct arena *a, int64_t order_id, struct rect_evidence_row **items,
                       int *n);

/* Order rectification of a finding (who NULL = system, for the demo). Checks the workflow and who (ERR_STATE
 * when the finding has an order already, ERR_FORBIDDEN when who may not supervise it); deadline and
 * requirement problems go into fe with ERR_VALIDATION. today is the current day (the demo passes an earlier
 * one). One transaction with its event and audit entry; *out is the new order. */
enum err rect_order_create(struct db *db, struct arena *a, const struct principal *who, int64_t finding_id,
                           int64_t deadline_on, const char *requirement, int64_t today,
                           struct field_errors *fe, struct rect_order *out);
/* Store an evidence file for an open order (bytes sniffed: PDF, JPEG or PNG, else ERR_UNSUPPORTED_MEDIA;
 * stored once per SHA-256 in files). filename is sanitised by the caller. ERR_STATE unless the order is open.
 */
enum err rect_evidence_add(struct db *db, struct arena *a, const struct principal *who, int64_t order_id,
                           const char *filename, const void *p, size_t n, struct rect_evidence_row *out);
/* One evidence file with its bytes (*data in the arena). ERR_NOT_FOUND unless it belongs to order_id. */
enum err rect_evidence_get(struct db *db, struct arena *a, int64_t order_id, int64_t evidence_id,
                           struct rect_evidence_row *out, const void **data);
/* A file to be stored as evidence: its bytes (not copied), sniffed media type and SHA-256 (hex). */
struct rect_upload {
    const char *filename, *media_type, *sha256;
    const void *p;
    size_t n;
};
/* Sniff and hash a file for rect_answer (hex in a). ERR_UNSUPPORTED_MEDIA unless PDF, JPEG or PNG. filename
 * is sanitised by the caller. Pure apart from the arena. */
enum err rect_upload_prepare(struct arena *a, const char *filename, const void *p, size_t n,
                             struct rect_upload *out);
/* The operator's answer: text, the ids of evidence uploaded for this order and not yet answered with (a bad
 * id goes into fe as evidence_ids[i] → ERR_VALIDATION), and files sent with the answer (stored as evidence
 * in the same transaction: a refused answer keeps none of them). expected_version 0 skips the version check
 * (ERR_CONFLICT when stale). */
enum err rect_answer(struct db *db, struct arena *a, const struct principal *who, int64_t order_id,
                     const char *text, const int64_t *evidence_ids, int nids,
                     const struct rect_upload *uploads, int nuploads, int64_t expected_version,
                     struct field_errors *fe, struct rect_order *out);
/* Verification: event REV_ACCEPT (closed_on = today) or REV_REOPEN (text required, a new deadline, reopened
 * += 1). */
enum err rect_verify(struct db *db, struct arena *a, const struct principal *who, int64_t order_id, int event,
                     const char *text, int64_t deadline_on, int64_t expected_version, struct field_errors *fe,
                     struct rect_order *out);

/* For dashboards: overdue orders (not accepted) in district (NULL: the whole city) at each level on day
 * today: county_level counts every overdue order at county level (not yet city), city_level those past the
 * city threshold. */
enum err rect_overdue_counts(struct db *db, const char *district /*NULL=city*/, int64_t today,
                             int64_t *county_level, int64_t *city_level);

/* The demo: orders for most demo findings (none when there are no findings), a mix of open, answered,
 * accepted and overdue at county and city level. Deterministic. */
enum err rect_demo_load(struct db *db, struct arena *a);

/* ---- Handlers (rect_api.c, rect_pages.c) -----------------------------------------------------------------
 */

enum err rect_api_order(struct req *r, struct resp *out); /* POST /api/v1/findings/{id}/rectification */
enum err rect_api_list(struct req *r, struct resp *out);  /* GET /api/v1/rectifications */
enum err rect_api_inst_list(struct req *r,
                            struct resp *out);          /* GET /api/v1/institutions/{id}/rectifications */
enum err rect_api_get(struct req *r, struct resp *out); /* GET /api/v1/rectifications/{id} */
enum err rect_api_evidence_add(struct req *r, struct resp *out); /* POST …/{id}/evidence */
enum err rect_api_evidence_get(struct req *r, struct resp *out); /* GET …/{id}/evidence/{eid} */
enum err rect_api_answer(struct req *r, struct resp *out);       /* POST …/{id}/answer */
enum err rect_api_verify(struct req *r, struct resp *out);       /* POST …/{id}/verify */

enum err page_rect_operator(struct req *r, struct resp *out); /* GET /operator/rectifications */
enum err page_rect_operator_post(struct req *r,
                                 struct resp *out);           /* POST /operator/rectifications/{id}/answer */
enum err page_rect_list(struct req *r, struct resp *out);     /* GET /dash/rectifications */
enum err page_rect_new(struct req *r, struct resp *out);      /* GET /dash/rectifications/new?finding= */
enum err page_rect_new_post(struct req *r, struct resp *out); /* POST /dash/rectifications/new */
enum err page_rect_detail(struct req *r, struct resp *out);   /* GET /dash/rectifications/{id} */
enum err page_rect_verify_post(struct req *r, struct resp *out); /* POST /dash/rectifications/{id}/verify */

#endif
