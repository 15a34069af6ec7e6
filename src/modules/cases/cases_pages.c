/* Pages of incidents and complaints: the parents' complaint form (mobile-first, CAPTCHA drawn as an SVG image
 * with a data: URL) with its receipt and status lookup, the public yearly incident counts, the officials'
 * queues and case pages with their forms, and the operator's incident report form. Forms go through the same
 * validation and store functions as the JSON API. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/cases/cases.h"
#include "modules/institution/inst.h"
#include "modules/reference/departments.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void page_captcha(struct html *h, struct arena *a)
{
    struct captcha_challenge ch;
    captcha_new(a, &ch);
    html_lit(h, "<p><img width=\"180\" height=\"56\" alt=\"验证码图片：请计算图中算式的结果\"");
    html_attr(h, "src", ch.data_uri);
    html_lit(h, "></p>\n<input type=\"hidden\" name=\"captcha_token\"");
    html_attr(h, "value", ch.token);
    html_lit(h, ">\n<p><label for=\"captcha_answer\">验证码：图中算式的结果（10 分钟内有效）</label>"
                "<input id=\"captcha_answer\" name=\"captcha_answer\" inputmode=\"numeric\" required "
                "maxlength=\"8\" autocomplete=\"off\"></p>\n");
}

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
    int i = cases_name_index(names, name);
    return i >= 0 ? zh[i] : (name ? name : "—");
}

static void notice(struct html *h, const char *text)
{
    if (!text) return;
    html_lit(h, "<p class=\"notice\" role=\"status\">");
    html_text(h, text);
    html_lit(h, "</p>\n");
}

/* A workflow status as a badge: done is marked ok, in_hand info, any other plain. */
static void status_badge(struct html *h, const char *const *names, const char *const *zh, const char *status,
                         const char *done, const char *in_hand)
{
    if (is(status, done))
        html_lit(h, "<span class=\"badge ok\">");
    else if (is(status, in_hand))
        html_lit(h, "<span class=\"badge info\">");
    else
        html_lit(h, "<span class=\"badge\">");
    html_text(h, zh_of(names, zh, status));
    html_lit(h, "</span>");
}

static void complaint_status_badge(struct html *h, const char *status, bool overdue)
{
    status_badge(h, complaint_status_names, complaint_status_names_zh, status, "answered", "handling");
    if (overdue) html_lit(h, " <span class=\"badge bad\">逾期</span>");
}

static void incident_status_badge(struct html *h, const char *status)
{
    status_badge(h, incident_status_names, incident_status_names_zh, status, "closed", "following");
}

/* The opening of a case page's POST form to action, with its CSRF field. */
static void post_form(struct html *h, struct req *r, const char *action)
{
    html_lit(h, "<form method=\"post\" class=\"panel\"");
    html_attr(h, "action", action);
    html_lit(h, ">");
    page_csrf(h, r);
}

/* The ?status= of a queue: NULL for any, else one of names but the first ("none"); another is a field error.
 */
static const char *status_query(struct req *r, const char *const *names)
{
    const char *s = nz(req_query(r, "status"));
    if (s && cases_name_index(names, s) <= 0) fe_add(&r->fe, "status", "未知状态");
    return s;
}

/* A queue's status filter: 全部, then every status of names but the first ("none"); current selected. */
static void status_select(struct html *h, const char *const *names, const char *const *zh,
                          const char *current)
{
    html_lit(h, "<p><label for=\"status\">状态</label><select id=\"status\" name=\"status\">"
                "<option value=\"\">全部</option>");
    for (int i = 1; names[i]; i++)
        page_option(h, names[i], zh[i], is(current, names[i]));
    html_lit(h, "</select></p>");
}

/* The ?page= of a queue (1..100000, default 1), or a field error "page". */
static int64_t list_page(struct req *r)
{
    int64_t page = 1;
    if (!page_parse_int(req_query(r, "page"), 1, 100000, 1, &page)) fe_add(&r->fe, "page", "应为正整数");
    return page;
}

/* ---- The complaint form (public) ------------------------------------------------------------------------
 */

