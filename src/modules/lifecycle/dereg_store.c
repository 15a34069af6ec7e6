/* Deregistration (注销): requested by the operator and decided by the county, or imposed by the county. On
 * approval the institution's state becomes "closed" with closed_on = the planned day (a day still ahead reads
 * as "closing"); the public search shows filed institutions only, so it leaves the search at once. */
#include "core/clock.h"
#include "modules/institution/inst.h"
#include "modules/lifecycle/lifecycle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEREG_COLS                                                                                           \
    "g.id, g.institution_id, g.planned_on, g.children_enrolled, g.requested_at, g.decided_at, g.kind, "      \
    "g.status, g.reason, g.placement_plan, g.decision_number, g.decision_reason, i.name, i.district_code"
#define DEREG_FROM " FROM deregistrations g JOIN institutions i ON i.id = g.institution_id "

static void read_dereg(struct db_rows *r, struct arena *a, void *item)
{
    struct dereg_row *o = item;
    memset(o, 0, sizeof *o);
    o->id = db_int(r, 0);
    o->institution_id = db_int(r, 1);
    o->planned_on = db_int(r, 2);
    o->children_enrolled = db_int(r, 3);
    o->requested_at = db_int(r, 4);
    o->decided_at = db_isnull(r, 5) ? 0 : db_int(r, 5);
    o->kind = db_text_dup(r, 6, a);
    o->status = db_text_dup(r, 7, a);
    o->reason = db_text_dup(r, 8, a);
    o->placement_plan = db_text_dup(r, 9, a);
    o->decision_number = db_text_dup(r, 10, a);
    o->decision_reason = db_text_dup(r, 11, a);
    o->institution_name = db_text_dup(r, 12, a);
    o->district_code = db_text_dup(r, 13, a);
}

enum err dereg_get(struct db *db, struct arena *a, int64_t id, struct dereg_row *out)
{
    struct db_val v[] = {DBV_INT(id)};
    return db_get_one(db, a, "SELECT " DEREG_COLS DEREG_FROM "WHERE g.id = $1", v, 1, read_dereg, out);
}

enum err dereg_list(struct db *db, struct arena *a, const char *status, const char *district, int64_t inst_id,
                    struct dereg_row **items, int *n)
{
    const int max = 500;
    struct db_val v[] = {DBV_TEXT(status), DBV_TEXT(district), inst_id ? DBV_INT(inst_id) : DBV_NULL,
                         DBV_INT(max)};
    return db_get_all(db, a,
                      "SELECT " DEREG_COLS DEREG_FROM "WHERE (CAST($1 AS TEXT) IS NULL OR g.status = $1) "
                      "AND (CAST($2 AS TEXT) IS NULL OR i.district_code = $2) "
                      "AND (CAST($3 AS BIGINT) IS NULL OR g.institution_id = $3) "
                      "ORDER BY g.id DESC LIMIT $4",
                      v, DB_NPARAMS(v), read_dereg, sizeof **items, max, (void **)items, n);
}

json_t *dereg_json(const struct dereg_row *d)
{
    char planned[11];
    int64_t today = clock_day_of(clock_now());
    json_t *j =
        json_pack("{s:I, s:I, s:s?, s:s?, s:s, s:s, s:s, s:I, s:s?, s:s?, s:s?, s:s?, s:I}", "id",
                  (json_int_t)d->id, "institution_id", (json_int_t)d->institution_id, "institution_name",
                  d->institution_name, "district_code", d->district_code, "kind", d->kind ? d->kind : "",
                  "status", d->status ? d->status : "", "planned_on", date_format(d->planned_on, planned),
                  "children_enrolled", (json_int_t)d->children_enrolled, "reason", d->reason,
                  "placement_plan", d->placement_plan, "decision_number", d->decision_number,
                  "decision_reason", d->decision_reason, "requested_at", (json_int_t)d->requested_at);
    json_object_set_new(j, "decided_at", d->decided_at ? json_integer(d->decided_at) : json_null());
    /* Approved with a day still ahead: the institution is closing, not closed yet. */
    bool approved = d->status && strcmp(d->status, "approved") == 0;
    json_object_set_new(j, "effective", json_boolean(approved && d->planned_on <= today));
    return j;
}

enum err lifecycle_children_enrolled(struct db *db, int64_t inst_id, int64_t *n)
{
    int64_t today = clock_day_of(clock_now());
    struct db_val v[] = {DBV_INT(inst_id), DBV_INT(today)};
    return db_int_query(db,
                        "SELECT COUNT(*) FROM children WHERE institution_id = $1 AND start_on <= $2 "
                        "AND (end_on IS NULL OR end_on > $2)",
                        v, 2, n);
}

/* The first column as a day, 0 for NULL. */
static void read_day(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    *(int64_t *)item = db_isnull(r, 0) ? 0 : db_int(r, 0);
}

