/* JSON handlers of policy support: subsidies, the plan's promises per institution and demonstration
 * institutions. Visibility: county officials see their district, city officials, admins and auditors all,
 * an operator only its own institution; anything else is 404, so ids of other territories are not even
 * confirmed to exist. Who may move a record is decided by the store against the workflow tables (403 for a
 * role that never fires the move, 409 invalid_state with a detail for a move the table or the
 * once-per-year-and-type rule refuses). */
#include "core/clock.h"
#include "modules/institution/inst.h"
#include "modules/support/support.h"

#include <stdlib.h>
#include <string.h>

static bool visible(const struct principal *who, const char *district, int64_t inst_id)
{
    if (who->role == ROLE_OPERATOR) return who->institution_id == inst_id;
    return auth_sees_district(who, district);
}

static int this_year(void)
{
    int y, m, d;
    days_to_date(clock_day_of(clock_now()), &y, &m, &d);
    return y;
}

#define VERSION_SPEC(d)                                                                                      \
    {                                                                                                        \
        .name = "version", .type = JT_INT, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = (d), .min = 1,         \
        .max = INT64_MAX                                                                                     \
    }
#define OPT_STRING(n, d, hi)                                                                                 \
    {                                                                                                        \
        .name = (n), .type = JT_STRING, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = (d), .min = 0,            \
        .max = (hi)                                                                                          \
    }

/* A positive integer query parameter into *out (0 when absent); a bad value goes into r->fe. */
static void query_int(struct req *r, const char *key, int64_t lo, int64_t hi, int64_t *out)
{
    const char *s = req_query(r, key);
    *out = 0;
    if (!s || !*s) return;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v < lo || v > hi)
        fe_addf(&r->fe, key, "应为 %lld 至 %lld 之间的整数", (long long)lo, (long long)hi);
    else
        *out = v;
}

/* The district filter of a list: validated, and confined to the county official's own district. *empty is
 * set when a county official asks for another district (an empty answer, not an error). */
static enum err district_filter(struct req *r, const char **district, bool *empty)
{
    const char *d = req_query(r, "district");
    *district = NULL;
    *empty = false;
    if (d && *d) {
        const char *name;
        enum err e = district_name(r->db, r->a, d, &name);
        if (e == ERR_NOT_FOUND)
            fe_add(&r->fe, "district", "未知的区县");
        else if (e != OK)
            return e;
        *district = d;
    }
    if (r->who->role == ROLE_COUNTY) {
        if (*district && strcmp(*district, r->who->district ? r->who->district : "") != 0) *empty = true;
        *district = r->who->district;
    }
    return OK;
}

/* ---- Subsidies ----------------------------------------------------------------------------------------- */

static json_t *subsidy_json(const struct subsidy *s)
{
    json_t *j =
        json_pack("{s:I, s:I, s:s?, s:s?, s:s?, s:I, s:s?, s:s?, s:I, s:I, s:s?, s:I, s:I}", "id",
                  (json_int_t)s->id, "institution_id", (json_int_t)s->institution_id, "institution_name",
                  s->institution_name, "district_code", s->district_code, "district_name", s->district_name,
                  "year", (json_int_t)s->year, "type", s->type, "status", s->status, "amount_applied_fen",
                  (json_int_t)s->amount_applied_fen, "places", (json_int_t)s->places, "basis", s->basis,
                  "applied_at", (json_int_t)s->applied_at, "version", (json_int_t)s->version);
    if (!j) return json_object();
    json_object_set_new(j, "decided_at", s->decided_at ? json_integer(s->decided_at) : json_null());
    json_object_set_new(j, "amount_approved_fen",
                        s->decided_at && s->amount_approved_fen ? json_integer(s->amount_approved_fen)
                                                                : json_null());
    json_object_set_new(j, "decision_reason",
                        s->decision_reason ? json_string(s->decision_reason) : json_null());
    json_object_set_new(j, "paid_on", json_day_opt(s->paid_on != 0, s->paid_on));
    json_object_set_new(j, "paid_fen", s->paid_on ? json_integer(s->paid_fen) : json_null());
    return j;
}

/* The filters both lists share: year, institution, page, status (one of status_names above none_index,
 * else a field error with status_msg) and district; an operator is kept to its own institution (*empty when
 * it asked for another). Field errors go to r->fe; a database error is returned. */
struct list_query {
    int64_t year, institution_id, page;
    const char *status, *district;
    bool empty;
};

