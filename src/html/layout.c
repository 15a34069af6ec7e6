/* The page frame (head, header with the role's navigation, footer), the error page, the stylesheet handler
 * and the few pieces of markup that several pages share. Everything goes through the escaping writer. */
#include "html/layout.h"

#include "db/embedded.h"
#include "modules/filing/filing.h"
#include "modules/filing/filing_store.h"
#include "modules/institution/inst.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One navigation entry; aria-current marks the page the user is on (exact path, or below it when prefix). */
static void nav_link(struct html *h, const struct req *r, const char *href, const char *label, bool prefix)
{
    size_t n = strlen(href);
    const char *path = r->path ? r->path : "";
    bool current =
        prefix ? strncmp(path, href, n) == 0 && (path[n] == 0 || path[n] == '/') : strcmp(path, href) == 0;
    html_lit(h, "<li><a");
    html_attr(h, "href", href);
    if (current) html_lit(h, " aria-current=\"page\"");
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</a></li>");
}

void page_begin(struct html *h, struct req *r, const char *title)
{
    const struct principal *who = r->who;
    html_lit(h, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    html_text(h, title);
    html_lit(
        h,
        " · 十堰市托育服务</title>\n<link rel=\"stylesheet\" href=\"/static/tuoyu.css\">\n</head>\n<body>\n"
        "<a class=\"skip\" href=\"#main\">跳到正文</a>\n"
        "<header class=\"site\"><div class=\"wrap\">\n<a class=\"brand\" href=\"/\">十堰市托育服务</a>\n");
    /* Registrars work through the API: no links for them, and no empty list. */
    bool nav = !who || who->role & (ROLES_OFFICIALS | ROLE_OPERATOR | ROLE_INSPECTOR | ROLE_UNIT);
    if (nav) html_lit(h, "<nav aria-label=\"主导航\"><ul>");
    if (!who) {
        nav_link(h, r, "/", "查找托育机构", false);
        nav_link(h, r, "/draws", "抽查公示", true);
        nav_link(h, r, "/complaints/new", "投诉", false);
        nav_link(h, r, "/guidance", "育儿指导", true);
        nav_link(h, r, "/apply", "申请托位", true);
        nav_link(h, r, "/mother-baby-rooms", "母婴室", false);
        nav_link(h, r, "/open-data", "开放数据", false);
        nav_link(h, r, "/login", "登录", false);
    } else if (who->role & ROLES_OFFICIALS) {
        nav_link(h, r, "/dash", "工作台", false);
        nav_link(h, r, "/dash/institutions", "机构", true);
        nav_link(h, r, "/dash/filings", "备案审核", true);
        nav_link(h, r, "/dash/inspections", "监督检查", true);
        nav_link(h, r, "/dash/rectifications", "整改", true);
        nav_link(h, r, "/dash/complaints", "投诉", true);
        nav_link(h, r, "/dash/incidents", "安全事件", true);
        nav_link(h, r, "/dash/lifecycle", "年审与变更", true);
        nav_link(h, r, "/dash/quality", "质量评估", true);
        nav_link(h, r, "/dash/credit", "信用", true);
        nav_link(h, r, "/dash/plan", "任务推进", true);
        if (who->role != ROLE_COUNTY) nav_link(h, r, "/dash/meetings", "联席会议", true);
        nav_link(h, r, "/dash/support", "政策支持", true);
        nav_link(h, r, "/dash/assessment", "督导考核", true);
        nav_link(h, r, "/dash/planning", "规划与统计", true);
        nav_link(h, r, "/dash/demand", "托育需求", true);
        nav_link(h, r, "/dash/facilities", "设施", true);
        nav_link(h, r, "/dash/guidance", "家庭指导", true);
        nav_link(h, r, "/dash/reports", "月报", true);
        nav_link(h, r, "/dash/exports", "导出", true);
        if (who->role & (ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY))
            nav_link(h, r, "/dash/bans", "禁入名单", true);
        if (who->role & (ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY))
            nav_link(h, r, "/dash/imports/institutions", "批量导入", true);
        if (who->role == ROLE_ADMIN) nav_link(h, r, "/dash/outbox", "数据推送", true);
        if (who->role == ROLE_ADMIN) nav_link(h, r, "/dash/tokens", "接口令牌", true);
        if (who->role == ROLE_ADMIN) nav_link(h, r, "/dash/users", "账号", true);
    } else if (who->role == ROLE_UNIT) {
        nav_link(h, r, "/units", "我的待办", false);
        nav_link(h, r, "/units/tasks", "任务进展", true);
    } else if (who->role == ROLE_INSPECTOR) {
        nav_link(h, r, "/inspector", "我的检查", false);
        nav_link(h, r, "/dash/inspections", "检查记录", true);
        nav_link(h, r, "/dash/rectifications", "整改", true);
    } else if (who->role == ROLE_OPERATOR) {
        nav_link(h, r, "/operator", "我的机构", false);
        nav_link(h, r, "/operator/dashboard", "机构概况", true);
        nav_link(h, r, "/operator/applications", "托位申请", true);
        nav_link(h, r, "/operator/people", "班级与人员", true);
        nav_link(h, r, "/operator/rectifications", "整改", true);
        nav_link(h, r, "/operator/incidents", "安全事件", true);
        nav_link(h, r, "/operator/fees", "收费", true);
        nav_link(h, r, "/operator/lifecycle", "年审与变更", true);
        nav_link(h, r, "/operator/support", "补贴与示范", true);
    }
    if (nav) html_lit(h, "</ul></nav>\n");
    if (who) {
        html_lit(h, "<div class=\"user\"><span>");
        html_text(h, who->display_name ? who->display_name : who->username);
        html_lit(h, "（");
        html_text(h, role_name_zh(who->role));
        html_lit(h, "）</span>\n<form method=\"post\" action=\"/logout\">");
        page_csrf(h, r);
        html_lit(h, "<button type=\"submit\" class=\"link\">退出</button></form></div>\n");
    }
    html_lit(h, "</div></header>\n<main id=\"main\" class=\"wrap\">\n");
}

void page_end(struct html *h)
{
    html_lit(h, "</main>\n<footer class=\"site\"><div class=\"wrap\"><p>十堰市托育服务 · "
                "托育机构登记、备案与监管 · <a href=\"/api/docs\">API</a></p></div></footer>\n</body>\n</html>\n");
}

void page_csrf(struct html *h, struct req *r)
{
    if (!r->who || !r->who->csrf) return;
    html_lit(h, "<input type=\"hidden\" name=\"csrf\"");
    html_attr(h, "value", r->who->csrf);
    html_lit(h, ">");
}

void page_error(struct req *r, struct resp *out, enum err e)
{
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, err_message_zh(e));
    html_lit(&h, "<h1>");
    html_text(&h, err_message_zh(e));
    html_lit(&h, "</h1>\n");
    if (r->error_detail) {
        html_lit(&h, "<p>");
        html_text(&h, r->error_detail);
        html_lit(&h, "</p>\n");
    }
    page_field_errors(&h, &r->fe);
    html_lit(&h, "<p><a href=\"/\">返回首页</a></p>\n");
    page_end(&h);
    resp_html(r, out, err_status(e), &h);
}

