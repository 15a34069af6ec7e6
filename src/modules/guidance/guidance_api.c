/* JSON handlers of family guidance. Officials (and the health and education units) read experts, events,
 * articles and the families reached; writers are checked by the store (403 for a role or a district the
 * rules refuse). The public routes show published events and articles only and take sign-ups behind a
 * CAPTCHA and a per-address limit; no public answer carries a guardian's name or phone. Times travel as CST
 * local times "YYYY-MM-DDTHH:MM". */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/cases/cases.h"
#include "modules/guidance/guidance.h"
#include "modules/institution/inst.h"

#include <stdlib.h>
#include <string.h>

static int this_year(void)
{
    int y, m, d;
    days_to_date(clock_day_of(clock_now()), &y, &m, &d);
    return y;
}

static const char *check_time(const char *s)
{
    int64_t t;
    return guidance_parse_time(s, &t) ? NULL : "时间格式应为 YYYY-MM-DDTHH:MM（北京时间）";
}

static const char *check_phone(const char *s)
{
    char out[16];
    return guidance_phone_normalise(s, out) ? NULL : "请填写有效的手机号码";
}

static const char *check_district(const char *s)
{
    return strlen(s) == 6 ? NULL : "区县代码应为 6 位";
}

#define VERSION_SPEC(d)                                                                                      \
    {                                                                                                        \
        .name = "version", .type = JT_INT, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = (d), .min = 1,         \
        .max = INT64_MAX                                                                                     \
    }

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* ---- JSON shapes --------------------------------------------------------------------------------------- */

static json_t *expert_json(const struct gexpert *x)
{
    json_t *j =
        json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:I}", "id", (json_int_t)x->id, "name", x->name,
                  "title", x->title, "organisation", x->organisation, "speciality", x->speciality,
                  "added_by_unit", x->added_by_unit, "active", x->active, "version", (json_int_t)x->version);
    if (!j) return json_object();
    json_object_set_new(j, "district_code", str_or_null(x->district_code));
    json_object_set_new(j, "district_name", str_or_null(x->district_name));
    return j;
}

/* An event; public: without version and internal fields. */
static json_t *event_json(const struct gevent *x, bool public)
{
    char s[17], t[17];
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "id",
        (json_int_t)x->id, "title", x->title, "kind", x->kind, "venue_kind", x->venue_kind, "venue", x->venue,
        "district_code", x->district_code, "district_name", x->district_name, "status", x->status,
        "starts_at", guidance_format_time(x->starts_at, s), "ends_at", guidance_format_time(x->ends_at, t),
        "starts_epoch", (json_int_t)x->starts_at, "capacity", (json_int_t)x->capacity, "taken",
        (json_int_t)x->taken, "places_left", (json_int_t)guidance_places_left(x->capacity, x->taken),
        "ends_epoch", (json_int_t)x->ends_at);
    if (!j) return json_object();
    json_object_set_new(j, "description", json_string(x->description ? x->description : ""));
    json_object_set_new(j, "institution_id",
                        x->institution_id ? json_integer(x->institution_id) : json_null());
    json_object_set_new(j, "institution_name", str_or_null(x->institution_name));
    json_object_set_new(j, "expert_id", x->expert_id ? json_integer(x->expert_id) : json_null());
    json_object_set_new(j, "expert_name", str_or_null(x->expert_name));
    json_object_set_new(j, "expert_title", str_or_null(x->expert_title));
    json_object_set_new(j, "expert_organisation", str_or_null(x->expert_organisation));
    if (!public) {
        json_object_set_new(j, "attended", x->attended >= 0 ? json_integer(x->attended) : json_null());
        json_object_set_new(j, "families_reached",
                            json_integer(guidance_event_reach(
                                guidance_name_index(gev_status_names, x->status), x->attended, x->taken)));
        json_object_set_new(j, "version", json_integer(x->version));
    }
    return j;
}

