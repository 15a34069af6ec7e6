/* The rest of an institution's life after filing: the annual review (年审), information changes (信息变更)
 * with every version of the institution kept, and deregistration (注销). Rules and transition tables are in
 * lifecycle_rules.c (pure), SQL in review_store.c, change_store.c and dereg_store.c, handlers in *_api.c and
 * lifecycle_pages.c. */
#ifndef TUOYU_LIFECYCLE_H
#define TUOYU_LIFECYCLE_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"
#include "json/jspec.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- Transition tables (lifecycle_rules.c) ------------------------------------------------------------ */

struct lc_transition {
    int from, event, to;
    unsigned roles; /* enum role bits that may fire it */
};

/* Annual review. RV_NONE: no row yet, which the workflow treats like a draft. */
enum review_status { RV_NONE, RV_DRAFT, RV_SUBMITTED, RV_ACCEPTED, RV_RETURNED, RV__COUNT };
extern const char *const review_status_names[]; /* "none", "draft", "submitted", "accepted", "returned" */
extern const char *const review_status_names_zh[];
enum review_event { RVE_SUBMIT, RVE_ACCEPT, RVE_RETURN, RVE__COUNT };

/* Information change. */
enum change_status { CH_NONE, CH_PENDING, CH_APPROVED, CH_REJECTED, CH__COUNT };
extern const char *const change_status_names[]; /* "none", "pending", "approved", "rejected" */
extern const char *const change_status_names_zh[];
enum change_event { CHE_REQUEST, CHE_APPROVE, CHE_REJECT, CHE__COUNT };

/* Deregistration. An imposed deregistration is approved the moment the county records it. */
enum dereg_status { DR_NONE, DR_REQUESTED, DR_APPROVED, DR_REJECTED, DR__COUNT };
extern const char *const dereg_status_names[]; /* "none", "requested", "approved", "rejected" */
extern const char *const dereg_status_names_zh[];
enum dereg_event { DRE_REQUEST, DRE_IMPOSE, DRE_APPROVE, DRE_REJECT, DRE__COUNT };

/* The target status of event from status from for a principal of role (one bit), or -1 when refused. Pure. */
int review_transition(int from, int event, unsigned role);
int change_transition(int from, int event, unsigned role);
int dereg_transition(int from, int event, unsigned role);
/* The tables themselves (static storage) and their lengths through n. */
const struct lc_transition *review_transitions(int *n);
const struct lc_transition *change_transitions(int *n);
const struct lc_transition *dereg_transitions(int *n);
/* Index of a status name in names (NULL-terminated), -1 for NULL or unknown. Pure. */
int lc_status_from_name(const char *const *names, const char *s);

/* ---- Annual review dates (lifecycle_rules.c) ----------------------------------------------------------- */

/* Setting: the day of the following year a review is due, as month*100 + day (331 = March 31). */
#define SETTING_ANNUAL_REVIEW_DUE "annual_review_due"
#define DEFAULT_ANNUAL_REVIEW_DUE 331

/* The day the review of year is due: mmdd (month*100 + day) of year + 1; an mmdd that names no date
 * (1332, 230, 0) falls back to March 31. Pure. */
int64_t review_due_on(int year, int64_t mmdd);
/* The year a review is asked for by default on day today: the previous calendar year. Pure. */
int review_default_year(int64_t today);
/* The last day of year (December 31). Pure. */
int64_t review_year_end(int year);
/* Whether an institution filed on filed_on (0: never) whose review of year has status (enum review_status)
 * is overdue on today: it was filed by the end of the year, the due day has passed, and no review is
 * submitted or accepted. Pure. */
bool review_is_overdue(int year, int64_t mmdd, int64_t today, int64_t filed_on, int status);
/* Children per caregiver, rounded to one decimal; -1 when there are no caregivers. Pure. */
double lc_children_per_caregiver(int64_t children, int64_t caregivers);

/* ---- Shared by the stores and handlers ----------------------------------------------------------------- */

