/* JSON handlers of parents' demand. The public applies and registers needs (CAPTCHA, per-address limit),
 * looks up an application with its receipt number and lookup code and accepts an offer or withdraws; an
 * operator lists and answers its institution's choices (the guardian in clear, audited); officials list
 * choices of their territory (guardian masked, audited) and read the summary. Outside the territory: 404. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/cases/cases.h"
#include "modules/demand/demand.h"
#include "modules/filing/filing.h"
#include "modules/institution/inst.h"

#include <string.h>

/* Add from's errors to to, except fields to already names. */
static void fe_merge(struct field_errors *to, const struct field_errors *from)
{
    for (int i = 0; i < from->n; i++) {
        bool seen = false;
        for (int k = 0; k < to->n && !seen; k++)
            seen = strcmp(to->items[k].field, from->items[i].field) == 0;
        if (!seen) fe_add(to, from->items[i].field, from->items[i].message);
    }
}

static const char *const answer_names[] = {"offer", "waitlist", "decline", NULL}; /* = DCE_OFFER.. */
static const char *const respond_names[] = {"accept", "withdraw", NULL};

/* Collects the institution_ids array: each element an integer id (else a field error at its path). */
struct ids_ctx {
    struct demand_apply_in *in;
};
static void each_id(json_t *value, const char *path, int index, struct field_errors *fe, void *ctx)
{
    struct ids_ctx *c = ctx;
    if (!json_is_integer(value)) {
        fe_add(fe, path, "应为机构编号（正整数）");
        return;
    }
    if (index >= 0 && index < (int)(sizeof c->in->institution_ids / sizeof c->in->institution_ids[0]))
        c->in->institution_ids[index] = json_integer_value(value);
    if (index + 1 > c->in->n) c->in->n = index + 1;
}

/* The CAPTCHA of a public body: a field error "captcha" unless right. A database error as itself. */
static enum err check_captcha(struct req *r, const char *token, const char *answer)
{
    if (!token) return OK; /* jspec named the missing token already */
    enum captcha_result cr;
    enum err e = captcha_check(r->db, token, answer, &cr);
    if (e != OK) return e;
    if (cr != CAPTCHA_OK) fe_add(&r->fe, "captcha", captcha_result_zh(cr));
    return OK;
}

#define THROTTLED_ZH "同一网络每小时最多提交 10 次、每天最多 30 次，请稍后再试"

enum err demand_api_apply(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct demand_apply_in in = {.service_type = -1};
    struct ids_ctx ic = {&in};
    const char *token = NULL, *answer = NULL;
    struct jspec spec[] = {
        JS_ARRAY("institution_ids", each_id, &ic, 0, 8),
        JS_STRING("birth_month", &in.birth_month, 7, 7),
        JS_STRING("start_month", &in.start_month, 7, 7),
        JS_ENUM("service_type", &in.service_type, service_type_names),
        JS_STRING("guardian_name", &in.guardian_name, 1, 50),
        JS_STRING("guardian_phone", &in.guardian_phone, 1, 40),
        JS_STRING("captcha_token", &token, 1, 300),
        JS_STRING("captcha_answer", &answer, 0, 20),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    struct field_errors more;
    fe_init(&more, r->a);
    e = demand_validate(r->db, r->a, &in, &more);
    if (e != OK && e != ERR_VALIDATION) return e;
    fe_merge(&r->fe, &more);
    e = check_captcha(r, token, answer);
    if (e != OK) return e;
    if (r->fe.n) return ERR_VALIDATION;
    struct demand_receipt rc;
    e = demand_apply(r->db, r->a, &in, r->client_ip, &r->fe, &rc);
    if (e == ERR_THROTTLED) r->error_detail = THROTTLED_ZH;
    if (e != OK) return e;
    return resp_json(r, out, 201,
                     json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)rc.id, "ref", rc.ref, "code",
                               rc.code, "district_code", rc.district_code, "status", "pending"));
}

