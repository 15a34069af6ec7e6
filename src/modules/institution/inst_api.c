/* JSON handlers of the registry for officials: institutions, the unfiled list, districts, the dashboard. */
#include "core/clock.h"
#include "modules/filing/filing.h"
#include "modules/filing/filing_store.h"
#include "modules/institution/inst.h"
#include "modules/reference/settings.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static json_t *service_types_json(unsigned mask)
{
    json_t *a = json_array();
    for (int i = 0; i < SVC__COUNT; i++)
        if (mask & (1u << i)) json_array_append_new(a, json_string(service_type_names[i]));
    return a;
}

json_t *inst_to_json(const struct institution *i)
{
    char reg[11], filed[11];
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s?, s:s?, s:o, s:b, s:I, s:I, s:I}",
        "id", (json_int_t)i->id, "uscc", i->uscc, "name", i->name, "legal_form", i->legal_form,
        "district_code", i->district_code, "district_name", i->district_name, "address", i->address,
        "business_scope", i->business_scope, "registered_on", date_format(i->registered_on, reg), "authority",
        i->authority, "state", i->state, "version", (json_int_t)i->version, "filing_number", i->filing_number,
        "filed_on", i->filed_on ? date_format(i->filed_on, filed) : NULL, "service_types",
        service_types_json(i->service_types), "inclusive", i->inclusive, "places", (json_int_t)i->places,
        "current_filing_id", (json_int_t)i->current_filing_id, "updated_at", (json_int_t)i->updated_at);
    if (i->current_filing_status)
        json_object_set_new(j, "filing_status", json_string(i->current_filing_status));
    if (i->has_location)
        json_object_set_new(j, "location", json_pack("{s:f, s:f}", "lat", i->lat, "lon", i->lon));
    json_object_set_new(j, "provider_kind", json_string(i->home_based ? "home_based" : "institution"));
    return j;
}

static enum err list(struct req *r, struct resp *out, struct inst_filter *f)
{
    const char *page = req_query(r, "page");
    if (page) {
        char *end;
        long p = strtol(page, &end, 10);
        if (*end || p < 1 || p > 100000) fe_add(&r->fe, "page", "页码应为 1 到 100000 的整数");
        f->page = (int)p;
    }
    const char *state = req_query(r, "state");
    if (state && strcmp(state, "registered") != 0 && strcmp(state, "filed") != 0 &&
        strcmp(state, "closed") != 0)
        fe_add(&r->fe, "state", "状态应为 registered、filed 或 closed");
    f->state = state;
    f->district = req_query(r, "district");
    f->q = req_query(r, "q");
    if (r->who->role == ROLE_COUNTY) {
        if (f->district && strcmp(f->district, r->who->district) != 0) return ERR_NOT_FOUND;
        f->district = r->who->district;
    }
    if (r->fe.n) return ERR_VALIDATION;
    struct institution *items;
    int n;
    int64_t total;
    enum err e = inst_list(r->db, r->a, f, &items, &n, &total);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, inst_to_json(&items[i]));
    return resp_json(r, out, 200, json_pack("{s:o, s:I}", "items", arr, "total", (json_int_t)total));
}

enum err inst_api_list(struct req *r, struct resp *out)
{
    struct inst_filter f;
    inst_filter_init(&f);
    return list(r, out, &f);
}

enum err inst_api_unfiled(struct req *r, struct resp *out)
{
    struct inst_filter f;
    inst_filter_init(&f);
    f.unfiled_before = clock_day_of(clock_now()) -
                       settings_get_int(r->db, SETTING_UNFILED_GRACE_DAYS, DEFAULT_UNFILED_GRACE_DAYS);
    return list(r, out, &f);
}

enum err inst_api_get(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = inst_get(r->db, r->a, r->id[0], &inst);
    if (e != OK) return e;
    bool ok = r->who->role == ROLE_OPERATOR ? r->who->institution_id == inst.id
                                            : auth_sees_district(r->who, inst.district_code);
    if (!ok) return ERR_NOT_FOUND;
    struct inst_event *ev;
    int n;
    e = inst_history(r->db, r->a, inst.id, &ev, &n);
    if (e != OK) return e;
    json_t *j = inst_to_json(&inst);
    json_t *hist = json_array();
    for (int i = 0; i < n; i++) {
        json_t *changes = ev[i].changes ? json_loads(ev[i].changes, 0, NULL) : NULL;
        json_array_append_new(hist, json_pack("{s:I, s:s, s:s, s:o?}", "at", (json_int_t)ev[i].at, "actor",
                                              ev[i].actor, "action", ev[i].action, "changes", changes));
    }
    json_object_set_new(j, "history", hist);
    return resp_json(r, out, 200, j);
}

