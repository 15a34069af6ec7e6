/* Pages of parents' demand: the portal's application form (up to three institutions of one district), the
 * status page where the parent accepts an offer or withdraws, the unmet-need form for a community; the
 * operator's list of applications with the answer forms (the guardian in clear, every read audited); the
 * officials' demand dashboard beside the planning target. Every page works on a phone. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/cases/cases.h"
#include "modules/demand/demand.h"
#include "modules/filing/filing.h"
#include "modules/institution/inst.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* s, or NULL when absent or empty. */
static const char *nz(const char *s)
{
    return s && *s ? s : NULL;
}

static bool is(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static const char *zh_of(const char *const *names, const char *const *zh, const char *name)
{
    int i = demand_name_index(names, name);
    return i >= 0 ? zh[i] : (name ? name : "");
}

/* A status badge of a choice: offered/accepted ok, declined/withdrawn bad, waitlisted warn, pending info. */
static void status_badge(struct html *h, const char *status)
{
    int i = demand_name_index(choice_status_names, status);
    if (i == DCH_OFFERED || i == DCH_ACCEPTED)
        html_lit(h, "<span class=\"badge ok\">");
    else if (i == DCH_DECLINED || i == DCH_WITHDRAWN)
        html_lit(h, "<span class=\"badge bad\">");
    else if (i == DCH_WAITLISTED)
        html_lit(h, "<span class=\"badge warn\">");
    else
        html_lit(h, "<span class=\"badge info\">");
    html_text(h, zh_of(choice_status_names, choice_status_names_zh, status));
    html_lit(h, "</span>");
}

/* A required <input> with its label, named and identified id. */
static void text_input(struct html *h, const char *id, const char *label, const char *type, const char *value)
{
    html_lit(h, "<p><label");
    html_attr(h, "for", id);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label><input");
    html_attr(h, "id", id);
    html_attr(h, "name", id);
    html_attr(h, "type", type);
    html_attr(h, "value", value ? value : "");
    html_lit(h, " required></p>\n");
}

/* The months, service type, guardian and CAPTCHA fields shared by both public forms. */
static void common_fields(struct html *h, struct req *r)
{
    text_input(h, "birth_month", "孩子出生年月（如 2025-03）", "month", req_form(r, "birth_month"));
    text_input(h, "start_month", "希望入托月份（本月起 12 个月内）", "month", req_form(r, "start_month"));
    html_lit(
        h, "<p><label for=\"service_type\">服务类型</label><select id=\"service_type\" name=\"service_type\" "
           "required>");
    const char *svc = req_form(r, "service_type");
    for (int i = 0; service_type_names[i]; i++)
        page_option(h, service_type_names[i], service_type_names_zh[i],
                    svc ? is(svc, service_type_names[i]) : i == 0);
    html_lit(h, "</select></p>\n");
    text_input(h, "guardian_name", "监护人姓名（仅所申请机构可见）", "text", req_form(r, "guardian_name"));
    html_lit(h, "<p><label for=\"guardian_phone\">监护人手机号码（机构据此联系您，不公开）</label>"
                "<input id=\"guardian_phone\" name=\"guardian_phone\" type=\"tel\" inputmode=\"tel\" "
                "autocomplete=\"tel\" maxlength=\"20\" required");
    html_attr(h, "value", req_form(r, "guardian_phone") ? req_form(r, "guardian_phone") : "");
    html_lit(h, "></p>\n");
    page_captcha(h, r->a);
}

/* A district <select> in a GET form to action (the first step of both public forms). */
static void district_step(struct html *h, struct req *r, const char *action, const char *district)
{
    struct district *ds = NULL;
    int nd = 0;
    district_list(r->db, r->a, &ds, &nd);
    html_lit(h, "<form method=\"get\" class=\"panel\"");
    html_attr(h, "action", action);
    html_lit(h,
             "><p><label for=\"district\">所在县（市、区）</label><select id=\"district\" name=\"district\" "
             "required>");
    page_district_options(h, ds, nd, district, "（请选择）");
    html_lit(h, "</select></p><p><button type=\"submit\">下一步</button></p></form>\n");
}

/* ---- /apply ----------------------------------------------------------------------------------------------
 */

static enum err render_apply(struct req *r, struct resp *out, unsigned status)
{
    const char *inst_s = nz(req_form(r, "choice1"));
    if (!inst_s) inst_s = nz(req_query(r, "institution"));
    int64_t inst_id = 0;
    page_parse_int(inst_s, 1, INT64_MAX, 0, &inst_id);
    struct institution inst;
    bool known = inst_id > 0 && inst_get(r->db, r->a, inst_id, &inst) == OK && is(inst.state, "filed");
    const char *district = known ? inst.district_code : nz(req_form(r, "district"));
    if (!district) district = nz(req_query(r, "district"));

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "申请托位");
    html_lit(&h, "<h1>申请托位</h1>\n<p class=\"intro\">可同时申请同一县（市、区）内最多 3 家已备案托育机构。"
                 "各机构会答复录取、候补或不予录取；凭受理编号和查询码可随时查看进度、接受录取或撤回。"
                 "监护人姓名和电话只向您申请的机构显示。</p>\n");
    if (status != 200) page_problem_box(&h, r, ERR_VALIDATION, "请修改以下内容后重新提交：");
    if (!district) {
        district_step(&h, r, "/apply", NULL);
    } else {
        struct inst_filter f;
        inst_filter_init(&f);
        f.district = district;
        f.state = "filed";
        f.per_page = 100;
        struct institution *items = NULL;
        int n = 0;
        int64_t total = 0;
        enum err e = inst_list(r->db, r->a, &f, &items, &n, &total);
        if (e != OK) {
            html_free(&h);
            return e;
        }
        html_lit(&h, "<form method=\"post\" action=\"/apply\" class=\"panel\">\n");
        page_csrf(&h, r);
        html_lit(&h, "<input type=\"hidden\" name=\"district\"");
        html_attr(&h, "value", district);
        html_lit(&h, ">\n");
        if (!n) html_lit(&h, "<p>该县（市、区）暂无已备案托育机构。</p>\n");
        for (int k = 1; k <= DEMAND_CHOICES_MAX; k++) {
            char name[16], label[64];
            snprintf(name, sizeof name, "choice%d", k);
            snprintf(label, sizeof label, k == 1 ? "第 %d 志愿机构" : "第 %d 志愿机构（可不选）", k);
            const char *cur = req_form(r, name);
            if (k == 1 && !cur && known) cur = inst_s;
            html_lit(&h, "<p><label");
            html_attr(&h, "for", name);
            html_lit(&h, ">");
            html_text(&h, label);
            html_lit(&h, "</label><select");
            html_attr(&h, "id", name);
            html_attr(&h, "name", name);
            if (k == 1) html_lit(&h, " required");
            html_lit(&h, ">");
            page_option(&h, "", "（不选）", !nz(cur));
            for (int i = 0; i < n; i++) {
                char id[24];
                snprintf(id, sizeof id, "%lld", (long long)items[i].id);
                page_option(&h, id, items[i].name, is(cur, id));
            }
            html_lit(&h, "</select></p>\n");
        }
        common_fields(&h, r);
        html_lit(&h, "<p><button type=\"submit\">提交申请</button></p></form>\n<p><a "
                     "href=\"/apply\">选择其他县（市、区）</a></p>\n");
    }
    html_lit(&h, "<p><a href=\"/apply/status\">查询申请进度</a> · <a "
                 "href=\"/needs/new\">附近没有合适的机构？登记社区托育需求</a></p>\n");
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_demand_apply(struct req *r, struct resp *out)
{
    return render_apply(r, out, 200);
}

/* Field names of the application as the form labels them. */
static void fe_label_choices(struct field_errors *fe, const int *slot)
{
    for (int i = 0; i < fe->n; i++) {
        const char *f = fe->items[i].field;
        if (strcmp(f, "institution_ids") == 0)
            fe->items[i].field = "志愿机构";
        else if (strncmp(f, "institution_ids[", 16) == 0) {
            int k = f[16] - '0';
            fe->items[i].field = arena_printf(fe->a, "第 %d 志愿机构", k >= 0 && k < 8 ? slot[k] : k + 1);
        }
    }
}

enum err page_demand_apply_post(struct req *r, struct resp *out)
{
    struct demand_apply_in in = {.service_type =
                                     demand_name_index(service_type_names, req_form(r, "service_type"))};
    int slot[DEMAND_CHOICES_MAX] = {0};
    for (int k = 1; k <= DEMAND_CHOICES_MAX; k++) {
        char name[16];
        snprintf(name, sizeof name, "choice%d", k);
        const char *v = nz(req_form(r, name));
        if (!v) continue;
        int64_t id = 0;
        if (!page_parse_int(v, 1, INT64_MAX, 0, &id)) id = -1;
        slot[in.n] = k;
        in.institution_ids[in.n++] = id;
    }
    in.birth_month = req_form(r, "birth_month");
    in.start_month = req_form(r, "start_month");
    in.guardian_name = req_form(r, "guardian_name");
    in.guardian_phone = req_form(r, "guardian_phone");
    enum err e = demand_validate(r->db, r->a, &in, &r->fe);
    if (e != OK && e != ERR_VALIDATION) return e;
    enum captcha_result cr;
    e = captcha_check(r->db, req_form(r, "captcha_token"), req_form(r, "captcha_answer"), &cr);
    if (e != OK) return e;
    if (cr != CAPTCHA_OK) fe_add(&r->fe, "captcha", captcha_result_zh(cr));
    struct demand_receipt rc;
    if (!r->fe.n) {
        e = demand_apply(r->db, r->a, &in, r->client_ip, &r->fe, &rc);
        if (e == ERR_THROTTLED) {
            r->error_detail = "同一网络每小时最多提交 10 次、每天最多 30 次，请稍后再试。";
            return e;
        }
        if (e != OK && e != ERR_VALIDATION) return e;
    }
    if (r->fe.n) {
        fe_label_choices(&r->fe, slot);
        return render_apply(r, out, 422);
    }
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "申请已提交");
    html_lit(
        &h,
        "<h1>申请已提交</h1>\n<p class=\"notice\" role=\"status\">请记下受理编号和查询码，凭它们查看各机构的"
        "答复、接受录取或撤回申请。查询码只显示这一次。</p>\n<dl "
        "class=\"facts\"><dt>受理编号</dt><dd><strong>");
    html_text(&h, rc.ref);
    html_lit(&h, "</strong></dd><dt>查询码</dt><dd><strong>");
    html_text(&h, rc.code);
    html_lit(&h, "</strong></dd></dl>\n<p><a href=\"/apply/status?ref=");
    html_url(&h, rc.ref);
    html_lit(&h, "\">查询申请进度</a></p>\n");
    page_end(&h);
    return resp_html(r, out, 201, &h);
}

