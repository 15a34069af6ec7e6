/* JSON handlers for staff. Visibility: an operator only its own institution, officials their territory;
 * anything else is 404 so that ids elsewhere are not even confirmed to exist. Officials' reads are audited;
 * numbers and phones leave only masked. */
#include "core/clock.h"
#include "modules/institution/inst.h"
#include "modules/people/people.h"

#include <string.h>

static bool is_official(const struct principal *who)
{
    return who->role != ROLE_OPERATOR;
}

/* The staff member r->id[0] if who may see it: ERR_NOT_FOUND otherwise. */
static enum err visible_staff(struct req *r, int64_t *inst_id)
{
    const char *district = NULL;
    enum err e = staff_owner(r->db, r->a, r->id[0], inst_id, &district);
    if (e != OK) return e;
    return people_visible(r->who, *inst_id, district) ? OK : ERR_NOT_FOUND;
}

/* The staff member r->id[0] if it belongs to the operator's own institution: ERR_NOT_FOUND otherwise. */
static enum err own_staff(struct req *r)
{
    int64_t inst_id = 0;
    const char *district = NULL;
    enum err e = staff_owner(r->db, r->a, r->id[0], &inst_id, &district);
    if (e != OK) return e;
    return r->who->role == ROLE_OPERATOR && r->who->institution_id == inst_id ? OK : ERR_NOT_FOUND;
}

enum err staff_api_list(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = inst_get(r->db, r->a, r->id[0], &inst);
    if (e != OK) return e;
    if (!people_visible(r->who, inst.id, inst.district_code)) return ERR_NOT_FOUND;
    const char *il = req_query(r, "include_left");
    if (il && strcmp(il, "0") != 0 && strcmp(il, "1") != 0) {
        fe_add(&r->fe, "include_left", "应为 0 或 1");
        return ERR_VALIDATION;
    }
    json_t *items = NULL;
    e = staff_list_json(r->db, r->a, r->who, inst.id, il && strcmp(il, "1") == 0, is_official(r->who),
                        &items);
    if (e != OK) return e;
    return resp_json(r, out, 200,
                     json_pack("{s:I, s:o}", "institution_id", (json_int_t)inst.id, "items", items));
}

struct add_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t inst_id;
    const struct staff_input *in;
    struct field_errors *fe;
    int64_t id;
    bool refused;
};

/* A refused hire is committed, not rolled back: staff_add_in_tx has then written only the ban check and its
 * audit entry, which the county must see in /api/v1/ban-matches. The refusal is returned after the commit. */
static enum err add_tx(struct db *db, void *p)
{
    struct add_ctx *c = p;
    c->refused = false;
    enum err e = staff_add_in_tx(db, c->a, c->who, c->inst_id, c->in, c->fe, &c->id);
    if (e == ERR_HIRE_REFUSED) {
        c->refused = true;
        return OK;
    }
    return e;
}

enum err staff_api_add(struct req *r, struct resp *out)
{
    int64_t inst_id = r->id[0];
    if (r->who->role != ROLE_OPERATOR || r->who->institution_id != inst_id) return ERR_NOT_FOUND;
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    /* The spec checks types, presence and unknown fields; staff_add_in_tx checks the values (and reports
     * only fields not reported here), so one answer lists every mistake. */
    struct staff_input in = {
        .role = -1, .hired_on = INT64_MIN, .education = -1, .experience_years = -1, .full_time = true};
    struct jspec spec[] = {
        JS_STRING("name", &in.name, 0, 1000),
        JS_STRING("id_number", &in.id_number, 0, 64),
        JS_ENUM("role", &in.role, staff_role_names),
        JS_DATE("hired_on", &in.hired_on),
        {.name = "phone",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.phone,
         .min = 0,
         .max = 64},
        {.name = "education",
         .type = JT_ENUM,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.education,
         .values = education_names},
        {.name = "experience_years",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.experience_years,
         .min = 0,
         .max = 60},
        {.name = "full_time", .type = JT_BOOL, .flags = JS_OPTIONAL, .dst = &in.full_time},
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    struct add_ctx c = {r->a, r->who, inst_id, &in, &r->fe, 0, false};
    e = db_tx(r->db, add_tx, &c);
    if (e == ERR_CONFLICT && r->fe.n) r->error_detail = "此人已在本机构在职，不能重复添加";
    if (e != OK) return e;
    if (c.refused) return ERR_HIRE_REFUSED;
    json_t *staff = NULL;
    e = staff_get_json(r->db, r->a, r->who, c.id, false, &staff);
    if (e != OK) return e;
    return resp_json(r, out, 201, staff);
}

enum err staff_api_get(struct req *r, struct resp *out)
{
    int64_t inst_id = 0;
    enum err e = visible_staff(r, &inst_id);
    if (e != OK) return e;
    json_t *staff = NULL;
    e = staff_get_json(r->db, r->a, r->who, r->id[0], is_official(r->who), &staff);
    if (e != OK) return e;
    return resp_json(r, out, 200, staff);
}

enum err staff_api_patch(struct req *r, struct resp *out)
{
    enum err e = own_staff(r);
    if (e != OK) return e;
    json_t *body, *staff = NULL;
    e = req_json(r, &body);
    if (e != OK) return e;
    e = staff_patch_json(r->db, r->a, r->who, r->id[0], body, &r->fe, &staff);
    if (e == ERR_CONFLICT) r->error_detail = "该员工记录已被他人修改（版本已变化），请刷新后重试";
    if (e != OK) return e;
    return resp_json(r, out, 200, staff);
}

enum err staff_api_add_cert(struct req *r, struct resp *out)
{
    enum err e = own_staff(r);
    if (e != OK) return e;
    json_t *body, *cert = NULL;
    e = req_json(r, &body);
    if (e != OK) return e;
    e = staff_cert_add_json(r->db, r->a, r->who, r->id[0], body, &r->fe, &cert);
    if (e != OK) return e;
    return resp_json(r, out, 201, cert);
}

enum err staff_api_add_check(struct req *r, struct resp *out)
{
    enum err e = own_staff(r);
    if (e != OK) return e;
    json_t *body, *check = NULL;
    e = req_json(r, &body);
    if (e != OK) return e;
    e = staff_check_add_json(r->db, r->a, r->who, r->id[0], body, &r->fe, &check);
    if (e != OK) return e;
    return resp_json(r, out, 201, check);
}
