/* The plan's tasks and the member units' progress reports (联席会议: 任务及分工 and 进展报告). plan_rules.c
 * holds the pure rules (report workflow as a transition table, period arithmetic, overdue), plan_store.c the
 * SQL, plan_api.c and plan_pages.c the handlers. Units and tasks are reference data loaded by migration 008.
 *
 * Who is on a task: the units plan_task_units names, and every county (units.kind = 'county') wherever the
 * collective 各县市区 (unit code "counties") is named, with the same role: each county reports for itself. */
#ifndef TUOYU_PLAN_H
#define TUOYU_PLAN_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- Rules (plan_rules.c; pure) ------------------------------------------------------------------------ */

#define PLAN_OFFICE_UNIT   "health_commission" /* the joint meeting's office (市卫健委) */
#define PLAN_COUNTIES_UNIT "counties"          /* 各县市区: stands for every county */

enum plan_report_status { PR_NONE, PR_DRAFT, PR_SUBMITTED, PR_ACCEPTED, PR_RETURNED, PR__COUNT };
extern const char *const plan_status_names[];    /* "none", "draft", "submitted", "accepted", "returned" */
extern const char *const plan_status_names_zh[]; /* 未报送 草稿 已提交 已通过 已退回 */
enum plan_event { PE_SAVE, PE_SUBMIT, PE_ACCEPT, PE_RETURN, PE__COUNT };
extern const char *const plan_event_names[]; /* "save", "submit", "accept", "return" */
enum plan_progress { PP_NOT_STARTED, PP_IN_PROGRESS, PP_DONE, PP__COUNT };
extern const char *const plan_progress_names[];    /* "not_started", "in_progress", "done" */
extern const char *const plan_progress_names_zh[]; /* 未启动 推进中 已完成 */

/* Who the actor is to a report: bits computed by plan_actor. */
enum plan_actor_bits {
    PA_OWN = 1u << 0, /* a unit officer of the report's unit, and that unit is on the task */
    PA_LEAD =
        1u << 1, /* a unit officer of another unit that leads the task (named directly, not via 各县市区) */
    PA_OFFICE = 1u << 2, /* the office: a city official or a unit officer of health_commission */
};
struct plan_transition {
    int from, event, to;
    unsigned actors; /* plan_actor_bits that may fire it */
};
/* The workflow table and (through n, if not NULL) its length. Static storage. */
const struct plan_transition *plan_transitions(int *n);
/* The actor bits of a principal (role, unit) towards a report of report_unit on a task where report_unit's
 * role is report_role ("lead"/"responsible"/NULL when not on the task) and the principal's own unit leads
 * the task directly when unit_leads. Strings borrowed; NULL never matches. */
unsigned plan_actor(unsigned role, const char *unit, const char *report_unit, const char *report_role,
                    bool unit_leads);
/* OK (target in *to, to may be NULL); ERR_FORBIDDEN when the actor may not fire event at all; ERR_STATE when
 * it may but not from this status. */
enum err plan_check(int from, int event, unsigned actors, int *to);
/* Name → enum; -1 for NULL or unknown. */
int plan_status_from_name(const char *s);
int plan_event_from_name(const char *s);
int plan_progress_from_name(const char *s);

/* Periods: "2026Q2" (quarter, default), "2026H1" (half) or "2026" (year), per settings plan_report_period. */
enum plan_period_kind { PK_QUARTER, PK_HALF, PK_YEAR };
#define PLAN_SETTING_PERIOD   "plan_report_period"   /* quarter | half | year */
#define PLAN_SETTING_DUE_DAYS "plan_report_due_days" /* days after the period ends; default 10 */
#define PLAN_DEFAULT_DUE_DAYS 10
#define PLAN_PERIOD_MAX       8 /* "2026Q2" plus NUL fits */
/* "quarter" → PK_QUARTER …; -1 for NULL or unknown. */
int plan_period_kind_from_name(const char *s);
/* The period containing day, written into out. Returns out. */
char *plan_period_of(int64_t day, int kind, char out[static PLAN_PERIOD_MAX]);
/* Parse a period of kind: true with its first and last day; false for a malformed one or another kind. */
bool plan_period_parse(const char *s, int kind, int64_t *first, int64_t *last);
/* The period before period (false when malformed). */
bool plan_period_prev(const char *period, int kind, char out[static PLAN_PERIOD_MAX]);
/* The last closed period on day today (the one reports are due for). */
char *plan_period_last_closed(int64_t today, int kind, char out[static PLAN_PERIOD_MAX]);
/* The due day of a period: its last day + due_days; -1 when malformed. */
int64_t plan_period_due(const char *period, int kind, int64_t due_days);
/* Whether a unit's report for the last closed period is overdue on today: past its due day and no report of
 * status submitted or accepted (status is enum plan_report_status, PR_NONE when none). */
