/* Planning pages: the dashboard of the city or of one county (key figures, places per 1,000 by county against
 * the target, the districts' tile map, trend lines, the planning table with the gap, the projection of
 * children under three, the targets), the form for residents and births, and the dashboards of one
 * institution (for officials and for its operator). Charts are SVG drawn on the server (html/svg.h), each
 * followed by a table with the same numbers. */
#include "core/clock.h"
#include "html/layout.h"
#include "html/svg.h"
#include "modules/institution/inst.h"
#include "modules/planning/planning.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int this_year(void)
{
    int y, m, d;
    days_to_date(clock_day_of(clock_now()), &y, &m, &d);
    return y;
}

/* A short name for a chart label. Static storage or name itself. */
static const char *short_name(const char *code, const char *name)
{
    if (code && strcmp(code, "420391") == 0) return "经开区";
    if (code && strcmp(code, "420392") == 0) return "武当山";
    return name;
}

/* v thousandths as a decimal with places decimals (rounded half up); "—" when v < 0. */
static void milli(struct html *h, int64_t v, int places)
{
    if (v < 0) {
        html_lit(h, "—");
        return;
    }
    char b[32];
    if (places == 1)
        snprintf(b, sizeof b, "%lld.%lld", (long long)((v + 50) / 1000),
                 (long long)(((v + 50) % 1000) / 100));
    else if (places == 2)
        snprintf(b, sizeof b, "%lld.%02lld", (long long)((v + 5) / 1000), (long long)(((v + 5) % 1000) / 10));
    else
        snprintf(b, sizeof b, "%lld.%03lld", (long long)(v / 1000), (long long)(v % 1000));
    html_text(h, b);
}

/* A per-mille share as a percentage with one decimal ("52.3%"); "—" when unknown. */
static void percent(struct html *h, int64_t permille)
{
    if (permille < 0) {
        html_lit(h, "—");
        return;
    }
    char b[32];
    snprintf(b, sizeof b, "%lld.%lld%%", (long long)(permille / 10), (long long)(permille % 10));
    html_text(h, b);
}

static void kpi(struct html *h, const char *label, void (*fmt)(struct html *, int64_t), int64_t v,
                const char *note)
{
    html_lit(h, "<li class=\"kpi\"><span class=\"k\">");
    html_text(h, label);
    html_lit(h, "</span> <strong>");
    fmt(h, v);
    if (note) {
        html_lit(h, " <small>");
        html_text(h, note);
        html_lit(h, "</small>");
    }
    html_lit(h, "</strong></li>\n");
}

static void fmt_int(struct html *h, int64_t v)
{
    html_int(h, v);
}
static void fmt_milli2(struct html *h, int64_t v)
{
    milli(h, v, 2);
}
static void fmt_percent(struct html *h, int64_t v)
{
    percent(h, v);
}

/* The scope of a planning page: a county official's own district, else ?district= when it is known (NULL:
 * the city). *bad is set for an unknown code. */
static const char *page_district(struct req *r, const struct district *ds, int nd, bool *bad)
{
    *bad = false;
    const char *own = page_scope_district(r);
    if (own) return own;
    const char *d = req_query(r, "district");
    if (!d || !*d) return NULL;
    if (!page_district_known(ds, nd, d)) {
        *bad = true;
        return NULL;
    }
    return d;
}

static void target_text(struct html *h, int64_t milli_v)
{
    milli(h, milli_v, milli_v % 10 ? 3 : milli_v % 100 ? 2 : 1);
}

/* ---- The dashboard ------------------------------------------------------------------------------------- */

