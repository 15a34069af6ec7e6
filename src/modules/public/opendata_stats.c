/* Open data: yearly statistics per district (开放数据：年度统计), from the plan's first year to this one, as
 * CSV and JSON. Counts only — no institution names beyond what the register publishes, no persons. */
#include "modules/public/opendata.h"

#include "core/buf.h"
#include "core/clock.h"
#include "core/mem.h"
#include "modules/guidance/guidance.h"
#include "modules/planning/planning.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATS_FIRST_YEAR 2021 /* the plan (十堰市实施方案) was issued in August 2021 */

const struct od_field od_stats_fields[] = {
    {"year", "integer", "年度"},
    {"district_code", "string", "区县代码（GB/T 2260；两个功能区为本地代码）"},
    {"district_name", "string", "区县名称"},
    {"residents", "integer 或 null",
     "常住人口（规划模块记录的该年数字；没有时沿用最近一年或 2020 年普查数；未知为空）"},
    {"filed_institutions", "integer", "年末已备案且未注销的托育机构数（当年为截至今日）"},
    {"places", "integer", "上述机构的备案托位数（按机构当前备案托位计）"},
    {"inclusive_places", "integer", "其中普惠性机构的托位数"},
    {"places_per_1000", "number 或 null", "每千常住人口托位数（人口未知为空）"},
    {"new_filings", "integer", "当年新备案机构数"},
    {"closures", "integer", "当年注销或停业机构数"},
    {"inspections", "integer", "当年完成的监督检查次数"},
    {"complaints", "integer", "当年受理的投诉件数"},
    {"incidents", "integer", "当年报告的安全事件数"},
    {"families_reached", "integer", "当年完成的家庭科学育儿指导活动覆盖家庭数"},
};
const int od_stats_nfields = (int)(sizeof od_stats_fields / sizeof od_stats_fields[0]);

struct stat_row {
    const char *code, *name;
    int64_t residents, filed, places, inclusive, new_filings, closures, inspections, complaints, incidents,
        families;
};

struct stat_year {
    int year;
    struct stat_row *rows;
    int n;
    struct code_map map;
};

static struct stat_row *row_of(struct stat_year *y, const char *code)
{
    int k = code_map_find(&y->map, code);
    return k >= 0 ? &y->rows[k] : NULL;
}

static void read_registry(struct db_rows *r, struct arena *a, void *item)
{
    struct stat_row *s = item;
    s->code = db_text_dup(r, 0, a);
    s->name = db_text_dup(r, 1, a);
    s->filed = db_int(r, 2);
    s->places = db_int(r, 3);
    s->inclusive = db_int(r, 4);
    s->new_filings = db_int(r, 5);
    s->closures = db_int(r, 6);
}

