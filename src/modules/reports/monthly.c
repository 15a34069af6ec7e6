/* The monthly report of the city (or of one county): figures per district computed read-only from the
 * registry, filing, lifecycle, supervision and cases tables, rendered as PDF (tables and a bar chart) and as
 * an XLSX workbook with the same tables. */
#include "core/clock.h"
#include "export/xlsx.h"
#include "modules/reports/pdf.h"
#include "modules/reports/reports.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per district: institutions filed and not closed on the as-of day ($5) and their places; approvals,
 * closures, completed inspections, findings in the month (days $1..$2, seconds $3..$4); rectification orders
 * made before the end of the as-of day ($7) and not accepted by it; complaints and incidents in the month.
 * $6: one district or NULL for all. */
#define IN_DISTRICT " i.district_code = d.code "
#define FILED_ASOF  " i.filed_on <= $5 AND (i.closed_on IS NULL OR i.closed_on > $5) "
#define FINDINGS(sev)                                                                                        \
    "(SELECT COUNT(*) FROM inspection_findings g JOIN institutions i ON i.id = g.institution_id "            \
    "WHERE" IN_DISTRICT "AND g.severity = '" sev "' AND g.found_on >= $1 AND g.found_on < $2), "
#define RECT_OPEN                                                                                            \
    "(SELECT COUNT(*) FROM rectification_orders o JOIN institutions i ON i.id = o.institution_id "           \
    "WHERE" IN_DISTRICT "AND o.ordered_at < $7 AND (o.closed_on IS NULL OR o.closed_on > $5)"

static const char monthly_sql[] =
    "SELECT d.code, d.name, COALESCE(d.population, 0), "
    "(SELECT COUNT(*) FROM institutions i WHERE" IN_DISTRICT "AND" FILED_ASOF "), "
    "(SELECT COALESCE(SUM(i.places), 0) FROM institutions i WHERE" IN_DISTRICT "AND" FILED_ASOF "), "
    "(SELECT COALESCE(SUM(i.places), 0) FROM institutions i WHERE" IN_DISTRICT "AND" FILED_ASOF
    "AND i.inclusive = 1), "
    "(SELECT COUNT(*) FROM filings f JOIN institutions i ON i.id = f.institution_id WHERE" IN_DISTRICT
    "AND f.status = 'approved' AND f.decided_at >= $3 AND f.decided_at < $4), "
    "(SELECT COUNT(*) FROM institutions i WHERE" IN_DISTRICT "AND i.closed_on >= $1 AND i.closed_on < $2), "
    "(SELECT COUNT(*) FROM inspections s JOIN institutions i ON i.id = s.institution_id WHERE" IN_DISTRICT
    "AND s.status = 'completed' AND s.inspected_on >= $1 AND s.inspected_on < $2), " FINDINGS("low")
        FINDINGS("medium") FINDINGS("high") FINDINGS("critical") RECT_OPEN
    "), " RECT_OPEN " AND o.deadline_on < $5), "
    "(SELECT COUNT(*) FROM complaints c WHERE c.district_code = d.code AND c.received_at >= $3 AND "
    "c.received_at < $4), "
    "(SELECT COUNT(*) FROM complaints c WHERE c.district_code = d.code AND c.answered_at >= $3 AND "
    "c.answered_at < $4), "
    "(SELECT COUNT(*) FROM incidents x WHERE x.district_code = d.code AND x.reported_at >= $3 AND "
    "x.reported_at < $4) "
    "FROM districts d WHERE CAST($6 AS TEXT) IS NULL OR d.code = CAST($6 AS TEXT) ORDER BY d.sort, d.code";

static void read_row(struct db_rows *r, struct arena *a, void *item)
{
    struct monthly_row *o = item;
    int c = 0;
    o->code = db_text_dup(r, c++, a);
    o->name = db_text_dup(r, c++, a);
    int64_t *f[] = {
        &o->population,   &o->filed,       &o->places,       &o->inclusive_places,    &o->approved,
        &o->deregistered, &o->inspections, &o->findings[0],  &o->findings[1],         &o->findings[2],
        &o->findings[3],  &o->rect_open,   &o->rect_overdue, &o->complaints_received, &o->complaints_closed,
        &o->incidents};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        *f[i] = db_int(r, c++);
}

