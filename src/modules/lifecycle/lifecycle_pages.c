/* Life-cycle pages: the operator's page (annual review prefilled from tuoyu's data, a change request, a
 * deregistration request) and the county's queue (reviews to decide and overdue, pending changes, requested
 * deregistrations) with decision forms. Forms post urlencoded bodies into the same store functions as the
 * JSON API, so both paths share one validation and one workflow. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/filing/filing.h"
#include "modules/institution/inst.h"
#include "modules/lifecycle/lifecycle.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int64_t today(void)
{
    return clock_day_of(clock_now());
}

static const char *status_zh(const char *const *names, const char *const *zh, const char *s)
{
    int i = lc_status_from_name(names, s);
    return i >= 0 ? zh[i] : "—";
}

/* A labelled input; value is the typed value or the default. */
static void input(struct html *h, const char *id, const char *label, const char *type, const char *value,
                  bool required)
{
    html_lit(h, "<p><label for=\"");
    html_text(h, id);
    html_lit(h, "\">");
    html_text(h, label);
    html_lit(h, "</label><input");
    html_attr(h, "id", id);
    html_attr(h, "name", id);
    html_attr(h, "type", type);
    html_attr(h, "value", value ? value : "");
    if (required) html_lit(h, " required");
    html_lit(h, "></p>\n");
}

static void textarea(struct html *h, const char *id, const char *label, const char *value, bool required)
{
    html_lit(h, "<p><label for=\"");
    html_text(h, id);
    html_lit(h, "\">");
    html_text(h, label);
    html_lit(h, "</label><textarea rows=\"4\"");
    html_attr(h, "id", id);
    html_attr(h, "name", id);
    if (required) html_lit(h, " required");
    html_lit(h, ">");
    html_text(h, value ? value : "");
    html_lit(h, "</textarea></p>\n");
}

static void fact_int(struct html *h, const char *label, int64_t v)
{
    html_lit(h, "<dt>");
    html_text(h, label);
    html_lit(h, "</dt><dd>");
    if (v >= 0)
        html_int(h, v);
    else
        html_lit(h, "—");
    html_lit(h, "</dd>\n");
}

/* ---- The operator's page ---------------------------------------------------------------------------- */

static void review_section(struct html *h, struct req *r, const struct institution *inst, int year)
{
    struct review_prefill p;
    html_lit(h, "<section aria-labelledby=\"review\"><h2 id=\"review\">");
    html_int(h, year);
    html_lit(h, " 年度年审</h2>\n");
    if (review_prefill(r->db, inst->id, year, &p) != OK) {
        html_lit(h, "<p>暂时无法读取年审数据。</p></section>\n");
        return;
    }
    struct review_row *rows = NULL;
    int n = 0;
    review_list(r->db, r->a, year, NULL, NULL, inst->id, &rows, &n);
    html_lit(h, "<dl class=\"facts\">\n<dt>状态</dt><dd>");
    html_text(h, n ? status_zh(review_status_names, review_status_names_zh, rows[0].status) : "未提交");
    html_lit(h, "</dd>\n<dt>提交期限</dt><dd>");
    html_date(h, p.due_on);
    html_lit(h, "</dd>\n");
    if (n && rows[0].reason) {
        html_lit(h, "<dt>退回理由</dt><dd>");
        html_text(h, rows[0].reason);
        html_lit(h, "</dd>\n");
    }
    html_lit(h, "<dt>数据截至</dt><dd>");
    html_date(h, p.as_of);
    html_lit(h, "</dd>\n");
    fact_int(h, "备案托位", p.places);
    fact_int(h, "年末在托婴幼儿", p.enrolled);
    fact_int(h, "班级", p.classes);
    fact_int(h, "在岗人员", p.staff);
    fact_int(h, "保育人员", p.caregivers);
    html_lit(h, "<dt>每名保育人员照护</dt><dd>");
    if (p.children_per_caregiver >= 0)
        page_decimal(h, p.children_per_caregiver, 1);
    else
        html_lit(h, "—");
    html_lit(h, "</dd>\n");
    fact_int(h, "年内新发现合规问题", p.findings_opened);
    fact_int(h, "年内已解决合规问题", p.findings_resolved);
    fact_int(h, "年末未解决合规问题", p.findings_open_at_year_end);
    fact_int(h, "年内监督检查", p.inspections);
    fact_int(h, "检查发现问题", p.inspection_findings);
    fact_int(h, "安全事件", p.incidents);
    html_lit(h, "</dl>\n");
    bool can_submit = !n || strcmp(rows[0].status, "returned") == 0 || strcmp(rows[0].status, "draft") == 0;
    if (can_submit && inst->state && strcmp(inst->state, "filed") == 0) {
        html_lit(h, "<form method=\"post\" action=\"/operator/lifecycle/review\" class=\"form\">");
        page_csrf(h, r);
        char ys[16];
        snprintf(ys, sizeof ys, "%d", year);
        html_lit(h, "<input type=\"hidden\" name=\"year\"");
        html_attr(h, "value", ys);
        html_lit(h, ">\n");
        textarea(h, "narrative", "年度工作报告", req_form(r, "narrative"), true);
        input(h, "drills", "安全演练次数", "number", req_form(r, "drills"), true);
        input(h, "training_hours", "人员培训学时", "number", req_form(r, "training_hours"), true);
        html_lit(h, "<p><button type=\"submit\">提交年审报告</button></p></form>\n");
    }
    html_lit(h, "</section>\n");
}