/* ---- /apply/status ---------------------------------------------------------------------------------------
 */

/* A parent's action button on one choice: a POST form carrying the receipt number and code. */
static void parent_action(struct html *h, struct req *r, const char *ref, const char *code, int64_t choice_id,
                          const char *action, const char *label)
{
    html_lit(h, "<form method=\"post\" action=\"/apply/status\">");
    page_csrf(h, r);
    html_lit(h, "<input type=\"hidden\" name=\"ref\"");
    html_attr(h, "value", ref);
    html_lit(h, "><input type=\"hidden\" name=\"code\"");
    html_attr(h, "value", code);
    html_lit(h, "><input type=\"hidden\" name=\"choice_id\"");
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)choice_id);
    html_attr(h, "value", id);
    html_lit(h, "><input type=\"hidden\" name=\"action\"");
    html_attr(h, "value", action);
    html_lit(h, "><button type=\"submit\">");
    html_text(h, label);
    html_lit(h, "</button></form>");
}

static enum err render_status(struct req *r, struct resp *out, const char *ref, const char *code,
                              enum err problem, const char *notice)
{
    struct demand_application p;
    enum err e = ERR_NOT_FOUND;
    if (ref && code) {
        e = demand_lookup(r->db, r->a, ref, code, &p);
        if (e != OK && e != ERR_NOT_FOUND) return e;
    }
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "托位申请进度");
    html_lit(
        &h, "<h1>托位申请进度</h1>\n<form method=\"get\" action=\"/apply/status\" class=\"panel\">"
            "<p><label for=\"ref\">受理编号</label><input id=\"ref\" name=\"ref\" required maxlength=\"32\"");
    html_attr(&h, "value", ref ? ref : "");
    html_lit(
        &h,
        "></p><p><label for=\"code\">查询码</label><input id=\"code\" name=\"code\" required "
        "maxlength=\"16\" autocomplete=\"off\"></p><p><button type=\"submit\">查询</button></p></form>\n");
    unsigned status = problem == OK ? 200 : err_status(problem);
    page_problem_box(&h, r, problem, NULL);
    if (notice) {
        html_lit(&h, "<p class=\"notice\" role=\"status\">");
        html_text(&h, notice);
        html_lit(&h, "</p>\n");
    }
    if (ref && code && e == ERR_NOT_FOUND) {
        html_lit(&h, "<p class=\"errors\" role=\"alert\">受理编号或查询码不正确。</p>\n");
        status = 404;
    } else if (e == OK) {
        html_lit(&h, "<section aria-labelledby=\"result\"><h2 id=\"result\">");
        html_text(&h, p.ref);
        html_lit(&h, "</h2>\n<dl class=\"facts\"><dt>县（市、区）</dt><dd>");
        html_text(&h, p.district_name);
        html_lit(&h, "</dd><dt>孩子出生年月</dt><dd>");
        html_text(&h, p.birth_month);
        html_lit(&h, "</dd><dt>希望入托</dt><dd>");
        html_text(&h, p.start_month);
        html_lit(&h, "</dd><dt>服务类型</dt><dd>");
        html_text(&h, zh_of(service_type_names, service_type_names_zh, p.service_type));
        html_lit(&h, "</dd><dt>提交时间</dt><dd>");
        html_time(&h, p.created_at);
        html_lit(&h, "</dd></dl>\n");
        for (int i = 0; i < p.nchoices; i++) {
            const struct demand_choice *c = &p.choices[i];
            html_lit(&h, "<article class=\"panel\"><h3>第 ");
            html_int(&h, c->rank);
            html_lit(&h, " 志愿：");
            html_text(&h, c->institution_name);
            html_lit(&h, "</h3><p>");
            status_badge(&h, c->status);
            if (c->waitlist_position) {
                html_lit(&h, " 候补第 ");
                html_int(&h, c->waitlist_place ? c->waitlist_place : c->waitlist_position);
                html_lit(&h, " 位");
            }
            html_lit(&h, "</p>");
            if (c->note) {
                html_lit(&h, "<p>机构说明：");
                html_text(&h, c->note);
                html_lit(&h, "</p>");
            }
            int st = demand_name_index(choice_status_names, c->status);
            html_lit(&h, "<div class=\"demand-actions\">");
            if (st == DCH_OFFERED) parent_action(&h, r, p.ref, code, c->id, "accept", "接受录取");
            if (st == DCH_PENDING || st == DCH_WAITLISTED || st == DCH_OFFERED)
                parent_action(&h, r, p.ref, code, c->id, "withdraw", "撤回此志愿");
            html_lit(&h, "</div></article>\n");
        }
        html_lit(&h, "</section>\n");
    }
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_demand_status(struct req *r, struct resp *out)
{
    return render_status(r, out, nz(req_query(r, "ref")), nz(req_query(r, "code")), OK, NULL);
}

