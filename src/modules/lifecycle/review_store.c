/* The annual review's SQL: the prefill computed from tuoyu's own data, submission with a snapshot of that
 * prefill, the county's decision, lists and the overdue list. Each write is one audited transaction. */
#include "core/clock.h"
#include "modules/institution/inst.h"
#include "modules/lifecycle/lifecycle.h"
#include "modules/reference/codes.h"
#include "modules/reference/settings.h"
#include "modules/registration/registration.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const severities[4] = {"low", "medium", "high", "critical"};

/* Add up rows of (severity, count): *total gets the sum, by[i] the count of names[i] (n names). */
static enum err count_by_severity(struct db *db, const char *sql, const struct db_val *v, int nv,
                                  const char *const *names, int n, int64_t *total, int64_t *by)
{
    struct db_rows *r = NULL;
    enum err e = db_query(db, sql, v, nv, &r);
    if (e != OK) return e;
    int k;
    while ((k = db_next(r)) == 1) {
        const char *s = db_text(r, 0);
        int64_t c = db_int(r, 1);
        *total += c;
        for (int i = 0; i < n; i++)
            if (s && strcmp(s, names[i]) == 0) by[i] = c;
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

enum err review_prefill(struct db *db, int64_t inst_id, int year, struct review_prefill *out)
{
    memset(out, 0, sizeof *out);
    out->year = year;
    int64_t today = clock_day_of(clock_now());
    int64_t first = date_to_days(year, 1, 1), last = review_year_end(year);
    out->as_of = last < today ? last : today;
    out->due_on =
        review_due_on(year, settings_get_int(db, SETTING_ANNUAL_REVIEW_DUE, DEFAULT_ANNUAL_REVIEW_DUE));
    struct db_val iv[] = {DBV_INT(inst_id), DBV_INT(out->as_of)};
    enum err e = db_int_query(db, "SELECT places FROM institutions WHERE id = $1", iv, 1, &out->places);
    if (e != OK) return e;
    /* Live compliance findings and incidents are stamped in seconds; the year runs from its first CST
     * second to the as-of day's last. Inspections are stamped with days. */
    struct db_val tv[] = {DBV_INT(inst_id), DBV_INT(clock_day_start(first)),
                          DBV_INT(clock_day_start(out->as_of + 1) - 1)};
    struct db_val dv[] = {DBV_INT(inst_id), DBV_INT(first), DBV_INT(out->as_of)};
    const struct {
        const char *sql;
        const struct db_val *v;
        int nv;
        int64_t *out;
    } counts[] = {
        {"SELECT COUNT(*) FROM children WHERE institution_id = $1 AND start_on <= $2 "
         "AND (end_on IS NULL OR end_on > $2)",
         iv, 2, &out->enrolled},
        {"SELECT COUNT(*) FROM classes WHERE institution_id = $1 AND (closed_on IS NULL OR closed_on > $2)",
         iv, 2, &out->classes},
        {"SELECT COUNT(*) FROM staff WHERE institution_id = $1 AND hired_on <= $2 "
         "AND (left_on IS NULL OR left_on > $2)",
         iv, 2, &out->staff},
        {"SELECT COUNT(*) FROM staff WHERE institution_id = $1 AND role = 'caregiver' AND hired_on "
         "<= $2 AND (left_on IS NULL OR left_on > $2)",
         iv, 2, &out->caregivers},
        {"SELECT COUNT(*) FROM compliance_findings WHERE institution_id = $1 AND first_seen BETWEEN $2 AND "
         "$3",
         tv, 3, &out->findings_opened},
        {"SELECT COUNT(*) FROM compliance_findings WHERE institution_id = $1 AND resolved_at BETWEEN $2 AND "
         "$3",
         tv, 3, &out->findings_resolved},
        {"SELECT COUNT(*) FROM compliance_findings WHERE institution_id = $1 AND first_seen <= $3 "
         "AND (resolved_at IS NULL OR resolved_at > $3)",
         tv, 3, &out->findings_open_at_year_end},
        {"SELECT COUNT(*) FROM inspections WHERE institution_id = $1 AND status = 'completed' "
         "AND inspected_on BETWEEN $2 AND $3",
         dv, 3, &out->inspections},
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0] && e == OK; i++)
        e = db_int_query(db, counts[i].sql, counts[i].v, counts[i].nv, counts[i].out);
    if (e != OK) return e;
    out->children_per_caregiver = lc_children_per_caregiver(out->enrolled, out->caregivers);
    e = count_by_severity(db,
                          "SELECT severity, COUNT(*) FROM inspection_findings WHERE institution_id = $1 "
                          "AND found_on BETWEEN $2 AND $3 GROUP BY severity",
                          dv, 3, severities, 4, &out->inspection_findings, out->findings_by_severity);
    if (e != OK) return e;
    static const char *const incident_severities[3] = {"minor", "serious", "death"};
    return count_by_severity(
        db,
        "SELECT severity, COUNT(*) FROM incidents WHERE institution_id = $1 AND occurred_at "
        "BETWEEN $2 AND $3 GROUP BY severity",
        tv, 3, incident_severities, 3, &out->incidents, out->incidents_by_severity);
}

json_t *review_prefill_json(const struct review_prefill *p)
{
    char asof[11], due[11];
    json_t *sev = json_object();
    for (int i = 0; i < 4; i++)
        json_object_set_new(sev, severities[i], json_integer(p->findings_by_severity[i]));
    json_t *j = json_pack(
        "{s:i, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I}, s:{s:I, s:I, s:o}}", "year", p->year,
        "as_of", date_format(p->as_of, asof), "due_on", date_format(p->due_on, due), "places",
        (json_int_t)p->places, "enrolled", (json_int_t)p->enrolled, "classes", (json_int_t)p->classes,
        "staff", (json_int_t)p->staff, "caregivers", (json_int_t)p->caregivers, "compliance", "opened",
        (json_int_t)p->findings_opened, "resolved", (json_int_t)p->findings_resolved, "open_at_year_end",
        (json_int_t)p->findings_open_at_year_end, "inspections", "completed", (json_int_t)p->inspections,
        "findings", (json_int_t)p->inspection_findings, "by_severity", sev);
    json_object_set_new(j, "children_per_caregiver",
                        p->children_per_caregiver >= 0 ? json_real(p->children_per_caregiver) : json_null());
    json_object_set_new(j, "incidents",
                        json_pack("{s:I, s:I, s:I, s:I}", "total", (json_int_t)p->incidents, "minor",
                                  (json_int_t)p->incidents_by_severity[0], "serious",
                                  (json_int_t)p->incidents_by_severity[1], "death",
                                  (json_int_t)p->incidents_by_severity[2]));
    return j;
}

/* ---- Reading --------------------------------------------------------------------------------------------
 */

#define REVIEW_COLS                                                                                          \
    "r.id, r.institution_id, r.year, r.status, r.data, r.narrative, r.drills, r.training_hours, "            \
    "r.submissions, r.submitted_at, r.decided_at, r.reason, r.version, r.updated_at, i.name, "               \
    "i.district_code, i.filed_on"
#define REVIEW_FROM " FROM annual_reviews r JOIN institutions i ON i.id = r.institution_id "

/* A review without its due day, which review_get and review_list set from the setting. */
static void read_review(struct db_rows *r, struct arena *a, void *item)
{
    struct review_row *o = item;
    memset(o, 0, sizeof *o);
    o->id = db_int(r, 0);
    o->institution_id = db_int(r, 1);
    o->year = db_int(r, 2);
    o->status = db_text_dup(r, 3, a);
    o->data = db_text_dup(r, 4, a);
    o->narrative = db_text_dup(r, 5, a);
    o->drills = db_int(r, 6);
    o->training_hours = db_int(r, 7);
    o->submissions = db_int(r, 8);
    o->submitted_at = db_isnull(r, 9) ? 0 : db_int(r, 9);
    o->decided_at = db_isnull(r, 10) ? 0 : db_int(r, 10);
    o->reason = db_text_dup(r, 11, a);
    o->version = db_int(r, 12);
    o->updated_at = db_int(r, 13);
    o->institution_name = db_text_dup(r, 14, a);
    o->district_code = db_text_dup(r, 15, a);
    o->filed_on = db_isnull(r, 16) ? 0 : db_int(r, 16);
}

static int64_t due_setting(struct db *db)
{
    return settings_get_int(db, SETTING_ANNUAL_REVIEW_DUE, DEFAULT_ANNUAL_REVIEW_DUE);
}

enum err review_get(struct db *db, struct arena *a, int64_t id, struct review_row *out)
{
    int64_t mmdd = due_setting(db);
    struct db_val v[] = {DBV_INT(id)};
    enum err e =
        db_get_one(db, a, "SELECT " REVIEW_COLS REVIEW_FROM "WHERE r.id = $1", v, 1, read_review, out);
    if (e == OK) out->due_on = review_due_on((int)out->year, mmdd);
    return e;
}

enum err review_list(struct db *db, struct arena *a, int year, const char *status, const char *district,
                     int64_t inst_id, struct review_row **items, int *n)
{
    const int max = 500;
    int64_t mmdd = due_setting(db);
    struct db_val v[] = {year ? DBV_INT(year) : DBV_NULL, DBV_TEXT(status), DBV_TEXT(district),
                         inst_id ? DBV_INT(inst_id) : DBV_NULL, DBV_INT(max)};
    enum err e =
        db_get_all(db, a,
                   "SELECT " REVIEW_COLS REVIEW_FROM "WHERE (CAST($1 AS BIGINT) IS NULL OR r.year = $1) "
                   "AND (CAST($2 AS TEXT) IS NULL OR r.status = $2) "
                   "AND (CAST($3 AS TEXT) IS NULL OR i.district_code = $3) "
                   "AND (CAST($4 AS BIGINT) IS NULL OR r.institution_id = $4) "
                   "ORDER BY r.year DESC, r.id LIMIT $5",
                   v, DB_NPARAMS(v), read_review, sizeof **items, max, (void **)items, n);
    for (int i = 0; i < *n; i++)
        (*items)[i].due_on = review_due_on((int)(*items)[i].year, mmdd);
    return e;
}

/* A row of the overdue query: the institution and its review if any (status "none" when there is none or
 * it names no status). */
static void read_overdue(struct db_rows *r, struct arena *a, void *item)
{
    struct review_row *o = item;
    int status = db_isnull(r, 5) ? RV_NONE : lc_status_from_name(review_status_names, db_text(r, 5));
    o->institution_id = db_int(r, 0);
    o->institution_name = db_text_dup(r, 1, a);
    o->district_code = db_text_dup(r, 2, a);
    o->filed_on = db_int(r, 3);
    o->id = db_isnull(r, 4) ? 0 : db_int(r, 4);
    o->status = status >= 0 ? review_status_names[status] : "none";
    o->submissions = db_isnull(r, 6) ? 0 : db_int(r, 6);
    o->reason = db_text_dup(r, 7, a);
}

enum err review_overdue(struct db *db, struct arena *a, int year, const char *district,
                        struct review_row **items, int *n)
{
    const int max = 1000;
    int64_t mmdd = due_setting(db), today = clock_day_of(clock_now());
    *items = NULL;
    *n = 0;
    if (today <= review_due_on(year, mmdd)) return OK;
    struct db_val v[] = {DBV_INT(year), DBV_INT(review_year_end(year)), DBV_TEXT(district), DBV_INT(max)};
    struct review_row *rows;
    int nrows;
    enum err e = db_get_all(
        db, a,
        "SELECT i.id, i.name, i.district_code, i.filed_on, r.id, r.status, r.submissions, r.reason "
        "FROM institutions i LEFT JOIN annual_reviews r ON r.institution_id = i.id AND r.year = $1 "
        "WHERE i.state = 'filed' AND i.filed_on IS NOT NULL AND i.filed_on <= $2 "
        "AND (CAST($3 AS TEXT) IS NULL OR i.district_code = $3) "
        "AND (r.status IS NULL OR r.status NOT IN ('submitted', 'accepted')) ORDER BY i.id LIMIT $4",
        v, DB_NPARAMS(v), read_overdue, sizeof *rows, max, (void **)&rows, &nrows);
    /* The query narrows; the rule decides. */
    for (int i = 0; i < nrows; i++) {
        struct review_row *o = &rows[i];
        if (!review_is_overdue(year, mmdd, today, o->filed_on,
                               lc_status_from_name(review_status_names, o->status)))
            continue;
        o->year = year;
        o->due_on = review_due_on(year, mmdd);
        rows[(*n)++] = *o;
    }
    *items = rows;
    return e;
}

json_t *review_json(const struct review_row *r, bool full)
{
    char due[11];
    json_t *j =
        json_pack("{s:I, s:I, s:s?, s:s?, s:I, s:s, s:s, s:I}", "id", (json_int_t)r->id, "institution_id",
                  (json_int_t)r->institution_id, "institution_name", r->institution_name, "district_code",
                  r->district_code, "year", (json_int_t)r->year, "status", r->status ? r->status : "none",
                  "due_on", date_format(r->due_on, due), "submissions", (json_int_t)r->submissions);
    json_object_set_new(j, "reason", r->reason ? json_string(r->reason) : json_null());
    if (r->id) {
        json_object_set_new(j, "drills", json_integer(r->drills));
        json_object_set_new(j, "training_hours", json_integer(r->training_hours));
        json_object_set_new(j, "version", json_integer(r->version));
        json_object_set_new(j, "submitted_at", r->submitted_at ? json_integer(r->submitted_at) : json_null());
        json_object_set_new(j, "decided_at", r->decided_at ? json_integer(r->decided_at) : json_null());
    }
    if (full) {
        json_object_set_new(j, "narrative", json_string(r->narrative ? r->narrative : ""));
        json_t *d = r->data ? json_loads(r->data, 0, NULL) : NULL;
        json_object_set_new(j, "data", d ? d : json_object());
    }
    return j;
}

/* ---- Writing --------------------------------------------------------------------------------------------
 */

struct submit_ctx {
    const struct principal *who;
    struct field_errors *fe;
    int64_t inst_id;
    int year;
    const char *narrative;
    int64_t drills, hours, id;
};

/* The id and status (enum review_status, -1 when unknown) of an existing review. */
struct review_state {
    int64_t id;
    int status;
};

static void read_state(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    struct review_state *o = item;
    o->id = db_int(r, 0);
    o->status = lc_status_from_name(review_status_names, db_text(r, 1));
}

static enum err submit_tx(struct db *db, void *p)
{
    struct submit_ctx *c = p;
    bool filed;
    int64_t filed_on;
    enum err e = lc_inst_filed(db, c->inst_id, &filed, &filed_on);
    if (e != OK) return e;
    if (!filed) return ERR_STATE;
    if (filed_on > review_year_end(c->year)) {
        fe_addf(c->fe, "year", "机构于 %d 年末尚未备案，无需提交该年度年审", c->year);
        return ERR_VALIDATION;
    }
    struct db_val yv[] = {DBV_INT(c->inst_id), DBV_INT(c->year)};
    struct review_state cur = {0, RV_NONE}; /* no row yet: a draft */
    e = db_get_one(db, NULL, "SELECT id, status FROM annual_reviews WHERE institution_id = $1 AND year = $2",
                   yv, 2, read_state, &cur);
    if (e != OK && e != ERR_NOT_FOUND) return e;
    int64_t id = cur.id;
    if (cur.status < 0 ||
        review_transition(cur.status, RVE_SUBMIT, c->who ? c->who->role : ROLE_OPERATOR) < 0)
        return ERR_STATE;

    struct review_prefill pf;
    e = review_prefill(db, c->inst_id, c->year, &pf);
    if (e != OK) return e;
    json_t *data = review_prefill_json(&pf);
    json_object_set_new(data, "drills", json_integer(c->drills));
    json_object_set_new(data, "training_hours", json_integer(c->hours));
    char *txt = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(6));
    json_decref(data);
    if (!txt) return ERR_NOMEM;
    int64_t now = clock_now();
    struct db_val v[] = {
        DBV_INT(c->inst_id), DBV_INT(c->year),  DBV_TEXT(txt), DBV_TEXT(c->narrative),
        DBV_INT(c->drills),  DBV_INT(c->hours), DBV_INT(now),  c->who ? DBV_INT(c->who->user_id) : DBV_NULL,
        DBV_INT(id)};
    if (id)
        e = db_exec(
            db,
            "UPDATE annual_reviews SET status = 'submitted', data = $3, narrative = $4, drills = $5, "
            "training_hours = $6, submissions = submissions + 1, submitted_at = $7, submitted_by = $8, "
            "decided_at = NULL, decided_by = NULL, reason = NULL, version = version + 1, "
            "updated_at = $7 WHERE id = $9 AND institution_id = $1 AND year = $2",
            v, DB_NPARAMS(v));
    else
        e = db_int_query(db,
                         "INSERT INTO annual_reviews (institution_id, year, status, data, narrative, drills, "
                         "training_hours, submissions, submitted_at, submitted_by, created_at, updated_at) "
                         "VALUES ($1, $2, 'submitted', $3, $4, $5, $6, 1, $7, $8, $7, $7) RETURNING id",
                         v, DB_NPARAMS(v) - 1, &id);
    if (e == OK) {
        c->id = id;
        char ch[96];
        snprintf(ch, sizeof ch, "{\"annual_review_id\":%lld,\"year\":%d}", (long long)id, c->year);
        e = inst_history_add(db, c->inst_id, lc_actor_name(c->who), "annual_review_submitted", ch);
    }
    if (e == OK) e = audit_append(db, c->who, "annual_review.submit", "annual_review", id, NULL, txt);
    free(txt);
    return e;
}

