/* JSON handlers of checklist templates, inspections and findings. Territory: county officials and inspectors
 * see their district, operators their own institution's completed inspections; anything else is 404, so ids
 * of other territories are not even confirmed to exist. */
#include "core/clock.h"
#include "modules/inspection/inspection.h"
#include "modules/institution/inst.h"

#include <stdlib.h>
#include <string.h>

/* ---- JSON ------------------------------------------------------------------------------------------------
 */

json_t *inspection_finding_to_json(const struct inspection_finding_row *f)
{
    return json_pack("{s:I, s:I, s:I, s:s?, s:s?, s:s?, s:s?, s:s, s:s, s:s, s:o}", "id", (json_int_t)f->id,
                     "inspection_id", (json_int_t)f->inspection_id, "institution_id",
                     (json_int_t)f->institution_id, "institution_name", f->institution_name, "district_code",
                     f->district_code, "department", f->department, "item_code", f->item_code, "severity",
                     f->severity, "clause", f->clause, "description", f->description, "found_on",
                     json_day(f->found_on));
}

static json_t *opt_id(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

json_t *inspection_to_json(const struct inspection_row *row)
{
    json_t *j = json_pack(
        "{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s?, s:s?, s:I, s:I, "
        "s:I, s:I}",
        "id", (json_int_t)row->id, "institution_id", (json_int_t)row->institution_id, "institution_name",
        row->institution_name, "district_code", row->district_code, "district_name", row->district_name,
        "department", row->department, "department_name", row->department_name, "kind", row->kind, "status",
        row->status, "planned_on", json_day_opt(row->planned_on > 0, row->planned_on), "inspected_on",
        json_day_opt(row->inspected_on > 0, row->inspected_on), "template_id", opt_id(row->template_id),
        "template_version", opt_id(row->template_version), "draw_id", opt_id(row->draw_id), "complaint_id",
        opt_id(row->complaint_id), "summary", row->summary, "result", row->result, "findings_count",
        (json_int_t)row->nfindings, "version", (json_int_t)row->version, "created_at",
        (json_int_t)row->created_at, "updated_at", (json_int_t)row->updated_at);
    if (!row->detailed) return j;
    json_t *arr = json_array();
    for (int i = 0; i < row->ninspectors; i++)
        json_array_append_new(arr, json_pack("{s:I, s:s}", "id", (json_int_t)row->inspectors[i].user_id,
                                             "username", row->inspectors[i].username));
    json_object_set_new(j, "inspectors", arr);
    arr = json_array();
    for (int i = 0; i < row->nitems; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "code", row->items[i].code,
                                             "result", row->items[i].result, "note", row->items[i].note,
                                             "text", row->items[i].text, "clause", row->items[i].clause));
    json_object_set_new(j, "items", arr);
    arr = json_array();
    for (int i = 0; i < row->nfindings_rows; i++)
        json_array_append_new(arr, inspection_finding_to_json(&row->findings[i]));
    json_object_set_new(j, "findings", arr);
    return j;
}

static json_t *template_to_json(const struct checklist_template *t)
{
    json_t *items = json_array();
    for (int i = 0; i < t->nitems; i++)
        json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "code", t->items[i].code, "text",
                                               t->items[i].text, "clause", t->items[i].clause));
    return json_pack("{s:I, s:s, s:s, s:I, s:s, s:b, s:I, s:o}", "id", (json_int_t)t->id, "department",
                     t->department, "department_name", t->department_name, "version", (json_int_t)t->version,
                     "title", t->title, "active", t->active, "created_at", (json_int_t)t->created_at, "items",
                     items);
}

/* ---- Query parameters ------------------------------------------------------------------------------------
 */

/* A positive integer query parameter into *out (0 when absent); a bad value adds a field error. */
static void query_id(struct req *r, const char *key, int64_t *out)
{
    const char *s = req_query(r, key);
    *out = 0;
    if (!s) return;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < 1)
        fe_add(&r->fe, key, "应为正整数");
    else
        *out = v;
}

/* An integer query parameter within lo..hi into *out (left alone when absent); a bad value adds message. */
static void query_int(struct req *r, const char *key, long lo, long hi, const char *message, int *out)
{
    const char *s = req_query(r, key);
    if (!s) return;
    char *end;
    long p = strtol(s, &end, 10);
    if (!*s || *end || p < lo || p > hi)
        fe_add(&r->fe, key, message);
    else
        *out = (int)p;
}

static void query_page(struct req *r, int *page, int *per_page)
{
    query_int(r, "page", 1, 100000, "页码应为 1 到 100000 的整数", page);
    query_int(r, "per_page", 1, 200, "每页条数应为 1 到 200 的整数", per_page);
}

