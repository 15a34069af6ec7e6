/* The plan's promises per institution (政策落实) with their history, demonstration institutions
 * (示范性托育机构), the counts the county assessment reads, and the demo. Each write is one transaction with
 * its audit entry. */
#include "modules/support/support.h"

#include "core/clock.h"

#include <string.h>

#define DAY 86400

static int64_t int_or_0(struct db_rows *r, int c)
{
    return db_isnull(r, c) ? 0 : db_int(r, c);
}

static unsigned op_role(const struct principal *who)
{
    return who ? who->role : ROLES_ANY_USER;
}

/* ---- Counts for the county assessment ------------------------------------------------------------------ */

enum err support_demonstrations_count(struct db *db, const char *district, int year, int64_t *n)
{
    struct db_val v[] = {DBV_TEXT(district), DBV_INT(date_to_days(year, 12, 31))};
    *n = 0;
    return db_int_query(db,
                        "SELECT COUNT(DISTINCT m.institution_id) FROM demonstrations m "
                        "JOIN institutions i ON i.id = m.institution_id "
                        "WHERE m.status = 'designated' AND m.designated_on <= $2 AND i.state = 'filed' "
                        "AND (CAST($1 AS TEXT) IS NULL OR i.district_code = $1)",
                        v, DB_NPARAMS(v), n);
}

static void read_district_count(struct db_rows *r, struct arena *a, void *item)
{
    struct district_count *c = item;
    c->code = db_text_dup(r, 0, a);
    c->n = db_int(r, 1);
}

enum err support_demonstrations_by_district(struct db *db, struct arena *a, int year,
                                            struct district_count **rows, int *n)
{
    struct db_val v[] = {DBV_INT(date_to_days(year, 12, 31))};
    return db_get_all(db, a,
                      "SELECT i.district_code, COUNT(DISTINCT m.institution_id) FROM demonstrations m "
                      "JOIN institutions i ON i.id = m.institution_id "
                      "WHERE m.status = 'designated' AND m.designated_on <= $1 AND i.state = 'filed' "
                      "GROUP BY i.district_code",
                      v, DB_NPARAMS(v), read_district_count, sizeof **rows, 0, (void **)rows, n);
}

/* ---- Promises ------------------------------------------------------------------------------------------ */

#define POLICY_COLS                                                                                          \
    "i.id, i.name, i.district_code, p.utility_residential, p.liability_until, p.accident_insurance, "        \
    "p.training_subsidy, p.skill_subsidy, p.note, p.confirmed_on, p.version, p.updated_at, i.state"

static void read_policy(struct db_rows *r, struct arena *a, void *item)
{
    struct policy *p = item;
    memset(p, 0, sizeof *p);
    p->institution_id = db_int(r, 0);
    p->institution_name = db_text_dup(r, 1, a);
    p->district_code = db_text_dup(r, 2, a);
    p->declared = !db_isnull(r, 3);
    if (!p->declared) return;
    p->utility_residential = db_int(r, 3) != 0;
    p->liability_until = int_or_0(r, 4);
    p->accident_insurance = db_int(r, 5) != 0;
    p->training_subsidy = db_int(r, 6) != 0;
    p->skill_subsidy = db_int(r, 7) != 0;
    p->note = db_text_dup(r, 8, a);
    p->confirmed_on = int_or_0(r, 9);
    p->version = db_int(r, 10);
    p->updated_at = db_int(r, 11);
}

/* The policy row and the institution's state (arena). */
struct policy_read {
    struct policy p;
    const char *state;
};

static void read_policy_state(struct db_rows *r, struct arena *a, void *item)
{
    struct policy_read *x = item;
    read_policy(r, a, &x->p);
    x->state = db_text_dup(r, 12, a);
}

static enum err policy_read(struct db *db, struct arena *a, int64_t inst, struct policy_read *out)
{
    struct db_val v[] = {DBV_INT(inst)};
    return db_get_one(db, a,
                      "SELECT " POLICY_COLS " FROM institutions i "
                      "LEFT JOIN institution_policy p ON p.institution_id = i.id WHERE i.id = $1",
                      v, 1, read_policy_state, out);
}