enum err page_demand_status_post(struct req *r, struct resp *out)
{
    const char *ref = nz(req_form(r, "ref")), *code = nz(req_form(r, "code"));
    const char *action = req_form(r, "action");
    int64_t choice_id = 0;
    if (!page_parse_int(req_form(r, "choice_id"), 1, INT64_MAX, 0, &choice_id) || !choice_id)
        fe_add(&r->fe, "choice_id", "缺少志愿编号");
    int ev = is(action, "accept") ? DCE_ACCEPT : is(action, "withdraw") ? DCE_WITHDRAW : -1;
    if (ev < 0) fe_add(&r->fe, "action", "应为 accept 或 withdraw");
    if (r->fe.n) return render_status(r, out, ref, code, ERR_VALIDATION, NULL);
    enum err e = demand_parent_move(r->db, r->a, ref, code, choice_id, ev);
    if (e == ERR_STATE)
        r->error_detail = ev == DCE_ACCEPT ? "只能接受已录取的志愿。" : "该志愿已结束，不能撤回。";
    if (e != OK && e != ERR_STATE && e != ERR_NOT_FOUND && e != ERR_CONFLICT) return e;
    if (e == ERR_NOT_FOUND) return render_status(r, out, ref, code, OK, NULL); /* shows the 404 note */
    return render_status(
        r, out, ref, code, e,
        e == OK
            ? (ev == DCE_ACCEPT ? "已接受录取，其余志愿已自动撤回。请按机构通知办理入托。" : "已撤回该志愿。")
            : NULL);
}

