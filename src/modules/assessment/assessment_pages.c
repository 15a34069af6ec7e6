/* The county assessment page for officials: the scoreboard (districts × indicators, total, rank) with every
 * number linked to the records behind it, the year selector, the freeze button for the city, the indicator
 * table with targets, weights and their sources, and a bar chart of the totals. The page is drawn from the
 * same JSON the API serves, so a frozen year looks exactly as it was frozen. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/assessment/assessment.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Chart geometry (SVG user units), as on the dashboard. */
#define CHART_LABEL_W 150
#define CHART_BAR_W   400
#define CHART_ROW_H   28
#define CHART_TOP     30

static int this_year(void)
{
    int y, m, d;
    days_to_date(clock_day_of(clock_now()), &y, &m, &d);
    return y;
}

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The page that lists the records behind cell ind of district for year: a /dash page where one filters by
 * district, else the API list of the scoreboard (NULL when none). Arena string. */
static const char *records_href(struct arena *a, int ind, const char *district, int year, json_t *cell)
{
    switch (ind) {
    case AI_PLACES:
    case AI_INCLUSIVE:
        return arena_printf(a, "/dash/institutions?state=filed&district=%s", district);
    case AI_FILED:
        return arena_printf(a, "/dash/institutions?district=%s", district);
    case AI_INSPECTION:
        return arena_printf(a, "/dash/inspections?district=%s&status=completed&from=%04d-01-01&to=%04d-12-31",
                            district, year, year);
    case AI_RECTIFICATION:
        return arena_printf(a, "/dash/rectifications?district=%s", district);
    case AI_GUIDANCE:
        return arena_printf(a, "/dash/guidance?year=%d", year);
    default:
        return jstr(cell, "records");
    }
}

/* The value of an indicator as people read it: per 1,000 with two decimals, a share as a percentage, a count
 * as an integer. */
static void value_text(struct html *h, int ind, double v)
{
    if (ind == AI_PLACES || ind == AI_GUIDANCE) {
        page_decimal(h, v, 2);
    } else if (ind == AI_DEMONSTRATION) {
        page_decimal(h, v, 0);
        html_lit(h, " 家");
    } else {
        page_decimal(h, v * 100.0, 1);
        html_lit(h, "%");
    }
}

static void cell_html(struct html *h, struct req *r, int ind, const char *district, int year, json_t *cell)
{
    html_lit(h, "<td class=\"num\">");
    if (!cell || json_is_true(json_object_get(cell, "no_data"))) {
        html_lit(h, "<span class=\"badge warn\">无数据</span>");
        if (ind == AI_PLACES) html_lit(h, "<br><span class=\"meta\">人口不详</span>");
        html_lit(h, "</td>");
        return;
    }
    page_decimal(h, json_number_value(json_object_get(cell, "score")), 2);
    html_lit(h, "<br><span class=\"meta\">");
    value_text(h, ind, json_number_value(json_object_get(cell, "value")));
    html_lit(h, "（");
    const char *href = records_href(r->a, ind, district, year, cell);
    if (href) {
        html_lit(h, "<a");
        html_attr(h, "href", href);
        html_lit(h, ">");
    }
    html_int(h, json_integer_value(json_object_get(cell, "numerator")));
    if (ind != AI_DEMONSTRATION) {
        html_lit(h, "/");
        html_int(h, json_integer_value(json_object_get(cell, "denominator")));
    }
    if (href) html_lit(h, "</a>");
    html_lit(h, "）</span></td>");
}