enum err policy_get(struct db *db, struct arena *a, int64_t institution_id, struct policy *out)
{
    struct policy_read x;
    enum err e = policy_read(db, a, institution_id, &x);
    if (e == OK) *out = x.p;
    return e;
}

static void read_change(struct db_rows *r, struct arena *a, void *item)
{
    struct policy_change *c = item;
    c->version = db_int(r, 0);
    c->at = db_int(r, 1);
    c->kind = db_text_dup(r, 2, a);
    c->by_name = db_isnull(r, 3) ? "system" : db_text_dup(r, 3, a);
    c->utility_residential = db_int(r, 4) != 0;
    c->liability_until = int_or_0(r, 5);
    c->accident_insurance = db_int(r, 6) != 0;
    c->training_subsidy = db_int(r, 7) != 0;
    c->skill_subsidy = db_int(r, 8) != 0;
    c->confirmed_on = int_or_0(r, 9);
    c->note = db_text_dup(r, 10, a);
}

enum err policy_history(struct db *db, struct arena *a, int64_t institution_id, struct policy_change **items,
                        int *n)
{
    struct db_val v[] = {DBV_INT(institution_id)};
    return db_get_all(db, a,
                      "SELECT h.version, h.at, h.kind, u.username, h.utility_residential, h.liability_until, "
                      "h.accident_insurance, h.training_subsidy, h.skill_subsidy, h.confirmed_on, h.note "
                      "FROM institution_policy_history h LEFT JOIN users u ON u.id = h.by_user "
                      "WHERE h.institution_id = $1 ORDER BY h.id DESC",
                      v, 1, read_change, sizeof **items, 200, (void **)items, n);
}

struct policy_op {
    const struct principal *who;
    struct arena *a;
    int64_t inst, expected_version, now, today;
    const struct policy *in;
};

static json_t *policy_json_audit(const struct policy *p)
{
    char d[11];
    json_t *j = json_pack("{s:b, s:b, s:b, s:b}", "utility_residential", p->utility_residential,
                          "accident_insurance", p->accident_insurance, "training_subsidy",
                          p->training_subsidy, "skill_subsidy", p->skill_subsidy);
    json_object_set_new(j, "liability_until",
                        p->liability_until ? json_string(date_format(p->liability_until, d)) : json_null());
    json_object_set_new(j, "confirmed_on",
                        p->confirmed_on ? json_string(date_format(p->confirmed_on, d)) : json_null());
    json_object_set_new(j, "version", json_integer(p->version));
    return j;
}