static enum err list_query_parse(struct req *r, const char *const *status_names, int none_index,
                                 const char *status_msg, struct list_query *q)
{
    memset(q, 0, sizeof *q);
    query_int(r, "year", SUPPORT_YEAR_MIN, 2100, &q->year);
    query_int(r, "institution", 1, INT64_MAX, &q->institution_id);
    query_int(r, "page", 1, 100000, &q->page);
    if (!q->page) q->page = 1;
    const char *status = req_query(r, "status");
    if (status && *status && support_name_index(status_names, status) <= none_index)
        fe_add(&r->fe, "status", status_msg);
    q->status = status && *status ? status : NULL;
    enum err e = district_filter(r, &q->district, &q->empty);
    if (e != OK) return e;
    if (r->who->role == ROLE_OPERATOR) {
        if (q->institution_id && q->institution_id != r->who->institution_id) q->empty = true;
        q->institution_id = r->who->institution_id;
    }
    return OK;
}

/* GET /api/v1/subsidies?year=&district=&institution=&status=&type=&page= */
enum err support_api_subsidy_list(struct req *r, struct resp *out)
{
    struct list_query q;
    enum err e = list_query_parse(r, subsidy_status_names, SS_NONE,
                                  "状态应为 applied、approved、rejected 或 paid", &q);
    if (e != OK) return e;
    const char *type = req_query(r, "type");
    if (type && *type && support_name_index(subsidy_type_names, type) < 0)
        fe_add(&r->fe, "type", "补贴类型应为 construction、operating 或 award");
    if (r->fe.n) return ERR_VALIDATION;
    struct subsidy_filter f = {.district = q.district,
                               .year = (int)q.year,
                               .institution_id = q.institution_id,
                               .status = q.status,
                               .type = type && *type ? type : NULL,
                               .page = (int)q.page};
    if (q.empty) return resp_json(r, out, 200, json_list_page(json_array(), 0, SUBSIDY_PER_PAGE, f.page));
    struct subsidy *items;
    int n;
    int64_t total;
    e = subsidy_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, subsidy_json(&items[i]));
    return resp_json(r, out, 200, json_list_page(arr, total, SUBSIDY_PER_PAGE, f.page));
}

/* POST /api/v1/subsidies {institution_id (operators: their own, may be omitted), year, type, amount_fen,
 * places, basis} */
enum err support_api_subsidy_apply(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    int type = -1;
    struct subsidy_apply_in in = {.type = -1};
    int y = this_year();
    struct jspec spec[] = {
        {.name = "institution_id",
         .type = JT_INT,
         .flags = r->who->role == ROLE_OPERATOR ? JS_OPTIONAL | JS_NULLABLE : 0,
         .dst = &in.institution_id,
         .min = 1,
         .max = INT64_MAX},
        JS_INT("year", &in.year, SUPPORT_YEAR_MIN, y + 1),
        JS_ENUM("type", &type, subsidy_type_names),
        JS_INT("amount_fen", &in.amount_fen, 1, SUPPORT_AMOUNT_MAX_FEN),
        {.name = "places",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.places,
         .min = 0,
         .max = 10000},
        JS_STRING("basis", &in.basis, 1, SUPPORT_TEXT_MAX),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    in.type = type;
    if (r->who->role == ROLE_OPERATOR && !in.institution_id) in.institution_id = r->who->institution_id;
    if (type >= 0 && subsidy_needs_places(type) && in.places < 1 && !fe_has(&r->fe, "places"))
        fe_add(&r->fe, "places", "建设补贴和运营补贴须填写托位数");
    if (r->fe.n) return ERR_VALIDATION;
    const char *detail = NULL;
    struct subsidy s;
    e = subsidy_apply(r->db, r->a, r->who, &in, &r->fe, &detail, &s);
    if (detail) r->error_detail = detail;
    if (e != OK) return e;
    return resp_json(r, out, 201, subsidy_json(&s));
}

/* GET /api/v1/subsidies/totals?year=&district=: applications, approvals and payments by county and type. */
enum err support_api_subsidy_totals(struct req *r, struct resp *out)
{
    int64_t year;
    query_int(r, "year", SUPPORT_YEAR_MIN, 2100, &year);
    const char *district;
    bool empty;
    enum err e = district_filter(r, &district, &empty);
    if (e != OK) return e;
    if (r->fe.n) return ERR_VALIDATION;
    if (!year) year = this_year();
    struct subsidy_total_row *rows = NULL;
    int n = 0;
    if (!empty) {
        e = subsidy_totals(r->db, r->a, district, (int)year, &rows, &n);
        if (e != OK) return e;
    }
    json_t *arr = json_array();
    int64_t sum[6] = {0};
    for (int i = 0; i < n; i++) {
        const struct subsidy_total_row *t = &rows[i];
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "district_code", t->district_code,
                           "district_name", t->district_name, "type", t->type, "applications",
                           (json_int_t)t->applications, "approved_count", (json_int_t)t->approved_count,
                           "paid_count", (json_int_t)t->paid_count, "applied_fen", (json_int_t)t->applied_fen,
                           "approved_fen", (json_int_t)t->approved_fen, "paid_fen", (json_int_t)t->paid_fen));
        sum[0] += t->applications, sum[1] += t->approved_count, sum[2] += t->paid_count;
        sum[3] += t->applied_fen, sum[4] += t->approved_fen, sum[5] += t->paid_fen;
    }
    json_t *total =
        json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "applications", (json_int_t)sum[0], "approved_count",
                  (json_int_t)sum[1], "paid_count", (json_int_t)sum[2], "applied_fen", (json_int_t)sum[3],
                  "approved_fen", (json_int_t)sum[4], "paid_fen", (json_int_t)sum[5]);
    return resp_json(r, out, 200,
                     json_pack("{s:I, s:o, s:o}", "year", (json_int_t)year, "items", arr, "total", total));
}