static void change_section(struct html *h, struct req *r, const struct institution *inst)
{
    html_lit(h, "<section aria-labelledby=\"change\"><h2 id=\"change\">信息变更</h2>\n");
    struct change_row *rows = NULL;
    int n = 0;
    if (change_list(r->db, r->a, NULL, NULL, inst->id, &rows, &n) == OK && n) {
        html_lit(h,
                 "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"变更申请\"><table>"
                 "<thead><tr><th scope=\"col\">编号</th><th scope=\"col\">来源</th><th scope=\"col\">变更内容"
                 "</th><th scope=\"col\">状态</th><th scope=\"col\">理由</th></tr></thead><tbody>\n");
        for (int i = 0; i < n && i < 20; i++) {
            html_lit(h, "<tr><td>");
            html_int(h, rows[i].id);
            html_lit(h, "</td><td>");
            html_text(h, rows[i].source && strcmp(rows[i].source, "registration") == 0 ? "登记机关"
                                                                                       : "机构申请");
            html_lit(h, "</td><td><code>");
            html_text(h, rows[i].changes);
            html_lit(h, "</code></td><td>");
            html_text(h, status_zh(change_status_names, change_status_names_zh, rows[i].status));
            html_lit(h, "</td><td>");
            html_text(h, rows[i].decision_reason ? rows[i].decision_reason : rows[i].reason);
            html_lit(h, "</td></tr>\n");
        }
        html_lit(h, "</tbody></table></div>\n");
    }
    if (inst->state && strcmp(inst->state, "filed") == 0) {
        html_lit(h, "<p>只填写需要变更的项目，留空的项目不变。</p>\n"
                    "<form method=\"post\" action=\"/operator/lifecycle/change\" class=\"form\">");
        page_csrf(h, r);
        input(h, "name", "机构名称", "text", req_form(r, "name"), false);
        input(h, "address", "地址", "text", req_form(r, "address"), false);
        input(h, "places", "托位数", "number", req_form(r, "places"), false);
        input(h, "min_age_months", "最小收托月龄", "number", req_form(r, "min_age_months"), false);
        input(h, "max_age_months", "最大收托月龄", "number", req_form(r, "max_age_months"), false);
        input(h, "fee_min_yuan", "最低月收费（元）", "text", req_form(r, "fee_min_yuan"), false);
        html_lit(h,
                 "<p><label for=\"inclusive\">普惠托育</label><select id=\"inclusive\" name=\"inclusive\">");
        const char *inc = req_form(r, "inclusive");
        page_option(h, "", "不变", !inc || !*inc);
        page_option(h, "1", "是", inc && strcmp(inc, "1") == 0);
        page_option(h, "0", "否", inc && strcmp(inc, "0") == 0);
        html_lit(h, "</select></p>\n");
        textarea(h, "reason", "变更理由", req_form(r, "reason"), true);
        html_lit(h, "<p><button type=\"submit\">提交变更申请</button></p></form>\n");
    }
    html_lit(h, "</section>\n");
}

