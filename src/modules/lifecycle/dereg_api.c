/* JSON handlers of deregistration (注销). The same route serves an operator's request and a county's
 * imposed deregistration; officials see their territory, an operator only its own institution. */
#include "core/clock.h"
#include "modules/institution/inst.h"
#include "modules/lifecycle/lifecycle.h"

#include <stdlib.h>
#include <string.h>

static enum err load_visible(struct req *r, int64_t id, struct dereg_row *d)
{
    enum err e = dereg_get(r->db, r->a, id, d);
    if (e != OK) return e;
    return lc_visible(r->who, d->district_code, d->institution_id) ? OK : ERR_NOT_FOUND;
}

enum err dereg_api_request(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = lc_load_inst(r, r->id[0], &inst);
    if (e != OK) return e;
    json_t *body;
    e = req_json(r, &body);
    if (e != OK) return e;
    struct dereg_input in = {0};
    in.children_enrolled = -1;
    struct jspec spec[] = {
        JS_DATE("planned_on", &in.planned_on),
        JS_STRING("reason", &in.reason, 2, 2000),
        JS_STRING("placement_plan", &in.placement_plan, 2, 4000),
        {.name = "children_enrolled",
         .type = JT_INT,
         .flags = JS_OPTIONAL,
         .dst = &in.children_enrolled,
         .min = 0,
         .max = 10000},
        {.name = "decision_number",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.decision_number,
         .min = 0,
         .max = 100},
        JS_END,
    };
    if (!jspec_parse(body, spec, "", &r->fe)) {
        /* The rules run on whatever parsed, so a client learns every bad field at once; a field the
         * validator rejected already is not named twice. */
        struct field_errors domain;
        fe_init(&domain, r->a);
        if (in.children_enrolled < 0) in.children_enrolled = 0;
        if (in.planned_on == 0) in.planned_on = clock_day_of(clock_now());
        dereg_check(r->who, &in, &domain);
        for (int i = 0; i < domain.n; i++) {
            bool seen = false;
            for (int j = 0; j < r->fe.n && !seen; j++)
                seen = strcmp(r->fe.items[j].field, domain.items[i].field) == 0;
            if (!seen) fe_add(&r->fe, domain.items[i].field, domain.items[i].message);
        }
        return ERR_VALIDATION;
    }
    if (in.children_enrolled < 0) {
        /* Not given: the count tuoyu has today. */
        e = lifecycle_children_enrolled(r->db, inst.id, &in.children_enrolled);
        if (e != OK) return e;
    }
    int64_t id = 0;
    e = dereg_request(r->db, r->a, r->who, inst.id, &in, &r->fe, &id);
    if (e != OK) return e;
    struct dereg_row d;
    e = dereg_get(r->db, r->a, id, &d);
    if (e != OK) return e;
    return resp_json(r, out, 201, dereg_json(&d));
}

enum err dereg_api_decide(struct req *r, struct resp *out)
{
    static const char *const decisions[] = {"approve", "reject", NULL};
    const char *decision, *reason, *number;
    struct dereg_row d;
    enum err e = load_visible(r, r->id[0], &d);
    if (e == OK) e = lc_decision_body(r, decisions, &decision, &reason, &number);
    if (e == OK) e = dereg_decide(r->db, r->a, r->who, d.id, decision, reason, number, &r->fe);
    if (e == OK) e = dereg_get(r->db, r->a, d.id, &d);
    if (e != OK) return e;
    return resp_json(r, out, 200, dereg_json(&d));
}

enum err dereg_api_list(struct req *r, struct resp *out)
{
    const char *status = req_query(r, "status"), *district = req_query(r, "district");
    if (status && !*status) status = NULL;
    if (status && lc_status_from_name(dereg_status_names, status) <= DR_NONE)
        fe_add(&r->fe, "status", "状态应为 requested、approved 或 rejected");
    enum err e = lc_scope_district(r, &district);
    if (e != OK) return e;
    if (r->fe.n) return ERR_VALIDATION;
    int64_t inst = r->who->role == ROLE_OPERATOR ? r->who->institution_id : 0;
    struct dereg_row *rows;
    int n;
    e = dereg_list(r->db, r->a, status, district, inst, &rows, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, dereg_json(&rows[i]));
    return resp_json(r, out, 200, json_pack("{s:I, s:o}", "total", (json_int_t)n, "items", arr));
}

enum err dereg_api_get(struct req *r, struct resp *out)
{
    struct dereg_row d;
    enum err e = load_visible(r, r->id[0], &d);
    if (e != OK) return e;
    return resp_json(r, out, 200, dereg_json(&d));
}