/* The row as it stands now into the history, with kind. */
static enum err policy_history_add(struct db *db, const struct policy_op *c, const char *kind)
{
    struct db_val v[] = {DBV_INT(c->inst), DBV_TEXT(kind), DBV_INT(c->now),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    return db_exec(
        db,
        "INSERT INTO institution_policy_history (institution_id, version, kind, utility_residential, "
        "liability_until, accident_insurance, training_subsidy, skill_subsidy, note, confirmed_on, "
        "at, by_user) SELECT institution_id, version, $2, utility_residential, liability_until, "
        "accident_insurance, training_subsidy, skill_subsidy, note, confirmed_on, $3, $4 "
        "FROM institution_policy WHERE institution_id = $1",
        v, DB_NPARAMS(v));
}

static enum err declare_tx(struct db *db, void *p)
{
    struct policy_op *c = p;
    unsigned role = op_role(c->who);
    if ((role & ROLE_OPERATOR) == 0) return ERR_FORBIDDEN;
    struct policy_read x;
    enum err e = policy_read(db, c->a, c->inst, &x);
    if (e != OK) return e;
    if (c->who && c->who->institution_id != c->inst) return ERR_NOT_FOUND;
    if (strcmp(x.state, "filed") != 0) return ERR_STATE;
    if (c->expected_version != x.p.version) return ERR_CONFLICT;
    const struct policy *in = c->in;
    struct db_val v[] = {DBV_INT(c->inst),
                         DBV_BOOL(in->utility_residential),
                         in->liability_until ? DBV_INT(in->liability_until) : DBV_NULL,
                         DBV_BOOL(in->accident_insurance),
                         DBV_BOOL(in->training_subsidy),
                         DBV_BOOL(in->skill_subsidy),
                         DBV_TEXT(text_blank(in->note) ? NULL : in->note),
                         DBV_INT(c->now),
                         DBV_INT(x.p.version)};
    if (!x.p.declared)
        e = db_exec(db,
                    "INSERT INTO institution_policy (institution_id, utility_residential, liability_until, "
                    "accident_insurance, training_subsidy, skill_subsidy, note, confirmed_on, confirmed_by, "
                    "version, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, 1, $8)",
                    v, 8);
    else
        e = db_exec(db,
                    "UPDATE institution_policy SET utility_residential = $2, liability_until = $3, "
                    "accident_insurance = $4, training_subsidy = $5, skill_subsidy = $6, note = $7, "
                    "confirmed_on = NULL, confirmed_by = NULL, version = version + 1, updated_at = $8 "
                    "WHERE institution_id = $1 AND version = $9",
                    v, DB_NPARAMS(v));
    if (e != OK) return e; /* a concurrent first declaration: ERR_CONFLICT from the primary key */
    if (db_changes(db) != 1) return ERR_CONFLICT;
    e = policy_history_add(db, c, "declare");
    if (e != OK) return e;
    struct policy_read after;
    e = policy_read(db, c->a, c->inst, &after);
    if (e != OK) return e;
    return audit_append(db, c->who, "policy.declare", "institution", c->inst,
                        x.p.declared ? json_text(c->a, policy_json_audit(&x.p)) : NULL,
                        json_text(c->a, policy_json_audit(&after.p)));
}

static enum err confirm_tx(struct db *db, void *p)
{
    struct policy_op *c = p;
    unsigned role = op_role(c->who);
    if ((role & (ROLE_COUNTY | ROLE_CITY)) == 0) return ERR_FORBIDDEN;
    struct policy_read x;
    enum err e = policy_read(db, c->a, c->inst, &x);
    if (e != OK) return e;
    if (c->who && !support_may_act(role, c->who->district, x.p.district_code)) return ERR_NOT_FOUND;
    if (!x.p.declared || x.p.confirmed_on) return ERR_STATE;
    if (c->expected_version && c->expected_version != x.p.version) return ERR_CONFLICT;
    struct db_val v[] = {DBV_INT(c->inst), DBV_INT(c->today), c->who ? DBV_INT(c->who->user_id) : DBV_NULL,
                         DBV_INT(c->now), DBV_INT(x.p.version)};
    e = db_exec(db,
                "UPDATE institution_policy SET confirmed_on = $2, confirmed_by = $3, version = version + 1, "
                "updated_at = $4 WHERE institution_id = $1 AND version = $5",
                v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    e = policy_history_add(db, c, "confirm");
    if (e != OK) return e;
    struct policy_read after;
    e = policy_read(db, c->a, c->inst, &after);
    if (e != OK) return e;
    return audit_append(db, c->who, "policy.confirm", "institution", c->inst,
                        json_text(c->a, policy_json_audit(&x.p)),
                        json_text(c->a, policy_json_audit(&after.p)));
}

enum err policy_declare(struct db *db, struct arena *a, const struct principal *who, int64_t institution_id,
                        const struct policy *in, int64_t expected_version, struct field_errors *fe,
                        struct policy *out)
{
    int64_t now = clock_now();
    fe_check_text(fe, "note", in->note, false, NULL, SUPPORT_TEXT_MAX);
    if (in->liability_until && in->liability_until < date_to_days(SUPPORT_YEAR_MIN, 1, 1))
        fe_add(fe, "liability_until", "责任保险有效期不正确");
    if (fe->n) return ERR_VALIDATION;
    struct policy_op c = {.who = who,
                          .a = a,
                          .inst = institution_id,
                          .expected_version = expected_version,
                          .now = now,
                          .today = clock_day_of(now),
                          .in = in};
    enum err e = db_tx(db, declare_tx, &c);
    if (e != OK) return e;
    return policy_get(db, a, institution_id, out);
}

enum err policy_confirm(struct db *db, struct arena *a, const struct principal *who, int64_t institution_id,
                        int64_t expected_version, struct policy *out)
{
    int64_t now = clock_now();
    struct policy_op c = {.who = who,
                          .a = a,
                          .inst = institution_id,
                          .expected_version = expected_version,
                          .now = now,
                          .today = clock_day_of(now)};
    enum err e = db_tx(db, confirm_tx, &c);
    if (e != OK) return e;
    return policy_get(db, a, institution_id, out);
}

enum err policy_list(struct db *db, struct arena *a, const char *district, bool unconfirmed_only,
                     struct policy **items, int *n)
{
    struct db_val v[] = {DBV_TEXT(district), DBV_BOOL(unconfirmed_only)};
    *items = NULL;
    *n = 0;
    return db_get_all(db, a,
                      "SELECT " POLICY_COLS " FROM institution_policy p "
                      "JOIN institutions i ON i.id = p.institution_id "
                      "WHERE (CAST($1 AS TEXT) IS NULL OR i.district_code = $1) "
                      "AND (CAST($2 AS BIGINT) = 0 OR p.confirmed_on IS NULL) "
                      "ORDER BY CASE WHEN p.confirmed_on IS NULL THEN 0 ELSE 1 END, i.id LIMIT 200",
                      v, DB_NPARAMS(v), read_policy, sizeof **items, 200, (void **)items, n);
}

/* ---- Demonstrations ------------------------------------------------------------------------------------ */

#define DEM_COLS                                                                                             \
    "m.id, m.institution_id, m.year, m.status, m.statement, m.score, m.evaluation_note, m.level, "           \
    "m.designated_on, m.decision_number, m.reason, m.version, m.applied_at, m.updated_at, i.name, "          \
    "i.district_code, d.name"
#define DEM_FROM                                                                                             \
    " FROM demonstrations m JOIN institutions i ON i.id = m.institution_id "                                 \
    "JOIN districts d ON d.code = i.district_code "

static void read_dem(struct db_rows *r, struct arena *a, void *item)
{
    struct demonstration *m = item;
    memset(m, 0, sizeof *m);
    m->id = db_int(r, 0);
    m->institution_id = db_int(r, 1);
    m->year = db_int(r, 2);
    m->status = db_text_dup(r, 3, a);
    m->statement = db_text_dup(r, 4, a);
    m->score = db_isnull(r, 5) ? -1 : db_int(r, 5);
    m->evaluation_note = db_text_dup(r, 6, a);
    m->level = db_text_dup(r, 7, a);
    m->designated_on = int_or_0(r, 8);
    m->decision_number = db_text_dup(r, 9, a);
    m->reason = db_text_dup(r, 10, a);
    m->version = db_int(r, 11);
    m->applied_at = db_int(r, 12);
    m->updated_at = db_int(r, 13);
    m->institution_name = db_text_dup(r, 14, a);
    m->district_code = db_text_dup(r, 15, a);
    m->district_name = db_text_dup(r, 16, a);
}

enum err dem_get(struct db *db, struct arena *a, int64_t id, struct demonstration *out)
{
    struct db_val v[] = {DBV_INT(id)};
    return db_get_one(db, a, "SELECT " DEM_COLS DEM_FROM "WHERE m.id = $1", v, 1, read_dem, out);
}

#define DEM_WHERE                                                                                            \
    "WHERE (CAST($1 AS TEXT) IS NULL OR i.district_code = $1) "                                              \
    "AND (CAST($2 AS BIGINT) = 0 OR m.institution_id = $2) "                                                 \
    "AND (CAST($3 AS TEXT) IS NULL OR m.status = $3) "                                                       \
    "AND (CAST($4 AS BIGINT) = 0 OR m.year = $4) "

enum err dem_list(struct db *db, struct arena *a, const struct dem_filter *f, struct demonstration **items,
                  int *n, int64_t *total)
{
    int page = f->page > 0 ? f->page : 1;
    struct db_val v[] = {DBV_TEXT(f->district), DBV_INT(f->institution_id),
                         DBV_TEXT(f->status),   DBV_INT(f->year),
                         DBV_INT(DEM_PER_PAGE), DBV_INT((int64_t)(page - 1) * DEM_PER_PAGE)};
    *items = NULL;
    *n = 0;
    enum err e = db_int_query(
        db, "SELECT COUNT(*) FROM demonstrations m JOIN institutions i ON i.id = m.institution_id " DEM_WHERE,
        v, 4, total);
    if (e != OK) return e;
    return db_get_all(db, a, "SELECT " DEM_COLS DEM_FROM DEM_WHERE "ORDER BY m.id DESC LIMIT $5 OFFSET $6", v,
                      DB_NPARAMS(v), read_dem, sizeof **items, DEM_PER_PAGE, (void **)items, n);
}

struct dem_op {
    const struct principal *who;
    struct arena *a;
    struct field_errors *fe;
    int64_t id, inst, year, now, today;
    const char *statement;
    const struct dem_move *m;
    const char *detail;
};

struct inst_state {
    const char *state, *district;
};

static void read_inst_state(struct db_rows *r, struct arena *a, void *item)
{
    struct inst_state *s = item;
    s->state = db_text_dup(r, 0, a);
    s->district = db_text_dup(r, 1, a);
}

static json_t *dem_json_audit(const struct demonstration *m)
{
    char d[11];
    json_t *j = json_pack("{s:I, s:I, s:s}", "institution_id", (json_int_t)m->institution_id, "year",
                          (json_int_t)m->year, "status", m->status);
    if (m->score >= 0) json_object_set_new(j, "score", json_integer(m->score));
    if (m->level) json_object_set_new(j, "level", json_string(m->level));
    if (m->designated_on)
        json_object_set_new(j, "designated_on", json_string(date_format(m->designated_on, d)));
    if (m->decision_number) json_object_set_new(j, "decision_number", json_string(m->decision_number));
    return j;
}

static enum err dem_apply_tx(struct db *db, void *p)
{
    struct dem_op *c = p;
    unsigned role = op_role(c->who);
    int to;
    enum err e = dem_check(DS_NONE, DE_APPLY, role, &to);
    if (e != OK) return e;
    struct inst_state inst;
    struct db_val iv[] = {DBV_INT(c->inst)};
    e = db_get_one(db, c->a, "SELECT state, district_code FROM institutions WHERE id = $1", iv, 1,
                   read_inst_state, &inst);
    if (e != OK) return e;
    if (c->who && c->who->institution_id != c->inst) return ERR_NOT_FOUND;
    if (strcmp(inst.state, "filed") != 0) {
        c->detail = "只有已备案的机构才能申请示范性托育机构";
        return ERR_STATE;
    }
    int64_t existing = 0;
    struct db_val ev[] = {DBV_INT(c->inst), DBV_INT(c->year)};
    e = db_int_query(db,
                     "SELECT COUNT(*) FROM demonstrations WHERE institution_id = $1 AND year = $2 "
                     "AND status <> 'rejected'",
                     ev, 2, &existing);
    if (e != OK) return e;
    if (existing) {
        c->detail = "该机构本年度已申请示范性托育机构，不能重复申请";
        return ERR_STATE;
    }
    struct db_val v[] = {DBV_INT(c->inst), DBV_INT(c->year), DBV_TEXT(c->statement), DBV_INT(c->now),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    e = db_int_query(db,
                     "INSERT INTO demonstrations (institution_id, year, status, statement, applied_at, "
                     "applied_by, version, updated_at) VALUES ($1, $2, 'applied', $3, $4, $5, 1, $4) "
                     "RETURNING id",
                     v, DB_NPARAMS(v), &c->id);
    if (e == ERR_CONFLICT) {
        c->detail = "该机构本年度已申请示范性托育机构，不能重复申请";
        return ERR_STATE;
    }
    if (e != OK) return e;
    struct demonstration m;
    e = dem_get(db, c->a, c->id, &m);
    if (e != OK) return e;
    return audit_append(db, c->who, "demonstration.apply", "demonstration", c->id, NULL,
                        json_text(c->a, dem_json_audit(&m)));
}

static enum err dem_move_tx(struct db *db, void *p)
{
    struct dem_op *c = p;
    const struct dem_move *mv = c->m;
    struct demonstration m;
    enum err e = dem_get(db, c->a, c->id, &m);
    if (e != OK) return e;
    unsigned role = op_role(c->who);
    if (c->who && role == ROLE_OPERATOR && c->who->institution_id != m.institution_id) return ERR_NOT_FOUND;
    if (c->who && role != ROLE_OPERATOR && !auth_sees_district(c->who, m.district_code)) return ERR_NOT_FOUND;
    int from = support_name_index(dem_status_names, m.status), to;
    e = dem_check(from, mv->event, role, &to);
    if (e == ERR_STATE)
        c->detail = arena_printf(c->a, "示范性托育机构申请当前状态为“%s”，不能%s", dem_status_names_zh[from],
                                 dem_event_names_zh[mv->event]);
    if (e != OK) return e;
    if (mv->expected_version && mv->expected_version != m.version) return ERR_CONFLICT;
    if (mv->event == DE_DESIGNATE) {
        const char *problem = c->who ? dem_level_problem(role, mv->level) : NULL;
        if (problem) fe_add(c->fe, "level", problem);
        if (mv->designated_on < clock_day_of(m.applied_at))
            fe_add(c->fe, "designated_on", "认定日期不能早于申请日期");
        if (c->fe->n) return ERR_VALIDATION;
    }
    struct demonstration before = m;
    struct db_val v[] = {DBV_INT(m.id),
                         DBV_TEXT(dem_status_names[to]),
                         DBV_INT(c->now),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL,
                         DBV_INT(m.version),
                         mv->event == DE_EVALUATE ? DBV_INT(mv->score) : DBV_NULL,
                         DBV_TEXT(text_blank(mv->note) ? NULL : mv->note),
                         mv->event == DE_DESIGNATE ? DBV_TEXT(dem_level_names[mv->level]) : DBV_NULL,
                         mv->event == DE_DESIGNATE ? DBV_INT(mv->designated_on) : DBV_NULL,
                         DBV_TEXT(mv->event == DE_DESIGNATE ? mv->decision_number : NULL),
                         DBV_TEXT(mv->event == DE_REJECT ? mv->reason : NULL)};
    const char *sql;
    switch (mv->event) {
    case DE_EVALUATE:
        sql = "UPDATE demonstrations SET status = $2, score = $6, evaluation_note = $7, evaluated_by = $4, "
              "version = version + 1, updated_at = $3 WHERE id = $1 AND version = $5";
        break;
    case DE_DESIGNATE:
        sql = "UPDATE demonstrations SET status = $2, level = $8, designated_on = $9, decision_number = $10, "
              "decided_by = $4, version = version + 1, updated_at = $3 WHERE id = $1 AND version = $5";
        break;
    default:
        sql = "UPDATE demonstrations SET status = $2, reason = $11, decided_by = $4, version = version + 1, "
              "updated_at = $3 WHERE id = $1 AND version = $5";
    }
    e = db_exec(db, sql, v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    e = dem_get(db, c->a, m.id, &m);
    if (e != OK) return e;
    json_t *after = dem_json_audit(&m);
    if (mv->event == DE_REJECT) json_object_set_new(after, "reason", json_string(mv->reason));
    return audit_append(db, c->who, arena_printf(c->a, "demonstration.%s", dem_event_names[mv->event]),
                        "demonstration", m.id, json_text(c->a, dem_json_audit(&before)),
                        json_text(c->a, after));
}

static enum err dem_run(struct db *db, db_tx_fn fn, struct dem_op *c, const char **detail,
                        struct demonstration *out)
{
    int before = c->fe->n;
    enum err e = db_tx(db, fn, c);
    if (e != ERR_VALIDATION) c->fe->n = before;
    if (detail) *detail = e == ERR_STATE ? c->detail : NULL;
    if (e != OK) return e;
    return dem_get(db, c->a, c->id, out);
}

enum err dem_apply(struct db *db, struct arena *a, const struct principal *who, int64_t institution_id,
                   int64_t year, const char *statement, struct field_errors *fe, const char **detail,
                   struct demonstration *out)
{
    int64_t now = clock_now(), today = clock_day_of(now);
    int y, mo, d;
    days_to_date(today, &y, &mo, &d);
    if (detail) *detail = NULL;
    if (year < SUPPORT_YEAR_MIN || year > y + 1)
        fe_addf(fe, "year", "年度应在 %d 至 %d 之间", SUPPORT_YEAR_MIN, y + 1);
    fe_check_text(fe, "statement", statement, true, "请填写申报说明", SUPPORT_TEXT_MAX);
    if (fe->n) return ERR_VALIDATION;
    struct dem_op c = {.who = who,
                       .a = a,
                       .fe = fe,
                       .inst = institution_id,
                       .year = year,
                       .now = now,
                       .today = today,
                       .statement = statement};
    return dem_run(db, dem_apply_tx, &c, detail, out);
}

enum err dem_decide(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                    const struct dem_move *m, struct field_errors *fe, const char **detail,
                    struct demonstration *out)
{
    int64_t now = clock_now(), today = clock_day_of(now);
    if (detail) *detail = NULL;
    switch (m->event) {
    case DE_EVALUATE:
        if (m->score < 0 || m->score > 100) fe_add(fe, "score", "评估得分应在 0 至 100 之间");
        fe_check_text(fe, "note", m->note, false, NULL, SUPPORT_TEXT_MAX);
        break;
    case DE_DESIGNATE:
        if (m->level < 0 || m->level >= DL__COUNT)
            fe_add(fe, "level", "认定级别应为 county（县级）或 city（市级）");
        if (m->designated_on <= 0)
            fe_add(fe, "designated_on", "请填写认定日期");
        else if (m->designated_on > today)
            fe_add(fe, "designated_on", "认定日期不能晚于今天");
        fe_check_text(fe, "decision_number", m->decision_number, true, "请填写认定文号", 100);
        break;
    case DE_REJECT:
        fe_check_text(fe, "reason", m->reason, true, "不予认定时必须说明理由", SUPPORT_TEXT_MAX);
        break;
    default:
        fe_add(fe, "decision", "应为 evaluate（评估）、designate（认定）或 reject（不予认定）");
    }
    if (fe->n) return ERR_VALIDATION;
    struct dem_op c = {.who = who, .a = a, .fe = fe, .id = id, .now = now, .today = today, .m = m};
    return dem_run(db, dem_move_tx, &c, detail, out);
}

/* ---- Demo ---------------------------------------------------------------------------------------------- */

struct demo_inst {
    int64_t id, places;
    const char *district;
};

static void read_demo_inst(struct db_rows *r, struct arena *a, void *item)
{
    struct demo_inst *d = item;
    d->id = db_int(r, 0);
    d->places = db_int(r, 1);
    d->district = db_text_dup(r, 2, a);
}

struct demo_ctx {
    struct arena *a;
    int64_t today;
};

static enum err demo_policy(struct db *db, struct arena *a, int64_t inst, int k, int64_t today)
{
    int y, mo, d;
    days_to_date(today, &y, &mo, &d);
    struct policy in = {.utility_residential = k % 5 != 4,
                        .liability_until =
                            k % 6 == 5 ? today - 20 - k : date_to_days(y, 12, 31) + (k % 3) * 365,
                        .accident_insurance = k % 4 != 3,
                        .training_subsidy = k % 3 != 2,
                        .skill_subsidy = k % 2 == 0,
                        .note = k % 6 == 5 ? "责任保险已到期，正在办理续保" : NULL};
    int64_t declared = today - 90 + k;
    struct policy_op c = {
        .a = a, .inst = inst, .now = declared * DAY + 9 * 3600, .today = declared, .in = &in};
    enum err e = declare_tx(db, &c);
    if (e != OK || k % 3 == 1) return e;
    int64_t confirmed = declared + 7;
    c = (struct policy_op){.a = a, .inst = inst, .now = confirmed * DAY + 10 * 3600, .today = confirmed};
    e = confirm_tx(db, &c);
    if (e != OK || k % 5 != 0) return e;
    /* A later change: the operator now also claims the skill-certification subsidy; not yet confirmed. */
    in.skill_subsidy = true;
    int64_t changed = confirmed + 20;
    c = (struct policy_op){.a = a,
                           .inst = inst,
                           .expected_version = 2,
                           .now = changed * DAY + 9 * 3600,
                           .today = changed,
                           .in = &in};
    return declare_tx(db, &c);
}

static enum err demo_dem(struct db *db, struct arena *a, int64_t inst, int64_t today, int level,
                         int designate, const char *number)
{
    struct field_errors fe;
    fe_init(&fe, a);
    int y, mo, d;
    days_to_date(today, &y, &mo, &d);
    int64_t applied = designate ? today - 150 : today - 10;
    struct dem_op c = {.a = a,
                       .fe = &fe,
                       .inst = inst,
                       .year = designate ? y - (applied < date_to_days(y, 1, 1)) : y,
                       .now = applied * DAY + 9 * 3600,
                       .today = applied,
                       .statement = "本机构为普惠性托育机构，收托规范、保育质量评估良好，承担社区家庭科学育儿"
                                    "指导，申请认定为示范性托育机构。"};
    enum err e = dem_apply_tx(db, &c);
    if (e != OK || !designate) return e;
    struct dem_move ev = {.event = DE_EVALUATE,
                          .score = 86 + level * 5,
                          .note = "现场评估：环境设施、保育照护、卫生保健达到示范标准"};
    int64_t evaluated = applied + 40;
    c = (struct dem_op){
        .a = a, .fe = &fe, .id = c.id, .m = &ev, .now = evaluated * DAY + 10 * 3600, .today = evaluated};
    e = dem_move_tx(db, &c);
    if (e != OK) return e;
    int64_t on = evaluated + 30;
    int oy, om, od;
    days_to_date(on, &oy, &om, &od);
    number = arena_printf(a, number, oy);
    struct dem_move des = {
        .event = DE_DESIGNATE, .level = level, .designated_on = on, .decision_number = number};
    c = (struct dem_op){.a = a, .fe = &fe, .id = c.id, .m = &des, .now = on * DAY + 10 * 3600, .today = on};
    return dem_move_tx(db, &c);
}

static enum err demo_tx(struct db *db, void *p)
{
    struct demo_ctx *d = p;
    struct demo_inst *rows;
    int n;
    enum err e = db_get_all(
        db, d->a, "SELECT id, places, district_code FROM institutions WHERE state = 'filed' ORDER BY id",
        NULL, 0, read_demo_inst, sizeof *rows, 0, (void **)&rows, &n);
    if (e != OK || n == 0) return e;
    audit_bulk_begin();
    int64_t *ids = arena_alloc(d->a, (size_t)n * sizeof *ids),
            *places = arena_alloc(d->a, (size_t)n * sizeof *places);
    for (int i = 0; i < n; i++) {
        ids[i] = rows[i].id;
        places[i] = rows[i].places;
    }
    e = subsidy_demo_rows(db, d->a, ids, places, n, d->today);
    for (int i = 0; i < n && i < 40 && e == OK; i++)
        e = demo_policy(db, d->a, rows[n - 1 - i].id, i, d->today);
    /* Demonstrations: the first filed institution of 张湾区 (county level) and of 茅箭区 (city level)
     * designated, one more institution applied. */
    int64_t zhangwan = 0, maojian = 0, other = 0;
    for (int i = 0; i < n; i++) {
        if (!zhangwan && strcmp(rows[i].district, "420303") == 0)
            zhangwan = rows[i].id;
        else if (!maojian && strcmp(rows[i].district, "420302") == 0)
            maojian = rows[i].id;
        else if (!other && strcmp(rows[i].district, "420303") != 0 && strcmp(rows[i].district, "420302") != 0)
            other = rows[i].id;
    }
    if (e == OK && zhangwan) e = demo_dem(db, d->a, zhangwan, d->today, DL_COUNTY, 1, "张卫发〔%d〕12号");
    if (e == OK && maojian) e = demo_dem(db, d->a, maojian, d->today, DL_CITY, 1, "十卫发〔%d〕31号");
    if (e == OK && other) e = demo_dem(db, d->a, other, d->today, DL_COUNTY, 0, NULL);
    enum err end = audit_bulk_end(db);
    return e != OK ? e : end;
}

enum err support_demo_load(struct db *db, struct arena *a)
{
    struct demo_ctx d = {.a = a, .today = clock_day_of(clock_now())};
    return db_tx(db, demo_tx, &d);
}