/* An application as the parent sees it: no guardian data. */
static json_t *application_json(const struct demand_application *p)
{
    json_t *choices = json_array();
    for (int i = 0; i < p->nchoices; i++) {
        const struct demand_choice *c = &p->choices[i];
        int st = demand_name_index(choice_status_names, c->status);
        json_t *j = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)c->id, "rank",
                              (json_int_t)c->rank, "institution_id", (json_int_t)c->institution_id,
                              "institution_name", c->institution_name, "status", c->status, "status_zh",
                              st >= 0 ? choice_status_names_zh[st] : "", "version", (json_int_t)c->version);
        json_object_set_new(j, "waitlist_position",
                            c->waitlist_position ? json_integer(c->waitlist_position) : json_null());
        json_object_set_new(j, "waitlist_place",
                            c->waitlist_place ? json_integer(c->waitlist_place) : json_null());
        json_object_set_new(j, "note", c->note ? json_string(c->note) : json_null());
        json_object_set_new(j, "answered_at", c->answered_at ? json_integer(c->answered_at) : json_null());
        json_array_append_new(choices, j);
    }
    int b = 0, s = 0;
    int band = demand_month_parse(p->birth_month, &b) && demand_month_parse(p->start_month, &s)
                   ? demand_age_band(b, s)
                   : -1;
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o}", "ref", p->ref, "district_code",
                          p->district_code, "district_name", p->district_name ? p->district_name : "",
                          "birth_month", p->birth_month, "start_month", p->start_month, "service_type",
                          p->service_type, "created_at", (json_int_t)p->created_at, "choices", choices);
    json_object_set_new(j, "age_band", band >= 0 ? json_string(demand_band_names[band]) : json_null());
    json_object_set_new(j, "withdrawn_at", p->withdrawn_at ? json_integer(p->withdrawn_at) : json_null());
    return j;
}

enum err demand_api_status(struct req *r, struct resp *out)
{
    const char *ref = req_query(r, "ref"), *code = req_query(r, "code");
    if (!ref || !*ref) fe_add(&r->fe, "ref", "请填写受理编号");
    if (!code || !*code) fe_add(&r->fe, "code", "请填写查询码");
    if (r->fe.n) return ERR_VALIDATION;
    struct demand_application p;
    enum err e = demand_lookup(r->db, r->a, ref, code, &p);
    if (e != OK) return e;
    return resp_json(r, out, 200, application_json(&p));
}

enum err demand_api_respond(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    const char *ref = NULL, *code = NULL;
    int64_t choice_id = 0;
    int action = -1;
    struct jspec spec[] = {
        JS_STRING("ref", &ref, 1, 32),
        JS_STRING("code", &code, 1, 16),
        JS_INT("choice_id", &choice_id, 1, INT64_MAX),
        JS_ENUM("action", &action, respond_names),
        JS_END,
    };
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    e = demand_parent_move(r->db, r->a, ref, code, choice_id, action == 0 ? DCE_ACCEPT : DCE_WITHDRAW);
    if (e == ERR_STATE) r->error_detail = action == 0 ? "只能接受已录取的申请" : "该申请已结束，不能撤回";
    if (e != OK) return e;
    struct demand_application p;
    e = demand_lookup(r->db, r->a, ref, code, &p);
    if (e != OK) return e;
    return resp_json(r, out, 200, application_json(&p));
}

enum err demand_api_need(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct demand_need_in in = {.service_type = -1};
    const char *token = NULL, *answer = NULL;
    struct jspec spec[] = {
        JS_INT("community_id", &in.community_id, 1, INT64_MAX),
        JS_STRING("birth_month", &in.birth_month, 7, 7),
        JS_STRING("start_month", &in.start_month, 7, 7),
        JS_ENUM("service_type", &in.service_type, service_type_names),
        JS_STRING("guardian_name", &in.guardian_name, 1, 50),
        JS_STRING("guardian_phone", &in.guardian_phone, 1, 40),
        JS_STRING("captcha_token", &token, 1, 300),
        JS_STRING("captcha_answer", &answer, 0, 20),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    struct field_errors more;
    fe_init(&more, r->a);
    demand_need_validate(&in, &more);
    fe_merge(&r->fe, &more);
    e = check_captcha(r, token, answer);
    if (e != OK) return e;
    if (r->fe.n) return ERR_VALIDATION;
    struct demand_receipt rc;
    e = demand_need_register(r->db, r->a, &in, r->client_ip, &r->fe, &rc);
    if (e == ERR_THROTTLED) r->error_detail = THROTTLED_ZH;
    if (e != OK) return e;
    return resp_json(r, out, 201, json_pack("{s:I, s:s}", "id", (json_int_t)rc.id, "ref", rc.ref));
}

/* ?district= of a public list: NULL (all) or a six-digit code; a field error otherwise. */
static const char *district_query(struct req *r)
{
    const char *d = req_query(r, "district");
    if (!d || !*d) return NULL;
    if (strlen(d) != 6) fe_add(&r->fe, "district", "应为 6 位区划代码");
    return d;
}

enum err demand_api_communities(struct req *r, struct resp *out)
{
    const char *district = district_query(r);
    if (r->fe.n) return ERR_VALIDATION;
    struct demand_community *items;
    int n;
    enum err e = demand_communities(r->db, r->a, district, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr,
                              json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)items[i].id, "name",
                                        items[i].name, "street", items[i].street ? items[i].street : "",
                                        "district_code", items[i].district_code, "urban", items[i].urban));
    return resp_json(r, out, 200, json_pack("{s:o}", "items", arr));
}