static json_t *article_json(const struct garticle *x, bool with_body, bool public)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)x->id, "title", x->title, "summary",
                          x->summary, "author_unit", x->author_unit);
    if (!j) return json_object();
    if (with_body) json_object_set_new(j, "body", json_string(x->body));
    char d[11];
    json_object_set_new(j, "published_on",
                        x->published_at ? json_string(date_format(clock_day_of(x->published_at), d))
                                        : json_null());
    if (!public) {
        json_object_set_new(j, "status", json_string(x->status));
        json_object_set_new(j, "version", json_integer(x->version));
    }
    return j;
}

static json_t *items_json(json_t *arr)
{
    return json_pack("{s:o}", "items", arr);
}

/* ---- Experts ------------------------------------------------------------------------------------------- */

/* GET /api/v1/guidance/experts?district=&active=1 */
enum err guidance_api_experts(struct req *r, struct resp *out)
{
    const char *district = req_query(r, "district"), *active = req_query(r, "active");
    struct gexpert *items;
    int n;
    enum err e = gexpert_list(r->db, r->a, district && *district ? district : NULL,
                              active && strcmp(active, "1") == 0, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, expert_json(&items[i]));
    return resp_json(r, out, 200, items_json(arr));
}

enum err guidance_api_expert_get(struct req *r, struct resp *out)
{
    struct gexpert x;
    enum err e = gexpert_get(r->db, r->a, r->id[0], &x);
    if (e != OK) return e;
    return resp_json(r, out, 200, expert_json(&x));
}

/* POST (id 0) or PATCH an expert: {name, title, organisation, speciality, district_code (null: the city),
 * added_by_unit, active, version}. */
static enum err expert_write(struct req *r, struct resp *out, int64_t id)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    if (!guidance_may_write_experts(r->who)) return ERR_FORBIDDEN;
    struct gexpert_in in = {.unit = -1, .active = -1};
    bool active = true, active_set = false;
    unsigned req = id ? JS_OPTIONAL : 0;
    struct jspec spec[] = {
        {.name = "name",
         .type = JT_STRING,
         .flags = req,
         .dst = &in.name,
         .min = 1,
         .max = 50,
         .present = &in.name_set},
        {.name = "title",
         .type = JT_STRING,
         .flags = req,
         .dst = &in.title,
         .min = 1,
         .max = 50,
         .present = &in.title_set},
        {.name = "organisation",
         .type = JT_STRING,
         .flags = req,
         .dst = &in.organisation,
         .min = 1,
         .max = 100,
         .present = &in.organisation_set},
        {.name = "speciality",
         .type = JT_STRING,
         .flags = req,
         .dst = &in.speciality,
         .min = 1,
         .max = 200,
         .present = &in.speciality_set},
        {.name = "district_code",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.district_code,
         .min = 6,
         .max = 6,
         .check = check_district,
         .present = &in.district_set},
        {.name = "added_by_unit",
         .type = JT_ENUM,
         .flags = JS_OPTIONAL,
         .dst = &in.unit,
         .values = guidance_unit_names},
        {.name = "active", .type = JT_BOOL, .flags = JS_OPTIONAL, .dst = &active, .present = &active_set},
        VERSION_SPEC(&in.expected_version),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    /* district_code: null names the city's library. */
    json_t *dc = json_object_get(body, "district_code");
    if (dc && json_is_null(dc)) {
        in.district_set = true;
        in.district_code = NULL;
    }
    if (active_set) in.active = active;
    if (r->fe.n) return ERR_VALIDATION;
    struct gexpert x;
    e = gexpert_save(r->db, r->a, r->who, id, &in, &r->fe, &x);
    if (e != OK) return e;
    return resp_json(r, out, id ? 200 : 201, expert_json(&x));
}

enum err guidance_api_expert_create(struct req *r, struct resp *out)
{
    return expert_write(r, out, 0);
}

enum err guidance_api_expert_patch(struct req *r, struct resp *out)
{
    return expert_write(r, out, r->id[0]);
}

