/* JSON handlers of the plan's tasks and the units' progress reports. Reading the units and tasks is for
 * officials and unit officers; a report is written by its unit's officer and reviewed by a lead unit of the
 * task or the office. Visibility is the store's: a draft exists only for its own unit (404 for everyone
 * else), a unit sees its own reports and, for tasks it leads, the others' submitted ones. */
#include "core/clock.h"
#include "modules/filing/filing.h" /* attachment_sniff */
#include "modules/joint/plan.h"
#include "modules/rectification/rectification.h" /* rect_evidence_filename */

#include <stdlib.h>
#include <string.h>

#define VERSION_SPEC(d)                                                                                      \
    {                                                                                                        \
        .name = "version", .type = JT_INT, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = (d), .min = 1,         \
        .max = INT64_MAX                                                                                     \
    }

static json_t *str_array(const char *const *s, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_string(s[i]));
    return a;
}

static json_t *task_json(const struct plan_task *t, const char *period)
{
    json_t *units = json_array();
    for (int i = 0; i < t->nunits; i++) {
        const struct plan_unit_status *u = &t->units[i];
        json_t *x = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:b}", "code", u->code, "name", u->name, "role",
                              u->role, "status", u->status, "progress", u->progress, "overdue", u->overdue);
        if (!x) continue;
        json_object_set_new(x, "report_id", u->report_id ? json_integer(u->report_id) : json_null());
        json_array_append_new(units, x);
    }
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:s, s:o, s:s?, s:o, s:o, s:s, s:o, s:b}", "id",
                          (json_int_t)t->id, "number", t->number, "section_number", t->section_number,
                          "section", t->section, "parent_title", t->parent_title, "title", t->title, "text",
                          t->text, "deadline", json_day_opt(t->deadline_on != 0, t->deadline_on),
                          "deadline_text", t->deadline_text, "lead_units", str_array(t->lead_units, t->nlead),
                          "responsible_units", str_array(t->responsible_units, t->nresponsible), "period",
                          period, "units", units, "overdue", t->overdue);
    return j ? j : json_object();
}

static json_t *report_json(const struct plan_report *p)
{
    json_t *j =
        json_pack("{s:I, s:I, s:s?, s:s?, s:s, s:s?, s:s?, s:s, s:s, s:s?, s:s?, s:I, s:I, s:I, s:b}", "id",
                  (json_int_t)p->id, "task_id", (json_int_t)p->task_id, "task_number", p->task_number,
                  "task_title", p->task_title, "unit", p->unit_code, "unit_name", p->unit_name, "unit_role",
                  p->unit_role, "period", p->period, "status", p->status, "progress", p->progress,
                  "narrative", p->narrative, "version", (json_int_t)p->version, "created_at",
                  (json_int_t)p->created_at, "updated_at", (json_int_t)p->updated_at, "overdue", p->overdue);
    if (!j) return json_object();
    json_object_set_new(j, "due_on", p->due_on >= 0 ? json_day(p->due_on) : json_null());
    json_object_set_new(j, "submitted_at", p->submitted_at ? json_integer(p->submitted_at) : json_null());
    json_object_set_new(j, "submitted_by", p->submitted_by ? json_string(p->submitted_by) : json_null());
    json_object_set_new(j, "reviewed_at", p->reviewed_at ? json_integer(p->reviewed_at) : json_null());
    json_object_set_new(j, "reviewed_by", p->reviewed_by ? json_string(p->reviewed_by) : json_null());
    json_object_set_new(j, "review_reason", p->review_reason ? json_string(p->review_reason) : json_null());
    return j;
}

/* A period from the query (key "period"), checked against the configured kind; the last closed period when
 * absent. Bad values go into r->fe. */
static const char *query_period(struct req *r)
{
    int kind = plan_period_kind(r->db);
    const char *p = req_query(r, "period");
    if (p && *p) {
        if (!plan_period_parse(p, kind, NULL, NULL)) fe_add(&r->fe, "period", "报告期格式无效，如 2026Q1");
        return p;
    }
    char *buf = arena_alloc(r->a, PLAN_PERIOD_MAX);
    return plan_period_last_closed(clock_day_of(clock_now()), kind, buf);
}