/* The name history entries give who acted: the username, or "system" for NULL (the demo loader). Pure. */
const char *lc_actor_name(const struct principal *who);
/* s, or NULL when s is NULL or only blanks (ASCII or the ideographic space): such a reason says nothing.
 * Pure. */
const char *lc_blank_to_null(const char *s);
/* A county's decision between two choices: the first grants, the second refuses and needs a reason. */
struct lc_decision {
    const char *yes, *no; /* "accept" / "return", "approve" / "reject" */
    int yes_event, no_event;
    const char *bad_decision, *reason_required; /* messages for fe */
};
/* The event decision names for d, -1 when neither (fe gets d->bad_decision). *reason becomes NULL when
 * blank; a refusal without one, or a reason of more than 2000 characters, also goes to fe. Pure. */
int lc_decision_check(const struct lc_decision *d, const char *decision, const char **reason,
                      struct field_errors *fe);
/* Whether inst_id is filed (state "filed") and the day it was filed (0: never), read from the institutions
 * table (dereg_store.c). Either out pointer may be NULL. ERR_NOT_FOUND when there is no such institution. */
enum err lc_inst_filed(struct db *db, int64_t inst_id, bool *filed, int64_t *filed_on);

/* ---- Annual review (review_store.c) ------------------------------------------------------------------- */

/* The figures tuoyu prefills, as of min(December 31 of year, today). */
struct review_prefill {
    int year;
    int64_t as_of, due_on;
    int64_t places, enrolled, classes, staff, caregivers;
    double children_per_caregiver; /* -1 when no caregivers */
    int64_t findings_opened, findings_resolved, findings_open_at_year_end;
    int64_t inspections, inspection_findings, findings_by_severity[4]; /* low, medium, high, critical */
    int64_t incidents, incidents_by_severity[3]; /* minor, serious, death (incidents that occurred) */
};
json_t *review_prefill_json(const struct review_prefill *p);

struct review_row {
    int64_t id, institution_id, year, drills, training_hours, submissions, version;
    const char *status, *data, *narrative, *reason;
    int64_t submitted_at, decided_at, due_on, updated_at; /* seconds (0: never); due_on a day */
    const char *institution_name, *district_code;
    int64_t filed_on; /* day, 0 when not filed */
};

/* Compute the prefill of inst_id for year (reads only; may run inside a transaction). */
enum err review_prefill(struct db *db, int64_t inst_id, int year, struct review_prefill *out);
/* Submit (or resubmit after a return) the review of year for inst_id: typed fields plus a JSON snapshot of
 * the prefill. who NULL = the demo loader, acting as the operator. ERR_VALIDATION (fe) for a year the
 * institution was not filed by, ERR_STATE when the workflow refuses or the institution is not filed. */
enum err review_submit(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id, int year,
                       const char *narrative, int64_t drills, int64_t training_hours, struct field_errors *fe,
                       int64_t *id);
/* Accept or return a submitted review ("accept" | "return"; a reason is required to return). who NULL acts
 * as the county. ERR_STATE when the workflow refuses. */
enum err review_decide(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                       const char *decision, const char *reason, struct field_errors *fe);
enum err review_get(struct db *db, struct arena *a, int64_t id, struct review_row *out);
/* Reviews filtered by year (0: any), status (NULL: any), district (NULL: all), institution (0: all); newest
 * year first, at most 500. */
enum err review_list(struct db *db, struct arena *a, int year, const char *status, const char *district,
                     int64_t inst_id, struct review_row **items, int *n);
/* Institutions overdue for year on today (see review_is_overdue), in district (NULL: all): each row has the
 * institution and its review if any (id 0 and status "none" otherwise). At most 1000. */
enum err review_overdue(struct db *db, struct arena *a, int year, const char *district,
                        struct review_row **items, int *n);
json_t *review_json(const struct review_row *r, bool full);

/* ---- Information change (change_store.c) -------------------------------------------------------------- */

