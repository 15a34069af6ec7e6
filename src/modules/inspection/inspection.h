/* Inspections (监督检查): checklist templates per department (versioned), inspections with their item results
 * and findings, and the workflow as a transition table. Each department inspects within its competence; city
 * and county officials act as the health department.
 *
 * Layers: inspection_rules.c (pure: names, competence, transitions, checking results against a template),
 * inspection_store.c (SQL, each write one audited transaction), inspection_api.c (JSON), inspection_pages.c
 * (HTML). Random draws (draw_*.c) and complaints plan inspections through inspection_plan_in_tx. */
#ifndef TUOYU_INSPECTION_H
#define TUOYU_INSPECTION_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"
#include "json/jspec.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- Names (inspection_rules.c; static storage) ---------------------------------------------------------
 */

enum inspection_kind { INSP_ROUTINE, INSP_RANDOM, INSP_COMPLAINT, INSP_CAMPAIGN, INSP_KIND__COUNT };
extern const char *const inspection_kind_names[];    /* "routine", "random", "complaint", "campaign", NULL */
extern const char *const inspection_kind_names_zh[]; /* 日常检查 双随机抽查 投诉核查 专项检查 */

enum inspection_status { IS_PLANNED, IS_COMPLETED, IS_CANCELLED, INSP__COUNT };
extern const char *const inspection_status_names[];    /* "planned", "completed", "cancelled", NULL */
extern const char *const inspection_status_names_zh[]; /* 待检查 已完成 已取消 */

enum inspection_event { INSP_EV_COMPLETE, INSP_EV_CANCEL, INSP_EV__COUNT };
extern const char *const inspection_event_names[]; /* "complete", "cancel", NULL */

enum inspection_severity { FSEV_LOW, FSEV_MEDIUM, FSEV_HIGH, FSEV_CRITICAL, FSEV__COUNT };
extern const char *const inspection_severity_names[];    /* "low", "medium", "high", "critical", NULL */
extern const char *const inspection_severity_names_zh[]; /* 轻微 一般 较重 严重 */

enum inspection_item_result { CHECK_PASS, CHECK_FAIL, CHECK_NA, CHECK__COUNT };
extern const char *const inspection_item_result_names[];    /* "pass", "fail", "na", NULL */
extern const char *const inspection_item_result_names_zh[]; /* 符合 不符合 不适用 */

/* Index of s in a NULL-terminated name list, or -1 (also for NULL s). Pure. */
int inspection_name_index(const char *const *names, const char *s);

/* The seven inspecting departments' codes in display order, NULL-terminated (matches the departments table).
 */
extern const char *const inspection_department_codes[];
/* Whether code names an inspecting department. Pure. */
bool inspection_department_valid(const char *code);
/* The competence of a department in a few Chinese words (static), or NULL for an unknown code. Pure. */
const char *inspection_department_competence(const char *code);
/* The department a principal inspects for: an inspector its own (default "health"), city and county
 * officials and admins "health", everyone else NULL. Pure. */
const char *inspection_acting_department(const struct principal *who);

/* ---- Workflow (inspection_rules.c) ------------------------------------------------------------------------
 */

struct inspection_transition {
    int from, event, to;  /* enum inspection_status, enum inspection_event */
    unsigned roles;       /* enum role bits that may fire it */
    bool same_department; /* only when the inspection belongs to the principal's acting department */
    bool assigned;        /* only when the principal is among the inspection's inspectors */
};
/* The whole table (for tests and the docs). */
const struct inspection_transition *inspection_transitions(int *n);
/* The status that event leads to from status for a principal of role, or -1 when refused. same_department:
 * the inspection is of the principal's acting department; assigned: the principal is one of its inspectors.
 * Territory is checked by the caller. Pure. */
int inspection_transition(int from, int event, unsigned role, bool same_department, bool assigned);

/* ---- Templates and results (inspection_rules.c) -----------------------------------------------------------
 */

struct checklist_item {
    const char *code;   /* [A-Za-z0-9_-]{1,32}, unique within a template */
    const char *text;   /* what is checked, 1..500 characters */
    const char *clause; /* the rule it applies, 1..300 characters */
};
#define CHECKLIST_MAX_ITEMS 100

/* Whether s is a valid item code ([A-Za-z0-9_-], 1..32 bytes). Pure. */
bool checklist_code_valid(const char *s);
/* Check a template's items (already typed): every code valid and unique, text and clause non-empty. Appends
 * each problem to fe under "items[i].code" etc. Returns true when all are valid. */
bool checklist_items_check(const struct checklist_item *items, int n, struct field_errors *fe);

struct inspection_item_in {
    const char *code;
    int result;       /* enum inspection_item_result */
    const char *note; /* may be NULL */
};
struct inspection_finding_in {
    const char *item_code; /* NULL when not tied to an item */
    int severity;          /* enum inspection_severity */
    const char *clause, *description;
};
/* Check recorded results against the template's items: each result's code must be an item of the template,
 * no item twice, every template item answered, every finding's item_code (when given) an item of the
 * template, and a 'fail' item needs a finding naming it unless its note (non-blank) says why. Errors go to fe
 * with paths "items[i].code", "items", "items[i].result", "findings[j].item_code". Returns true when
 * consistent. Pure apart from fe's arena. */