/* ---- Events -------------------------------------------------------------------------------------------- */

/* GET /api/v1/guidance/events?district=&status=&year= (county officials: their district). */
enum err guidance_api_events(struct req *r, struct resp *out)
{
    struct gevent_filter f = {0};
    const char *d = req_query(r, "district"), *st = req_query(r, "status"), *y = req_query(r, "year");
    if (d && *d) f.district = d;
    if (st && *st) {
        if (guidance_name_index(gev_status_names, st) < 0)
            fe_add(&r->fe, "status", "状态应为 draft、published、cancelled 或 done");
        f.status = st;
    }
    int64_t year = 0;
    if (!page_parse_int(y, 2020, 2100, 0, &year)) fe_add(&r->fe, "year", "年度应为 2020 至 2100 之间的整数");
    f.year = (int)year;
    if (r->fe.n) return ERR_VALIDATION;
    if (r->who->role == ROLE_COUNTY) {
        if (f.district && strcmp(f.district, r->who->district) != 0)
            return resp_json(r, out, 200, items_json(json_array()));
        f.district = r->who->district;
    }
    f.limit = 500;
    struct gevent *items;
    int n;
    enum err e = gevent_list(r->db, r->a, &f, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, event_json(&items[i], false));
    return resp_json(r, out, 200, items_json(arr));
}

enum err guidance_api_event_get(struct req *r, struct resp *out)
{
    struct gevent x;
    enum err e = gevent_get(r->db, r->a, r->id[0], &x);
    if (e != OK) return e;
    if (r->who->role == ROLE_COUNTY && !auth_sees_district(r->who, x.district_code)) return ERR_NOT_FOUND;
    return resp_json(r, out, 200, event_json(&x, false));
}

/* POST (id 0) or PATCH an event: {title, kind, venue_kind, venue, district_code, institution_id (0: none),
 * starts_at, ends_at, capacity, expert_id (0: none), description, version}. */
static enum err event_write(struct req *r, struct resp *out, int64_t id)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct gevent_in in = {.kind = -1, .venue_kind = -1};
    const char *starts = NULL, *ends = NULL;
    unsigned req = id ? JS_OPTIONAL : 0;
    bool kind_set = false, venue_kind_set = false;
    struct jspec spec[] = {
        {.name = "title",
         .type = JT_STRING,
         .flags = req,
         .dst = &in.title,
         .min = 1,
         .max = 100,
         .present = &in.title_set},
        {.name = "kind",
         .type = JT_ENUM,
         .flags = req,
         .dst = &in.kind,
         .values = gev_kind_names,
         .present = &kind_set},
        {.name = "venue_kind",
         .type = JT_ENUM,
         .flags = req,
         .dst = &in.venue_kind,
         .values = gev_venue_names,
         .present = &venue_kind_set},
        {.name = "venue",
         .type = JT_STRING,
         .flags = req,
         .dst = &in.venue,
         .min = 1,
         .max = 200,
         .present = &in.venue_set},
        {.name = "district_code",
         .type = JT_STRING,
         .flags = JS_OPTIONAL,
         .dst = &in.district_code,
         .min = 6,
         .max = 6,
         .check = check_district,
         .present = &in.district_set},
        {.name = "institution_id",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.institution_id,
         .min = 0,
         .max = INT64_MAX,
         .present = &in.institution_set},
        {.name = "starts_at",
         .type = JT_STRING,
         .flags = req,
         .dst = &starts,
         .min = 1,
         .max = 40,
         .check = check_time,
         .present = &in.starts_set},
        {.name = "ends_at",
         .type = JT_STRING,
         .flags = req,
         .dst = &ends,
         .min = 1,
         .max = 40,
         .check = check_time,
         .present = &in.ends_set},
        {.name = "capacity",
         .type = JT_INT,
         .flags = req,
         .dst = &in.capacity,
         .min = 1,
         .max = GUIDANCE_CAPACITY_MAX,
         .present = &in.capacity_set},
        {.name = "expert_id",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.expert_id,
         .min = 0,
         .max = INT64_MAX,
         .present = &in.expert_set},
        {.name = "description",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.description,
         .min = 0,
         .max = GUIDANCE_TEXT_MAX,
         .present = &in.description_set},
        VERSION_SPEC(&in.expected_version),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (!id && !in.district_set && r->who->role != ROLE_COUNTY) fe_add(&r->fe, "district_code", "请选择区县");
    if (r->fe.n) return ERR_VALIDATION;
    if (starts) guidance_parse_time(starts, &in.starts_at);
    if (ends) guidance_parse_time(ends, &in.ends_at);
    if (!kind_set) in.kind = -1;
    if (!venue_kind_set) in.venue_kind = -1;
    struct gevent x;
    const char *detail = NULL;
    e = gevent_save(r->db, r->a, r->who, id, &in, &r->fe, &detail, &x);
    if (detail) r->error_detail = detail;
    if (e != OK) return e;
    return resp_json(r, out, id ? 200 : 201, event_json(&x, false));
}