static void complaint_form(struct html *h, struct req *r)
{
    const char *inst_s = req_form(r, "institution_id");
    if (!inst_s) inst_s = req_query(r, "institution");
    int64_t inst_id = 0;
    page_parse_int(inst_s, 1, INT64_MAX, 0, &inst_id);
    struct institution inst;
    bool known = inst_id > 0 && inst_get(r->db, r->a, inst_id, &inst) == OK;

    const char *q = req_query(r, "q");
    html_lit(h, "<section aria-labelledby=\"find\"><h2 id=\"find\">1. 选择机构</h2>\n");
    if (known) {
        html_lit(h, "<p>被投诉机构：<strong>");
        html_text(h, inst.name);
        html_lit(h, "</strong>（");
        html_text(h, inst.district_name);
        html_lit(h, "）</p>\n");
    }
    html_lit(h, "<form method=\"get\" action=\"/complaints/new\" class=\"panel\" role=\"search\">"
                "<p><label for=\"q\">按名称查找机构</label><input id=\"q\" name=\"q\" maxlength=\"50\"");
    html_attr(h, "value", q ? q : "");
    html_lit(h, "></p><p><button type=\"submit\">查找</button></p></form>\n");
    if (nz(q)) {
        struct inst_filter f;
        inst_filter_init(&f);
        f.q = q;
        f.state = "filed";
        f.per_page = 20;
        struct institution *items = NULL;
        int n = 0;
        int64_t total = 0;
        if (inst_list(r->db, r->a, &f, &items, &n, &total) == OK) {
            if (!n)
                html_lit(h, "<p>没有找到名称相符的已备案机构。</p>\n");
            else
                html_lit(h, "<ul>");
            for (int i = 0; i < n; i++) {
                html_lit(h, "<li><a href=\"/complaints/new?institution=");
                html_int(h, items[i].id);
                html_lit(h, "\">");
                html_text(h, items[i].name);
                html_lit(h, "</a>（");
                html_text(h, items[i].district_name);
                html_lit(h, "）</li>");
            }
            if (n) html_lit(h, "</ul>\n");
        }
    }
    html_lit(h, "</section>\n");

    html_lit(h, "<section aria-labelledby=\"write\"><h2 id=\"write\">2. 填写投诉</h2>\n"
                "<form method=\"post\" action=\"/complaints/new\" class=\"panel\">\n");
    html_lit(h,
             "<p><label for=\"institution_id\">机构编号（从机构页面进入时已填好）</label>"
             "<input id=\"institution_id\" name=\"institution_id\" inputmode=\"numeric\" maxlength=\"12\"");
    html_attr(h, "value", inst_id > 0 ? inst_s : "");
    html_lit(h, "></p>\n<p><label for=\"district\">所在区县（反映不在名录中的未备案场所时必选）</label>"
                "<select id=\"district\" name=\"district\">");
    struct district *ds = NULL;
    int nd = 0;
    district_list(r->db, r->a, &ds, &nd);
    page_district_options(h, ds, nd, req_form(r, "district"), "（不选）");
    html_lit(h, "</select></p>\n<p><label for=\"category\">投诉类别</label><select id=\"category\" "
                "name=\"category\" required>");
    const char *cat = req_form(r, "category");
    for (int i = 0; complaint_category_names[i]; i++)
        page_option(h, complaint_category_names[i], complaint_category_names_zh[i],
                    is(cat, complaint_category_names[i]));
    html_lit(h, "</select></p>\n<p><label for=\"text\">投诉内容（10–2000 字；请写清时间、地点和经过）</label>"
                "<textarea id=\"text\" name=\"text\" rows=\"6\" required maxlength=\"2000\">");
    html_text(h, req_form(r, "text"));
    html_lit(
        h,
        "</textarea></p>\n<p><label for=\"contact_name\">联系人姓名（用于答复，不公开）</label>"
        "<input id=\"contact_name\" name=\"contact_name\" required maxlength=\"50\" autocomplete=\"name\"");
    html_attr(h, "value", req_form(r, "contact_name") ? req_form(r, "contact_name") : "");
    html_lit(h, "></p>\n<p><label for=\"contact_phone\">联系电话（用于答复，不公开）</label>"
                "<input id=\"contact_phone\" name=\"contact_phone\" type=\"tel\" required maxlength=\"20\" "
                "autocomplete=\"tel\"");
    html_attr(h, "value", req_form(r, "contact_phone") ? req_form(r, "contact_phone") : "");
    html_lit(
        h,
        "></p>\n<p><input type=\"checkbox\" id=\"anonymous_public\" name=\"anonymous_public\" value=\"1\"");
    if (is(req_form(r, "anonymous_public"), "1")) html_lit(h, " checked");
    html_lit(h, "> <label for=\"anonymous_public\">公开时隐去本人信息</label></p>\n");
    page_captcha(h, r->a);
    html_lit(h, "<p><button type=\"submit\">提交投诉</button></p></form></section>\n"
                "<p>已提交过投诉？<a href=\"/complaints/status\">查询办理进度</a></p>\n");
}

static enum err render_new(struct req *r, struct resp *out, unsigned status)
{
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "投诉托育机构");
    html_lit(&h, "<h1>投诉托育机构</h1>\n<p class=\"intro\">投诉由机构所在县（市、区）卫生健康局受理，"
                 "一般在 15 个工作日内答复。联系方式仅用于答复，只向办理人员显示部分号码。</p>\n");
    page_field_errors(&h, &r->fe);
    complaint_form(&h, r);
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_complaint_new(struct req *r, struct resp *out)
{
    return render_new(r, out, 200);
}