static void planning_table_html(struct html *h, const struct plan_table *t, const struct area_view *v,
                                bool may_edit, const char *own)
{
    html_lit(h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"规划测算表\"><table "
                "class=\"plan-table\">\n<caption>托位规划测算（");
    html_int(h, t->year);
    html_lit(h, " 年；目标每千人 ");
    target_text(h, t->s.target);
    html_lit(h, " 个托位，第二目标 ");
    html_int(h, t->s.year2);
    html_lit(h, " 年每千人 ");
    target_text(h, t->s.target2);
    html_lit(h, " 个）</caption>\n<thead><tr><th scope=\"col\">区县</th><th scope=\"col\">常住人口</th>"
                "<th scope=\"col\">出生人数</th><th scope=\"col\">需托位</th><th scope=\"col\">现有托位</th>"
                "<th scope=\"col\">缺口</th><th scope=\"col\">");
    html_int(h, t->s.year2);
    html_lit(h, " 年需托位</th><th scope=\"col\">");
    html_int(h, t->s.year2);
    html_lit(h, " 年缺口</th><th scope=\"col\">每千人托位</th><th scope=\"col\">普惠托位占比</th>"
                "<th scope=\"col\">在托</th><th scope=\"col\">空位</th>");
    if (may_edit) html_lit(h, "<th scope=\"col\">操作</th>");
    html_lit(h, "</tr></thead>\n<tbody>\n");
    for (int i = 0; i <= t->n; i++) {
        const struct plan_row *row = i < t->n ? &t->rows[i] : &t->total;
        if (i == t->n && t->n == 1) break; /* one district: no total row */
        if (i < t->n)
            html_lit(h, "<tr>");
        else
            html_lit(h, "<tr class=\"total\">");
        html_lit(h, "<th scope=\"row\">");
        bool group = i < t->n && v->level < 6;
        /* A province or prefecture links one level down; in the city's view each district drills down to
         * its own dashboard. */
        if (group || (i < t->n && t->n > 1)) {
            if (group)
                html_lit(h, "<a href=\"/dash/planning?area=");
            else
                html_lit(h, "<a href=\"/dash/planning?district=");
            html_url(h, row->code);
            html_lit(h, "&amp;year=");
            html_int(h, t->year);
            html_lit(h, "\">");
            html_text(h, row->name);
            html_lit(h, "</a>");
        } else {
            html_text(h, row->name);
        }
        html_lit(h, "</th><td class=\"num\">");
        if (row->residents > 0) {
            html_int(h, row->residents);
            if (row->residents_year) {
                html_lit(h, "<br><small>");
                html_int(h, row->residents_year);
                html_lit(h, " 年</small>");
            } else if (i < t->n && !group) {
                html_lit(h, "<br><small>2020 年普查</small>");
            }
        } else {
            html_lit(h, "未知");
        }
        html_lit(h, "</td><td class=\"num\">");
        if (row->births >= 0)
            html_int(h, row->births);
        else
            html_lit(h, "—");
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, row->needed);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, row->places);
        if (row->gap)
            html_lit(h, "</td><td class=\"num gap\">");
        else
            html_lit(h, "</td><td class=\"num\">");
        html_int(h, row->gap);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, row->needed2);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, row->gap2);
        html_lit(h, "</td><td class=\"num\">");
        milli(h, row->per_1000_milli, 2);
        html_lit(h, "</td><td class=\"num\">");
        percent(h, row->inclusive_permille);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, row->enrolled);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, row->vacancies);
        html_lit(h, "</td>");
        if (may_edit) {
            html_lit(h, "<td>");
            if (i < t->n && !group && (!own || strcmp(own, row->code) == 0)) {
                html_lit(h, "<a href=\"/dash/planning/population?district=");
                html_url(h, row->code);
                html_lit(h, "&amp;year=");
                html_int(h, t->year);
                html_lit(h, "\">编辑人口</a>");
            }
            html_lit(h, "</td>");
        }
        html_lit(h, "</tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

static void trend_charts(struct html *h, struct arena *a, const struct plan_month *m, int n)
{
    if (n == 0) return;
    const char **labels = arena_zalloc(a, (size_t)n * sizeof *labels);
    int64_t *v = arena_zalloc(a, (size_t)n * 5 * sizeof *v);
    int64_t *places = v, *enrolled = v + n, *vac = v + 2 * n, *filed = v + 3 * n, *share = v + 4 * n;
    for (int i = 0; i < n; i++) {
        labels[i] = m[i].month;
        places[i] = m[i].places;
        enrolled[i] = m[i].enrolled;
        vac[i] = m[i].vacancies;
        filed[i] = m[i].filed;
        int64_t pm = plan_permille(m[i].inclusive_places, m[i].places);
        share[i] = pm < 0 ? 0 : pm;
    }
    struct svg_series s1[] = {{"托位", places}, {"在托", enrolled}, {"空位", vac}};
    struct svg_chart c1 = {.id = "trend-places",
                           .title = "托位、在托与空位（按月）",
                           .unit = "人/个",
                           .table_screen_reader_only = true};
    svg_lines(h, &c1, labels, n, s1, 3);
    html_lit(h, "<div class=\"chart-pair\">\n");
    struct svg_series s2[] = {{"备案机构", filed}};
    struct svg_chart c2 = {
        .id = "trend-filed", .title = "已备案机构数（按月）", .unit = "家", .table_screen_reader_only = true};
    svg_lines(h, &c2, labels, n, s2, 1);
    struct svg_series s3[] = {{"普惠托位占比", share}};
    struct svg_chart c3 = {.id = "trend-share",
                           .title = "普惠托位占比（按月）",
                           .unit = "%",
                           .decimals = 1,
                           .table_screen_reader_only = true};
    svg_lines(h, &c3, labels, n, s3, 1);
    html_lit(h, "</div>\n");
}

static void projection_html(struct html *h, struct arena *a, const struct plan_proj_year *p, int n)
{
    html_lit(h, "<section class=\"panel\" id=\"projection\">\n<h2>三岁以下婴幼儿预测</h2>\n");
    if (n == 0) {
        html_lit(h, "<p>尚无出生人数，无法预测。请先录入各年出生人数。</p>\n</section>\n");
        return;
    }
    html_lit(
        h,
        "<p class=\"meta\">方法：某年末三岁以下婴幼儿数 = 当年及前两年出生人数之和（不计婴幼儿死亡与迁移）；"
        "最后录入年份之后的出生人数按最近三个年度间隔的平均年变化量线性外推（不低于 0）。"
        "带 * 的出生人数为推算值。</p>\n");
    const char **labels = arena_zalloc(a, (size_t)n * sizeof *labels);
    int64_t *b = arena_zalloc(a, (size_t)n * 2 * sizeof *b);
    char(*ys)[8] = arena_zalloc(a, (size_t)n * sizeof *ys);
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (p[i].under_three < 0) continue;
        snprintf(ys[m], sizeof ys[m], "%d", p[i].year % 10000);
        labels[m] = ys[m];
        b[m] = p[i].births;
        b[n + m] = p[i].under_three;
        m++;
    }
    if (m > 0) {
        struct svg_series s[] = {{"出生人数", b}, {"三岁以下", b + n}};
        struct svg_chart c = {.id = "projection-chart",
                              .title = "出生人数与三岁以下婴幼儿（含推算）",
                              .unit = "人",
                              .table_screen_reader_only = true};
        svg_lines(h, &c, labels, m, s, 2);
    }
    html_lit(h,
             "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"预测表\"><table>\n<thead><tr>"
             "<th scope=\"col\">年份</th><th scope=\"col\">出生人数</th><th scope=\"col\">年末三岁以下"
             "</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        html_lit(h, "<tr><th scope=\"row\">");
        html_int(h, p[i].year);
        html_lit(h, "</th><td class=\"num\">");
        html_int(h, p[i].births);
        if (p[i].projected) html_lit(h, " *");
        html_lit(h, "</td><td class=\"num\">");
        if (p[i].under_three >= 0)
            html_int(h, p[i].under_three);
        else
            html_lit(h, "—");
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n</section>\n");
}