enum err guidance_api_event_create(struct req *r, struct resp *out)
{
    return event_write(r, out, 0);
}

enum err guidance_api_event_patch(struct req *r, struct resp *out)
{
    return event_write(r, out, r->id[0]);
}

/* POST /api/v1/guidance/events/{id}/status {status: published|cancelled|done, attended, version} */
enum err guidance_api_event_status(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    int to = -1;
    int64_t attended = -1, version = 0;
    struct jspec spec[] = {
        JS_ENUM("status", &to, gev_status_names),
        {.name = "attended",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &attended,
         .min = 0,
         .max = GUIDANCE_ATTENDED_MAX},
        VERSION_SPEC(&version),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (r->fe.n) return ERR_VALIDATION;
    struct gevent x;
    const char *detail = NULL;
    e = gevent_move(r->db, r->a, r->who, r->id[0], to, attended, version, &r->fe, &detail, &x);
    if (detail) r->error_detail = detail;
    if (e != OK) return e;
    return resp_json(r, out, 200, event_json(&x, false));
}

static json_t *signup_json(const struct gsignup *s, bool full)
{
    char d[17];
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s}", "id", (json_int_t)s->id, "ref_code", s->ref_code,
                          "guardian_name", full ? s->name : s->name_masked, "guardian_phone",
                          full ? s->phone : s->phone_masked, "children", (json_int_t)s->children,
                          "created_at", guidance_format_time(s->created_at, d));
    if (!j) return json_object();
    json_object_set_new(j, "child_age_band", str_or_null(s->child_age_band));
    json_object_set_new(j, "cancelled", json_boolean(s->cancelled_at != 0));
    /* Always masked, whatever full says: the members the XLSX export reads (export_specs.c). */
    json_object_set_new(j, "guardian_name_masked", str_or_null(s->name_masked));
    json_object_set_new(j, "guardian_phone_masked", str_or_null(s->phone_masked));
    return j;
}

/* GET /api/v1/guidance/events/{id}/signups[?contact=1]: masked for officials who see the district; with
 * contact=1 the full contacts for county officials of the event's district (audited read), 403 otherwise. */
enum err guidance_api_event_signups(struct req *r, struct resp *out)
{
    struct gevent ev;
    enum err e = gevent_get(r->db, r->a, r->id[0], &ev);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, ev.district_code)) return ERR_NOT_FOUND;
    const char *contact = req_query(r, "contact");
    bool full = contact && strcmp(contact, "1") == 0;
    struct gsignup *items;
    int n;
    e = full ? gsignup_list_full(r->db, r->a, r->who, ev.id, &items, &n)
             : gsignup_list(r->db, r->a, ev.id, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, signup_json(&items[i], full));
    return resp_json(r, out, 200,
                     json_pack("{s:o, s:I, s:I, s:b}", "items", arr, "capacity", (json_int_t)ev.capacity,
                               "taken", (json_int_t)ev.taken, "contact", full));
}