enum err page_complaint_new_post(struct req *r, struct resp *out)
{
    struct complaint_input in = {.category =
                                     cases_name_index(complaint_category_names, req_form(r, "category"))};
    if (!page_parse_int(req_form(r, "institution_id"), 1, INT64_MAX, 0, &in.institution_id))
        fe_add(&r->fe, "institution_id", "机构编号应为正整数");
    in.district = nz(req_form(r, "district"));
    in.text = req_form(r, "text");
    in.contact_name = req_form(r, "contact_name");
    in.contact_phone = req_form(r, "contact_phone");
    in.anonymous_public = is(req_form(r, "anonymous_public"), "1");
    struct field_errors more;
    fe_init(&more, r->a);
    complaint_validate(r->db, r->a, &in, &more);
    cases_fe_merge(&r->fe, &more);
    enum captcha_result cr;
    enum err e = captcha_check(r->db, req_form(r, "captcha_token"), req_form(r, "captcha_answer"), &cr);
    if (e != OK) return e;
    if (cr != CAPTCHA_OK) fe_add(&r->fe, "captcha", captcha_result_zh(cr));
    struct complaint_receipt rc;
    if (!r->fe.n) {
        e = complaint_file(r->db, r->a, &in, r->client_ip, 0, &r->fe, &rc);
        if (e == ERR_THROTTLED) {
            r->error_detail = "同一网络每小时最多提交 5 件、每天最多 20 件投诉，请稍后再试。";
            return e;
        }
        if (e != OK && e != ERR_VALIDATION) return e;
    }
    if (r->fe.n) return render_new(r, out, 422);
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "投诉已提交");
    html_lit(&h, "<h1>投诉已提交</h1>\n<p class=\"notice\" role=\"status\">请记下受理编号和查询码，"
                 "凭它们查询办理进度和答复。查询码只显示这一次。</p>\n<dl "
                 "class=\"fields\"><dt>受理编号</dt><dd><strong>");
    html_text(&h, rc.number);
    html_lit(&h, "</strong></dd><dt>查询码</dt><dd><strong>");
    html_text(&h, rc.code);
    html_lit(&h, "</strong></dd><dt>答复期限</dt><dd>");
    html_date(&h, rc.due_on);
    html_lit(&h, "</dd></dl>\n<p><a href=\"/complaints/status?number=");
    html_url(&h, rc.number);
    html_lit(&h, "\">查询办理进度</a></p>\n");
    page_end(&h);
    return resp_html(r, out, 201, &h);
}

enum err page_complaint_status(struct req *r, struct resp *out)
{
    const char *number = nz(req_query(r, "number")), *code = nz(req_query(r, "code"));
    struct complaint_row c;
    enum err e = ERR_NOT_FOUND;
    if (number && code) {
        e = complaint_lookup(r->db, r->a, number, code, &c);
        if (e != OK && e != ERR_NOT_FOUND) return e;
    }
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "投诉办理进度");
    html_lit(&h, "<h1>投诉办理进度</h1>\n<form method=\"get\" action=\"/complaints/status\" class=\"panel\">"
                 "<p><label for=\"number\">受理编号</label><input id=\"number\" name=\"number\" required "
                 "maxlength=\"32\"");
    html_attr(&h, "value", number ? number : "");
    html_lit(
        &h,
        "></p><p><label for=\"code\">查询码</label><input id=\"code\" name=\"code\" required "
        "maxlength=\"16\" autocomplete=\"off\"></p><p><button type=\"submit\">查询</button></p></form>\n");
    unsigned status = 200;
    if (number && code && e == ERR_NOT_FOUND) {
        html_lit(&h, "<p class=\"errors\" role=\"alert\">受理编号或查询码不正确。</p>\n");
        status = 404;
    } else if (e == OK) {
        html_lit(&h, "<section aria-labelledby=\"result\"><h2 id=\"result\">");
        html_text(&h, c.number);
        html_lit(&h, "</h2>\n<dl class=\"fields\"><dt>状态</dt><dd>");
        complaint_status_badge(&h, c.status, c.overdue);
        html_lit(&h, "</dd><dt>机构</dt><dd>");
        html_text(&h, c.institution_name ? c.institution_name : "（名录外场所）");
        html_lit(&h, "</dd><dt>类别</dt><dd>");
        html_text(&h, zh_of(complaint_category_names, complaint_category_names_zh, c.category));
        html_lit(&h, "</dd><dt>收到日期</dt><dd>");
        html_date(&h, clock_day_of(c.received_at));
        html_lit(&h, "</dd><dt>答复期限</dt><dd>");
        html_date(&h, c.due_on);
        html_lit(&h, "</dd>");
        if (c.answer) {
            html_lit(&h, "<dt>答复</dt><dd>");
            html_text(&h, c.answer);
            html_lit(&h, "</dd>");
        }
        html_lit(&h, "</dl></section>\n");
    }
    page_end(&h);
    return resp_html(r, out, status, &h);
}

/* ---- Public incident statistics -------------------------------------------------------------------------
 */