enum err review_submit(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id, int year,
                       const char *narrative, int64_t drills, int64_t training_hours, struct field_errors *fe,
                       int64_t *id)
{
    (void)a;
    int this_year = review_default_year(clock_day_of(clock_now())) + 1;
    if (year < 2000 || year > this_year) fe_addf(fe, "year", "年度应在 2000 到 %d 之间", this_year);
    if (!narrative || utf8_chars(narrative) < 1 || utf8_chars(narrative) > 5000)
        fe_add(fe, "narrative", "年度工作报告应为 1 到 5000 字");
    if (drills < 0 || drills > 1000) fe_add(fe, "drills", "安全演练次数应在 0 到 1000 之间");
    if (training_hours < 0 || training_hours > 100000)
        fe_add(fe, "training_hours", "培训学时应在 0 到 100000 之间");
    if (fe->n) return ERR_VALIDATION;
    struct submit_ctx c = {who, fe, inst_id, year, narrative, drills, training_hours, 0};
    enum err e = db_tx(db, submit_tx, &c);
    if (e == OK) *id = c.id;
    return e;
}

struct decide_ctx {
    const struct principal *who;
    struct arena *a;
    int64_t id;
    int event;
    const char *reason;
};

static enum err decide_tx(struct db *db, void *p)
{
    struct decide_ctx *c = p;
    struct review_row rv;
    enum err e = review_get(db, c->a, c->id, &rv);
    if (e != OK) return e;
    int from = lc_status_from_name(review_status_names, rv.status);
    int to = from < 0 ? -1 : review_transition(from, c->event, c->who ? c->who->role : ROLE_COUNTY);
    if (to < 0) return ERR_STATE;
    int64_t now = clock_now();
    struct db_val v[] = {DBV_INT(c->id), DBV_TEXT(review_status_names[to]), DBV_INT(now),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL, DBV_TEXT(c->reason)};
    e = db_exec(db,
                "UPDATE annual_reviews SET status = $2, decided_at = $3, decided_by = $4, reason = $5, "
                "version = version + 1, updated_at = $3 WHERE id = $1",
                v, DB_NPARAMS(v));
    if (e != OK) return e;
    json_t *after = json_pack("{s:I, s:I, s:s, s:s?}", "annual_review_id", (json_int_t)c->id, "year",
                              (json_int_t)rv.year, "status", review_status_names[to], "reason", c->reason);
    char *txt = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(after);
    e = inst_history_add(db, rv.institution_id, lc_actor_name(c->who),
                         to == RV_ACCEPTED ? "annual_review_accepted" : "annual_review_returned", txt);
    if (e == OK)
        e = audit_append(db, c->who, to == RV_ACCEPTED ? "annual_review.accept" : "annual_review.return",
                         "annual_review", c->id, NULL, txt);
    free(txt);
    return e;
}

