/* Pages of the joint meeting's meetings, resolutions and notices: the unit officer's home (/units: 我的待办,
 * its tasks, open resolutions and notices), a notice (reading it marks it read for the unit), a resolution
 * with the follow-up form; the office's meetings list and form, one meeting with the record form, its
 * resolutions and the add-resolution form, and the notices with the send form and read receipts. Forms post
 * into the same store functions as the API, so both paths share one set of rules. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/joint/meeting.h"
#include "modules/joint/plan.h"

#include <stdlib.h>
#include <string.h>

#define TEXT_MAX 2000

static bool sees_all(const struct principal *who)
{
    return meeting_is_office(who->role, who->unit) || who->role == ROLE_ADMIN || who->role == ROLE_AUDITOR;
}

static bool is_office(const struct req *r)
{
    return meeting_is_office(r->who->role, r->who->unit);
}

/* Every value the form gives for key (checkboxes), in order; arena array. */
static const char **form_values(struct req *r, const char *key, int *n)
{
    const char **v = arena_alloc(r->a, sizeof *v * (size_t)(r->nform + 1));
    *n = 0;
    for (int i = 0; i < r->nform; i++)
        if (strcmp(r->form[i].key, key) == 0 && r->form[i].value && *r->form[i].value)
            v[(*n)++] = r->form[i].value;
    return v;
}

static const char *zh_of(const char *const *names, const char *const *zh, const char *s)
{
    int i = meeting_name_index(names, s);
    return i >= 0 ? zh[i] : "未知";
}

static void resolution_status_cell(struct html *h, const struct resolution *x)
{
    if (strcmp(x->status, "done") == 0) {
        html_lit(h, "<span class=\"badge ok\">已办结</span>");
        return;
    }
    html_lit(h, "<span class=\"badge info\">办理中</span>");
    if (x->overdue) {
        html_lit(h, " <span class=\"badge bad\">逾期 ");
        html_int(h, x->days_overdue);
        html_lit(h, " 天</span>");
    }
}

/* A text field problem: required, not blanks, at most max characters. */
static void need_text(struct req *r, const char *field, const char *s, size_t max, const char *missing)
{
    if (meeting_blank(s))
        fe_add(&r->fe, field, missing);
    else if (utf8_chars(s) > max)
        fe_addf(&r->fe, field, "不能超过 %zu 个字", max);
}

static void field_text(struct html *h, const char *id, const char *label, const char *value, bool required)
{
    html_lit(h, "<div class=\"field\"><label");
    html_attr(h, "for", id);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label><input type=\"text\"");
    html_attr(h, "id", id);
    html_attr(h, "name", id);
    if (value) html_attr(h, "value", value);
    if (required) html_lit(h, " required");
    html_lit(h, "></div>\n");
}

static void field_date(struct html *h, const char *id, const char *label, const char *value)
{
    html_lit(h, "<div class=\"field\"><label");
    html_attr(h, "for", id);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label><input type=\"date\"");
    html_attr(h, "id", id);
    html_attr(h, "name", id);
    if (value) html_attr(h, "value", value);
    html_lit(h, " required></div>\n");
}

static void field_area(struct html *h, const char *id, const char *label, const char *value, bool required)
{
    html_lit(h, "<div class=\"field\"><label");
    html_attr(h, "for", id);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label><textarea rows=\"5\"");
    html_attr(h, "id", id);
    html_attr(h, "name", id);
    if (required) html_lit(h, " required");
    html_lit(h, ">");
    if (value) html_text(h, value);
    html_lit(h, "</textarea></div>\n");
}

/* Checkboxes of units named name (ids name-code), checked when in checked[0..nchecked). */
static void unit_checks(struct html *h, struct req *r, const char *name, const char *legend,
                        const struct meeting_unit *u, int n, const char *const *checked, int nchecked)
{
    html_lit(h, "<fieldset><legend>");
    html_text(h, legend);
    html_lit(h, "</legend><div class=\"check\">\n");
    for (int i = 0; i < n; i++) {
        const char *id = arena_printf(r->a, "%s-%s", name, u[i].code);
        bool on = false;
        for (int j = 0; j < nchecked && !on; j++)
            on = strcmp(checked[j], u[i].code) == 0;
        html_lit(h, "<label");
        html_attr(h, "for", id);
        html_lit(h, "><input type=\"checkbox\"");
        html_attr(h, "id", id);
        html_attr(h, "name", name);
        html_attr(h, "value", u[i].code);
        if (on) html_lit(h, " checked");
        html_lit(h, "> ");
        html_text(h, u[i].name);
        html_lit(h, "</label>\n");
    }
    html_lit(h, "</div></fieldset>\n");
}