static enum err subsidy_visible(struct req *r, struct subsidy *s)
{
    enum err e = subsidy_get(r->db, r->a, r->id[0], s);
    if (e != OK) return e;
    return visible(r->who, s->district_code, s->institution_id) ? OK : ERR_NOT_FOUND;
}

/* GET /api/v1/subsidies/{id} */
enum err support_api_subsidy_get(struct req *r, struct resp *out)
{
    struct subsidy s;
    enum err e = subsidy_visible(r, &s);
    if (e != OK) return e;
    return resp_json(r, out, 200, subsidy_json(&s));
}

static enum err subsidy_move_respond(struct req *r, struct resp *out, const struct subsidy_move *m)
{
    const char *detail = NULL;
    struct subsidy s;
    enum err e = subsidy_decide(r->db, r->a, r->who, r->id[0], m, &r->fe, &detail, &s);
    if (detail) r->error_detail = detail;
    if (e != OK) return e;
    return resp_json(r, out, 200, subsidy_json(&s));
}

/* POST /api/v1/subsidies/{id}/decision {decision: approve|reject, amount_fen (approve), reason (reject),
 * version?} */
enum err support_api_subsidy_decide(struct req *r, struct resp *out)
{
    struct subsidy s;
    json_t *body;
    enum err e = subsidy_visible(r, &s);
    if (e == OK) e = req_json(r, &body);
    if (e != OK) return e;
    static const char *const decisions[] = {"approve", "reject", NULL};
    int decision = -1;
    struct subsidy_move m = {.event = -1};
    struct jspec spec[] = {
        JS_ENUM("decision", &decision, decisions),
        {.name = "amount_fen",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &m.amount_fen,
         .min = 1,
         .max = SUPPORT_AMOUNT_MAX_FEN},
        OPT_STRING("reason", &m.reason, SUPPORT_TEXT_MAX),
        VERSION_SPEC(&m.expected_version),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    m.event = decision == 0 ? SE_APPROVE : decision == 1 ? SE_REJECT : -1;
    if (m.event == SE_APPROVE && !m.amount_fen && !fe_has(&r->fe, "amount_fen"))
        fe_add(&r->fe, "amount_fen", "批准时须填写批准金额");
    if (m.event == SE_REJECT && !fe_has(&r->fe, "reason") && (!m.reason || !*m.reason))
        fe_add(&r->fe, "reason", "不予批准时必须说明理由");
    if (r->fe.n) return ERR_VALIDATION;
    return subsidy_move_respond(r, out, &m);
}

/* POST /api/v1/subsidies/{id}/payment {paid_on, paid_fen, version?} */
enum err support_api_subsidy_pay(struct req *r, struct resp *out)
{
    struct subsidy s;
    json_t *body;
    enum err e = subsidy_visible(r, &s);
    if (e == OK) e = req_json(r, &body);
    if (e != OK) return e;
    struct subsidy_move m = {.event = SE_PAY};
    struct jspec spec[] = {
        JS_DATE("paid_on", &m.paid_on),
        JS_INT("paid_fen", &m.paid_fen, 1, SUPPORT_AMOUNT_MAX_FEN),
        VERSION_SPEC(&m.expected_version),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (!fe_has(&r->fe, "paid_on") && m.paid_on > clock_day_of(clock_now()))
        fe_add(&r->fe, "paid_on", "拨付日期不能晚于今天");
    if (r->fe.n) return ERR_VALIDATION;
    return subsidy_move_respond(r, out, &m);
}

/* ---- Promises ------------------------------------------------------------------------------------------ */

static json_t *policy_json(const struct policy *p, int64_t today)
{
    json_t *j = json_pack(
        "{s:I, s:s?, s:b, s:b, s:b, s:b, s:b, s:I, s:i}", "institution_id", (json_int_t)p->institution_id,
        "institution_name", p->institution_name, "declared", p->declared, "utility_residential",
        p->utility_residential, "accident_insurance", p->accident_insurance, "training_subsidy",
        p->training_subsidy, "skill_subsidy", p->skill_subsidy, "version", (json_int_t)p->version, "met",
        p->declared ? policy_met_count(p->utility_residential, p->liability_until, p->accident_insurance,
                                       p->training_subsidy, p->skill_subsidy, today)
                    : 0);
    if (!j) return json_object();
    json_object_set_new(j, "liability_until", json_day_opt(p->liability_until != 0, p->liability_until));
    json_object_set_new(j, "liability_valid",
                        json_boolean(p->liability_until && p->liability_until >= today));
    json_object_set_new(j, "note", p->note ? json_string(p->note) : json_null());
    json_object_set_new(j, "confirmed_on", json_day_opt(p->confirmed_on != 0, p->confirmed_on));
    return j;
}

static enum err policy_visible(struct req *r, struct policy *p)
{
    enum err e = policy_get(r->db, r->a, r->id[0], p);
    if (e != OK) return e;
    return visible(r->who, p->district_code, p->institution_id) ? OK : ERR_NOT_FOUND;
}

/* GET /api/v1/institutions/{id}/policy: the promises and their history. */
enum err support_api_policy_get(struct req *r, struct resp *out)
{
    struct policy p;
    enum err e = policy_visible(r, &p);
    if (e != OK) return e;
    struct policy_change *h;
    int n;
    e = policy_history(r->db, r->a, p.institution_id, &h, &n);
    if (e != OK) return e;
    json_t *j = policy_json(&p, clock_day_of(clock_now())), *arr = json_array();
    for (int i = 0; i < n; i++) {
        json_t *x =
            json_pack("{s:I, s:I, s:s, s:s, s:b, s:b, s:b, s:b}", "version", (json_int_t)h[i].version, "at",
                      (json_int_t)h[i].at, "kind", h[i].kind, "by", h[i].by_name, "utility_residential",
                      h[i].utility_residential, "accident_insurance", h[i].accident_insurance,
                      "training_subsidy", h[i].training_subsidy, "skill_subsidy", h[i].skill_subsidy);
        if (!x) continue;
        json_object_set_new(x, "liability_until",
                            json_day_opt(h[i].liability_until != 0, h[i].liability_until));
        json_object_set_new(x, "confirmed_on", json_day_opt(h[i].confirmed_on != 0, h[i].confirmed_on));
        json_object_set_new(x, "note", h[i].note ? json_string(h[i].note) : json_null());
        json_array_append_new(arr, x);
    }
    json_object_set_new(j, "history", arr);
    return resp_json(r, out, 200, j);
}

/* PATCH /api/v1/institutions/{id}/policy {version (0 for the first declaration), utility_residential?,
 * liability_until?, accident_insurance?, training_subsidy?, skill_subsidy?, note?}: fields not given keep
 * their value. */
enum err support_api_policy_patch(struct req *r, struct resp *out)
{
    struct policy cur;
    json_t *body;
    enum err e = policy_visible(r, &cur);
    if (e == OK) e = req_json(r, &body);
    if (e != OK) return e;
    struct policy in = cur;
    int64_t version = -1;
    const char *note = cur.note;
    bool note_given = false, liability_given = false;
    int64_t liability = 0;
    struct jspec spec[] = {
        JS_INT("version", &version, 0, INT64_MAX),
        {.name = "utility_residential",
         .type = JT_BOOL,
         .flags = JS_OPTIONAL,
         .dst = &in.utility_residential},
        {.name = "accident_insurance", .type = JT_BOOL, .flags = JS_OPTIONAL, .dst = &in.accident_insurance},
        {.name = "training_subsidy", .type = JT_BOOL, .flags = JS_OPTIONAL, .dst = &in.training_subsidy},
        {.name = "skill_subsidy", .type = JT_BOOL, .flags = JS_OPTIONAL, .dst = &in.skill_subsidy},
        {.name = "liability_until",
         .type = JT_DATE,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &liability,
         .present = &liability_given},
        {.name = "note",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &note,
         .min = 0,
         .max = SUPPORT_TEXT_MAX,
         .present = &note_given},
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    /* An explicit null clears the liability date or the note. */
    json_t *lv = json_object_get(body, "liability_until"), *nv = json_object_get(body, "note");
    if (liability_given)
        in.liability_until = liability;
    else if (lv && json_is_null(lv))
        in.liability_until = 0;
    if (note_given)
        in.note = note;
    else if (nv && json_is_null(nv))
        in.note = NULL;
    if (!fe_has(&r->fe, "liability_until") && in.liability_until &&
        in.liability_until < date_to_days(SUPPORT_YEAR_MIN, 1, 1))
        fe_add(&r->fe, "liability_until", "责任保险有效期不正确");
    if (r->fe.n) return ERR_VALIDATION;
    struct policy p;
    e = policy_declare(r->db, r->a, r->who, cur.institution_id, &in, version, &r->fe, &p);
    if (e == ERR_STATE) r->error_detail = "只有已备案的机构才能申报政策落实情况";
    if (e != OK) return e;
    return resp_json(r, out, 200, policy_json(&p, clock_day_of(clock_now())));
}

/* POST /api/v1/institutions/{id}/policy/confirm {version?} */
enum err support_api_policy_confirm(struct req *r, struct resp *out)
{
    struct policy cur;
    json_t *body;
    enum err e = policy_visible(r, &cur);
    if (e == OK) e = req_json(r, &body);
    if (e != OK) return e;
    int64_t version = 0;
    struct jspec spec[] = {VERSION_SPEC(&version), JS_END};
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    struct policy p;
    e = policy_confirm(r->db, r->a, r->who, cur.institution_id, version, &p);
    if (e == ERR_STATE)
        r->error_detail = cur.declared ? "该机构当前申报已确认" : "该机构尚未申报政策落实情况";
    if (e != OK) return e;
    return resp_json(r, out, 200, policy_json(&p, clock_day_of(clock_now())));
}

/* ---- Demonstrations ------------------------------------------------------------------------------------ */

static json_t *dem_json(const struct demonstration *m)
{
    json_t *j =
        json_pack("{s:I, s:I, s:s?, s:s?, s:s?, s:I, s:s?, s:s?, s:I, s:I}", "id", (json_int_t)m->id,
                  "institution_id", (json_int_t)m->institution_id, "institution_name", m->institution_name,
                  "district_code", m->district_code, "district_name", m->district_name, "year",
                  (json_int_t)m->year, "status", m->status, "statement", m->statement, "applied_at",
                  (json_int_t)m->applied_at, "version", (json_int_t)m->version);
    if (!j) return json_object();
    json_object_set_new(j, "score", m->score >= 0 ? json_integer(m->score) : json_null());
    json_object_set_new(j, "evaluation_note",
                        m->evaluation_note ? json_string(m->evaluation_note) : json_null());
    json_object_set_new(j, "level", m->level ? json_string(m->level) : json_null());
    json_object_set_new(j, "designated_on", json_day_opt(m->designated_on != 0, m->designated_on));
    json_object_set_new(j, "decision_number",
                        m->decision_number ? json_string(m->decision_number) : json_null());
    json_object_set_new(j, "reason", m->reason ? json_string(m->reason) : json_null());
    return j;
}

/* GET /api/v1/demonstrations?status=&year=&district=&institution=&page= */
enum err support_api_dem_list(struct req *r, struct resp *out)
{
    struct list_query q;
    enum err e = list_query_parse(r, dem_status_names, DS_NONE,
                                  "状态应为 applied、evaluated、designated 或 rejected", &q);
    if (e != OK) return e;
    if (r->fe.n) return ERR_VALIDATION;
    struct dem_filter f = {.district = q.district,
                           .year = (int)q.year,
                           .institution_id = q.institution_id,
                           .status = q.status,
                           .page = (int)q.page};
    if (q.empty) return resp_json(r, out, 200, json_list_page(json_array(), 0, DEM_PER_PAGE, f.page));
    struct demonstration *items;
    int n;
    int64_t total;
    e = dem_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, dem_json(&items[i]));
    return resp_json(r, out, 200, json_list_page(arr, total, DEM_PER_PAGE, f.page));
}

/* POST /api/v1/demonstrations {institution_id? (the operator's own), year, statement} */
enum err support_api_dem_apply(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    int64_t inst = 0, year = 0;
    const char *statement = NULL;
    struct jspec spec[] = {
        {.name = "institution_id",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &inst,
         .min = 1,
         .max = INT64_MAX},
        JS_INT("year", &year, SUPPORT_YEAR_MIN, this_year() + 1),
        JS_STRING("statement", &statement, 1, SUPPORT_TEXT_MAX),
        JS_END,
    };
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    if (!inst) inst = r->who->institution_id;
    const char *detail = NULL;
    struct demonstration m;
    e = dem_apply(r->db, r->a, r->who, inst, year, statement, &r->fe, &detail, &m);
    if (detail) r->error_detail = detail;
    if (e != OK) return e;
    return resp_json(r, out, 201, dem_json(&m));
}

static enum err dem_visible(struct req *r, struct demonstration *m)
{
    enum err e = dem_get(r->db, r->a, r->id[0], m);
    if (e != OK) return e;
    return visible(r->who, m->district_code, m->institution_id) ? OK : ERR_NOT_FOUND;
}

/* GET /api/v1/demonstrations/{id} */
enum err support_api_dem_get(struct req *r, struct resp *out)
{
    struct demonstration m;
    enum err e = dem_visible(r, &m);
    if (e != OK) return e;
    return resp_json(r, out, 200, dem_json(&m));
}

/* POST /api/v1/demonstrations/{id}/decision {decision: evaluate|designate|reject, score, note (evaluate),
 * level, designated_on, decision_number (designate), reason (reject), version?} */
enum err support_api_dem_decide(struct req *r, struct resp *out)
{
    struct demonstration cur;
    json_t *body;
    enum err e = dem_visible(r, &cur);
    if (e == OK) e = req_json(r, &body);
    if (e != OK) return e;
    int decision = -1, level = -1;
    struct dem_move m = {.event = -1, .score = -1, .level = -1};
    struct jspec spec[] = {
        JS_ENUM("decision", &decision, dem_event_names),
        {.name = "score",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &m.score,
         .min = 0,
         .max = 100},
        OPT_STRING("note", &m.note, SUPPORT_TEXT_MAX),
        {.name = "level",
         .type = JT_ENUM,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &level,
         .values = dem_level_names},
        {.name = "designated_on",
         .type = JT_DATE,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &m.designated_on},
        OPT_STRING("decision_number", &m.decision_number, 100),
        OPT_STRING("reason", &m.reason, SUPPORT_TEXT_MAX),
        VERSION_SPEC(&m.expected_version),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (decision == DE_APPLY && !fe_has(&r->fe, "decision"))
        fe_add(&r->fe, "decision", "应为 evaluate（评估）、designate（认定）或 reject（不予认定）");
    m.event = decision > DE_APPLY ? decision : -1;
    m.level = level;
    /* What the store requires besides, for the fields the validator let through: one answer, every field. */
    if (m.event == DE_EVALUATE && m.score < 0 && !fe_has(&r->fe, "score"))
        fe_add(&r->fe, "score", "请填写评估得分");
    if (m.event == DE_DESIGNATE) {
        if (level < 0 && !fe_has(&r->fe, "level")) fe_add(&r->fe, "level", "请选择认定级别");
        if (!m.designated_on && !fe_has(&r->fe, "designated_on"))
            fe_add(&r->fe, "designated_on", "请填写认定日期");
        else if (m.designated_on > clock_day_of(clock_now()) && !fe_has(&r->fe, "designated_on"))
            fe_add(&r->fe, "designated_on", "认定日期不能晚于今天");
        if ((!m.decision_number || !*m.decision_number) && !fe_has(&r->fe, "decision_number"))
            fe_add(&r->fe, "decision_number", "请填写认定文号");
    }
    if (m.event == DE_REJECT && (!m.reason || !*m.reason) && !fe_has(&r->fe, "reason"))
        fe_add(&r->fe, "reason", "不予认定时必须说明理由");
    if (r->fe.n) return ERR_VALIDATION;
    const char *detail = NULL;
    struct demonstration d;
    e = dem_decide(r->db, r->a, r->who, cur.id, &m, &r->fe, &detail, &d);
    if (detail) r->error_detail = detail;
    if (e != OK) return e;
    return resp_json(r, out, 200, dem_json(&d));
}
