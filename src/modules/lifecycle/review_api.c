/* JSON handlers of the annual review (年审), and the helpers every handler of the module shares. Officials
 * see their territory, an operator only its own institution; anything else is 404. */
#include "core/clock.h"
#include "modules/institution/inst.h"
#include "modules/lifecycle/lifecycle.h"

#include <stdlib.h>
#include <string.h>

/* ---- Shared by the module's JSON handlers ------------------------------------------------------------ */

bool lc_visible(const struct principal *who, const char *district, int64_t inst_id)
{
    if (who->role == ROLE_OPERATOR) return who->institution_id == inst_id;
    return auth_sees_district(who, district);
}

enum err lc_load_inst(struct req *r, int64_t id, struct institution *inst)
{
    enum err e = inst_get(r->db, r->a, id, inst);
    if (e != OK) return e;
    return lc_visible(r->who, inst->district_code, inst->id) ? OK : ERR_NOT_FOUND;
}

enum err lc_scope_district(struct req *r, const char **district)
{
    if (*district && !**district) *district = NULL;
    if (r->who->role == ROLE_COUNTY) {
        if (*district && strcmp(*district, r->who->district) != 0) return ERR_NOT_FOUND;
        *district = r->who->district;
    }
    return OK;
}

enum err lc_decision_body(struct req *r, const char *const *decisions, const char **decision,
                          const char **reason, const char **number)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    int i = -1;
    *reason = NULL;
    struct jspec spec[] = {
        JS_ENUM("decision", &i, decisions),
        {.name = "reason", .type = JT_STRING, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = reason, .max = 2000},
        {.name = "decision_number",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = number,
         .max = 100},
        JS_END,
    };
    if (number)
        *number = NULL;
    else
        spec[2] = (struct jspec)JS_END;
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    *decision = decisions[i];
    return OK;
}

/* ---- Annual review ------------------------------------------------------------------------------------ */

static enum err load_visible(struct req *r, int64_t id, struct review_row *rv)
{
    enum err e = review_get(r->db, r->a, id, rv);
    if (e != OK) return e;
    return lc_visible(r->who, rv->district_code, rv->institution_id) ? OK : ERR_NOT_FOUND;
}

static int this_year(void)
{
    return review_default_year(clock_day_of(clock_now())) + 1;
}

enum err review_api_prefill(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = lc_load_inst(r, r->id[0], &inst);
    if (e != OK) return e;
    int64_t year = r->id[1];
    if (year < 2000 || year > this_year()) {
        fe_addf(&r->fe, "year", "年度应在 2000 到 %d 之间", this_year());
        return ERR_VALIDATION;
    }
    struct review_prefill p;
    e = review_prefill(r->db, inst.id, (int)year, &p);
    if (e != OK) return e;
    json_t *j = review_prefill_json(&p);
    json_object_set_new(j, "institution_id", json_integer(inst.id));
    json_object_set_new(j, "institution_name", json_string(inst.name));
    struct review_row *rows;
    int n;
    e = review_list(r->db, r->a, (int)year, NULL, NULL, inst.id, &rows, &n);
    if (e != OK) {
        json_decref(j);
        return e;
    }
    json_object_set_new(j, "review", n ? review_json(&rows[0], false) : json_null());
    return resp_json(r, out, 200, j);
}

enum err review_api_submit(struct req *r, struct resp *out)
{
    int64_t inst_id = r->id[0];
    if (r->who->institution_id != inst_id) return ERR_NOT_FOUND;
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    int64_t year = this_year() - 1, drills = 0, hours = 0;
    const char *narrative = NULL;
    struct jspec spec[] = {
        {.name = "year", .type = JT_INT, .flags = JS_OPTIONAL, .dst = &year, .min = 2000, .max = this_year()},
        JS_STRING("narrative", &narrative, 1, 5000),
        JS_INT("drills", &drills, 0, 1000),
        JS_INT("training_hours", &hours, 0, 100000),
        JS_END,
    };
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    int64_t id = 0;
    e = review_submit(r->db, r->a, r->who, inst_id, (int)year, narrative, drills, hours, &r->fe, &id);
    if (e != OK) return e;
    struct review_row rv;
    e = review_get(r->db, r->a, id, &rv);
    if (e != OK) return e;
    return resp_json(r, out, rv.submissions > 1 ? 200 : 201, review_json(&rv, true));
}

enum err review_api_decide(struct req *r, struct resp *out)
{
    static const char *const decisions[] = {"accept", "return", NULL};
    const char *decision, *reason;
    struct review_row rv;
    enum err e = load_visible(r, r->id[0], &rv);
    if (e == OK) e = lc_decision_body(r, decisions, &decision, &reason, NULL);
    if (e == OK) e = review_decide(r->db, r->a, r->who, rv.id, decision, reason, &r->fe);
    if (e == OK) e = review_get(r->db, r->a, rv.id, &rv);
    if (e != OK) return e;
    return resp_json(r, out, 200, review_json(&rv, false));
}

enum err review_api_list(struct req *r, struct resp *out)
{
    const char *ys = req_query(r, "year"), *status = req_query(r, "status"), *ov = req_query(r, "overdue");
    const char *district = req_query(r, "district");
    int64_t year = 0;
    if (ys && *ys) {
        char *end;
        year = strtoll(ys, &end, 10);
        if (*end || year < 2000 || year > this_year())
            fe_addf(&r->fe, "year", "年度应在 2000 到 %d 之间", this_year());
    }
    if (status && *status && lc_status_from_name(review_status_names, status) <= RV_NONE)
        fe_add(&r->fe, "status", "状态应为 draft、submitted、accepted 或 returned");
    if (status && !*status) status = NULL;
    bool overdue = false;
    if (ov && *ov) {
        if (strcmp(ov, "1") == 0 || strcmp(ov, "true") == 0)
            overdue = true;
        else if (strcmp(ov, "0") != 0 && strcmp(ov, "false") != 0)
            fe_add(&r->fe, "overdue", "应为 1 或 0");
    }
    enum err e = lc_scope_district(r, &district);
    if (e != OK) return e;
    if (r->fe.n) return ERR_VALIDATION;
    int64_t inst = r->who->role == ROLE_OPERATOR ? r->who->institution_id : 0;
    struct review_row *rows;
    int n;
    if (overdue) {
        if (!year) year = this_year() - 1;
        e = review_overdue(r->db, r->a, (int)year, district, &rows, &n);
    } else {
        e = review_list(r->db, r->a, (int)year, status, district, inst, &rows, &n);
    }
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        if (inst && rows[i].institution_id != inst) continue;
        if (overdue && status && strcmp(rows[i].status, status) != 0) continue;
        json_t *j = review_json(&rows[i], false);
        if (overdue) json_object_set_new(j, "overdue", json_true());
        json_array_append_new(arr, j);
    }
    json_t *res = json_pack("{s:I, s:o}", "total", (json_int_t)json_array_size(arr), "items", arr);
    if (overdue) json_object_set_new(res, "year", json_integer(year));
    return resp_json(r, out, 200, res);
}

enum err review_api_get(struct req *r, struct resp *out)
{
    struct review_row rv;
    enum err e = load_visible(r, r->id[0], &rv);
    if (e != OK) return e;
    return resp_json(r, out, 200, review_json(&rv, true));
}