enum err demand_api_institutions(struct req *r, struct resp *out)
{
    const char *district = district_query(r);
    if (!district && !r->fe.n) fe_add(&r->fe, "district", "请选择县（市、区）");
    if (r->fe.n) return ERR_VALIDATION;
    struct inst_filter f;
    inst_filter_init(&f);
    f.district = district;
    f.state = "filed";
    f.per_page = 100;
    struct institution *items;
    int n;
    int64_t total;
    enum err e = inst_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr,
                              json_pack("{s:I, s:s}", "id", (json_int_t)items[i].id, "name", items[i].name));
    return resp_json(r, out, 200, json_pack("{s:o, s:I}", "items", arr, "total", (json_int_t)total));
}

/* A choice with its guardian as read: in clear for the operator of an open choice, else masked (no phone
 * number in clear); none when the guardian was not read. */
static json_t *choice_json(const struct demand_choice *c)
{
    json_t *j = json_pack("{s:I, s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "id",
                          (json_int_t)c->id, "application_id", (json_int_t)c->application_id,
                          "institution_id", (json_int_t)c->institution_id, "institution_name",
                          c->institution_name, "district_code", c->district_code, "rank", (json_int_t)c->rank,
                          "status", c->status, "ref", c->ref ? c->ref : "", "birth_month", c->birth_month,
                          "start_month", c->start_month, "service_type", c->service_type, "version",
                          (json_int_t)c->version, "created_at", (json_int_t)c->created_at);
    json_object_set_new(j, "age_band", c->band >= 0 ? json_string(demand_band_names[c->band]) : json_null());
    json_object_set_new(j, "waitlist_position",
                        c->waitlist_position ? json_integer(c->waitlist_position) : json_null());
    json_object_set_new(j, "note", c->note ? json_string(c->note) : json_null());
    json_object_set_new(j, "answered_at", c->answered_at ? json_integer(c->answered_at) : json_null());
    if (c->next_position) json_object_set_new(j, "next_waitlist_position", json_integer(c->next_position));
    if (c->guardian_name) {
        if (c->guardian_clear)
            json_object_set_new(
                j, "guardian", json_pack("{s:s, s:s}", "name", c->guardian_name, "phone", c->guardian_phone));
        else
            json_object_set_new(j, "guardian",
                                json_pack("{s:s, s:s}", "name_masked", c->guardian_name, "phone_masked",
                                          c->guardian_phone ? c->guardian_phone : ""));
    }
    return j;
}

enum err demand_api_choices(struct req *r, struct resp *out)
{
    struct demand_choice_filter f = {0};
    f.district = district_query(r);
    f.status = req_query(r, "status");
    if (f.status && !*f.status) f.status = NULL;
    if (f.status && demand_name_index(choice_status_names, f.status) < 0)
        fe_add(&r->fe, "status", "状态应为 pending、offered、waitlisted、declined、accepted 或 withdrawn");
    if (!page_parse_int(req_query(r, "institution_id"), 1, INT64_MAX, 0, &f.institution_id))
        fe_add(&r->fe, "institution_id", "应为正整数");
    if (r->fe.n) return ERR_VALIDATION;
    if (r->who->role == ROLE_COUNTY && f.district && strcmp(f.district, r->who->district) != 0)
        return ERR_NOT_FOUND;
    struct demand_choice *items;
    int n;
    enum err e = demand_choices_list(r->db, r->a, r->who, &f, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, choice_json(&items[i]));
    return resp_json(r, out, 200, json_pack("{s:o, s:i}", "items", arr, "total", n));
}

