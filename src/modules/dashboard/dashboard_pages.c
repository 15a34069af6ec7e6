/* The officials' dashboard: institutions, places and inclusive places per district, places per 1,000
 * residents against the national target, and filings the county has not decided in time. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/rectification/rectification.h"
#include "modules/quality/quality.h"
#include "modules/lifecycle/lifecycle.h"
#include "modules/cases/cases.h"
#include "modules/filing/filing_store.h"
#include "modules/institution/inst.h"

#include <stddef.h>
#include <string.h>

/* National target for 2025: 4.5 childcare places per 1,000 residents, in hundredths. */
#define PLACES_TARGET_X100 450

/* Chart geometry (SVG user units). */
#define CHART_LABEL_W 150
#define CHART_BAR_W   400
#define CHART_ROW_H   28
#define CHART_TOP     30

/* A dashboard row (a district, or a province or prefecture of the drill-down) with its population. */
struct dash_row {
    const struct inst_count *c;
    const struct area_group *g; /* the group, linked to its drill-down; NULL for a district */
    int64_t population;         /* of the districts whose population is known; -1 when none is */
    int64_t pop_places;         /* the places of those districts */
    bool partial;               /* some district's population is unknown */
    int64_t per1000_x100;       /* places per 1,000 residents in hundredths; -1 when population unknown */
};

/* v/100 with two decimals, from integers only. */
static void hundredths(struct html *h, int64_t v)
{
    html_int(h, v / 100);
    html_lit(h, ".");
    if (v % 100 < 10) html_lit(h, "0");
    html_int(h, v % 100);
}

static int64_t per1000_x100(int64_t places, int64_t population)
{
    return population > 0 ? places * 100000 / population : -1;
}

static void per1000_cell(struct html *h, int64_t v)
{
    if (v < 0) {
        html_lit(h, "—");
        return;
    }
    hundredths(h, v);
    if (v >= PLACES_TARGET_X100)
        html_lit(h, " <span class=\"badge ok\">达标</span>");
    else
        html_lit(h, " <span class=\"badge warn\">未达标</span>");
}

static void dash_table(struct html *h, const struct area_view *view, const struct dash_row *rows, int n)
{
    int64_t reg = 0, filed = 0, places = 0, incl = 0, pop = 0, pop_places = 0, viol = 0;
    bool unknown = false;
    html_lit(
        h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"各区县统计\"><table>\n"
           "<thead><tr><th scope=\"col\">区县</th><th scope=\"col\" class=\"num\">已登记未备案</th>"
           "<th scope=\"col\" class=\"num\">已备案</th><th scope=\"col\" class=\"num\">托位</th>"
           "<th scope=\"col\" class=\"num\">普惠（已备案）</th><th scope=\"col\" class=\"num\">常住人口</th>"
           "<th scope=\"col\" class=\"num\">每千人口托位</th>"
           "<th scope=\"col\" class=\"num\">未整改违规</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        const struct inst_count *c = rows[i].c;
        html_lit(h, "<tr><th scope=\"row\">");
        if (rows[i].g) {
            area_group_link(h, view, rows[i].g, "/dash");
            html_lit(h, "</th><td class=\"num\">");
            html_int(h, c->registered);
            html_lit(h, "</td><td class=\"num\">");
            html_int(h, c->filed);
            html_lit(h, "</td><td class=\"num\">");
            goto counted;
        }
        html_text(h, c->district_name);
        html_lit(h, "</th><td class=\"num\"><a href=\"/dash/institutions?state=registered&amp;district=");
        html_url(h, c->district_code);
        html_lit(h, "\">");
        html_int(h, c->registered);
        html_lit(h, "</a></td><td class=\"num\"><a href=\"/dash/institutions?state=filed&amp;district=");
        html_url(h, c->district_code);
        html_lit(h, "\">");
        html_int(h, c->filed);
        html_lit(h, "</a></td><td class=\"num\">");
    counted:
        html_int(h, c->places);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, c->inclusive_filed);
        html_lit(h, "</td><td class=\"num\">");
        if (rows[i].population > 0) {
            html_int(h, rows[i].population);
            if (rows[i].partial) html_lit(h, "*");
        } else {
            html_lit(h, "不详");
        }
        html_lit(h, "</td><td class=\"num\">");
        per1000_cell(h, rows[i].per1000_x100);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, c->open_violations);
        html_lit(h, "</td></tr>\n");
        viol += c->open_violations;
        reg += c->registered;
        filed += c->filed;
        places += c->places;
        incl += c->inclusive_filed;
        if (rows[i].population > 0) {
            pop += rows[i].population;
            pop_places += rows[i].pop_places;
        }
        if (rows[i].population <= 0 || rows[i].partial) unknown = true;
    }
    html_lit(h, "</tbody>\n");
    if (n > 1) {
        html_lit(h, "<tfoot><tr><th scope=\"row\">合计</th><td class=\"num\">");
        html_int(h, reg);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, filed);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, places);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, incl);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, pop);
        if (unknown) html_lit(h, "*");
        html_lit(h, "</td><td class=\"num\">");
        per1000_cell(h, per1000_x100(pop_places, pop));
        if (unknown) html_lit(h, "*");
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, viol);
        html_lit(h, "</td></tr></tfoot>\n");
    }
    html_lit(h, "</table></div>\n");
    if (unknown && (n > 1 || (n == 1 && rows[0].partial)))
        html_lit(h, "<p class=\"meta\">* 人口数与每千人口托位只计常住人口已知的区县。</p>\n");
}