static void dereg_section(struct html *h, struct req *r, const struct institution *inst)
{
    html_lit(h, "<section aria-labelledby=\"dereg\"><h2 id=\"dereg\">注销</h2>\n");
    struct dereg_row *rows = NULL;
    int n = 0;
    if (dereg_list(r->db, r->a, NULL, NULL, inst->id, &rows, &n) == OK)
        for (int i = 0; i < n; i++) {
            html_lit(h, "<p>");
            html_text(h, rows[i].kind && strcmp(rows[i].kind, "imposed") == 0 ? "县级卫生健康部门注销"
                                                                              : "注销申请");
            html_lit(h, "：计划注销日期 ");
            html_date(h, rows[i].planned_on);
            html_lit(h, "，");
            html_text(h, status_zh(dereg_status_names, dereg_status_names_zh, rows[i].status));
            if (rows[i].decision_reason) {
                html_lit(h, "（");
                html_text(h, rows[i].decision_reason);
                html_lit(h, "）");
            }
            html_lit(h, "</p>\n");
        }
    if (inst->state && strcmp(inst->state, "closed") == 0) {
        html_lit(h, "<p>本机构已注销，信息只读。</p>\n");
    } else if (inst->state && strcmp(inst->state, "filed") == 0) {
        int64_t enrolled = 0;
        lifecycle_children_enrolled(r->db, inst->id, &enrolled);
        char en[24];
        snprintf(en, sizeof en, "%lld", (long long)enrolled);
        const char *typed = req_form(r, "children_enrolled");
        html_lit(h, "<form method=\"post\" action=\"/operator/lifecycle/deregistration\" class=\"form\">");
        page_csrf(h, r);
        input(h, "planned_on", "计划注销日期", "date", req_form(r, "planned_on"), true);
        input(h, "children_enrolled", "在托婴幼儿人数", "number", typed ? typed : en, true);
        textarea(h, "dereg_reason", "注销原因", req_form(r, "dereg_reason"), true);
        textarea(h, "placement_plan", "在托婴幼儿安置方案", req_form(r, "placement_plan"), true);
        html_lit(h, "<p><button type=\"submit\">提交注销申请</button></p></form>\n");
    }
    html_lit(h, "</section>\n");
}

static enum err render_operator(struct req *r, struct resp *out, unsigned status, enum err problem)
{
    struct institution inst;
    enum err e = inst_get(r->db, r->a, r->who->institution_id, &inst);
    if (e != OK) return e;
    int64_t year = review_default_year(today());
    if (!page_parse_int(req_query(r, "year"), 2000, year + 1, year, &year))
        year = review_default_year(today());
    const char *fy = req_form(r, "year");
    if (fy) page_parse_int(fy, 2000, review_default_year(today()) + 1, year, &year);
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "年审、变更与注销");
    html_lit(&h, "<h1>年审、变更与注销</h1>\n<p>");
    html_text(&h, inst.name);
    html_lit(&h, "（");
    html_text(&h, page_inst_state_zh(inst.state));
    html_lit(&h, "）</p>\n");
    page_problem_box(&h, r, problem, NULL);
    if (strcmp(inst.state, "registered") == 0) html_lit(&h, "<p>机构备案后才能办理年审、变更和注销。</p>\n");
    review_section(&h, r, &inst, (int)year);
    change_section(&h, r, &inst);
    dereg_section(&h, r, &inst);
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_operator_lifecycle(struct req *r, struct resp *out)
{
    return render_operator(r, out, 200, OK);
}

static enum err after_post(struct req *r, struct resp *out, enum err e, const char *to)
{
    if (e == OK) return resp_redirect(r, out, to);
    if (e == ERR_VALIDATION || e == ERR_STATE) return render_operator(r, out, err_status(e), e);
    return e;
}