/* ---- /needs/new ------------------------------------------------------------------------------------------
 */

static enum err render_need(struct req *r, struct resp *out, unsigned status)
{
    const char *district = nz(req_form(r, "district"));
    if (!district) district = nz(req_query(r, "district"));
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "登记托育需求");
    html_lit(&h, "<h1>登记托育需求</h1>\n<p class=\"intro\">附近没有合适的托育机构？登记您所在社区的需求，"
                 "卫生健康部门据此规划新增托位。监护人信息不公开。</p>\n");
    if (status != 200) page_problem_box(&h, r, ERR_VALIDATION, "请修改以下内容后重新提交：");
    district_step(&h, r, "/needs/new", district);
    if (district) {
        struct demand_community *cs = NULL;
        int nc = 0;
        enum err e = demand_communities(r->db, r->a, district, &cs, &nc);
        if (e != OK) {
            html_free(&h);
            return e;
        }
        if (!nc) {
            html_lit(&h, "<p>该县（市、区）暂无社区名录。</p>\n");
        } else {
            html_lit(&h, "<form method=\"post\" action=\"/needs/new\" class=\"panel\">\n");
            page_csrf(&h, r);
            html_lit(&h, "<input type=\"hidden\" name=\"district\"");
            html_attr(&h, "value", district);
            html_lit(&h, "><p><label for=\"community_id\">所在社区（村）</label><select id=\"community_id\" "
                         "name=\"community_id\" required>");
            const char *cur = req_form(r, "community_id");
            page_option(&h, "", "（请选择）", !nz(cur));
            for (int i = 0; i < nc; i++) {
                char id[24];
                snprintf(id, sizeof id, "%lld", (long long)cs[i].id);
                const char *label = cs[i].street && *cs[i].street
                                        ? arena_printf(r->a, "%s · %s", cs[i].street, cs[i].name)
                                        : cs[i].name;
                page_option(&h, id, label, is(cur, id));
            }
            html_lit(&h, "</select></p>\n");
            common_fields(&h, r);
            html_lit(&h, "<p><button type=\"submit\">登记需求</button></p></form>\n");
        }
    }
    html_lit(&h, "<p><a href=\"/apply\">向已备案机构申请托位</a></p>\n");
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_demand_need(struct req *r, struct resp *out)
{
    return render_need(r, out, 200);
}

