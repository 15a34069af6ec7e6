/* The public portal's API: filed institutions only, and nothing about persons or attachments, ever. */
#include "core/clock.h"
#include "modules/credit/credit.h"
#include "modules/fees/fees.h"
#include "modules/filing/filing.h"
#include "modules/filing/filing_store.h"
#include "modules/institution/inst.h"
#include "modules/lifecycle/lifecycle.h"
#include "json/jw.h"
#include "modules/public/disclosure.h"
#include "modules/public/public_search.h"
#include "modules/quality/quality.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* {"infant": free places, …} for the class types the institution has recorded; NULL when none. */
static json_t *vacancies_json(struct db *db, int64_t id)
{
    int64_t cap[4], enr[4];
    unsigned known = 0;
    if (inst_vacancies(db, id, cap, enr, &known) != OK || !known) return NULL;
    json_t *j = json_object();
    for (int t = 0; t < 4; t++)
        if (known & (1u << t))
            json_object_set_new(j, class_type_names[t], json_integer(cap[t] > enr[t] ? cap[t] - enr[t] : 0));
    return j;
}

static json_t *public_json(const struct institution *i)
{
    char filed[11];
    json_t *types = json_array();
    for (int k = 0; k < SVC__COUNT; k++)
        if (i->service_types & (1u << k)) json_array_append_new(types, json_string(service_type_names[k]));
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:I, s:i, s:i}", "id", (json_int_t)i->id, "name",
        i->name, "district_code", i->district_code, "district_name", i->district_name, "address", i->address,
        "filing_number", i->filing_number ? i->filing_number : "", "filed_on",
        date_format(i->filed_on, filed), "service_types", types, "inclusive", i->inclusive, "places",
        (json_int_t)i->places, "min_age_months", i->min_age_months, "max_age_months", i->max_age_months);
    json_object_set_new(j, "fee_min_yuan",
                        i->fee_min_fen >= 0 ? json_real((double)i->fee_min_fen / 100.0) : json_null());
    if (i->has_location) {
        json_object_set_new(j, "lat", json_real(i->lat));
        json_object_set_new(j, "lon", json_real(i->lon));
    }
    return j;
}

/* Parse an optional integer query parameter within [lo, hi]; a bad value is a field error. */
static int64_t q_int(struct req *r, const char *key, int64_t lo, int64_t hi, int64_t dflt)
{
    const char *s = req_query(r, key);
    if (!s || !*s) return dflt;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v < lo || v > hi) {
        fe_addf(&r->fe, key, "应为 %lld 到 %lld 之间的整数", (long long)lo, (long long)hi);
        return dflt;
    }
    return v;
}

/* One search result as public_json writes it (the same members in the same order), then distance_km with near
 * and the free places when the institution has recorded classes. */
static void public_item_write(struct jw *w, const struct pub_item *it, bool near)
{
    const struct institution *i = &it->in;
    char filed[11];
    jw_obj_begin(w);
    jw_kint(w, "id", i->id);
    jw_kstr(w, "name", i->name);
    jw_kstr(w, "district_code", i->district_code);
    jw_kstr(w, "district_name", i->district_name);
    jw_kstr(w, "address", i->address);
    jw_kstr(w, "filing_number", i->filing_number ? i->filing_number : "");
    jw_kstr(w, "filed_on", date_format(i->filed_on, filed));
    jw_key(w, "service_types");
    jw_arr_begin(w);
    for (int k = 0; k < SVC__COUNT; k++)
        if (i->service_types & (1u << k)) jw_str(w, service_type_names[k]);
    jw_arr_end(w);
    jw_kbool(w, "inclusive", i->inclusive);
    jw_kint(w, "places", i->places);
    jw_kint(w, "min_age_months", i->min_age_months);
    jw_kint(w, "max_age_months", i->max_age_months);
    if (i->fee_min_fen >= 0)
        jw_kreal(w, "fee_min_yuan", (double)i->fee_min_fen / 100.0);
    else
        jw_knull(w, "fee_min_yuan");
    if (i->has_location) {
        jw_kreal(w, "lat", i->lat);
        jw_kreal(w, "lon", i->lon);
    }
    if (near) jw_kreal(w, "distance_km", round(i->distance_km * 100) / 100);
    if (it->vac_known) {
        jw_key(w, "vacancies");
        jw_obj_begin(w);
        for (int t = 0; t < CLASS__COUNT; t++)
            if (it->vac_known & (1u << t)) jw_kint(w, class_type_names[t], it->vac_free[t]);
        jw_obj_end(w);
    }
    jw_obj_end(w);
}