enum err page_operator_review_post(struct req *r, struct resp *out)
{
    int64_t year = 0, drills = -1, hours = -1;
    if (!page_parse_int(req_form(r, "year"), 2000, 9999, 0, &year) || !year)
        fe_add(&r->fe, "year", "年度无效");
    if (!page_parse_int(req_form(r, "drills"), 0, 1000, -1, &drills) || drills < 0)
        fe_add(&r->fe, "drills", "安全演练次数应为 0 到 1000 的整数");
    if (!page_parse_int(req_form(r, "training_hours"), 0, 100000, -1, &hours) || hours < 0)
        fe_add(&r->fe, "training_hours", "培训学时应为 0 到 100000 的整数");
    enum err e = ERR_VALIDATION;
    int64_t id = 0;
    if (!r->fe.n)
        e = review_submit(r->db, r->a, r->who, r->who->institution_id, (int)year, req_form(r, "narrative"),
                          drills, hours, &r->fe, &id);
    return after_post(r, out, e, "/operator/lifecycle");
}

enum err page_operator_change_post(struct req *r, struct resp *out)
{
    json_t *changes = json_object();
    static const char *const texts[] = {"name", "address", NULL};
    static const char *const ints[] = {"places", "min_age_months", "max_age_months", NULL};
    for (int i = 0; texts[i]; i++) {
        const char *v = req_form(r, texts[i]);
        if (v && *v) json_object_set_new(changes, texts[i], json_string(v));
    }
    for (int i = 0; ints[i]; i++) {
        const char *v = req_form(r, ints[i]);
        int64_t x;
        if (!v || !*v) continue;
        if (page_parse_int(v, -1000000, 1000000, 0, &x))
            json_object_set_new(changes, ints[i], json_integer(x));
        else
            fe_addf(&r->fe, arena_printf(r->a, "changes.%s", ints[i]), "%s", "应为整数");
    }
    const char *fee = req_form(r, "fee_min_yuan");
    if (fee && *fee) {
        char *end;
        double y = strtod(fee, &end);
        if (*end || !isfinite(y))
            fe_add(&r->fe, "changes.fee_min_yuan", "应为金额（元）");
        else
            json_object_set_new(changes, "fee_min_yuan", json_real(y));
    }
    const char *inc = req_form(r, "inclusive");
    if (inc && *inc) json_object_set_new(changes, "inclusive", json_boolean(strcmp(inc, "1") == 0));
    enum err e = ERR_VALIDATION;
    int64_t id = 0;
    if (!r->fe.n)
        e = change_request(r->db, r->a, r->who, r->who->institution_id, changes, req_form(r, "reason"),
                           &r->fe, &id);
    json_decref(changes);
    return after_post(r, out, e, "/operator/lifecycle");
}

enum err page_operator_dereg_post(struct req *r, struct resp *out)
{
    struct dereg_input in = {0};
    const char *planned = req_form(r, "planned_on");
    if (!planned || !date_parse(planned, &in.planned_on)) fe_add(&r->fe, "planned_on", "日期无效");
    if (!page_parse_int(req_form(r, "children_enrolled"), 0, 10000, -1, &in.children_enrolled) ||
        in.children_enrolled < 0)
        fe_add(&r->fe, "children_enrolled", "在托婴幼儿人数应为 0 到 10000 的整数");
    in.reason = req_form(r, "dereg_reason");
    in.placement_plan = req_form(r, "placement_plan");
    enum err e = ERR_VALIDATION;
    int64_t id = 0;
    if (!r->fe.n) e = dereg_request(r->db, r->a, r->who, r->who->institution_id, &in, &r->fe, &id);
    return after_post(r, out, e, "/operator/lifecycle");
}

/* ---- The county's queue ------------------------------------------------------------------------------ */

/* A decision form posting to action with the given choices (value, label pairs, NULL-terminated). */
static void decision_form(struct html *h, struct req *r, const char *action, const char *const *choices,
                          int64_t id, bool number)
{
    html_lit(h, "<form method=\"post\" class=\"inline\"");
    html_attr(h, "action", action);
    html_lit(h, ">");
    page_csrf(h, r);
    char sid[32], rid[40], nid[40];
    snprintf(sid, sizeof sid, "d%lld", (long long)id);
    snprintf(rid, sizeof rid, "r%lld", (long long)id);
    snprintf(nid, sizeof nid, "n%lld", (long long)id);
    html_lit(h, "<label");
    html_attr(h, "for", sid);
    html_lit(h, ">决定</label><select name=\"decision\"");
    html_attr(h, "id", sid);
    html_lit(h, ">");
    for (int i = 0; choices[i]; i += 2)
        page_option(h, choices[i], choices[i + 1], i == 0);
    html_lit(h, "</select> <label");
    html_attr(h, "for", rid);
    html_lit(h, ">理由</label><input name=\"reason\"");
    html_attr(h, "id", rid);
    html_lit(h, ">");
    if (number) {
        html_lit(h, " <label");
        html_attr(h, "for", nid);
        html_lit(h, ">文号</label><input name=\"decision_number\"");
        html_attr(h, "id", nid);
        html_lit(h, ">");
    }
    html_lit(h, " <button type=\"submit\">提交</button></form>");
}