enum err page_demand_need_post(struct req *r, struct resp *out)
{
    struct demand_need_in in = {.service_type =
                                    demand_name_index(service_type_names, req_form(r, "service_type"))};
    if (!page_parse_int(req_form(r, "community_id"), 1, INT64_MAX, 0, &in.community_id)) in.community_id = 0;
    in.birth_month = req_form(r, "birth_month");
    in.start_month = req_form(r, "start_month");
    in.guardian_name = req_form(r, "guardian_name");
    in.guardian_phone = req_form(r, "guardian_phone");
    demand_need_validate(&in, &r->fe);
    enum captcha_result cr;
    enum err e = captcha_check(r->db, req_form(r, "captcha_token"), req_form(r, "captcha_answer"), &cr);
    if (e != OK) return e;
    if (cr != CAPTCHA_OK) fe_add(&r->fe, "captcha", captcha_result_zh(cr));
    struct demand_receipt rc;
    if (!r->fe.n) {
        e = demand_need_register(r->db, r->a, &in, r->client_ip, &r->fe, &rc);
        if (e == ERR_THROTTLED) {
            r->error_detail = "同一网络每小时最多提交 10 次、每天最多 30 次，请稍后再试。";
            return e;
        }
        if (e != OK && e != ERR_VALIDATION) return e;
    }
    if (r->fe.n) return render_need(r, out, 422);
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "需求已登记");
    html_lit(&h, "<h1>需求已登记</h1>\n<p class=\"notice\" role=\"status\">感谢登记。登记编号：<strong>");
    html_text(&h, rc.ref);
    html_lit(&h, "</strong></p>\n<p><a href=\"/apply\">向已备案机构申请托位</a></p>\n");
    page_end(&h);
    return resp_html(r, out, 201, &h);
}

/* ---- /operator/applications ------------------------------------------------------------------------------
 */

static enum err render_operator(struct req *r, struct resp *out, enum err problem, const char *notice)
{
    struct demand_choice_filter f = {0};
    f.status = nz(req_query(r, "status"));
    if (f.status && demand_name_index(choice_status_names, f.status) < 0) f.status = NULL;
    struct demand_choice *items;
    int n;
    enum err e = demand_choices_list(r->db, r->a, r->who, &f, &items, &n);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "托位申请");
    html_lit(
        &h,
        "<h1>托位申请</h1>\n<p class=\"intro\">家长通过门户网站申请本机构托位。请联系监护人后答复："
        "录取、列入候补（按顺序排位）或不予录取。监护人信息仅用于联系家长，每次查看均记入审计日志。</p>\n");
    page_problem_box(&h, r, problem, NULL);
    if (notice) {
        html_lit(&h, "<p class=\"notice\" role=\"status\">");
        html_text(&h, notice);
        html_lit(&h, "</p>\n");
    }
    html_lit(
        &h,
        "<form method=\"get\" action=\"/operator/applications\" class=\"panel\"><p><label for=\"status\">状态"
        "</label><select id=\"status\" name=\"status\"><option value=\"\">全部</option>");
    for (int i = 0; choice_status_names[i]; i++)
        page_option(&h, choice_status_names[i], choice_status_names_zh[i],
                    is(f.status, choice_status_names[i]));
    html_lit(&h, "</select></p><p><button type=\"submit\">筛选</button></p></form>\n");
    if (!n) html_lit(&h, "<p>暂无申请。</p>\n");
    for (int i = 0; i < n; i++) {
        const struct demand_choice *c = &items[i];
        int st = demand_name_index(choice_status_names, c->status);
        html_lit(&h, "<article class=\"panel\"><h2>");
        html_text(&h, c->ref);
        html_lit(&h, " ");
        status_badge(&h, c->status);
        if (c->waitlist_position) {
            html_lit(&h, " 候补第 ");
            html_int(&h, c->waitlist_position);
            html_lit(&h, " 位");
        }
        html_lit(&h, "</h2>\n<dl class=\"facts\"><dt>第几志愿</dt><dd>");
        html_int(&h, c->rank);
        html_lit(&h, "</dd><dt>孩子出生年月</dt><dd>");
        html_text(&h, c->birth_month);
        html_lit(&h, "</dd><dt>希望入托</dt><dd>");
        html_text(&h, c->start_month);
        if (c->band >= 0) {
            html_lit(&h, "（入托时 ");
            html_text(&h, demand_band_names_zh[c->band]);
            html_lit(&h, "）");
        }
        html_lit(&h, "</dd><dt>服务类型</dt><dd>");
        html_text(&h, zh_of(service_type_names, service_type_names_zh, c->service_type));
        html_lit(&h, "</dd><dt>监护人</dt><dd>");
        html_text(&h, c->guardian_name);
        html_lit(&h, "</dd><dt>电话</dt><dd>");
        if (c->guardian_clear) { /* an open choice: one tap to call the parent */
            html_lit(&h, "<a");
            html_attr(&h, "href", arena_printf(r->a, "tel:%s", c->guardian_phone ? c->guardian_phone : ""));
            html_lit(&h, ">");
            html_text(&h, c->guardian_phone);
            html_lit(&h, "</a>");
        } else {
            html_text(&h, c->guardian_phone);
        }
        html_lit(&h, "</dd><dt>提交时间</dt><dd>");
        html_time(&h, c->created_at);
        html_lit(&h, "</dd>");
        if (c->note) {
            html_lit(&h, "<dt>说明</dt><dd>");
            html_text(&h, c->note);
            html_lit(&h, "</dd>");
        }
        html_lit(&h, "</dl>\n");
        if (st == DCH_PENDING || st == DCH_WAITLISTED) {
            char action[64], ver[24], nid[32];
            snprintf(action, sizeof action, "/operator/applications/%lld", (long long)c->id);
            snprintf(ver, sizeof ver, "%lld", (long long)c->version);
            snprintf(nid, sizeof nid, "note-%lld", (long long)c->id);
            html_lit(&h, "<form method=\"post\"");
            html_attr(&h, "action", action);
            html_lit(&h, ">");
            page_csrf(&h, r);
            html_lit(&h, "<input type=\"hidden\" name=\"version\"");
            html_attr(&h, "value", ver);
            html_lit(&h, "><p><label");
            html_attr(&h, "for", nid);
            html_lit(&h,
                     ">说明（可选，家长可见）</label><input type=\"text\" maxlength=\"500\" name=\"note\"");
            html_attr(&h, "id", nid);
            html_lit(&h, "></p><p class=\"demand-actions\"><button type=\"submit\" name=\"decision\" "
                         "value=\"offer\">录取</button>");
            if (st == DCH_PENDING) {
                html_lit(&h, "<button type=\"submit\" name=\"decision\" value=\"waitlist\">列入候补（第 ");
                html_int(&h, c->next_position);
                html_lit(&h, " 位）</button>");
            }
            html_lit(
                &h,
                "<button type=\"submit\" name=\"decision\" value=\"decline\">不予录取</button></p></form>\n");
        }
        html_lit(&h, "</article>\n");
    }
    page_end(&h);
    return resp_html(r, out, problem == OK ? 200 : err_status(problem), &h);
}