static void settings_form(struct html *h, struct req *r, const struct plan_settings *s)
{
    char b[32];
    html_lit(h, "<section class=\"panel\" id=\"targets\">\n<h2>规划目标</h2>\n<p class=\"meta\">国家目标："
                "2025 年每千人口拥有 3 岁以下婴幼儿托位数 4.5 个。2025 年以后的全国目标尚未查到，"
                "第二目标由本市设定（默认沿用 4.5）。</p>\n");
    html_lit(h, "<form method=\"post\" action=\"/dash/planning/settings\">\n");
    page_csrf(h, r);
    html_lit(h, "<div class=\"fields\">\n<p><label for=\"t1\">目标（每千人托位）</label> <input id=\"t1\" "
                "name=\"target\" inputmode=\"decimal\" required");
    snprintf(b, sizeof b, "%lld.%03lld", (long long)(s->target / 1000), (long long)(s->target % 1000));
    html_attr(h, "value", b);
    html_lit(h, "></p>\n<p><label for=\"y1\">目标年份</label> <input type=\"number\" id=\"y1\" "
                "name=\"target_year\" required");
    snprintf(b, sizeof b, "%d", s->year);
    html_attr(h, "value", b);
    html_lit(h,
             "></p>\n<p><label for=\"t2\">第二目标（每千人托位）</label> <input id=\"t2\" name=\"target2\" "
             "inputmode=\"decimal\" required");
    snprintf(b, sizeof b, "%lld.%03lld", (long long)(s->target2 / 1000), (long long)(s->target2 % 1000));
    html_attr(h, "value", b);
    html_lit(h, "></p>\n<p><label for=\"y2\">第二目标年份</label> <input type=\"number\" id=\"y2\" "
                "name=\"target2_year\" required");
    snprintf(b, sizeof b, "%d", s->year2);
    html_attr(h, "value", b);
    html_lit(h, "></p>\n</div>\n<p><button type=\"submit\">保存目标</button></p>\n</form>\n</section>\n");
}