bool inspection_results_check(const struct checklist_item *tmpl, int ntmpl,
                              const struct inspection_item_in *res, int nres,
                              const struct inspection_finding_in *findings, int nfindings,
                              struct field_errors *fe);
/* "findings" when there is at least one finding, else "pass". Static storage. */
const char *inspection_outcome(int nfindings);

/* ---- Rows
 * -------------------------------------------------------------------------------------------------- */

struct checklist_template {
    int64_t id, version, created_at;
    const char *department, *department_name, *title;
    bool active;
    struct checklist_item *items;
    int nitems;
};

struct inspection_item_row {
    const char *code, *result, *note;
    const char *text, *clause; /* from the template, NULL when the code is not in it */
};

struct inspection_finding_row {
    int64_t id, inspection_id, institution_id, found_on, created_at;
    const char *item_code, *severity, *clause, *description;
    const char *institution_name, *district_code, *department;
};

struct inspection_inspector_row {
    int64_t user_id;
    const char *username;
};

struct inspection_row {
    int64_t id, institution_id, template_id, template_version, draw_id, complaint_id, version;
    int64_t planned_on, inspected_on; /* days; 0 when not set */
    int64_t created_at, created_by, updated_at;
    const char *department, *department_name, *kind, *status, *summary, *result;
    const char *institution_name, *district_code, *district_name;
    int64_t nfindings;
    /* Filled by inspection_get only (then detailed is true): */
    bool detailed;
    struct inspection_inspector_row *inspectors;
    int ninspectors;
    struct inspection_item_row *items;
    int nitems;
    struct inspection_finding_row *findings;
    int nfindings_rows;
};

/* ---- Store (inspection_store.c) -------------------------------------------------------------------------
 */

/* Plan an inspection inside the caller's transaction (draws, complaints): institution_id must exist,
 * department be an inspecting department, kind an inspection kind; planned_on a day (0: none); draw_id,
 * complaint_id 0 for none. inspector_ids (ninspectors ≥ 0) must each be an enabled inspector of that
 * department and of the institution's district; when who is an inspector it is added to them. The inspection
 * takes the department's active checklist template (none when the department has none). Appends the audit
 * entry "inspection.plan". who NULL means the system. Returns ERR_NOT_FOUND when the institution is absent,
 * ERR_VALIDATION for a bad department, kind or inspector (nothing written then; the caller's transaction
 * decides), a database error as itself. On OK *inspection_id is the new id. */
enum err inspection_plan_in_tx(struct db *db, const struct principal *who, int64_t institution_id,
                               const char *department, const char *kind, int64_t planned_on, int64_t draw_id,
                               int64_t complaint_id, const int64_t *inspector_ids, int ninspectors,
                               int64_t *inspection_id);

/* A new version of department's checklist (active; the previous one deactivated), by who (NULL: system).
 * Validates title and items (ERR_VALIDATION with fe). Own transaction, audited "checklist.version".
 * *id gets the new row's id. */
enum err checklist_template_create(struct db *db, const struct principal *who, const char *department,
                                   const char *title, const struct checklist_item *items, int nitems,
                                   struct field_errors *fe, int64_t *id);
/* One template version (strings in a). ERR_NOT_FOUND when absent. */
enum err checklist_template_get(struct db *db, struct arena *a, int64_t id, struct checklist_template *out);
/* Templates, newest first per department in department order; department NULL: every department; active_only
 * to list only current versions. */
enum err checklist_template_list(struct db *db, struct arena *a, const char *department, bool active_only,
                                 struct checklist_template **items, int *n);
/* The active template id of a department into *id; ERR_NOT_FOUND when the department has none. */
enum err checklist_template_active(struct db *db, const char *department, int64_t *id);

/* What POST /institutions/{id}/inspections asks for. */
struct inspection_plan_in {
    int kind;                  /* enum inspection_kind */
    int64_t planned_on;        /* day, 0: none */
    const int64_t *inspectors; /* further inspectors' user ids */
    int ninspectors;
    int64_t template_id; /* 0: the department's active template */
};
/* Plan an inspection of institution_id by who (an inspector, a county or city official or an admin): the
 * department is who's acting department; the institution must be in who's territory (ERR_NOT_FOUND
 * otherwise). Bad inspectors or template → ERR_VALIDATION naming "inspectors[i]" / "template_id". Own
 * transaction. */
enum err inspection_plan(struct db *db, const struct principal *who, int64_t institution_id,
                         const struct inspection_plan_in *in, struct field_errors *fe, int64_t *id);

/* The results of an inspection. */
struct inspection_results_in {
    int64_t inspected_on; /* day */
    const char *summary;
    struct inspection_item_in *items;
    int nitems;
    struct inspection_finding_in *findings;
    int nfindings;
};
/* Record results: planned → completed (ERR_STATE when refused for its status or who's role; ERR_NOT_FOUND
 * outside who's territory or department). Results are checked against the inspection's template
 * (ERR_VALIDATION with fe). Writes items, findings, outcome and audit in one transaction. */