enum err static_css(struct req *r, struct resp *out)
{
    const struct embedded_file *f = embedded_find("static/tuoyu.css");
    if (!f) return ERR_NOT_FOUND;
    return resp_bytes(r, out, 200, "text/css; charset=utf-8", f->data, f->len);
}

void page_field_errors(struct html *h, const struct field_errors *fe)
{
    if (!fe || fe->n == 0) return;
    html_lit(h, "<ul class=\"errors\">");
    for (int i = 0; i < fe->n; i++) {
        html_lit(h, "<li>");
        if (fe->items[i].field && fe->items[i].field[0]) {
            html_lit(h, "<code>");
            html_text(h, fe->items[i].field);
            html_lit(h, "</code>：");
        }
        html_text(h, fe->items[i].message);
        html_lit(h, "</li>");
    }
    html_lit(h, "</ul>\n");
}

void page_problem_box(struct html *h, const struct req *r, enum err problem, const char *message)
{
    if (problem == OK) return;
    html_lit(h, "<div class=\"errors\" role=\"alert\"><p>");
    html_text(h, message ? message : r->error_detail ? r->error_detail : err_message_zh(problem));
    html_lit(h, "</p>");
    page_field_errors(h, &r->fe);
    html_lit(h, "</div>\n");
}

void page_option(struct html *h, const char *value, const char *label, bool selected)
{
    html_lit(h, "<option");
    html_attr(h, "value", value);
    if (selected) html_lit(h, " selected");
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</option>");
}