static enum err render_dashboard(struct req *r, struct resp *out, unsigned status, enum err problem)
{
    struct district *ds = NULL;
    int nd = 0;
    enum err e = district_list(r->db, r->a, &ds, &nd);
    if (e != OK) return e;
    bool bad = false;
    const char *district = page_district(r, ds, nd, &bad);
    int64_t year;
    if (!page_parse_int(req_query(r, "year"), PLAN_YEAR_MIN, PLAN_YEAR_MAX, this_year(), &year))
        fe_add(&r->fe, "year", "年份不正确");
    if (bad) fe_add(&r->fe, "district", "未知的区县");
    char area[AREA_MAX];
    e = area_from_req(r, area);
    if (e != OK) return e;
    if (r->fe.n && problem == OK) return ERR_VALIDATION;
    struct plan_table t;
    struct area_view view = {.area = "", .level = 6};
    e = planning_table(r->db, r->a, (int)year, district, &t);
    /* Every district: one level of the drill-down province → prefecture → county. */
    if (e == OK && !district) {
        e = area_view_build(r->a, area, t.rows, t.n, sizeof *t.rows, offsetof(struct plan_row, code),
                            offsetof(struct plan_row, name), &view);
        if (e == OK) planning_table_regroup(&t, r->a, &view);
    }
    struct plan_month *months = NULL;
    int nm = 0;
    if (e == OK) e = planning_trends(r->db, r->a, district, 24, &months, &nm);
    struct plan_proj_year *proj = NULL;
    int np = 0;
    int end = this_year() + 4;
    if (t.s.year2 > end && t.s.year2 <= end + 20) end = t.s.year2;
    if (e == OK) e = planning_projection(r->db, r->a, district, end, &proj, &np);
    if (e != OK) return e;
    unsigned role = r->who->role;
    bool may_edit = (role & (ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY)) != 0;
    bool city = (role & (ROLE_ADMIN | ROLE_CITY)) != 0;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "规划与统计");
    html_lit(&h, "<div class=\"planning\">\n<h1>托育服务规划与统计 · ");
    html_text(&h, district ? t.total.name : "全市");
    html_lit(&h, "</h1>\n<p class=\"meta\">");
    html_int(&h, year);
    html_lit(&h, " 年人口口径；托位、备案机构、在托与空位为今日实时数据（");
    html_date(&h, clock_day_of(clock_now()));
    html_lit(&h, "）。</p>\n");
    if (req_query(r, "done") && problem == OK)
        html_lit(&h, "<p class=\"notice\" role=\"status\">已保存。</p>\n");
    page_problem_box(&h, r, problem, NULL);
    area_breadcrumb(&h, r->a, &view, "/dash/planning");

    /* The scope form: the city may drill down to a district; everyone may change the year. */
    html_lit(
        &h,
        "<form method=\"get\" action=\"/dash/planning\" class=\"panel filters\">\n<div class=\"fields\">");
    if (!page_scope_district(r)) {
        html_lit(&h,
                 "<p><label for=\"f-district\">区县</label> <select id=\"f-district\" name=\"district\">");
        page_district_options(&h, ds, nd, district, "全市");
        html_lit(&h, "</select></p>");
    }
    html_lit(&h,
             "<p><label for=\"f-year\">人口年份</label> <input type=\"number\" id=\"f-year\" name=\"year\"");
    char yb[8];
    snprintf(yb, sizeof yb, "%d", (int)year % 10000);
    html_attr(&h, "value", yb);
    html_lit(&h, "></p></div>\n<p><button type=\"submit\">查看</button></p>\n</form>\n");

    /* Key figures. */
    const struct plan_row *T = &t.total;
    html_lit(&h, "<section aria-labelledby=\"kf\">\n<h2 id=\"kf\">关键指标</h2>\n<ul class=\"kpis\">\n");
    kpi(&h, "常住人口", fmt_int, T->residents, T->residents ? NULL : "未知");
    char note[96];
    snprintf(note, sizeof note, "按每千人 %lld.%lld 个", (long long)(t.s.target / 1000),
             (long long)((t.s.target % 1000) / 100));
    kpi(&h, "需托位", fmt_int, T->needed, note);
    kpi(&h, "现有托位", fmt_int, T->places, NULL);
    kpi(&h, "托位缺口", fmt_int, T->gap, NULL);
    kpi(&h, "每千人托位", fmt_milli2, T->per_1000_milli, NULL);
    kpi(&h, "普惠托位占比", fmt_percent, T->inclusive_permille, NULL);
    kpi(&h, "备案机构", fmt_int, T->filed, NULL);
    kpi(&h, "在托婴幼儿", fmt_int, T->enrolled, NULL);
    kpi(&h, "空余托位", fmt_int, T->vacancies, NULL);
    html_lit(&h, "</ul>\n</section>\n");

    /* Places per 1,000 by district against the target, and the tile map. */
    html_lit(&h, "<section class=\"panel\" id=\"per1000\">\n<h2>各区县每千人托位数</h2>\n");
    struct svg_bar *bars = arena_zalloc(r->a, (size_t)(t.n ? t.n : 1) * sizeof *bars);
    struct svg_tile *tiles = arena_zalloc(r->a, (size_t)(t.n ? t.n : 1) * sizeof *tiles);
    for (int i = 0; i < t.n; i++) {
        const struct plan_row *row = &t.rows[i];
        int64_t v = row->per_1000_milli >= 0 ? (row->per_1000_milli + 5) / 10 : 0;
        bars[i] = (struct svg_bar){short_name(row->code, row->name), v, row->per_1000_milli >= 0};
        tiles[i] =
            (struct svg_tile){row->code, short_name(row->code, row->name), v, row->per_1000_milli >= 0};
    }
    char tl[64];
    snprintf(tl, sizeof tl, "%d 年目标", t.s.year);
    struct svg_chart cb = {
        .id = "bars-per1000", .title = "各区县每千人托位数与目标", .unit = "每千人托位", .decimals = 2};
    svg_bars(&h, &cb, bars, t.n, true, (t.s.target + 5) / 10, tl);
    if (t.n > 1) {
        struct svg_chart ct = {
            .id = "map-per1000", .title = "各区县每千人托位数分布图", .unit = "每千人托位", .decimals = 2};
        svg_tilemap(&h, &ct, tiles, t.n);
    }
    html_lit(&h, "</section>\n");

    html_lit(&h, "<section class=\"panel\" id=\"trends\">\n<h2>变化趋势</h2>\n");
    if (nm <= 1) html_lit(&h, "<p class=\"meta\">尚无月度快照，仅显示本月实时数据。</p>\n");
    trend_charts(&h, r->a, months, nm);
    if (city) {
        html_lit(&h, "<form method=\"post\" action=\"/dash/planning/snapshot\">\n");
        page_csrf(&h, r);
        html_lit(&h, "<p><button type=\"submit\">记录本月快照</button></p>\n</form>\n");
    }
    html_lit(&h, "</section>\n");

    html_lit(&h, "<section class=\"panel\" id=\"table\">\n<h2>规划测算</h2>\n");
    page_export_link(&h, r, "/api/v1/planning");
    planning_table_html(&h, &t, &view, may_edit, page_scope_district(r));
    html_lit(
        &h,
        "<p class=\"meta\">需托位 = 常住人口 × 目标 ÷ 1000，向上取整；缺口 = 需托位 − 现有托位（不小于 0）。"
        "没有当年人口记录时，沿用此前最近一年的记录，再无则用 2020 年普查数；人口未知的区县不计入需求。"
        "全市需托位按全市合计人口计算。</p>\n");
    if (may_edit) html_lit(&h, "<p><a href=\"/dash/planning/population\">录入常住人口与出生人数</a></p>\n");
    html_lit(&h, "</section>\n");

    projection_html(&h, r->a, proj, np);
    if (city) settings_form(&h, r, &t.s);
    html_lit(&h, "</div>\n");
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_planning(struct req *r, struct resp *out)
{
    return render_dashboard(r, out, 200, OK);
}

