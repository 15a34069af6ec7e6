/* Inspections and checklist templates: their SQL. Each write is one transaction that also appends to the
 * audit chain; inspection_plan_in_tx runs inside a caller's transaction (random draws, complaints). */
#include "modules/institution/inst.h"
#include "modules/inspection/inspection.h"

#include "core/clock.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Planning
 * ---------------------------------------------------------------------------------------------- */

/* Whether user_id is an enabled inspector of department in district. */
static enum err inspector_fits(struct db *db, int64_t user_id, const char *department, const char *district,
                               bool *fits)
{
    struct db_val v[] = {DBV_INT(user_id), DBV_TEXT(department), DBV_TEXT(district)};
    int64_t n = 0;
    enum err e =
        db_int_query(db,
                     "SELECT COUNT(*) FROM users WHERE id = $1 AND role = 'inspector' AND disabled = 0 "
                     "AND COALESCE(department_code, 'health') = $2 AND district_code = $3",
                     v, 3, &n);
    *fits = e == OK && n == 1;
    return e;
}

static enum err plan_rows(struct db *db, const struct principal *who, int64_t institution_id,
                          const char *department, const char *kind, int64_t planned_on, int64_t draw_id,
                          int64_t complaint_id, int64_t template_id, const int64_t *ids, int nids,
                          int64_t *inspection_id)
{
    if (!inspection_department_valid(department) || inspection_name_index(inspection_kind_names, kind) < 0 ||
        nids < 0 || (nids > 0 && !ids))
        return ERR_VALIDATION;
    char district[16];
    enum err e = inst_district_code(db, institution_id, district);
    if (e != OK) return e;

    /* The inspectors: the given ones plus who when an inspector, each once. */
    int64_t list[64];
    int n = 0;
    if (who && who->role == ROLE_INSPECTOR) list[n++] = who->user_id;
    for (int i = 0; i < nids; i++) {
        bool dup = false;
        for (int j = 0; j < n && !dup; j++)
            dup = list[j] == ids[i];
        if (dup) continue;
        if (n == (int)(sizeof list / sizeof list[0])) return ERR_VALIDATION;
        list[n++] = ids[i];
    }
    for (int i = 0; i < n; i++) {
        bool fits = false;
        e = inspector_fits(db, list[i], department, district, &fits);
        if (e != OK) return e;
        if (!fits) return ERR_VALIDATION;
    }

    if (template_id == 0) {
        e = checklist_template_active(db, department, &template_id);
        if (e == ERR_NOT_FOUND) template_id = 0, e = OK;
        if (e != OK) return e;
    }
    int64_t now = clock_now();
    struct db_val v[] = {DBV_INT(institution_id),
                         DBV_TEXT(department),
                         DBV_TEXT(kind),
                         template_id ? DBV_INT(template_id) : DBV_NULL,
                         planned_on > 0 ? DBV_INT(planned_on) : DBV_NULL,
                         draw_id ? DBV_INT(draw_id) : DBV_NULL,
                         complaint_id ? DBV_INT(complaint_id) : DBV_NULL,
                         DBV_INT(now),
                         who ? DBV_INT(who->user_id) : DBV_NULL};
    e = db_int_query(db,
                     "INSERT INTO inspections (institution_id, department_code, kind, status, template_id, "
                     "planned_on, draw_id, complaint_id, version, created_at, created_by, updated_at) VALUES "
                     "($1, $2, $3, 'planned', $4, $5, $6, $7, 1, $8, $9, $8) RETURNING id",
                     v, DB_NPARAMS(v), inspection_id);
    if (e != OK) return e;
    for (int i = 0; i < n; i++) {
        struct db_val uv[] = {DBV_INT(*inspection_id), DBV_INT(list[i])};
        e = db_exec(db, "INSERT INTO inspection_inspectors (inspection_id, user_id) VALUES ($1, $2)", uv, 2);
        if (e != OK) return e;
    }
    json_t *ins = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(ins, json_integer(list[i]));
    json_t *after = json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "institution_id",
                              (json_int_t)institution_id, "department", department, "kind", kind,
                              "planned_on", json_day_opt(planned_on > 0, planned_on), "template_id",
                              template_id ? json_integer(template_id) : json_null(), "draw_id",
                              draw_id ? json_integer(draw_id) : json_null(), "complaint_id",
                              complaint_id ? json_integer(complaint_id) : json_null(), "inspectors", ins);
    char *text = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(after);
    e = audit_append(db, who, "inspection.plan", "inspection", *inspection_id, NULL, text);
    free(text);
    return e;
}

enum err inspection_plan_in_tx(struct db *db, const struct principal *who, int64_t institution_id,
                               const char *department, const char *kind, int64_t planned_on, int64_t draw_id,
                               int64_t complaint_id, const int64_t *inspector_ids, int ninspectors,
                               int64_t *inspection_id)
{
    return plan_rows(db, who, institution_id, department, kind, planned_on, draw_id, complaint_id, 0,
                     inspector_ids, ninspectors, inspection_id);
}

/* ---- Templates ------------------------------------------------------------------------------------------
 */