enum err review_decide(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                       const char *decision, const char *reason, struct field_errors *fe)
{
    static const struct lc_decision choices = {"accept",
                                               "return",
                                               RVE_ACCEPT,
                                               RVE_RETURN,
                                               "应为 accept（通过）或 return（退回）",
                                               "退回时必须说明理由"};
    int event = lc_decision_check(&choices, decision, &reason, fe);
    if (fe->n) return ERR_VALIDATION;
    struct decide_ctx c = {who, a, id, event, reason};
    return db_tx(db, decide_tx, &c);
}

/* ---- Demo ---------------------------------------------------------------------------------------------- */

#define DEMO_MAX 1000

static void read_text(struct db_rows *r, struct arena *a, void *item)
{
    *(char **)item = db_text_dup(r, 0, a);
}

/* Push the registration of inst_id again with a new name, as the registration authority would. */
static enum err demo_rename(struct db *db, struct arena *a, int64_t inst_id)
{
    struct db_val v[] = {DBV_INT(inst_id)};
    char *payload = NULL;
    enum err e = db_get_one(db, a, "SELECT payload FROM registrations WHERE institution_id = $1", v, 1,
                            read_text, &payload);
    if (e != OK) return e;
    json_t *p = json_loads(payload, 0, NULL);
    if (!p) return ERR_INTERNAL;
    struct registration g = {0};
    g.uscc = json_string_value(json_object_get(p, "uscc"));
    g.name = arena_printf(a, "%s（更名）", json_string_value(json_object_get(p, "name")));
    g.district_code = json_string_value(json_object_get(p, "district_code"));
    g.address = json_string_value(json_object_get(p, "address"));
    g.business_scope = json_string_value(json_object_get(p, "business_scope"));
    g.authority = json_string_value(json_object_get(p, "authority"));
    g.legal_form = lc_status_from_name(legal_form_names, json_string_value(json_object_get(p, "legal_form")));
    bool dated = date_parse(json_string_value(json_object_get(p, "registered_on")), &g.registered_on);
    int64_t reg_id, id;
    bool created;
    e = g.uscc && g.district_code && g.address && g.business_scope && g.authority && g.legal_form >= 0 &&
                dated
            ? registration_upsert(db, NULL, &g, &reg_id, &id, &created)
            : ERR_INTERNAL;
    json_decref(p);
    return e;
}