/* POST /dash/planning/settings (admin, city) */
enum err page_planning_settings_post(struct req *r, struct resp *out)
{
    struct plan_settings s = {0};
    int64_t y1 = 0, y2 = 0;
    if (!plan_target_parse(req_form(r, "target"), &s.target))
        fe_add(&r->fe, "target", "目标应为 0.001 至 100 之间的数，最多三位小数");
    if (!page_parse_int(req_form(r, "target_year"), PLAN_YEAR_MIN, PLAN_YEAR_MAX, -1, &y1) || y1 < 0)
        fe_add(&r->fe, "target_year", "年份不正确");
    if (!plan_target_parse(req_form(r, "target2"), &s.target2))
        fe_add(&r->fe, "target2", "第二目标应为 0.001 至 100 之间的数，最多三位小数");
    if (!page_parse_int(req_form(r, "target2_year"), PLAN_YEAR_MIN, PLAN_YEAR_MAX, -1, &y2) || y2 < 0)
        fe_add(&r->fe, "target2_year", "年份不正确");
    s.year = (int)y1;
    s.year2 = (int)y2;
    enum err e = r->fe.n ? ERR_VALIDATION : planning_settings_set(r->db, r->who, &s, &r->fe);
    if (e == OK) return resp_redirect(r, out, "/dash/planning?done=1#targets");
    if (e == ERR_VALIDATION) return render_dashboard(r, out, err_status(e), e);
    return e;
}