/* Add the per-district counts of a grouped query (district_code, count) into field at offset off. */
static enum err add_counts(struct db *db, struct stat_year *y, const char *sql, const struct db_val *v,
                           int nv, size_t off)
{
    struct db_rows *r = NULL;
    enum err e = db_query(db, sql, v, nv, &r);
    if (e != OK) return e;
    int k;
    while ((k = db_next(r)) == 1) {
        struct stat_row *s = row_of(y, db_text(r, 0));
        if (s) *(int64_t *)((char *)s + off) += db_int(r, 1);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

static enum err load_year(struct db *db, struct arena *a, int year, struct stat_year *y)
{
    y->year = year;
    int64_t first = date_to_days(year, 1, 1), last = date_to_days(year, 12, 31);
    int64_t today = clock_day_of(clock_now());
    int64_t end = last < today ? last : today;
    struct db_val dv[] = {DBV_INT(first), DBV_INT(end)};
    enum err e = db_get_all(
        db, a,
        "SELECT d.code, d.name, "
        "COALESCE(SUM(CASE WHEN i.filed_on <= $2 AND ((i.closed_on IS NULL AND i.state <> 'closed') OR "
        "i.closed_on > $2) THEN 1 ELSE 0 "
        "END), 0), "
        "COALESCE(SUM(CASE WHEN i.filed_on <= $2 AND ((i.closed_on IS NULL AND i.state <> 'closed') OR "
        "i.closed_on > $2) THEN i.places "
        "ELSE 0 "
        "END), 0), "
        "COALESCE(SUM(CASE WHEN i.filed_on <= $2 AND ((i.closed_on IS NULL AND i.state <> 'closed') OR "
        "i.closed_on > $2) AND "
        "i.inclusive = 1 "
        "THEN i.places ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN i.filed_on >= $1 AND i.filed_on <= $2 THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN i.closed_on >= $1 AND i.closed_on <= $2 THEN 1 ELSE 0 END), 0) "
        "FROM districts d LEFT JOIN institutions i ON i.district_code = d.code AND i.filed_on IS NOT NULL "
        "GROUP BY d.code, d.name, d.sort ORDER BY d.sort",
        dv, 2, read_registry, sizeof *y->rows, 0, (void **)&y->rows, &y->n);
    if (e != OK) return e;
    code_map_build(&y->map, a, y->rows, y->n, sizeof *y->rows, offsetof(struct stat_row, code));
    e = add_counts(
        db, y,
        "SELECT i.district_code, COUNT(*) FROM inspections x JOIN institutions i ON i.id = x.institution_id "
        "WHERE x.status = 'completed' AND x.inspected_on >= $1 AND x.inspected_on <= $2 "
        "GROUP BY i.district_code",
        dv, 2, offsetof(struct stat_row, inspections));
    struct db_val tv[] = {DBV_INT(clock_day_start(first)), DBV_INT(clock_day_start(last + 1) - 1)};
    if (e == OK)
        e = add_counts(
            db, y,
            "SELECT district_code, COUNT(*) FROM complaints WHERE received_at >= $1 AND received_at <= $2 "
            "GROUP BY district_code",
            tv, 2, offsetof(struct stat_row, complaints));
    if (e == OK)
        e = add_counts(
            db, y,
            "SELECT district_code, COUNT(*) FROM incidents WHERE reported_at >= $1 AND reported_at <= $2 "
            "GROUP BY district_code",
            tv, 2, offsetof(struct stat_row, incidents));
    struct plan_need *need = NULL;
    struct district_count *fam = NULL;
    int nneed = 0, nfam = 0;
    if (e == OK) e = planning_needs(db, a, year, NULL, &need, &nneed);
    if (e == OK) e = guidance_families_by_district(db, a, year, &fam, &nfam);
    for (int i = 0; e == OK && i < nneed; i++) {
        struct stat_row *s = row_of(y, need[i].code);
        if (s) s->residents = need[i].residents;
    }
    for (int i = 0; e == OK && i < nfam; i++) {
        struct stat_row *s = row_of(y, fam[i].code);
        if (s) s->families = fam[i].n;
    }
    return e;
}

/* Every year from STATS_FIRST_YEAR to this one, oldest first. */
static enum err load_all(struct db *db, struct arena *a, struct stat_year **years, int *n)
{
    int y0 = STATS_FIRST_YEAR, y1;
    int m, d;
    days_to_date(clock_day_of(clock_now()), &y1, &m, &d);
    if (y1 < y0) y1 = y0;
    *n = y1 - y0 + 1;
    *years = arena_zalloc(a, sizeof **years * (size_t)*n);
    for (int i = 0; i < *n; i++) {
        enum err e = load_year(db, a, y0 + i, &(*years)[i]);
        if (e != OK) return e;
    }
    return OK;
}

static json_t *row_json(int year, const struct stat_row *s)
{
    return json_pack("{s:i, s:s, s:s, s:o, s:I, s:I, s:I, s:o, s:I, s:I, s:I, s:I, s:I, s:I}", "year", year,
                     "district_code", s->code, "district_name", s->name, "residents",
                     s->residents > 0 ? json_integer(s->residents) : json_null(), "filed_institutions",
                     (json_int_t)s->filed, "places", (json_int_t)s->places, "inclusive_places",
                     (json_int_t)s->inclusive, "places_per_1000",
                     s->residents > 0 ? json_real((double)s->places * 1000.0 / (double)s->residents)
                                      : json_null(),
                     "new_filings", (json_int_t)s->new_filings, "closures", (json_int_t)s->closures,
                     "inspections", (json_int_t)s->inspections, "complaints", (json_int_t)s->complaints,
                     "incidents", (json_int_t)s->incidents, "families_reached", (json_int_t)s->families);
}

enum err opendata_stats_json(struct req *r, struct resp *out)
{
    struct stat_year *years = NULL;
    int n = 0;
    enum err e = load_all(r->db, r->a, &years, &n);
    if (e != OK) return e;
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        for (int k = 0; k < years[i].n; k++)
            json_array_append_new(items, row_json(years[i].year, &years[i].rows[k]));
    char d[11];
    json_t *doc = json_pack("{s:s, s:s, s:s, s:I, s:o}", "title", "十堰市托育服务年度统计（分区县）",
                            "licence", OD_LICENCE, "generated_on", date_format(clock_day_of(clock_now()), d),
                            "count", (json_int_t)json_array_size(items), "items", items);
    return resp_json(r, out, 200, doc);
}

enum err opendata_stats_csv(struct req *r, struct resp *out)
{
    struct stat_year *years = NULL;
    int n = 0;
    enum err e = load_all(r->db, r->a, &years, &n);
    if (e != OK) return e;
    struct buf b = BUF_INIT;
    buf_adds(&b, "\xEF\xBB\xBF");
    for (int i = 0; i < od_stats_nfields; i++) {
        buf_adds(&b, od_stats_fields[i].name);
        buf_adds(&b, i == od_stats_nfields - 1 ? "\r\n" : ",");
    }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < years[i].n; k++) {
            const struct stat_row *s = &years[i].rows[k];
            char per[32] = "";
            if (s->residents > 0)
                snprintf(per, sizeof per, "%.3f", (double)s->places * 1000.0 / (double)s->residents);
            char res[24] = "";
            if (s->residents > 0) snprintf(res, sizeof res, "%lld", (long long)s->residents);
            /* District names and codes never hold a comma or a quote: no quoting needed. */
            char *line = arena_printf(
                r->a, "%d,%s,%s,%s,%lld,%lld,%lld,%s,%lld,%lld,%lld,%lld,%lld,%lld\r\n", years[i].year,
                s->code, s->name, res, (long long)s->filed, (long long)s->places, (long long)s->inclusive,
                per, (long long)s->new_filings, (long long)s->closures, (long long)s->inspections,
                (long long)s->complaints, (long long)s->incidents, (long long)s->families);
            buf_adds(&b, line);
        }
    out->status = 200;
    out->body = buf_steal(&b, &out->len);
    out->content_type = "text/csv; charset=utf-8";
    resp_header(r, out, "Content-Disposition", "attachment; filename=\"shiyan-childcare-statistics.csv\"");
    return OK;
}