/* ---- Articles ------------------------------------------------------------------------------------------ */

enum err guidance_api_articles(struct req *r, struct resp *out)
{
    struct garticle *items;
    int n;
    enum err e = garticle_list(r->db, r->a, false, 500, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, article_json(&items[i], false, false));
    return resp_json(r, out, 200, items_json(arr));
}

enum err guidance_api_article_get(struct req *r, struct resp *out)
{
    struct garticle x;
    enum err e = garticle_get(r->db, r->a, r->id[0], &x);
    if (e != OK) return e;
    return resp_json(r, out, 200, article_json(&x, true, false));
}

/* POST (id 0) or PATCH an article: {title, summary, body, author_unit, status: draft|published, version}. */
static enum err article_write(struct req *r, struct resp *out, int64_t id)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    if (!guidance_may_write_articles(r->who)) return ERR_FORBIDDEN;
    struct garticle_in in = {.status = -1};
    unsigned req = id ? JS_OPTIONAL : 0;
    struct jspec spec[] = {
        {.name = "title",
         .type = JT_STRING,
         .flags = req,
         .dst = &in.title,
         .min = 1,
         .max = 100,
         .present = &in.title_set},
        {.name = "summary",
         .type = JT_STRING,
         .flags = req,
         .dst = &in.summary,
         .min = 1,
         .max = 300,
         .present = &in.summary_set},
        {.name = "body",
         .type = JT_STRING,
         .flags = req,
         .dst = &in.body,
         .min = 1,
         .max = GUIDANCE_BODY_MAX,
         .present = &in.body_set},
        {.name = "author_unit",
         .type = JT_STRING,
         .flags = req,
         .dst = &in.author_unit,
         .min = 1,
         .max = 100,
         .present = &in.author_set},
        {.name = "status",
         .type = JT_ENUM,
         .flags = JS_OPTIONAL,
         .dst = &in.status,
         .values = garticle_status_names},
        VERSION_SPEC(&in.expected_version),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (r->fe.n) return ERR_VALIDATION;
    struct garticle x;
    e = garticle_save(r->db, r->a, r->who, id, &in, &r->fe, &x);
    if (e != OK) return e;
    return resp_json(r, out, id ? 200 : 201, article_json(&x, true, false));
}

enum err guidance_api_article_create(struct req *r, struct resp *out)
{
    return article_write(r, out, 0);
}

enum err guidance_api_article_patch(struct req *r, struct resp *out)
{
    return article_write(r, out, r->id[0]);
}

/* ---- Reach --------------------------------------------------------------------------------------------- */

static json_t *reach_json(const struct greach_row *x)
{
    json_t *j = json_pack("{s:I, s:I, s:I}", "events_done", (json_int_t)x->events_done, "families",
                          (json_int_t)x->families, "signups", (json_int_t)x->signups);
    if (j && x->district_code) {
        json_object_set_new(j, "district_code", json_string(x->district_code));
        json_object_set_new(j, "district_name", json_string(x->district_name));
    }
    return j ? j : json_object();
}

/* GET /api/v1/guidance/reach?year= (county officials: their district only). */
enum err guidance_api_reach(struct req *r, struct resp *out)
{
    int64_t year = 0;
    if (!page_parse_int(req_query(r, "year"), 2020, 2100, this_year(), &year))
        fe_add(&r->fe, "year", "年度应为 2020 至 2100 之间的整数");
    if (r->fe.n) return ERR_VALIDATION;
    const char *district = r->who->role == ROLE_COUNTY ? r->who->district : NULL;
    struct greach_row *rows, total;
    int n;
    enum err e = guidance_reach(r->db, r->a, district, (int)year, &rows, &n, &total);
    if (e != OK) return e;
    /* The total as the county assessment reads it (guidance_families_reached), so both stay one rule. */
    e = guidance_families_reached(r->db, district, (int)year, &total.families);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, reach_json(&rows[i]));
    return resp_json(r, out, 200,
                     json_pack("{s:I, s:o, s:o, s:s}", "year", (json_int_t)year, "districts", arr, "total",
                               reach_json(&total), "rule",
                               "已结束活动：有到场家庭数的按到场数计，未登记到场数的按未取消的报名数计"));
}

