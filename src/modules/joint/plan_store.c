/* The plan's tasks and the units' progress reports: their SQL. Each move of a report is one transaction that
 * reads the report and the actor's place on the task inside it, checks the workflow table (plan_rules.c),
 * writes the report and the audit entry. Overdue is never stored: it is computed from the period, the
 * due-days setting and the clock whenever a report is read. */
#include "modules/filing/filing.h" /* attachment_sniff */
#include "modules/joint/plan.h"
#include "modules/reference/settings.h"

#include "core/clock.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NARRATIVE_MAX   4000
#define REASON_MAX      1000
#define PLAN_FIRST_YEAR 2021 /* the plan was issued on 2021-08-17 */

/* The reporting units of each task: those plan_task_units names, except the collective 各县市区, which stands
 * for every county with the same role. Columns task_id, unit_code, role. */
#define MEMBERS                                                                                              \
    "(SELECT tu.task_id, tu.unit_code, tu.role FROM plan_task_units tu WHERE tu.unit_code <> 'counties' "    \
    "UNION ALL SELECT tu.task_id, c.code, tu.role FROM plan_task_units tu JOIN units c ON c.kind = "         \
    "'county' "                                                                                              \
    "WHERE tu.unit_code = 'counties')"

/* ---- Settings ------------------------------------------------------------------------------------------ */

static void read_text(struct db_rows *r, struct arena *a, void *item)
{
    *(const char **)item = db_text_dup(r, 0, a);
}

int plan_period_kind(struct db *db)
{
    char buf[16] = "";
    struct db_val v[] = {DBV_TEXT(PLAN_SETTING_PERIOD)};
    struct db_rows *rows = NULL;
    if (db_query(db, "SELECT value FROM settings WHERE key = $1", v, 1, &rows) == OK) {
        if (db_next(rows) == 1 && db_text(rows, 0)) snprintf(buf, sizeof buf, "%s", db_text(rows, 0));
        db_done(rows);
    }
    int k = plan_period_kind_from_name(buf);
    return k < 0 ? PK_QUARTER : k;
}

int64_t plan_due_days(struct db *db)
{
    int64_t v = settings_get_int(db, PLAN_SETTING_DUE_DAYS, PLAN_DEFAULT_DUE_DAYS);
    return v < 0 || v > 366 ? PLAN_DEFAULT_DUE_DAYS : v;
}

/* ---- Who sees what ------------------------------------------------------------------------------------- */

/* The parameters of VISIBLE: $1 the viewer's unit (unit officers), $2 1 for a unit officer, $3 1 for the
 * office, $4 1 for the system (sees all). Drafts are seen by their own unit only; unit officers see their
 * unit's reports and the others' submitted ones on tasks their unit leads (all of them for the office);
 * officials every report but drafts. */
#define VISIBLE                                                                                              \
    "(CAST($4 AS BIGINT) = 1 OR r.unit_code = CAST($1 AS TEXT) OR (r.status <> 'draft' AND "                 \
    "(CAST($2 AS BIGINT) = 0 OR CAST($3 AS BIGINT) = 1 OR EXISTS (SELECT 1 FROM plan_task_units l WHERE "    \
    "l.task_id = r.task_id AND l.unit_code = CAST($1 AS TEXT) AND l.role = 'lead'))))"

struct viewer {
    const char *unit;
    bool is_unit, office, all;
};

static struct viewer viewer_of(const struct principal *who)
{
    struct viewer v = {0};
    if (!who) {
        v.all = true;
        return v;
    }
    v.is_unit = who->role == ROLE_UNIT;
    v.unit = v.is_unit ? who->unit : NULL;
    v.office = who->role == ROLE_CITY || (v.is_unit && v.unit && strcmp(v.unit, PLAN_OFFICE_UNIT) == 0);
    return v;
}

static void viewer_vals(const struct viewer *w, struct db_val v[4])
{
    v[0] = DBV_TEXT(w->unit);
    v[1] = DBV_BOOL(w->is_unit);
    v[2] = DBV_BOOL(w->office);
    v[3] = DBV_BOOL(w->all);
}

/* ---- Units and tasks ----------------------------------------------------------------------------------- */

static void read_unit(struct db_rows *r, struct arena *a, void *item)
{
    struct plan_unit *u = item;
    u->code = db_text_dup(r, 0, a);
    u->name = db_text_dup(r, 1, a);
    u->full_name = db_text_dup(r, 2, a);
    u->kind = db_text_dup(r, 3, a);
    u->member = db_int(r, 4) != 0;
    u->lead = db_int(r, 5) != 0;
    u->office = db_int(r, 6) != 0;
    u->division_code = db_text_dup(r, 7, a);
    u->duties = db_text_dup(r, 8, a);
}

struct membership {
    int64_t task_id;
    const char *unit, *role, *number, *title;
};

static void read_membership(struct db_rows *r, struct arena *a, void *item)
{
    struct membership *m = item;
    m->task_id = db_int(r, 0);
    m->unit = db_text_dup(r, 1, a);
    m->role = db_text_dup(r, 2, a);
    m->number = db_text_dup(r, 3, a);
    m->title = db_text_dup(r, 4, a);
}