/* GET /api/v1/units */
enum err plan_api_units(struct req *r, struct resp *out)
{
    struct plan_unit *u;
    int n;
    enum err e = plan_units(r->db, r->a, &u, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    int members = 0;
    for (int i = 0; i < n; i++) {
        members += u[i].member;
        json_t *duties = u[i].duties ? json_loads(u[i].duties, 0, NULL) : NULL;
        json_t *leads = json_array(), *resp = json_array();
        for (int k = 0; k < u[i].nleads; k++)
            json_array_append_new(leads,
                                  json_pack("{s:I, s:s, s:s?}", "id", (json_int_t)u[i].lead_ids[k], "number",
                                            u[i].leads[k].code, "title", u[i].leads[k].name));
        for (int k = 0; k < u[i].nresponsible; k++)
            json_array_append_new(
                resp, json_pack("{s:I, s:s, s:s?}", "id", (json_int_t)u[i].responsible_ids[k], "number",
                                u[i].responsible[k].code, "title", u[i].responsible[k].name));
        json_t *x =
            json_pack("{s:s, s:s, s:s?, s:s, s:b, s:b, s:b, s:s?, s:o, s:o, s:o}", "code", u[i].code, "name",
                      u[i].name, "full_name", u[i].full_name, "kind", u[i].kind, "member", u[i].member,
                      "lead", u[i].lead, "office", u[i].office, "division_code", u[i].division_code, "duties",
                      duties ? duties : json_array(), "leads", leads, "responsible", resp);
        if (x) json_array_append_new(arr, x);
    }
    return resp_json(r, out, 200, json_pack("{s:o, s:i, s:i}", "items", arr, "total", n, "members", members));
}

/* GET /api/v1/plan/tasks?unit=&section=&period= */
enum err plan_api_tasks(struct req *r, struct resp *out)
{
    const char *unit = req_query(r, "unit"), *section = req_query(r, "section");
    if (unit && !*unit) unit = NULL;
    if (section && !*section) section = NULL;
    if (unit && !plan_unit_exists(r->db, unit)) fe_add(&r->fe, "unit", "未知的单位");
    if (section && strlen(section) > 40) fe_add(&r->fe, "section", "篇章编号无效");
    const char *period = query_period(r);
    if (r->fe.n) return ERR_VALIDATION;
    struct plan_task *t;
    int n;
    enum err e = plan_tasks(r->db, r->a, r->who, unit, section, period, &t, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, task_json(&t[i], period));
    return resp_json(r, out, 200, json_pack("{s:o, s:i, s:s}", "items", arr, "total", n, "period", period));
}

/* GET /api/v1/plan/tasks/{id}?period=: the task with every report the caller may see. */
enum err plan_api_task(struct req *r, struct resp *out)
{
    const char *period = query_period(r);
    if (r->fe.n) return ERR_VALIDATION;
    struct plan_task t;
    enum err e = plan_task_get(r->db, r->a, r->who, r->id[0], period, &t);
    if (e != OK) return e;
    struct plan_report_filter f = {.task_id = t.id};
    struct plan_report *reps;
    int n;
    e = plan_report_list(r->db, r->a, r->who, &f, &reps, &n);
    if (e != OK) return e;
    json_t *j = task_json(&t, period), *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, report_json(&reps[i]));
    json_object_set_new(j, "reports", arr);
    return resp_json(r, out, 200, j);
}