static void resolutions_table(struct html *h, struct req *r, const struct resolution *x, int n,
                              bool unit_links, bool reopen_forms)
{
    if (n == 0) {
        html_lit(h, "<p>暂无议定事项。</p>\n");
        return;
    }
    html_lit(
        h,
        "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"议定事项\"><table>\n"
        "<thead><tr><th scope=\"col\">编号</th><th scope=\"col\">议定事项</th><th scope=\"col\">责任单位</th>"
        "<th scope=\"col\">办理期限</th><th scope=\"col\">状态</th>");
    if (reopen_forms) html_lit(h, "<th scope=\"col\">操作</th>");
    html_lit(h, "</tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        html_lit(h, "<tr><td>");
        if (unit_links) {
            html_lit(h, "<a href=\"/units/resolutions/");
            html_int(h, x[i].id);
            html_lit(h, "\">");
        }
        html_text(h, x[i].number);
        if (unit_links) html_lit(h, "</a>");
        html_lit(h, "</td><td>");
        html_text(h, x[i].text);
        html_lit(h, "</td><td>");
        html_text(h, x[i].owner_name);
        html_lit(h, "</td><td>");
        html_date(h, x[i].deadline_on);
        html_lit(h, "</td><td>");
        resolution_status_cell(h, &x[i]);
        html_lit(h, "</td>");
        if (reopen_forms) {
            html_lit(h, "<td>");
            if (strcmp(x[i].status, "done") == 0) {
                html_lit(h, "<form method=\"post\" action=\"/dash/resolutions/");
                html_int(h, x[i].id);
                html_lit(h, "/reopen\">");
                page_csrf(h, r);
                html_lit(h, "<button type=\"submit\">重新办理</button></form>");
            } else {
                html_lit(h, "—");
            }
            html_lit(h, "</td>");
        }
        html_lit(h, "</tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

/* ---- The unit's inbox ---- */

static const char *report_status_zh(const char *s)
{
    static const char *const names[] = {"none", "draft", "submitted", "accepted", "returned", NULL};
    static const char *const zh[] = {"未填报", "草稿", "已报送", "已审核", "已退回", NULL};
    return zh_of(names, zh, s);
}

enum err page_units_inbox(struct req *r, struct resp *out)
{
    const char *unit = r->who->unit;
    int64_t today = clock_day_of(clock_now());
    struct plan_inbox_item *tasks = NULL;
    struct resolution *res = NULL;
    struct notice *notices = NULL;
    int ntasks = 0, nres = 0, nnotices = 0;
    enum err e = plan_inbox(r->db, r->a, unit, today, &tasks, &ntasks);
    struct resolution_filter f = {.unit = unit, .status = "open"};
    if (e == OK) e = resolution_list(r->db, r->a, &f, &res, &nres);
    if (e == OK) e = notice_list(r->db, r->a, unit, false, &notices, &nnotices);
    if (e != OK) return e;
    int unread = 0, overdue_tasks = 0, overdue_res = 0;
    for (int i = 0; i < nnotices; i++)
        unread += notices[i].read_at == 0;
    for (int i = 0; i < ntasks; i++)
        overdue_tasks += tasks[i].overdue;
    for (int i = 0; i < nres; i++)
        overdue_res += res[i].overdue;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "我的待办");
    html_lit(&h, "<h1>我的待办</h1>\n<ul class=\"summary\">\n<li><a href=\"#tasks\">任务</a> ");
    html_int(&h, ntasks);
    html_lit(&h, " 项（逾期 ");
    html_int(&h, overdue_tasks);
    html_lit(&h, "）</li>\n<li><a href=\"#resolutions\">议定事项</a> ");
    html_int(&h, nres);
    html_lit(&h, " 项（逾期 ");
    html_int(&h, overdue_res);
    html_lit(&h, "）</li>\n<li><a href=\"#notices\">信息通报</a> 未读 ");
    html_int(&h, unread);
    html_lit(&h, " 条</li>\n</ul>\n");

    html_lit(&h, "<section aria-labelledby=\"tasks\"><h2 id=\"tasks\">任务（");
    html_int(&h, ntasks);
    html_lit(&h, "）</h2>\n");
    if (ntasks == 0) {
        html_lit(&h, "<p>暂无任务。</p>\n");
    } else {
        html_lit(
            &h,
            "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"任务\"><table>\n"
            "<thead><tr><th scope=\"col\">任务</th><th scope=\"col\">职责</th><th scope=\"col\">报告期</th>"
            "<th scope=\"col\">报送状态</th><th scope=\"col\">报送截止</th></tr></thead>\n<tbody>\n");
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < ntasks; i++) {
                if (tasks[i].overdue != (pass == 0)) continue;
                html_lit(&h, "<tr><td><a href=\"/units/tasks\">");
                html_text(&h, tasks[i].task_number);
                html_lit(&h, "</a> ");
                html_text(&h, tasks[i].task_title);
                if (tasks[i].kind == PLAN_INBOX_REVIEW) {
                    html_lit(&h, "（待审核：");
                    html_text(&h, tasks[i].from_unit_name);
                    html_lit(&h, "）");
                }
                html_lit(&h, "</td><td>");
                html_text(&h, tasks[i].role && strcmp(tasks[i].role, "lead") == 0 ? "牵头" : "责任");
                html_lit(&h, "</td><td>");
                html_text(&h, tasks[i].period);
                html_lit(&h, "</td><td>");
                html_text(&h, report_status_zh(tasks[i].status));
                if (tasks[i].overdue) html_lit(&h, " <span class=\"badge bad\">逾期</span>");
                html_lit(&h, "</td><td>");
                if (tasks[i].due_on)
                    html_date(&h, tasks[i].due_on);
                else
                    html_lit(&h, "—");
                html_lit(&h, "</td></tr>\n");
            }
        html_lit(&h, "</tbody></table></div>\n");
    }
    html_lit(&h, "<p><a href=\"/units/tasks\">全部任务与进展报送</a></p>\n</section>\n");

    html_lit(&h, "<section aria-labelledby=\"resolutions\"><h2 id=\"resolutions\">议定事项（");
    html_int(&h, nres);
    html_lit(&h, "）</h2>\n");
    resolutions_table(&h, r, res, nres, true, false);
    html_lit(&h, "</section>\n");

    html_lit(&h, "<section aria-labelledby=\"notices\"><h2 id=\"notices\">信息通报（未读 ");
    html_int(&h, unread);
    html_lit(&h, "）</h2>\n");
    if (nnotices == 0)
        html_lit(&h, "<p>暂无通报。</p>\n");
    else {
        html_lit(&h, "<ul>\n");
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < nnotices; i++) {
                if ((notices[i].read_at == 0) != (pass == 0)) continue;
                html_lit(&h, "<li><a href=\"/units/notices/");
                html_int(&h, notices[i].id);
                html_lit(&h, "\">");
                html_text(&h, notices[i].title);
                html_lit(&h, "</a> <span class=\"meta\">");
                html_time(&h, notices[i].created_at);
                html_lit(&h, "</span> ");
                if (notices[i].read_at)
                    html_lit(&h, "<span class=\"badge ok\">已读</span>");
                else
                    html_lit(&h, "<span class=\"badge warn\">未读</span>");
                html_lit(&h, "</li>\n");
            }
        html_lit(&h, "</ul>\n");
    }
    html_lit(&h, "</section>\n");
    page_end(&h);
    return resp_html(r, out, 200, &h);
}