enum err page_incident_stats(struct req *r, struct resp *out)
{
    int year, n;
    struct incident_stat *rows;
    enum err e = incident_stats_req(r, &year, &rows, &n);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "托育机构安全事件年度统计");
    html_lit(&h,
             "<h1>托育机构安全事件年度统计</h1>\n<p class=\"intro\">按事件发生年份统计各县（市、区）"
             "托育机构报告的安全事件，只公布数量。虐童事件只统计经调查结案并查实的。</p>\n"
             "<form method=\"get\" action=\"/stats/incidents\" class=\"panel\"><p><label for=\"year\">年份"
             "</label><input id=\"year\" name=\"year\" inputmode=\"numeric\" maxlength=\"4\"");
    char ys[16];
    snprintf(ys, sizeof ys, "%d", year);
    html_attr(&h, "value", ys);
    html_lit(&h, "></p><p><button type=\"submit\">查看</button></p></form>\n<div class=\"scroll\"><table>"
                 "<caption>");
    html_int(&h, year);
    html_lit(&h, " 年</caption><thead><tr><th scope=\"col\">县（市、区）</th><th scope=\"col\">严重伤害</th>"
                 "<th scope=\"col\">死亡</th><th scope=\"col\">查实的虐童</th><th scope=\"col\">事件总数</th>"
                 "</tr></thead><tbody>\n");
    int64_t t[4] = {0, 0, 0, 0};
    for (int i = 0; i < n; i++) {
        html_lit(&h, "<tr><th scope=\"row\">");
        html_text(&h, rows[i].district_name);
        html_lit(&h, "</th><td>");
        html_int(&h, rows[i].serious_injuries);
        html_lit(&h, "</td><td>");
        html_int(&h, rows[i].deaths);
        html_lit(&h, "</td><td>");
        html_int(&h, rows[i].substantiated_abuse);
        html_lit(&h, "</td><td>");
        html_int(&h, rows[i].total);
        html_lit(&h, "</td></tr>\n");
        t[0] += rows[i].serious_injuries;
        t[1] += rows[i].deaths;
        t[2] += rows[i].substantiated_abuse;
        t[3] += rows[i].total;
    }
    html_lit(&h, "</tbody><tfoot><tr><th scope=\"row\">全市</th>");
    for (int i = 0; i < 4; i++) {
        html_lit(&h, "<td>");
        html_int(&h, t[i]);
        html_lit(&h, "</td>");
    }
    html_lit(&h, "</tr></tfoot></table></div>\n");
    page_end(&h);
    return resp_html(r, out, 200, &h);
}

/* ---- Officials: complaints ---------------------------------------------------------------------------- */

enum err page_dash_complaints(struct req *r, struct resp *out)
{
    struct complaint_filter f = {0};
    f.status = status_query(r, complaint_status_names);
    f.overdue_only = is(req_query(r, "overdue"), "1");
    int64_t page = list_page(r);
    if (r->fe.n) return ERR_VALIDATION;
    f.page = (int)page;
    f.per_page = 50;
    f.district = page_scope_district(r);
    struct complaint_row *items;
    int n;
    int64_t total;
    enum err e = complaint_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "投诉办理");
    page_export_link(&h, r, "/api/v1/complaints");
    html_lit(&h, "<h1>投诉办理</h1>\n<form method=\"get\" action=\"/dash/complaints\" class=\"panel\">");
    status_select(&h, complaint_status_names, complaint_status_names_zh, f.status);
    html_lit(&h, "<p><input type=\"checkbox\" id=\"overdue\" name=\"overdue\" value=\"1\"");
    if (f.overdue_only) html_lit(&h, " checked");
    html_lit(&h,
             "> <label for=\"overdue\">只看逾期未答复</label></p><p><button type=\"submit\">筛选</button></p>"
             "</form>\n<p>共 ");
    html_int(&h, total);
    html_lit(&h, " 件</p>\n<div class=\"scroll\"><table><thead><tr><th scope=\"col\">受理编号</th>"
                 "<th scope=\"col\">机构</th><th scope=\"col\">区县</th><th scope=\"col\">类别</th>"
                 "<th scope=\"col\">状态</th><th scope=\"col\">收到</th><th scope=\"col\">答复期限</th></tr>"
                 "</thead><tbody>\n");
    for (int i = 0; i < n; i++) {
        html_lit(&h, "<tr><td><a href=\"/dash/complaints/");
        html_int(&h, items[i].id);
        html_lit(&h, "\">");
        html_text(&h, items[i].number);
        html_lit(&h, "</a></td><td>");
        html_text(&h, items[i].institution_name ? items[i].institution_name : "（名录外场所）");
        html_lit(&h, "</td><td>");
        html_text(&h, items[i].district_name);
        html_lit(&h, "</td><td>");
        html_text(&h, zh_of(complaint_category_names, complaint_category_names_zh, items[i].category));
        html_lit(&h, "</td><td>");
        complaint_status_badge(&h, items[i].status, items[i].overdue);
        html_lit(&h, "</td><td>");
        html_date(&h, clock_day_of(items[i].received_at));
        html_lit(&h, "</td><td>");
        html_date(&h, items[i].due_on);
        html_lit(&h, "</td></tr>\n");
    }
    if (!n) html_lit(&h, "<tr><td colspan=\"7\">没有符合条件的投诉</td></tr>\n");
    html_lit(&h, "</tbody></table></div>\n");
    static const char *const keep[] = {"status", "overdue", NULL};
    page_pager(&h, r, page, 50, total, keep);
    page_end(&h);
    return resp_html(r, out, 200, &h);
}