enum err monthly_compute(struct db *db, struct arena *a, int year, int month, const char *district,
                         struct monthly *out)
{
    memset(out, 0, sizeof *out);
    out->year = year;
    out->month = month;
    out->first_day = date_to_days(year, month, 1);
    int64_t next = month == 12 ? date_to_days(year + 1, 1, 1) : date_to_days(year, month + 1, 1);
    out->last_day = next - 1;
    int64_t today = clock_day_of(clock_now());
    out->as_of = out->last_day < today ? out->last_day : today;
    struct db_val v[] = {DBV_INT(out->first_day),
                         DBV_INT(next),
                         DBV_INT(clock_day_start(out->first_day)),
                         DBV_INT(clock_day_start(next)),
                         DBV_INT(out->as_of),
                         DBV_TEXT(district),
                         DBV_INT(clock_day_start(out->as_of + 1))};
    void *items = NULL;
    enum err e = db_get_all(db, a, monthly_sql, v, DB_NPARAMS(v), read_row, sizeof(struct monthly_row), 0,
                            &items, &out->n);
    if (e != OK) return e;
    out->rows = items;
    if (district && out->n == 0) return ERR_NOT_FOUND;
    out->scope_name = district ? out->rows[0].name : "十堰市";
    struct monthly_row *t = &out->total;
    t->code = "";
    t->name = "合计";
    for (int i = 0; i < out->n; i++) {
        const struct monthly_row *r = &out->rows[i];
        if (r->population > 0) t->population += r->population;
        t->filed += r->filed;
        t->places += r->places;
        t->inclusive_places += r->inclusive_places;
        t->approved += r->approved;
        t->deregistered += r->deregistered;
        t->inspections += r->inspections;
        for (int s = 0; s < 4; s++)
            t->findings[s] += r->findings[s];
        t->rect_open += r->rect_open;
        t->rect_overdue += r->rect_overdue;
        t->complaints_received += r->complaints_received;
        t->complaints_closed += r->complaints_closed;
        t->incidents += r->incidents;
    }
    return OK;
}

/* The places of districts whose population is known: the numerator of the total's per-1,000 figure. */
static int64_t places_with_population(const struct monthly *m)
{
    int64_t p = 0;
    for (int i = 0; i < m->n; i++)
        if (m->rows[i].population > 0) p += m->rows[i].places;
    return p;
}

static double total_per_1000(const struct monthly *m)
{
    return monthly_per_1000(places_with_population(m), m->total.population);
}

/* ---- PDF ---- */

static const char *num(struct arena *a, int64_t v)
{
    return arena_printf(a, "%lld", (long long)v);
}

static const char *dec2(struct arena *a, double v)
{
    return v < 0 ? "—" : arena_printf(a, "%.2f", v);
}

static const char *pct(struct arena *a, double v)
{
    return v < 0 ? "—" : arena_printf(a, "%.1f%%", v * 100);
}

/* Rows and the total of one table: cells of m's rows through fill, then the total row. */
typedef void (*cells_fn)(struct arena *a, const struct monthly *m, const struct monthly_row *r, bool total,
                         const char **cells);

static void table(struct pdf *p, struct arena *a, const struct monthly *m, int ncols, const double *widths,
                  const char *const *headers, cells_fn fill)
{
    int nrows = m->n + 1;
    const char **cells = arena_zalloc(a, sizeof(char *) * (size_t)nrows * (size_t)ncols);
    for (int i = 0; i < m->n; i++)
        fill(a, m, &m->rows[i], false, cells + (size_t)i * (size_t)ncols);
    fill(a, m, &m->total, true, cells + (size_t)m->n * (size_t)ncols);
    enum pdf_align align[16];
    for (int c = 0; c < ncols && c < 16; c++)
        align[c] = c == 0 ? PDF_LEFT : PDF_RIGHT;
    pdf_table(p, ncols, widths, align, headers, cells, nrows, 8.5);
}