enum err demand_api_answer(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    int decision = -1;
    const char *note = NULL;
    int64_t version = 0;
    struct jspec spec[] = {
        JS_ENUM("decision", &decision, answer_names),
        {.name = "note",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &note,
         .max = DEMAND_NOTE_MAX},
        {.name = "version",
         .type = JT_INT,
         .flags = JS_OPTIONAL,
         .dst = &version,
         .min = 1,
         .max = INT64_MAX},
        JS_END,
    };
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    struct demand_choice c;
    e = demand_answer(r->db, r->a, r->who, r->id[0], decision, note, version, &c);
    if (e == ERR_STATE) r->error_detail = "该申请当前状态不能这样答复（只能答复待答复或候补中的申请）";
    if (e != OK) return e;
    return resp_json(r, out, 200, choice_json(&c));
}

/* The counts of one district row (or the total). */
static json_t *district_json(const struct demand_district_row *d)
{
    json_t *bands = json_array();
    for (int b = 0; b < DEMAND_BANDS; b++)
        json_array_append_new(bands, json_pack("{s:s, s:I, s:I}", "band", demand_band_names[b],
                                               "applications", (json_int_t)d->band_applications[b], "unmet",
                                               (json_int_t)d->band_unmet[b]));
    json_t *j = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "district_name",
                          d->name ? d->name : "", "applications", (json_int_t)d->applications, "pending",
                          (json_int_t)d->pending, "offered", (json_int_t)d->offered, "waitlisted",
                          (json_int_t)d->waitlisted, "declined", (json_int_t)d->declined, "accepted",
                          (json_int_t)d->accepted, "withdrawn", (json_int_t)d->withdrawn, "unmet",
                          (json_int_t)d->unmet, "unmet_applications", (json_int_t)d->unmet_applications,
                          "unmet_needs", (json_int_t)d->unmet_needs, "age_bands", bands);
    json_object_set_new(j, "district_code", d->code ? json_string(d->code) : json_null());
    json_object_set_new(j, "residents", d->planning_known ? json_integer(d->residents) : json_null());
    json_object_set_new(j, "needed", d->planning_known ? json_integer(d->needed) : json_null());
    json_object_set_new(j, "places", d->planning_known ? json_integer(d->places) : json_null());
    return j;
}

static json_t *inst_rows_json(const struct demand_inst_row *rows, int n)
{
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I}", "institution_id", (json_int_t)rows[i].id,
                           "name", rows[i].name, "district_code", rows[i].district_code, "waitlist",
                           (json_int_t)rows[i].waitlist, "places", (json_int_t)rows[i].places, "enrolled",
                           (json_int_t)rows[i].enrolled, "vacancies", (json_int_t)rows[i].vacancies));
    return arr;
}

enum err demand_api_summary(struct req *r, struct resp *out)
{
    const char *district = district_query(r);
    if (r->fe.n) return ERR_VALIDATION;
    if (r->who->role == ROLE_COUNTY) {
        if (district && strcmp(district, r->who->district) != 0) return ERR_NOT_FOUND;
        district = r->who->district;
    }
    struct demand_summary s;
    enum err e = demand_summary_get(r->db, r->a, district, &s);
    if (e == ERR_NOT_FOUND) {
        fe_add(&r->fe, "district", "未知的县（市、区）");
        return ERR_VALIDATION;
    }
    if (e != OK) return e;
    json_t *ds = json_array();
    for (int i = 0; i < s.ndistricts; i++)
        json_array_append_new(ds, district_json(&s.districts[i]));
    json_t *cs = json_array();
    for (int i = 0; i < s.ncommunities; i++) {
        json_t *bands = json_object();
        for (int b = 0; b < DEMAND_BANDS; b++)
            json_object_set_new(bands, demand_band_names[b], json_integer(s.communities[i].band[b]));
        json_array_append_new(cs, json_pack("{s:I, s:s, s:s, s:I, s:o}", "community_id",
                                            (json_int_t)s.communities[i].id, "name", s.communities[i].name,
                                            "district_code", s.communities[i].district_code, "open_needs",
                                            (json_int_t)s.communities[i].open_needs, "age_bands", bands));
    }
    json_t *j = json_pack("{s:i, s:o, s:o, s:o, s:o}", "year", s.year, "districts", ds, "communities", cs,
                          "waitlists", inst_rows_json(s.waitlists, s.nwaitlists), "vacancies",
                          inst_rows_json(s.vacancies, s.nvacancies));
    json_object_set_new(j, "district", district ? json_string(district) : json_null());
    json_object_set_new(j, "total", district ? json_null() : district_json(&s.total));
    return resp_json(r, out, 200, j);
}