static void board_table(struct html *h, struct req *r, json_t *board, int year)
{
    html_lit(h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"督导考核得分\"><table>\n"
                "<caption>各指标得分（0–100），其下为指标值和原始数（分子/分母，链接到对应记录）</caption>\n"
                "<thead><tr><th scope=\"col\">区县</th>");
    for (int i = 0; i < AI__COUNT; i++) {
        html_lit(h, "<th scope=\"col\" class=\"num\">");
        html_text(h, asm_rules[i].name_zh);
        html_lit(h, "</th>");
    }
    html_lit(
        h, "<th scope=\"col\" class=\"num\">总分</th><th scope=\"col\" class=\"num\">排名</th></tr></thead>\n"
           "<tbody>\n");
    size_t k;
    json_t *row;
    json_array_foreach (json_object_get(board, "districts"), k, row) {
        const char *code = jstr(row, "district_code");
        json_t *cells = json_object_get(row, "indicators");
        html_lit(h, "<tr><th scope=\"row\">");
        html_text(h, jstr(row, "district_name"));
        html_lit(h, "</th>");
        for (int i = 0; i < AI__COUNT; i++)
            cell_html(h, r, i, code ? code : "", year, json_object_get(cells, asm_rules[i].code));
        html_lit(h, "<td class=\"num\">");
        json_t *total = json_object_get(row, "total");
        if (json_is_number(total)) {
            html_lit(h, "<strong>");
            page_decimal(h, json_number_value(total), 2);
            html_lit(h, "</strong>");
        } else {
            html_lit(h, "—");
        }
        html_lit(h, "</td><td class=\"num\">");
        json_t *rank = json_object_get(row, "rank");
        if (json_is_integer(rank))
            html_int(h, json_integer_value(rank));
        else
            html_lit(h, "—");
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n<p class=\"meta\">");
    html_text(h, jstr(board, "weighted_total_rule"));
    html_lit(h, "。“无数据”：常住人口不详、分母为 0 或数据来源尚未建立。</p>\n");
}