enum err checklist_template_active(struct db *db, const char *department, int64_t *id)
{
    struct db_val v[] = {DBV_TEXT(department)};
    return db_int_query(db,
                        "SELECT id FROM checklist_templates WHERE department_code = $1 AND active = 1 "
                        "ORDER BY version DESC LIMIT 1",
                        v, 1, id);
}

/* Items of a template from its JSON text into an arena array. Malformed entries are skipped (the text was
 * validated when stored). */
static void parse_items(struct arena *a, const char *text, struct checklist_item **items, int *n)
{
    *items = NULL;
    *n = 0;
    json_t *arr = text ? json_loads(text, 0, NULL) : NULL;
    size_t cnt = json_is_array(arr) ? json_array_size(arr) : 0;
    *items = arena_zalloc(a, (cnt ? cnt : 1) * sizeof **items);
    for (size_t i = 0; i < cnt; i++) {
        json_t *o = json_array_get(arr, i);
        const char *code = json_string_value(json_object_get(o, "code"));
        if (!code) continue;
        const char *t = json_string_value(json_object_get(o, "text"));
        const char *c = json_string_value(json_object_get(o, "clause"));
        struct checklist_item *it = &(*items)[(*n)++];
        it->code = arena_strdup(a, code);
        it->text = arena_strdup(a, t ? t : "");
        it->clause = arena_strdup(a, c ? c : "");
    }
    json_decref(arr);
}

#define TEMPLATE_COLS                                                                                        \
    "t.id, t.version, t.created_at, t.department_code, d.name, t.title, t.active, t.items FROM "             \
    "checklist_templates t JOIN departments d ON d.code = t.department_code "

static void read_template(struct db_rows *r, struct arena *a, void *item)
{
    struct checklist_template *o = item;
    memset(o, 0, sizeof *o);
    o->id = db_int(r, 0);
    o->version = db_int(r, 1);
    o->created_at = db_int(r, 2);
    o->department = db_text_dup(r, 3, a);
    o->department_name = db_text_dup(r, 4, a);
    o->title = db_text_dup(r, 5, a);
    o->active = db_int(r, 6) != 0;
    parse_items(a, db_text(r, 7), &o->items, &o->nitems);
}

enum err checklist_template_get(struct db *db, struct arena *a, int64_t id, struct checklist_template *out)
{
    struct db_val v[] = {DBV_INT(id)};
    return db_get_one(db, a, "SELECT " TEMPLATE_COLS "WHERE t.id = $1", v, 1, read_template, out);
}

enum err checklist_template_list(struct db *db, struct arena *a, const char *department, bool active_only,
                                 struct checklist_template **items, int *n)
{
    struct db_val v[] = {DBV_TEXT(department), DBV_INT(active_only ? 1 : 0)};
    return db_get_all(db, a,
                      "SELECT " TEMPLATE_COLS
                      "WHERE (CAST($1 AS TEXT) IS NULL OR t.department_code = $1) AND "
                      "($2 = 0 OR t.active = 1) ORDER BY d.sort, t.version DESC",
                      v, 2, read_template, sizeof **items, 0, (void **)items, n);
}

struct template_ctx {
    const struct principal *who;
    const char *department, *title, *items;
    int64_t id, version;
};