/* Horizontal bars of places per 1,000 residents with the target as a dashed line. */
static void dash_chart(struct html *h, const struct dash_row *rows, int n)
{
    int64_t max = PLACES_TARGET_X100;
    int shown = 0;
    for (int i = 0; i < n; i++) {
        if (rows[i].per1000_x100 < 0) continue;
        shown++;
        if (rows[i].per1000_x100 > max) max = rows[i].per1000_x100;
    }
    if (shown == 0) return;
    max += max / 10; /* room for the value labels */
    int64_t height = CHART_TOP + shown * CHART_ROW_H + 10;
    int64_t target_x = CHART_LABEL_W + PLACES_TARGET_X100 * CHART_BAR_W / max;
    html_lit(h, "<figure>\n<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 ");
    html_int(h, height);
    html_lit(h, "\" role=\"img\" aria-label=\"各区县每千人口托位数与目标对比\"><title>"
                "各区县每千人口托位数与 4.5 个目标对比</title>\n");
    int row = 0;
    for (int i = 0; i < n; i++) {
        int64_t v = rows[i].per1000_x100;
        if (v < 0) continue;
        int64_t y = CHART_TOP + row * CHART_ROW_H;
        int64_t w = v * CHART_BAR_W / max;
        html_lit(h, "<text x=\"8\" y=\"");
        html_int(h, y + 15);
        html_lit(h, "\">");
        html_text(h, rows[i].g ? rows[i].g->name : rows[i].c->district_name);
        html_lit(h, "</text><rect class=\"bar");
        if (v < PLACES_TARGET_X100) html_lit(h, " low");
        html_lit(h, "\" x=\"");
        html_int(h, CHART_LABEL_W);
        html_lit(h, "\" y=\"");
        html_int(h, y);
        html_lit(h, "\" width=\"");
        html_int(h, w > 0 ? w : 1);
        html_lit(h, "\" height=\"20\"/><text x=\"");
        html_int(h, CHART_LABEL_W + w + 6);
        html_lit(h, "\" y=\"");
        html_int(h, y + 15);
        html_lit(h, "\">");
        hundredths(h, v);
        html_lit(h, "</text>\n");
        row++;
    }
    html_lit(h, "<line class=\"target\" x1=\"");
    html_int(h, target_x);
    html_lit(h, "\" x2=\"");
    html_int(h, target_x);
    html_lit(h, "\" y1=\"20\" y2=\"");
    html_int(h, height - 5);
    html_lit(h, "\"/><text class=\"target-label\" x=\"");
    html_int(h, target_x + 4);
    html_lit(h,
             "\" y=\"14\">目标 4.5</text>\n</svg>\n<figcaption class=\"meta\">每千人口托位数（条形），"
             "虚线为全国 2025 年目标 4.5 个；低于目标的条形为橙色。数据同上表。</figcaption>\n</figure>\n");
}