enum err public_api_search(struct req *r, struct resp *out)
{
    struct pub_filter f;
    pub_filter_init(&f);
    const char *district = req_query(r, "district");
    if (district && *district) {
        const char *dname = NULL;
        enum err e = district_name(r->db, r->a, district, &dname);
        if (e == ERR_NOT_FOUND)
            fe_add(&r->fe, "district", "不是十堰市的区县代码");
        else if (e != OK)
            return e;
        else
            f.district = district;
    }
    const char *st = req_query(r, "service_type");
    if (st && *st) {
        for (int i = 0; service_type_names[i]; i++)
            if (strcmp(st, service_type_names[i]) == 0) f.service_type = i;
        if (f.service_type < 0)
            fe_add(&r->fe, "service_type", "应为 full_day、half_day、hourly 或 temporary");
    }
    const char *inc = req_query(r, "inclusive");
    if (inc && *inc) {
        if (strcmp(inc, "true") == 0 || strcmp(inc, "1") == 0)
            f.inclusive = 1;
        else if (strcmp(inc, "false") == 0 || strcmp(inc, "0") == 0)
            f.inclusive = 0;
        else
            fe_add(&r->fe, "inclusive", "应为 true 或 false");
    }
    f.age_months = (int)q_int(r, "age_months", 0, 72, -1);
    const char *fee = req_query(r, "max_fee");
    if (fee && *fee) {
        char *end;
        double y = strtod(fee, &end);
        if (*end || !(y >= 0 && y <= 1000000))
            fe_add(&r->fe, "max_fee", "应为 0 到 1000000 之间的金额（元）");
        else
            f.max_fee_fen = (int64_t)llround(y * 100.0);
    }
    const char *near = req_query(r, "near");
    if (near && *near) {
        char *end;
        double lat = strtod(near, &end);
        double lon = *end == ',' ? strtod(end + 1, &end) : NAN;
        if (*end || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180))
            fe_add(&r->fe, "near", "应为“纬度,经度”，如 32.63,110.79");
        else {
            f.near = true;
            f.lat = lat;
            f.lon = lon;
        }
    }
    const char *vac = req_query(r, "vacancy");
    if (vac && *vac) {
        if (strcmp(vac, "1") != 0 && strcmp(vac, "true") != 0) {
            fe_add(&r->fe, "vacancy", "应为 1 或 true");
        } else {
            f.vacancy_types = inst_vacancy_types(f.age_months);
        }
    }
    f.page = (int)q_int(r, "page", 1, PUB_PAGE_MAX, 1);
    const char *after = req_query(r, "after");
    if (after && *after) {
        const char *page = req_query(r, "page");
        if (page && *page)
            fe_add(&r->fe, "after", "不能与 page 同时使用：after 取上一页答复中的 next");
        else if (!pub_cursor_parse(after, f.near, &f))
            fe_add(&r->fe, "after", "不是本搜索答复中的 next 游标（按距离排序时须用带 near 的答复的游标）");
    }
    if (r->fe.n) return ERR_VALIDATION;
    struct pub_page pg;
    enum err e = pub_search(r->db, r->a, &f, &pg);
    if (e != OK) return e;

    /* Written straight into the answer's buffer: a jansson tree per row was most of this handler's time. */
    struct buf b = BUF_INIT;
    struct jw w;
    jw_init(&w, &b);
    jw_obj_begin(&w);
    jw_key(&w, "items");
    jw_arr_begin(&w);
    for (int i = 0; i < pg.n; i++)
        public_item_write(&w, &pg.items[i], f.near);
    jw_arr_end(&w);
    jw_kint(&w, "total", pg.total);
    if (f.has_after)
        jw_knull(&w, "page"); /* a cursor does not say which page it is on */
    else
        jw_kint(&w, "page", f.page);
    jw_kint(&w, "per_page", PUB_PER_PAGE);
    if (pg.more) {
        char next[PUB_CURSOR_MAX];
        pub_cursor_format(&pg.items[pg.n - 1], f.near, next);
        jw_kstr(&w, "next", next);
    } else {
        jw_knull(&w, "next");
    }
    jw_obj_end(&w);
    out->status = 200;
    out->body = buf_steal(&b, &out->len);
    out->content_type = "application/json; charset=utf-8";
    return OK;
}

/* The supervision record of an institution for the public (see disclosure.h); NULL on a read failure, so the
 * rest of the answer still goes out. */
