/* JSON handlers of planning: the planning table per district and for the city, residents and births per
 * district and year, the trends, the projection of children under three, monthly snapshots and the targets.
 * County officials see and write only their own district (another district: 404 on reads, 403 on writes);
 * city officials, admins and auditors see the whole city. */
#include "core/clock.h"
#include "modules/institution/inst.h"
#include "modules/planning/planning.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int this_year(void)
{
    int y, m, d;
    days_to_date(clock_day_of(clock_now()), &y, &m, &d);
    return y;
}

/* A number of thousandths as a JSON real (4500 → 4.5); null when negative (unknown). */
static json_t *milli_json(int64_t v)
{
    return v < 0 ? json_null() : json_real((double)v / 1000.0);
}

static json_t *row_json(const struct plan_row *r)
{
    json_t *j =
        json_pack("{s:s?, s:s?, s:I, s:s?, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                  "district_code", r->code, "district_name", r->name, "residents", (json_int_t)r->residents,
                  "source", r->source, "needed", (json_int_t)r->needed, "places", (json_int_t)r->places,
                  "gap", (json_int_t)r->gap, "needed2", (json_int_t)r->needed2, "gap2", (json_int_t)r->gap2,
                  "inclusive_places", (json_int_t)r->inclusive_places, "enrolled", (json_int_t)r->enrolled,
                  "vacancies", (json_int_t)r->vacancies, "filed_institutions", (json_int_t)r->filed,
                  "version", (json_int_t)r->version);
    if (!j) return json_object();
    json_object_set_new(j, "residents_year",
                        r->residents_year ? json_integer(r->residents_year) : json_null());
    json_object_set_new(j, "births", r->births >= 0 ? json_integer(r->births) : json_null());
    json_object_set_new(j, "per_1000", milli_json(r->per_1000_milli));
    json_object_set_new(j, "inclusive_share", milli_json(r->inclusive_permille));
    return j;
}

/* The district of a read: ?district= validated (unknown → a field error); county officials are kept to
 * their own (another district → ERR_NOT_FOUND, none given → their own). */
static enum err read_district(struct req *r, const char **district)
{
    const char *d = req_query(r, "district");
    *district = d && *d ? d : NULL;
    if (*district) {
        const char *name;
        enum err e = district_name(r->db, r->a, *district, &name);
        if (e == ERR_NOT_FOUND) {
            fe_add(&r->fe, "district", "未知的区县");
            return ERR_VALIDATION;
        }
        if (e != OK) return e;
    }
    if (r->who->role == ROLE_COUNTY) {
        if (*district && !auth_sees_district(r->who, *district)) return ERR_NOT_FOUND;
        *district = r->who->district;
    }
    return OK;
}

static bool query_int(struct req *r, const char *key, int64_t lo, int64_t hi, int64_t def, int64_t *out)
{
    const char *s = req_query(r, key);
    *out = def;
    if (!s || !*s) return true;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v < lo || v > hi) {
        fe_addf(&r->fe, key, "应为 %lld 至 %lld 之间的整数", (long long)lo, (long long)hi);
        return false;
    }
    *out = v;
    return true;
}

/* GET /api/v1/planning?year=&district= */
enum err planning_api_get(struct req *r, struct resp *out)
{
    int64_t year;
    query_int(r, "year", PLAN_YEAR_MIN, PLAN_YEAR_MAX, this_year(), &year);
    const char *district;
    enum err e = read_district(r, &district);
    if (e != OK) return e;
    if (r->fe.n) return ERR_VALIDATION;
    struct plan_table t;
    e = planning_table(r->db, r->a, (int)year, district, &t);
    if (e != OK) return e;
    json_t *rows = json_array();
    for (int i = 0; i < t.n; i++)
        json_array_append_new(rows, row_json(&t.rows[i]));
    json_t *j =
        json_pack("{s:i, s:s?, s:o, s:I, s:i, s:o, s:I, s:i, s:o, s:o}", "year", t.year, "district", district,
                  "target", milli_json(t.s.target), "target_milli", (json_int_t)t.s.target, "target_year",
                  t.s.year, "target2", milli_json(t.s.target2), "target2_milli", (json_int_t)t.s.target2,
                  "target2_year", t.s.year2, "rows", rows, "total", row_json(&t.total));
    return resp_json(r, out, 200, j);
}

/* PUT /api/v1/planning/population/{code}/{year} {residents, births?, source?, version?} */
enum err planning_api_population_put(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    const char *code = r->seg[0];
    int64_t year = r->id[1];
    int64_t residents = 0, births = -1, version = 0;
    bool births_given = false;
    const char *source = NULL;
    struct jspec spec[] = {
        JS_INT("residents", &residents, 1, PLAN_RESIDENTS_MAX),
        {.name = "births",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &births,
         .min = 0,
         .max = PLAN_RESIDENTS_MAX,
         .present = &births_given},
        {.name = "source",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &source,
         .min = 0,
         .max = PLAN_SOURCE_MAX},
        {.name = "version",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &version,
         .min = 1,
         .max = INT64_MAX},
        JS_END,
    };
    if (year < PLAN_YEAR_MIN || year > PLAN_YEAR_MAX)
        fe_addf(&r->fe, "year", "年份应在 %d 至 %d 之间", PLAN_YEAR_MIN, PLAN_YEAR_MAX);
    jspec_parse(body, spec, "", &r->fe);
    if (!births_given) births = -1;
    if (r->fe.n) return ERR_VALIDATION;
    int64_t v = 0;
    e = planning_population_put(r->db, r->a, r->who, code, (int)year, residents, births, source, version,
                                &r->fe, &v);
    if (e != OK) return e;
    struct plan_table t;
    e = planning_table(r->db, r->a, (int)year, code, &t);
    if (e != OK) return e;
    json_t *j = row_json(&t.rows[0]);
    json_object_set_new(j, "year", json_integer(year));
    return resp_json(r, out, 200, j);
}

