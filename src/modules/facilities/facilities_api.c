/* JSON handlers of facilities: communities, residential projects and their workflow, mother-and-baby rooms
 * and the coverage per district. Lists are open to every official (nothing here is personal data): a county
 * official sees its own district by default and may ask for another with ?district=. Writes: city officials
 * and admins anywhere, county officials in their own district (403 elsewhere); unit officers of the trade
 * union, the women's federation and the health commission register the rooms their unit promotes. */
#include "core/clock.h"
#include "modules/facilities/facilities.h"
#include "modules/institution/inst.h"

#include <stdlib.h>
#include <string.h>

#define OPT(n, t, d, lo, hi)                                                                                 \
    {                                                                                                        \
        .name = (n), .type = (t), .flags = JS_OPTIONAL | JS_NULLABLE, .dst = (d), .min = (lo), .max = (hi)   \
    }
#define OPT_ENUM(n, d, vals)                                                                                 \
    {                                                                                                        \
        .name = (n), .type = JT_ENUM, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = (d), .values = (vals)       \
    }

static json_t *day_or_null(int64_t d)
{
    return json_day_opt(d != 0, d);
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* An integer query parameter in lo..hi into *out (dflt when absent); a bad value goes into r->fe. */
static void query_int(struct req *r, const char *key, int64_t lo, int64_t hi, int64_t dflt, int64_t *out)
{
    const char *s = req_query(r, key);
    *out = dflt;
    if (!s || !*s) return;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v < lo || v > hi)
        fe_addf(&r->fe, key, "应为 %lld 至 %lld 之间的整数", (long long)lo, (long long)hi);
    else
        *out = v;
}

/* ?district=: validated; a county official without one gets its own district. */
static enum err district_query(struct req *r, const char **district)
{
    const char *d = req_query(r, "district");
    *district = NULL;
    if (d && *d) {
        const char *name;
        enum err e = district_name(r->db, r->a, d, &name);
        if (e == ERR_NOT_FOUND)
            fe_add(&r->fe, "district", "未知的区县");
        else if (e != OK)
            return e;
        *district = d;
    } else if (r->who->role == ROLE_COUNTY) {
        *district = r->who->district;
    }
    return OK;
}

/* A name filter of a list (one of names, else a field error). */
static const char *query_name(struct req *r, const char *key, const char *const *names, const char *msg)
{
    const char *s = req_query(r, key);
    if (!s || !*s) return NULL;
    if (facilities_name_index(names, s) < 0) fe_add(&r->fe, key, msg);
    return s;
}

/* ---- Communities --------------------------------------------------------------------------------------- */

static json_t *community_json(const struct community *c)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:o, s:I, s:I, s:I}", "id",
                          (json_int_t)c->id, "district_code", c->district_code, "district_name",
                          c->district_name, "code", c->code, "name", c->name, "street", c->street, "kind",
                          c->kind, "urban", c->urban, "has_facility", c->has_facility, "facility_note",
                          str_or_null(c->facility_note), "version", (json_int_t)c->version, "created_at",
                          (json_int_t)c->created_at, "updated_at", (json_int_t)c->updated_at);
    return j ? j : json_object();
}

/* GET /api/v1/communities?district=&urban=&has_facility=&q=&page= */
enum err facilities_api_community_list(struct req *r, struct resp *out)
{
    struct community_filter f = {.urban = -1, .has_facility = -1};
    int64_t urban, has, page;
    enum err e = district_query(r, &f.district);
    if (e != OK) return e;
    query_int(r, "urban", 0, 1, -1, &urban);
    query_int(r, "has_facility", 0, 1, -1, &has);
    query_int(r, "page", 1, 100000, 1, &page);
    const char *q = req_query(r, "q");
    if (q && utf8_chars(q) > FAC_TEXT_MAX) fe_add(&r->fe, "q", "查询词过长");
    if (r->fe.n) return ERR_VALIDATION;
    f.urban = (int)urban, f.has_facility = (int)has, f.q = q, f.page = (int)page;
    struct community *items;
    int n;
    int64_t total;
    e = community_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, community_json(&items[i]));
    return resp_json(r, out, 200, json_list_page(arr, total, COMMUNITY_PER_PAGE, f.page));
}

/* POST /api/v1/communities {district_code (county officials: optional, their own), code, name, street, kind,
 * urban, has_facility?, facility_note?} */