struct change_row {
    int64_t id, institution_id, requested_at, decided_at, applied_version;
    const char *source, *status, *changes, *previous, *reason, *decision_reason;
    const char *institution_name, *district_code, *requested_by;
};
/* Validate a {field: value} object with the rules filing uses; source "operator" may change the filed
 * fields, "registration" the registered ones (name, address, legal_form, business_scope, district_code).
 * Every bad field goes to fe as "changes.FIELD". *canon is the validated object in canonical form (new
 * reference) on success. */
bool change_parse(struct db *db, json_t *changes, const char *source, struct field_errors *fe,
                  json_t **canon);
/* Request a change of inst_id (a filed institution). ERR_VALIDATION, ERR_STATE (not filed). */
enum err change_request(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                        json_t *changes, const char *reason, struct field_errors *fe, int64_t *id);
/* Inside the registration push's transaction: open a change of source "registration" holding changes
 * (already validated by the push; canonical JSON object {field: value}). Audited. */
enum err change_open_registration_in_tx(struct db *db, const struct principal *who, int64_t inst_id,
                                        json_t *changes, int64_t *id);
/* Approve (apply to the institution, version + 1, both versions kept) or reject a pending change. */
enum err change_decide(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                       const char *decision, const char *reason, struct field_errors *fe);
enum err change_get(struct db *db, struct arena *a, int64_t id, struct change_row *out);
/* Changes by status (NULL: any), district (NULL: all), institution (0: all), newest first, at most 500. */
enum err change_list(struct db *db, struct arena *a, const char *status, const char *district,
                     int64_t inst_id, struct change_row **items, int *n);
json_t *change_json(const struct change_row *c);

/* Versions of an institution: stored snapshots plus, when not stored yet, the current row. */
struct inst_version {
    int64_t version, created_at, change_id;
    const char *snapshot; /* JSON text */
    bool stored;
};
enum err inst_versions(struct db *db, struct arena *a, int64_t inst_id, struct inst_version **items, int *n);
/* One version; ERR_NOT_FOUND when neither stored nor current. */
enum err inst_version_get(struct db *db, struct arena *a, int64_t inst_id, int64_t version,
                          struct inst_version *out);
/* Store the institution's current row as a version snapshot unless stored already (inside a transaction). */
enum err inst_version_keep(struct db *db, int64_t inst_id, int64_t change_id);

/* ---- Deregistration (dereg_store.c) ------------------------------------------------------------------- */

struct dereg_input {
    int64_t planned_on, children_enrolled;
    const char *reason, *placement_plan, *decision_number; /* decision_number: county only */
};
struct dereg_row {
    int64_t id, institution_id, planned_on, children_enrolled, requested_at, decided_at;
    const char *kind, *status, *reason, *placement_plan, *decision_number, *decision_reason;
    const char *institution_name, *district_code;
};
/* Check a request's values for who (county: a decision number, a day up to a year back; operator: a day from
 * today); every bad field goes to fe. Returns true when clean. */
bool dereg_check(const struct principal *who, const struct dereg_input *in, struct field_errors *fe);
/* Request (operator) or impose (county, with a decision number; effective at once) the deregistration of a
 * filed institution. ERR_VALIDATION with fe, ERR_STATE when not filed or a request is pending. */
enum err dereg_request(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                       const struct dereg_input *in, struct field_errors *fe, int64_t *id);
/* Approve (the institution becomes "closed" with closed_on = planned_on) or reject a requested one. */
enum err dereg_decide(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                      const char *decision, const char *reason, const char *decision_number,
                      struct field_errors *fe);
enum err dereg_get(struct db *db, struct arena *a, int64_t id, struct dereg_row *out);
enum err dereg_list(struct db *db, struct arena *a, const char *status, const char *district, int64_t inst_id,
                    struct dereg_row **items, int *n);
json_t *dereg_json(const struct dereg_row *d);
/* Children enrolled in inst_id today (the prefill of a deregistration). */
enum err lifecycle_children_enrolled(struct db *db, int64_t inst_id, int64_t *n);
/* The day a closed institution closes (closes, when in the future); ERR_NOT_FOUND when it is not closed. */
enum err lifecycle_closed_on(struct db *db, int64_t inst_id, int64_t *day);