void page_district_options(struct html *h, const struct district *d, int n, const char *selected,
                           const char *any_label)
{
    if (any_label) page_option(h, "", any_label, !selected || !selected[0]);
    for (int i = 0; i < n; i++)
        page_option(h, d[i].code, d[i].name, selected && strcmp(selected, d[i].code) == 0);
}

bool page_district_known(const struct district *d, int n, const char *code)
{
    for (int i = 0; code && i < n; i++)
        if (strcmp(d[i].code, code) == 0) return true;
    return false;
}

void page_ages(struct html *h, int min_months, int max_months)
{
    if (min_months <= 0 && max_months <= 0) {
        html_lit(h, "—");
        return;
    }
    html_int(h, min_months);
    html_lit(h, "–");
    html_int(h, max_months);
    html_lit(h, " 个月");
}

void page_service_types(struct html *h, unsigned bits)
{
    bool first = true;
    for (int t = 0; t < SVC__COUNT; t++) {
        if (!(bits & (1u << t))) continue;
        if (!first) html_lit(h, "、");
        html_text(h, service_type_names_zh[t]);
        first = false;
    }
    if (first) html_lit(h, "—");
}

void page_decimal(struct html *h, double v, int places)
{
    buf_printf(&h->b, "%.*f", places, v);
}

const char *page_inst_state_zh(const char *state)
{
    if (state && strcmp(state, "filed") == 0) return "已备案";
    if (state && strcmp(state, "registered") == 0) return "已登记未备案";
    if (state && strcmp(state, "closed") == 0) return "已注销/停业";
    return "未知";
}

const char *page_filing_status_zh(const char *status)
{
    int s = status ? filing_status_from_name(status) : -1;
    return s >= 0 && s < FS__COUNT ? filing_status_names_zh[s] : "未知";
}

bool page_parse_int(const char *s, int64_t lo, int64_t hi, int64_t def, int64_t *out)
{
    if (!s || !s[0]) {
        *out = def;
        return true;
    }
    /* Digits only (an optional minus): strtoll alone would accept spaces, a plus sign and trailing junk. */
    const char *p = s[0] == '-' ? s + 1 : s;
    if (!*p || strlen(p) > 18) return false;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9') return false;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno || v < lo || v > hi) return false;
    *out = v;
    return true;
}

const char *page_scope_district(const struct req *r)
{
    return r->who && r->who->role == ROLE_COUNTY ? r->who->district : NULL;
}

/* One pager link: "?k=v&…&page=N" keeping the named query values. */
static void pager_link(struct html *h, const struct req *r, int64_t page, const char *const *keep,
                       const char *rel, const char *label)
{
    html_lit(h, "<a");
    html_attr(h, "rel", rel);
    html_lit(h, " href=\"?");
    for (int i = 0; keep && keep[i]; i++) {
        const char *v = req_query(r, keep[i]);
        if (!v || !v[0]) continue;
        html_url(h, keep[i]);
        html_lit(h, "=");
        html_url(h, v);
        html_lit(h, "&amp;");
    }
    html_lit(h, "page=");
    html_int(h, page);
    html_lit(h, "\">");
    html_text(h, label);
    html_lit(h, "</a>");
}