static enum err template_tx(struct db *db, void *p)
{
    struct template_ctx *c = p;
    struct db_val dv[] = {DBV_TEXT(c->department)};
    int64_t prev = 0;
    enum err e = db_int_query(
        db, "SELECT id FROM checklist_templates WHERE department_code = $1 AND active = 1", dv, 1, &prev);
    if (e == ERR_NOT_FOUND) prev = 0, e = OK;
    if (e != OK) return e;
    e = db_int_query(
        db, "SELECT COALESCE(MAX(version), 0) + 1 FROM checklist_templates WHERE department_code = $1", dv, 1,
        &c->version);
    if (e != OK) return e;
    e = db_exec(db, "UPDATE checklist_templates SET active = 0 WHERE department_code = $1 AND active = 1", dv,
                1);
    if (e != OK) return e;
    struct db_val v[] = {DBV_TEXT(c->department), DBV_INT(c->version),
                         DBV_TEXT(c->title),      DBV_TEXT(c->items),
                         DBV_INT(clock_now()),    c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    e = db_int_query(db,
                     "INSERT INTO checklist_templates (department_code, version, title, items, active, "
                     "created_at, created_by) VALUES ($1, $2, $3, $4, 1, $5, $6) RETURNING id",
                     v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    char before[64];
    snprintf(before, sizeof before, "{\"template_id\":%lld}", (long long)prev);
    json_t *after =
        json_pack("{s:s, s:I, s:s, s:o}", "department", c->department, "version", (json_int_t)c->version,
                  "title", c->title, "items", json_loads(c->items, 0, NULL));
    char *text = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(after);
    e = audit_append(db, c->who, "checklist.version", "checklist_template", c->id, prev ? before : NULL,
                     text);
    free(text);
    return e;
}

enum err checklist_template_create(struct db *db, const struct principal *who, const char *department,
                                   const char *title, const struct checklist_item *items, int nitems,
                                   struct field_errors *fe, int64_t *id)
{
    int before = fe->n;
    if (!inspection_department_valid(department)) fe_add(fe, "department", "未知的检查部门");
    size_t tl = title ? utf8_chars(title) : 0;
    if (tl < 1 || tl > 200) fe_add(fe, "title", "标题应为 1 至 200 个字");
    checklist_items_check(items, nitems, fe);
    if (fe->n != before) return ERR_VALIDATION;
    json_t *arr = json_array();
    for (int i = 0; i < nitems; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "code", items[i].code, "text", items[i].text,
                                             "clause", items[i].clause));
    char *text = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    if (!text) return ERR_NOMEM;
    struct template_ctx c = {who, department, title, text, 0, 0};
    enum err e = db_tx(db, template_tx, &c);
    free(text);
    if (e == OK && id) *id = c.id;
    return e;
}

/* ---- Reading inspections ------------------------------------------------------------------------------- */

#define INSPECTION_COLS                                                                                      \
    "i.id, i.institution_id, i.template_id, t.version, i.draw_id, i.complaint_id, i.version, i.planned_on, " \
    "i.inspected_on, i.created_at, i.created_by, i.updated_at, i.department_code, dp.name, i.kind, "         \
    "i.status, i.summary, i.result, n.name, n.district_code, ds.name, (SELECT COUNT(*) FROM "                \
    "inspection_findings f WHERE f.inspection_id = i.id) "
#define INSPECTION_FROM                                                                                      \
    "FROM inspections i JOIN institutions n ON n.id = i.institution_id JOIN districts ds ON ds.code = "      \
    "n.district_code JOIN departments dp ON dp.code = i.department_code LEFT JOIN checklist_templates t ON " \
    "t.id = i.template_id "

static int64_t int_or0(struct db_rows *r, int col)
{
    return db_isnull(r, col) ? 0 : db_int(r, col);
}

static void read_inspection(struct db_rows *r, struct arena *a, void *item)
{
    struct inspection_row *o = item;
    memset(o, 0, sizeof *o);
    o->id = db_int(r, 0);
    o->institution_id = db_int(r, 1);
    o->template_id = int_or0(r, 2);
    o->template_version = int_or0(r, 3);
    o->draw_id = int_or0(r, 4);
    o->complaint_id = int_or0(r, 5);
    o->version = db_int(r, 6);
    o->planned_on = int_or0(r, 7);
    o->inspected_on = int_or0(r, 8);
    o->created_at = db_int(r, 9);
    o->created_by = int_or0(r, 10);
    o->updated_at = db_int(r, 11);
    o->department = db_text_dup(r, 12, a);
    o->department_name = db_text_dup(r, 13, a);
    o->kind = db_text_dup(r, 14, a);
    o->status = db_text_dup(r, 15, a);
    o->summary = db_text_dup(r, 16, a);
    o->result = db_text_dup(r, 17, a);
    o->institution_name = db_text_dup(r, 18, a);
    o->district_code = db_text_dup(r, 19, a);
    o->district_name = db_text_dup(r, 20, a);
    o->nfindings = db_int(r, 21);
}

/* An inspector account: columns id, username. */
static void read_inspector(struct db_rows *r, struct arena *a, void *item)
{
    struct inspection_inspector_row *t = item;
    t->user_id = db_int(r, 0);
    t->username = db_text_dup(r, 1, a);
}

static void read_item(struct db_rows *r, struct arena *a, void *item)
{
    struct inspection_item_row *t = item;
    t->code = db_text_dup(r, 0, a);
    t->result = db_text_dup(r, 1, a);
    t->note = db_text_dup(r, 2, a);
}

/* The items of template id into *items and *n (none when id is 0); strings in a. */
static enum err template_items(struct db *db, struct arena *a, int64_t id, struct checklist_item **items,
                               int *n)
{
    *items = NULL;
    *n = 0;
    if (!id) return OK;
    struct checklist_template t;
    enum err e = checklist_template_get(db, a, id, &t);
    if (e == OK) *items = t.items, *n = t.nitems;
    return e;
}

static enum err read_items(struct db *db, struct arena *a, struct inspection_row *o)
{
    struct checklist_item *tmpl;
    int ntmpl;
    enum err e = template_items(db, a, o->template_id, &tmpl, &ntmpl);
    if (e != OK) return e;
    struct db_val v[] = {DBV_INT(o->id)};
    struct inspection_item_row *rows;
    int n;
    e = db_get_all(db, a, "SELECT item_code, result, note FROM inspection_items WHERE inspection_id = $1", v,
                   1, read_item, sizeof *rows, 0, (void **)&rows, &n);
    if (e != OK) return e;
    /* Template order, not code order: a reader follows the checklist. */
    o->items = arena_zalloc(a, (size_t)(n + 1) * sizeof *o->items);
    o->nitems = 0;
    bool *used = arena_zalloc(a, (size_t)(n + 1) * sizeof *used);
    for (int t = 0; t < ntmpl; t++)
        for (int i = 0; i < n; i++)
            if (!used[i] && strcmp(rows[i].code, tmpl[t].code) == 0) {
                used[i] = true;
                rows[i].text = tmpl[t].text;
                rows[i].clause = tmpl[t].clause;
                o->items[o->nitems++] = rows[i];
            }
    for (int i = 0; i < n; i++)
        if (!used[i]) o->items[o->nitems++] = rows[i];
    return OK;
}

#define FINDING_COLS                                                                                         \
    "f.id, f.inspection_id, f.institution_id, f.found_on, f.created_at, f.item_code, f.severity, f.clause, " \
    "f.description, n.name, n.district_code, i.department_code "
#define FINDING_FROM                                                                                         \
    "FROM inspection_findings f JOIN inspections i ON i.id = f.inspection_id JOIN institutions n ON n.id = " \
    "f.institution_id "

static void read_finding(struct db_rows *r, struct arena *a, void *item)
{
    struct inspection_finding_row *t = item;
    memset(t, 0, sizeof *t);
    t->id = db_int(r, 0);
    t->inspection_id = db_int(r, 1);
    t->institution_id = db_int(r, 2);
    t->found_on = db_int(r, 3);
    t->created_at = db_int(r, 4);
    t->item_code = db_text_dup(r, 5, a);
    t->severity = db_text_dup(r, 6, a);
    t->clause = db_text_dup(r, 7, a);
    t->description = db_text_dup(r, 8, a);
    t->institution_name = db_text_dup(r, 9, a);
    t->district_code = db_text_dup(r, 10, a);
    t->department = db_text_dup(r, 11, a);
}

enum err inspection_get(struct db *db, struct arena *a, int64_t id, struct inspection_row *out)
{
    struct db_val v[] = {DBV_INT(id)};
    enum err e = db_get_one(db, a, "SELECT " INSPECTION_COLS INSPECTION_FROM "WHERE i.id = $1", v, 1,
                            read_inspection, out);
    if (e == OK)
        e = db_get_all(
            db, a,
            "SELECT u.id, u.username FROM inspection_inspectors x JOIN users u ON u.id = x.user_id "
            "WHERE x.inspection_id = $1 ORDER BY u.username",
            v, 1, read_inspector, sizeof *out->inspectors, 0, (void **)&out->inspectors, &out->ninspectors);
    if (e == OK) e = read_items(db, a, out);
    if (e == OK)
        e = db_get_all(db, a, "SELECT " FINDING_COLS FINDING_FROM "WHERE f.inspection_id = $1 ORDER BY f.id",
                       v, 1, read_finding, sizeof *out->findings, 0, (void **)&out->findings,
                       &out->nfindings_rows);
    if (e == OK) out->detailed = true;
    return e;
}

/* The rows of a 1-based page: *per (per_page; default 50, at most 200) from *offset. A page outside
 * 1..100000 is the first. */
static void page_window(int page, int per_page, int *per, int *offset)
{
    *per = per_page < 1 ? 50 : per_page > 200 ? 200 : per_page;
    *offset = (page < 1 || page > 100000 ? 0 : page - 1) * *per;
}

void inspection_filter_init(struct inspection_filter *f)
{
    memset(f, 0, sizeof *f);
    f->page = 1;
    f->per_page = 50;
}

/* The FROM and WHERE of f's inspections (alias i) into q: only the filters given, and institutions joined
 * only for a district, so that an unfiltered count runs over an index of inspections alone and a county's
 * page starts from the county's institutions. */
static void list_from_where(struct db_sqlq *q, const struct inspection_filter *f)
{
    buf_adds(&q->sql, " FROM inspections i");
    if (f->district)
        buf_printf(&q->sql, " JOIN institutions n ON n.id = i.institution_id AND n.district_code = $%d",
                   db_sqlq_param(q, DBV_TEXT(f->district)));
    buf_adds(&q->sql, " WHERE 1 = 1");
    if (f->institution_id)
        buf_printf(&q->sql, " AND i.institution_id = $%d", db_sqlq_param(q, DBV_INT(f->institution_id)));
    if (f->department)
        buf_printf(&q->sql, " AND i.department_code = $%d", db_sqlq_param(q, DBV_TEXT(f->department)));
    if (f->status) buf_printf(&q->sql, " AND i.status = $%d", db_sqlq_param(q, DBV_TEXT(f->status)));
    if (f->kind) buf_printf(&q->sql, " AND i.kind = $%d", db_sqlq_param(q, DBV_TEXT(f->kind)));
    if (f->from_day)
        buf_printf(&q->sql, " AND COALESCE(i.inspected_on, i.planned_on, 0) >= $%d",
                   db_sqlq_param(q, DBV_INT(f->from_day)));
    if (f->to_day)
        buf_printf(&q->sql, " AND COALESCE(i.inspected_on, i.planned_on, 0) <= $%d",
                   db_sqlq_param(q, DBV_INT(f->to_day)));
    if (f->inspector_id)
        buf_printf(&q->sql,
                   " AND EXISTS (SELECT 1 FROM inspection_inspectors x WHERE x.inspection_id = i.id AND "
                   "x.user_id = $%d)",
                   db_sqlq_param(q, DBV_INT(f->inspector_id)));
}

enum err inspection_list(struct db *db, struct arena *a, const struct inspection_filter *f,
                         struct inspection_row **items, int *n, int64_t *total)
{
    int per, offset;
    page_window(f->page, f->per_page, &per, &offset);
    *items = NULL;
    *n = 0;
    struct db_sqlq q = {.sql = BUF_INIT};
    buf_adds(&q.sql, "SELECT COUNT(*)");
    list_from_where(&q, f);
    enum err e = db_int_query(db, q.sql.p, q.v, q.n, total);
    if (e == OK && *total > offset) {
        /* The page's ids first, over the filtered tables only; then their columns. */
        q.sql.len = 0;
        q.n = 0;
        buf_adds(&q.sql, "SELECT " INSPECTION_COLS INSPECTION_FROM "JOIN (SELECT i.id");
        list_from_where(&q, f);
        int lim = db_sqlq_param(&q, DBV_INT(per)), off = db_sqlq_param(&q, DBV_INT(offset));
        buf_printf(
            &q.sql,
            " ORDER BY COALESCE(i.inspected_on, i.planned_on, 0) DESC, i.id DESC LIMIT $%d OFFSET $%d) p "
            "ON p.id = i.id ORDER BY COALESCE(i.inspected_on, i.planned_on, 0) DESC, i.id DESC",
            lim, off);
        e = db_get_all(db, a, q.sql.p, q.v, q.n, read_inspection, sizeof **items, per, (void **)items, n);
    }
    buf_free(&q.sql);
    return e;
}

void inspection_finding_filter_init(struct inspection_finding_filter *f)
{
    memset(f, 0, sizeof *f);
    f->open = -1;
    f->page = 1;
    f->per_page = 50;
}

#define FINDING_WHERE                                                                                        \
    "WHERE i.status = 'completed' AND (CAST($1 AS TEXT) IS NULL OR f.severity = $1) AND ($2 = 0 OR "         \
    "f.institution_id = $2) AND (CAST($3 AS TEXT) IS NULL OR n.district_code = $3) AND ($4 < 0 OR ($4 = 1) " \
    "= NOT EXISTS (SELECT 1 FROM rectification_orders o WHERE o.finding_id = f.id AND o.status = "           \
    "'accepted')) "

enum err inspection_findings_list(struct db *db, struct arena *a, const struct inspection_finding_filter *f,
                                  struct inspection_finding_row **items, int *n, int64_t *total)
{
    int per, offset;
    page_window(f->page, f->per_page, &per, &offset);
    struct db_val v[] = {DBV_TEXT(f->severity), DBV_INT(f->institution_id),
                         DBV_TEXT(f->district), DBV_INT(f->open),
                         DBV_INT(per),          DBV_INT(offset)};
    enum err e = db_int_query(db, "SELECT COUNT(*) " FINDING_FROM FINDING_WHERE, v, 4, total);
    if (e != OK) return e;
    return db_get_all(db, a,
                      "SELECT " FINDING_COLS FINDING_FROM FINDING_WHERE
                      "ORDER BY f.found_on DESC, f.id DESC LIMIT $5 OFFSET $6",
                      v, DB_NPARAMS(v), read_finding, sizeof **items, per, (void **)items, n);
}

enum err inspection_inspectors_of(struct db *db, struct arena *a, const char *department,
                                  const char *district, struct inspection_inspector_row **items, int *n)
{
    struct db_val v[] = {DBV_TEXT(department), DBV_TEXT(district)};
    return db_get_all(db, a,
                      "SELECT id, username FROM users WHERE role = 'inspector' AND disabled = 0 AND "
                      "COALESCE(department_code, 'health') = $1 AND district_code = $2 ORDER BY username",
                      v, 2, read_inspector, sizeof **items, 0, (void **)items, n);
}

/* ---- Who may see and act ---------------------------------------------------------------------------------
 */

bool inspection_visible(const struct principal *who, const struct inspection_row *row)
{
    if (!who || !row) return false;
    if (who->role == ROLE_OPERATOR)
        return who->institution_id == row->institution_id && row->status &&
               strcmp(row->status, "completed") == 0;
    if (who->role & (ROLES_OFFICIALS | ROLE_INSPECTOR)) return auth_sees_district(who, row->district_code);
    return false;
}

static bool assigned_to(const struct principal *who, const struct inspection_row *row)
{
    for (int i = 0; i < row->ninspectors; i++)
        if (row->inspectors[i].user_id == who->user_id) return true;
    return false;
}

bool inspection_can(const struct principal *who, const struct inspection_row *row, int event)
{
    if (!inspection_visible(who, row)) return false;
    const char *dep = inspection_acting_department(who);
    bool same = dep && row->department && strcmp(dep, row->department) == 0;
    int from = inspection_name_index(inspection_status_names, row->status);
    return from >= 0 && inspection_transition(from, event, who->role, same, assigned_to(who, row)) >= 0;
}

/* ---- Writing inspections --------------------------------------------------------------------------------
 */

struct plan_ctx {
    const struct principal *who;
    int64_t institution_id;
    const struct inspection_plan_in *in;
    struct field_errors *fe;
    int fe_start;
    int64_t id;
};

static enum err plan_tx(struct db *db, void *p)
{
    struct plan_ctx *c = p;
    c->fe->n = c->fe_start; /* a retried transaction reports its errors once */
    const char *dep = inspection_acting_department(c->who);
    if (!dep) return ERR_FORBIDDEN;
    char district[16];
    enum err e = inst_district_code(db, c->institution_id, district);
    if (e != OK) return e;
    if (!auth_sees_district(c->who, district)) return ERR_NOT_FOUND;
    char path[32];
    for (int i = 0; i < c->in->ninspectors; i++) {
        bool fits = false;
        e = inspector_fits(db, c->in->inspectors[i], dep, district, &fits);
        if (e != OK) return e;
        snprintf(path, sizeof path, "inspectors[%d]", i);
        if (!fits) fe_add(c->fe, path, "不是本部门、本辖区的检查员");
    }
    if (c->in->template_id) {
        struct db_val tv[] = {DBV_INT(c->in->template_id), DBV_TEXT(dep)};
        int64_t n = 0;
        e = db_int_query(
            db, "SELECT COUNT(*) FROM checklist_templates WHERE id = $1 AND department_code = $2", tv, 2, &n);
        if (e != OK) return e;
        if (n != 1) fe_add(c->fe, "template_id", "不是本部门的检查表");
    }
    if (c->fe->n != c->fe_start) return ERR_VALIDATION;
    return plan_rows(db, c->who, c->institution_id, dep, inspection_kind_names[c->in->kind],
                     c->in->planned_on, 0, 0, c->in->template_id, c->in->inspectors, c->in->ninspectors,
                     &c->id);
}

enum err inspection_plan(struct db *db, const struct principal *who, int64_t institution_id,
                         const struct inspection_plan_in *in, struct field_errors *fe, int64_t *id)
{
    if (!who || in->kind < 0 || in->kind >= INSP_KIND__COUNT) return ERR_VALIDATION;
    struct plan_ctx c = {who, institution_id, in, fe, fe->n, 0};
    enum err e = db_tx(db, plan_tx, &c);
    if (e == OK && id) *id = c.id;
    return e;
}

/* The inspection's state for a move, read inside the transaction. */
static enum err load_for_move(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                              int event, struct inspection_row *row)
{
    enum err e = inspection_get(db, a, id, row);
    if (e != OK) return e;
    /* Operators never see planned inspections and no one outside the territory sees any: not found. */
    if (!inspection_visible(who, row)) return ERR_NOT_FOUND;
    return inspection_can(who, row, event) ? OK : ERR_STATE;
}

struct results_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t id;
    const struct inspection_results_in *in;
    struct field_errors *fe;
    int fe_start;
};