enum err inspection_record_results(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                                   const struct inspection_results_in *in, struct field_errors *fe);
/* Cancel a planned inspection (ERR_STATE otherwise or when who may not). reason may be NULL. */
enum err inspection_cancel(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                           const char *reason);

/* One inspection with inspectors, items (joined to their template's text) and findings. Visibility is the
 * caller's concern (inspection_visible). */
enum err inspection_get(struct db *db, struct arena *a, int64_t id, struct inspection_row *out);
/* Whether who may see the inspection (territory, operator: own institution and completed only). Pure. */
bool inspection_visible(const struct principal *who, const struct inspection_row *row);
/* Whether who may record results on / cancel it (territory, department, assignment, transition). Pure. */
bool inspection_can(const struct principal *who, const struct inspection_row *row, int event);

struct inspection_filter {
    int64_t institution_id;   /* 0: any */
    const char *department;   /* NULL: any */
    const char *status;       /* NULL: any */
    const char *kind;         /* NULL: any */
    const char *district;     /* NULL: any (territory is applied by the caller through this field) */
    int64_t from_day, to_day; /* inspected_on (or planned_on when not inspected) within; 0: open */
    int64_t inspector_id;     /* 0: any; else only inspections this user is assigned to */
    int page, per_page;       /* 1-based; per_page default 50, at most 200 */
};
void inspection_filter_init(struct inspection_filter *f);
/* A page of inspections, newest first (by day, then id), and the total. */
enum err inspection_list(struct db *db, struct arena *a, const struct inspection_filter *f,
                         struct inspection_row **items, int *n, int64_t *total);

struct inspection_finding_filter {
    const char *severity;   /* NULL: any */
    int64_t institution_id; /* 0: any */
    const char *district;   /* NULL: any */
    int open;               /* -1: any; 1: without an accepted rectification; 0: with an accepted one */
    int page, per_page;
};
void inspection_finding_filter_init(struct inspection_finding_filter *f);
/* Findings of completed inspections, newest first. */
enum err inspection_findings_list(struct db *db, struct arena *a, const struct inspection_finding_filter *f,
                                  struct inspection_finding_row **items, int *n, int64_t *total);

/* Enabled inspectors of department in district (for the planning form), by username. */
enum err inspection_inspectors_of(struct db *db, struct arena *a, const char *department,
                                  const char *district, struct inspection_inspector_row **items, int *n);

/* Demo: ~60 completed inspections over the last two years of filed institutions in 420303/420302, by the demo
 * inspectors, findings of every severity, and a few planned ones for `inspector`. Deterministic; through the
 * store's functions (actor NULL). Call after the demo accounts and filed institutions exist. */
enum err inspection_demo_load(struct db *db, struct arena *a);

/* ---- JSON helpers shared with other modules (inspection_api.c) ------------------------------------------
 */

/* JSON of an inspection (summary fields; inspectors/items/findings when detailed). New reference. */
json_t *inspection_to_json(const struct inspection_row *row);
json_t *inspection_finding_to_json(const struct inspection_finding_row *f);

/* ---- Handlers (inspection_api.c) --------------------------------------------------------------------------
 */
enum err checklist_api_list(struct req *r, struct resp *out);   /* GET /api/v1/checklist-templates */
enum err checklist_api_get(struct req *r, struct resp *out);    /* GET /api/v1/checklist-templates/{id} */
enum err checklist_api_create(struct req *r, struct resp *out); /* POST /api/v1/checklist-templates */
enum err inspection_api_plan(struct req *r,
                             struct resp *out); /* POST /api/v1/institutions/{id}/inspections */
enum err inspection_api_results(struct req *r, struct resp *out); /* POST /api/v1/inspections/{id}/results */
enum err inspection_api_cancel(struct req *r, struct resp *out);  /* POST /api/v1/inspections/{id}/cancel */
enum err inspection_api_list(struct req *r, struct resp *out);    /* GET /api/v1/inspections */
enum err inspection_api_get(struct req *r, struct resp *out);     /* GET /api/v1/inspections/{id} */
enum err inspection_api_of_institution(struct req *r,
                                       struct resp *out); /* GET /api/v1/institutions/{id}/inspections */
enum err inspection_api_findings(struct req *r, struct resp *out); /* GET /api/v1/findings */

/* ---- Pages (inspection_pages.c) ---------------------------------------------------------------------------
 */
enum err page_inspections(struct req *r, struct resp *out);        /* GET /dash/inspections */
enum err page_inspection(struct req *r, struct resp *out);         /* GET /dash/inspections/{id} */
enum err page_inspection_results(struct req *r, struct resp *out); /* POST /dash/inspections/{id}/results */
enum err page_inspection_cancel(struct req *r, struct resp *out);  /* POST /dash/inspections/{id}/cancel */
enum err page_inspector(struct req *r, struct resp *out);          /* GET /inspector */
enum err page_inspector_plan(struct req *r, struct resp *out);     /* POST /inspector/inspections */

#endif