void page_pager(struct html *h, const struct req *r, int64_t page, int64_t per_page, int64_t total,
                const char *const *keep)
{
    int64_t pages = per_page > 0 ? (total + per_page - 1) / per_page : 1;
    if (pages <= 1) return;
    html_lit(h, "<nav class=\"pager\" aria-label=\"分页\">");
    if (page > 1) pager_link(h, r, page - 1 < pages ? page - 1 : pages, keep, "prev", "上一页");
    html_lit(h, "<span>第 ");
    html_int(h, page);
    html_lit(h, " / ");
    html_int(h, pages);
    html_lit(h, " 页</span>");
    if (page < pages) pager_link(h, r, page + 1, keep, "next", "下一页");
    html_lit(h, "</nav>\n");
}

void page_filing_versions(struct html *h, const struct filing_row *rows, int n, bool link, int64_t today)
{
    if (n == 0) {
        html_lit(h, "<p>尚未提交备案材料。</p>\n");
        return;
    }
    html_lit(
        h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"备案版本\"><table>\n"
           "<thead><tr><th scope=\"col\">版本</th><th scope=\"col\">状态</th><th scope=\"col\">提交时间</th>"
           "<th scope=\"col\">办理期限</th><th scope=\"col\">违规项</th><th scope=\"col\">退回理由</th>"
           "<th scope=\"col\">备案编号</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        const struct filing_row *f = &rows[i];
        html_lit(h, "<tr><td>");
        if (link) {
            html_lit(h, "<a href=\"/dash/filings/");
            html_int(h, f->id);
            html_lit(h, "\">第 ");
            html_int(h, f->version);
            html_lit(h, " 版</a>");
        } else {
            html_lit(h, "第 ");
            html_int(h, f->version);
            html_lit(h, " 版");
        }
        html_lit(h, "</td><td>");
        html_text(h, page_filing_status_zh(f->status));
        html_lit(h, "</td><td>");
        html_time(h, f->submitted_at);
        html_lit(h, "</td><td>");
        html_date(h, f->due_on);
        if (f->status && strcmp(f->status, "submitted") == 0 && f->due_on < today)
            html_lit(h, " <span class=\"badge bad\">逾期</span>");
        html_lit(h, "</td><td>");
        html_int(h, f->violations);
        html_lit(h, "</td><td class=\"wrap\">");
        html_text(h, f->reason ? f->reason : "—");
        html_lit(h, "</td><td>");
        html_text(h, f->filing_number ? f->filing_number : "—");
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

/* Exports (src/export). */
void page_export_link(struct html *h, const struct req *r, const char *api_path)
{
    struct buf b = BUF_INIT;
    buf_printf(&b, "%s?format=xlsx", api_path);
    for (int i = 0; i < r->nquery; i++) {
        const char *k = r->query[i].key, *v = r->query[i].value;
        if (strcmp(k, "page") == 0 || strcmp(k, "format") == 0 || !v || !*v) continue;
        buf_add(&b, "&", 1);
        for (int pass = 0; pass < 2; pass++) {
            for (const unsigned char *p = (const unsigned char *)(pass ? v : k); *p; p++) {
                if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                    strchr("-_.~", *p))
                    buf_add(&b, (const char *)p, 1);
                else
                    buf_printf(&b, "%%%02X", *p);
            }
            if (!pass) buf_add(&b, "=", 1);
        }
    }
    html_lit(h, "<p class=\"export-links\"><a");
    html_attr(h, "href", b.p);
    html_lit(h, " download>导出 Excel</a> · <a");
    buf_free(&b);
    struct buf q = BUF_INIT;
    buf_printf(&q, "/dash/exports?list=%s", api_path);
    html_attr(h, "href", q.p);
    buf_free(&q);
    html_lit(h, ">后台导出</a></p>\n");
}