/* A 0/1 query parameter: -1 when absent, else whether it is 1; any other value adds a field error. */
static int query_flag(struct req *r, const char *key)
{
    const char *s = req_query(r, key);
    if (!s) return -1;
    if (strcmp(s, "0") != 0 && strcmp(s, "1") != 0) fe_add(&r->fe, key, "应为 0 或 1");
    return s[0] == '1';
}

static const char *query_enum(struct req *r, const char *key, const char *const *names, const char *message)
{
    const char *s = req_query(r, key);
    if (s && inspection_name_index(names, s) < 0) fe_add(&r->fe, key, message);
    return s;
}

static void query_day(struct req *r, const char *key, int64_t *out)
{
    const char *s = req_query(r, key);
    *out = 0;
    if (s && !date_parse(s, out)) fe_add(&r->fe, key, "不是有效的日期（格式 YYYY-MM-DD）");
}

/* The district filter for who: territory-bound roles are pinned to theirs (asking for another is 404). */
static enum err territory(struct req *r, const char **district)
{
    const char *asked = req_query(r, "district");
    if (r->who->role == ROLE_COUNTY || r->who->role == ROLE_INSPECTOR) {
        if (asked && (!r->who->district || strcmp(asked, r->who->district) != 0)) return ERR_NOT_FOUND;
        *district = r->who->district;
    } else {
        *district = asked;
    }
    return OK;
}

/* ---- Checklist templates ----------------------------------------------------------------------------------
 */

enum err checklist_api_list(struct req *r, struct resp *out)
{
    const char *dep = query_enum(r, "department", inspection_department_codes, "未知的检查部门");
    int active = query_flag(r, "active");
    if (r->fe.n) return ERR_VALIDATION;
    struct checklist_template *items;
    int n;
    enum err e = checklist_template_list(r->db, r->a, dep, active == 1, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, template_to_json(&items[i]));
    return resp_json(r, out, 200, json_pack("{s:o, s:I}", "items", arr, "total", (json_int_t)n));
}

enum err checklist_api_get(struct req *r, struct resp *out)
{
    struct checklist_template t;
    enum err e = checklist_template_get(r->db, r->a, r->id[0], &t);
    if (e != OK) return e;
    return resp_json(r, out, 200, template_to_json(&t));
}

static void each_template_item(json_t *v, const char *path, int index, struct field_errors *fe, void *ctx)
{
    struct checklist_item *it = &((struct checklist_item *)ctx)[index];
    struct jspec spec[] = {
        JS_STRING("code", &it->code, 1, 32),
        JS_STRING("text", &it->text, 1, 500),
        JS_STRING("clause", &it->clause, 1, 300),
        JS_END,
    };
    jspec_parse(v, spec, path, fe);
}

enum err checklist_api_create(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    json_t *arr = json_object_get(body, "items");
    size_t n = json_is_array(arr) ? json_array_size(arr) : 0;
    struct checklist_item *items = arena_zalloc(r->a, (n ? n : 1) * sizeof *items);
    int dep = -1;
    const char *title = NULL;
    struct jspec spec[] = {
        JS_ENUM("department", &dep, inspection_department_codes),
        JS_STRING("title", &title, 1, 200),
        JS_ARRAY("items", each_template_item, items, 1, CHECKLIST_MAX_ITEMS),
        JS_END,
    };
    if (!jspec_parse(body, spec, "", &r->fe)) {
        checklist_items_check(items, (int)n, &r->fe); /* duplicate codes too, in the same reply */
        return ERR_VALIDATION;
    }
    /* The city health commission owns the health checklist; other departments' lists are kept by admins. */
    if (r->who->role == ROLE_CITY && strcmp(inspection_department_codes[dep], "health") != 0)
        return ERR_FORBIDDEN;
    int64_t id = 0;
    e = checklist_template_create(r->db, r->who, inspection_department_codes[dep], title, items, (int)n,
                                  &r->fe, &id);
    if (e != OK) return e;
    struct checklist_template t;
    e = checklist_template_get(r->db, r->a, id, &t);
    if (e != OK) return e;
    return resp_json(r, out, 201, template_to_json(&t));
}

/* ---- Inspections ------------------------------------------------------------------------------------------
 */

static void each_inspector(json_t *v, const char *path, int index, struct field_errors *fe, void *ctx)
{
    int64_t *ids = ctx;
    if (!json_is_integer(v) || json_integer_value(v) < 1) {
        fe_add(fe, path, "应为检查员的用户编号");
        return;
    }
    ids[index] = json_integer_value(v);
}

