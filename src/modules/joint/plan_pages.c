/* Pages of the plan's tasks: the unit officer's tasks with a progress report form each and the reviews
 * waiting for a lead unit (/units/tasks), and the officials' overview of every task with each unit's status
 * for a period, overdue work highlighted and the office's review forms (/dash/plan). Forms post into the
 * same store functions as the API, so both paths share one set of rules. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/joint/plan.h"

#include <stdlib.h>
#include <string.h>

static const char *status_zh(const char *status)
{
    int s = plan_status_from_name(status);
    return s >= 0 ? plan_status_names_zh[s] : "未知";
}

static const char *progress_zh(const char *p)
{
    int s = plan_progress_from_name(p);
    return s >= 0 ? plan_progress_names_zh[s] : "—";
}

static void status_badge(struct html *h, const char *status, bool overdue)
{
    int s = plan_status_from_name(status);
    if (s == PR_ACCEPTED)
        html_lit(h, "<span class=\"badge ok\">");
    else if (s == PR_SUBMITTED)
        html_lit(h, "<span class=\"badge info\">");
    else if (s == PR_RETURNED || s == PR_DRAFT)
        html_lit(h, "<span class=\"badge warn\">");
    else
        html_lit(h, "<span class=\"badge\">");
    html_text(h, status_zh(status));
    html_lit(h, "</span>");
    if (overdue) html_lit(h, " <span class=\"badge bad\">逾期</span>");
}

static const char *role_zh(const char *role)
{
    return role && strcmp(role, "lead") == 0 ? "牵头单位" : "责任单位";
}

static const char *id_str(struct req *r, const char *prefix, int64_t id)
{
    return arena_printf(r->a, "%s-%lld", prefix, (long long)id);
}

static void review_form(struct html *h, struct req *r, const char *action_prefix, int64_t report_id,
                        int64_t version)
{
    html_lit(h, "<form class=\"panel\" method=\"post\"");
    html_attr(h, "action", arena_printf(r->a, "%s/%lld/review", action_prefix, (long long)report_id));
    html_lit(h, ">\n");
    page_csrf(h, r);
    html_lit(h, "<input type=\"hidden\" name=\"version\"");
    html_attr(h, "value", arena_printf(r->a, "%lld", (long long)version));
    html_lit(h, ">\n<div class=\"field\"><label");
    html_attr(h, "for", id_str(r, "reason", report_id));
    html_lit(h, ">退回理由（退回时必填）</label><textarea name=\"reason\" rows=\"2\"");
    html_attr(h, "id", id_str(r, "reason", report_id));
    html_lit(h,
             "></textarea></div>\n<button type=\"submit\" name=\"decision\" value=\"accept\">通过</button> "
             "<button type=\"submit\" name=\"decision\" value=\"return\">退回</button>\n</form>\n");
}

static void report_facts(struct html *h, const struct plan_report *p)
{
    html_lit(h, "<dl class=\"facts\">\n<dt>报告期</dt><dd>");
    html_text(h, p->period);
    html_lit(h, "</dd>\n<dt>工作进展</dt><dd>");
    html_text(h, progress_zh(p->progress));
    html_lit(h, "</dd>\n<dt>进展情况</dt><dd>");
    html_text(h, p->narrative);
    html_lit(h, "</dd>\n");
    if (p->review_reason) {
        html_lit(h, "<dt>退回理由</dt><dd>");
        html_text(h, p->review_reason);
        html_lit(h, "</dd>\n");
    }
    html_lit(h, "</dl>\n");
}

/* The report form of one task: progress, narrative, save as draft or submit. */
static void report_form(struct html *h, struct req *r, const struct plan_inbox_item *it,
                        const struct plan_report *p, bool keep)
{
    const char *pid = id_str(r, "progress", it->task_id), *nid = id_str(r, "narrative", it->task_id);
    const char *progress = keep ? req_form(r, "progress") : p ? p->progress : NULL;
    const char *narrative = keep ? req_form(r, "narrative") : p ? p->narrative : NULL;
    html_lit(h, "<form class=\"panel\" method=\"post\"");
    html_attr(h, "action", arena_printf(r->a, "/units/tasks/%lld/report", (long long)it->task_id));
    html_lit(h, ">\n");
    page_csrf(h, r);
    html_lit(h, "<input type=\"hidden\" name=\"period\"");
    html_attr(h, "value", it->period);
    html_lit(h, ">\n<input type=\"hidden\" name=\"version\"");
    html_attr(h, "value", arena_printf(r->a, "%lld", (long long)(p ? p->version : 0)));
    html_lit(h, ">\n<div class=\"field\"><label");
    html_attr(h, "for", pid);
    html_lit(h, ">工作进展</label><select name=\"progress\"");
    html_attr(h, "id", pid);
    html_lit(h, ">\n");
    for (int i = 0; i < PP__COUNT; i++)
        page_option(h, plan_progress_names[i], plan_progress_names_zh[i],
                    progress ? strcmp(progress, plan_progress_names[i]) == 0 : i == PP_IN_PROGRESS);
    html_lit(h, "</select></div>\n<div class=\"field\"><label");
    html_attr(h, "for", nid);
    html_lit(h, ">进展情况</label><textarea name=\"narrative\" rows=\"4\" required");
    html_attr(h, "id", nid);
    html_lit(h, ">");
    html_text(h, narrative);
    html_lit(h, "</textarea></div>\n<button type=\"submit\" name=\"action\" value=\"save\">保存草稿</button> "
                "<button type=\"submit\" name=\"action\" value=\"submit\">提交</button>\n</form>\n");
}