static int64_t demo_pick(const int64_t *ids, const char **districts, int n, const char *district, int skip)
{
    for (int i = n - 1; i >= 0; i--)
        if (strcmp(districts[i], district) == 0 && skip-- == 0) return ids[i];
    return 0;
}

enum err lifecycle_demo_load(struct db *db, struct arena *a)
{
    int64_t today = clock_day_of(clock_now());
    int year = review_default_year(today);
    int64_t *ids = arena_alloc(a, DEMO_MAX * sizeof *ids);
    const char **districts = arena_alloc(a, DEMO_MAX * sizeof *districts);
    int n = 0;
    db_bulk_mode(db, true);
    /* The demo files everything today; spread the filing days over the years after registration, so that
     * last year's reviews are due (and some overdue) as they would be in a running system. */
    struct db_val bv[] = {DBV_INT(today)};
    enum err e = db_exec(db,
                         "UPDATE institutions SET filed_on = registered_on + 20 + (id % 40) "
                         "WHERE state = 'filed' AND registered_on + 60 < $1",
                         bv, 1);
    struct db_rows *r = NULL;
    if (e == OK)
        e = db_query(db,
                     "SELECT id, district_code, filed_on FROM institutions WHERE state = 'filed' ORDER BY id",
                     NULL, 0, &r);
    if (e != OK) goto done;
    int k;
    int64_t end = review_year_end(year);
    while ((k = db_next(r)) == 1 && n < DEMO_MAX) {
        if (db_isnull(r, 2) || db_int(r, 2) > end) continue;
        ids[n] = db_int(r, 0);
        districts[n++] = db_text_dup(r, 1, a);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (e != OK) goto done;

    static const char *const narratives[] = {
        "本年度机构运行平稳，严格落实晨午检和卫生消毒制度，未发生安全责任事故。",
        "全年完成保育人员岗位培训，更新应急预案并组织演练，家长满意度调查良好。",
        "本年度新增托位并调整班级设置，完善视频监控覆盖，按要求公示收费标准。",
    };
    struct field_errors fe;
    for (int i = 0; i < n && e == OK; i++) {
        fe_init(&fe, a);
        int kind = (int)(ids[i] % 10);
        if (kind <= 1) continue; /* not submitted: overdue */
        int64_t id = 0;
        e = review_submit(db, a, NULL, ids[i], year, narratives[ids[i] % 3], 1 + ids[i] % 4, 8 + ids[i] % 30,
                          &fe, &id);
        if (e == OK && (kind == 2 || kind == 3))
            e = review_decide(db, a, NULL, id, "return",
                              "安全演练记录不完整，请补充演练方案和照片后重新提交。", &fe);
        if (e == OK && kind == 3)
            e = review_submit(db, a, NULL, ids[i], year, narratives[(ids[i] + 1) % 3], 4, 8 + ids[i] % 30,
                              &fe, &id);
        if (e == OK && kind >= 6) e = review_decide(db, a, NULL, id, "accept", NULL, &fe);
    }
    if (e != OK) goto done;

    /* Changes in 张湾区: one pending, one approved, one rejected, one from a registration push. */
    int64_t c1 = demo_pick(ids, districts, n, "420303", 0), c2 = demo_pick(ids, districts, n, "420303", 1);
    int64_t c3 = demo_pick(ids, districts, n, "420303", 2), c4 = demo_pick(ids, districts, n, "420303", 3);
    int64_t closed = demo_pick(ids, districts, n, "420302", 0);
    int64_t cid = 0;
    json_t *ch;
    if (c1) {
        fe_init(&fe, a);
        ch = json_pack("{s:i}", "places", 60);
        e = change_request(db, a, NULL, c1, ch, "新增一间托小班活动室，托位由原数增加到60个。", &fe, &cid);
        json_decref(ch);
    }
    if (e == OK && c2) {
        fe_init(&fe, a);
        ch = json_pack("{s:f}", "fee_min_yuan", 1980.0);
        e = change_request(db, a, NULL, c2, ch, "享受普惠托育补贴后下调最低月收费。", &fe, &cid);
        json_decref(ch);
        if (e == OK) e = change_decide(db, a, NULL, cid, "approve", NULL, &fe);
    }
    if (e == OK && c3) {
        fe_init(&fe, a);
        ch = json_pack("{s:s}", "address", "十堰市张湾区车城路88号");
        e = change_request(db, a, NULL, c3, ch, "机构搬迁至新址。", &fe, &cid);
        json_decref(ch);
        if (e == OK) e = change_decide(db, a, NULL, cid, "reject", "新址尚未提交消防安全检查合格证明。", &fe);
    }
    if (e == OK && c4) e = demo_rename(db, a, c4);
    /* One closed institution in 茅箭区: requested and approved. */
    if (e == OK && closed) {
        fe_init(&fe, a);
        int64_t enrolled = 0, did = 0;
        e = lifecycle_children_enrolled(db, closed, &enrolled);
        struct dereg_input in = {.planned_on = today,
                                 .children_enrolled = enrolled,
                                 .reason = "举办者因经营困难决定停止办托。",
                                 .placement_plan =
                                     "在托婴幼儿经家长同意转入就近备案托育机构，已逐一电话告知。"};
        if (e == OK) e = dereg_request(db, a, NULL, closed, &in, &fe, &did);
        if (e == OK) e = dereg_decide(db, a, NULL, did, "approve", NULL, "茅卫托注〔2026〕1号", &fe);
    }
done:
    db_bulk_mode(db, false);
    return e;
}