/* ---- Public -------------------------------------------------------------------------------------------- */

/* GET /api/v1/public/guidance/events?district= : published events that have not started, soonest first. */
enum err guidance_api_public_events(struct req *r, struct resp *out)
{
    const char *d = req_query(r, "district");
    struct gevent_filter f = {.district = d && *d ? d : NULL, .upcoming = true, .limit = 200};
    struct gevent *items;
    int n;
    enum err e = gevent_list(r->db, r->a, &f, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, event_json(&items[i], true));
    return resp_json(r, out, 200, items_json(arr));
}

/* POST /api/v1/public/guidance/events/{id}/signups {guardian_name, guardian_phone, children, child_age_band,
 * captcha_token, captcha_answer} → 201 {ref_code}. */
enum err guidance_api_public_signup(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct gsignup_in in = {.age_band = -1};
    const char *token = NULL, *answer = NULL;
    struct jspec spec[] = {
        JS_STRING("guardian_name", &in.guardian_name, 1, 50),
        {.name = "guardian_phone",
         .type = JT_STRING,
         .dst = &in.guardian_phone,
         .min = 1,
         .max = 20,
         .check = check_phone},
        JS_INT("children", &in.children, 1, GUIDANCE_CHILDREN_MAX),
        {.name = "child_age_band",
         .type = JT_ENUM,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.age_band,
         .values = guidance_age_names},
        JS_STRING("captcha_token", &token, 1, 300),
        JS_STRING("captcha_answer", &answer, 0, 20),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (token) {
        enum captcha_result cr;
        e = captcha_check(r->db, token, answer, &cr);
        if (e != OK) return e;
        if (cr != CAPTCHA_OK) fe_add(&r->fe, "captcha", captcha_result_zh(cr));
    }
    if (r->fe.n) return ERR_VALIDATION;
    const char *detail = NULL, *ref = NULL;
    e = gsignup_create(r->db, r->a, r->id[0], &in, r->client_ip, &r->fe, &detail, &ref);
    if (e == ERR_THROTTLED) r->error_detail = "同一网络每小时最多报名 10 次、每天最多 30 次，请稍后再试";
    if (detail) r->error_detail = detail;
    if (e != OK) return e;
    return resp_json(r, out, 201, json_pack("{s:s, s:I}", "ref_code", ref, "event_id", (json_int_t)r->id[0]));
}

/* POST /api/v1/public/guidance/signups/cancel {ref_code, guardian_phone} → 200; 404 when nothing matches. */
enum err guidance_api_public_cancel(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    const char *ref = NULL, *phone = NULL;
    struct jspec spec[] = {
        JS_STRING("ref_code", &ref, 1, 20),
        {.name = "guardian_phone",
         .type = JT_STRING,
         .dst = &phone,
         .min = 1,
         .max = 20,
         .check = check_phone},
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (r->fe.n) return ERR_VALIDATION;
    e = gsignup_cancel(r->db, r->a, ref, phone);
    if (e == ERR_NOT_FOUND) r->error_detail = "未找到可取消的报名（报名编号或手机号不符，或活动已开始）";
    if (e != OK) return e;
    return resp_json(r, out, 200, json_pack("{s:s, s:b}", "ref_code", ref, "cancelled", 1));
}

/* GET /api/v1/public/guidance/articles: published articles with their bodies. */
enum err guidance_api_public_articles(struct req *r, struct resp *out)
{
    struct garticle *items;
    int n;
    enum err e = garticle_list(r->db, r->a, true, 200, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, article_json(&items[i], true, true));
    return resp_json(r, out, 200, items_json(arr));
}