/* One line of the attention list: a count with a link, marked when not zero; a counter that could not be
 * read says so instead of showing a wrong zero. */
static void attention_item(struct html *h, enum err e, const char *label, int64_t n, const char *href,
                           const char *link_text)
{
    html_lit(h, "<li>");
    if (e != OK) {
        html_text(h, label);
        html_lit(h, "：暂时无法读取</li>\n");
        return;
    }
    if (n > 0) html_lit(h, "<span class=\"badge bad\">待办</span> ");
    html_text(h, label);
    html_lit(h, "：<strong>");
    html_int(h, n);
    html_lit(h, "</strong> 件。<a");
    html_attr(h, "href", href);
    html_lit(h, ">");
    html_text(h, link_text);
    html_lit(h, "</a></li>\n");
}

/* The supervision items that need someone's attention in scope (NULL: the city): rectification overdue
 * (escalated to the county when late, to the city when later still), complaints past their deadline,
 * incidents not yet followed up, last year's annual reviews overdue, quality ratings due. */
static void dash_supervision(struct html *h, struct req *r, const char *scope, int64_t today)
{
    int64_t county = 0, city = 0, total = 0;
    html_lit(h, "<h2>监督事项</h2>\n<ul class=\"attention\">\n");
    enum err e = rect_overdue_counts(r->db, scope, today, &county, &city);
    attention_item(h, e, "逾期未完成整改", county + city, "/dash/rectifications?overdue=1", "查看逾期整改");
    if (e == OK && city > 0) {
        html_lit(h, "<li>其中已升级至市级督办：<strong>");
        html_int(h, city);
        html_lit(h,
                 "</strong> 件。<a href=\"/dash/rectifications?overdue=1&amp;level=city\">查看</a></li>\n");
    }
    struct complaint_row *cr;
    int n = 0;
    struct complaint_filter cf = {.district = scope, .overdue_only = true, .page = 1, .per_page = 1};
    e = complaint_list(r->db, r->a, &cf, &cr, &n, &total);
    attention_item(h, e, "超过办理期限的投诉", total, "/dash/complaints?overdue=1", "查看投诉");
    struct incident_row *ir;
    struct incident_filter inf = {
        .district = scope, .status = "reported", .late = -1, .page = 1, .per_page = 1};
    e = incident_list(r->db, r->a, &inf, &ir, &n, &total);
    attention_item(h, e, "尚未跟进的安全事件", total, "/dash/incidents?status=reported", "查看安全事件");
    struct review_row *rr;
    int year = review_default_year(today);
    e = review_overdue(r->db, r->a, year, scope, &rr, &n);
    attention_item(h, e, "逾期未提交或未通过的年审", n, "/dash/lifecycle", "查看年审");
    struct quality_assessment *qa;
    struct quality_filter qf = {.district = scope, .due_only = true, .page = 1};
    e = quality_assessment_list(r->db, r->a, &qf, today, quality_valid_days(r->db), &qa, &n, &total);
    attention_item(h, e, "质量评估已到期待复评", total, "/dash/quality?due=1", "查看质量评估");
    html_lit(h, "</ul>\n");
}

/* The dashboard's rows for the view: each district of a county view, else one summed row per province or
 * prefecture (its name linking one level down). Arena. */