static json_t *results_json(const struct inspection_results_in *in, const char *outcome)
{
    json_t *items = json_array();
    for (int i = 0; i < in->nitems; i++)
        json_array_append_new(items, json_pack("{s:s, s:s, s:s?}", "code", in->items[i].code, "result",
                                               inspection_item_result_names[in->items[i].result], "note",
                                               in->items[i].note));
    json_t *findings = json_array();
    for (int j = 0; j < in->nfindings; j++)
        json_array_append_new(
            findings, json_pack("{s:s?, s:s, s:s, s:s}", "item_code", in->findings[j].item_code, "severity",
                                inspection_severity_names[in->findings[j].severity], "clause",
                                in->findings[j].clause, "description", in->findings[j].description));
    return json_pack("{s:s, s:o, s:s, s:s, s:o, s:o}", "status", "completed", "inspected_on",
                     json_day(in->inspected_on), "summary", in->summary ? in->summary : "", "result", outcome,
                     "items", items, "findings", findings);
}

/* Write results for row (already loaded and allowed): check them against its template, insert items and
 * findings, complete it and audit. who NULL: the system (demo). */
static enum err record_rows(struct db *db, struct arena *a, const struct principal *who,
                            const struct inspection_row *row, const struct inspection_results_in *in,
                            struct field_errors *fe)
{
    struct checklist_item *tmpl;
    int ntmpl;
    enum err e = template_items(db, a, row->template_id, &tmpl, &ntmpl);
    if (e != OK) return e;
    /* Without a template (none existed when it was planned) the recorded items are their own checklist. */
    if (!row->template_id) {
        tmpl = arena_zalloc(a, (size_t)(in->nitems + 1) * sizeof *tmpl);
        for (int i = 0; i < in->nitems; i++)
            tmpl[ntmpl++].code = in->items[i].code;
    }
    if (!inspection_results_check(tmpl, ntmpl, in->items, in->nitems, in->findings, in->nfindings, fe))
        return ERR_VALIDATION;
    for (int i = 0; i < in->nitems; i++) {
        struct db_val v[] = {DBV_INT(row->id), DBV_TEXT(in->items[i].code),
                             DBV_TEXT(inspection_item_result_names[in->items[i].result]),
                             DBV_TEXT(in->items[i].note && in->items[i].note[0] ? in->items[i].note : NULL)};
        e = db_exec(
            db,
            "INSERT INTO inspection_items (inspection_id, item_code, result, note) VALUES ($1, $2, $3, $4)",
            v, 4);
        if (e != OK) return e;
    }
    int64_t now = clock_now();
    for (int j = 0; j < in->nfindings; j++) {
        const struct inspection_finding_in *f = &in->findings[j];
        struct db_val v[] = {DBV_INT(row->id),          DBV_INT(row->institution_id),
                             DBV_TEXT(f->item_code),    DBV_TEXT(inspection_severity_names[f->severity]),
                             DBV_TEXT(f->clause),       DBV_TEXT(f->description),
                             DBV_INT(in->inspected_on), DBV_INT(now)};
        e = db_exec(
            db,
            "INSERT INTO inspection_findings (inspection_id, institution_id, item_code, severity, clause, "
            "description, found_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            v, DB_NPARAMS(v));
        if (e != OK) return e;
    }
    const char *outcome = inspection_outcome(in->nfindings);
    struct db_val uv[] = {DBV_INT(row->id),      DBV_INT(in->inspected_on),
                          DBV_TEXT(in->summary), DBV_TEXT(outcome),
                          DBV_INT(now),          DBV_INT(row->version)};
    e = db_exec(
        db,
        "UPDATE inspections SET status = 'completed', inspected_on = $2, summary = $3, result = $4, "
        "version = version + 1, updated_at = $5 WHERE id = $1 AND version = $6 AND status = 'planned'",
        uv, DB_NPARAMS(uv));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    char *after = json_text(a, results_json(in, outcome));
    return audit_append(db, who, "inspection.complete", "inspection", row->id, "{\"status\":\"planned\"}",
                        after);
}

static enum err results_tx(struct db *db, void *p)
{
    struct results_ctx *c = p;
    c->fe->n = c->fe_start;
    struct inspection_row row;
    enum err e = load_for_move(db, c->a, c->who, c->id, INSP_EV_COMPLETE, &row);
    if (e != OK) return e;
    return record_rows(db, c->a, c->who, &row, c->in, c->fe);
}

enum err inspection_record_results(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                                   const struct inspection_results_in *in, struct field_errors *fe)
{
    struct results_ctx c = {a, who, id, in, fe, fe->n};
    return db_tx(db, results_tx, &c);
}

struct cancel_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t id;
    const char *reason;
};