enum err plan_units(struct db *db, struct arena *a, struct plan_unit **items, int *n)
{
    struct membership *ms = NULL;
    int nm = 0;
    enum err e = db_get_all(db, a,
                            "SELECT code, name, full_name, kind, member, lead, office, division_code, duties "
                            "FROM units ORDER BY sort, code",
                            NULL, 0, read_unit, sizeof **items, 0, (void **)items, n);
    if (e != OK) return e;
    /* Every unit's tasks: the counties' through 各县市区, and 各县市区 itself too. */
    e = db_get_all(
        db, a,
        "SELECT m.task_id, m.unit_code, m.role, t.number, COALESCE(t.title, t.number) FROM (SELECT "
        "tu.task_id, tu.unit_code, tu.role FROM plan_task_units tu UNION ALL SELECT tu.task_id, c.code, "
        "tu.role "
        "FROM plan_task_units tu JOIN units c ON c.kind = 'county' WHERE tu.unit_code = 'counties') m JOIN "
        "plan_tasks t ON t.id = m.task_id ORDER BY t.sort",
        NULL, 0, read_membership, sizeof *ms, 0, (void **)&ms, &nm);
    if (e != OK) return e;
    for (int i = 0; i < *n; i++) {
        struct plan_unit *u = &(*items)[i];
        int nl = 0, nr = 0;
        for (int j = 0; j < nm; j++)
            if (strcmp(ms[j].unit, u->code) == 0) {
                if (strcmp(ms[j].role, "lead") == 0)
                    nl++;
                else
                    nr++;
            }
        u->leads = arena_zalloc(a, (size_t)(nl + 1) * sizeof *u->leads);
        u->responsible = arena_zalloc(a, (size_t)(nr + 1) * sizeof *u->responsible);
        u->lead_ids = arena_zalloc(a, (size_t)(nl + 1) * sizeof(int64_t));
        u->responsible_ids = arena_zalloc(a, (size_t)(nr + 1) * sizeof(int64_t));
        for (int j = 0; j < nm; j++) {
            if (strcmp(ms[j].unit, u->code) != 0) continue;
            struct plan_unit_ref ref = {ms[j].number, ms[j].title, ms[j].role};
            if (strcmp(ms[j].role, "lead") == 0) {
                u->lead_ids[u->nleads] = ms[j].task_id;
                u->leads[u->nleads++] = ref;
            } else {
                u->responsible_ids[u->nresponsible] = ms[j].task_id;
                u->responsible[u->nresponsible++] = ref;
            }
        }
    }
    return OK;
}

bool plan_unit_exists(struct db *db, const char *code)
{
    int64_t n = 0;
    struct db_val v[] = {DBV_TEXT(code)};
    return code && db_int_query(db, "SELECT COUNT(*) FROM units WHERE code = $1", v, 1, &n) == OK && n > 0;
}

const char *plan_unit_role(struct db *db, struct arena *a, int64_t task_id, const char *unit)
{
    const char *role = NULL;
    if (!unit) return NULL;
    struct db_val v[] = {DBV_INT(task_id), DBV_TEXT(unit)};
    if (db_get_one(db, a, "SELECT m.role FROM " MEMBERS " m WHERE m.task_id = $1 AND m.unit_code = $2", v, 2,
                   read_text, &role) != OK)
        return NULL;
    return role;
}

/* Whether unit leads task directly (named as a lead, not through 各县市区). */
static bool unit_leads(struct db *db, int64_t task_id, const char *unit)
{
    int64_t n = 0;
    if (!unit) return false;
    struct db_val v[] = {DBV_INT(task_id), DBV_TEXT(unit)};
    return db_int_query(db,
                        "SELECT COUNT(*) FROM plan_task_units WHERE task_id = $1 AND unit_code = $2 AND "
                        "role = 'lead'",
                        v, 2, &n) == OK &&
           n > 0;
}

static void read_task(struct db_rows *r, struct arena *a, void *item)
{
    struct plan_task *t = item;
    t->id = db_int(r, 0);
    t->number = db_text_dup(r, 1, a);
    t->section_number = db_text_dup(r, 2, a);
    t->section = db_text_dup(r, 3, a);
    t->parent_title = db_text_dup(r, 4, a);
    t->title = db_text_dup(r, 5, a);
    t->text = db_text_dup(r, 6, a);
    t->deadline_on = db_isnull(r, 7) ? 0 : db_int(r, 7);
    t->deadline_text = db_text_dup(r, 8, a);
}

struct status_row {
    int64_t task_id, report_id;
    const char *unit, *name, *role, *status, *progress;
};

static void read_status_row(struct db_rows *r, struct arena *a, void *item)
{
    struct status_row *s = item;
    s->task_id = db_int(r, 0);
    s->unit = db_text_dup(r, 1, a);
    s->name = db_text_dup(r, 2, a);
    s->role = db_text_dup(r, 3, a);
    s->report_id = db_isnull(r, 4) ? 0 : db_int(r, 4);
    s->status = db_text_dup(r, 5, a);
    s->progress = db_text_dup(r, 6, a);
}

/* How many reporting lead units of task reported "done" (submitted or accepted, any period), and how many
 * lead units it has. */
static enum err task_leads_done(struct db *db, int64_t task_id, int64_t *leads, int64_t *done)
{
    struct db_val v[] = {DBV_INT(task_id)};
    enum err e = db_int_query(
        db, "SELECT COUNT(*) FROM " MEMBERS " m WHERE m.task_id = $1 AND m.role = 'lead'", v, 1, leads);
    if (e != OK) return e;
    return db_int_query(db,
                        "SELECT COUNT(*) FROM " MEMBERS " m WHERE m.task_id = $1 AND m.role = 'lead' AND "
                        "EXISTS (SELECT 1 FROM task_reports r WHERE r.task_id = m.task_id AND r.unit_code = "
                        "m.unit_code AND r.status IN ('submitted', 'accepted') AND r.progress = 'done')",
                        v, 1, done);
}