enum err facilities_api_community_create(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct community_in in = {.kind = -1, .urban = -1, .has_facility = 0};
    bool urban = false, has = false, urban_given = false;
    struct jspec spec[] = {
        {.name = "district_code",
         .type = JT_STRING,
         .flags = r->who->role == ROLE_COUNTY ? JS_OPTIONAL | JS_NULLABLE : 0,
         .dst = &in.district_code,
         .min = 1,
         .max = 12},
        JS_STRING("code", &in.code, 1, FAC_CODE_MAX),
        JS_STRING("name", &in.name, 1, FAC_TEXT_MAX),
        JS_STRING("street", &in.street, 1, FAC_TEXT_MAX),
        JS_ENUM("kind", &in.kind, community_kind_names),
        {.name = "urban", .type = JT_BOOL, .dst = &urban, .present = &urban_given},
        {.name = "has_facility", .type = JT_BOOL, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = &has},
        OPT("facility_note", JT_STRING, &in.facility_note, 0, FAC_NOTE_MAX),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (r->fe.n) return ERR_VALIDATION;
    if (!in.district_code) in.district_code = r->who->district;
    in.urban = urban ? 1 : 0;
    in.has_facility = has ? 1 : 0;
    struct community c;
    e = community_create(r->db, r->a, r->who, &in, &r->fe, &c);
    if (e != OK) return e;
    return resp_json(r, out, 201, community_json(&c));
}

/* PATCH /api/v1/communities/{id} {version, code?, name?, street?, kind?, urban?, has_facility?,
 * facility_note?} */
enum err facilities_api_community_patch(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct community_in in = {.kind = -1, .urban = -1, .has_facility = -1};
    bool urban = false, has = false, urban_given = false, has_given = false;
    int64_t version = 0;
    struct jspec spec[] = {
        JS_INT("version", &version, 1, INT64_MAX),
        OPT("code", JT_STRING, &in.code, 1, FAC_CODE_MAX),
        OPT("name", JT_STRING, &in.name, 1, FAC_TEXT_MAX),
        OPT("street", JT_STRING, &in.street, 1, FAC_TEXT_MAX),
        OPT_ENUM("kind", &in.kind, community_kind_names),
        {.name = "urban",
         .type = JT_BOOL,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &urban,
         .present = &urban_given},
        {.name = "has_facility",
         .type = JT_BOOL,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &has,
         .present = &has_given},
        {.name = "facility_note",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.facility_note,
         .max = FAC_NOTE_MAX},
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (r->fe.n) return ERR_VALIDATION;
    if (urban_given) in.urban = urban ? 1 : 0;
    if (has_given) in.has_facility = has ? 1 : 0;
    in.set_note = json_object_get(body, "facility_note") != NULL;
    struct community c;
    e = community_update(r->db, r->a, r->who, r->id[0], &in, version, &r->fe, &c);
    if (e != OK) return e;
    return resp_json(r, out, 200, community_json(&c));
}

/* ---- Residential projects ------------------------------------------------------------------------------ */

static json_t *project_json(const struct project *p)
{
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:I, s:I, s:I}",
        "id", (json_int_t)p->id, "district_code", p->district_code, "district_name", p->district_name, "name",
        p->name, "developer", p->developer, "homes", (json_int_t)p->homes, "facility_area_m2",
        (json_int_t)p->facility_area_m2, "facility_form", p->facility_form, "status", p->status, "handed_to",
        str_or_null(p->handed_to), "housing_delivery_day", json_day(p->housing_delivery_day), "built_day",
        day_or_null(p->built_day), "accepted_day", day_or_null(p->accepted_day), "handed_over_day",
        day_or_null(p->handed_over_day), "late", p->late != PL_NONE, "late_reason",
        p->late == PL_NOT_ACCEPTED      ? json_string("not_accepted")
        : p->late == PL_NOT_HANDED_OVER ? json_string("not_handed_over")
                                        : json_null(),
        "version", (json_int_t)p->version, "created_at", (json_int_t)p->created_at, "updated_at",
        (json_int_t)p->updated_at);
    if (!j) return json_object();
    json_object_set_new(j, "community_id", p->community_id ? json_integer(p->community_id) : json_null());
    json_object_set_new(j, "community_name", str_or_null(p->community_name));
    json_object_set_new(j, "note", str_or_null(p->note));
    return j;
}