static enum err cancel_tx(struct db *db, void *p)
{
    struct cancel_ctx *c = p;
    struct inspection_row row;
    enum err e = load_for_move(db, c->a, c->who, c->id, INSP_EV_CANCEL, &row);
    if (e != OK) return e;
    struct db_val uv[] = {DBV_INT(c->id), DBV_TEXT(c->reason), DBV_INT(clock_now()), DBV_INT(row.version)};
    e = db_exec(
        db,
        "UPDATE inspections SET status = 'cancelled', summary = $2, version = version + 1, updated_at = "
        "$3 WHERE id = $1 AND version = $4 AND status = 'planned'",
        uv, 4);
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    char *after = json_text(c->a, json_pack("{s:s, s:s?}", "status", "cancelled", "reason", c->reason));
    return audit_append(db, c->who, "inspection.cancel", "inspection", c->id, "{\"status\":\"planned\"}",
                        after);
}

enum err inspection_cancel(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                           const char *reason)
{
    struct cancel_ctx c = {a, who, id, reason && reason[0] ? reason : NULL};
    return db_tx(db, cancel_tx, &c);
}

/* ---- Demo -----------------------------------------------------------------------------------------------
 */

struct demo_user {
    int64_t id;
    const char *username, *district, *department;
};
static void read_demo_user(struct db_rows *r, struct arena *a, void *item)
{
    struct demo_user *u = item;
    u->id = db_int(r, 0);
    u->username = db_text_dup(r, 1, a);
    u->district = db_text_dup(r, 2, a);
    u->department = db_text_dup(r, 3, a);
}
struct demo_inst {
    int64_t id;
    const char *district;
};
static void read_demo_inst(struct db_rows *r, struct arena *a, void *item)
{
    struct demo_inst *t = item;
    t->id = db_int(r, 0);
    t->district = db_text_dup(r, 1, a);
}