enum err inspection_api_plan(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = inst_get(r->db, r->a, r->id[0], &inst);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, inst.district_code)) return ERR_NOT_FOUND;
    json_t *body;
    e = req_json(r, &body);
    if (e != OK) return e;
    json_t *arr = json_object_get(body, "inspectors");
    size_t n = json_is_array(arr) ? json_array_size(arr) : 0;
    int64_t *ids = arena_zalloc(r->a, (n ? n : 1) * sizeof *ids);
    struct inspection_plan_in in = {
        .kind = -1, .planned_on = clock_day_of(clock_now()), .inspectors = ids, .ninspectors = (int)n};
    struct jspec spec[] = {
        JS_ENUM("kind", &in.kind, inspection_kind_names),
        {.name = "planned_on", .type = JT_DATE, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = &in.planned_on},
        {.name = "inspectors",
         .type = JT_ARRAY,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .each = each_inspector,
         .ctx = ids,
         .min = 0,
         .max = 20},
        {.name = "template_id",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.template_id,
         .min = 1,
         .max = INT64_MAX},
        JS_END,
    };
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    int64_t id = 0;
    e = inspection_plan(r->db, r->who, inst.id, &in, &r->fe, &id);
    if (e != OK) return e;
    struct inspection_row row;
    e = inspection_get(r->db, r->a, id, &row);
    if (e != OK) return e;
    return resp_json(r, out, 201, inspection_to_json(&row));
}

/* Load an inspection that who may see: ERR_NOT_FOUND otherwise. */
static enum err load_visible(struct req *r, int64_t id, struct inspection_row *row)
{
    enum err e = inspection_get(r->db, r->a, id, row);
    if (e != OK) return e;
    return inspection_visible(r->who, row) ? OK : ERR_NOT_FOUND;
}

struct results_parse {
    struct inspection_item_in *items;
    struct inspection_finding_in *findings;
};

static void each_result_item(json_t *v, const char *path, int index, struct field_errors *fe, void *ctx)
{
    struct inspection_item_in *it = &((struct results_parse *)ctx)->items[index];
    it->result = -1;
    struct jspec spec[] = {
        JS_STRING("code", &it->code, 1, 32),
        JS_ENUM("result", &it->result, inspection_item_result_names),
        {.name = "note",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &it->note,
         .min = 0,
         .max = 1000},
        JS_END,
    };
    jspec_parse(v, spec, path, fe);
}

static void each_finding(json_t *v, const char *path, int index, struct field_errors *fe, void *ctx)
{
    struct inspection_finding_in *f = &((struct results_parse *)ctx)->findings[index];
    f->severity = -1;
    struct jspec spec[] = {
        {.name = "item_code",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &f->item_code,
         .min = 1,
         .max = 32},
        JS_ENUM("severity", &f->severity, inspection_severity_names),
        JS_STRING("clause", &f->clause, 1, 300),
        JS_STRING("description", &f->description, 1, 2000),
        JS_END,
    };
    jspec_parse(v, spec, path, fe);
}

enum err inspection_api_results(struct req *r, struct resp *out)
{
    struct inspection_row row;
    enum err e = load_visible(r, r->id[0], &row);
    if (e != OK) return e;
    json_t *body;
    e = req_json(r, &body);
    if (e != OK) return e;
    json_t *ia = json_object_get(body, "items"), *fa = json_object_get(body, "findings");
    size_t ni = json_is_array(ia) ? json_array_size(ia) : 0, nf = json_is_array(fa) ? json_array_size(fa) : 0;
    struct results_parse p = {arena_zalloc(r->a, (ni ? ni : 1) * sizeof *p.items),
                              arena_zalloc(r->a, (nf ? nf : 1) * sizeof *p.findings)};
    struct inspection_results_in in = {.inspected_on = 0,
                                       .summary = NULL,
                                       .items = p.items,
                                       .nitems = (int)ni,
                                       .findings = p.findings,
                                       .nfindings = (int)nf};
    bool inspected_given = false;
    struct jspec spec[] = {
        {.name = "inspected_on", .type = JT_DATE, .dst = &in.inspected_on, .present = &inspected_given},
        {.name = "summary",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.summary,
         .min = 0,
         .max = 4000},
        JS_ARRAY("items", each_result_item, &p, 1, CHECKLIST_MAX_ITEMS),
        {.name = "findings",
         .type = JT_ARRAY,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .each = each_finding,
         .ctx = &p,
         .min = 0,
         .max = 100},
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (inspected_given && in.inspected_on > clock_day_of(clock_now()))
        fe_add(&r->fe, "inspected_on", "检查日期不能晚于今天");
    if (r->fe.n) return ERR_VALIDATION;
    e = inspection_record_results(r->db, r->a, r->who, row.id, &in, &r->fe);
    if (e != OK) return e;
    e = inspection_get(r->db, r->a, row.id, &row);
    if (e != OK) return e;
    return resp_json(r, out, 200, inspection_to_json(&row));
}

enum err inspection_api_cancel(struct req *r, struct resp *out)
{
    struct inspection_row row;
    enum err e = load_visible(r, r->id[0], &row);
    if (e != OK) return e;
    const char *reason = NULL;
    if (r->body_len > 0) {
        json_t *body;
        e = req_json(r, &body);
        if (e != OK) return e;
        struct jspec spec[] = {
            {.name = "reason",
             .type = JT_STRING,
             .flags = JS_OPTIONAL | JS_NULLABLE,
             .dst = &reason,
             .min = 0,
             .max = 1000},
            JS_END,
        };
        if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    }
    e = inspection_cancel(r->db, r->a, r->who, row.id, reason);
    if (e != OK) return e;
    e = inspection_get(r->db, r->a, row.id, &row);
    if (e != OK) return e;
    return resp_json(r, out, 200, inspection_to_json(&row));
}

static enum err list_json(struct req *r, struct resp *out, const struct inspection_filter *f)
{
    struct inspection_row *items;
    int n;
    int64_t total;
    enum err e = inspection_list(r->db, r->a, f, &items, &n, &total);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, inspection_to_json(&items[i]));
    return resp_json(r, out, 200,
                     json_pack("{s:o, s:I, s:i, s:i}", "items", arr, "total", (json_int_t)total, "page",
                               f->page, "per_page", f->per_page));
}