struct patch_location {
    double lat, lon;
    bool given;
};

static void each_location(json_t *v, const char *path, int index, struct field_errors *fe, void *p)
{
    (void)index;
    struct patch_location *l = p;
    struct jspec spec[] = {JS_NUMBER("lat", &l->lat, -90, 90), JS_NUMBER("lon", &l->lon, -180, 180), JS_END};
    l->given = jspec_parse(v, spec, path, fe);
}

/* PATCH /api/v1/institutions/{id}: officials correct what the registry holds beyond the registration (today:
 * the map location). "version" is required: the edit applies only to the version the official saw. */
enum err inst_api_patch(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = inst_get(r->db, r->a, r->id[0], &inst);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, inst.district_code)) return ERR_NOT_FOUND;
    json_t *body;
    e = req_json(r, &body);
    if (e != OK) return e;
    int64_t version = 0;
    struct patch_location loc = {0, 0, false};
    int kind = -1;
    bool loc_given = false;
    static const char *const kinds[] = {"institution", "home_based", NULL};
    struct jspec spec[] = {
        JS_INT("version", &version, 1, INT64_MAX),
        {.name = "location",
         .type = JT_OBJECT,
         .flags = JS_OPTIONAL,
         .each = each_location,
         .ctx = &loc,
         .present = &loc_given},
        {.name = "provider_kind", .type = JT_ENUM, .flags = JS_OPTIONAL, .dst = &kind, .values = kinds},
        JS_END,
    };
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    if (!loc_given && kind < 0) {
        fe_add(&r->fe, "location", "请至少修改一项：location 或 provider_kind");
        return ERR_VALIDATION;
    }
    struct inst_edit ed = {loc_given, loc.lat, loc.lon, kind >= 0 ? kinds[kind] : NULL};
    e = inst_edit(r->db, r->who, inst.id, version, &ed);
    if (e == ERR_CONFLICT) r->error_detail = "该机构已被他人修改（版本已变化），请刷新后重试";
    if (e != OK) return e;
    e = inst_get(r->db, r->a, inst.id, &inst);
    if (e != OK) return e;
    return resp_json(r, out, 200, inst_to_json(&inst));
}

static json_t *district_json(const struct district *d)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:I}", "code", d->code, "name", d->name, "kind", d->kind,
                          "version", (json_int_t)d->version);
    json_object_set_new(j, "population", d->population >= 0 ? json_integer(d->population) : json_null());
    return j;
}

enum err district_api_list(struct req *r, struct resp *out)
{
    struct district *d;
    int n;
    enum err e = district_list(r->db, r->a, &d, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, district_json(&d[i]));
    return resp_json(r, out, 200, json_pack("{s:o}", "items", arr));
}

struct patch_ctx {
    const struct principal *who;
    const char *code;
    int64_t population, version, old;
    bool have_version;
};

static enum err patch_tx(struct db *db, void *p)
{
    struct patch_ctx *c = p;
    struct db_val v[] = {DBV_TEXT(c->code)};
    struct db_rows *r = NULL;
    enum err e = db_query(db, "SELECT population, version FROM districts WHERE code = $1", v, 1, &r);
    if (e != OK) return e;
    int k = db_next(r);
    int64_t version = 0;
    if (k == 1) {
        c->old = db_isnull(r, 0) ? -1 : db_int(r, 0);
        version = db_int(r, 1);
    }
    e = k == 1 ? OK : k == 0 ? ERR_NOT_FOUND : db_rows_err(r);
    db_done(r);
    if (e != OK) return e;
    if (c->have_version && c->version != version) return ERR_CONFLICT;
    struct db_val u[] = {DBV_TEXT(c->code), DBV_INT(c->population), DBV_INT(version)};
    e = db_exec(
        db,
        "UPDATE districts SET population = $2, population_source = '管理员修改', version = version + 1 "
        "WHERE code = $1 AND version = $3",
        u, 3);
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    char before[64], after[64];
    snprintf(before, sizeof before, "{\"population\":%lld}", (long long)c->old);
    snprintf(after, sizeof after, "{\"population\":%lld}", (long long)c->population);
    return audit_append(db, c->who, "district.update", "district", atoll(c->code), before, after);
}

