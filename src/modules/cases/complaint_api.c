/* JSON handlers of complaints. The public files (CAPTCHA, rate limit) and looks up the status with its
 * receipt number and lookup code; the county of the complaint's district handles it, the city reads every
 * complaint. Outside the territory: 404. An official's read of one complaint is audited, since it carries a
 * contact. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/cases/cases.h"

#include <string.h>

void cases_fe_merge(struct field_errors *to, const struct field_errors *from)
{
    for (int i = 0; i < from->n; i++) {
        bool seen = false;
        for (int k = 0; k < to->n && !seen; k++)
            seen = strcmp(to->items[k].field, from->items[i].field) == 0;
        if (!seen) fe_add(to, from->items[i].field, from->items[i].message);
    }
}

/* Whether who may see a complaint routed to district. */
static bool complaint_visible(const struct principal *who, const char *district)
{
    return who && who->role != ROLE_OPERATOR && who->role != ROLE_INSPECTOR &&
           auth_sees_district(who, district);
}

json_t *complaint_json(const struct complaint_row *c, bool contact)
{
    char due[11];
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:b, s:b, s:I}", "id", (json_int_t)c->id, "number",
        c->number ? c->number : "", "district_code", c->district_code, "district_name",
        c->district_name ? c->district_name : "", "category", c->category, "text", c->text, "status",
        c->status, "received_at", (json_int_t)c->received_at, "due_on", date_format(c->due_on, due),
        "overdue", c->overdue, "anonymous_public", c->anonymous_public, "version", (json_int_t)c->version);
    json_object_set_new(j, "institution_id",
                        c->institution_id ? json_integer(c->institution_id) : json_null());
    json_object_set_new(j, "institution_name",
                        c->institution_name ? json_string(c->institution_name) : json_null());
    json_object_set_new(j, "accepted_at", c->accepted_at ? json_integer(c->accepted_at) : json_null());
    json_object_set_new(j, "answered_at", c->answered_at ? json_integer(c->answered_at) : json_null());
    json_object_set_new(j, "answer", c->answer ? json_string(c->answer) : json_null());
    json_object_set_new(j, "inspection_id", c->inspection_id ? json_integer(c->inspection_id) : json_null());
    if (contact)
        json_object_set_new(
            j, "contact",
            json_pack("{s:s?, s:s?}", "name", c->contact_name, "phone_masked", c->contact_phone_masked));
    return j;
}

enum err captcha_api_get(struct req *r, struct resp *out)
{
    struct captcha_challenge ch;
    captcha_new(r->a, &ch);
    return resp_json(r, out, 200,
                     json_pack("{s:s, s:s, s:I}", "token", ch.token, "svg", ch.svg, "expires_at",
                               (json_int_t)ch.expires_at));
}

enum err complaint_api_file(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct complaint_input in = {.category = -1};
    const char *token = NULL, *answer = NULL;
    struct jspec spec[] = {
        {.name = "institution_id",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.institution_id,
         .min = 1,
         .max = INT64_MAX},
        {.name = "district",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.district,
         .min = 6,
         .max = 6},
        JS_ENUM("category", &in.category, complaint_category_names),
        JS_STRING("text", &in.text, 1, 4000),
        JS_STRING("contact_name", &in.contact_name, 1, 100),
        JS_STRING("contact_phone", &in.contact_phone, 1, 40),
        {.name = "anonymous_public", .type = JT_BOOL, .flags = JS_OPTIONAL, .dst = &in.anonymous_public},
        JS_STRING("captcha_token", &token, 1, 300),
        JS_STRING("captcha_answer", &answer, 0, 20),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    struct field_errors more;
    fe_init(&more, r->a);
    complaint_validate(r->db, r->a, &in, &more);
    cases_fe_merge(&r->fe, &more);
    if (token) {
        enum captcha_result cr;
        e = captcha_check(r->db, token, answer, &cr);
        if (e != OK) return e;
        if (cr != CAPTCHA_OK) fe_add(&r->fe, "captcha", captcha_result_zh(cr));
    }
    if (r->fe.n) return ERR_VALIDATION;
    struct complaint_receipt rc;
    e = complaint_file(r->db, r->a, &in, r->client_ip, 0, &r->fe, &rc);
    if (e == ERR_THROTTLED) r->error_detail = "同一网络每小时最多提交 5 件、每天最多 20 件投诉，请稍后再试";
    if (e != OK) return e;
    char due[11];
    return resp_json(r, out, 201,
                     json_pack("{s:s, s:s, s:s, s:s}", "number", rc.number, "code", rc.code, "status",
                               "received", "due_on", date_format(rc.due_on, due)));
}

enum err complaint_api_status(struct req *r, struct resp *out)
{
    const char *number = req_query(r, "number"), *code = req_query(r, "code");
    if (!number || !*number) fe_add(&r->fe, "number", "请填写受理编号");
    if (!code || !*code) fe_add(&r->fe, "code", "请填写查询码");
    if (r->fe.n) return ERR_VALIDATION;
    struct complaint_row c;
    enum err e = complaint_lookup(r->db, r->a, number, code, &c);
    if (e != OK) return e;
    char due[11], recv[11];
    json_t *j =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "number", c.number, "status", c.status, "category",
                  c.category, "received_on", date_format(clock_day_of(c.received_at), recv), "due_on",
                  date_format(c.due_on, due), "overdue", c.overdue);
    json_object_set_new(j, "institution_name",
                        c.institution_name ? json_string(c.institution_name) : json_null());
    json_object_set_new(j, "answer", c.answer ? json_string(c.answer) : json_null());
    json_object_set_new(j, "answered_at", c.answered_at ? json_integer(c.answered_at) : json_null());
    return resp_json(r, out, 200, j);
}