static enum err render_complaint(struct req *r, struct resp *out, unsigned status, const char *note)
{
    struct complaint_row c;
    enum err e = complaint_load_visible(r, &c);
    if (e != OK) return e;
    e = complaint_get(r->db, r->a, r->who, c.id, &c); /* the audited read: the page shows the contact */
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, c.number);
    html_lit(&h, "<h1>投诉 ");
    html_text(&h, c.number);
    html_lit(&h, "</h1>\n");
    notice(&h, note);
    page_field_errors(&h, &r->fe);
    html_lit(&h, "<dl class=\"fields\"><dt>状态</dt><dd>");
    complaint_status_badge(&h, c.status, c.overdue);
    html_lit(&h, "</dd><dt>机构</dt><dd>");
    if (c.institution_id) {
        html_lit(&h, "<a href=\"/dash/institutions/");
        html_int(&h, c.institution_id);
        html_lit(&h, "\">");
        html_text(&h, c.institution_name);
        html_lit(&h, "</a>");
    } else {
        html_lit(&h, "（名录外场所）");
    }
    html_lit(&h, "</dd><dt>区县</dt><dd>");
    html_text(&h, c.district_name);
    html_lit(&h, "</dd><dt>类别</dt><dd>");
    html_text(&h, zh_of(complaint_category_names, complaint_category_names_zh, c.category));
    html_lit(&h, "</dd><dt>收到</dt><dd>");
    html_time(&h, c.received_at);
    html_lit(&h, "</dd><dt>答复期限</dt><dd>");
    html_date(&h, c.due_on);
    html_lit(&h, "</dd><dt>联系人</dt><dd>");
    html_text(&h, c.contact_name);
    html_lit(&h, "，");
    html_text(&h, c.contact_phone_masked);
    html_lit(&h, "</dd><dt>公开时</dt><dd>");
    html_text(&h, c.anonymous_public ? "隐去投诉人信息" : "可显示投诉人信息");
    html_lit(&h, "</dd><dt>内容</dt><dd>");
    html_text(&h, c.text);
    html_lit(&h, "</dd>");
    if (c.inspection_id) {
        html_lit(&h, "<dt>已安排检查</dt><dd>检查编号 ");
        html_int(&h, c.inspection_id);
        html_lit(&h, "</dd>");
    }
    if (c.answer) {
        html_lit(&h, "<dt>答复</dt><dd>");
        html_text(&h, c.answer);
        html_lit(&h, "</dd>");
    }
    html_lit(&h, "</dl>\n");
    int st = cases_name_index(complaint_status_names, c.status);
    unsigned role = r->who->role;
    const char *action = arena_printf(r->a, "/dash/complaints/%lld", (long long)c.id);
    if (complaint_transition(st, CEV_ACCEPT, role) >= 0) {
        post_form(&h, r, action);
        html_lit(&h, "<input type=\"hidden\" name=\"action\" value=\"accept\"><p><button type=\"submit\">受理"
                     "</button></p></form>\n");
    }
    if (complaint_transition(st, CEV_ANSWER, role) >= 0) {
        post_form(&h, r, action);
        html_lit(&h,
                 "<input type=\"hidden\" name=\"action\" value=\"answer\"><p><label for=\"answer\">答复内容"
                 "</label><textarea id=\"answer\" name=\"text\" rows=\"5\" required maxlength=\"4000\">");
        html_text(&h, req_form(r, "text"));
        html_lit(&h, "</textarea></p><p><button type=\"submit\">答复并办结</button></p></form>\n");
    }
    if (c.institution_id && !c.inspection_id && complaint_transition(st, CEV_INSPECT, role) >= 0) {
        post_form(&h, r, action);
        html_lit(&h,
                 "<input type=\"hidden\" name=\"action\" value=\"inspection\"><p><label for=\"department\">"
                 "安排检查的部门</label><select id=\"department\" name=\"department\">");
        struct department *deps = NULL;
        int nd = 0;
        if (department_list(r->db, r->a, &deps, &nd) == OK)
            for (int i = 0; i < nd; i++)
                page_option(&h, deps[i].code, deps[i].name, i == 0);
        html_lit(&h, "</select></p><p><label for=\"planned_on\">计划检查日期</label><input id=\"planned_on\" "
                     "name=\"planned_on\" type=\"date\" required></p><p><button type=\"submit\">安排检查"
                     "</button></p></form>\n");
    }
    html_lit(&h, "<p><a href=\"/dash/complaints\">返回投诉列表</a></p>\n");
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_dash_complaint(struct req *r, struct resp *out)
{
    return render_complaint(r, out, 200, NULL);
}