static enum err render_unit(struct req *r, struct resp *out, unsigned status, enum err problem,
                            int64_t problem_task)
{
    int64_t today = clock_day_of(clock_now());
    struct plan_inbox_item *items = NULL;
    int n = 0;
    enum err e = plan_inbox(r->db, r->a, r->who->unit, today, &items, &n);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "本单位任务");
    html_lit(&h, "<h1>本单位任务与进展报告</h1>\n");
    page_problem_box(&h, r, problem, NULL);
    const char *done = req_query(r, "done");
    if (done && problem == OK) {
        html_lit(&h, "<p class=\"notice\" role=\"status\">");
        html_text(&h, strcmp(done, "submit") == 0   ? "进展报告已提交。"
                      : strcmp(done, "save") == 0   ? "草稿已保存。"
                      : strcmp(done, "review") == 0 ? "审核意见已保存。"
                                                    : "已保存。");
        html_lit(&h, "</p>\n");
    }
    int ntasks = 0, nreviews = 0;
    for (int i = 0; i < n; i++)
        *(items[i].kind == PLAN_INBOX_TASK ? &ntasks : &nreviews) += 1;
    if (n > 0 && ntasks > 0) {
        html_lit(&h, "<p>当前报告期 ");
        html_text(&h, items[0].period);
        html_lit(&h, "，报送截止 ");
        html_date(&h, items[0].due_on);
        html_lit(&h, "。</p>\n");
    }
    html_lit(&h, "<h2>本单位承担的任务（");
    html_int(&h, ntasks);
    html_lit(&h, " 项）</h2>\n");
    if (ntasks == 0) html_lit(&h, "<p>本单位未承担实施方案中的任务。</p>\n");
    for (int i = 0; i < n; i++) {
        const struct plan_inbox_item *it = &items[i];
        if (it->kind != PLAN_INBOX_TASK) continue;
        struct plan_report p;
        bool have = false;
        if (it->report_id) {
            e = plan_report_get(r->db, r->a, r->who, it->report_id, &p);
            if (e != OK && e != ERR_NOT_FOUND) {
                html_free(&h);
                return e;
            }
            have = e == OK;
        }
        html_lit(&h, "<section class=\"panel\"");
        html_attr(&h, "id", id_str(r, "task", it->task_id));
        html_lit(&h, ">\n<h3>");
        html_text(&h, it->task_number);
        html_lit(&h, " ");
        html_text(&h, it->task_title);
        html_lit(&h, "</h3>\n<p><span class=\"badge\">");
        html_text(&h, role_zh(it->role));
        html_lit(&h, "</span> ");
        status_badge(&h, it->status, it->overdue);
        html_lit(&h, "</p>\n");
        if (have) report_facts(&h, &p);
        int st = plan_status_from_name(it->status);
        if (st == PR_NONE || st == PR_DRAFT || st == PR_RETURNED)
            report_form(&h, r, it, have ? &p : NULL, problem != OK && problem_task == it->task_id);
        html_lit(&h, "</section>\n");
    }
    if (nreviews) {
        html_lit(&h, "<h2>待本单位审核的报告（");
        html_int(&h, nreviews);
        html_lit(&h, " 份）</h2>\n");
        for (int i = 0; i < n; i++) {
            const struct plan_inbox_item *it = &items[i];
            if (it->kind != PLAN_INBOX_REVIEW) continue;
            struct plan_report p;
            if (plan_report_get(r->db, r->a, r->who, it->report_id, &p) != OK) continue;
            html_lit(&h, "<section class=\"panel\"");
            html_attr(&h, "id", id_str(r, "review", p.id));
            html_lit(&h, ">\n<h3>");
            html_text(&h, p.task_number);
            html_lit(&h, " ");
            html_text(&h, p.unit_name);
            html_lit(&h, "</h3>\n");
            report_facts(&h, &p);
            review_form(&h, r, "/units/reports", p.id, p.version);
            html_lit(&h, "</section>\n");
        }
    }
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_plan_unit_tasks(struct req *r, struct resp *out)
{
    return render_unit(r, out, 200, OK, 0);
}