/* Filters shared by both lists; errors go to r->fe. */
static void list_filters(struct req *r, struct inspection_filter *f)
{
    f->department = query_enum(r, "department", inspection_department_codes, "未知的检查部门");
    f->status = query_enum(r, "status", inspection_status_names, "状态应为 planned、completed 或 cancelled");
    f->kind = query_enum(r, "kind", inspection_kind_names, "类型应为 routine、random、complaint 或 campaign");
    query_day(r, "from", &f->from_day);
    query_day(r, "to", &f->to_day);
    query_page(r, &f->page, &f->per_page);
    if (query_flag(r, "mine") == 1) f->inspector_id = r->who->user_id;
}

enum err inspection_api_list(struct req *r, struct resp *out)
{
    struct inspection_filter f;
    inspection_filter_init(&f);
    list_filters(r, &f);
    query_id(r, "institution", &f.institution_id);
    if (r->fe.n) return ERR_VALIDATION;
    enum err e = territory(r, &f.district);
    if (e != OK) return e;
    return list_json(r, out, &f);
}

enum err inspection_api_get(struct req *r, struct resp *out)
{
    struct inspection_row row;
    enum err e = load_visible(r, r->id[0], &row);
    if (e != OK) return e;
    return resp_json(r, out, 200, inspection_to_json(&row));
}

enum err inspection_api_of_institution(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = inst_get(r->db, r->a, r->id[0], &inst);
    if (e != OK) return e;
    bool ok = r->who->role == ROLE_OPERATOR ? r->who->institution_id == inst.id
                                            : auth_sees_district(r->who, inst.district_code);
    if (!ok) return ERR_NOT_FOUND;
    struct inspection_filter f;
    inspection_filter_init(&f);
    list_filters(r, &f);
    if (r->fe.n) return ERR_VALIDATION;
    f.institution_id = inst.id;
    /* Operators see the outcome of inspections, not the plans announced to inspectors. */
    if (r->who->role == ROLE_OPERATOR) {
        if (f.status && strcmp(f.status, "completed") != 0)
            f.status = "none";
        else
            f.status = "completed";
        f.inspector_id = 0;
    }
    return list_json(r, out, &f);
}

enum err inspection_api_findings(struct req *r, struct resp *out)
{
    struct inspection_finding_filter f;
    inspection_finding_filter_init(&f);
    f.severity =
        query_enum(r, "severity", inspection_severity_names, "严重程度应为 low、medium、high 或 critical");
    query_id(r, "institution", &f.institution_id);
    f.open = query_flag(r, "open");
    query_page(r, &f.page, &f.per_page);
    if (r->fe.n) return ERR_VALIDATION;
    enum err e = territory(r, &f.district);
    if (e != OK) return e;
    struct inspection_finding_row *items;
    int n;
    int64_t total;
    e = inspection_findings_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, inspection_finding_to_json(&items[i]));
    return resp_json(r, out, 200,
                     json_pack("{s:o, s:I, s:i, s:i}", "items", arr, "total", (json_int_t)total, "page",
                               f.page, "per_page", f.per_page));
}
