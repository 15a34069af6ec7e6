/* Handlers of the documents: the receipt PDF, the public verification page, the monthly report and its
 * page. Visibility of a receipt follows the filing API: the operator of the institution, officials of its
 * territory; anyone else gets 404 so ids are not confirmed to exist. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/reports/reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool receipt_visible(const struct principal *who, const struct receipt *rc)
{
    if (who->role == ROLE_OPERATOR) return who->institution_id == rc->institution_id;
    return auth_sees_district(who, rc->district_code);
}

struct audit_ctx {
    const struct principal *who;
    int64_t id;
    const char *after;
};

static enum err audit_tx(struct db *db, void *p)
{
    struct audit_ctx *c = p;
    return audit_append(db, c->who, "receipt.download", "filing", c->id, NULL, c->after);
}

/* GET /api/v1/filings/{id}/receipt.pdf: 404 outside the caller's reach, 409 unless approved; every download
 * is audit-logged (receipt.download) before the bytes go out. */
enum err reports_api_receipt(struct req *r, struct resp *out)
{
    struct receipt rc;
    enum err e = receipt_load(r->db, r->a, r->id[0], &rc);
    if (e != OK) return e;
    if (!receipt_visible(r->who, &rc)) return ERR_NOT_FOUND;
    if (strcmp(rc.status, "approved") != 0) {
        r->error_detail = "备案尚未批准，不能出具备案回执";
        return ERR_STATE;
    }
    char *pdf;
    size_t len;
    e = receipt_pdf(&rc, &pdf, &len);
    if (e != OK) return e;
    json_t *after = json_pack("{s:s, s:s?}", "receipt_number", rc.number, "filing_number", rc.filing_number);
    char *text = json_dumps(after, JSON_COMPACT);
    struct audit_ctx c = {r->who, rc.filing_id, arena_strdup(r->a, text)};
    free(text);
    json_decref(after);
    e = db_tx(r->db, audit_tx, &c);
    if (e == OK) {
        e = resp_bytes(r, out, 200, "application/pdf", pdf, len);
        resp_header(r, out, "Content-Disposition",
                    arena_printf(r->a, "attachment; filename=\"receipt-%lld.pdf\"", (long long)rc.filing_id));
    }
    free(pdf);
    return e;
}

/* The current CST month as year and month. */
static void this_month(int *y, int *m)
{
    int d;
    days_to_date(clock_day_of(clock_now()), y, m, &d);
}

/* GET /api/v1/reports/monthly?month=YYYY-MM&format=pdf|xlsx: the city's report, or a county official's own
 * district's. 422 naming month (missing, malformed, future) and format. */
enum err reports_api_monthly(struct req *r, struct resp *out)
{
    const char *month = req_query(r, "month"), *format = req_query(r, "format");
    int y = 0, m = 0, cy, cm;
    this_month(&cy, &cm);
    if (!month || !*month)
        fe_add(&r->fe, "month", "请填写月份（YYYY-MM）");
    else if (!monthly_parse(month, &y, &m))
        fe_add(&r->fe, "month", "月份格式应为 YYYY-MM");
    else if (y * 12 + m > cy * 12 + cm)
        fe_add(&r->fe, "month", "不能查询未来的月份");
    bool xlsx = format && strcmp(format, "xlsx") == 0;
    if (format && !xlsx && strcmp(format, "pdf") != 0) fe_add(&r->fe, "format", "格式应为 pdf 或 xlsx");
    if (r->fe.n) return ERR_VALIDATION;
    struct monthly mo;
    enum err e = monthly_compute(r->db, r->a, y, m, page_scope_district(r), &mo);
    if (e != OK) return e;
    char *body;
    size_t len;
    e = xlsx ? monthly_xlsx(&mo, &body, &len) : monthly_pdf(&mo, &body, &len);
    if (e != OK) return e;
    e = resp_bytes(r, out, 200,
                   xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                        : "application/pdf",
                   body, len);
    free(body);
    const char *scope = page_scope_district(r);
    resp_header(r, out, "Content-Disposition",
                arena_printf(r->a, "attachment; filename=\"monthly-%04d-%02d%s%s.%s\"", y, m,
                             scope ? "-" : "", scope ? scope : "", xlsx ? "xlsx" : "pdf"));
    return OK;
}

/* ---- The public verification page ---- */

static void dl_item(struct html *h, const char *term, const char *value)
{
    html_lit(h, "<dt>");
    html_text(h, term);
    html_lit(h, "</dt><dd>");
    html_text(h, value && *value ? value : "—");
    html_lit(h, "</dd>\n");
}