enum err page_units_notice(struct req *r, struct resp *out)
{
    struct notice n;
    enum err e = notice_get(r->db, r->a, r->who, r->id[0], r->who->unit, true, &n);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "信息通报");
    html_lit(&h, "<p><a href=\"/units\">← 我的待办</a></p>\n<h1>");
    html_text(&h, n.title);
    html_lit(&h, "</h1>\n<p class=\"meta\">发布时间 ");
    html_time(&h, n.created_at);
    if (n.read_at) {
        html_lit(&h, "，本单位 ");
        html_text(&h, n.read_by ? n.read_by : "—");
        html_lit(&h, " 于 ");
        html_time(&h, n.read_at);
        html_lit(&h, " 首次阅读");
    }
    html_lit(&h, "</p>\n<div class=\"panel\"><p>");
    html_text(&h, n.body);
    html_lit(&h, "</p></div>\n");
    page_end(&h);
    return resp_html(r, out, 200, &h);
}

/* The resolution when the unit officer sees it: its own unit's, or one of a meeting it sees. */
static enum err unit_resolution(struct req *r, struct resolution *x)
{
    enum err e = resolution_get(r->db, r->a, r->id[0], x);
    if (e != OK) return e;
    if (r->who->unit && strcmp(r->who->unit, x->owner_unit) == 0) return OK;
    bool sees = false;
    e = meeting_unit_sees(r->db, x->meeting_id, r->who->unit, &sees);
    if (e != OK) return e;
    return sees || sees_all(r->who) ? OK : ERR_NOT_FOUND;
}