static void places_cells(struct arena *a, const struct monthly *m, const struct monthly_row *r, bool total,
                         const char **c)
{
    c[0] = r->name;
    c[1] = r->population > 0 ? num(a, r->population) : "—";
    c[2] = num(a, r->filed);
    c[3] = num(a, r->places);
    c[4] = dec2(a, total ? total_per_1000(m) : monthly_per_1000(r->places, r->population));
    c[5] = num(a, r->inclusive_places);
    c[6] = pct(a, monthly_share(r->inclusive_places, r->places));
    c[7] = num(a, r->approved);
    c[8] = num(a, r->deregistered);
}

static void supervision_cells(struct arena *a, const struct monthly *m, const struct monthly_row *r,
                              bool total, const char **c)
{
    (void)m;
    (void)total;
    c[0] = r->name;
    c[1] = num(a, r->inspections);
    for (int s = 0; s < 4; s++)
        c[2 + s] = num(a, r->findings[s]);
    c[6] = num(a, r->rect_open);
    c[7] = num(a, r->rect_overdue);
}

static void cases_cells(struct arena *a, const struct monthly *m, const struct monthly_row *r, bool total,
                        const char **c)
{
    (void)m;
    (void)total;
    c[0] = r->name;
    c[1] = num(a, r->complaints_received);
    c[2] = num(a, r->complaints_closed);
    c[3] = num(a, r->incidents);
}

enum err monthly_pdf(const struct monthly *m, char **out, size_t *len)
{
    struct arena a;
    arena_init(&a, 16384);
    const char *title = arena_printf(&a, "%s托育服务月报（%d年%d月）", m->scope_name, m->year, m->month);
    struct pdf *p = pdf_begin(title);
    if (!p) {
        arena_free(&a);
        return ERR_NOMEM;
    }
    const struct pdf_style h1 = {.size = 20, .bold = true, .serif = true, .align = PDF_CENTER};
    const struct pdf_style sub = {.size = 10, .align = PDF_CENTER, .gray = 0.3};
    const struct pdf_style h2 = {.size = 13, .bold = true};
    const struct pdf_style body = {.size = 10.5};
    const struct pdf_style note = {.size = 8, .gray = 0.3};
    char d1[11], d2[11], d3[11];
    pdf_text(p, title, &h1, 4);
    pdf_text(p,
             arena_printf(&a, "统计期：%s 至 %s　　存量数据截至 %s", date_format(m->first_day, d1),
                          date_format(m->last_day, d2), date_format(m->as_of, d3)),
             &sub, 8);
    pdf_rule(p, 1, 10);

    const struct monthly_row *t = &m->total;
    int64_t findings = t->findings[0] + t->findings[1] + t->findings[2] + t->findings[3];
    pdf_text(p, "一、概况", &h2, 6);
    pdf_text(
        p,
        arena_printf(&a,
                     "%s已备案托育机构 %lld 家，托位 %lld 个，每千人口托位数 %s（目标 %.1f），"
                     "其中普惠性托位 %lld 个，占 %s。本月新备案 %lld 家，注销或停业 %lld 家；"
                     "完成监督检查 %lld 次，发现问题 %lld 项，未完成整改 %lld 项（其中逾期 %lld 项）；"
                     "收到投诉 %lld 件，办结 %lld 件；报告安全事件 %lld 起。",
                     m->scope_name, (long long)t->filed, (long long)t->places, dec2(&a, total_per_1000(m)),
                     MONTHLY_TARGET_PER_1000, (long long)t->inclusive_places,
                     pct(&a, monthly_share(t->inclusive_places, t->places)), (long long)t->approved,
                     (long long)t->deregistered, (long long)t->inspections, (long long)findings,
                     (long long)t->rect_open, (long long)t->rect_overdue, (long long)t->complaints_received,
                     (long long)t->complaints_closed, (long long)t->incidents),
        &body, 10);

    pdf_text(p, "二、各县市区托位", &h2, 6);
    static const char *const h_places[] = {"县市区",   "常住人口", "备案机构",   "托位",    "每千人口托位",
                                           "普惠托位", "普惠占比", "本月新备案", "本月注销"};
    static const double w_places[] = {92, 58, 44, 44, 54, 50, 48, 48, 43};
    table(p, &a, m, 9, w_places, h_places, places_cells);
    pdf_set_y(p, pdf_y(p) + 12);

