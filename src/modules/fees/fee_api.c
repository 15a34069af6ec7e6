/* JSON handlers of fees. Operators publish their own schedule; officials read their territory's schedules and
 * set caps (county officials for their own district, the city for any); the public reads filed institutions'
 * current schedules. Anything outside who's territory is 404. */
#include "core/clock.h"
#include "modules/fees/fees.h"
#include "modules/filing/filing.h"
#include "modules/institution/inst.h"

#include <string.h>

/* Parse ?history=: absent, "0" or "1"; a bad value is a field error. */
static bool history_param(struct req *r)
{
    const char *h = req_query(r, "history");
    if (h && *h && strcmp(h, "0") != 0 && strcmp(h, "1") != 0) fe_add(&r->fe, "history", "应为 0 或 1");
    return h && strcmp(h, "1") == 0;
}

/* The institution r->id[0] if who may see its schedule: its operator, or officials of its district. */
static enum err visible_inst(struct req *r, struct institution *inst)
{
    enum err e = inst_get(r->db, r->a, r->id[0], inst);
    if (e != OK) return e;
    if (r->who->role == ROLE_OPERATOR) return r->who->institution_id == inst->id ? OK : ERR_NOT_FOUND;
    return auth_sees_district(r->who, inst->district_code) ? OK : ERR_NOT_FOUND;
}

enum err fee_api_set(struct req *r, struct resp *out)
{
    if (r->who->institution_id != r->id[0]) return ERR_NOT_FOUND;
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    e = fee_set_json(r->db, r->a, r->who, r->id[0], body, &r->fe);
    if (e != OK) return e;
    struct fee_view v;
    e = fee_view_get(r->db, r->a, r->id[0], clock_day_of(clock_now()), &v);
    if (e != OK) return e;
    return resp_json(r, out, 201, fee_view_json(&v, false, false));
}

enum err fee_api_get(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = visible_inst(r, &inst);
    if (e != OK) return e;
    bool history = history_param(r);
    if (r->fe.n) return ERR_VALIDATION;
    struct fee_view v;
    e = fee_view_get(r->db, r->a, inst.id, clock_day_of(clock_now()), &v);
    if (e != OK) return e;
    return resp_json(r, out, 200, fee_view_json(&v, history, false));
}

enum err fee_api_public(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = inst_get(r->db, r->a, r->id[0], &inst);
    if (e != OK) return e;
    if (strcmp(inst.state, "filed") != 0) return ERR_NOT_FOUND;
    struct fee_view v;
    e = fee_view_get(r->db, r->a, inst.id, clock_day_of(clock_now()), &v);
    if (e != OK) return e;
    json_t *j = fee_view_json(&v, false, true);
    json_object_set_new(j, "institution_name", json_string(inst.name));
    return resp_json(r, out, 200, j);
}

static json_t *cap_json(const struct fee_cap_row *c, int64_t today)
{
    int t = c->service_type, k = c->cap_kind;
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:o, s:s, s:b, s:b, s:I}", "id",
                     (json_int_t)c->id, "district_code", c->district_code, "district_name", c->district_name,
                     "service_type", t >= 0 ? service_type_names[t] : "", "applies_to",
                     k >= 0 ? fee_cap_kind_names[k] : "", "applies_to_zh",
                     k >= 0 ? fee_cap_kind_names_zh[k] : "", "cap_fen", (json_int_t)c->cap_fen, "unit",
                     t == SVC_HOURLY ? "hour" : "month", "effective_from", json_day(c->effective_from),
                     "basis", c->basis, "current", c->current, "upcoming", c->effective_from > today,
                     "created_at", (json_int_t)c->created_at);
}

enum err fee_api_cap_add(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    int64_t id = 0;
    e = fee_cap_add_json(r->db, r->a, r->who, body, &r->fe, &id);
    if (e == ERR_NOT_FOUND) r->error_detail = "只能为本辖区设定指导价上限";
    if (e != OK) return e;
    int64_t today = clock_day_of(clock_now());
    struct fee_cap_row *items;
    int n;
    e = fee_cap_list(r->db, r->a, json_string_value(json_object_get(body, "district_code")), true, today,
                     &items, &n);
    if (e != OK) return e;
    for (int i = 0; i < n; i++)
        if (items[i].id == id) return resp_json(r, out, 201, cap_json(&items[i], today));
    return ERR_INTERNAL;
}

enum err fee_api_cap_list(struct req *r, struct resp *out)
{
    bool history = history_param(r);
    const char *district = req_query(r, "district");
    if (district && !*district) district = NULL;
    if (district) {
        const char *name = NULL;
        enum err e = district_name(r->db, r->a, district, &name);
        if (e == ERR_NOT_FOUND)
            fe_add(&r->fe, "district", "不是十堰市的区县代码");
        else if (e != OK)
            return e;
    }
    if (r->fe.n) return ERR_VALIDATION;
    if (r->who->role == ROLE_COUNTY) district = r->who->district;
    int64_t today = clock_day_of(clock_now());
    struct fee_cap_row *items;
    int n;
    enum err e = fee_cap_list(r->db, r->a, district, history, today, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, cap_json(&items[i], today));
    return resp_json(r, out, 200, json_pack("{s:o}", "items", arr));
}
