/* JSON handlers of classes. Operators manage their own institution's classes; officials of the district read
 * them. Anything outside the caller's reach is 404, so ids of other institutions are not even confirmed. */
#include "core/clock.h"
#include "modules/filing/filing.h"
#include "modules/people/class_store.h"
#include "modules/people/people.h"

#include <string.h>

/* Caregiver ids of a request body: integers, read into ctx (an id list sized to the array beforehand). */
struct id_list {
    int64_t *ids;
    int n;
};

static void each_id(json_t *v, const char *path, int index, struct field_errors *fe, void *p)
{
    struct id_list *l = p;
    if (!json_is_integer(v) || json_integer_value(v) < 1) {
        fe_add(fe, path, "应为工作人员编号（正整数）");
        return;
    }
    l->ids[index] = json_integer_value(v);
    if (index + 1 > l->n) l->n = index + 1;
}

static void id_list_init(struct arena *a, json_t *body, const char *key, struct id_list *l)
{
    json_t *arr = json_object_get(body, key);
    size_t n = json_is_array(arr) ? json_array_size(arr) : 0;
    l->ids = arena_zalloc(a, (n + 1) * sizeof *l->ids);
    l->n = 0;
}

static json_t *class_json(const struct class_row *k)
{
    char closed[11];
    json_t *ids = json_array();
    for (int i = 0; i < k->ncaregivers; i++)
        json_array_append_new(ids, json_integer(k->caregiver_ids[i]));
    int64_t vacancies = k->capacity > k->enrolled ? k->capacity - k->enrolled : 0;
    return json_pack("{s:I, s:s, s:s, s:I, s:I, s:o, s:i, s:I, s:I, s:s?}", "id", (json_int_t)k->id, "name",
                     k->name, "type", k->type >= 0 ? class_type_names[k->type] : "unknown", "capacity",
                     (json_int_t)k->capacity, "enrolled", (json_int_t)k->enrolled, "caregiver_ids", ids,
                     "caregivers", k->ncaregivers, "vacancies", (json_int_t)vacancies, "version",
                     (json_int_t)k->version, "closed_on",
                     k->closed_on ? date_format(k->closed_on, closed) : NULL);
}

/* GET /api/v1/institutions/{id}/classes?include_closed=1 */
enum err class_api_list(struct req *r, struct resp *out)
{
    struct people_inst inst;
    enum err e = class_store_inst(r->db, r->a, r->id[0], &inst);
    if (e != OK) return e;
    if (!people_visible(r->who, inst.id, inst.district_code)) return ERR_NOT_FOUND;
    const char *closed = req_query(r, "include_closed");
    if (closed && strcmp(closed, "0") != 0 && strcmp(closed, "1") != 0) {
        fe_add(&r->fe, "include_closed", "应为 0 或 1");
        return ERR_VALIDATION;
    }
    struct class_row *rows;
    int n;
    e = class_list(r->db, r->a, inst.id, clock_day_of(clock_now()), closed && *closed == '1', &rows, &n);
    if (e != OK) return e;
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, class_json(&rows[i]));
    return resp_json(r, out, 200, json_pack("{s:o}", "items", items));
}

static enum err answer_class(struct req *r, struct resp *out, unsigned status, int64_t id)
{
    struct class_row k;
    enum err e = class_get(r->db, r->a, id, clock_day_of(clock_now()), &k);
    if (e != OK) return e;
    return resp_json(r, out, status, class_json(&k));
}

/* POST /api/v1/institutions/{id}/classes {"name","type","capacity","caregiver_ids"?} */
enum err class_api_add(struct req *r, struct resp *out)
{
    int64_t inst_id = r->id[0];
    if (r->who->institution_id != inst_id) return ERR_NOT_FOUND;
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct class_input in = {.type = -1};
    struct id_list ids;
    id_list_init(r->a, body, "caregiver_ids", &ids);
    struct jspec spec[] = {
        JS_STRING("name", &in.name, 1, 50),
        JS_ENUM("type", &in.type, class_type_names),
        /* The cap depends on the type: the store names it. Here only what cannot be a class at all. */
        JS_INT("capacity", &in.capacity, 1, 100000),
        {.name = "caregiver_ids",
         .type = JT_ARRAY,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .each = each_id,
         .ctx = &ids,
         .min = 0,
         .max = 50},
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    in.caregiver_ids = ids.ids;
    in.ncaregivers = ids.n;
    int64_t id = 0;
    e = class_add(r->db, r->a, r->who, inst_id, &in, &r->fe, &id);
    if (e != OK) return e;
    return answer_class(r, out, 201, id);
}

/* PATCH /api/v1/classes/{id} {"version", "name"?, "capacity"?, "caregiver_ids"?, "closed_on"? (null reopens)}
 */
enum err class_api_patch(struct req *r, struct resp *out)
{
    struct class_row k;
    enum err e = class_get(r->db, r->a, r->id[0], clock_day_of(clock_now()), &k);
    if (e != OK) return e;
    if (r->who->institution_id != k.institution_id) return ERR_NOT_FOUND;
    json_t *body;
    e = req_json(r, &body);
    if (e != OK) return e;
    struct class_change ch = {0};
    struct id_list ids;
    id_list_init(r->a, body, "caregiver_ids", &ids);
    bool closed_given = false;
    json_t *closed = json_object_get(body, "closed_on");
    struct jspec spec[] = {
        JS_INT("version", &ch.version, 1, INT64_MAX),
        {.name = "name", .type = JT_STRING, .flags = JS_OPTIONAL, .dst = &ch.name, .min = 1, .max = 50},
        {.name = "capacity",
         .type = JT_INT,
         .flags = JS_OPTIONAL,
         .dst = &ch.capacity,
         .min = 1,
         .max = 100000},
        {.name = "caregiver_ids",
         .type = JT_ARRAY,
         .flags = JS_OPTIONAL,
         .each = each_id,
         .ctx = &ids,
         .min = 0,
         .max = 50,
         .present = &ch.caregivers_given},
        {.name = "closed_on",
         .type = JT_DATE,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &ch.closed_on,
         .present = &closed_given},
        JS_END,
    };
    bool ok = jspec_parse(body, spec, "", &r->fe);
    if (!ok && people_fe_covers(&r->fe, "version")) return ERR_VALIDATION; /* no version: nothing to check */
    ch.caregiver_ids = ids.ids;
    ch.ncaregivers = ids.n;
    if (closed_given)
        ch.closing = 1;
    else if (closed && json_is_null(closed))
        ch.closing = -1;
    e = class_change(r->db, r->a, r->who, k.institution_id, k.id, &ch, &r->fe);
    if (e == ERR_CONFLICT) r->error_detail = "班级已被他人修改（版本已变化），请刷新后重试";
    if (e == ERR_STATE) r->error_detail = "班级还有在班幼儿，请先调班或办理离园后再关闭";
    if (e != OK) return e;
    return answer_class(r, out, 200, k.id);
}