enum err page_verify(struct req *r, struct resp *out)
{
    struct html h = {.b = BUF_INIT};
    int64_t id;
    struct receipt rc;
    bool found = receipt_code_check(r->seg[0], &id) && receipt_load(r->db, r->a, id, &rc) == OK &&
                 strcmp(rc.status, "approved") == 0;
    page_begin(&h, r, "备案信息核验");
    html_lit(&h, "<h1>备案信息核验</h1>\n");
    if (!found) {
        html_lit(&h,
                 "<section class=\"verify\" id=\"verify-result\">\n<p class=\"errors\" role=\"alert\">"
                 "<strong>未查到该回执。</strong></p>\n<p>二维码或网址中的核验码无效：回执可能被涂改、伪造，"
                 "或网址输入有误。请向机构所在县（市、区）卫生健康局核实，或在"
                 "<a href=\"/\">托育机构查询</a>中按名称查找已备案机构。</p>\n</section>\n");
        page_end(&h);
        return resp_html(r, out, 404, &h);
    }
    bool closed = strcmp(rc.inst_state, "filed") != 0;
    char date[11];
    html_lit(&h, "<section class=\"verify\" id=\"verify-result\">\n");
    if (closed)
        html_lit(&h, "<p class=\"errors\" role=\"status\"><strong>回执真实，但该机构当前已不在备案状态。"
                     "</strong></p>\n");
    else
        html_lit(&h, "<p class=\"notice\" role=\"status\"><strong>回执真实有效，机构处于备案状态。"
                     "</strong></p>\n");
    html_lit(&h, "<dl class=\"facts\">\n");
    dl_item(&h, "机构名称", rc.institution_name);
    dl_item(&h, "统一社会信用代码", rc.uscc);
    dl_item(&h, "所在县（市、区）", rc.district_name);
    dl_item(&h, "回执编号", rc.number);
    dl_item(&h, "备案编号", rc.filing_number);
    dl_item(&h, "备案日期", date_format(rc.filed_on, date));
    dl_item(&h, "当前状态", page_inst_state_zh(rc.inst_state));
    html_lit(&h, "</dl>\n<p><a href=\"/institutions/");
    html_int(&h, rc.institution_id);
    html_lit(&h, "\">查看该机构的公开信息</a></p>\n<p class=\"meta\">核验时请核对机构名称和统一社会信用代码与"
                 "纸质回执一致。本页面不显示任何个人信息。</p>\n</section>\n");
    page_end(&h);
    return resp_html(r, out, 200, &h);
}

/* ---- The officials' page of monthly reports ---- */

enum err page_reports(struct req *r, struct resp *out)
{
    int y, m;
    this_month(&y, &m);
    const char *district = page_scope_district(r);
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "月报");
    html_lit(&h, "<h1>托育服务月报</h1>\n<p>");
    html_text(&h, district ? "本县（市、区）的月报：各项数据按月统计，托位、备案机构和未完成整改为月末存量。"
                           : "全市月报：按县（市、区）统计，托位、备案机构和未完成整改为月末存量。");
    html_lit(&h,
             "</p>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"月报列表\"><table>\n"
             "<thead><tr><th scope=\"col\">月份</th><th scope=\"col\">PDF</th><th scope=\"col\">XLSX</th>"
             "</tr></thead>\n<tbody>\n");
    for (int i = 0; i < 12; i++) {
        char month[16];
        snprintf(month, sizeof month, "%04d-%02d", y % 10000, m % 100);
        html_lit(&h, "<tr><th scope=\"row\">");
        html_text(&h, arena_printf(r->a, "%d年%d月%s", y, m, i == 0 ? "（截至今日）" : ""));
        html_lit(&h, "</th><td><a href=\"/api/v1/reports/monthly?month=");
        html_url(&h, month);
        html_lit(&h, "&amp;format=pdf\">PDF</a></td><td><a href=\"/api/v1/reports/monthly?month=");
        html_url(&h, month);
        html_lit(&h, "&amp;format=xlsx\">XLSX</a></td></tr>\n");
        if (--m == 0) {
            m = 12;
            y--;
        }
    }
    html_lit(&h, "</tbody></table></div>\n");
    page_end(&h);
    return resp_html(r, out, 200, &h);
}

enum err reports_demo_load(struct db *db, struct arena *a)
{
    (void)db;
    (void)a;
    return OK;
}