bool plan_report_overdue(int status, int64_t due_on, int64_t today);
/* Whether a task is overdue: it has a deadline (deadline_on > 0) that has passed and not every lead unit
 * reported "done" (leads_done < leads). */
bool plan_task_overdue(int64_t deadline_on, int64_t today, int leads, int leads_done);

/* ---- Store (plan_store.c) ------------------------------------------------------------------------------ */

struct plan_unit_ref {
    const char *code, *name, *role; /* role: "lead" | "responsible" */
};

struct plan_unit {
    const char *code, *name, *full_name, *kind, *division_code /* NULL */, *duties /* JSON array text */;
    bool member, lead, office;
    struct plan_unit_ref *leads, *responsible; /* tasks: ref.code = task number, ref.name = task title */
    int nleads, nresponsible;
    int64_t *lead_ids, *responsible_ids; /* task ids, parallel */
};

/* A unit's report status on a task for a period (tasks listing). */
struct plan_unit_status {
    const char *code, *name, *role;
    int64_t report_id;    /* 0: none visible */
    const char *status;   /* plan_status_names */
    const char *progress; /* NULL when none */
    bool overdue;
};

struct plan_report {
    int64_t id, task_id;
    const char *task_number, *task_title;
    const char *unit_code, *unit_name, *unit_role;
    const char *period, *status, *progress, *narrative;
    int64_t submitted_at, reviewed_at;                      /* 0: never */
    const char *submitted_by, *reviewed_by, *review_reason; /* NULL when none */
    int64_t version, created_at, updated_at;
    int64_t due_on; /* due day of its period */
    bool overdue;
};

struct plan_evidence {
    int64_t id, uploaded_at, size;
    const char *sha256, *filename, *media_type;
};

struct plan_task {
    int64_t id, deadline_on /* 0: none */;
    const char *number, *section_number, *section, *parent_title, *title /* NULL */, *text, *deadline_text;
    const char **lead_units, **responsible_units; /* the plan's codes, in its order */
    int nlead, nresponsible;
    struct plan_unit_status *units; /* the reporting units (counties expanded) with their status */
    int nunits;
    bool overdue;
};

struct plan_report_filter {
    const char *period, *unit, *status; /* NULL: any */
    int64_t task_id;                    /* 0: any */
    bool overdue;                       /* only reports that are overdue */
};

/* Settings. */
int plan_period_kind(struct db *db);
int64_t plan_due_days(struct db *db);

/* Every unit with its tasks (arena array). */
enum err plan_units(struct db *db, struct arena *a, struct plan_unit **items, int *n);
/* Whether code names a unit. */
bool plan_unit_exists(struct db *db, const char *code);
/* The tasks (filters unit: tasks the unit is on, NULL any; section "二(一)", NULL any) with each reporting
 * unit's status for period (reports who may not see count as none). */
enum err plan_tasks(struct db *db, struct arena *a, const struct principal *who, const char *unit,
                    const char *section, const char *period, struct plan_task **items, int *n);
/* One task. ERR_NOT_FOUND when absent. */
enum err plan_task_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                       const char *period, struct plan_task *out);
/* The role of unit on task ("lead", "responsible") or NULL when it is not on it. */
const char *plan_unit_role(struct db *db, struct arena *a, int64_t task_id, const char *unit);

/* Reports who may see (drafts only to their own unit; unit officers their unit's and, for tasks their unit
 * leads, the others' submitted ones; officials all but drafts). */
enum err plan_report_list(struct db *db, struct arena *a, const struct principal *who,
                          const struct plan_report_filter *f, struct plan_report **items, int *n);
/* One report; ERR_NOT_FOUND when absent or who may not see it. */
enum err plan_report_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                         struct plan_report *out);
enum err plan_report_evidence(struct db *db, struct arena *a, int64_t report_id, struct plan_evidence **items,
                              int *n);

/* Create or update who's unit's report on task for period (NULL: the last closed period), then submit it when
 * submit. who NULL is the system acting for unit (demo), else unit is who->unit. Bad fields go into fe
 * (ERR_VALIDATION); ERR_FORBIDDEN when the unit is not on the task; ERR_STATE when the report may not be
 * changed; ERR_CONFLICT when expected_version (0: no check) is stale. now: clock of the move. */