/* POST /units/tasks/{id}/report: period, version, progress, narrative, action=save|submit. */
enum err page_plan_unit_save(struct req *r, struct resp *out)
{
    const char *action = req_form(r, "action"), *period = req_form(r, "period");
    const char *progress = req_form(r, "progress"), *narrative = req_form(r, "narrative");
    bool submit = action && strcmp(action, "submit") == 0;
    int64_t version = 0;
    if (!page_parse_int(req_form(r, "version"), 0, INT64_MAX, 0, &version)) version = 0;
    if (plan_progress_from_name(progress) < 0) fe_add(&r->fe, "progress", "请选择工作进展");
    if (!narrative || strlen(narrative) > 4 * 4000)
        fe_add(&r->fe, "narrative", "请填写进展情况（不超过 4000 字）");
    enum err e = ERR_VALIDATION;
    struct plan_report p;
    if (!r->fe.n)
        e = plan_report_save(r->db, r->a, r->who, NULL, r->id[0], period && *period ? period : NULL, progress,
                             narrative, submit, version, clock_now(), &r->fe, &p);
    if (e == OK)
        return resp_redirect(r, out,
                             arena_printf(r->a, "/units/tasks?done=%s#task-%lld", submit ? "submit" : "save",
                                          (long long)r->id[0]));
    if (e == ERR_VALIDATION || e == ERR_STATE || e == ERR_CONFLICT || e == ERR_FORBIDDEN)
        return render_unit(r, out, err_status(e), e, r->id[0]);
    return e;
}

static enum err review_post(struct req *r, struct resp *out, int64_t *task_id)
{
    const char *decision = req_form(r, "decision");
    int event = decision && strcmp(decision, "accept") == 0   ? PE_ACCEPT
                : decision && strcmp(decision, "return") == 0 ? PE_RETURN
                                                              : -1;
    int64_t version = 0;
    if (!page_parse_int(req_form(r, "version"), 0, INT64_MAX, 0, &version)) version = 0;
    const char *reason = req_form(r, "reason");
    if (reason && strlen(reason) > 4 * 1000) {
        fe_add(&r->fe, "reason", "退回理由不超过 1000 字");
        return ERR_VALIDATION;
    }
    struct plan_report p;
    enum err e = plan_report_review(r->db, r->a, r->who, r->id[0], event, reason && *reason ? reason : NULL,
                                    version, clock_now(), &r->fe, &p);
    (void)out;
    if (e == OK) *task_id = p.task_id;
    return e;
}

/* POST /units/reports/{id}/review: decision=accept|return, reason, version. */
enum err page_plan_unit_review(struct req *r, struct resp *out)
{
    int64_t task = 0;
    enum err e = review_post(r, out, &task);
    if (e == OK) return resp_redirect(r, out, "/units/tasks?done=review");
    if (e == ERR_VALIDATION || e == ERR_STATE || e == ERR_CONFLICT)
        return render_unit(r, out, err_status(e), e, 0);
    return e;
}

/* ---- The officials' overview ---- */