static void inst_link(struct html *h, int64_t id, const char *name)
{
    html_lit(h, "<a href=\"/dash/institutions/");
    html_int(h, id);
    html_lit(h, "\">");
    html_text(h, name);
    html_lit(h, "</a>");
}

static enum err render_dash(struct req *r, struct resp *out, unsigned status, enum err problem)
{
    const char *district = page_scope_district(r);
    bool county = r->who->role == ROLE_COUNTY;
    int year = review_default_year(today());
    struct review_row *subs = NULL, *late = NULL;
    struct change_row *chs = NULL;
    struct dereg_row *drs = NULL;
    int nsub = 0, nlate = 0, nch = 0, ndr = 0;
    enum err e = review_list(r->db, r->a, 0, "submitted", district, 0, &subs, &nsub);
    if (e == OK) e = review_overdue(r->db, r->a, year, district, &late, &nlate);
    if (e == OK) e = change_list(r->db, r->a, "pending", district, 0, &chs, &nch);
    if (e == OK) e = dereg_list(r->db, r->a, "requested", district, 0, &drs, &ndr);
    if (e != OK) return e;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "年审、变更与注销");
    html_lit(&h, "<h1>年审、变更与注销</h1>\n");
    page_problem_box(&h, r, problem, NULL);
    static const char *const review_choices[] = {"accept", "通过", "return", "退回", NULL};
    static const char *const change_choices[] = {"approve", "批准", "reject", "驳回", NULL};

    html_lit(&h, "<section aria-labelledby=\"reviews\"><h2 id=\"reviews\">待审核年审（");
    html_int(&h, nsub);
    html_lit(&h, "）</h2>\n");
    if (!nsub) html_lit(&h, "<p>暂无待审核的年审报告。</p>\n");
    for (int i = 0; i < nsub; i++) {
        html_lit(&h, "<article class=\"card\"><h3>");
        inst_link(&h, subs[i].institution_id, subs[i].institution_name);
        html_lit(&h, " · ");
        html_int(&h, subs[i].year);
        html_lit(&h, " 年度</h3>\n<p>演练 ");
        html_int(&h, subs[i].drills);
        html_lit(&h, " 次，培训 ");
        html_int(&h, subs[i].training_hours);
        html_lit(&h, " 学时，第 ");
        html_int(&h, subs[i].submissions);
        html_lit(&h, " 次提交</p>\n<p>");
        html_text(&h, subs[i].narrative);
        html_lit(&h, "</p>\n");
        if (county)
            decision_form(&h, r, arena_printf(r->a, "/dash/lifecycle/reviews/%lld", (long long)subs[i].id),
                          review_choices, subs[i].id, false);
        html_lit(&h, "</article>\n");
    }
    html_lit(&h, "</section>\n<section aria-labelledby=\"overdue\"><h2 id=\"overdue\">逾期未提交 ");
    html_int(&h, year);
    html_lit(&h, " 年度年审（");
    html_int(&h, nlate);
    html_lit(&h, "）</h2>\n");
    if (!nlate) {
        html_lit(&h, "<p>暂无逾期机构。</p>\n");
    } else {
        html_lit(&h, "<ul>\n");
        for (int i = 0; i < nlate; i++) {
            html_lit(&h, "<li>");
            inst_link(&h, late[i].institution_id, late[i].institution_name);
            html_lit(&h, "（");
            html_text(&h, status_zh(review_status_names, review_status_names_zh, late[i].status));
            html_lit(&h, "，期限 ");
            html_date(&h, late[i].due_on);
            html_lit(&h, "）</li>\n");
        }
        html_lit(&h, "</ul>\n");
    }
    html_lit(&h, "</section>\n<section aria-labelledby=\"changes\"><h2 id=\"changes\">待审核信息变更（");
    html_int(&h, nch);
    html_lit(&h, "）</h2>\n");
    if (!nch) html_lit(&h, "<p>暂无待审核的变更。</p>\n");
    for (int i = 0; i < nch; i++) {
        html_lit(&h, "<article class=\"card\"><h3>");
        inst_link(&h, chs[i].institution_id, chs[i].institution_name);
        html_lit(&h, "</h3>\n<p>");
        html_text(&h,
                  chs[i].source && strcmp(chs[i].source, "registration") == 0 ? "登记机关推送" : "机构申请");
        html_lit(&h, "：");
        html_text(&h, chs[i].reason);
        html_lit(&h, "</p>\n<p>原值 <code>");
        html_text(&h, chs[i].previous);
        html_lit(&h, "</code> → 新值 <code>");
        html_text(&h, chs[i].changes);
        html_lit(&h, "</code></p>\n");
        if (county)
            decision_form(&h, r, arena_printf(r->a, "/dash/lifecycle/changes/%lld", (long long)chs[i].id),
                          change_choices, chs[i].id, false);
        html_lit(&h, "</article>\n");
    }
    html_lit(&h, "</section>\n<section aria-labelledby=\"deregs\"><h2 id=\"deregs\">注销申请（");
    html_int(&h, ndr);
    html_lit(&h, "）</h2>\n");
    if (!ndr) html_lit(&h, "<p>暂无注销申请。</p>\n");
    for (int i = 0; i < ndr; i++) {
        html_lit(&h, "<article class=\"card\"><h3>");
        inst_link(&h, drs[i].institution_id, drs[i].institution_name);
        html_lit(&h, "</h3>\n<p>计划注销日期 ");
        html_date(&h, drs[i].planned_on);
        html_lit(&h, "，在托婴幼儿 ");
        html_int(&h, drs[i].children_enrolled);
        html_lit(&h, " 名。原因：");
        html_text(&h, drs[i].reason);
        html_lit(&h, "</p>\n<p>安置方案：");
        html_text(&h, drs[i].placement_plan);
        html_lit(&h, "</p>\n");
        if (county)
            decision_form(&h, r,
                          arena_printf(r->a, "/dash/lifecycle/deregistrations/%lld", (long long)drs[i].id),
                          change_choices, drs[i].id, true);
        html_lit(&h, "</article>\n");
    }
    html_lit(&h, "</section>\n");
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_dash_lifecycle(struct req *r, struct resp *out)
{
    return render_dash(r, out, 200, OK);
}