enum err page_dash_complaint_post(struct req *r, struct resp *out)
{
    struct complaint_row c;
    enum err e = complaint_load_visible(r, &c);
    if (e != OK) return e;
    const char *action = req_form(r, "action");
    if (is(action, "accept")) {
        e = complaint_accept(r->db, r->who, c.id);
    } else if (is(action, "answer")) {
        const char *text = req_form(r, "text");
        size_t n = text ? utf8_chars(text) : 0;
        if (n < 2 || n > 4000) {
            fe_add(&r->fe, "text", "答复内容应为 2–4000 字");
            return render_complaint(r, out, 422, NULL);
        }
        e = complaint_answer(r->db, r->who, c.id, text, 0);
    } else if (is(action, "inspection")) {
        int64_t day = 0;
        if (!date_parse(req_form(r, "planned_on") ? req_form(r, "planned_on") : "", &day) ||
            day < clock_day_of(clock_now()))
            fe_add(&r->fe, "planned_on", "请选择今天或以后的日期");
        const char *dep = req_form(r, "department");
        if (!nz(dep)) fe_add(&r->fe, "department", "请选择部门");
        if (r->fe.n) return render_complaint(r, out, 422, NULL);
        e = complaint_trigger_inspection(r->db, r->a, r->who, c.id, dep, day, &r->fe, NULL);
        if (e == ERR_VALIDATION) return render_complaint(r, out, 422, NULL);
    } else {
        fe_add(&r->fe, "action", "未知操作");
        return render_complaint(r, out, 422, NULL);
    }
    if (e != OK) return e;
    return resp_redirect(r, out, arena_printf(r->a, "/dash/complaints/%lld", (long long)c.id));
}

/* ---- Officials: incidents ------------------------------------------------------------------------------ */

/* A table of incidents; links: each number links to its case page (officials); empty: the row shown for none.
 */