/* Fill the tasks' plan units, reporting units with their status for period, and overdue flags. */
static enum err tasks_complete(struct db *db, struct arena *a, const struct principal *who,
                               const char *period, struct plan_task *tasks, int n)
{
    if (n == 0) return OK;
    struct viewer w = viewer_of(who);
    int kind = plan_period_kind(db);
    int64_t today = clock_day_of(clock_now()), due = plan_period_due(period, kind, plan_due_days(db));
    struct membership *ms = NULL;
    int nm = 0;
    enum err e = db_get_all(db, a,
                            "SELECT task_id, unit_code, role, '', '' FROM plan_task_units "
                            "ORDER BY task_id, position",
                            NULL, 0, read_membership, sizeof *ms, 0, (void **)&ms, &nm);
    if (e != OK) return e;
    struct status_row *ss = NULL;
    int ns = 0;
    struct db_val v[] = {DBV_TEXT(period)};
    e = db_get_all(
        db, a,
        "SELECT m.task_id, m.unit_code, u.name, m.role, r.id, r.status, r.progress FROM " MEMBERS
        " m JOIN units u ON u.code = m.unit_code LEFT JOIN task_reports r ON r.task_id = m.task_id "
        "AND r.unit_code = m.unit_code AND r.period = $1 "
        "ORDER BY m.task_id, CASE WHEN m.role = 'lead' THEN 0 ELSE 1 END, u.sort",
        v, 1, read_status_row, sizeof *ss, 0, (void **)&ss, &ns);
    if (e != OK) return e;
    for (int i = 0; i < n; i++) {
        struct plan_task *t = &tasks[i];
        t->lead_units = arena_zalloc(a, (size_t)(nm + 1) * sizeof(char *));
        t->responsible_units = arena_zalloc(a, (size_t)(nm + 1) * sizeof(char *));
        for (int j = 0; j < nm; j++) {
            if (ms[j].task_id != t->id) continue;
            if (strcmp(ms[j].role, "lead") == 0)
                t->lead_units[t->nlead++] = ms[j].unit;
            else
                t->responsible_units[t->nresponsible++] = ms[j].unit;
        }
        int cnt = 0;
        for (int j = 0; j < ns; j++)
            cnt += ss[j].task_id == t->id;
        t->units = arena_zalloc(a, (size_t)(cnt + 1) * sizeof *t->units);
        for (int j = 0; j < ns; j++) {
            if (ss[j].task_id != t->id) continue;
            struct plan_unit_status *u = &t->units[t->nunits++];
            u->code = ss[j].unit;
            u->name = ss[j].name;
            u->role = ss[j].role;
            bool hidden = ss[j].status && strcmp(ss[j].status, "draft") == 0 && !w.all &&
                          !(w.unit && strcmp(w.unit, ss[j].unit) == 0);
            int st = ss[j].status ? plan_status_from_name(ss[j].status) : PR_NONE;
            if (st < 0) st = PR_NONE;
            u->report_id = hidden ? 0 : ss[j].report_id;
            u->status = hidden ? "none" : plan_status_names[st];
            u->progress = hidden ? NULL : ss[j].progress;
            u->overdue = due >= 0 && plan_report_overdue(st, due, today);
        }
        if (t->deadline_on) {
            int64_t leads = 0, done = 0;
            e = task_leads_done(db, t->id, &leads, &done);
            if (e != OK) return e;
            t->overdue = plan_task_overdue(t->deadline_on, today, (int)leads, (int)done);
        }
    }
    return OK;
}

#define TASK_COLS                                                                                            \
    "t.id, t.number, t.section_number, t.section, t.parent_title, t.title, t.text, t.deadline_on, "          \
    "t.deadline_text"

enum err plan_tasks(struct db *db, struct arena *a, const struct principal *who, const char *unit,
                    const char *section, const char *period, struct plan_task **items, int *n)
{
    struct db_val v[] = {DBV_TEXT(unit), DBV_TEXT(section)};
    *items = NULL;
    *n = 0;
    enum err e =
        db_get_all(db, a,
                   "SELECT " TASK_COLS " FROM plan_tasks t WHERE (CAST($1 AS TEXT) IS NULL OR EXISTS "
                   "(SELECT 1 FROM " MEMBERS " m WHERE m.task_id = t.id AND m.unit_code = $1) OR "
                   "EXISTS (SELECT 1 FROM plan_task_units d WHERE d.task_id = t.id AND d.unit_code = "
                   "$1)) AND (CAST($2 AS TEXT) IS NULL OR t.section_number = $2) ORDER BY t.sort",
                   v, 2, read_task, sizeof **items, 0, (void **)items, n);
    if (e != OK) return e;
    return tasks_complete(db, a, who, period, *items, *n);
}

enum err plan_task_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                       const char *period, struct plan_task *out)
{
    struct db_val v[] = {DBV_INT(id)};
    memset(out, 0, sizeof *out);
    enum err e =
        db_get_one(db, a, "SELECT " TASK_COLS " FROM plan_tasks t WHERE t.id = $1", v, 1, read_task, out);
    if (e != OK) return e;
    return tasks_complete(db, a, who, period, out, 1);
}

/* ---- Reports ------------------------------------------------------------------------------------------- */

#define REPORT_COLS                                                                                          \
    "r.id, r.task_id, t.number, COALESCE(t.title, t.number), r.unit_code, u.name, r.period, r.status, "      \
    "r.progress, r.narrative, r.submitted_at, sb.username, r.reviewed_at, rb.username, r.review_reason, "    \
    "r.version, r.created_at, r.updated_at, COALESCE((SELECT d.role FROM plan_task_units d WHERE d.task_id " \
    "= r.task_id AND d.unit_code = r.unit_code), (SELECT d.role FROM plan_task_units d JOIN units c ON "     \
    "c.code = r.unit_code AND c.kind = 'county' WHERE d.task_id = r.task_id AND d.unit_code = 'counties'))"
#define REPORT_FROM                                                                                          \
    " FROM task_reports r JOIN plan_tasks t ON t.id = r.task_id JOIN units u ON u.code = r.unit_code "       \
    "LEFT JOIN users sb ON sb.id = r.submitted_by LEFT JOIN users rb ON rb.id = r.reviewed_by "

static void read_report(struct db_rows *r, struct arena *a, void *item)
{
    struct plan_report *p = item;
    memset(p, 0, sizeof *p);
    p->id = db_int(r, 0);
    p->task_id = db_int(r, 1);
    p->task_number = db_text_dup(r, 2, a);
    p->task_title = db_text_dup(r, 3, a);
    p->unit_code = db_text_dup(r, 4, a);
    p->unit_name = db_text_dup(r, 5, a);
    p->period = db_text_dup(r, 6, a);
    p->status = db_text_dup(r, 7, a);
    p->progress = db_text_dup(r, 8, a);
    p->narrative = db_text_dup(r, 9, a);
    p->submitted_at = db_isnull(r, 10) ? 0 : db_int(r, 10);
    p->submitted_by = db_text_dup(r, 11, a);
    p->reviewed_at = db_isnull(r, 12) ? 0 : db_int(r, 12);
    p->reviewed_by = db_text_dup(r, 13, a);
    p->review_reason = db_text_dup(r, 14, a);
    p->version = db_int(r, 15);
    p->created_at = db_int(r, 16);
    p->updated_at = db_int(r, 17);
    p->unit_role = db_text_dup(r, 18, a);
}

