/* JSON handlers of children. An operator enrols and changes its own institution's children; officials of the
 * district read them, and every such read is audited. Responses carry masked ID numbers and phones only. */
#include "core/clock.h"
#include "modules/filing/filing.h"
#include "modules/people/child_store.h"
#include "modules/people/class_store.h"
#include "modules/people/people.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const sexes[] = {"female", "male", NULL};
static const char *const results[] = {"pass", "fail", NULL};
static const char *const later_kinds[] = {"yearly", "return", NULL};

static json_t *date_json(int64_t day)
{
    char s[11];
    return day ? json_string(date_format(day, s)) : json_null();
}

static json_t *child_json(const struct child_row *c, int64_t today)
{
    char birth[11], start[11];
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:s, s:I}", "id", (json_int_t)c->id, "name",
                          c->name, "id_number_masked", c->id_masked, "sex", c->sex, "birth_on",
                          date_format(c->birth_on, birth), "age_months", child_age_months(c->birth_on, today),
                          "start_on", date_format(c->start_on, start), "version", (json_int_t)c->version);
    json_object_set_new(j, "class_id", c->class_id ? json_integer(c->class_id) : json_null());
    json_object_set_new(j, "class_name", c->class_name ? json_string(c->class_name) : json_null());
    json_object_set_new(j, "class_type",
                        c->class_type >= 0 ? json_string(class_type_names[c->class_type]) : json_null());
    json_object_set_new(j, "end_on", date_json(c->end_on));
    json_object_set_new(j, "absent_since", date_json(c->absent_since));
    json_object_set_new(j, "last_check_on", date_json(c->last_check));
    json_object_set_new(j, "next_check_due", date_json(c->next_check_due));
    return j;
}

static json_t *child_full_json(const struct child_row *c, int64_t today)
{
    json_t *j = child_json(c, today);
    json_t *gs = json_array();
    for (int i = 0; i < c->nguardians; i++)
        json_array_append_new(gs, json_pack("{s:s, s:s, s:s}", "name", c->guardians[i].name, "relation",
                                            c->guardians[i].relation, "phone_masked",
                                            c->guardians[i].phone_masked));
    json_object_set_new(j, "guardians", gs);
    json_t *cs = json_array();
    for (int i = 0; i < c->nchecks; i++) {
        char day[11];
        json_array_append_new(cs, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)c->checks[i].id,
                                            "kind", c->checks[i].kind, "checked_on",
                                            date_format(c->checks[i].checked_on, day), "examiner",
                                            c->checks[i].examiner, "result", c->checks[i].result));
    }
    json_object_set_new(j, "health_checks", cs);
    return j;
}

/* A positive id in a query parameter: true and *out when valid, absent gives 0. */
static bool query_id(const char *s, int64_t *out)
{
    *out = 0;
    if (!s || !*s) return true;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno || v < 1) return false;
    *out = v;
    return true;
}

/* GET /api/v1/institutions/{id}/children?class_id=&include_left=1: masked numbers, ages in months; an
 * official's read appends "children.list". */
enum err child_api_list(struct req *r, struct resp *out)
{
    struct people_inst inst;
    enum err e = class_store_inst(r->db, r->a, r->id[0], &inst);
    if (e != OK) return e;
    if (!people_visible(r->who, inst.id, inst.district_code)) return ERR_NOT_FOUND;
    int64_t class_id = 0;
    if (!query_id(req_query(r, "class_id"), &class_id)) fe_add(&r->fe, "class_id", "应为班级编号（正整数）");
    const char *left = req_query(r, "include_left");
    if (left && strcmp(left, "0") != 0 && strcmp(left, "1") != 0)
        fe_add(&r->fe, "include_left", "应为 0 或 1");
    if (r->fe.n) return ERR_VALIDATION;
    int64_t today = clock_day_of(clock_now());
    struct child_row *rows;
    int n;
    e = child_list(r->db, r->a, inst.id, class_id, left && *left == '1', today, &rows, &n);
    if (e != OK) return e;
    json_t *detail = json_pack("{s:i}", "count", n);
    if (class_id) json_object_set_new(detail, "class_id", json_integer(class_id));
    e = people_audit_read(r->db, r->who, "children.list", "institution", inst.id, json_text(r->a, detail));
    if (e != OK) return e;
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, child_json(&rows[i], today));
    return resp_json(r, out, 200, json_pack("{s:o}", "items", items));
}