/* POST /api/v1/plan/tasks/{id}/reports {period?, progress, narrative, submit?, version?} */
enum err plan_api_report_save(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    const char *period = NULL, *narrative = NULL;
    int progress = -1;
    bool submit = false;
    int64_t version = 0;
    struct jspec spec[] = {
        {.name = "period",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &period,
         .min = 4,
         .max = 6},
        JS_ENUM("progress", &progress, plan_progress_names),
        JS_STRING("narrative", &narrative, 1, 4000),
        {.name = "submit", .type = JT_BOOL, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = &submit},
        VERSION_SPEC(&version),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    bool period_bad = fe_has(&r->fe, "period"), narrative_bad = fe_has(&r->fe, "narrative");
    /* The store's own checks, for the fields the validator let through: one answer, every field. */
    int kind = plan_period_kind(r->db);
    int64_t first, today = clock_day_of(clock_now());
    if (period && !period_bad) {
        if (!plan_period_parse(period, kind, &first, NULL))
            fe_add(&r->fe, "period", "报告期格式无效，如 2026Q1");
        else if (first > today)
            fe_add(&r->fe, "period", "报告期尚未开始");
        else if (first < date_to_days(2021, 1, 1))
            fe_add(&r->fe, "period", "报告期早于实施方案");
    }
    if (narrative && !narrative_bad && text_blank(narrative)) fe_add(&r->fe, "narrative", "请填写进展情况");
    if (r->fe.n) return ERR_VALIDATION;
    struct plan_report rep;
    e = plan_report_save(r->db, r->a, r->who, NULL, r->id[0], period, plan_progress_names[progress],
                         narrative, submit, version, clock_now(), &r->fe, &rep);
    if (e != OK) return e;
    return resp_json(r, out, rep.version == 1 && !submit ? 201 : 200, report_json(&rep));
}

/* GET /api/v1/task-reports?period=&unit=&status=&task=&overdue=1 */
enum err plan_api_reports(struct req *r, struct resp *out)
{
    struct plan_report_filter f = {0};
    const char *period = req_query(r, "period"), *unit = req_query(r, "unit"),
               *status = req_query(r, "status"), *overdue = req_query(r, "overdue"),
               *task = req_query(r, "task");
    if (period && *period) {
        if (!plan_period_parse(period, plan_period_kind(r->db), NULL, NULL))
            fe_add(&r->fe, "period", "报告期格式无效，如 2026Q1");
        f.period = period;
    }
    if (unit && *unit) {
        if (!plan_unit_exists(r->db, unit)) fe_add(&r->fe, "unit", "未知的单位");
        f.unit = unit;
    }
    if (status && *status) {
        if (plan_status_from_name(status) <= PR_NONE)
            fe_add(&r->fe, "status", "状态应为 draft、submitted、accepted 或 returned");
        f.status = status;
    }
    if (overdue && *overdue) {
        if (strcmp(overdue, "1") == 0)
            f.overdue = true;
        else if (strcmp(overdue, "0") != 0)
            fe_add(&r->fe, "overdue", "应为 1 或 0");
    }
    if (task && *task) {
        char *end;
        long long v = strtoll(task, &end, 10);
        if (*end || v < 1)
            fe_add(&r->fe, "task", "任务编号无效");
        else
            f.task_id = v;
    }
    if (r->fe.n) return ERR_VALIDATION;
    struct plan_report *items;
    int n;
    enum err e = plan_report_list(r->db, r->a, r->who, &f, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, report_json(&items[i]));
    return resp_json(r, out, 200, json_pack("{s:o, s:i}", "items", arr, "total", n));
}

/* GET /api/v1/task-reports/{id}: the report with its evidence files. */
enum err plan_api_report(struct req *r, struct resp *out)
{
    struct plan_report p;
    enum err e = plan_report_get(r->db, r->a, r->who, r->id[0], &p);
    if (e != OK) return e;
    struct plan_evidence *ev;
    int n;
    e = plan_report_evidence(r->db, r->a, p.id, &ev, &n);
    if (e != OK) return e;
    json_t *j = report_json(&p), *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:s?, s:s?, s:I, s:s?, s:I}", "id", (json_int_t)ev[i].id,
                                             "filename", ev[i].filename, "media_type", ev[i].media_type,
                                             "size", (json_int_t)ev[i].size, "sha256", ev[i].sha256,
                                             "uploaded_at", (json_int_t)ev[i].uploaded_at));
    json_object_set_new(j, "evidence", arr);
    return resp_json(r, out, 200, j);
}

/* POST /api/v1/task-reports/{id}/submit {version?} (an empty body is allowed) */
enum err plan_api_report_submit(struct req *r, struct resp *out)
{
    int64_t version = 0;
    if (r->body_len) {
        json_t *body;
        enum err e = req_json(r, &body);
        if (e != OK) return e;
        struct jspec spec[] = {VERSION_SPEC(&version), JS_END};
        if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    }
    struct plan_report p;
    enum err e = plan_report_submit(r->db, r->a, r->who, r->id[0], version, clock_now(), &p);
    if (e != OK) return e;
    return resp_json(r, out, 200, report_json(&p));
}