static void report_overdue(struct plan_report *p, int kind, int64_t due_days, int64_t today)
{
    p->due_on = plan_period_due(p->period, kind, due_days);
    int st = plan_status_from_name(p->status);
    p->overdue = p->due_on >= 0 && plan_report_overdue(st < 0 ? PR_NONE : st, p->due_on, today);
}

/* A report by id as the system sees it (no visibility), with its overdue flag. */
static enum err report_read(struct db *db, struct arena *a, int64_t id, struct plan_report *out)
{
    struct db_val v[] = {DBV_INT(id)};
    enum err e =
        db_get_one(db, a, "SELECT " REPORT_COLS REPORT_FROM "WHERE r.id = $1", v, 1, read_report, out);
    if (e == OK) report_overdue(out, plan_period_kind(db), plan_due_days(db), clock_day_of(clock_now()));
    return e;
}

static bool visible_to(const struct viewer *w, struct db *db, const struct plan_report *p)
{
    if (w->all) return true;
    if (w->unit && strcmp(w->unit, p->unit_code) == 0) return true;
    if (strcmp(p->status, "draft") == 0) return false;
    if (!w->is_unit || w->office) return true;
    return unit_leads(db, p->task_id, w->unit);
}

enum err plan_report_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                         struct plan_report *out)
{
    enum err e = report_read(db, a, id, out);
    if (e != OK) return e;
    struct viewer w = viewer_of(who);
    return visible_to(&w, db, out) ? OK : ERR_NOT_FOUND;
}

enum err plan_report_list(struct db *db, struct arena *a, const struct principal *who,
                          const struct plan_report_filter *f, struct plan_report **items, int *n)
{
    struct viewer w = viewer_of(who);
    struct db_val v[8];
    viewer_vals(&w, v);
    v[4] = DBV_TEXT(f->period);
    v[5] = DBV_TEXT(f->unit);
    v[6] = DBV_TEXT(f->status);
    v[7] = DBV_INT(f->task_id);
    *items = NULL;
    *n = 0;
    enum err e =
        db_get_all(db, a,
                   "SELECT " REPORT_COLS REPORT_FROM "WHERE " VISIBLE
                   " AND (CAST($5 AS TEXT) IS NULL OR r.period = $5) AND (CAST($6 AS TEXT) IS NULL OR "
                   "r.unit_code = $6) AND (CAST($7 AS TEXT) IS NULL OR r.status = $7) AND (CAST($8 AS "
                   "BIGINT) = 0 OR r.task_id = $8) ORDER BY r.period DESC, t.sort, u.sort",
                   v, 8, read_report, sizeof **items, 2000, (void **)items, n);
    if (e != OK) return e;
    int kind = plan_period_kind(db);
    int64_t due_days = plan_due_days(db), today = clock_day_of(clock_now());
    int k = 0;
    for (int i = 0; i < *n; i++) {
        report_overdue(&(*items)[i], kind, due_days, today);
        if (!f->overdue || (*items)[i].overdue) (*items)[k++] = (*items)[i];
    }
    *n = k;
    if (k == 0) *items = NULL;
    return OK;
}

static void read_evidence(struct db_rows *r, struct arena *a, void *item)
{
    struct plan_evidence *t = item;
    t->id = db_int(r, 0);
    t->uploaded_at = db_int(r, 1);
    t->size = db_int(r, 2);
    t->sha256 = db_text_dup(r, 3, a);
    t->filename = db_text_dup(r, 4, a);
    t->media_type = db_text_dup(r, 5, a);
}

enum err plan_report_evidence(struct db *db, struct arena *a, int64_t report_id, struct plan_evidence **items,
                              int *n)
{
    struct db_val v[] = {DBV_INT(report_id)};
    return db_get_all(db, a,
                      "SELECT v.id, v.uploaded_at, fl.size, v.sha256, v.filename, fl.media_type FROM "
                      "task_report_evidence v JOIN files fl ON fl.sha256 = v.sha256 WHERE v.report_id = $1 "
                      "ORDER BY v.id",
                      v, 1, read_evidence, sizeof **items, 0, (void **)items, n);
}

/* ---- Moves --------------------------------------------------------------------------------------------- */

struct plan_op {
    const struct principal *who;
    struct arena *a;
    struct field_errors *fe;
    const char *unit;
    int64_t task_id, report_id;
    const char *period, *progress, *narrative, *reason;
    bool submit;
    int event;
    int64_t expected_version, now;
    /* evidence */
    const char *filename, *media_type, *sha256;
    const void *p;
    size_t n;
    int64_t evidence_id;
};

static json_t *report_state(const struct plan_report *p)
{
    if (!p) return NULL;
    return json_pack("{s:s, s:s, s:s, s:I}", "status", p->status, "progress", p->progress, "period",
                     p->period, "version", (json_int_t)p->version);
}

static enum err audit_report(struct db *db, struct plan_op *c, const char *action, int64_t id,
                             const struct plan_report *before, const struct plan_report *after, json_t *extra)
{
    json_t *b = report_state(before), *x = report_state(after);
    if (x && extra) json_object_update(x, extra);
    if (extra) json_decref(extra);
    return audit_append(db, c->who, action, "task_report", id, json_text(c->a, b), json_text(c->a, x));
}

/* The actor bits of c->who towards report p (or a new report of c->unit on the task). System: everything. */
static unsigned op_actors(struct db *db, struct plan_op *c, int64_t task_id, const char *report_unit)
{
    if (!c->who) return PA_OWN | PA_OFFICE;
    const char *role = plan_unit_role(db, c->a, task_id, report_unit);
    return plan_actor(c->who->role, c->who->unit, report_unit, role,
                      c->who->role == ROLE_UNIT && unit_leads(db, task_id, c->who->unit));
}