static void incident_table(struct html *h, const struct incident_row *items, int n, bool links,
                           const char *empty)
{
    html_lit(h,
             "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">编号</th><th scope=\"col\">机构</th>"
             "<th scope=\"col\">类型</th><th scope=\"col\">严重程度</th><th scope=\"col\">发生</th>"
             "<th scope=\"col\">报告</th><th scope=\"col\">状态</th></tr></thead><tbody>\n");
    for (int i = 0; i < n; i++) {
        html_lit(h, "<tr><td>");
        if (links) {
            html_lit(h, "<a href=\"/dash/incidents/");
            html_int(h, items[i].id);
            html_lit(h, "\">");
        }
        html_int(h, items[i].id);
        if (links) html_lit(h, "</a>");
        html_lit(h, "</td><td>");
        html_text(h, items[i].institution_name);
        html_lit(h, "</td><td>");
        html_text(h, zh_of(incident_type_names, incident_type_names_zh, items[i].type));
        html_lit(h, "</td><td>");
        html_text(h, zh_of(incident_severity_names, incident_severity_names_zh, items[i].severity));
        html_lit(h, "</td><td>");
        html_time(h, items[i].occurred_at);
        html_lit(h, "</td><td>");
        html_time(h, items[i].reported_at);
        if (items[i].late) html_lit(h, " <span class=\"badge bad\">迟报</span>");
        html_lit(h, "</td><td>");
        incident_status_badge(h, items[i].status);
        html_lit(h, "</td></tr>\n");
    }
    if (!n) {
        html_lit(h, "<tr><td colspan=\"7\">");
        html_text(h, empty);
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

enum err page_dash_incidents(struct req *r, struct resp *out)
{
    struct incident_filter f = {.late = -1};
    f.status = status_query(r, incident_status_names);
    f.type = nz(req_query(r, "type"));
    if (f.type && cases_name_index(incident_type_names, f.type) < 0) fe_add(&r->fe, "type", "未知类型");
    int64_t page = list_page(r);
    if (r->fe.n) return ERR_VALIDATION;
    f.page = (int)page;
    f.per_page = 50;
    f.district = page_scope_district(r);
    struct incident_row *items;
    int n;
    int64_t total;
    enum err e = incident_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "安全事件");
    html_lit(&h,
             "<h1>安全事件</h1>\n<form method=\"get\" action=\"/dash/incidents\" class=\"panel\">"
             "<p><label for=\"type\">类型</label><select id=\"type\" name=\"type\"><option value=\"\">全部"
             "</option>");
    for (int i = 0; incident_type_names[i]; i++)
        page_option(&h, incident_type_names[i], incident_type_names_zh[i],
                    is(f.type, incident_type_names[i]));
    html_lit(&h, "</select></p>");
    status_select(&h, incident_status_names, incident_status_names_zh, f.status);
    html_lit(&h, "<p><button type=\"submit\">筛选</button></p></form>\n<p>共 ");
    html_int(&h, total);
    html_lit(&h, " 起</p>\n");
    incident_table(&h, items, n, true, "没有符合条件的事件");
    static const char *const keep[] = {"status", "type", NULL};
    page_pager(&h, r, page, 50, total, keep);
    page_end(&h);
    return resp_html(r, out, 200, &h);
}

static void incident_details(struct html *h, const struct incident_row *c)
{
    html_lit(h, "<dl class=\"fields\"><dt>状态</dt><dd>");
    incident_status_badge(h, c->status);
    html_lit(h, "</dd><dt>机构</dt><dd>");
    html_text(h, c->institution_name);
    html_lit(h, "（");
    html_text(h, c->district_name);
    html_lit(h, "）</dd><dt>类型</dt><dd>");
    html_text(h, zh_of(incident_type_names, incident_type_names_zh, c->type));
    html_lit(h, "</dd><dt>严重程度</dt><dd>");
    html_text(h, zh_of(incident_severity_names, incident_severity_names_zh, c->severity));
    html_lit(h, "</dd><dt>发生时间</dt><dd>");
    html_time(h, c->occurred_at);
    html_lit(h, "</dd><dt>报告时间</dt><dd>");
    html_time(h, c->reported_at);
    html_lit(h, "（时限 ");
    html_int(h, c->deadline_hours);
    html_lit(h, " 小时）");
    if (c->late) html_lit(h, " <span class=\"badge bad\">迟报</span>");
    html_lit(h, "</dd><dt>涉及幼儿</dt><dd>");
    html_int(h, c->children_affected);
    html_lit(h, " 名</dd><dt>经过</dt><dd>");
    html_text(h, c->description);
    html_lit(h, "</dd><dt>已采取的措施</dt><dd>");
    html_text(h, c->actions_taken);
    html_lit(h, "</dd>");
    if (c->conclusion) {
        html_lit(h, "<dt>结论</dt><dd>");
        html_text(h, c->conclusion);
        if (c->substantiated >= 0) html_text(h, c->substantiated ? "（查实）" : "（未查实）");
        html_lit(h, "</dd>");
    }
    html_lit(h, "</dl>\n");
    if (c->nnotes) {
        html_lit(h, "<h2>跟进记录</h2>\n<ol>");
        for (int i = 0; i < c->nnotes; i++) {
            html_lit(h, "<li>");
            html_time(h, c->notes[i].at);
            html_lit(h, " ");
            html_text(h, c->notes[i].by);
            if (is(c->notes[i].kind, "close"))
                html_lit(h, "（结案）：");
            else
                html_lit(h, "：");
            html_text(h, c->notes[i].text);
            html_lit(h, "</li>");
        }
        html_lit(h, "</ol>\n");
    }
}

static enum err render_incident(struct req *r, struct resp *out, unsigned status)
{
    struct incident_row c;
    enum err e = incident_load_visible(r, &c);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "安全事件");
    html_lit(&h, "<h1>安全事件 ");
    html_int(&h, c.id);
    html_lit(&h, "</h1>\n");
    page_field_errors(&h, &r->fe);
    incident_details(&h, &c);
    int st = cases_name_index(incident_status_names, c.status);
    const char *action = arena_printf(r->a, "/dash/incidents/%lld", (long long)c.id);
    if (incident_transition(st, IEV_FOLLOW_UP, r->who->role) >= 0) {
        post_form(&h, r, action);
        html_lit(
            &h,
            "<input type=\"hidden\" name=\"action\" value=\"note\"><p><label for=\"note\">跟进记录</label>"
            "<textarea id=\"note\" name=\"text\" rows=\"3\" required maxlength=\"4000\"></textarea></p>"
            "<p><button type=\"submit\">添加跟进记录</button></p></form>\n");
    }
    if (incident_transition(st, IEV_CLOSE, r->who->role) >= 0) {
        post_form(&h, r, action);
        html_lit(
            &h,
            "<input type=\"hidden\" name=\"action\" value=\"close\"><p><label for=\"conclusion\">结论"
            "</label><textarea id=\"conclusion\" name=\"conclusion\" rows=\"3\" required maxlength=\"4000\">"
            "</textarea></p>");
        if (is(c.type, "suspected_abuse"))
            html_lit(&h, "<p><label for=\"substantiated\">调查结果</label><select id=\"substantiated\" "
                         "name=\"substantiated\" required><option value=\"\">请选择</option>"
                         "<option value=\"1\">查实</option><option value=\"0\">未查实</option></select></p>");
        html_lit(&h, "<p><button type=\"submit\">结案</button></p></form>\n");
    }
    html_lit(&h, "<p><a href=\"/dash/incidents\">返回安全事件列表</a></p>\n");
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_dash_incident(struct req *r, struct resp *out)
{
    return render_incident(r, out, 200);
}

enum err page_dash_incident_post(struct req *r, struct resp *out)
{
    struct incident_row c;
    enum err e = incident_load_visible(r, &c);
    if (e != OK) return e;
    const char *action = req_form(r, "action");
    if (is(action, "note")) {
        const char *text = req_form(r, "text");
        size_t n = text ? utf8_chars(text) : 0;
        if (n < 2 || n > 4000) {
            fe_add(&r->fe, "text", "跟进记录应为 2–4000 字");
            return render_incident(r, out, 422);
        }
        e = incident_follow_up(r->db, r->who, c.id, text, 0);
    } else if (is(action, "close")) {
        const char *text = req_form(r, "conclusion");
        size_t n = text ? utf8_chars(text) : 0;
        if (n < 2 || n > 4000) fe_add(&r->fe, "conclusion", "结论应为 2–4000 字");
        const char *s = nz(req_form(r, "substantiated"));
        int subst = -1;
        if (s && !is(s, "0") && !is(s, "1"))
            fe_add(&r->fe, "substantiated", "应为 0 或 1");
        else if (s)
            subst = is(s, "1");
        if (r->fe.n) return render_incident(r, out, 422);
        e = incident_close(r->db, r->who, c.id, text, subst, 0, &r->fe);
        if (e == ERR_VALIDATION) return render_incident(r, out, 422);
    } else {
        fe_add(&r->fe, "action", "未知操作");
        return render_incident(r, out, 422);
    }
    if (e != OK) return e;
    return resp_redirect(r, out, arena_printf(r->a, "/dash/incidents/%lld", (long long)c.id));
}

/* ---- Operator: incident reports ------------------------------------------------------------------------ */

static enum err render_operator(struct req *r, struct resp *out, unsigned status, const char *note)
{
    struct incident_filter f = {
        .late = -1, .institution_id = r->who->institution_id, .page = 1, .per_page = 100};
    struct incident_row *items;
    int n;
    int64_t total;
    enum err e = incident_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "安全事件报告");
    html_lit(&h, "<h1>安全事件报告</h1>\n");
    notice(&h, note);
    page_field_errors(&h, &r->fe);
    html_lit(&h,
             "<p class=\"intro\">严重伤害、死亡、疑似虐童、幼儿走失、食物中毒和火灾须在 2 小时内报告，"
             "其他事件 24 小时内报告（本市规定）。</p>\n<form method=\"post\" action=\"/operator/incidents\" "
             "class=\"panel\">");
    page_csrf(&h, r);
    html_lit(&h, "<p><label for=\"type\">事件类型</label><select id=\"type\" name=\"type\" required>");
    for (int i = 0; incident_type_names[i]; i++)
        page_option(&h, incident_type_names[i], incident_type_names_zh[i],
                    is(req_form(r, "type"), incident_type_names[i]));
    html_lit(
        &h,
        "</select></p><p><label for=\"severity\">严重程度</label><select id=\"severity\" name=\"severity\" "
        "required>");
    for (int i = 0; incident_severity_names[i]; i++)
        page_option(&h, incident_severity_names[i], incident_severity_names_zh[i],
                    is(req_form(r, "severity"), incident_severity_names[i]));
    html_lit(&h, "</select></p><p><label for=\"occurred_on\">发生日期</label><input id=\"occurred_on\" "
                 "name=\"occurred_on\" type=\"date\" required");
    html_attr(&h, "value", req_form(r, "occurred_on") ? req_form(r, "occurred_on") : "");
    html_lit(&h, "></p><p><label for=\"occurred_time\">发生时间（时:分）</label><input id=\"occurred_time\" "
                 "name=\"occurred_time\" type=\"time\" required");
    html_attr(&h, "value", req_form(r, "occurred_time") ? req_form(r, "occurred_time") : "");
    html_lit(&h,
             "></p><p><label for=\"children_affected\">涉及幼儿人数</label><input id=\"children_affected\" "
             "name=\"children_affected\" inputmode=\"numeric\" required maxlength=\"4\"");
    html_attr(&h, "value", req_form(r, "children_affected") ? req_form(r, "children_affected") : "");
    html_lit(&h, "></p><p><label for=\"description\">事件经过（不要写幼儿和员工的姓名）</label>"
                 "<textarea id=\"description\" name=\"description\" rows=\"5\" required maxlength=\"4000\">");
    html_text(&h, req_form(r, "description"));
    html_lit(
        &h,
        "</textarea></p><p><label for=\"actions_taken\">已采取的措施</label><textarea id=\"actions_taken\" "
        "name=\"actions_taken\" rows=\"3\" required maxlength=\"4000\">");
    html_text(&h, req_form(r, "actions_taken"));
    html_lit(&h, "</textarea></p><p><button "
                 "type=\"submit\">提交报告</button></p></form>\n<h2>本机构已报告的事件</h2>\n");
    incident_table(&h, items, n, false, "尚未报告过事件");
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_operator_incidents(struct req *r, struct resp *out)
{
    return render_operator(r, out, 200, NULL);
}

enum err page_operator_incidents_post(struct req *r, struct resp *out)
{
    struct incident_input in = {
        .type = cases_name_index(incident_type_names, req_form(r, "type")),
        .severity = cases_name_index(incident_severity_names, req_form(r, "severity")),
        .description = req_form(r, "description"),
        .actions_taken = req_form(r, "actions_taken"),
    };
    int64_t day = 0;
    bool have_day = date_parse(req_form(r, "occurred_on") ? req_form(r, "occurred_on") : "", &day);
    if (!have_day && nz(req_form(r, "occurred_on")))
        fe_add(&r->fe, "occurred_on", "日期应为 YYYY-MM-DD");
    else {
        in.occurred_at =
            incident_occurred_from(&r->fe, false, 0, have_day, day, req_form(r, "occurred_time"));
        incident_check_occurred(&r->fe, in.occurred_at, clock_now());
    }
    if (!page_parse_int(req_form(r, "children_affected"), 0, 1000, -1, &in.children_affected) ||
        in.children_affected < 0)
        fe_add(&r->fe, "children_affected", "涉及幼儿人数应为 0–1000");
    if (r->fe.n) return render_operator(r, out, 422, NULL);
    enum err e = incident_report(r->db, r->who, r->who->institution_id, &in, 0, &r->fe, NULL);
    if (e == ERR_VALIDATION) return render_operator(r, out, 422, NULL);
    if (e != OK) return e;
    r->nform = 0;
    return render_operator(r, out, 201, "报告已提交");
}