static void indicator_table(struct html *h, json_t *board)
{
    html_lit(h, "<h2>指标、目标与权重</h2>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
                "aria-label=\"考核指标\"><table>\n<thead><tr><th scope=\"col\">指标</th>"
                "<th scope=\"col\" class=\"num\">目标</th><th scope=\"col\" class=\"num\">权重</th>"
                "<th scope=\"col\">目标依据</th></tr></thead>\n<tbody>\n");
    size_t i;
    json_t *ind;
    json_array_foreach (json_object_get(board, "indicators"), i, ind) {
        int k = asm_indicator_from_code(jstr(ind, "code"));
        html_lit(h, "<tr><th scope=\"row\">");
        html_text(h, jstr(ind, "name"));
        html_lit(h, "</th><td class=\"num\">");
        double t = json_number_value(json_object_get(ind, "target"));
        if (k >= 0)
            value_text(h, k, t);
        else
            page_decimal(h, t, 2);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, json_integer_value(json_object_get(ind, "weight")));
        html_lit(h, "</td><td>");
        html_text(h, jstr(ind, "target_source"));
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

/* Horizontal bars of the totals (0–100); districts without a total are left out, as the table says. */
static void chart(struct html *h, json_t *board)
{
    json_t *rows = json_object_get(board, "districts");
    int shown = 0;
    size_t k;
    json_t *row;
    json_array_foreach (rows, k, row)
        shown += json_is_number(json_object_get(row, "total"));
    if (shown == 0) return;
    int64_t height = CHART_TOP + shown * CHART_ROW_H + 10;
    html_lit(h, "<figure>\n<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 ");
    html_int(h, height);
    html_lit(
        h,
        "\" role=\"img\" aria-label=\"各区县督导考核总分\"><title>各区县督导考核总分（满分 100）</title>\n");
    int n = 0;
    json_array_foreach (rows, k, row) {
        json_t *total = json_object_get(row, "total");
        if (!json_is_number(total)) continue;
        double v = json_number_value(total);
        int64_t y = CHART_TOP + n * CHART_ROW_H;
        int64_t w = (int64_t)(v * CHART_BAR_W / 110.0);
        html_lit(h, "<text x=\"8\" y=\"");
        html_int(h, y + 15);
        html_lit(h, "\">");
        html_text(h, jstr(row, "district_name"));
        html_lit(h, "</text><rect class=\"bar");
        if (v < 60) html_lit(h, " low");
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
        page_decimal(h, v, 2);
        html_lit(h, "</text>\n");
        n++;
    }
    html_lit(h, "</svg>\n<figcaption class=\"meta\">各区县总分（条形，满分 100；低于 60 分为橙色）。"
                "数据同上表。</figcaption>\n</figure>\n");
}

static void year_form(struct html *h, struct req *r, int year, const int *frozen, int nfrozen)
{
    int now = this_year();
    html_lit(h, "<form method=\"get\" action=\"/dash/assessment\" class=\"filters\">\n"
                "<label for=\"year\">考核年度</label> <select id=\"year\" name=\"year\">");
    bool listed = false;
    for (int y = now; y >= now - 5 && y >= ASM_YEAR_MIN; y--) {
        char v[16];
        snprintf(v, sizeof v, "%d", y);
        bool is_frozen = false;
        for (int i = 0; i < nfrozen; i++)
            is_frozen = is_frozen || frozen[i] == y;
        page_option(h, v, is_frozen ? arena_printf(r->a, "%d（已冻结）", y) : v, y == year);
        listed = listed || y == year;
    }
    for (int i = 0; i < nfrozen; i++) {
        if (frozen[i] >= now - 5 && frozen[i] <= now) continue;
        char v[16];
        snprintf(v, sizeof v, "%d", frozen[i]);
        page_option(h, v, arena_printf(r->a, "%d（已冻结）", frozen[i]), frozen[i] == year);
        listed = listed || frozen[i] == year;
    }
    if (!listed) {
        char v[16];
        snprintf(v, sizeof v, "%d", year);
        page_option(h, v, v, true);
    }
    html_lit(h, "</select> <button type=\"submit\">查看</button>\n</form>\n");
}

/* A scoreboard row's code and name, for grouping by area. */
struct board_ref {
    const char *code, *name;
    json_t *row;
};

/* The board's rows as refs (arena). */
static struct board_ref *board_refs(struct arena *a, json_t *board, int *n)
{
    json_t *rows = json_object_get(board, "districts");
    *n = (int)json_array_size(rows);
    struct board_ref *refs = arena_zalloc(a, sizeof *refs * (size_t)(*n > 0 ? *n : 1));
    for (int i = 0; i < *n; i++) {
        refs[i].row = json_array_get(rows, (size_t)i);
        refs[i].code = jstr(refs[i].row, "district_code");
        refs[i].name = jstr(refs[i].row, "district_name");
        if (!refs[i].code) refs[i].code = "";
        if (!refs[i].name) refs[i].name = "";
    }
    return refs;
}

/* Above the county level: per province or prefecture, its counties, how many have a total, the mean of those
 * totals and the best rank, each name linking one level down. */
static void group_table(struct html *h, const struct area_view *v, const struct board_ref *refs, int n,
                        int year)
{
    html_lit(h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"各地区考核汇总\"><table>\n"
                "<thead><tr><th scope=\"col\">地区</th><th scope=\"col\" class=\"num\">县（市、区）</th>"
                "<th scope=\"col\" class=\"num\">有总分</th><th scope=\"col\" class=\"num\">平均总分</th>"
                "<th scope=\"col\" class=\"num\">最好排名</th></tr></thead>\n<tbody>\n");
    for (int g = 0; g < v->ngroups; g++) {
        int scored = 0;
        double sum = 0;
        int64_t best = 0;
        for (int i = 0; i < n; i++) {
            if (v->group_of[i] != g) continue;
            json_t *t = json_object_get(refs[i].row, "total"), *rk = json_object_get(refs[i].row, "rank");
            if (json_is_number(t)) {
                scored++;
                sum += json_number_value(t);
            }
            if (json_is_integer(rk) && (best == 0 || json_integer_value(rk) < best))
                best = json_integer_value(rk);
        }
        html_lit(h, "<tr><th scope=\"row\"><a href=\"/dash/assessment?year=");
        html_int(h, year);
        html_lit(h, "&amp;area=");
        html_url(h, v->groups[g].code);
        html_lit(h, "\">");
        html_text(h, v->groups[g].name);
        html_lit(h, "</a></th><td class=\"num\">");
        html_int(h, v->groups[g].nrows);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, scored);
        html_lit(h, "</td><td class=\"num\">");
        if (scored) {
            char b[32];
            snprintf(b, sizeof b, "%.1f", sum / scored);
            html_text(h, b);
        } else {
            html_lit(h, "—");
        }
        html_lit(h, "</td><td class=\"num\">");
        if (best)
            html_int(h, best);
        else
            html_lit(h, "—");
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n<p class=\"meta\">排名为全部县（市、区）中的排名；"
                "点击地区名称查看下一级。</p>\n");
}