    /* The chart: districts with a known population only (others have no per-1,000 figure). */
    const char **labels = arena_zalloc(&a, sizeof(char *) * (size_t)(m->n + 1));
    double *values = arena_zalloc(&a, sizeof(double) * (size_t)(m->n + 1));
    int nb = 0;
    for (int i = 0; i < m->n; i++)
        if (m->rows[i].population > 0) {
            labels[nb] = m->rows[i].name;
            values[nb++] = monthly_per_1000(m->rows[i].places, m->rows[i].population);
        }
    if (nb > 0) {
        pdf_need(p, 200);
        pdf_text(p, "每千人口托位数（按县市区，虚线为目标 4.5）", &h2, 4);
        pdf_bar_chart(p, nb, labels, values, MONTHLY_TARGET_PER_1000, "目标 4.5", 160);
    }

    pdf_text(p, "三、监督检查与整改", &h2, 6);
    static const char *const h_sup[] = {"县市区",       "完成检查",     "问题（轻微）", "问题（一般）",
                                        "问题（较重）", "问题（严重）", "未完成整改",   "其中逾期"};
    static const double w_sup[] = {92, 55, 55, 55, 55, 55, 57, 57};
    table(p, &a, m, 8, w_sup, h_sup, supervision_cells);
    pdf_set_y(p, pdf_y(p) + 12);

    pdf_text(p, "四、投诉与安全事件", &h2, 6);
    static const char *const h_cases[] = {"县市区", "收到投诉", "办结投诉", "报告安全事件"};
    static const double w_cases[] = {140, 110, 110, 121};
    table(p, &a, m, 4, w_cases, h_cases, cases_cells);
    pdf_set_y(p, pdf_y(p) + 12);

    pdf_text(p,
             "口径说明：备案机构、托位、未完成整改为统计期末（当月为截至今日）存量；其余为当月发生数。"
             "每千人口托位数 = 托位数 ÷ 常住人口 × 1000，常住人口取自区划表（第七次全国人口普查），"
             "无人口数据的县市区不计入合计的每千人口托位数。本报告不含任何个人信息。",
             &note, 0);
    arena_free(&a);
    return pdf_finish(p, out, len);
}

/* ---- XLSX ---- */

static json_t *real_or_null(double v)
{
    return v < 0 ? json_null() : json_real(v);
}

static json_t *row_json(const struct monthly *m, const struct monthly_row *r, bool total)
{
    double per = total ? total_per_1000(m) : monthly_per_1000(r->places, r->population);
    json_t *j = json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:I, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
                          "s:I, s:I, s:I, s:I}",
                          "code", r->code, "name", r->name, "population", (json_int_t)r->population, "filed",
                          (json_int_t)r->filed, "places", (json_int_t)r->places, "per_1000",
                          real_or_null(per), "inclusive_places", (json_int_t)r->inclusive_places,
                          "inclusive_share", real_or_null(monthly_share(r->inclusive_places, r->places)),
                          "approved", (json_int_t)r->approved, "deregistered", (json_int_t)r->deregistered,
                          "inspections", (json_int_t)r->inspections, "f_low", (json_int_t)r->findings[0],
                          "f_medium", (json_int_t)r->findings[1], "f_high", (json_int_t)r->findings[2],
                          "f_critical", (json_int_t)r->findings[3], "rect_open", (json_int_t)r->rect_open,
                          "rect_overdue", (json_int_t)r->rect_overdue, "complaints_received",
                          (json_int_t)r->complaints_received, "complaints_closed",
                          (json_int_t)r->complaints_closed, "incidents", (json_int_t)r->incidents);
    if (r->population <= 0) json_object_set_new(j, "population", json_null());
    return j;
}