/* A small deterministic generator (LCG), so the demo is the same on every run. */
static uint32_t demo_rand(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static const char *const demo_summaries_pass[] = {
    "现场查看场所、台账和记录，未发现问题。",
    "各项制度落实到位，记录完整。",
    "检查未发现问题，提醒机构保持。",
};
static const char *const demo_summaries_findings[] = {
    "现场检查发现问题，已当场告知机构负责人并要求限期整改。",
    "发现问题若干，已下达整改要求。",
    "部分要求未落实，责令整改并将跟踪复查。",
};
static const char *const demo_defects[] = {
    "现场检查未落实，相关记录缺失",
    "落实不到位，近一个月记录不完整",
    "不符合要求，机构未能提供有效证明",
    "存在明显隐患，需立即整改",
};

struct demo_ctx {
    struct arena *a;
    struct demo_user *users;
    int nusers;
    struct demo_inst *insts;
    int ninsts;
};

static enum err demo_one(struct db *db, struct demo_ctx *c, const struct demo_user *u, int64_t inst_id,
                         const char *kind, int64_t day, bool complete, uint32_t *seed, int *sev_cycle)
{
    int64_t id = 0;
    enum err e =
        plan_rows(db, NULL, inst_id, u->department, kind, complete ? day - 3 : day, 0, 0, 0, &u->id, 1, &id);
    if (e != OK || !complete) return e;
    struct inspection_row row;
    e = inspection_get(db, c->a, id, &row);
    if (e != OK) return e;
    struct checklist_template t;
    e = checklist_template_get(db, c->a, row.template_id, &t);
    if (e != OK) return e;
    struct inspection_results_in in = {.inspected_on = day};
    in.items = arena_zalloc(c->a, (size_t)(t.nitems + 1) * sizeof *in.items);
    in.findings = arena_zalloc(c->a, (size_t)(t.nitems + 1) * sizeof *in.findings);
    /* About a third of inspections find something: one or two failed items, each with a finding. */
    int fails = demo_rand(seed) % 3 == 0 ? 1 + (int)(demo_rand(seed) % 2) : 0;
    int first = t.nitems ? (int)(demo_rand(seed) % (uint32_t)t.nitems) : 0;
    for (int i = 0; i < t.nitems; i++) {
        bool fail = fails > 0 && ((i - first + t.nitems) % t.nitems) < fails;
        bool na = !fail && demo_rand(seed) % 11 == 0;
        in.items[in.nitems++] = (struct inspection_item_in){t.items[i].code,
                                                            fail ? CHECK_FAIL
                                                            : na ? CHECK_NA
                                                                 : CHECK_PASS,
                                                            NULL};
        if (fail) {
            int sev = (*sev_cycle)++ % FSEV__COUNT;
            in.findings[in.nfindings++] = (struct inspection_finding_in){
                t.items[i].code, sev, t.items[i].clause,
                arena_printf(c->a, "%s：%s。", t.items[i].text, demo_defects[sev])};
        }
    }
    in.summary = in.nfindings ? demo_summaries_findings[demo_rand(seed) % 3]
                              : demo_summaries_pass[demo_rand(seed) % 3];
    struct field_errors fe;
    fe_init(&fe, c->a);
    return record_rows(db, c->a, NULL, &row, &in, &fe);
}

static enum err demo_tx(struct db *db, void *p)
{
    struct demo_ctx *c = p;
    int64_t today = clock_day_of(clock_now());
    uint32_t seed = 20240601u;
    int sev_cycle = 0;
    enum err e = OK;
    audit_bulk_begin();
    /* ~60 completed inspections over the last two years, each by an inspector of the institution's district.
     */
    for (int k = 0; k < 60 && e == OK; k++) {
        const struct demo_inst *in = &c->insts[(k * 7919) % c->ninsts];
        int cand[32], ncand = 0;
        for (int i = 0; i < c->nusers && ncand < 32; i++)
            if (strcmp(c->users[i].district, in->district) == 0) cand[ncand++] = i;
        if (ncand == 0) continue;
        const struct demo_user *u = &c->users[cand[demo_rand(&seed) % (uint32_t)ncand]];
        int64_t day = today - 1 - (int64_t)k * 12 - (int64_t)(demo_rand(&seed) % 10);
        const char *kind = k % 9 == 4 ? "campaign" : "routine";
        e = demo_one(db, c, u, in->id, kind, day, true, &seed, &sev_cycle);
    }
    /* A few planned ones for the demo account `inspector`, in the coming days. */
    const struct demo_user *me = NULL;
    for (int i = 0; i < c->nusers; i++)
        if (strcmp(c->users[i].username, "inspector") == 0) me = &c->users[i];
    int planned = 0;
    for (int k = 0; me && k < c->ninsts && planned < 3 && e == OK; k++) {
        if (strcmp(c->insts[k].district, me->district) != 0) continue;
        e = demo_one(db, c, me, c->insts[k].id, planned == 2 ? "campaign" : "routine",
                     today + 2 + 3 * planned, false, &seed, &sev_cycle);
        planned++;
    }
    enum err e2 = audit_bulk_end(db);
    return e != OK ? e : e2;
}

enum err inspection_demo_load(struct db *db, struct arena *a)
{
    int64_t existing = 0;
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM inspections", NULL, 0, &existing);
    if (e != OK || existing > 0) return e;
    struct demo_ctx c = {.a = a};
    e = db_get_all(
        db, a,
        "SELECT id, username, district_code, COALESCE(department_code, 'health') FROM users WHERE role = "
        "'inspector' AND disabled = 0 AND district_code IN ('420303', '420302') ORDER BY username",
        NULL, 0, read_demo_user, sizeof *c.users, 64, (void **)&c.users, &c.nusers);
    if (e != OK) return e;
    e = db_get_all(db, a,
                   "SELECT id, district_code FROM institutions WHERE state = 'filed' AND district_code IN "
                   "('420303', '420302') ORDER BY id LIMIT 400",
                   NULL, 0, read_demo_inst, sizeof *c.insts, 400, (void **)&c.insts, &c.ninsts);
    if (e != OK || c.nusers == 0 || c.ninsts == 0) return e;
    return db_tx(db, demo_tx, &c);
}