/* Demo: reviews of last year for most filed institutions, a few changes, one closed institution. */
enum err lifecycle_demo_load(struct db *db, struct arena *a);

/* ---- Handlers ------------------------------------------------------------------------------------------ */

struct institution;
/* Helpers of the JSON handlers (review_api.c). Whether who sees an item of inst_id in district: officials
 * their territory, an operator only its own institution. */
bool lc_visible(const struct principal *who, const char *district, int64_t inst_id);
/* Load institution id into *inst (strings in r->a) when r->who sees it; ERR_NOT_FOUND when it is missing or
 * not visible. */
enum err lc_load_inst(struct req *r, int64_t id, struct institution *inst);
/* A list's district filter for r->who: "" means none; a county sees only its own district (a different one
 * is ERR_NOT_FOUND, none becomes its own). */
enum err lc_scope_district(struct req *r, const char **district);
/* Parse the body of a decision route: "decision" (one of decisions, NULL-terminated), an optional nullable
 * "reason" of up to 2000 characters and, only when number is non-NULL, an optional nullable
 * "decision_number" of up to 100. Strings point into the request's body; *decision into decisions.
 * ERR_VALIDATION with r->fe, or req_json's error. */
enum err lc_decision_body(struct req *r, const char *const *decisions, const char **decision,
                          const char **reason, const char **number);

enum err review_api_prefill(struct req *r, struct resp *out);  /* GET .../annual-reviews/{year}/prefill */
enum err review_api_submit(struct req *r, struct resp *out);   /* POST /institutions/{id}/annual-reviews */
enum err review_api_decide(struct req *r, struct resp *out);   /* POST /annual-reviews/{id}/decision */
enum err review_api_list(struct req *r, struct resp *out);     /* GET /annual-reviews */
enum err review_api_get(struct req *r, struct resp *out);      /* GET /annual-reviews/{id} */
enum err change_api_request(struct req *r, struct resp *out);  /* POST /institutions/{id}/changes */
enum err change_api_list(struct req *r, struct resp *out);     /* GET /changes */
enum err change_api_get(struct req *r, struct resp *out);      /* GET /changes/{id} */
enum err change_api_decide(struct req *r, struct resp *out);   /* POST /changes/{id}/decision */
enum err change_api_versions(struct req *r, struct resp *out); /* GET /institutions/{id}/versions */
enum err change_api_version(struct req *r, struct resp *out);  /* GET /institutions/{id}/versions/{n} */
enum err dereg_api_request(struct req *r, struct resp *out);   /* POST /institutions/{id}/deregistration */
enum err dereg_api_decide(struct req *r, struct resp *out);    /* POST /deregistrations/{id}/decision */
enum err dereg_api_list(struct req *r, struct resp *out);      /* GET /deregistrations */
enum err dereg_api_get(struct req *r, struct resp *out);       /* GET /deregistrations/{id} */

enum err page_operator_lifecycle(struct req *r, struct resp *out);   /* GET /operator/lifecycle */
enum err page_operator_review_post(struct req *r, struct resp *out); /* POST /operator/lifecycle/review */
enum err page_operator_change_post(struct req *r, struct resp *out); /* POST /operator/lifecycle/change */
enum err page_operator_dereg_post(struct req *r,
                                  struct resp *out);           /* POST /operator/lifecycle/deregistration */
enum err page_dash_lifecycle(struct req *r, struct resp *out); /* GET /dash/lifecycle */
enum err page_dash_review_decide(struct req *r, struct resp *out); /* POST /dash/lifecycle/reviews/{id} */
enum err page_dash_change_decide(struct req *r, struct resp *out); /* POST /dash/lifecycle/changes/{id} */
enum err page_dash_dereg_decide(struct req *r,
                                struct resp *out); /* POST /dash/lifecycle/deregistrations/{id} */

#endif