/* POST /api/v1/task-reports/{id}/review {decision: accept|return, reason (to return), version?} */
enum err plan_api_report_review(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    static const char *const decisions[] = {"accept", "return", NULL};
    int decision = -1;
    const char *reason = NULL;
    int64_t version = 0;
    struct jspec spec[] = {
        JS_ENUM("decision", &decision, decisions),
        {.name = "reason",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &reason,
         .min = 0,
         .max = 1000},
        VERSION_SPEC(&version),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (decision == 1 && !fe_has(&r->fe, "reason") && text_blank(reason))
        fe_add(&r->fe, "reason", "退回时必须说明理由");
    if (r->fe.n) return ERR_VALIDATION;
    struct plan_report p;
    e = plan_report_review(r->db, r->a, r->who, r->id[0], decision == 0 ? PE_ACCEPT : PE_RETURN, reason,
                           version, clock_now(), &r->fe, &p);
    if (e != OK) return e;
    return resp_json(r, out, 200, report_json(&p));
}

/* POST /api/v1/task-reports/{id}/evidence?filename= (raw PDF, JPEG or PNG body) */
enum err plan_api_evidence_add(struct req *r, struct resp *out)
{
    if (r->body_len == 0) {
        fe_add(&r->fe, "body", "文件内容为空");
        return ERR_VALIDATION;
    }
    const char *media = attachment_sniff(r->body, r->body_len);
    const char *name = rect_evidence_filename(r->a, req_query(r, "filename"), media);
    struct plan_evidence v;
    enum err e = plan_evidence_add(r->db, r->a, r->who, r->id[0], name, r->body, r->body_len, &v);
    if (e == ERR_UNSUPPORTED_MEDIA) r->error_detail = "只接受 PDF、JPEG 或 PNG 文件（按内容判断）";
    if (e != OK) return e;
    return resp_json(r, out, 201,
                     json_pack("{s:I, s:s, s:s, s:I, s:s, s:I}", "id", (json_int_t)v.id, "filename",
                               v.filename, "media_type", v.media_type, "size", (json_int_t)v.size, "sha256",
                               v.sha256, "uploaded_at", (json_int_t)v.uploaded_at));
}

/* GET /api/v1/plan/overdue: the office and the city. */
enum err plan_api_overdue(struct req *r, struct resp *out)
{
    bool office = r->who->role == ROLE_CITY || r->who->role == ROLE_ADMIN || r->who->role == ROLE_AUDITOR ||
                  (r->who->role == ROLE_UNIT && r->who->unit && strcmp(r->who->unit, PLAN_OFFICE_UNIT) == 0);
    if (!office) return ERR_FORBIDDEN;
    int64_t today = clock_day_of(clock_now());
    struct plan_report *reps;
    struct plan_task *tasks;
    int nr, nt;
    enum err e = plan_overdue(r->db, r->a, today, &reps, &nr, &tasks, &nt);
    if (e != OK) return e;
    json_t *arr = json_array(), *tarr = json_array();
    const char *period = nr ? reps[0].period : NULL;
    for (int i = 0; i < nr; i++) {
        if (!reps[i].overdue) continue;
        json_t *x =
            json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "task_id", (json_int_t)reps[i].task_id,
                      "task_number", reps[i].task_number, "unit", reps[i].unit_code, "unit_name",
                      reps[i].unit_name, "role", reps[i].unit_role, "period", reps[i].period, "status",
                      reps[i].status, "due_on", json_day(reps[i].due_on));
        if (!x) continue;
        json_object_set_new(x, "report_id", reps[i].id ? json_integer(reps[i].id) : json_null());
        json_array_append_new(arr, x);
    }
    for (int i = 0; i < nt; i++)
        json_array_append_new(tarr, json_pack("{s:I, s:s, s:s?, s:o}", "id", (json_int_t)tasks[i].id,
                                              "number", tasks[i].number, "title", tasks[i].title, "deadline",
                                              json_day(tasks[i].deadline_on)));
    return resp_json(r, out, 200,
                     json_pack("{s:s?, s:o, s:o}", "period", period, "reports", arr, "tasks", tarr));
}