static void updates_table(struct html *h, const struct resolution_update *u, int n)
{
    if (n == 0) {
        html_lit(h, "<p>尚无办理进展。</p>\n");
        return;
    }
    html_lit(h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"办理进展\"><table>\n"
                "<thead><tr><th scope=\"col\">时间</th><th scope=\"col\">事项</th><th scope=\"col\">内容</th>"
                "<th scope=\"col\">单位</th><th scope=\"col\">办理人</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        html_lit(h, "<tr><td>");
        html_time(h, u[i].at);
        html_lit(h, "</td><td>");
        html_text(h, zh_of(meeting_event_names, meeting_event_names_zh, u[i].event));
        html_lit(h, "</td><td>");
        html_text(h, u[i].text);
        html_lit(h, "</td><td>");
        html_text(h, u[i].unit_name ? u[i].unit_name : "—");
        html_lit(h, "</td><td>");
        html_text(h, u[i].by_name);
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

static enum err render_unit_resolution(struct req *r, struct resp *out, unsigned status, enum err problem)
{
    struct resolution x;
    enum err e = unit_resolution(r, &x);
    if (e != OK) return e;
    struct resolution_update *u = NULL;
    int nu = 0;
    e = resolution_updates(r->db, r->a, x.id, &u, &nu);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "议定事项");
    html_lit(&h, "<p><a href=\"/units\">← 我的待办</a></p>\n<h1>议定事项 ");
    html_text(&h, x.number);
    html_lit(&h, "</h1>\n");
    page_problem_box(&h, r, problem, NULL);
    html_lit(&h, "<dl class=\"facts\">\n<dt>会议</dt><dd>");
    html_text(&h, x.meeting_title);
    html_lit(&h, "（");
    html_date(&h, x.meeting_held_on);
    html_lit(&h, "）</dd>\n<dt>事项</dt><dd>");
    html_text(&h, x.text);
    html_lit(&h, "</dd>\n<dt>责任单位</dt><dd>");
    html_text(&h, x.owner_name);
    html_lit(&h, "</dd>\n<dt>办理期限</dt><dd>");
    html_date(&h, x.deadline_on);
    html_lit(&h, "</dd>\n<dt>状态</dt><dd>");
    resolution_status_cell(&h, &x);
    html_lit(&h, "</dd>\n</dl>\n<h2>办理进展</h2>\n");
    updates_table(&h, u, nu);
    unsigned actors = meeting_actor(r->who->role, r->who->unit, x.owner_unit);
    if (resolution_check(meeting_name_index(resolution_status_names, x.status), MEV_UPDATE, actors, NULL) ==
        OK) {
        bool keep = problem != OK;
        html_lit(&h, "<h2 id=\"follow-up\">报告进展</h2>\n<form class=\"panel\" method=\"post\" "
                     "action=\"/units/resolutions/");
        html_int(&h, x.id);
        html_lit(&h, "\">\n");
        page_csrf(&h, r);
        field_area(&h, "text", "办理进展", keep ? req_form(r, "text") : NULL, true);
        html_lit(
            &h, "<div class=\"check\"><label for=\"done\"><input type=\"checkbox\" id=\"done\" name=\"done\" "
                "value=\"1\"> 已办结</label></div>\n<button type=\"submit\">提交</button>\n</form>\n");
    }
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_units_resolution(struct req *r, struct resp *out)
{
    return render_unit_resolution(r, out, 200, OK);
}

enum err page_units_resolution_post(struct req *r, struct resp *out)
{
    struct resolution x;
    enum err e = unit_resolution(r, &x);
    if (e != OK) return e;
    const char *text = req_form(r, "text"), *done = req_form(r, "done");
    need_text(r, "text", text, TEXT_MAX, "请填写办理进展");
    bool is_done = done && strcmp(done, "1") == 0;
    e = resolution_check(meeting_name_index(resolution_status_names, x.status),
                         is_done ? MEV_DONE : MEV_UPDATE,
                         meeting_actor(r->who->role, r->who->unit, x.owner_unit), NULL);
    if (e == OK && r->fe.n) e = ERR_VALIDATION;
    if (e == OK)
        e = resolution_follow_up(r->db, r->a, r->who, x.id, text, is_done, clock_day_of(clock_now()), &x);
    if (e == OK) return resp_redirect(r, out, arena_printf(r->a, "/units/resolutions/%lld", (long long)x.id));
    if (e == ERR_VALIDATION || e == ERR_STATE || e == ERR_CONFLICT || e == ERR_FORBIDDEN)
        return render_unit_resolution(r, out, err_status(e), e);
    return e;
}

/* ---- The office: meetings ---- */

static void meeting_form(struct html *h, struct req *r, const struct meeting_unit *u, int nu, bool keep)
{
    char dflt[11];
    int nchecked = 0;
    const char **checked = keep ? form_values(r, "units", &nchecked) : NULL;
    const char *kind = keep ? req_form(r, "kind") : NULL;
    html_lit(
        h,
        "<h2 id=\"new\">安排会议</h2>\n<form class=\"panel\" method=\"post\" action=\"/dash/meetings\">\n");
    page_csrf(h, r);
    html_lit(h,
             "<div class=\"field\"><label for=\"kind\">会议类型</label><select id=\"kind\" name=\"kind\">\n");
    for (int i = 0; i < MK__COUNT; i++)
        page_option(h, meeting_kind_names[i], meeting_kind_names_zh[i],
                    kind && strcmp(kind, meeting_kind_names[i]) == 0);
    html_lit(h, "</select></div>\n");
    field_text(h, "title", "会议名称", keep ? req_form(r, "title") : NULL, true);
    field_date(h, "held_on", "会议日期",
               keep ? req_form(r, "held_on") : date_format(clock_day_of(clock_now()) + 14, dflt));
    field_text(h, "location", "地点", keep ? req_form(r, "location") : NULL, true);
    field_area(h, "agenda", "议程", keep ? req_form(r, "agenda") : NULL, true);
    unit_checks(h, r, "units", "参会单位（全体会议不选则为全体成员单位）", u, nu, checked, nchecked);
    html_lit(h, "<button type=\"submit\">保存</button>\n</form>\n");
}

static enum err render_meetings(struct req *r, struct resp *out, unsigned status, enum err problem)
{
    struct meeting *m = NULL;
    struct meeting_unit *u = NULL;
    int n = 0, nu = 0;
    enum err e = meeting_list(r->db, r->a, NULL, &m, &n);
    if (e == OK) e = meeting_units(r->db, r->a, false, &u, &nu);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "联席会议");
    html_lit(&h, "<h1>联席会议</h1>\n<p><a href=\"/dash/notices\">信息通报</a></p>\n");
    page_problem_box(&h, r, problem, NULL);
    if (n == 0) {
        html_lit(&h, "<p>尚无会议。</p>\n");
    } else {
        html_lit(
            &h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"会议\"><table>\n"
                "<thead><tr><th scope=\"col\">日期</th><th scope=\"col\">会议</th><th scope=\"col\">类型</th>"
                "<th scope=\"col\">状态</th><th scope=\"col\">议定事项</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < n; i++) {
            html_lit(&h, "<tr><td>");
            html_date(&h, m[i].held_on);
            html_lit(&h, "</td><td><a href=\"/dash/meetings/");
            html_int(&h, m[i].id);
            html_lit(&h, "\">");
            html_text(&h, m[i].title);
            html_lit(&h, "</a></td><td>");
            html_text(&h, zh_of(meeting_kind_names, meeting_kind_names_zh, m[i].kind));
            html_lit(&h, "</td><td>");
            html_text(&h, zh_of(meeting_status_names, meeting_status_names_zh, m[i].status));
            html_lit(&h, "</td><td>");
            html_int(&h, m[i].nresolutions);
            html_lit(&h, "（办理中 ");
            html_int(&h, m[i].nopen);
            html_lit(&h, "）</td></tr>\n");
        }
        html_lit(&h, "</tbody></table></div>\n");
    }
    if (is_office(r)) meeting_form(&h, r, u, nu, problem != OK);
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_meetings(struct req *r, struct resp *out)
{
    if (!sees_all(r->who)) return ERR_FORBIDDEN;
    return render_meetings(r, out, 200, OK);
}

enum err page_meetings_post(struct req *r, struct resp *out)
{
    if (!is_office(r)) return ERR_FORBIDDEN;
    struct meeting_new in = {.kind = meeting_name_index(meeting_kind_names, req_form(r, "kind"))};
    in.title = req_form(r, "title");
    in.location = req_form(r, "location");
    in.agenda = req_form(r, "agenda");
    const char *day = req_form(r, "held_on");
    int64_t today = clock_day_of(clock_now());
    if (in.kind < 0) fe_add(&r->fe, "kind", "请选择会议类型");
    need_text(r, "title", in.title, 200, "请填写会议名称");
    need_text(r, "location", in.location, 200, "请填写会议地点");
    need_text(r, "agenda", in.agenda, TEXT_MAX, "请填写会议议程");
    if (!day || !date_parse(day, &in.held_on))
        fe_add(&r->fe, "held_on", "请填写有效的日期（YYYY-MM-DD）");
    else if (meeting_planned_day_problem(in.held_on, today))
        fe_add(&r->fe, "held_on", meeting_planned_day_problem(in.held_on, today));
    in.units = form_values(r, "units", &in.nunits);
    if (in.kind >= 0 && in.kind != MK_PLENARY && in.nunits == 0) fe_add(&r->fe, "units", "请选择参会单位");
    struct meeting m;
    enum err e = r->fe.n ? ERR_VALIDATION : meeting_create(r->db, r->a, r->who, &in, today, &r->fe, &m);
    if (e == OK) return resp_redirect(r, out, arena_printf(r->a, "/dash/meetings/%lld", (long long)m.id));
    if (e == ERR_VALIDATION) return render_meetings(r, out, err_status(e), e);
    return e;
}

static enum err render_meeting(struct req *r, struct resp *out, unsigned status, enum err problem,
                               bool keep_record)
{
    struct meeting m;
    enum err e = meeting_get(r->db, r->a, r->id[0], &m);
    if (e != OK) return e;
    struct resolution *res = NULL;
    struct meeting_unit *u = NULL;
    int nres = 0, nu = 0;
    struct resolution_filter f = {.meeting_id = m.id};
    e = resolution_list(r->db, r->a, &f, &res, &nres);
    if (e == OK) e = meeting_units(r->db, r->a, false, &u, &nu);
    if (e != OK) return e;
    bool office = is_office(r), held = strcmp(m.status, "held") == 0;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "会议");
    html_lit(&h, "<p><a href=\"/dash/meetings\">← 联席会议</a></p>\n<h1>");
    html_text(&h, m.title);
    html_lit(&h, "</h1>\n");
    page_problem_box(&h, r, problem, NULL);
    html_lit(&h, "<dl class=\"facts\">\n<dt>类型</dt><dd>");
    html_text(&h, zh_of(meeting_kind_names, meeting_kind_names_zh, m.kind));
    html_lit(&h, "</dd>\n<dt>状态</dt><dd>");
    html_text(&h, zh_of(meeting_status_names, meeting_status_names_zh, m.status));
    html_lit(&h, "</dd>\n<dt>日期</dt><dd>");
    html_date(&h, m.held_on);
    html_lit(&h, "</dd>\n<dt>地点</dt><dd>");
    html_text(&h, m.location);
    html_lit(&h, "</dd>\n<dt>议程</dt><dd>");
    html_text(&h, m.agenda);
    html_lit(&h, "</dd>\n<dt>参会单位</dt><dd>");
    for (int i = 0; i < m.nunits; i++) {
        if (i) html_lit(&h, "、");
        html_text(&h, m.units[i].name);
        if (m.units[i].attended == 0) html_lit(&h, "（缺席）");
    }
    if (m.nunits == 0) html_lit(&h, "—");
    html_lit(&h, "</dd>\n");
    if (m.minutes) {
        html_lit(&h, "<dt>会议纪要</dt><dd>");
        html_text(&h, m.minutes);
        html_lit(&h, "</dd>\n");
    }
    html_lit(&h, "</dl>\n");
    if (office && !held) {
        char dflt[11];
        bool keep = keep_record && problem != OK;
        int nchecked = 0;
        const char **checked = keep ? form_values(r, "attended", &nchecked) : NULL;
        html_lit(&h, "<h2 id=\"record\">记录会议</h2>\n<form class=\"panel\" method=\"post\" "
                     "action=\"/dash/meetings/");
        html_int(&h, m.id);
        html_lit(&h, "/record\">\n");
        page_csrf(&h, r);
        field_date(&h, "held_on", "召开日期", keep ? req_form(r, "held_on") : date_format(m.held_on, dflt));
        field_area(&h, "minutes", "会议纪要", keep ? req_form(r, "minutes") : NULL, true);
        unit_checks(&h, r, "attended", "出席单位", m.units, m.nunits, checked, nchecked);
        html_lit(&h, "<button type=\"submit\">记录</button>\n</form>\n");
    }
    html_lit(&h, "<h2>议定事项</h2>\n");
    resolutions_table(&h, r, res, nres, false, office);
    if (office && held) {
        bool keep = !keep_record && problem != OK;
        const char *owner = keep ? req_form(r, "owner_unit") : NULL;
        html_lit(&h, "<h2 id=\"resolve\">新增议定事项</h2>\n<form class=\"panel\" method=\"post\" "
                     "action=\"/dash/meetings/");
        html_int(&h, m.id);
        html_lit(&h, "/resolutions\">\n");
        page_csrf(&h, r);
        field_area(&h, "text", "议定事项", keep ? req_form(r, "text") : NULL, true);
        html_lit(&h, "<div class=\"field\"><label for=\"owner_unit\">责任单位</label>"
                     "<select id=\"owner_unit\" name=\"owner_unit\">\n");
        for (int i = 0; i < nu; i++)
            page_option(&h, u[i].code, u[i].name, owner && strcmp(owner, u[i].code) == 0);
        html_lit(&h, "</select></div>\n");
        field_date(&h, "deadline_on", "办理期限", keep ? req_form(r, "deadline_on") : NULL);
        html_lit(&h, "<button type=\"submit\">新增</button>\n</form>\n");
    }
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_meeting(struct req *r, struct resp *out)
{
    if (!sees_all(r->who)) return ERR_FORBIDDEN;
    return render_meeting(r, out, 200, OK, false);
}

enum err page_meeting_record_post(struct req *r, struct resp *out)
{
    if (!is_office(r)) return ERR_FORBIDDEN;
    struct meeting m;
    enum err e = meeting_get(r->db, r->a, r->id[0], &m);
    if (e != OK) return e;
    const char *day = req_form(r, "held_on"), *minutes = req_form(r, "minutes");
    int64_t held_on = 0, today = clock_day_of(clock_now());
    if (!day || !date_parse(day, &held_on))
        fe_add(&r->fe, "held_on", "请填写有效的日期（YYYY-MM-DD）");
    else if (meeting_held_day_problem(held_on, today))
        fe_add(&r->fe, "held_on", meeting_held_day_problem(held_on, today));
    need_text(r, "minutes", minutes, 20000, "请填写会议纪要");
    int natt = 0;
    const char **att = form_values(r, "attended", &natt);
    e = meeting_check(meeting_name_index(meeting_status_names, m.status), MEV_RECORD,
                      meeting_actor(r->who->role, r->who->unit, NULL), NULL);
    if (e == OK && r->fe.n) e = ERR_VALIDATION;
    if (e == OK)
        e = meeting_record(r->db, r->a, r->who, m.id, held_on, minutes, att, natt, today, &r->fe, &m);
    if (e == OK) return resp_redirect(r, out, arena_printf(r->a, "/dash/meetings/%lld", (long long)m.id));
    if (e == ERR_VALIDATION || e == ERR_STATE || e == ERR_CONFLICT)
        return render_meeting(r, out, err_status(e), e, true);
    return e;
}

enum err page_meeting_resolution_post(struct req *r, struct resp *out)
{
    if (!is_office(r)) return ERR_FORBIDDEN;
    struct meeting m;
    enum err e = meeting_get(r->db, r->a, r->id[0], &m);
    if (e != OK) return e;
    const char *text = req_form(r, "text"), *owner = req_form(r, "owner_unit"),
               *day = req_form(r, "deadline_on");
    int64_t deadline = 0;
    need_text(r, "text", text, TEXT_MAX, "请填写议定事项");
    if (!owner || !*owner) fe_add(&r->fe, "owner_unit", "请选择责任单位");
    if (!day || !date_parse(day, &deadline)) fe_add(&r->fe, "deadline_on", "请填写有效的日期（YYYY-MM-DD）");
    e = meeting_check(meeting_name_index(meeting_status_names, m.status), MEV_RESOLVE,
                      meeting_actor(r->who->role, r->who->unit, NULL), NULL);
    if (e == OK && r->fe.n) e = ERR_VALIDATION;
    struct resolution x;
    if (e == OK) e = resolution_create(r->db, r->a, r->who, m.id, text, owner, deadline, &r->fe, &x);
    if (e == OK) return resp_redirect(r, out, arena_printf(r->a, "/dash/meetings/%lld", (long long)m.id));
    if (e == ERR_VALIDATION || e == ERR_STATE || e == ERR_CONFLICT)
        return render_meeting(r, out, err_status(e), e, false);
    return e;
}

enum err page_resolution_reopen_post(struct req *r, struct resp *out)
{
    if (!is_office(r)) return ERR_FORBIDDEN;
    struct resolution x;
    enum err e = resolution_get(r->db, r->a, r->id[0], &x);
    if (e != OK) return e;
    e = resolution_reopen(r->db, r->a, r->who, x.id, "办公室退回重新办理", &x);
    if (e != OK) return e;
    return resp_redirect(r, out, arena_printf(r->a, "/dash/meetings/%lld", (long long)x.meeting_id));
}

/* ---- The office: notices ---- */

static enum err render_notices(struct req *r, struct resp *out, unsigned status, enum err problem)
{
    struct notice *n = NULL;
    struct meeting_unit *u = NULL;
    int nn = 0, nu = 0;
    enum err e = notice_list(r->db, r->a, NULL, false, &n, &nn);
    if (e == OK) e = meeting_units(r->db, r->a, false, &u, &nu);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "信息通报");
    html_lit(&h, "<p><a href=\"/dash/meetings\">← 联席会议</a></p>\n<h1>信息通报</h1>\n");
    page_problem_box(&h, r, problem, NULL);
    if (nn == 0) html_lit(&h, "<p>尚无通报。</p>\n");
    for (int i = 0; i < nn; i++) {
        struct notice_receipt *rc = NULL;
        int nrc = 0;
        e = notice_receipts(r->db, r->a, n[i].id, &rc, &nrc);
        if (e != OK) {
            html_free(&h);
            return e;
        }
        html_lit(&h, "<section class=\"panel\"><h2>");
        html_text(&h, n[i].title);
        html_lit(&h, "</h2>\n<p class=\"meta\">");
        html_time(&h, n[i].created_at);
        html_lit(&h, "，已读 ");
        html_int(&h, n[i].nread);
        html_lit(&h, " / ");
        html_int(&h, n[i].nrecipients);
        html_lit(&h, "</p>\n<p>");
        html_text(&h, n[i].body);
        html_lit(&h, "</p>\n<details><summary>阅读情况</summary><ul>\n");
        for (int j = 0; j < nrc; j++) {
            html_lit(&h, "<li>");
            html_text(&h, rc[j].unit_name);
            if (rc[j].read_at) {
                html_lit(&h, " <span class=\"badge ok\">已读</span> ");
                html_text(&h, rc[j].read_by ? rc[j].read_by : "");
                html_lit(&h, " ");
                html_time(&h, rc[j].read_at);
            } else {
                html_lit(&h, " <span class=\"badge warn\">未读</span>");
            }
            html_lit(&h, "</li>\n");
        }
        html_lit(&h, "</ul></details></section>\n");
    }
    if (is_office(r)) {
        bool keep = problem != OK;
        int nchecked = 0;
        const char **checked = keep ? form_values(r, "units", &nchecked) : NULL;
        const char *all = keep ? req_form(r, "to_all") : NULL;
        html_lit(&h, "<h2 id=\"send\">发送通报</h2>\n<form class=\"panel\" method=\"post\" "
                     "action=\"/dash/notices\">\n");
        page_csrf(&h, r);
        field_text(&h, "title", "标题", keep ? req_form(r, "title") : NULL, true);
        field_area(&h, "body", "正文", keep ? req_form(r, "body") : NULL, true);
        html_lit(&h, "<div class=\"check\"><label for=\"to_all\"><input type=\"checkbox\" id=\"to_all\" "
                     "name=\"to_all\" value=\"1\"");
        if (all) html_lit(&h, " checked");
        html_lit(&h, "> 发送给全体成员单位</label></div>\n");
        unit_checks(&h, r, "units", "或选择接收单位", u, nu, checked, nchecked);
        html_lit(&h, "<button type=\"submit\">发送</button>\n</form>\n");
    }
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_notices(struct req *r, struct resp *out)
{
    if (!sees_all(r->who)) return ERR_FORBIDDEN;
    return render_notices(r, out, 200, OK);
}

enum err page_notices_post(struct req *r, struct resp *out)
{
    if (!is_office(r)) return ERR_FORBIDDEN;
    const char *title = req_form(r, "title"), *body = req_form(r, "body"), *all = req_form(r, "to_all");
    bool to_all = all && strcmp(all, "1") == 0;
    int nunits = 0;
    const char **units = form_values(r, "units", &nunits);
    need_text(r, "title", title, 200, "请填写标题");
    need_text(r, "body", body, 20000, "请填写正文");
    if (to_all && nunits)
        fe_add(&r->fe, "units", "发送给全体成员单位时不再选择单位");
    else if (!to_all && nunits == 0)
        fe_add(&r->fe, "units", "请选择接收单位，或发送给全体成员单位");
    struct notice n;
    enum err e = r->fe.n ? ERR_VALIDATION
                         : notice_create(r->db, r->a, r->who, title, body, to_all, units, nunits, &r->fe, &n);
    if (e == OK) return resp_redirect(r, out, "/dash/notices");
    if (e == ERR_VALIDATION) return render_notices(r, out, err_status(e), e);
    return e;
}