enum err complaint_api_list(struct req *r, struct resp *out)
{
    struct complaint_filter f = {0};
    f.district = req_query(r, "district");
    f.status = req_query(r, "status");
    if (f.district && !*f.district) f.district = NULL;
    if (f.status && !*f.status) f.status = NULL;
    if (f.status && cases_name_index(complaint_status_names, f.status) <= 0)
        fe_add(&r->fe, "status", "状态应为 received、handling 或 answered");
    int64_t v = 0;
    if (!page_parse_int(req_query(r, "overdue"), 0, 1, 0, &v)) fe_add(&r->fe, "overdue", "应为 0 或 1");
    f.overdue_only = v == 1;
    if (!page_parse_int(req_query(r, "institution_id"), 1, INT64_MAX, 0, &f.institution_id))
        fe_add(&r->fe, "institution_id", "应为正整数");
    if (!page_parse_int(req_query(r, "page"), 1, 100000, 1, &v)) fe_add(&r->fe, "page", "应为正整数");
    f.page = (int)v;
    if (r->fe.n) return ERR_VALIDATION;
    if (r->who->role == ROLE_COUNTY) f.district = r->who->district;
    struct complaint_row *items;
    int n;
    int64_t total;
    enum err e = complaint_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, complaint_json(&items[i], false));
    return resp_json(r, out, 200, json_pack("{s:o, s:I}", "items", arr, "total", (json_int_t)total));
}

enum err complaint_load_visible(struct req *r, struct complaint_row *c)
{
    enum err e = complaint_get(r->db, r->a, NULL, r->id[0], c);
    if (e != OK) return e;
    return complaint_visible(r->who, c->district_code) ? OK : ERR_NOT_FOUND;
}

enum err complaint_api_get(struct req *r, struct resp *out)
{
    struct complaint_row c;
    enum err e = complaint_load_visible(r, &c);
    if (e == OK) e = complaint_get(r->db, r->a, r->who, c.id, &c);
    if (e != OK) return e;
    return resp_json(r, out, 200, complaint_json(&c, true));
}

/* complaint_load_visible, then the request's JSON body (a hidden complaint is 404 whatever the body). */
static enum err load_visible_body(struct req *r, struct complaint_row *c, json_t **body)
{
    enum err e = complaint_load_visible(r, c);
    return e == OK ? req_json(r, body) : e;
}

/* The complaint id as it is now (no contact), with status. */
static enum err answer_current(struct req *r, struct resp *out, unsigned status, int64_t id)
{
    struct complaint_row c;
    enum err e = complaint_get(r->db, r->a, NULL, id, &c);
    if (e != OK) return e;
    return resp_json(r, out, status, complaint_json(&c, false));
}

enum err complaint_api_accept(struct req *r, struct resp *out)
{
    struct complaint_row c;
    enum err e = complaint_load_visible(r, &c);
    if (e == OK) e = complaint_accept(r->db, r->who, c.id);
    if (e != OK) return e;
    return answer_current(r, out, 200, c.id);
}

enum err complaint_api_answer(struct req *r, struct resp *out)
{
    struct complaint_row c;
    json_t *body;
    enum err e = load_visible_body(r, &c, &body);
    if (e != OK) return e;
    const char *text = NULL;
    struct jspec spec[] = {JS_STRING("text", &text, 2, 4000), JS_END};
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    e = complaint_answer(r->db, r->who, c.id, text, 0);
    if (e != OK) return e;
    return answer_current(r, out, 200, c.id);
}

enum err complaint_api_inspection(struct req *r, struct resp *out)
{
    struct complaint_row c;
    json_t *body;
    enum err e = load_visible_body(r, &c, &body);
    if (e != OK) return e;
    const char *department = "health";
    int64_t planned_on = 0;
    struct jspec spec[] = {
        {.name = "department",
         .type = JT_STRING,
         .flags = JS_OPTIONAL,
         .dst = &department,
         .min = 1,
         .max = 32},
        JS_DATE("planned_on", &planned_on),
        JS_END,
    };
    bool ok = jspec_parse(body, spec, "", &r->fe);
    if (ok && planned_on < clock_day_of(clock_now())) fe_add(&r->fe, "planned_on", "计划日期不能早于今天");
    if (!ok || r->fe.n) return ERR_VALIDATION;
    int64_t insp = 0;
    e = complaint_trigger_inspection(r->db, r->a, r->who, c.id, department, planned_on, &r->fe, &insp);
    if (e != OK) return e;
    return answer_current(r, out, 201, c.id);
}