/* POST /dash/planning/snapshot (admin, city) */
enum err page_planning_snapshot_post(struct req *r, struct resp *out)
{
    char month[8];
    enum err e = planning_snapshot_record(r->db, r->who, month);
    if (e != OK) return e;
    return resp_redirect(r, out, "/dash/planning?done=1#trends");
}

/* ---- Residents and births ------------------------------------------------------------------------------ */

static enum err render_population(struct req *r, struct resp *out, unsigned status, enum err problem,
                                  const char *district, int64_t year)
{
    struct district *ds = NULL;
    int nd = 0;
    enum err e = district_list(r->db, r->a, &ds, &nd);
    if (e != OK) return e;
    const char *own = page_scope_district(r);
    if (own) district = own;
    if (!district || !page_district_known(ds, nd, district)) district = own ? own : ds[0].code;
    struct plan_table t;
    e = planning_table(r->db, r->a, (int)year, district, &t);
    if (e != OK) return e;
    const struct plan_row *row = &t.rows[0];
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "录入人口");
    html_lit(&h, "<h1>录入常住人口与出生人数</h1>\n<p "
                 "class=\"meta\">按区县和年份录入；某年没有记录时沿用此前最近一年的记录，"
                 "再无则用 2020 年第七次全国人口普查数。</p>\n");
    page_problem_box(&h, r, problem, NULL);
    /* Choosing another district or year reloads the form with its current figures. */
    html_lit(
        &h,
        "<form method=\"get\" action=\"/dash/planning/population\" class=\"panel\">\n<div class=\"fields\">");
    if (!own) {
        html_lit(&h,
                 "<p><label for=\"g-district\">区县</label> <select id=\"g-district\" name=\"district\">");
        page_district_options(&h, ds, nd, district, NULL);
        html_lit(&h, "</select></p>");
    }
    char b[32];
    snprintf(b, sizeof b, "%d", (int)year % 10000);
    html_lit(&h, "<p><label for=\"g-year\">年份</label> <input type=\"number\" id=\"g-year\" name=\"year\"");
    html_attr(&h, "value", b);
    html_lit(&h, "></p></div>\n<p><button type=\"submit\">载入</button></p>\n</form>\n");

    html_lit(&h, "<form method=\"post\" action=\"/dash/planning/population\" class=\"panel\">\n");
    page_csrf(&h, r);
    html_lit(&h, "<h2>");
    html_text(&h, row->name);
    html_lit(&h, " · ");
    html_int(&h, year);
    html_lit(&h, " 年</h2>\n<input type=\"hidden\" name=\"district\"");
    html_attr(&h, "value", district);
    html_lit(&h, "><input type=\"hidden\" name=\"year\"");
    html_attr(&h, "value", b);
    html_lit(&h, "><input type=\"hidden\" name=\"version\"");
    snprintf(b, sizeof b, "%lld", (long long)row->version);
    html_attr(&h, "value", b);
    const char *fr = req_form(r, "residents"), *fb = req_form(r, "births"), *fs = req_form(r, "source");
    char rb[32], bb[32];
    snprintf(rb, sizeof rb, "%lld", (long long)row->residents);
    snprintf(bb, sizeof bb, "%lld", (long long)row->births);
    html_lit(&h, ">\n<div class=\"fields\">\n<p><label for=\"p-res\">常住人口</label> <input type=\"number\" "
                 "id=\"p-res\" name=\"residents\" min=\"1\" required");
    html_attr(&h, "value", fr ? fr : row->residents > 0 ? rb : "");
    html_lit(&h, "></p>\n<p><label for=\"p-births\">出生人数（可空）</label> <input type=\"number\" "
                 "id=\"p-births\" name=\"births\" min=\"0\"");
    html_attr(&h, "value", fb ? fb : row->births >= 0 ? bb : "");
    html_lit(&h, "></p>\n<p><label for=\"p-src\">来源</label> <input id=\"p-src\" name=\"source\" "
                 "maxlength=\"200\"");
    html_attr(&h, "value", fs ? fs : row->version && row->source ? row->source : "");
    html_lit(&h, "></p>\n</div>\n<p><button type=\"submit\">保存</button></p>\n</form>\n"
                 "<p><a href=\"/dash/planning\">返回规划与统计</a></p>\n");
    page_end(&h);
    return resp_html(r, out, status, &h);
}

