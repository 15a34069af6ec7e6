/* JSON handlers of information changes (信息变更) and institution versions. Officials see their territory, an
 * operator only its own institution; anything else is 404. */
#include "modules/institution/inst.h"
#include "modules/lifecycle/lifecycle.h"

#include <stdlib.h>
#include <string.h>

static enum err load_visible(struct req *r, int64_t id, struct change_row *c)
{
    enum err e = change_get(r->db, r->a, id, c);
    if (e != OK) return e;
    return lc_visible(r->who, c->district_code, c->institution_id) ? OK : ERR_NOT_FOUND;
}

enum err change_api_request(struct req *r, struct resp *out)
{
    int64_t inst_id = r->id[0];
    if (r->who->institution_id != inst_id) return ERR_NOT_FOUND;
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    json_t *changes = json_object_get(body, "changes");
    json_t *reason = json_object_get(body, "reason");
    const char *key;
    json_t *val;
    json_object_foreach (body, key, val)
        if (strcmp(key, "changes") != 0 && strcmp(key, "reason") != 0) fe_add(&r->fe, key, "未知字段");
    if (reason && !json_is_string(reason)) fe_add(&r->fe, "reason", "应为字符串");
    int64_t id = 0;
    e = change_request(r->db, r->a, r->who, inst_id, changes, json_string_value(reason), &r->fe, &id);
    if (e != OK) return e;
    struct change_row c;
    e = change_get(r->db, r->a, id, &c);
    if (e != OK) return e;
    return resp_json(r, out, 201, change_json(&c));
}

enum err change_api_list(struct req *r, struct resp *out)
{
    const char *status = req_query(r, "status"), *district = req_query(r, "district");
    const char *inst = req_query(r, "institution_id");
    if (status && !*status) status = NULL;
    if (status && lc_status_from_name(change_status_names, status) <= CH_NONE)
        fe_add(&r->fe, "status", "状态应为 pending、approved 或 rejected");
    int64_t inst_id = 0;
    if (inst && *inst) {
        char *end;
        inst_id = strtoll(inst, &end, 10);
        if (*end || inst_id < 1) fe_add(&r->fe, "institution_id", "应为机构编号");
    }
    enum err e = lc_scope_district(r, &district);
    if (e != OK) return e;
    if (r->who->role == ROLE_OPERATOR) {
        if (inst_id && inst_id != r->who->institution_id) return ERR_NOT_FOUND;
        inst_id = r->who->institution_id;
    }
    if (r->fe.n) return ERR_VALIDATION;
    struct change_row *rows;
    int n;
    e = change_list(r->db, r->a, status, district, inst_id, &rows, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, change_json(&rows[i]));
    return resp_json(r, out, 200, json_pack("{s:I, s:o}", "total", (json_int_t)n, "items", arr));
}

enum err change_api_get(struct req *r, struct resp *out)
{
    struct change_row c;
    enum err e = load_visible(r, r->id[0], &c);
    if (e != OK) return e;
    return resp_json(r, out, 200, change_json(&c));
}

enum err change_api_decide(struct req *r, struct resp *out)
{
    static const char *const decisions[] = {"approve", "reject", NULL};
    const char *decision, *reason;
    struct change_row c;
    enum err e = load_visible(r, r->id[0], &c);
    if (e == OK) e = lc_decision_body(r, decisions, &decision, &reason, NULL);
    if (e == OK) e = change_decide(r->db, r->a, r->who, c.id, decision, reason, &r->fe);
    if (e == OK) e = change_get(r->db, r->a, c.id, &c);
    if (e != OK) return e;
    return resp_json(r, out, 200, change_json(&c));
}

static json_t *version_json(const struct inst_version *v)
{
    json_t *j = json_pack("{s:I, s:I, s:b}", "version", (json_int_t)v->version, "created_at",
                          (json_int_t)v->created_at, "stored", v->stored);
    json_object_set_new(j, "change_id", v->change_id ? json_integer(v->change_id) : json_null());
    json_t *s = v->snapshot ? json_loads(v->snapshot, 0, NULL) : NULL;
    json_object_set_new(j, "snapshot", s ? s : json_object());
    return j;
}

enum err change_api_versions(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = lc_load_inst(r, r->id[0], &inst);
    if (e != OK) return e;
    struct inst_version *items;
    int n;
    e = inst_versions(r->db, r->a, inst.id, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, version_json(&items[i]));
    return resp_json(r, out, 200,
                     json_pack("{s:I, s:I, s:o}", "institution_id", (json_int_t)inst.id, "current",
                               (json_int_t)inst.version, "items", arr));
}

enum err change_api_version(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = lc_load_inst(r, r->id[0], &inst);
    if (e != OK) return e;
    struct inst_version v;
    e = inst_version_get(r->db, r->a, inst.id, r->id[1], &v);
    if (e != OK) return e;
    return resp_json(r, out, 200, version_json(&v));
}
