/* JSON handlers of random draws. Drawing is for the health officials (a county official in its own district)
 * and admins; the list for officials; every draw, its seed, its eligible lists and the outcome of the
 * inspections it made are public — without personal data: inspectors appear by account name only. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/inspection/draw.h"
#include "modules/inspection/inspection.h"
#include "modules/institution/inst.h"
#include "modules/reference/departments.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define DRAW_LIST_LIMIT 50

static json_t *draw_summary_json(const struct draw_row *d)
{
    return json_pack(
        "{s:I, s:s, s:s, s:s, s:s?, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:I}", "id", (json_int_t)d->id,
        "title", d->title, "department", d->department_code, "department_name", d->department_name,
        "district_code", d->district_code, "district_name", d->district_name ? d->district_name : "全市",
        "method", d->method, "seed", d->seed, "institutions_wanted", (json_int_t)d->institutions_wanted,
        "inspectors_per_institution", (json_int_t)d->inspectors_per_institution, "eligible_institution_count",
        (json_int_t)d->eligible_institutions, "eligible_inspector_count", (json_int_t)d->eligible_inspectors,
        "planned_on", json_day(d->planned_on), "drawn_at", (json_int_t)d->drawn_at);
}

static json_t *candidate_json(const struct draw_candidate *c, int kind)
{
    return json_pack("{s:I, s:s, s:s?, s:s, s:i, s:b}", "id", (json_int_t)c->id,
                     kind == DRAW_INSTITUTION ? "name" : "username", c->label, "district_code", c->group,
                     "score", c->score, "rank", c->rank + 1, "selected", c->selected);
}

static json_t *outcome_json(const struct draw_outcome *o)
{
    json_t *j = json_pack("{s:I, s:s?}", "id", (json_int_t)o->inspection_id, "status", o->status);
    if (o->status && strcmp(o->status, "completed") == 0) {
        json_object_set_new(j, "inspected_on", json_day_opt(o->inspected_on > 0, o->inspected_on));
        json_object_set_new(j, "result", o->result ? json_string(o->result) : json_null());
        json_t *f = json_object();
        for (int s = 0; draw_severity_names[s]; s++)
            json_object_set_new(f, draw_severity_names[s], json_integer(o->findings[s]));
        json_object_set_new(j, "findings", f);
    }
    return j;
}

/* The whole public record of a draw. */
static json_t *draw_json(const struct draw_row *d)
{
    json_t *j = draw_summary_json(d);
    json_t *insts = json_array(), *insp = json_array(), *picks = json_array();
    for (int i = 0; i < d->ninsts; i++)
        json_array_append_new(insts, candidate_json(&d->insts[i], DRAW_INSTITUTION));
    for (int i = 0; i < d->ninspectors; i++)
        json_array_append_new(insp, candidate_json(&d->inspectors[i], DRAW_INSPECTOR));
    for (int p = 0; p < d->npicks; p++) {
        const struct draw_pick *pk = &d->picks[p];
        json_t *who = json_array();
        for (int j2 = 0; j2 < pk->ninspectors; j2++)
            json_array_append_new(who, json_pack("{s:I, s:s}", "id", (json_int_t)pk->inspectors[j2]->id,
                                                 "username", pk->inspectors[j2]->label));
        json_array_append_new(picks, json_pack("{s:I, s:s, s:s?, s:i, s:o, s:o}", "institution_id",
                                               (json_int_t)pk->institution->id, "institution_name",
                                               pk->institution->label, "district_code",
                                               pk->institution->group, "rank", pk->institution->rank + 1,
                                               "inspectors", who, "inspection", outcome_json(&pk->outcome)));
    }
    json_object_set_new(j, "eligible_institutions", insts);
    json_object_set_new(j, "eligible_inspectors", insp);
    json_object_set_new(j, "picks", picks);
    if (d->npicks > 0) {
        char cmd[200];
        snprintf(cmd, sizeof cmd, "printf '%%s' '%s:institution:%lld' | sha256sum", d->seed,
                 (long long)d->picks[0].institution->id);
        json_object_set_new(j, "verify", json_string(cmd));
    }
    return j;
}

