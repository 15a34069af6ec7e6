/* JSON handlers for sessions and user accounts. */
#include "modules/institution/inst.h"

#include <stdio.h>
#include <string.h>

static json_t *user_json(const struct principal *p)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s?}", "id", (json_int_t)p->user_id, "username", p->username,
                          "role", role_name(p->role), "district", p->district);
    json_object_set_new(j, "institution_id",
                        p->institution_id ? json_integer(p->institution_id) : json_null());
    return j;
}

enum err session_api_login(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    const char *username = NULL, *password = NULL;
    struct jspec spec[] = {JS_STRING("username", &username, 1, 64), JS_STRING("password", &password, 1, 1024),
                           JS_END};
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    char token[64];
    struct principal p;
    e = session_login(r->db, r->a, username, password, r->client_ip, token, &p);
    if (e != OK) return e;
    char *cookie =
        arena_printf(r->a, "tuoyu_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=28800", token);
    resp_header(r, out, "Set-Cookie", cookie);
    return resp_json(r, out, 200, json_pack("{s:o, s:s}", "user", user_json(&p), "csrf", p.csrf));
}

enum err session_api_get(struct req *r, struct resp *out)
{
    return resp_json(r, out, 200, json_pack("{s:o}", "user", user_json(r->who)));
}

enum err session_api_logout(struct req *r, struct resp *out)
{
    if (r->who->session_id) {
        enum err e = session_logout(r->db, r->who);
        if (e != OK) return e;
    }
    resp_header(r, out, "Set-Cookie", "tuoyu_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    out->status = 204;
    out->content_type = "text/plain";
    return OK;
}

enum err user_api_create(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    const char *username = NULL, *password = NULL, *district = NULL, *department = NULL, *unit = NULL;
    int role = -1;
    int64_t inst = 0;
    static const char *const roles[] = {"admin",     "city_official", "county_official",
                                        "registrar", "inspector",     "operator",
                                        "auditor",   "unit_officer",  NULL};
    struct jspec spec[] = {
        JS_STRING("username", &username, 1, 64),
        JS_ENUM("role", &role, roles),
        {.name = "district",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &district,
         .min = 6,
         .max = 6},
        {.name = "institution_id",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &inst,
         .min = 1,
         .max = INT64_MAX},
        {.name = "unit",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &unit,
         .min = 1,
         .max = 64},
        {.name = "department",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &department,
         .min = 1,
         .max = 32},
        JS_STRING("password", &password, 10, 1024),
        JS_END,
    };
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    unsigned rb = role_from_name(roles[role]);
    bool needs_district = rb == ROLE_COUNTY || rb == ROLE_INSPECTOR;
    if (needs_district && !district) fe_add(&r->fe, "district", "县级卫健局和检查员账号必须指定区县");
    if (!needs_district && district) fe_add(&r->fe, "district", "该角色不指定区县");
    if (rb == ROLE_OPERATOR && !inst) fe_add(&r->fe, "institution_id", "托育机构账号必须绑定机构");
    if (rb != ROLE_OPERATOR && inst) fe_add(&r->fe, "institution_id", "只有托育机构账号绑定机构");
    if (rb != ROLE_INSPECTOR && department) fe_add(&r->fe, "department", "只有检查员账号指定部门");
    if ((rb == ROLE_UNIT) != (unit != NULL))
        fe_add(&r->fe, "unit", rb == ROLE_UNIT ? "成员单位账号必须指定单位" : "只有成员单位账号指定单位");
    if (district) {
        const char *dname = NULL;
        e = district_name(r->db, r->a, district, &dname);
        if (e == ERR_NOT_FOUND) fe_add(&r->fe, "district", "不是十堰市的区县代码");
        if (e != OK && e != ERR_NOT_FOUND) return e;
    }
    if (inst) {
        struct institution i;
        if (inst_get(r->db, r->a, inst, &i) != OK) fe_add(&r->fe, "institution_id", "机构不存在");
    }
    if (r->fe.n) return ERR_VALIDATION;
    int64_t id = 0;
    e = user_create(r->db, r->who, username, roles[role], district, department, unit, inst, password, &id);
    if (e == ERR_VALIDATION)
        fe_add(&r->fe,
               unit         ? "unit"
               : department ? "department"
                            : "username",
               unit         ? "不是已知的联席会议单位"
               : department ? "不是已知的检查部门"
                            : "用户名只能包含小写字母、数字、点、下划线和连字符");
    if (e == ERR_CONFLICT) r->error_detail = "用户名已被使用";
    if (e != OK) return e;
    return resp_json(r, out, 201, json_pack("{s:I}", "id", (json_int_t)id));
}