enum err page_assessment(struct req *r, struct resp *out)
{
    int64_t year = this_year();
    if (!page_parse_int(req_query(r, "year"), ASM_YEAR_MIN, ASM_YEAR_MAX, this_year(), &year)) {
        fe_addf(&r->fe, "year", "年份应为 %d 到 %d 的整数", ASM_YEAR_MIN, ASM_YEAR_MAX);
        return ERR_VALIDATION;
    }
    const char *scope = page_scope_district(r);
    char area[AREA_MAX];
    enum err e = area_from_req(r, area);
    if (e != OK) return e;
    if (r->fe.n) return ERR_VALIDATION;
    json_t *board = NULL;
    int *frozen = NULL, nfrozen = 0;
    e = asm_snapshot_years(r->db, r->a, &frozen, &nfrozen);
    if (e == OK) e = asm_scoreboard(r->db, r->a, (int)year, &board);
    if (e != OK) return e;
    int nrefs = 0;
    struct board_ref *refs = board_refs(r->a, board, &nrefs);
    struct area_view view;
    e = area_view_build(r->a, area, refs, nrefs, sizeof *refs, offsetof(struct board_ref, code),
                        offsetof(struct board_ref, name), &view);
    if (e != OK) {
        json_decref(board);
        return e;
    }
    /* The counties of the area shown (a county official: their own), each with its rank among all. */
    if (view.level >= 6) {
        json_t *kept = json_array();
        for (int i = 0; i < nrefs; i++)
            if (view.group_of[i] >= 0) json_array_append(kept, refs[i].row);
        json_object_set_new(board, "districts", kept);
    }
    bool is_frozen = json_is_true(json_object_get(board, "frozen"));

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "督导考核");
    html_lit(&h, "<h1>县（市、区）督导考核：");
    html_int(&h, year);
    html_lit(&h, " 年度</h1>\n");
    page_export_link(&h, r, "/api/v1/assessment");
    year_form(&h, r, (int)year, frozen, nfrozen);
    html_lit(&h, "<p class=\"notice\">");
    if (is_frozen) {
        html_lit(&h, "<span class=\"badge info\">已冻结</span> 本年度结果已于 ");
        html_time(&h, json_integer_value(json_object_get(board, "frozen_at")));
        const char *by = jstr(board, "frozen_by");
        if (by) {
            html_lit(&h, " 由 ");
            html_text(&h, by);
        }
        html_lit(&h, " 冻结，以下为冻结时的结果，不再随数据变化。");
    } else {
        html_lit(&h, "<span class=\"badge warn\">实时</span> "
                     "以下结果根据当前登记、备案、检查、整改、投诉等数据实时计算，"
                     "年度冻结后固定。");
    }
    html_lit(&h, "</p>\n");
    if (scope) html_lit(&h, "<p class=\"meta\">只显示本区县；排名为全市排名。</p>\n");
    area_breadcrumb(&h, r->a, &view, "/dash/assessment");
    if (view.level < 6) {
        group_table(&h, &view, refs, nrefs, (int)year);
    } else {
        board_table(&h, r, board, (int)year);
        chart(&h, board);
    }
    indicator_table(&h, board);
    if (!is_frozen && (r->who->role == ROLE_CITY || r->who->role == ROLE_ADMIN) && year <= this_year()) {
        html_lit(&h, "<h2>冻结年度结果</h2>\n<form method=\"post\" action=\"/dash/assessment/freeze\">\n");
        page_csrf(&h, r);
        char v[16];
        snprintf(v, sizeof v, "%d", (int)year);
        html_lit(&h, "<input type=\"hidden\" name=\"year\"");
        html_attr(&h, "value", v);
        html_lit(
            &h, "><p>冻结后本年度结果按当前数据保存，之后的数据变化不再影响本年度得分，且不能再次冻结。</p>\n"
                "<button type=\"submit\">冻结 ");
        html_int(&h, year);
        html_lit(&h, " 年度结果</button>\n</form>\n");
    }
    json_decref(board);
    page_end(&h);
    return resp_html(r, out, 200, &h);
}

enum err page_assessment_freeze(struct req *r, struct resp *out)
{
    int64_t year = 0;
    if (!page_parse_int(req_form(r, "year"), ASM_YEAR_MIN, this_year(), 0, &year) || year == 0) {
        fe_add(&r->fe, "year", "年份无效或尚未开始");
        return ERR_VALIDATION;
    }
    struct asm_board b;
    enum err e = asm_board_load(r->db, r->a, (int)year, &b);
    if (e != OK) return e;
    const char *text = json_text(r->a, asm_board_json(&b, r->a));
    if (!text) return ERR_NOMEM;
    e = asm_snapshot_put(r->db, r->who, (int)year, text);
    if (e == ERR_STATE) r->error_detail = "该年度考核结果已冻结";
    if (e != OK) return e;
    return resp_redirect(r, out, arena_printf(r->a, "/dash/assessment?year=%d", (int)year));
}