enum err district_api_patch(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct patch_ctx c = {r->who, r->seg[0], -1, 0, -1, false};
    struct jspec spec[] = {
        JS_INT("population", &c.population, 0, 100000000),
        {.name = "version",
         .type = JT_INT,
         .flags = JS_OPTIONAL,
         .dst = &c.version,
         .min = 1,
         .max = INT64_MAX,
         .present = &c.have_version},
        JS_END,
    };
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    e = db_tx(r->db, patch_tx, &c);
    if (e != OK) return e;
    struct district *d;
    int n;
    e = district_list(r->db, r->a, &d, &n);
    for (int i = 0; e == OK && i < n; i++)
        if (strcmp(d[i].code, c.code) == 0) return resp_json(r, out, 200, district_json(&d[i]));
    return e == OK ? ERR_NOT_FOUND : e;
}

enum err dashboard_api(struct req *r, struct resp *out)
{
    const char *district = r->who->role == ROLE_COUNTY ? r->who->district : NULL;
    char area[AREA_MAX];
    enum err e = area_from_req(r, area);
    if (e != OK) return e;
    if (r->fe.n) return ERR_VALIDATION;
    struct inst_count *rows;
    int n;
    e = inst_counts(r->db, r->a, district, &rows, &n);
    if (e != OK) return e;
    struct area_view view;
    e = area_view_build(r->a, area, rows, n, sizeof *rows, offsetof(struct inst_count, district_code),
                        offsetof(struct inst_count, district_name), &view);
    if (e != OK) return e;
    /* The drill-down's level: one row per province, prefecture or county of the area, summed. */
    struct inst_count *sums =
        arena_zalloc(r->a, (size_t)(view.ngroups > 0 ? view.ngroups : 1) * sizeof *sums);
    int64_t registered = 0, filed = 0, places = 0;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        int g = view.group_of[i];
        if (g < 0) continue;
        sums[g].registered += rows[i].registered;
        sums[g].filed += rows[i].filed;
        sums[g].places += rows[i].places;
        sums[g].inclusive_filed += rows[i].inclusive_filed;
        sums[g].open_violations += rows[i].open_violations;
        registered += rows[i].registered;
        filed += rows[i].filed;
        places += rows[i].places;
        json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "district_code",
                                             rows[i].district_code, "district_name", rows[i].district_name,
                                             "registered", (json_int_t)rows[i].registered, "filed",
                                             (json_int_t)rows[i].filed, "places", (json_int_t)rows[i].places,
                                             "inclusive_filed", (json_int_t)rows[i].inclusive_filed,
                                             "open_violations", (json_int_t)rows[i].open_violations));
    }
    json_t *by_area = json_array();
    for (int g = 0; g < view.ngroups; g++)
        json_array_append_new(
            by_area,
            json_pack("{s:s, s:s, s:i, s:I, s:I, s:I, s:I, s:I}", "code", view.groups[g].code, "name",
                      view.groups[g].name, "districts", view.groups[g].nrows, "registered",
                      (json_int_t)sums[g].registered, "filed", (json_int_t)sums[g].filed, "places",
                      (json_int_t)sums[g].places, "inclusive_filed", (json_int_t)sums[g].inclusive_filed,
                      "open_violations", (json_int_t)sums[g].open_violations));
    /* Overdue: submitted filings past their decision day. */
    struct filing_row *items;
    int nf;
    int64_t total, overdue = 0, today = clock_day_of(clock_now());
    e = filing_list(r->db, r->a, "submitted", district, 1, &items, &nf, &total);
    if (e == OK) e = filing_overdue_count(r->db, district, today, &overdue);
    if (e != OK) return e;
    struct inst_filter f;
    inst_filter_init(&f);
    f.district = district;
    f.unfiled_before =
        today - settings_get_int(r->db, SETTING_UNFILED_GRACE_DAYS, DEFAULT_UNFILED_GRACE_DAYS);
    f.per_page = 1;
    struct institution *ii;
    int ni;
    int64_t unfiled = 0;
    e = inst_list(r->db, r->a, &f, &ii, &ni, &unfiled);
    if (e != OK) return e;
    return resp_json(r, out, 200,
                     json_pack("{s:{s:I, s:I}, s:I, s:o, s:s, s:i, s:o, s:I, s:I, s:I}", "by_state",
                               "registered", (json_int_t)registered, "filed", (json_int_t)filed, "places",
                               (json_int_t)places, "by_district", arr, "area", view.area, "level", view.level,
                               "by_area", by_area, "submitted", (json_int_t)total, "overdue",
                               (json_int_t)overdue, "unfiled_over_30_days", (json_int_t)unfiled));
}