enum err monthly_xlsx(const struct monthly *m, char **out, size_t *len)
{
    static const struct xlsx_col c_summary[] = {
        {"month", "月份", XK_TEXT},
        {"name", "范围", XK_TEXT},
        {"filed", "备案机构（家）", XK_INT},
        {"places", "托位（个）", XK_INT},
        {"per_1000", "每千人口托位数", XK_NUMBER},
        {"inclusive_places", "普惠托位（个）", XK_INT},
        {"inclusive_share", "普惠托位占比", XK_PERCENT},
        {"approved", "本月新备案（家）", XK_INT},
        {"deregistered", "本月注销或停业（家）", XK_INT},
        {"inspections", "完成检查（次）", XK_INT},
        {"findings", "发现问题（项）", XK_INT},
        {"rect_open", "未完成整改（项）", XK_INT},
        {"rect_overdue", "其中逾期（项）", XK_INT},
        {"complaints_received", "收到投诉（件）", XK_INT},
        {"complaints_closed", "办结投诉（件）", XK_INT},
        {"incidents", "报告安全事件（起）", XK_INT},
        {"as_of", "存量截至", XK_DAY},
    };
    static const struct xlsx_col c_districts[] = {
        {"code", "区划代码", XK_TEXT},
        {"name", "县市区", XK_TEXT},
        {"population", "常住人口", XK_INT},
        {"filed", "备案机构（家）", XK_INT},
        {"places", "托位（个）", XK_INT},
        {"per_1000", "每千人口托位数", XK_NUMBER},
        {"inclusive_places", "普惠托位（个）", XK_INT},
        {"inclusive_share", "普惠托位占比", XK_PERCENT},
        {"approved", "本月新备案（家）", XK_INT},
        {"deregistered", "本月注销或停业（家）", XK_INT},
    };
    static const struct xlsx_col c_supervision[] = {
        {"code", "区划代码", XK_TEXT},
        {"name", "县市区", XK_TEXT},
        {"inspections", "完成检查（次）", XK_INT},
        {"f_low", "问题：轻微", XK_INT},
        {"f_medium", "问题：一般", XK_INT},
        {"f_high", "问题：较重", XK_INT},
        {"f_critical", "问题：严重", XK_INT},
        {"rect_open", "未完成整改（项）", XK_INT},
        {"rect_overdue", "其中逾期（项）", XK_INT},
    };
    static const struct xlsx_col c_cases[] = {
        {"code", "区划代码", XK_TEXT},
        {"name", "县市区", XK_TEXT},
        {"complaints_received", "收到投诉（件）", XK_INT},
        {"complaints_closed", "办结投诉（件）", XK_INT},
        {"incidents", "报告安全事件（起）", XK_INT},
    };
    json_t *rows = json_array();
    for (int i = 0; i < m->n; i++)
        json_array_append_new(rows, row_json(m, &m->rows[i], false));
    json_array_append_new(rows, row_json(m, &m->total, true));

    const struct monthly_row *t = &m->total;
    char month[16], asof[11];
    snprintf(month, sizeof month, "%04d-%02d", m->year % 10000, m->month % 100);
    json_t *summary = row_json(m, t, true);
    json_object_set_new(summary, "month", json_string(month));
    json_object_set_new(summary, "name", json_string(m->scope_name));
    json_object_set_new(summary, "findings",
                        json_integer(t->findings[0] + t->findings[1] + t->findings[2] + t->findings[3]));
    json_object_set_new(summary, "as_of", json_string(date_format(m->as_of, asof)));
    json_t *summary_rows = json_array();
    json_array_append_new(summary_rows, summary);

    char title[160];
    snprintf(title, sizeof title, "%s托育服务月报（%d年%d月）", m->scope_name, m->year, m->month);
    const struct xlsx_sheet sheets[] = {
        {"概况", title, c_summary, (int)(sizeof c_summary / sizeof c_summary[0]), summary_rows},
        {"各县市区", title, c_districts, (int)(sizeof c_districts / sizeof c_districts[0]), rows},
        {"监督检查", title, c_supervision, (int)(sizeof c_supervision / sizeof c_supervision[0]), rows},
        {"投诉与事件", title, c_cases, (int)(sizeof c_cases / sizeof c_cases[0]), rows},
    };
    enum err e = xlsx_build(sheets, 4, out, len);
    json_decref(rows);
    json_decref(summary_rows);
    return e;
}