struct body_ctx {
    struct child_input *in;
};

static void each_guardian(json_t *v, const char *path, int index, struct field_errors *fe, void *p)
{
    struct body_ctx *c = p;
    struct child_guardian *g = &c->in->guardians[index];
    struct jspec spec[] = {
        JS_STRING("name", &g->name, 1, 50),
        JS_STRING("relation", &g->relation, 1, 20),
        JS_STRING("phone", &g->phone, 5, 20),
        JS_END,
    };
    jspec_parse(v, spec, path, fe);
}

static void each_admission(json_t *v, const char *path, int index, struct field_errors *fe, void *p)
{
    (void)index;
    struct body_ctx *c = p;
    int result = -1;
    struct jspec spec[] = {
        JS_DATE("checked_on", &c->in->admission_checked_on),
        JS_STRING("examiner", &c->in->admission_examiner, 1, 100),
        JS_ENUM("result", &result, results),
        JS_END,
    };
    jspec_parse(v, spec, path, fe);
    if (result >= 0) c->in->admission_result = results[result];
}

/* POST /api/v1/institutions/{id}/children: the operator of that institution only (404 otherwise); 201 with
 * the child as GET answers it, 422 listing every bad field. */
enum err child_api_add(struct req *r, struct resp *out)
{
    int64_t inst_id = r->id[0];
    if (r->who->institution_id != inst_id) return ERR_NOT_FOUND;
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct child_input in;
    memset(&in, 0, sizeof in);
    json_t *gs = json_object_get(body, "guardians");
    size_t ng = json_is_array(gs) ? json_array_size(gs) : 0;
    in.guardians = arena_zalloc(r->a, (ng + 1) * sizeof *in.guardians);
    in.nguardians = (int)ng;
    struct body_ctx ctx = {&in};
    int sex = -1;
    struct jspec spec[] = {
        JS_STRING("name", &in.name, 1, 50),
        JS_STRING("id_number", &in.id_number, 0, 64), /* the store says what is wrong with it */
        JS_DATE("birth_on", &in.birth_on),
        JS_ENUM("sex", &sex, sexes),
        {.name = "class_id",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.class_id,
         .min = 1,
         .max = INT64_MAX},
        JS_DATE("start_on", &in.start_on),
        JS_ARRAY("guardians", each_guardian, &ctx, 1, 4),
        JS_OBJECT("admission_check", each_admission, &ctx),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (sex >= 0) in.sex = sexes[sex];
    if (!json_is_array(gs)) in.nguardians = 0;
    int64_t id = 0;
    e = child_add(r->db, r->a, r->who, inst_id, &in, &r->fe, &id);
    if (e != OK) return e;
    struct child_row c;
    e = child_get(r->db, r->a, id, &c);
    if (e != OK) return e;
    return resp_json(r, out, 201, child_full_json(&c, clock_day_of(clock_now())));
}

/* The child of path id r->id[0] if who may see it (officials of its district, its operator); else 404. */
static enum err visible_child(struct req *r, struct child_row *c)
{
    enum err e = child_get(r->db, r->a, r->id[0], c);
    if (e != OK) return e;
    struct people_inst inst;
    e = class_store_inst(r->db, r->a, c->institution_id, &inst);
    if (e != OK) return e;
    return people_visible(r->who, inst.id, inst.district_code) ? OK : ERR_NOT_FOUND;
}

/* GET /api/v1/children/{id}: with guardians (masked phones) and checks; an official's read appends
 * "child.read". */
enum err child_api_get(struct req *r, struct resp *out)
{
    struct child_row c;
    enum err e = visible_child(r, &c);
    if (e != OK) return e;
    e = people_audit_read(r->db, r->who, "child.read", "child", c.id, NULL);
    if (e != OK) return e;
    return resp_json(r, out, 200, child_full_json(&c, clock_day_of(clock_now())));
}

/* PATCH /api/v1/children/{id} {"version", "class_id"? (null: out of any class), "end_on"?, "absent_since"?
 * (null: back)} */
enum err child_api_patch(struct req *r, struct resp *out)
{
    struct child_row c;
    enum err e = visible_child(r, &c);
    if (e != OK) return e;
    if (r->who->institution_id != c.institution_id) return ERR_NOT_FOUND;
    json_t *body;
    e = req_json(r, &body);
    if (e != OK) return e;
    struct child_change ch;
    memset(&ch, 0, sizeof ch);
    bool absent_given = false;
    json_t *klass = json_object_get(body, "class_id"), *absent = json_object_get(body, "absent_since");
    struct jspec spec[] = {
        JS_INT("version", &ch.version, 1, INT64_MAX),
        {.name = "class_id",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &ch.class_id,
         .min = 1,
         .max = INT64_MAX,
         .present = &ch.class_given},
        {.name = "end_on",
         .type = JT_DATE,
         .flags = JS_OPTIONAL,
         .dst = &ch.end_on,
         .present = &ch.end_given},
        {.name = "absent_since",
         .type = JT_DATE,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &ch.absent_since,
         .present = &absent_given},
        JS_END,
    };
    bool ok = jspec_parse(body, spec, "", &r->fe);
    if (!ok && people_fe_covers(&r->fe, "version")) return ERR_VALIDATION;
    if (klass && json_is_null(klass)) {
        ch.class_given = true;
        ch.class_id = 0;
    }
    /* A field the validator refused is not applied: the change below only reports it. */
    if (people_fe_covers(&r->fe, "class_id")) ch.class_given = false;
    if (people_fe_covers(&r->fe, "end_on")) ch.end_given = false;
    if (absent_given && !people_fe_covers(&r->fe, "absent_since"))
        ch.absence = 1;
    else if (absent && json_is_null(absent))
        ch.absence = -1;
    e = child_change(r->db, r->a, r->who, c.institution_id, c.id, &ch, &r->fe);
    if (e == ERR_CONFLICT) r->error_detail = "幼儿信息已被他人修改（版本已变化），请刷新后重试";
    if (e == ERR_STATE) r->error_detail = "该幼儿已离园，记录不能再修改";
    if (e != OK) return e;
    e = child_get(r->db, r->a, c.id, &c);
    if (e != OK) return e;
    return resp_json(r, out, 200, child_full_json(&c, clock_day_of(clock_now())));
}

/* POST /api/v1/children/{id}/health-checks {"kind":"yearly"|"return","checked_on","examiner","result"} */
enum err child_api_add_check(struct req *r, struct resp *out)
{
    struct child_row c;
    enum err e = visible_child(r, &c);
    if (e != OK) return e;
    if (r->who->institution_id != c.institution_id) return ERR_NOT_FOUND;
    json_t *body;
    e = req_json(r, &body);
    if (e != OK) return e;
    struct check_input in = {0};
    int kind = -1, result = -1;
    struct jspec spec[] = {
        JS_ENUM("kind", &kind, later_kinds),
        JS_DATE("checked_on", &in.checked_on),
        JS_STRING("examiner", &in.examiner, 1, 100),
        JS_ENUM("result", &result, results),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (kind >= 0) in.kind = later_kinds[kind];
    if (result >= 0) in.result = results[result];
    int64_t id = 0;
    e = child_add_check(r->db, r->a, r->who, c.institution_id, c.id, &in, &r->fe, &id);
    if (e != OK) return e;
    char day[11];
    return resp_json(r, out, 201,
                     json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)id, "child_id",
                               (json_int_t)c.id, "kind", in.kind, "checked_on",
                               date_format(in.checked_on, day), "examiner", in.examiner, "result",
                               in.result));
}