enum err page_demand_operator(struct req *r, struct resp *out)
{
    return render_operator(r, out, OK, NULL);
}

enum err page_demand_operator_post(struct req *r, struct resp *out)
{
    static const char *const decisions[] = {"offer", "waitlist", "decline", NULL};
    int ev = demand_name_index(decisions, req_form(r, "decision"));
    int64_t version = 0;
    if (ev < 0) fe_add(&r->fe, "decision", "请选择录取、候补或不予录取");
    if (!page_parse_int(req_form(r, "version"), 1, INT64_MAX, 0, &version))
        fe_add(&r->fe, "version", "版本无效");
    const char *note = nz(req_form(r, "note"));
    if (note && utf8_chars(note) > DEMAND_NOTE_MAX) fe_add(&r->fe, "note", "说明不能超过 500 字");
    if (r->fe.n) return render_operator(r, out, ERR_VALIDATION, NULL);
    struct demand_choice c;
    enum err e = demand_answer(r->db, r->a, r->who, r->id[0], ev, note, version, &c);
    if (e == ERR_NOT_FOUND) return e;
    if (e == ERR_STATE) r->error_detail = "该申请当前状态不能这样答复，请刷新后重试。";
    if (e != OK && e != ERR_STATE && e != ERR_CONFLICT) return e;
    const char *notice = NULL;
    if (e == OK)
        notice = c.waitlist_position
                     ? arena_printf(r->a, "%s：已列入候补第 %lld 位。", c.ref, (long long)c.waitlist_position)
                     : arena_printf(r->a, "%s：已答复“%s”。", c.ref,
                                    zh_of(choice_status_names, choice_status_names_zh, c.status));
    return render_operator(r, out, e, notice);
}

/* ---- /dash/demand ----------------------------------------------------------------------------------------
 */

static void num_cell(struct html *h, int64_t v)
{
    html_lit(h, "<td class=\"num\">");
    html_int(h, v);
    html_lit(h, "</td>");
}

static void district_row(struct html *h, const struct demand_district_row *d, bool total,
                         const struct area_view *v, const struct area_group *g)
{
    if (total)
        html_lit(h, "<tr><th scope=\"row\">");
    else
        html_lit(h, "<tr><td>");
    if (g)
        area_group_link(h, v, g, "/dash/demand");
    else
        html_text(h, d->name);
    if (total)
        html_lit(h, "</th>");
    else
        html_lit(h, "</td>");
    if (d->planning_known) {
        num_cell(h, d->residents);
        num_cell(h, d->needed);
        num_cell(h, d->places);
    } else {
        html_lit(h, "<td class=\"num\">—</td><td class=\"num\">—</td><td class=\"num\">—</td>");
    }
    num_cell(h, d->applications);
    num_cell(h, d->pending);
    num_cell(h, d->offered);
    num_cell(h, d->waitlisted);
    num_cell(h, d->declined);
    num_cell(h, d->accepted);
    num_cell(h, d->unmet_applications);
    num_cell(h, d->unmet_needs);
    num_cell(h, d->unmet);
    html_lit(h, "</tr>\n");
}