/* GET /api/v1/residential-projects?district=&status=&late=1&page= */
enum err facilities_api_project_list(struct req *r, struct resp *out)
{
    struct project_filter f = {0};
    int64_t late, page;
    enum err e = district_query(r, &f.district);
    if (e != OK) return e;
    f.status =
        query_name(r, "status", project_status_names, "状态应为 planned、built、accepted 或 handed_over");
    query_int(r, "late", 0, 1, 0, &late);
    query_int(r, "page", 1, 100000, 1, &page);
    if (r->fe.n) return ERR_VALIDATION;
    f.late_only = late == 1, f.page = (int)page;
    struct project *items;
    int n;
    int64_t total;
    e = project_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, project_json(&items[i]));
    return resp_json(r, out, 200, json_list_page(arr, total, PROJECT_PER_PAGE, f.page));
}

/* POST /api/v1/residential-projects {district_code, community_id?, name, developer, homes, facility_area_m2,
 * facility_form, housing_delivery_day, note?}: a planned project. */
enum err facilities_api_project_create(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct project_in in = {.facility_form = -1};
    struct jspec spec[] = {
        {.name = "district_code",
         .type = JT_STRING,
         .flags = r->who->role == ROLE_COUNTY ? JS_OPTIONAL | JS_NULLABLE : 0,
         .dst = &in.district_code,
         .min = 1,
         .max = 12},
        OPT("community_id", JT_INT, &in.community_id, 1, INT64_MAX),
        JS_STRING("name", &in.name, 1, FAC_TEXT_MAX),
        JS_STRING("developer", &in.developer, 1, FAC_TEXT_MAX),
        JS_INT("homes", &in.homes, 1, FAC_HOMES_MAX),
        JS_INT("facility_area_m2", &in.facility_area_m2, 1, FAC_AREA_MAX),
        JS_ENUM("facility_form", &in.facility_form, facility_form_names),
        JS_DATE("housing_delivery_day", &in.housing_delivery_day),
        OPT("note", JT_STRING, &in.note, 0, FAC_NOTE_MAX),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (r->fe.n) return ERR_VALIDATION;
    if (!in.district_code) in.district_code = r->who->district;
    struct project p;
    e = project_create(r->db, r->a, r->who, &in, &r->fe, &p);
    if (e != OK) return e;
    return resp_json(r, out, 201, project_json(&p));
}

/* GET /api/v1/residential-projects/{id} */
enum err facilities_api_project_get(struct req *r, struct resp *out)
{
    struct project p;
    enum err e = project_get(r->db, r->a, r->id[0], &p);
    if (e != OK) return e;
    return resp_json(r, out, 200, project_json(&p));
}

/* PATCH /api/v1/residential-projects/{id} {version, community_id?, name?, developer?, homes?,
 * facility_area_m2?, facility_form?, housing_delivery_day?, note?}: the details, not the status. */
enum err facilities_api_project_patch(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct project_in in = {.facility_form = -1};
    int64_t version = 0;
    struct jspec spec[] = {
        JS_INT("version", &version, 1, INT64_MAX),
        OPT("community_id", JT_INT, &in.community_id, 1, INT64_MAX),
        OPT("name", JT_STRING, &in.name, 1, FAC_TEXT_MAX),
        OPT("developer", JT_STRING, &in.developer, 1, FAC_TEXT_MAX),
        OPT("homes", JT_INT, &in.homes, 1, FAC_HOMES_MAX),
        OPT("facility_area_m2", JT_INT, &in.facility_area_m2, 1, FAC_AREA_MAX),
        OPT_ENUM("facility_form", &in.facility_form, facility_form_names),
        {.name = "housing_delivery_day",
         .type = JT_DATE,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.housing_delivery_day},
        OPT("note", JT_STRING, &in.note, 0, FAC_NOTE_MAX),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (r->fe.n) return ERR_VALIDATION;
    in.set_community = json_object_get(body, "community_id") != NULL;
    in.set_note = json_object_get(body, "note") != NULL;
    struct project p;
    e = project_update(r->db, r->a, r->who, r->id[0], &in, version, &r->fe, &p);
    if (e != OK) return e;
    return resp_json(r, out, 200, project_json(&p));
}

/* POST /api/v1/residential-projects/{id}/status {status, day? (default today), handed_to?, version?} */
enum err facilities_api_project_status(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct project_move m = {.to = -1, .handed_to = -1, .day = clock_day_of(clock_now())};
    struct jspec spec[] = {
        JS_ENUM("status", &m.to, project_status_names),
        {.name = "day", .type = JT_DATE, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = &m.day},
        OPT_ENUM("handed_to", &m.handed_to, handed_to_names),
        OPT("version", JT_INT, &m.expected_version, 1, INT64_MAX),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (r->fe.n) return ERR_VALIDATION;
    const char *detail = NULL;
    struct project p;
    e = project_move(r->db, r->a, r->who, r->id[0], &m, &r->fe, &detail, &p);
    if (detail) r->error_detail = detail;
    if (e != OK) return e;
    return resp_json(r, out, 200, project_json(&p));
}

/* ---- Mother-and-baby rooms ----------------------------------------------------------------------------- */

static json_t *room_json(const struct room *m)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:o, s:o, s:I, s:I, s:I}", "id",
                          (json_int_t)m->id, "district_code", m->district_code, "district_name",
                          m->district_name, "name", m->name, "organisation", m->organisation, "place_kind",
                          m->place_kind, "address", m->address, "area_m2", (json_int_t)m->area_m2, "status",
                          m->status, "promoted_by", m->promoted_by, "opened_day", day_or_null(m->opened_day),
                          "note", str_or_null(m->note), "version", (json_int_t)m->version, "created_at",
                          (json_int_t)m->created_at, "updated_at", (json_int_t)m->updated_at);
    return j ? j : json_object();
}