static enum err after_decide(struct req *r, struct resp *out, enum err e)
{
    if (e == OK) return resp_redirect(r, out, "/dash/lifecycle");
    if (e == ERR_VALIDATION || e == ERR_STATE) return render_dash(r, out, err_status(e), e);
    return e;
}

enum err page_dash_review_decide(struct req *r, struct resp *out)
{
    struct review_row rv;
    enum err e = review_get(r->db, r->a, r->id[0], &rv);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, rv.district_code)) return ERR_NOT_FOUND;
    e = review_decide(r->db, r->a, r->who, rv.id, req_form(r, "decision"), req_form(r, "reason"), &r->fe);
    return after_decide(r, out, e);
}

enum err page_dash_change_decide(struct req *r, struct resp *out)
{
    struct change_row c;
    enum err e = change_get(r->db, r->a, r->id[0], &c);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, c.district_code)) return ERR_NOT_FOUND;
    e = change_decide(r->db, r->a, r->who, c.id, req_form(r, "decision"), req_form(r, "reason"), &r->fe);
    return after_decide(r, out, e);
}

enum err page_dash_dereg_decide(struct req *r, struct resp *out)
{
    struct dereg_row d;
    enum err e = dereg_get(r->db, r->a, r->id[0], &d);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, d.district_code)) return ERR_NOT_FOUND;
    e = dereg_decide(r->db, r->a, r->who, d.id, req_form(r, "decision"), req_form(r, "reason"),
                     req_form(r, "decision_number"), &r->fe);
    return after_decide(r, out, e);
}