enum err lifecycle_closed_on(struct db *db, int64_t inst_id, int64_t *day)
{
    struct db_val v[] = {DBV_INT(inst_id)};
    return db_get_one(db, NULL, "SELECT closed_on FROM institutions WHERE id = $1 AND state = 'closed'", v, 1,
                      read_day, day);
}

struct inst_filed {
    bool filed;
    int64_t filed_on;
};

static void read_filed(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    struct inst_filed *o = item;
    o->filed = db_text(r, 0) && strcmp(db_text(r, 0), "filed") == 0;
    o->filed_on = db_isnull(r, 1) ? 0 : db_int(r, 1);
}

enum err lc_inst_filed(struct db *db, int64_t inst_id, bool *filed, int64_t *filed_on)
{
    struct db_val v[] = {DBV_INT(inst_id)};
    struct inst_filed f = {false, 0};
    enum err e =
        db_get_one(db, NULL, "SELECT state, filed_on FROM institutions WHERE id = $1", v, 1, read_filed, &f);
    if (filed) *filed = f.filed;
    if (filed_on) *filed_on = f.filed_on;
    return e;
}

/* Close a filed institution on day, keeping the versions before and after (inside a transaction). */
static enum err close_institution(struct db *db, const struct principal *who, int64_t inst_id, int64_t day,
                                  int64_t dereg_id)
{
    enum err e = inst_version_keep(db, inst_id, 0);
    if (e != OK) return e;
    struct db_val v[] = {DBV_INT(inst_id), DBV_INT(day), DBV_INT(clock_now())};
    e = db_exec(db,
                "UPDATE institutions SET state = 'closed', closed_on = $2, updated_at = $3, "
                "version = version + 1 WHERE id = $1 AND state = 'filed'",
                v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_STATE;
    e = inst_version_keep(db, inst_id, 0);
    char planned[11], ch[96];
    snprintf(ch, sizeof ch, "{\"closed_on\":\"%s\",\"deregistration_id\":%lld}", date_format(day, planned),
             (long long)dereg_id);
    if (e == OK) e = inst_history_add(db, inst_id, lc_actor_name(who), "closed", ch);
    return e;
}

struct request_ctx {
    const struct principal *who;
    int64_t inst_id;
    const struct dereg_input *in;
    int64_t id;
};

static enum err request_tx(struct db *db, void *p)
{
    struct request_ctx *c = p;
    unsigned role = c->who ? c->who->role : ROLE_OPERATOR;
    bool filed;
    enum err e = lc_inst_filed(db, c->inst_id, &filed, NULL);
    if (e != OK) return e;
    if (!filed) return ERR_STATE;
    struct db_val iv[] = {DBV_INT(c->inst_id)};
    int64_t pending = 0;
    e = db_int_query(
        db, "SELECT COUNT(*) FROM deregistrations WHERE institution_id = $1 AND status = 'requested'", iv, 1,
        &pending);
    if (e != OK) return e;
    int from = pending ? DR_REQUESTED : DR_NONE;
    int event = role == ROLE_COUNTY ? DRE_IMPOSE : DRE_REQUEST;
    int to = dereg_transition(from, event, role);
    if (to < 0) return ERR_STATE;
    int64_t now = clock_now();
    const struct dereg_input *in = c->in;
    struct db_val v[] = {DBV_INT(c->inst_id),
                         DBV_TEXT(event == DRE_IMPOSE ? "imposed" : "requested"),
                         DBV_TEXT(dereg_status_names[to]),
                         DBV_INT(in->planned_on),
                         DBV_TEXT(in->reason),
                         DBV_TEXT(in->placement_plan),
                         DBV_INT(in->children_enrolled),
                         DBV_TEXT(in->decision_number),
                         DBV_INT(now),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL,
                         to == DR_APPROVED ? DBV_INT(now) : DBV_NULL,
                         to == DR_APPROVED && c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    e = db_int_query(db,
                     "INSERT INTO deregistrations (institution_id, kind, status, planned_on, reason, "
                     "placement_plan, children_enrolled, decision_number, requested_at, requested_by, "
                     "decided_at, decided_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
                     "RETURNING id",
                     v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    if (to == DR_APPROVED) e = close_institution(db, c->who, c->inst_id, in->planned_on, c->id);
    char planned[11];
    json_t *after =
        json_pack("{s:I, s:s, s:s, s:s, s:I, s:s?}", "deregistration_id", (json_int_t)c->id, "kind",
                  event == DRE_IMPOSE ? "imposed" : "requested", "status", dereg_status_names[to],
                  "planned_on", date_format(in->planned_on, planned), "children_enrolled",
                  (json_int_t)in->children_enrolled, "decision_number", in->decision_number);
    char *txt = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(after);
    if (e == OK)
        e = inst_history_add(db, c->inst_id, lc_actor_name(c->who),
                             event == DRE_IMPOSE ? "deregistration_imposed" : "deregistration_requested",
                             txt);
    if (e == OK)
        e = audit_append(db, c->who, event == DRE_IMPOSE ? "deregistration.impose" : "deregistration.request",
                         "deregistration", c->id, NULL, txt);
    free(txt);
    return e;
}

bool dereg_check(const struct principal *who, const struct dereg_input *in, struct field_errors *fe)
{
    int before = fe->n;
    bool county = who && who->role == ROLE_COUNTY;
    int64_t today = clock_day_of(clock_now());
    /* An operator plans ahead; the county may record a closure that has happened already (within a year). */
    int64_t earliest = county ? today - 365 : today, latest = today + 730;
    if (in->planned_on < earliest || in->planned_on > latest)
        fe_add(fe, "planned_on",
               county ? "注销日期应在一年前到两年后之间" : "计划注销日期应在今天到两年后之间");
    const char *reason = lc_blank_to_null(in->reason), *plan = lc_blank_to_null(in->placement_plan);
    if (!reason || utf8_chars(reason) < 2 || utf8_chars(reason) > 2000)
        fe_add(fe, "reason", "注销原因应为 2 到 2000 字");
    if (!plan || utf8_chars(plan) < 2 || utf8_chars(plan) > 4000)
        fe_add(fe, "placement_plan", "在托婴幼儿安置方案应为 2 到 4000 字");
    if (in->children_enrolled < 0 || in->children_enrolled > 10000)
        fe_add(fe, "children_enrolled", "在托婴幼儿人数应在 0 到 10000 之间");
    const char *number = lc_blank_to_null(in->decision_number);
    if (county && (!number || utf8_chars(number) < 2 || utf8_chars(number) > 100))
        fe_add(fe, "decision_number", "县级卫生健康部门注销时必须填写决定书文号（2 到 100 字）");
    if (!county && number) fe_add(fe, "decision_number", "决定书文号由县级卫生健康部门填写");
    return fe->n == before;
}

enum err dereg_request(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                       const struct dereg_input *in, struct field_errors *fe, int64_t *id)
{
    (void)a;
    if (!dereg_check(who, in, fe)) return ERR_VALIDATION;
    struct request_ctx c = {who, inst_id, in, 0};
    enum err e = db_tx(db, request_tx, &c);
    if (e == OK) *id = c.id;
    return e;
}

struct decide_ctx {
    const struct principal *who;
    struct arena *a;
    int64_t id;
    int event;
    const char *reason, *number;
};

static enum err decide_tx(struct db *db, void *p)
{
    struct decide_ctx *c = p;
    struct dereg_row d;
    enum err e = dereg_get(db, c->a, c->id, &d);
    if (e != OK) return e;
    int from = lc_status_from_name(dereg_status_names, d.status);
    int to = from < 0 ? -1 : dereg_transition(from, c->event, c->who ? c->who->role : ROLE_COUNTY);
    if (to < 0) return ERR_STATE;
    int64_t now = clock_now();
    struct db_val v[] = {DBV_INT(c->id),      DBV_TEXT(dereg_status_names[to]),
                         DBV_INT(now),        c->who ? DBV_INT(c->who->user_id) : DBV_NULL,
                         DBV_TEXT(c->reason), DBV_TEXT(c->number)};
    e = db_exec(
        db,
        "UPDATE deregistrations SET status = $2, decided_at = $3, decided_by = $4, decision_reason = $5, "
        "decision_number = COALESCE(CAST($6 AS TEXT), decision_number) WHERE id = $1 AND status = "
        "'requested'",
        v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_STATE;
    if (to == DR_APPROVED) e = close_institution(db, c->who, d.institution_id, d.planned_on, d.id);
    if (e != OK) return e;
    json_t *after = json_pack("{s:I, s:s, s:s?, s:s?}", "deregistration_id", (json_int_t)c->id, "status",
                              dereg_status_names[to], "reason", c->reason, "decision_number", c->number);
    char *txt = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(after);
    e = inst_history_add(db, d.institution_id, lc_actor_name(c->who),
                         to == DR_APPROVED ? "deregistration_approved" : "deregistration_rejected", txt);
    if (e == OK)
        e = audit_append(db, c->who, to == DR_APPROVED ? "deregistration.approve" : "deregistration.reject",
                         "deregistration", c->id, NULL, txt);
    free(txt);
    return e;
}

enum err dereg_decide(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                      const char *decision, const char *reason, const char *decision_number,
                      struct field_errors *fe)
{
    static const struct lc_decision choices = {
        "approve",           "reject", DRE_APPROVE, DRE_REJECT, "应为 approve（批准）或 reject（驳回）",
        "驳回时必须说明理由"};
    int event = lc_decision_check(&choices, decision, &reason, fe);
    decision_number = lc_blank_to_null(decision_number);
    if (decision_number && utf8_chars(decision_number) > 100)
        fe_add(fe, "decision_number", "文号不能超过 100 字");
    if (fe->n) return ERR_VALIDATION;
    struct decide_ctx c = {who, a, id, event, reason, decision_number};
    return db_tx(db, decide_tx, &c);
}