static struct dash_row *dash_rows(struct arena *a, const struct area_view *v, const struct inst_count *counts,
                                  int n, const struct district *ds, int nd, int *nrows)
{
    struct code_map dm;
    code_map_build(&dm, a, ds, nd, sizeof *ds, offsetof(struct district, code));
    bool grouped = v->level < 6;
    int m = grouped ? v->ngroups : 0;
    struct dash_row *rows = arena_zalloc(a, (size_t)(n > 0 ? n : 1) * sizeof *rows);
    struct inst_count *sums = grouped ? arena_zalloc(a, (size_t)(m > 0 ? m : 1) * sizeof *sums) : NULL;
    for (int g = 0; g < m; g++) {
        sums[g].district_code = v->groups[g].code;
        sums[g].district_name = v->groups[g].name;
        rows[g].c = &sums[g];
        rows[g].g = &v->groups[g];
        rows[g].population = -1;
    }
    for (int i = 0; i < n; i++) {
        int g = v->group_of[i];
        if (g < 0) continue;
        int k = code_map_find(&dm, counts[i].district_code);
        int64_t pop = k >= 0 ? ds[k].population : -1;
        struct dash_row *row = grouped ? &rows[g] : &rows[m++];
        if (!grouped) {
            row->c = &counts[i];
            row->population = -1;
        } else {
            sums[g].registered += counts[i].registered;
            sums[g].filed += counts[i].filed;
            sums[g].places += counts[i].places;
            sums[g].inclusive_filed += counts[i].inclusive_filed;
            sums[g].open_violations += counts[i].open_violations;
        }
        if (pop > 0) {
            row->population = (row->population > 0 ? row->population : 0) + pop;
            row->pop_places += counts[i].places;
        } else {
            row->partial = true;
        }
    }
    for (int i = 0; i < m; i++) {
        /* A row is partial only when some of its districts are known and some not. */
        if (rows[i].population <= 0) rows[i].partial = false;
        rows[i].per1000_x100 = per1000_x100(rows[i].pop_places, rows[i].population);
    }
    *nrows = m;
    return rows;
}

enum err page_dashboard(struct req *r, struct resp *out)
{
    const char *scope = page_scope_district(r);
    char area[AREA_MAX];
    enum err e = area_from_req(r, area);
    if (e != OK) return e;
    if (r->fe.n) return ERR_VALIDATION;
    struct inst_count *counts = NULL;
    struct district *ds = NULL;
    int n = 0, nd = 0;
    int64_t today = clock_day_of(clock_now()), overdue = 0;
    e = inst_counts(r->db, r->a, scope, &counts, &n);
    if (e == OK) e = district_list(r->db, r->a, &ds, &nd);
    if (e == OK) e = filing_overdue_count(r->db, scope, today, &overdue);
    if (e != OK) return e;
    struct area_view view;
    e = area_view_build(r->a, area, counts, n, sizeof *counts, offsetof(struct inst_count, district_code),
                        offsetof(struct inst_count, district_name), &view);
    if (e != OK) return e;
    int nrows = 0;
    struct dash_row *rows = dash_rows(r->a, &view, counts, n, ds, nd, &nrows);

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "工作台");
    html_lit(&h, "<h1>工作台");
    if (scope && n > 0) {
        html_lit(&h, "：");
        html_text(&h, counts[0].district_name);
    }
    html_lit(&h, "</h1>\n<p class=\"notice\">");
    if (overdue > 0) html_lit(&h, "<span class=\"badge bad\">逾期</span> ");
    html_lit(&h, "已超过办理期限仍未审核的备案：<strong>");
    html_int(&h, overdue);
    html_lit(&h, "</strong> 件。<a href=\"/dash/filings?status=submitted\">查看待审核备案</a> · "
                 "<a href=\"/dash/institutions?unfiled=1\">登记未备案（超过30天）</a></p>\n"
                 "\n");
    dash_supervision(&h, r, scope, today);
    html_lit(&h, "<h2>机构与托位</h2>\n");
    area_breadcrumb(&h, r->a, &view, "/dash");
    dash_table(&h, &view, rows, nrows);
    html_lit(&h, "<h2>每千人口托位数</h2>\n");
    dash_chart(&h, rows, nrows);
    bool any_pop = false;
    for (int i = 0; i < nrows; i++)
        any_pop = any_pop || rows[i].per1000_x100 >= 0;
    if (!any_pop) html_lit(&h, "<p>没有常住人口数据，无法计算每千人口托位数。</p>\n");
    page_end(&h);
    return resp_html(r, out, 200, &h);
}