static enum err do_submit(struct db *db, struct plan_op *c, struct plan_report *o, unsigned actors)
{
    int to;
    enum err e = plan_check(plan_status_from_name(o->status), PE_SUBMIT, actors, &to);
    if (e != OK) return e;
    struct db_val v[] = {DBV_INT(o->id), DBV_TEXT(plan_status_names[to]), DBV_INT(c->now),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL, DBV_INT(o->version)};
    e = db_exec(db,
                "UPDATE task_reports SET status = $2, submitted_at = $3, submitted_by = $4, updated_at = $3, "
                "version = version + 1 WHERE id = $1 AND version = $5",
                v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    struct plan_report after;
    e = report_read(db, c->a, o->id, &after);
    if (e != OK) return e;
    e = audit_report(db, c, "task_report.submit", o->id, o, &after, NULL);
    if (e == OK) *o = after;
    return e;
}

static enum err save_tx(struct db *db, void *p)
{
    struct plan_op *c = p;
    int64_t cnt = 0;
    struct db_val tv[] = {DBV_INT(c->task_id)};
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM plan_tasks WHERE id = $1", tv, 1, &cnt);
    if (e != OK) return e;
    if (!cnt) return ERR_NOT_FOUND;
    unsigned actors = op_actors(db, c, c->task_id, c->unit);
    if (c->who && !(actors & PA_OWN)) return ERR_FORBIDDEN;
    if (!c->who && !plan_unit_role(db, c->a, c->task_id, c->unit)) return ERR_FORBIDDEN;
    struct plan_report old;
    int64_t id = 0;
    struct db_val kv[] = {DBV_INT(c->task_id), DBV_TEXT(c->unit), DBV_TEXT(c->period)};
    e = db_int_query(db, "SELECT id FROM task_reports WHERE task_id = $1 AND unit_code = $2 AND period = $3",
                     kv, 3, &id);
    if (e != OK && e != ERR_NOT_FOUND) return e;
    bool exists = e == OK;
    if (exists) {
        e = report_read(db, c->a, id, &old);
        if (e != OK) return e;
    }
    int to;
    e = plan_check(exists ? plan_status_from_name(old.status) : PR_NONE, PE_SAVE, actors, &to);
    if (e != OK) return e;
    if (exists && c->expected_version && c->expected_version != old.version) return ERR_CONFLICT;
    if (exists) {
        struct db_val v[] = {DBV_INT(id), DBV_TEXT(c->progress), DBV_TEXT(c->narrative), DBV_INT(c->now),
                             DBV_INT(old.version)};
        e = db_exec(
            db,
            "UPDATE task_reports SET progress = $2, narrative = $3, updated_at = $4, version = version + 1 "
            "WHERE id = $1 AND version = $5",
            v, DB_NPARAMS(v));
        if (e != OK) return e;
        if (db_changes(db) != 1) return ERR_CONFLICT;
    } else {
        struct db_val v[] = {DBV_INT(c->task_id),   DBV_TEXT(c->unit),
                             DBV_TEXT(c->period),   DBV_TEXT(plan_status_names[to]),
                             DBV_TEXT(c->progress), DBV_TEXT(c->narrative),
                             DBV_INT(c->now)};
        e = db_int_query(db,
                         "INSERT INTO task_reports (task_id, unit_code, period, status, progress, narrative, "
                         "version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) "
                         "RETURNING id",
                         v, DB_NPARAMS(v), &id);
        if (e == ERR_CONFLICT) return ERR_STATE; /* a concurrent first save won */
        if (e != OK) return e;
    }
    struct plan_report after;
    e = report_read(db, c->a, id, &after);
    if (e != OK) return e;
    e = audit_report(db, c, "task_report.save", id, exists ? &old : NULL, &after, NULL);
    if (e != OK) return e;
    c->report_id = id;
    if (c->submit) {
        e = do_submit(db, c, &after, actors);
        if (e != OK) return e;
    }
    return OK;
}

/* Field checks the store makes itself (the handlers make them first, with the rest of the body). */
static void check_fields(struct db *db, struct plan_op *c)
{
    int kind = plan_period_kind(db);
    int64_t first, today = clock_day_of(c->now);
    if (!plan_period_parse(c->period, kind, &first, NULL))
        fe_add(c->fe, "period",
               kind == PK_QUARTER ? "报告期应为 2026Q1 这样的季度"
               : kind == PK_HALF  ? "报告期应为 2026H1 这样的半年"
                                  : "报告期应为年份，如 2026");
    else if (first > today)
        fe_add(c->fe, "period", "报告期尚未开始");
    else if (first < date_to_days(PLAN_FIRST_YEAR, 1, 1))
        fe_add(c->fe, "period", "报告期早于实施方案");
    if (plan_progress_from_name(c->progress) < 0)
        fe_add(c->fe, "progress", "进展应为 not_started、in_progress 或 done");
    bool blank = true;
    for (const char *s = c->narrative; s && *s; s++)
        blank &= *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n';
    if (blank) fe_add(c->fe, "narrative", "请填写进展情况");
}

enum err plan_report_save(struct db *db, struct arena *a, const struct principal *who, const char *unit,
                          int64_t task_id, const char *period, const char *progress, const char *narrative,
                          bool submit, int64_t expected_version, int64_t now, struct field_errors *fe,
                          struct plan_report *out)
{
    char def[PLAN_PERIOD_MAX];
    if (!period) period = plan_period_last_closed(clock_day_of(now), plan_period_kind(db), def);
    struct plan_op c = {.who = who,
                        .a = a,
                        .fe = fe,
                        .unit = who ? who->unit : unit,
                        .task_id = task_id,
                        .period = arena_strdup(a, period),
                        .progress = progress,
                        .narrative = narrative,
                        .submit = submit,
                        .expected_version = expected_version,
                        .now = now};
    if (who && who->role != ROLE_UNIT) return ERR_FORBIDDEN;
    if (!c.unit) return ERR_FORBIDDEN;
    check_fields(db, &c);
    if (fe->n) return ERR_VALIDATION;
    enum err e = db_tx(db, save_tx, &c);
    if (e != OK) return e;
    return report_read(db, a, c.report_id, out);
}

/* Reads the report inside the transaction for a move by c->who: 404 when who may not see it, except that a
 * unit on the task asking to move another unit's submitted report is told 403. */
static enum err load_for_move(struct db *db, struct plan_op *c, struct plan_report *o, unsigned *actors)
{
    enum err e = report_read(db, c->a, c->report_id, o);
    if (e != OK) return e;
    struct viewer w = viewer_of(c->who);
    if (!visible_to(&w, db, o)) {
        bool on_task = w.unit && plan_unit_role(db, c->a, o->task_id, w.unit);
        return on_task && strcmp(o->status, "draft") != 0 ? ERR_FORBIDDEN : ERR_NOT_FOUND;
    }
    *actors = op_actors(db, c, o->task_id, o->unit_code);
    return OK;
}

static enum err submit_tx(struct db *db, void *p)
{
    struct plan_op *c = p;
    struct plan_report o;
    unsigned actors;
    enum err e = load_for_move(db, c, &o, &actors);
    if (e != OK) return e;
    int to;
    e = plan_check(plan_status_from_name(o.status), PE_SUBMIT, actors, &to);
    if (e != OK) return e;
    if (c->expected_version && c->expected_version != o.version) return ERR_CONFLICT;
    return do_submit(db, c, &o, actors);
}

enum err plan_report_submit(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                            int64_t expected_version, int64_t now, struct plan_report *out)
{
    struct plan_op c = {
        .who = who, .a = a, .report_id = id, .expected_version = expected_version, .now = now};
    enum err e = db_tx(db, submit_tx, &c);
    if (e != OK) return e;
    return report_read(db, a, id, out);
}

static enum err review_tx(struct db *db, void *p)
{
    struct plan_op *c = p;
    struct plan_report o;
    unsigned actors;
    enum err e = load_for_move(db, c, &o, &actors);
    if (e != OK) return e;
    int to;
    e = plan_check(plan_status_from_name(o.status), c->event, actors, &to);
    if (e != OK) return e;
    if (c->expected_version && c->expected_version != o.version) return ERR_CONFLICT;
    struct db_val v[] = {DBV_INT(o.id),
                         DBV_TEXT(plan_status_names[to]),
                         DBV_INT(c->now),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL,
                         DBV_TEXT(c->event == PE_RETURN ? c->reason : NULL),
                         DBV_INT(o.version)};
    e = db_exec(
        db,
        "UPDATE task_reports SET status = $2, reviewed_at = $3, reviewed_by = $4, review_reason = $5, "
        "updated_at = $3, version = version + 1 WHERE id = $1 AND version = $6",
        v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    struct plan_report after;
    e = report_read(db, c->a, o.id, &after);
    if (e != OK) return e;
    return audit_report(db, c, c->event == PE_ACCEPT ? "task_report.accept" : "task_report.return", o.id, &o,
                        &after, c->event == PE_RETURN ? json_pack("{s:b}", "reason_given", 1) : NULL);
}

enum err plan_report_review(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                            int event, const char *reason, int64_t expected_version, int64_t now,
                            struct field_errors *fe, struct plan_report *out)
{
    if (event != PE_ACCEPT && event != PE_RETURN) {
        fe_add(fe, "decision", "应为 accept 或 return");
        return ERR_VALIDATION;
    }
    bool blank = true;
    for (const char *s = reason; s && *s; s++)
        blank &= *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n';
    if (event == PE_RETURN && blank) {
        fe_add(fe, "reason", "退回时必须说明理由");
        return ERR_VALIDATION;
    }
    struct plan_op c = {.who = who,
                        .a = a,
                        .fe = fe,
                        .report_id = id,
                        .event = event,
                        .reason = reason,
                        .expected_version = expected_version,
                        .now = now};
    enum err e = db_tx(db, review_tx, &c);
    if (e != OK) return e;
    return report_read(db, a, id, out);
}

static enum err evidence_tx(struct db *db, void *p)
{
    struct plan_op *c = p;
    struct plan_report o;
    unsigned actors;
    enum err e = load_for_move(db, c, &o, &actors);
    if (e != OK) return e;
    if (!(actors & PA_OWN)) return ERR_FORBIDDEN;
    int st = plan_status_from_name(o.status);
    if (st != PR_DRAFT && st != PR_RETURNED) return ERR_STATE;
    struct db_val file[] = {DBV_TEXT(c->sha256), DBV_TEXT(c->media_type), DBV_INT((int64_t)c->n),
                            DBV_BLOB(c->p, c->n), DBV_INT(c->now)};
    e = db_exec(db,
                "INSERT INTO files (sha256, media_type, size, data, created_at) VALUES ($1, $2, $3, $4, $5) "
                "ON CONFLICT (sha256) DO NOTHING",
                file, DB_NPARAMS(file));
    if (e != OK) return e;
    struct db_val v[] = {DBV_INT(o.id), DBV_TEXT(c->sha256), DBV_TEXT(c->filename), DBV_INT(c->now),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    e = db_int_query(
        db,
        "INSERT INTO task_report_evidence (report_id, sha256, filename, uploaded_at, uploaded_by) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id",
        v, DB_NPARAMS(v), &c->evidence_id);
    if (e != OK) return e;
    json_t *after = json_pack("{s:I, s:s, s:s, s:I}", "evidence_id", (json_int_t)c->evidence_id, "media_type",
                              c->media_type, "sha256", c->sha256, "size", (json_int_t)c->n);
    return audit_append(db, c->who, "task_report.evidence", "task_report", o.id, NULL,
                        json_text(c->a, after));
}

enum err plan_evidence_add(struct db *db, struct arena *a, const struct principal *who, int64_t report_id,
                           const char *filename, const void *p, size_t n, struct plan_evidence *out)
{
    const char *media = attachment_sniff(p, n);
    if (!media) return ERR_UNSUPPORTED_MEDIA;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, p, n);
    char *hex = arena_alloc(a, 65);
    sodium_bin2hex(hex, 65, h, sizeof h);
    struct plan_op c = {.who = who,
                        .a = a,
                        .report_id = report_id,
                        .now = clock_now(),
                        .filename = filename,
                        .media_type = media,
                        .sha256 = hex,
                        .p = p,
                        .n = n};
    enum err e = db_tx(db, evidence_tx, &c);
    if (e != OK) return e;
    *out = (struct plan_evidence){.id = c.evidence_id,
                                  .uploaded_at = c.now,
                                  .size = (int64_t)n,
                                  .sha256 = hex,
                                  .filename = filename,
                                  .media_type = media};
    return OK;
}

/* ---- Overdue and the inbox ----------------------------------------------------------------------------- */

/* The period whose reports are checked for being overdue on today: the last closed one once its due day has
 * passed, else the one before. */
static void checked_period(int64_t today, int kind, int64_t due_days, char out[static PLAN_PERIOD_MAX])
{
    plan_period_last_closed(today, kind, out);
    if (today <= plan_period_due(out, kind, due_days)) {
        char prev[PLAN_PERIOD_MAX];
        plan_period_prev(out, kind, prev);
        memcpy(out, prev, PLAN_PERIOD_MAX);
    }
}

static void read_pair(struct db_rows *r, struct arena *a, void *item)
{
    struct plan_report *p = item;
    memset(p, 0, sizeof *p);
    p->task_id = db_int(r, 0);
    p->task_number = db_text_dup(r, 1, a);
    p->task_title = db_text_dup(r, 2, a);
    p->unit_code = db_text_dup(r, 3, a);
    p->unit_name = db_text_dup(r, 4, a);
    p->unit_role = db_text_dup(r, 5, a);
    p->id = db_isnull(r, 6) ? 0 : db_int(r, 6);
    p->status = db_isnull(r, 7) ? "none" : db_text_dup(r, 7, a);
    p->progress = db_text_dup(r, 8, a);
    p->version = db_isnull(r, 9) ? 0 : db_int(r, 9);
}

#define PAIRS_SELECT                                                                                         \
    "SELECT m.task_id, t.number, COALESCE(t.title, t.number), m.unit_code, u.name, m.role, r.id, r.status, " \
    "r.progress, r.version FROM " MEMBERS " m JOIN plan_tasks t ON t.id = m.task_id JOIN units u ON u.code " \
    "= m.unit_code LEFT JOIN task_reports r "                                                                \
    "ON r.task_id = m.task_id AND r.unit_code = m.unit_code AND r.period = $1 "

enum err plan_overdue(struct db *db, struct arena *a, int64_t today, struct plan_report **reports,
                      int *nreports, struct plan_task **tasks, int *ntasks)
{
    int kind = plan_period_kind(db);
    int64_t due_days = plan_due_days(db);
    char period[PLAN_PERIOD_MAX];
    checked_period(today, kind, due_days, period);
    int64_t due = plan_period_due(period, kind, due_days);
    *reports = NULL;
    *nreports = 0;
    struct db_val v[] = {DBV_TEXT(period)};
    enum err e = db_get_all(db, a,
                            PAIRS_SELECT "WHERE r.id IS NULL OR r.status NOT IN ('submitted', 'accepted') "
                                         "ORDER BY u.sort, t.sort",
                            v, 1, read_pair, sizeof **reports, 0, (void **)reports, nreports);
    if (e != OK) return e;
    const char *pp = arena_strdup(a, period);
    for (int i = 0; i < *nreports; i++) {
        struct plan_report *p = &(*reports)[i];
        p->period = pp;
        p->due_on = due;
        p->overdue = plan_report_overdue(plan_status_from_name(p->status), due, today);
        /* The office sees that a draft exists, never its content or id. */
        if (strcmp(p->status, "draft") == 0) {
            p->id = 0;
            p->progress = NULL;
        }
    }
    struct plan_task *all = NULL;
    int nall = 0;
    e = db_get_all(db, a,
                   "SELECT " TASK_COLS " FROM plan_tasks t WHERE t.deadline_on IS NOT NULL ORDER BY t.sort",
                   NULL, 0, read_task, sizeof *all, 0, (void **)&all, &nall);
    if (e != OK) return e;
    *tasks = arena_zalloc(a, (size_t)(nall + 1) * sizeof **tasks);
    *ntasks = 0;
    for (int i = 0; i < nall; i++) {
        int64_t leads = 0, done = 0;
        e = task_leads_done(db, all[i].id, &leads, &done);
        if (e != OK) return e;
        if (plan_task_overdue(all[i].deadline_on, today, (int)leads, (int)done)) {
            all[i].overdue = true;
            (*tasks)[(*ntasks)++] = all[i];
        }
    }
    return OK;
}

static void read_review(struct db_rows *r, struct arena *a, void *item)
{
    struct plan_inbox_item *it = item;
    it->kind = PLAN_INBOX_REVIEW;
    it->report_id = db_int(r, 0);
    it->task_id = db_int(r, 1);
    it->task_number = db_text_dup(r, 2, a);
    it->task_title = db_text_dup(r, 3, a);
    it->from_unit = db_text_dup(r, 4, a);
    it->from_unit_name = db_text_dup(r, 5, a);
    it->period = db_text_dup(r, 6, a);
    it->status = "submitted";
}

enum err plan_inbox(struct db *db, struct arena *a, const char *unit, int64_t today,
                    struct plan_inbox_item **items, int *n)
{
    int kind = plan_period_kind(db);
    int64_t due_days = plan_due_days(db);
    char period[PLAN_PERIOD_MAX];
    plan_period_last_closed(today, kind, period);
    int64_t due = plan_period_due(period, kind, due_days);
    struct plan_report *pairs = NULL;
    int np = 0;
    *items = NULL;
    *n = 0;
    struct db_val v[] = {DBV_TEXT(period), DBV_TEXT(unit)};
    enum err e = db_get_all(db, a, PAIRS_SELECT "WHERE m.unit_code = $2 ORDER BY t.sort", v, 2, read_pair,
                            sizeof *pairs, 0, (void **)&pairs, &np);
    if (e != OK) return e;
    struct plan_inbox_item *reviews = NULL;
    int nr = 0;
    bool office = unit && strcmp(unit, PLAN_OFFICE_UNIT) == 0;
    struct db_val rv[] = {DBV_TEXT(unit), DBV_BOOL(office)};
    e = db_get_all(
        db, a,
        "SELECT r.id, r.task_id, t.number, COALESCE(t.title, t.number), r.unit_code, u.name, r.period "
        "FROM task_reports r JOIN plan_tasks t ON t.id = r.task_id JOIN units u ON u.code = "
        "r.unit_code WHERE r.status = 'submitted' AND (CAST($2 AS BIGINT) = 1 OR (r.unit_code <> $1 "
        "AND EXISTS (SELECT 1 FROM plan_task_units l WHERE l.task_id = r.task_id AND l.unit_code = $1 "
        "AND l.role = 'lead'))) ORDER BY r.submitted_at, r.id",
        rv, 2, read_review, sizeof *reviews, 500, (void **)&reviews, &nr);
    if (e != OK) return e;
    if (np + nr == 0) return OK;
    *items = arena_zalloc(a, (size_t)(np + nr) * sizeof **items);
    for (int i = 0; i < np; i++) {
        struct plan_inbox_item *it = &(*items)[(*n)++];
        int st = plan_status_from_name(pairs[i].status);
        *it = (struct plan_inbox_item){.kind = PLAN_INBOX_TASK,
                                       .task_id = pairs[i].task_id,
                                       .task_number = pairs[i].task_number,
                                       .task_title = pairs[i].task_title,
                                       .role = pairs[i].unit_role,
                                       .period = arena_strdup(a, period),
                                       .status = pairs[i].status,
                                       .report_id = pairs[i].id,
                                       .due_on = due,
                                       .overdue = plan_report_overdue(st < 0 ? PR_NONE : st, due, today)};
    }
    for (int i = 0; i < nr; i++) {
        struct plan_inbox_item *it = &(*items)[(*n)++];
        *it = reviews[i];
        it->role = "lead";
        it->due_on = plan_period_due(it->period, kind, due_days);
    }
    return OK;
}

/* ---- Demo ---------------------------------------------------------------------------------------------- */

static const char *const demo_narratives[] = {
    "已制定本单位年度工作方案，明确责任科室和时间节点，按季度调度推进。",
    "会同相关部门开展专题调研，梳理政策落实中的堵点问题，形成工作清单并逐项落实。",
    "本季度组织召开推进会1次，完成政策宣传和业务培训，相关数据已报送市卫健委。",
    "已完成阶段性目标，相关制度文件已印发执行，下一步将加强督导检查。",
};

struct demo_ctx {
    struct arena *a;
    int64_t today;
};

static enum err demo_period(struct db *db, struct demo_ctx *d, const char *period, int64_t now, bool older)
{
    if (now > clock_now() - 86400) now = clock_now() - 86400;
    struct plan_report *pairs = NULL;
    int np = 0;
    struct db_val v[] = {DBV_TEXT(period)};
    enum err e = db_get_all(db, d->a, PAIRS_SELECT "ORDER BY t.sort, u.sort", v, 1, read_pair, sizeof *pairs,
                            0, (void **)&pairs, &np);
    if (e != OK) return e;
    for (int i = 0; i < np; i++) {
        if (pairs[i].id) continue; /* loaded before */
        /* Left for the walk-through (and the browser test): 市人社局 reports on 二(一)1 itself. */
        if (!older && strcmp(pairs[i].task_number, "二(一)1") == 0 &&
            strcmp(pairs[i].unit_code, "human_resources") == 0)
            continue;
        /* A fixed pattern over the pairs: mostly accepted, some submitted, returned, drafts, and some missing
         * (overdue once the due day passes). The older period is nearly complete. */
        int slot = (i * 7 + 3) % 20;
        const char *status = older       ? (slot < 17 ? "accepted" : NULL)
                             : slot < 8  ? "accepted"
                             : slot < 12 ? "submitted"
                             : slot < 14 ? "returned"
                             : slot < 16 ? "draft"
                                         : NULL;
        if (!status) continue;
        const char *progress = plan_progress_names[(i + (older ? 0 : 1)) % 3 == 0 ? PP_DONE : PP_IN_PROGRESS];
        const char *narrative = demo_narratives[i % 4];
        struct db_val iv[] = {
            DBV_INT(pairs[i].task_id),
            DBV_TEXT(pairs[i].unit_code),
            DBV_TEXT(period),
            DBV_TEXT(status),
            DBV_TEXT(progress),
            DBV_TEXT(narrative),
            DBV_INT(now),
            DBV_TEXT(strcmp(status, "returned") == 0 ? "请补充具体数据和佐证材料后重新提交。" : NULL)};
        int64_t id;
        e = db_int_query(
            db,
            "INSERT INTO task_reports (task_id, unit_code, period, status, progress, narrative, "
            "submitted_at, reviewed_at, review_reason, version, created_at, updated_at) VALUES "
            "($1, $2, $3, $4, $5, $6, CASE WHEN $4 = 'draft' THEN NULL ELSE CAST($7 AS BIGINT) END, CASE "
            "WHEN $4 IN "
            "('accepted', 'returned') THEN CAST($7 AS BIGINT) + 86400 ELSE NULL END, $8, 1, $7, $7) "
            "RETURNING id",
            iv, DB_NPARAMS(iv), &id);
        if (e != OK) return e;
        json_t *after =
            json_pack("{s:s, s:s, s:s}", "status", status, "progress", progress, "period", period);
        e = audit_append(db, NULL, "task_report.demo", "task_report", id, NULL, json_text(d->a, after));
        if (e != OK) return e;
    }
    return OK;
}

static enum err demo_tx(struct db *db, void *p)
{
    struct demo_ctx *d = p;
    int kind = PK_QUARTER;
    int64_t due_days = plan_due_days(db);
    char last[PLAN_PERIOD_MAX], prev[PLAN_PERIOD_MAX];
    plan_period_last_closed(d->today, kind, last);
    int64_t last_end = 0;
    plan_period_parse(last, kind, NULL, &last_end);
    enum err e = demo_period(db, d, last, clock_day_start(last_end + 3) + 10 * 3600, false);
    if (e != OK) return e;
    /* Before the last quarter's due day nothing of it is overdue yet: the quarter before shows some. */
    if (d->today <= plan_period_due(last, kind, due_days)) {
        plan_period_prev(last, kind, prev);
        int64_t prev_end = 0;
        plan_period_parse(prev, kind, NULL, &prev_end);
        e = demo_period(db, d, prev, (prev_end + 3) * 86400 + 2 * 3600, true);
    }
    return e;
}

enum err plan_demo_load(struct db *db, struct arena *a)
{
    struct demo_ctx d = {.a = a, .today = clock_day_of(clock_now())};
    return db_tx(db, demo_tx, &d);
}