/* GET /dash/planning/population?district=&year= */
enum err page_planning_population(struct req *r, struct resp *out)
{
    int64_t year;
    if (!page_parse_int(req_query(r, "year"), PLAN_YEAR_MIN, PLAN_YEAR_MAX, this_year(), &year))
        year = this_year();
    return render_population(r, out, 200, OK, req_query(r, "district"), year);
}

/* POST /dash/planning/population {district, year, residents, births, source, version} */
enum err page_planning_population_post(struct req *r, struct resp *out)
{
    const char *district = req_form(r, "district");
    int64_t year = 0, residents = 0, births = -1, version = 0;
    if (!page_parse_int(req_form(r, "year"), PLAN_YEAR_MIN, PLAN_YEAR_MAX, -1, &year) || year < 0)
        fe_add(&r->fe, "year", "年份不正确");
    if (!page_parse_int(req_form(r, "residents"), 1, PLAN_RESIDENTS_MAX, -1, &residents) || residents < 0)
        fe_add(&r->fe, "residents", "常住人口应为正整数");
    if (!page_parse_int(req_form(r, "births"), 0, PLAN_RESIDENTS_MAX, -1, &births))
        fe_add(&r->fe, "births", "出生人数应为非负整数");
    if (!page_parse_int(req_form(r, "version"), 0, INT64_MAX, 0, &version)) version = 0;
    const char *source = req_form(r, "source");
    enum err e = ERR_VALIDATION;
    if (!r->fe.n)
        e = planning_population_put(r->db, r->a, r->who, district ? district : "", (int)year, residents,
                                    births, source, version, &r->fe, NULL);
    if (e == OK) {
        struct buf b = BUF_INIT;
        buf_printf(&b, "/dash/planning?year=%d&district=", (int)year);
        buf_adds(&b, district);
        buf_adds(&b, "&done=1#table");
        const char *loc = arena_strndup(r->a, b.p, b.len);
        buf_free(&b);
        return resp_redirect(r, out, loc);
    }
    if (e == ERR_NOT_FOUND) fe_add(&r->fe, "district", "未知的区县");
    if (e == ERR_VALIDATION || e == ERR_CONFLICT || e == ERR_FORBIDDEN || e == ERR_NOT_FOUND)
        return render_population(r, out, err_status(e == ERR_NOT_FOUND ? ERR_VALIDATION : e),
                                 e == ERR_NOT_FOUND ? ERR_VALIDATION : e, district,
                                 year > 0 ? year : this_year());
    return e;
}

/* ---- One institution ----------------------------------------------------------------------------------- */

static const char *class_type_zh(const char *t)
{
    if (!t) return "—";
    if (strcmp(t, "infant") == 0) return "乳儿班";
    if (strcmp(t, "toddler") == 0) return "托小班";
    if (strcmp(t, "older") == 0) return "托大班";
    if (strcmp(t, "mixed") == 0) return "混龄班";
    return t;
}