static enum err render_dash(struct req *r, struct resp *out, unsigned status, enum err problem)
{
    int kind = plan_period_kind(r->db);
    int64_t today = clock_day_of(clock_now());
    char def[PLAN_PERIOD_MAX];
    plan_period_last_closed(today, kind, def);
    const char *period = req_query(r, "period");
    if (!period || !*period || !plan_period_parse(period, kind, NULL, NULL)) period = def;
    struct plan_task *tasks = NULL;
    int nt = 0;
    enum err e = plan_tasks(r->db, r->a, r->who, NULL, NULL, period, &tasks, &nt);
    if (e != OK) return e;
    struct plan_report *over = NULL;
    struct plan_task *otasks = NULL;
    int no = 0, not = 0;
    e = plan_overdue(r->db, r->a, today, &over, &no, &otasks, &not );
    if (e != OK) return e;
    struct plan_report_filter f = {.status = "submitted"};
    struct plan_report *waiting = NULL;
    int nw = 0;
    e = plan_report_list(r->db, r->a, r->who, &f, &waiting, &nw);
    if (e != OK) return e;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "实施方案任务进展");
    html_lit(&h, "<h1>实施方案任务进展</h1>\n");
    page_problem_box(&h, r, problem, NULL);
    const char *done = req_query(r, "done");
    if (done && problem == OK) html_lit(&h, "<p class=\"notice\" role=\"status\">审核意见已保存。</p>\n");
    html_lit(&h,
             "<form method=\"get\" action=\"/dash/plan\"><div class=\"field\"><label for=\"period\">报告期"
             "</label><input id=\"period\" name=\"period\"");
    html_attr(&h, "value", period);
    html_lit(&h, "></div><button type=\"submit\">查看</button></form>\n");

    html_lit(&h, "<h2>逾期未报（");
    html_int(&h, no);
    html_lit(&h, "）</h2>\n");
    if (no == 0) {
        html_lit(&h, "<p>没有逾期未报的进展报告。</p>\n");
    } else {
        html_lit(&h, "<p>报告期 ");
        html_text(&h, over[0].period);
        html_lit(&h, "，截止 ");
        html_date(&h, over[0].due_on);
        html_lit(
            &h,
            "。</p>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"逾期未报\"><table>\n"
            "<thead><tr><th scope=\"col\">单位</th><th scope=\"col\">任务</th><th scope=\"col\">"
            "分工</th><th scope=\"col\">状态</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < no; i++) {
            html_lit(&h, "<tr><td>");
            html_text(&h, over[i].unit_name);
            html_lit(&h, "</td><td>");
            html_text(&h, over[i].task_number);
            html_lit(&h, "</td><td>");
            html_text(&h, role_zh(over[i].unit_role));
            html_lit(&h, "</td><td>");
            status_badge(&h, over[i].status, true);
            html_lit(&h, "</td></tr>\n");
        }
        html_lit(&h, "</tbody></table></div>\n");
    }
    if (not ) {
        html_lit(&h, "<h2>逾期任务</h2>\n<ul>\n");
        for (int i = 0; i < not ; i++) {
            html_lit(&h, "<li><span class=\"badge bad\">逾期</span> ");
            html_text(&h, otasks[i].number);
            html_lit(&h, "（期限 ");
            html_date(&h, otasks[i].deadline_on);
            html_lit(&h, "）</li>\n");
        }
        html_lit(&h, "</ul>\n");
    }

    html_lit(&h, "<h2>各项任务（");
    html_int(&h, nt);
    html_lit(
        &h,
        " 项）</h2>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"任务进展\"><table>\n"
        "<thead><tr><th scope=\"col\">编号</th><th scope=\"col\">任务</th><th scope=\"col\">各单位"
        "报送情况</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < nt; i++) {
        const struct plan_task *t = &tasks[i];
        html_lit(&h, "<tr");
        html_attr(&h, "id", id_str(r, "task", t->id));
        html_lit(&h, "><td>");
        html_text(&h, t->number);
        if (t->overdue) html_lit(&h, " <span class=\"badge bad\">任务逾期</span>");
        html_lit(&h, "</td><td class=\"wrap\">");
        html_text(&h, t->title ? t->title : t->text);
        html_lit(&h, "</td><td class=\"wrap\"><ul>");
        for (int k = 0; k < t->nunits; k++) {
            html_lit(&h, "<li>");
            html_text(&h, t->units[k].name);
            if (strcmp(t->units[k].role, "lead") == 0) html_lit(&h, "（牵头）");
            html_lit(&h, " ");
            status_badge(&h, t->units[k].status, t->units[k].overdue);
            html_lit(&h, "</li>");
        }
        html_lit(&h, "</ul></td></tr>\n");
    }
    html_lit(&h, "</tbody></table></div>\n");

    html_lit(&h, "<h2>待审核的报告（");
    html_int(&h, nw);
    html_lit(&h, " 份）</h2>\n");
    bool office = r->who->role == ROLE_CITY;
    for (int i = 0; i < nw; i++) {
        const struct plan_report *p = &waiting[i];
        html_lit(&h, "<section class=\"panel\"");
        html_attr(&h, "id", id_str(r, "review", p->id));
        html_lit(&h, ">\n<h3>");
        html_text(&h, p->task_number);
        html_lit(&h, " ");
        html_text(&h, p->unit_name);
        html_lit(&h, "</h3>\n");
        report_facts(&h, p);
        if (office) review_form(&h, r, "/dash/plan/reports", p->id, p->version);
        html_lit(&h, "</section>\n");
    }
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_plan_dash(struct req *r, struct resp *out)
{
    return render_dash(r, out, 200, OK);
}

/* POST /dash/plan/reports/{id}/review: decision=accept|return, reason, version (the office). */
enum err page_plan_dash_review(struct req *r, struct resp *out)
{
    int64_t task = 0;
    enum err e = review_post(r, out, &task);
    if (e == OK)
        return resp_redirect(r, out, arena_printf(r->a, "/dash/plan?done=1#task-%lld", (long long)task));
    if (e == ERR_VALIDATION || e == ERR_STATE || e == ERR_CONFLICT)
        return render_dash(r, out, err_status(e), e);
    return e;
}