enum err plan_report_save(struct db *db, struct arena *a, const struct principal *who, const char *unit,
                          int64_t task_id, const char *period, const char *progress, const char *narrative,
                          bool submit, int64_t expected_version, int64_t now, struct field_errors *fe,
                          struct plan_report *out);
/* Submit a draft or returned report. */
enum err plan_report_submit(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                            int64_t expected_version, int64_t now, struct plan_report *out);
/* Review a submitted report: event PE_ACCEPT or PE_RETURN (reason required to return, into fe). */
enum err plan_report_review(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                            int event, const char *reason, int64_t expected_version, int64_t now,
                            struct field_errors *fe, struct plan_report *out);
/* Store an evidence file (PDF/JPEG/PNG sniffed, else ERR_UNSUPPORTED_MEDIA) for a draft or returned report of
 * who's unit (ERR_STATE otherwise). filename sanitised by the caller. */
enum err plan_evidence_add(struct db *db, struct arena *a, const struct principal *who, int64_t report_id,
                           const char *filename, const void *p, size_t n, struct plan_evidence *out);

/* Overdue work for the office: reports (one per unit and task, for the last closed period, synthetic with
 * id 0 when missing) and overdue tasks. */
enum err plan_overdue(struct db *db, struct arena *a, int64_t today, struct plan_report **reports,
                      int *nreports, struct plan_task **tasks, int *ntasks);

/* The unit's inbox (for the meetings module). One item per task the unit is on (kind PLAN_INBOX_TASK) and,
 * for units that lead tasks directly (and the office), one per submitted report waiting for its review
 * (kind PLAN_INBOX_REVIEW). Arena array, *items NULL when *n is 0. */
enum plan_inbox_kind { PLAN_INBOX_TASK, PLAN_INBOX_REVIEW };
struct plan_inbox_item {
    int kind; /* enum plan_inbox_kind */
    int64_t task_id;
    const char *task_number, *task_title; /* title: the task's heading, or the start of its text */
    const char *role;                     /* the unit's role on the task: "lead" | "responsible" */
    const char *period;                   /* the period reports are due for now (the last closed one) */
    const char *status; /* the unit's report for period: none|draft|submitted|accepted|returned */
    int64_t report_id;  /* TASK: the unit's report for period (0: none); REVIEW: the waiting one */
    int64_t due_on;     /* the day the report for period is due */
    bool overdue;       /* TASK: the unit's report for period is overdue */
    const char *from_unit, *from_unit_name; /* REVIEW: the unit that submitted it; TASK: NULL */
};
enum err plan_inbox(struct db *db, struct arena *a, const char *unit, int64_t today,
                    struct plan_inbox_item **items, int *n);

/* Demo: reports for the last closed quarter for a good part of the task/unit pairs (accepted, submitted,
 * returned, a few drafts) and some units overdue. Deterministic. */
enum err plan_demo_load(struct db *db, struct arena *a);

/* ---- Handlers (plan_api.c, plan_pages.c) --------------------------------------------------------------- */

enum err plan_api_units(struct req *r, struct resp *out);         /* GET /api/v1/units */
enum err plan_api_tasks(struct req *r, struct resp *out);         /* GET /api/v1/plan/tasks */
enum err plan_api_task(struct req *r, struct resp *out);          /* GET /api/v1/plan/tasks/{id} */
enum err plan_api_report_save(struct req *r, struct resp *out);   /* POST /api/v1/plan/tasks/{id}/reports */
enum err plan_api_reports(struct req *r, struct resp *out);       /* GET /api/v1/task-reports */
enum err plan_api_report(struct req *r, struct resp *out);        /* GET /api/v1/task-reports/{id} */
enum err plan_api_report_submit(struct req *r, struct resp *out); /* POST /api/v1/task-reports/{id}/submit */
enum err plan_api_report_review(struct req *r, struct resp *out); /* POST /api/v1/task-reports/{id}/review */
enum err plan_api_evidence_add(struct req *r, struct resp *out); /* POST /api/v1/task-reports/{id}/evidence */
enum err plan_api_overdue(struct req *r, struct resp *out);      /* GET /api/v1/plan/overdue */

enum err page_plan_unit_tasks(struct req *r, struct resp *out);  /* GET /units/tasks */
enum err page_plan_unit_save(struct req *r, struct resp *out);   /* POST /units/tasks/{id}/report */
enum err page_plan_unit_review(struct req *r, struct resp *out); /* POST /units/reports/{id}/review */
enum err page_plan_dash(struct req *r, struct resp *out);        /* GET /dash/plan */
enum err page_plan_dash_review(struct req *r, struct resp *out); /* POST /dash/plan/reports/{id}/review */

#endif