static void inst_list_html(struct html *h, const struct demand_inst_row *rows, int n, const char *district,
                           bool waitlist)
{
    bool any = false;
    int shown = 0, more = 0;
    for (int i = 0; i < n; i++) {
        if (!is(rows[i].district_code, district)) continue;
        if (shown == 10) { /* the longest waitlists and the most free places first; the rest counted */
            more++;
            continue;
        }
        if (!any) html_lit(h, "<ul>");
        any = true;
        shown++;
        html_lit(h, "<li>");
        html_text(h, rows[i].name);
        if (waitlist) {
            html_lit(h, "：候补 ");
            html_int(h, rows[i].waitlist);
            html_lit(h, " 人");
        } else {
            html_lit(h, "：空余 ");
            html_int(h, rows[i].vacancies);
            html_lit(h, " 个（托位 ");
            html_int(h, rows[i].places);
            html_lit(h, "，在托 ");
            html_int(h, rows[i].enrolled);
            html_lit(h, "）");
        }
        html_lit(h, "</li>");
    }
    if (any)
        html_lit(h, "</ul>");
    else
        html_lit(h, "<p>无</p>");
    if (more) {
        html_lit(h, "<p class=\"meta\">另有 ");
        html_int(h, more);
        html_lit(h, " 家</p>");
    }
}

/* Add a district's figures into a province's or prefecture's row. */
static void add_district(struct demand_district_row *sum, const struct demand_district_row *d)
{
    sum->applications += d->applications;
    sum->pending += d->pending;
    sum->offered += d->offered;
    sum->waitlisted += d->waitlisted;
    sum->declined += d->declined;
    sum->accepted += d->accepted;
    sum->withdrawn += d->withdrawn;
    sum->unmet_applications += d->unmet_applications;
    sum->unmet_needs += d->unmet_needs;
    sum->unmet += d->unmet;
    for (int b = 0; b < DEMAND_BANDS; b++) {
        sum->band_applications[b] += d->band_applications[b];
        sum->band_unmet[b] += d->band_unmet[b];
    }
    sum->planning_known = sum->planning_known && d->planning_known;
    sum->residents += d->residents;
    sum->needed += d->needed;
    sum->places += d->places;
}