static json_t *supervision_json(struct req *r, int64_t id, int64_t today)
{
    struct disclosure d;
    if (disclosure_get(r->db, r->a, id, today, &d) != OK) return NULL;
    char day[11];
    json_t *sev = json_object(), *rect = json_object(), *items = json_array();
    for (int i = 0; i < SEV__COUNT; i++)
        json_object_set_new(sev, severity_names[i], json_integer(d.by_severity[i]));
    for (int i = 0; i < RECTP__COUNT; i++)
        json_object_set_new(rect, rect_public_names[i], json_integer(d.by_rect[i]));
    for (int i = 0; i < d.nfindings; i++) {
        const struct disclosed_finding *f = &d.findings[i];
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "found_on", date_format(f->found_on, day), "severity",
                      severity_names[f->severity], "department", f->department, "clause", f->clause,
                      "description", f->description, "rectification", rect_public_names[f->rect]);
        if (f->deadline_on)
            json_object_set_new(o, "deadline_on", json_string(date_format(f->deadline_on, day)));
        if (f->closed_on) json_object_set_new(o, "rectified_on", json_string(date_format(f->closed_on, day)));
        json_array_append_new(items, o);
    }
    json_t *j = json_pack("{s:I, s:I, s:o, s:o, s:o}", "window_years", (json_int_t)DISCLOSURE_YEARS,
                          "inspections", (json_int_t)d.inspections, "findings_by_severity", sev,
                          "findings_by_rectification", rect, "findings", items);
    json_object_set_new(j, "incidents",
                        json_pack("{s:I, s:I, s:I, s:I}", "total", (json_int_t)d.incidents,
                                  "serious_injuries", (json_int_t)d.incidents_serious, "deaths",
                                  (json_int_t)d.incidents_deaths, "substantiated_abuse",
                                  (json_int_t)d.abuse_substantiated));
    json_object_set_new(j, "complaints",
                        json_pack("{s:I, s:I, s:I, s:I}", "received", (json_int_t)d.complaints, "answered",
                                  (json_int_t)d.complaints_answered, "answered_on_time",
                                  (json_int_t)d.complaints_on_time, "overdue",
                                  (json_int_t)d.complaints_overdue));
    json_object_set_new(j, "last_inspection_on",
                        d.last_inspection_on ? json_string(date_format(d.last_inspection_on, day))
                                             : json_null());
    return j;
}

enum err public_api_get(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = inst_get(r->db, r->a, r->id[0], &inst);
    if (e != OK) return e;
    /* A closed (deregistered) institution stays answerable so the portal can say so (modules/lifecycle). */
    bool closed = strcmp(inst.state, "closed") == 0;
    if (strcmp(inst.state, "filed") != 0 && !closed) return ERR_NOT_FOUND;
    json_t *j = public_json(&inst);
    json_object_set_new(j, "state", json_string(inst.state));
    int64_t closed_on = 0;
    if (closed && lifecycle_closed_on(r->db, inst.id, &closed_on) == OK && closed_on > 0)
        json_object_set_new(j, "closed_on", json_day(closed_on));
    json_t *vj = vacancies_json(r->db, inst.id);
    if (vj) json_object_set_new(j, "vacancies", vj);
    const char *dossier = NULL;
    json_t *fees = json_array();
    if (filing_approved_dossier(r->db, r->a, inst.id, &dossier) == OK) {
        json_t *d = json_loads(dossier, 0, NULL);
        json_t *fa = json_object_get(d, "fees"), *fee;
        size_t i;
        json_array_foreach (fa, i, fee) {
            json_array_append_new(fees, json_pack("{s:O, s:O}", "service_type",
                                                  json_object_get(fee, "service_type"), "monthly_yuan",
                                                  json_object_get(fee, "monthly_yuan")));
        }
        json_t *oh = json_object_get(d, "opening_hours");
        if (json_is_string(oh)) json_object_set(j, "opening_hours", oh);
        json_decref(d);
    }
    json_object_set_new(j, "fees", fees);
    int64_t today = clock_day_of(clock_now());
    json_t *sup = supervision_json(r, inst.id, today);
    struct quality_rating q;
    if (sup && quality_current_rating(r->db, r->a, inst.id, today, &q) == OK) {
        char level[2] = {q.level, 0}, day[11];
        json_object_set_new(sup, "rating",
                            json_pack("{s:s, s:s, s:b}", "level", level, "assessed_on",
                                      date_format(q.assessed_on, day), "due", q.due));
    } else if (sup) {
        json_object_set_new(sup, "rating", json_null());
    }
    struct fee_view fv;
    if (fee_view_get(r->db, r->a, inst.id, today, &fv) == OK && fv.n > 0)
        json_object_set_new(j, "fee_schedule", fee_view_json(&fv, false, true));
    struct credit_record *cr = NULL;
    int ncr = 0;
    if (sup && credit_in_force_list(r->db, r->a, inst.id, today, &cr, &ncr) == OK) {
        json_t *arr = json_array();
        for (int i = 0; i < ncr; i++)
            json_array_append_new(arr, credit_json(&cr[i], false));
        json_object_set_new(sup, "credit_records", arr);
    }
    if (sup) json_object_set_new(j, "supervision", sup);
    return resp_json(r, out, 200, j);
}