static json_t *month_json(const struct plan_month *m)
{
    json_t *j = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I}", "month", m->month, "live", m->live,
                          "filed_institutions", (json_int_t)m->filed, "places", (json_int_t)m->places,
                          "inclusive_places", (json_int_t)m->inclusive_places, "enrolled",
                          (json_int_t)m->enrolled, "vacancies", (json_int_t)m->vacancies);
    if (!j) return json_object();
    json_object_set_new(j, "inclusive_share", milli_json(plan_permille(m->inclusive_places, m->places)));
    return j;
}

/* GET /api/v1/planning/trends?district=&months=N */
enum err planning_api_trends(struct req *r, struct resp *out)
{
    int64_t months;
    query_int(r, "months", 1, 120, 24, &months);
    const char *district;
    enum err e = read_district(r, &district);
    if (e != OK) return e;
    if (r->fe.n) return ERR_VALIDATION;
    struct plan_month *items;
    int n;
    e = planning_trends(r->db, r->a, district, (int)months, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, month_json(&items[i]));
    return resp_json(r, out, 200, json_pack("{s:s?, s:o}", "district", district, "months", arr));
}

/* The last year of a projection: the second target year, at least four years ahead. */
static int projection_end(struct db *db)
{
    struct plan_settings s;
    planning_settings_get(db, &s);
    int end = this_year() + 4;
    return s.year2 > end && s.year2 <= end + 20 ? s.year2 : end;
}

/* GET /api/v1/planning/projection?district= */
enum err planning_api_projection(struct req *r, struct resp *out)
{
    const char *district;
    enum err e = read_district(r, &district);
    if (e != OK) return e;
    if (r->fe.n) return ERR_VALIDATION;
    struct plan_proj_year *p;
    int n;
    e = planning_projection(r->db, r->a, district, projection_end(r->db), &p, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        json_t *j = json_pack("{s:i, s:I, s:b}", "year", p[i].year, "births", (json_int_t)p[i].births,
                              "projected", p[i].projected);
        json_object_set_new(j, "under_three",
                            p[i].under_three >= 0 ? json_integer(p[i].under_three) : json_null());
        json_array_append_new(arr, j);
    }
    return resp_json(r, out, 200,
                     json_pack("{s:s?, s:s, s:o}", "district", district, "method",
                               "children under three at the end of year Y = births of Y, Y-1 and Y-2; births "
                               "after the last recorded year continue the mean yearly change of the last "
                               "three recorded intervals, never below 0",
                               "years", arr));
}

/* POST /api/v1/planning/snapshots */
enum err planning_api_snapshot(struct req *r, struct resp *out)
{
    char month[8];
    enum err e = planning_snapshot_record(r->db, r->who, month);
    if (e != OK) return e;
    return resp_json(r, out, 201, json_pack("{s:s}", "month", month));
}

/* PUT /api/v1/planning/settings {target, target_year, target2, target2_year} */
enum err planning_api_settings_put(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    double t1 = 0, t2 = 0;
    int64_t y1 = 0, y2 = 0;
    struct jspec spec[] = {
        JS_NUMBER("target", &t1, 0, 100),
        JS_INT("target_year", &y1, PLAN_YEAR_MIN, PLAN_YEAR_MAX),
        JS_NUMBER("target2", &t2, 0, 100),
        JS_INT("target2_year", &y2, PLAN_YEAR_MIN, PLAN_YEAR_MAX),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    /* A target of 0 (or below a thousandth) passes the type check but means nothing. */
    if (t1 < 0.0005 && !fe_has(&r->fe, "target")) fe_add(&r->fe, "target", "目标应在 0.001 至 100 之间");
    if (t2 < 0.0005 && !fe_has(&r->fe, "target2")) fe_add(&r->fe, "target2", "目标应在 0.001 至 100 之间");
    if (r->fe.n) return ERR_VALIDATION;
    struct plan_settings s = {
        .target = llround(t1 * 1000), .target2 = llround(t2 * 1000), .year = (int)y1, .year2 = (int)y2};
    e = planning_settings_set(r->db, r->who, &s, &r->fe);
    if (e != OK) return e;
    planning_settings_get(r->db, &s);
    return resp_json(r, out, 200,
                     json_pack("{s:o, s:i, s:o, s:i}", "target", milli_json(s.target), "target_year", s.year,
                               "target2", milli_json(s.target2), "target2_year", s.year2));
}