static const char *check_seed(const char *s)
{
    return draw_seed_valid(s) ? NULL : "随机种子应为 64 位小写十六进制数字";
}

enum err draw_api_create(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct draw_params p = {.per_institution = 2};
    struct jspec spec[] = {
        JS_STRING("title", &p.title, 1, 200),
        JS_STRING("department", &p.department, 1, 32),
        {.name = "district",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &p.district,
         .min = 1,
         .max = 16},
        JS_INT("institutions", &p.institutions, 1, DRAW_MAX_WANTED),
        {.name = "inspectors_per_institution",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &p.per_institution,
         .min = 1,
         .max = DRAW_MAX_PER_INS},
        JS_DATE("planned_on", &p.planned_on),
        {.name = "seed",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &p.seed,
         .min = 64,
         .max = 64,
         .check = check_seed},
        JS_END,
    };
    int before = r->fe.n;
    jspec_parse(body, spec, "", &r->fe);
    bool bad_department = false, bad_district = false;
    for (int i = before; i < r->fe.n; i++) {
        bad_department |= strcmp(r->fe.items[i].field, "department") == 0;
        bad_district |= strcmp(r->fe.items[i].field, "district") == 0;
    }
    if (p.department && !bad_department) {
        const char *name;
        e = department_name(r->db, r->a, p.department, &name);
        if (e == ERR_NOT_FOUND)
            fe_add(&r->fe, "department", "未知的检查部门");
        else if (e != OK)
            return e;
        else if (r->who->role != ROLE_ADMIN &&
                 strcmp(p.department, inspection_acting_department(r->who)) != 0)
            fe_add(&r->fe, "department", "只能组织本部门（卫生健康部门）的抽查");
    }
    if (p.district && !bad_district) {
        const char *name;
        e = district_name(r->db, r->a, p.district, &name);
        if (e == ERR_NOT_FOUND)
            fe_add(&r->fe, "district", "未知的区县");
        else if (e != OK)
            return e;
    }
    if (p.planned_on && p.planned_on < clock_day_of(clock_now()))
        fe_add(&r->fe, "planned_on", "计划检查日期不能早于今天");
    if (r->fe.n > before) return ERR_VALIDATION;
    if (r->who->role == ROLE_COUNTY) {
        if (p.district && strcmp(p.district, r->who->district) != 0) {
            r->error_detail = "县级账号只能在本辖区内组织抽查";
            return ERR_FORBIDDEN;
        }
        p.district = r->who->district;
    }
    int64_t id = 0;
    e = draw_create(r->db, r->who, &p, &r->fe, &id);
    if (e != OK) return e;
    struct draw_row d;
    e = draw_get(r->db, r->a, id, &d);
    if (e != OK) return e;
    return resp_json(r, out, 201, draw_json(&d));
}

enum err draw_list_before(struct req *r, const char *district, int limit, struct draw_row **items, int *n)
{
    int64_t before = 0;
    if (!page_parse_int(req_query(r, "before"), 1, INT64_MAX, 0, &before)) {
        fe_add(&r->fe, "before", "应为正整数");
        return ERR_VALIDATION;
    }
    return draw_list(r->db, r->a, district, before, limit, items, n);
}

static enum err list_json(struct req *r, struct resp *out, const char *district)
{
    struct draw_row *items;
    int n;
    enum err e = draw_list_before(r, district, DRAW_LIST_LIMIT, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, draw_summary_json(&items[i]));
    json_t *j = json_pack("{s:o}", "items", arr);
    json_object_set_new(j, "next_before", n == DRAW_LIST_LIMIT ? json_integer(items[n - 1].id) : json_null());
    return resp_json(r, out, 200, j);
}

enum err draw_api_list(struct req *r, struct resp *out)
{
    return list_json(r, out, r->who->role == ROLE_COUNTY ? r->who->district : NULL);
}

enum err draw_api_public_list(struct req *r, struct resp *out)
{
    return list_json(r, out, NULL);
}

enum err draw_api_public_get(struct req *r, struct resp *out)
{
    struct draw_row d;
    enum err e = draw_get(r->db, r->a, r->id[0], &d);
    if (e != OK) return e;
    return resp_json(r, out, 200, draw_json(&d));
}