enum err page_demand_dash(struct req *r, struct resp *out)
{
    char area[AREA_MAX];
    enum err ae = area_from_req(r, area);
    if (ae != OK) return ae;
    if (r->fe.n) return ERR_VALIDATION;
    const char *district = page_scope_district(r);
    if (!district) district = nz(req_query(r, "district"));
    struct demand_summary s;
    enum err e = demand_summary_get(r->db, r->a, district, &s);
    if (e == ERR_NOT_FOUND) {
        district = NULL;
        e = demand_summary_get(r->db, r->a, NULL, &s);
    }
    if (e != OK) return e;
    /* Every district: one level of the drill-down province → prefecture → county. */
    struct area_view view = {.area = "", .level = 6};
    struct demand_district_row *rows = s.districts;
    int nrows = s.ndistricts;
    if (!district) {
        e = area_view_build(r->a, area, s.districts, s.ndistricts, sizeof *s.districts,
                            offsetof(struct demand_district_row, code),
                            offsetof(struct demand_district_row, name), &view);
        if (e != OK) return e;
        bool grouped = view.level < 6;
        nrows = grouped ? view.ngroups : 0;
        rows = arena_zalloc(r->a, sizeof *rows * (size_t)(s.ndistricts > 0 ? s.ndistricts : 1));
        for (int g = 0; g < nrows; g++) {
            rows[g].code = view.groups[g].code;
            rows[g].name = view.groups[g].name;
            rows[g].planning_known = true;
        }
        if (view.area[0]) {
            memset(&s.total, 0, sizeof s.total);
            s.total.name = "合计";
            s.total.planning_known = true;
        }
        for (int i = 0; i < s.ndistricts; i++) {
            int g = view.group_of[i];
            if (g < 0) continue;
            if (grouped)
                add_district(&rows[g], &s.districts[i]);
            else
                rows[nrows++] = s.districts[i];
            if (view.area[0]) add_district(&s.total, &s.districts[i]);
        }
    }
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "托育需求");
    html_lit(
        &h,
        "<h1>托育需求</h1>\n<p class=\"intro\">家长在门户网站提交的托位申请和社区托育需求，与规划目标（"
        "应有托位）并列。未满足 = 未获录取的在办申请 + 未关闭的社区需求。监护人信息只以脱敏形式提供。</p>\n");
    if (!page_scope_district(r)) {
        struct district *ds = NULL;
        int nd = 0;
        district_list(r->db, r->a, &ds, &nd);
        html_lit(&h,
                 "<form method=\"get\" action=\"/dash/demand\" class=\"panel\"><p><label for=\"district\">"
                 "县（市、区）</label><select id=\"district\" name=\"district\">");
        page_district_options(&h, ds, nd, district, "全市");
        html_lit(&h, "</select></p><p><button type=\"submit\">查看</button></p></form>\n");
    }
    area_breadcrumb(&h, r->a, &view, "/dash/demand");
    html_lit(&h, "<h2>");
    html_int(&h, s.year);
    html_lit(
        &h,
        " 年各县（市、区）</h2>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
        "aria-label=\"各县需求\">"
        "<table>\n<thead><tr><th scope=\"col\">县（市、区）</th><th scope=\"col\" class=\"num\">常住人口</th>"
        "<th scope=\"col\" class=\"num\">应有托位</th><th scope=\"col\" class=\"num\">现有托位</th>"
        "<th scope=\"col\" class=\"num\">申请</th><th scope=\"col\" class=\"num\">待答复</th>"
        "<th scope=\"col\" class=\"num\">录取</th><th scope=\"col\" class=\"num\">候补</th>"
        "<th scope=\"col\" class=\"num\">未录取</th><th scope=\"col\" class=\"num\">已接受</th>"
        "<th scope=\"col\" class=\"num\">未获录取申请</th><th scope=\"col\" class=\"num\">社区需求</th>"
        "<th scope=\"col\" class=\"num\">未满足</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < nrows; i++)
        district_row(&h, &rows[i], false, &view, view.level < 6 ? &view.groups[i] : NULL);
    html_lit(&h, "</tbody>\n");
    if (!district) {
        html_lit(&h, "<tfoot>");
        district_row(&h, &s.total, true, &view, NULL);
        html_lit(&h, "</tfoot>\n");
    }
    html_lit(&h, "</table></div>\n<p class=\"meta\">申请、录取等按志愿计数（一份申请最多 3 个志愿）；"
                 "“—”表示尚无规划数据。</p>\n");
    page_export_link(&h, r, "/api/v1/demand/summary");

    const struct demand_district_row *t = district ? &s.districts[0] : &s.total;
    html_lit(
        &h,
        "<h2>按入托时年龄</h2>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"按年龄\">"
        "<table>\n<thead><tr><th scope=\"col\">年龄段</th><th scope=\"col\" class=\"num\">申请</th>"
        "<th scope=\"col\" class=\"num\">未满足</th></tr></thead>\n<tbody>\n");
    for (int b = 0; b < DEMAND_BANDS; b++) {
        html_lit(&h, "<tr><td>");
        html_text(&h, demand_band_names_zh[b]);
        html_lit(&h, "</td>");
        num_cell(&h, t->band_applications[b]);
        num_cell(&h, t->band_unmet[b]);
        html_lit(&h, "</tr>\n");
    }
    html_lit(&h, "</tbody></table></div>\n<h2>社区托育需求（未关闭）</h2>\n");
    if (!s.ncommunities) {
        html_lit(&h, "<p>暂无登记。</p>\n");
    } else {
        html_lit(
            &h,
            "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
            "aria-label=\"社区需求\"><table>\n<thead><tr>"
            "<th scope=\"col\">社区</th><th scope=\"col\">县（市、区）</th><th scope=\"col\" class=\"num\">"
            "需求</th>");
        for (int b = 0; b < DEMAND_BANDS; b++) {
            html_lit(&h, "<th scope=\"col\" class=\"num\">");
            html_text(&h, demand_band_names_zh[b]);
            html_lit(&h, "</th>");
        }
        html_lit(&h, "</tr></thead>\n<tbody>\n");
        for (int i = 0; i < s.ncommunities; i++) {
            const struct demand_community_row *c = &s.communities[i];
            html_lit(&h, "<tr><td>");
            html_text(&h, c->name);
            html_lit(&h, "</td><td>");
            for (int k = 0; k < s.ndistricts; k++)
                if (is(s.districts[k].code, c->district_code)) html_text(&h, s.districts[k].name);
            html_lit(&h, "</td>");
            num_cell(&h, c->open_needs);
            for (int b = 0; b < DEMAND_BANDS; b++)
                num_cell(&h, c->band[b]);
            html_lit(&h, "</tr>\n");
        }
        html_lit(&h, "</tbody></table></div>\n");
    }
    html_lit(&h,
             "<h2>候补与空余托位</h2>\n<p class=\"meta\">同一县（市、区）内，有候补名单的机构与仍有空余托位"
             "（托位数 − 在托幼儿）的机构并列，便于引导家长。</p>\n");
    for (int i = 0; i < s.ndistricts; i++) {
        const char *code = s.districts[i].code;
        bool has_wait = false;
        for (int k = 0; k < s.nwaitlists && !has_wait; k++)
            has_wait = is(s.waitlists[k].district_code, code);
        if (!has_wait && !district) continue;
        html_lit(&h, "<section class=\"panel\"><h3>");
        html_text(&h, s.districts[i].name);
        html_lit(&h, "</h3><div class=\"fields\"><div><h4>有候补的机构</h4>");
        inst_list_html(&h, s.waitlists, s.nwaitlists, code, true);
        html_lit(&h, "</div><div><h4>有空余托位的机构</h4>");
        inst_list_html(&h, s.vacancies, s.nvacancies, code, false);
        html_lit(&h, "</div></div></section>\n");
    }
    page_end(&h);
    return resp_html(r, out, 200, &h);
}