static enum err render_institution(struct req *r, struct resp *out, const struct plan_inst *p)
{
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "机构概况");
    html_lit(&h, "<div class=\"planning\">\n<h1>机构概况 · ");
    html_text(&h, p->name);
    html_lit(&h, "</h1>\n<p class=\"meta\">");
    html_text(&h, p->district_name);
    html_lit(&h, " · ");
    html_text(&h, page_inst_state_zh(p->state));
    if (p->inclusive) html_lit(&h, " · 普惠");
    html_lit(&h, " · 数据截至 ");
    html_date(&h, clock_day_of(clock_now()));
    html_lit(&h, "</p>\n<ul class=\"kpis\">\n");
    kpi(&h, "核定托位", fmt_int, p->places, NULL);
    kpi(&h, "在托婴幼儿", fmt_int, p->enrolled, NULL);
    kpi(&h, "空余托位", fmt_int, p->vacancies, NULL);
    kpi(&h, "入托率", fmt_percent, plan_permille(p->enrolled, p->places), NULL);
    html_lit(&h, "</ul>\n<section class=\"panel\" id=\"classes\">\n<h2>各班级在托</h2>\n");
    if (p->nclasses) {
        struct svg_bar *bars = arena_zalloc(r->a, (size_t)p->nclasses * sizeof *bars);
        for (int i = 0; i < p->nclasses; i++)
            bars[i] = (struct svg_bar){p->classes[i].name, p->classes[i].enrolled, true};
        struct svg_chart c = {.id = "class-bars", .title = "各班级在托人数", .unit = "人"};
        svg_bars(&h, &c, bars, p->nclasses, false, 0, NULL);
        html_lit(
            &h,
            "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"班级\"><table>\n<thead><tr>"
            "<th scope=\"col\">班级</th><th scope=\"col\">类型</th><th scope=\"col\">额定人数</th>"
            "<th scope=\"col\">在托</th><th scope=\"col\">空位</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < p->nclasses; i++) {
            html_lit(&h, "<tr><th scope=\"row\">");
            html_text(&h, p->classes[i].name);
            html_lit(&h, "</th><td>");
            html_text(&h, class_type_zh(p->classes[i].type));
            html_lit(&h, "</td><td class=\"num\">");
            html_int(&h, p->classes[i].capacity);
            html_lit(&h, "</td><td class=\"num\">");
            html_int(&h, p->classes[i].enrolled);
            html_lit(&h, "</td><td class=\"num\">");
            html_int(&h, plan_vacancies(p->classes[i].capacity, p->classes[i].enrolled));
            html_lit(&h, "</td></tr>\n");
        }
        html_lit(&h, "</tbody></table></div>\n");
    } else {
        html_lit(&h, "<p>尚未登记班级。</p>\n");
    }
    html_lit(&h, "</section>\n<section class=\"panel\" id=\"trend\">\n<h2>近 12 个月在托人数</h2>\n");
    const char *labels[12];
    int64_t places[12];
    for (int i = 0; i < 12; i++) {
        labels[i] = p->months[i];
        places[i] = p->places;
    }
    struct svg_series s[] = {{"在托", p->enrolled_at}, {"核定托位", places}};
    struct svg_chart c = {.id = "inst-trend",
                          .title = "近 12 个月月末在托人数",
                          .unit = "人",
                          .table_screen_reader_only = true};
    svg_lines(&h, &c, labels, 12, s, 2);
    html_lit(&h,
             "<p class=\"meta\">按幼儿入托与离托日期计算每月末在托人数；本月为今日。核定托位为当前数。</p>\n"
             "</section>\n</div>\n");
    page_end(&h);
    return resp_html(r, out, 200, &h);
}

/* GET /dash/institutions/{id}/dashboard (officials; county officials only their district) */
enum err page_inst_dashboard(struct req *r, struct resp *out)
{
    struct plan_inst p;
    enum err e = planning_institution(r->db, r->a, r->id[0], &p);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, p.district_code)) return ERR_NOT_FOUND;
    return render_institution(r, out, &p);
}

/* GET /operator/dashboard (the operator's own institution) */
enum err page_operator_dashboard(struct req *r, struct resp *out)
{
    struct plan_inst p;
    enum err e = planning_institution(r->db, r->a, r->who->institution_id, &p);
    if (e != OK) return e;
    return render_institution(r, out, &p);
}