/* GET /api/v1/mother-baby-rooms?district=&status=&place_kind=&page= */
enum err facilities_api_room_list(struct req *r, struct resp *out)
{
    struct room_filter f = {0};
    int64_t page;
    enum err e = district_query(r, &f.district);
    if (e != OK) return e;
    f.status = query_name(r, "status", room_status_names, "状态应为 planned、open 或 closed");
    f.place_kind = query_name(r, "place_kind", place_kind_names, "场所类型应为 workplace 或 public");
    query_int(r, "page", 1, 100000, 1, &page);
    if (r->fe.n) return ERR_VALIDATION;
    f.page = (int)page;
    struct room *items;
    int n;
    int64_t total;
    e = room_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, room_json(&items[i]));
    return resp_json(r, out, 200, json_list_page(arr, total, ROOM_PER_PAGE, f.page));
}

/* POST /api/v1/mother-baby-rooms {district_code, name, organisation, place_kind, address, area_m2, status,
 * promoted_by (unit officers: optional, their unit), opened_day?, note?} */
enum err facilities_api_room_create(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct room_in in = {.place_kind = -1, .status = -1, .promoted_by = -1};
    bool unit = r->who->role == ROLE_UNIT;
    struct jspec spec[] = {
        {.name = "district_code",
         .type = JT_STRING,
         .flags = r->who->role == ROLE_COUNTY ? JS_OPTIONAL | JS_NULLABLE : 0,
         .dst = &in.district_code,
         .min = 1,
         .max = 12},
        JS_STRING("name", &in.name, 1, FAC_TEXT_MAX),
        JS_STRING("organisation", &in.organisation, 1, FAC_TEXT_MAX),
        JS_ENUM("place_kind", &in.place_kind, place_kind_names),
        JS_STRING("address", &in.address, 1, FAC_TEXT_MAX),
        JS_INT("area_m2", &in.area_m2, 1, 10000),
        JS_ENUM("status", &in.status, room_status_names),
        {.name = "promoted_by",
         .type = JT_ENUM,
         .flags = unit ? JS_OPTIONAL | JS_NULLABLE : 0,
         .dst = &in.promoted_by,
         .values = promoter_names},
        {.name = "opened_day", .type = JT_DATE, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = &in.opened_day},
        OPT("note", JT_STRING, &in.note, 0, FAC_NOTE_MAX),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (r->fe.n) return ERR_VALIDATION;
    if (!in.district_code) in.district_code = r->who->district;
    if (unit && in.promoted_by < 0) in.promoted_by = facilities_unit_promoter(r->who->unit);
    struct room m;
    e = room_create(r->db, r->a, r->who, &in, &r->fe, &m);
    if (e != OK) return e;
    return resp_json(r, out, 201, room_json(&m));
}

/* PATCH /api/v1/mother-baby-rooms/{id} {version, any field of the create but district_code} */
enum err facilities_api_room_patch(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct room_in in = {.place_kind = -1, .status = -1, .promoted_by = -1};
    int64_t version = 0;
    struct jspec spec[] = {
        JS_INT("version", &version, 1, INT64_MAX),
        OPT("name", JT_STRING, &in.name, 1, FAC_TEXT_MAX),
        OPT("organisation", JT_STRING, &in.organisation, 1, FAC_TEXT_MAX),
        OPT_ENUM("place_kind", &in.place_kind, place_kind_names),
        OPT("address", JT_STRING, &in.address, 1, FAC_TEXT_MAX),
        OPT("area_m2", JT_INT, &in.area_m2, 1, 10000),
        OPT_ENUM("status", &in.status, room_status_names),
        OPT_ENUM("promoted_by", &in.promoted_by, promoter_names),
        {.name = "opened_day", .type = JT_DATE, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = &in.opened_day},
        {.name = "note",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.note,
         .max = FAC_NOTE_MAX},
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (r->fe.n) return ERR_VALIDATION;
    in.set_note = json_object_get(body, "note") != NULL;
    in.set_opened_day = json_object_get(body, "opened_day") != NULL;
    struct room m;
    e = room_update(r->db, r->a, r->who, r->id[0], &in, version, &r->fe, &m);
    if (e != OK) return e;
    return resp_json(r, out, 200, room_json(&m));
}

/* ---- Coverage ------------------------------------------------------------------------------------------ */

static json_t *share_json(int64_t with, int64_t total)
{
    int pm = coverage_permille(with, total);
    return pm < 0 ? json_null() : json_real(pm / 1000.0);
}

static json_t *coverage_json(const char *code, const char *name, const struct coverage_row *x, int64_t today)
{
    json_t *projects = json_object();
    int64_t all = 0;
    for (int i = 0; i < PS__COUNT; i++) {
        json_object_set_new(projects, project_status_names[i], json_integer(x->projects[i]));
        all += x->projects[i];
    }
    json_object_set_new(projects, "total", json_integer(all));
    json_object_set_new(projects, "late", json_integer(x->late));
    json_t *j = json_pack(
        "{s:o, s:o, s:{s:I, s:I, s:o}, s:{s:I, s:I, s:o}, s:s, s:o, s:{s:I, s:I}}", "district_code",
        code ? json_string(code) : json_null(), "district_name", name ? json_string(name) : json_null(),
        "urban", "total", (json_int_t)x->c.urban, "with_facility", (json_int_t)x->c.urban_with, "share",
        share_json(x->c.urban_with, x->c.urban), "rural", "total", (json_int_t)x->c.rural, "with_facility",
        (json_int_t)x->c.rural_with, "share", share_json(x->c.rural_with, x->c.rural), "goal",
        (const char *[]){"na", "met", "on_track", "missed"}[coverage_goal(&x->c, today)], "projects",
        projects, "rooms", "open", (json_int_t)x->rooms_open, "total", (json_int_t)x->rooms_total);
    return j ? j : json_object();
}

/* GET /api/v1/facilities/coverage?district= : per district and in total. */
enum err facilities_api_coverage(struct req *r, struct resp *out)
{
    const char *district;
    enum err e = district_query(r, &district);
    if (e != OK) return e;
    if (r->fe.n) return ERR_VALIDATION;
    struct coverage_row *rows;
    int n;
    e = facilities_coverage_rows(r->db, r->a, district, &rows, &n);
    if (e != OK) return e;
    int64_t today = clock_day_of(clock_now());
    struct coverage_row sum = {0};
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        const struct coverage_row *x = &rows[i];
        json_array_append_new(arr, coverage_json(x->district_code, x->district_name, x, today));
        sum.c.urban += x->c.urban, sum.c.urban_with += x->c.urban_with;
        sum.c.rural += x->c.rural, sum.c.rural_with += x->c.rural_with;
        for (int k = 0; k < PS__COUNT; k++)
            sum.projects[k] += x->projects[k];
        sum.late += x->late, sum.rooms_open += x->rooms_open, sum.rooms_total += x->rooms_total;
    }
    return resp_json(r, out, 200,
                     json_pack("{s:o, s:o, s:i, s:o}", "items", arr, "total",
                               coverage_json(NULL, NULL, &sum, today), "goal_year", FACILITIES_GOAL_YEAR,
                               "handover_days", json_integer(facilities_handover_days(r->db))));
}
