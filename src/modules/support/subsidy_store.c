/* Subsidies (补贴) and their SQL. Each move is one transaction that reads the row as it is inside the
 * transaction, checks the workflow table and the once-per-year-and-type rule (support_rules.c), writes the
 * row and appends the audit entry. The schema backs the rule with a partial unique index
 * (subsidies_once: institution, year and type over rows not rejected), so two concurrent applications cannot
 * both get in. */
#include "modules/support/support.h"

#include "core/clock.h"

#include <string.h>

#define SUB_COLS                                                                                             \
    "s.id, s.institution_id, s.year, s.type, s.status, s.amount_applied_fen, s.places, s.basis, "            \
    "s.applied_at, s.decided_at, s.amount_approved_fen, s.decision_reason, s.paid_on, s.paid_fen, "          \
    "s.version, s.updated_at, i.name, i.district_code, d.name"
#define SUB_FROM                                                                                             \
    " FROM subsidies s JOIN institutions i ON i.id = s.institution_id "                                      \
    "JOIN districts d ON d.code = i.district_code "

static int64_t int_or_0(struct db_rows *r, int c)
{
    return db_isnull(r, c) ? 0 : db_int(r, c);
}

static void read_subsidy(struct db_rows *r, struct arena *a, void *item)
{
    struct subsidy *s = item;
    memset(s, 0, sizeof *s);
    s->id = db_int(r, 0);
    s->institution_id = db_int(r, 1);
    s->year = db_int(r, 2);
    s->type = db_text_dup(r, 3, a);
    s->status = db_text_dup(r, 4, a);
    s->amount_applied_fen = db_int(r, 5);
    s->places = db_int(r, 6);
    s->basis = db_text_dup(r, 7, a);
    s->applied_at = db_int(r, 8);
    s->decided_at = int_or_0(r, 9);
    s->amount_approved_fen = int_or_0(r, 10);
    s->decision_reason = db_text_dup(r, 11, a);
    s->paid_on = int_or_0(r, 12);
    s->paid_fen = int_or_0(r, 13);
    s->version = db_int(r, 14);
    s->updated_at = db_int(r, 15);
    s->institution_name = db_text_dup(r, 16, a);
    s->district_code = db_text_dup(r, 17, a);
    s->district_name = db_text_dup(r, 18, a);
}

enum err subsidy_get(struct db *db, struct arena *a, int64_t id, struct subsidy *out)
{
    struct db_val v[] = {DBV_INT(id)};
    return db_get_one(db, a, "SELECT " SUB_COLS SUB_FROM "WHERE s.id = $1", v, 1, read_subsidy, out);
}

#define LIST_WHERE                                                                                           \
    "WHERE (CAST($1 AS TEXT) IS NULL OR i.district_code = $1) "                                              \
    "AND (CAST($2 AS BIGINT) = 0 OR s.institution_id = $2) "                                                 \
    "AND (CAST($3 AS BIGINT) = 0 OR s.year = $3) "                                                           \
    "AND (CAST($4 AS TEXT) IS NULL OR s.status = $4) "                                                       \
    "AND (CAST($5 AS TEXT) IS NULL OR s.type = $5) "

enum err subsidy_list(struct db *db, struct arena *a, const struct subsidy_filter *f, struct subsidy **items,
                      int *n, int64_t *total)
{
    int page = f->page > 0 ? f->page : 1;
    struct db_val v[] = {DBV_TEXT(f->district),
                         DBV_INT(f->institution_id),
                         DBV_INT(f->year),
                         DBV_TEXT(f->status),
                         DBV_TEXT(f->type),
                         DBV_INT(SUBSIDY_PER_PAGE),
                         DBV_INT((int64_t)(page - 1) * SUBSIDY_PER_PAGE)};
    *items = NULL;
    *n = 0;
    enum err e = db_int_query(
        db, "SELECT COUNT(*) FROM subsidies s JOIN institutions i ON i.id = s.institution_id " LIST_WHERE, v,
        5, total);
    if (e != OK) return e;
    return db_get_all(db, a, "SELECT " SUB_COLS SUB_FROM LIST_WHERE "ORDER BY s.id DESC LIMIT $6 OFFSET $7",
                      v, DB_NPARAMS(v), read_subsidy, sizeof **items, SUBSIDY_PER_PAGE, (void **)items, n);
}

/* ---- Moves --------------------------------------------------------------------------------------------- */

struct sub_op {
    const struct principal *who;
    struct arena *a;
    struct field_errors *fe;
    const struct subsidy_apply_in *in;
    const struct subsidy_move *m;
    int64_t id, now, today;
    const char *detail; /* out: why a move was refused */
};

/* The role the tables see: the system may do anything a person could. */
static unsigned op_role(const struct principal *who)
{
    return who ? who->role : ROLES_ANY_USER;
}

/* Bits (1u << status) of the statuses of the other rows of institution, year and type (not row id). */
static enum err others_of(struct db *db, int64_t inst, int64_t year, const char *type, int64_t id,
                          unsigned *bits)
{
    struct db_val v[] = {DBV_INT(inst), DBV_INT(year), DBV_TEXT(type), DBV_INT(id)};
    struct db_rows *rows = NULL;
    *bits = 0;
    enum err e =
        db_query(db,
                 "SELECT status FROM subsidies WHERE institution_id = $1 AND year = $2 AND type = $3 "
                 "AND id <> $4",
                 v, DB_NPARAMS(v), &rows);
    if (e != OK) return e;
    int k;
    while ((k = db_next(rows)) == 1) {
        int st = support_name_index(subsidy_status_names, db_text(rows, 0));
        if (st >= 0) *bits |= 1u << st;
    }
    e = k < 0 ? db_rows_err(rows) : OK;
    db_done(rows);
    return e;
}

static json_t *subsidy_json_audit(const struct subsidy *s)
{
    char d[11];
    json_t *j =
        json_pack("{s:I, s:I, s:s, s:s, s:I, s:I}", "institution_id", (json_int_t)s->institution_id, "year",
                  (json_int_t)s->year, "type", s->type, "status", s->status, "amount_applied_fen",
                  (json_int_t)s->amount_applied_fen, "places", (json_int_t)s->places);
    if (s->amount_approved_fen)
        json_object_set_new(j, "amount_approved_fen", json_integer(s->amount_approved_fen));
    if (s->paid_on) json_object_set_new(j, "paid_on", json_string(date_format(s->paid_on, d)));
    if (s->paid_fen) json_object_set_new(j, "paid_fen", json_integer(s->paid_fen));
    return j;
}

struct inst_row {
    const char *state, *district;
};

static void read_inst_row(struct db_rows *r, struct arena *a, void *item)
{
    struct inst_row *i = item;
    i->state = db_text_dup(r, 0, a);
    i->district = db_text_dup(r, 1, a);
}

static enum err apply_tx(struct db *db, void *p)
{
    struct sub_op *c = p;
    const struct subsidy_apply_in *in = c->in;
    unsigned role = op_role(c->who);
    int to;
    enum err e = subsidy_check(SS_NONE, SE_APPLY, role, &to);
    if (e != OK) return e;
    struct inst_row inst;
    struct db_val iv[] = {DBV_INT(in->institution_id)};
    e = db_get_one(db, c->a, "SELECT state, district_code FROM institutions WHERE id = $1", iv, 1,
                   read_inst_row, &inst);
    if (e != OK) return e;
    if (c->who && role == ROLE_OPERATOR && c->who->institution_id != in->institution_id) return ERR_NOT_FOUND;
    if (c->who && role == ROLE_COUNTY && !auth_sees_district(c->who, inst.district)) return ERR_NOT_FOUND;
    if (strcmp(inst.state, "filed") != 0) {
        c->detail = "只有已备案的机构才能申请补贴";
        return ERR_STATE;
    }
    const char *type = subsidy_type_names[in->type];
    unsigned others;
    e = others_of(db, in->institution_id, in->year, type, 0, &others);
    if (e != OK) return e;
    const char *problem = subsidy_once_problem(SE_APPLY, others);
    if (problem) {
        c->detail = problem;
        return ERR_STATE;
    }
    struct db_val v[] = {DBV_INT(in->institution_id),
                         DBV_INT(in->year),
                         DBV_TEXT(type),
                         DBV_INT(in->amount_fen),
                         DBV_INT(in->places),
                         DBV_TEXT(in->basis),
                         DBV_INT(c->now),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    e = db_int_query(db,
                     "INSERT INTO subsidies (institution_id, year, type, status, amount_applied_fen, places, "
                     "basis, applied_at, applied_by, version, updated_at) "
                     "VALUES ($1, $2, $3, 'applied', $4, $5, $6, $7, $8, 1, $7) RETURNING id",
                     v, DB_NPARAMS(v), &c->id);
    if (e == ERR_CONFLICT) { /* a concurrent application of the same year and type won */
        c->detail = "该机构本年度同类补贴已有申请，不能重复申请";
        return ERR_STATE;
    }
    if (e != OK) return e;
    struct subsidy s;
    e = subsidy_get(db, c->a, c->id, &s);
    if (e != OK) return e;
    return audit_append(db, c->who, "subsidy.apply", "subsidy", c->id, NULL,
                        json_text(c->a, subsidy_json_audit(&s)));
}

static enum err move_tx(struct db *db, void *p)
{
    struct sub_op *c = p;
    const struct subsidy_move *m = c->m;
    struct subsidy s;
    enum err e = subsidy_get(db, c->a, c->id, &s);
    if (e != OK) return e;
    unsigned role = op_role(c->who);
    if (c->who && role == ROLE_OPERATOR && c->who->institution_id != s.institution_id) return ERR_NOT_FOUND;
    if (c->who && !auth_sees_district(c->who, s.district_code) && role != ROLE_OPERATOR) return ERR_NOT_FOUND;
    int from = support_name_index(subsidy_status_names, s.status), to;
    e = subsidy_check(from, m->event, role, &to);
    if (e == ERR_STATE)
        c->detail = arena_printf(c->a, "补贴当前状态为“%s”，不能%s", subsidy_status_names_zh[from],
                                 subsidy_event_names_zh[m->event]);
    if (e != OK) return e;
    unsigned others;
    e = others_of(db, s.institution_id, s.year, s.type, s.id, &others);
    if (e != OK) return e;
    const char *problem = subsidy_once_problem(m->event, others);
    if (problem) {
        c->detail = problem;
        return ERR_STATE;
    }
    if (m->expected_version && m->expected_version != s.version) return ERR_CONFLICT;
    if (m->event == SE_PAY) {
        int64_t decided_day = s.decided_at ? clock_day_of(s.decided_at) : 0;
        if (m->paid_on < decided_day) fe_add(c->fe, "paid_on", "拨付日期不能早于批准日期");
        if (m->paid_fen > s.amount_approved_fen) fe_add(c->fe, "paid_fen", "拨付金额不能超过批准金额");
        if (c->fe->n) return ERR_VALIDATION;
    }
    struct subsidy before = s;
    const char *sql;
    struct db_val v[6] = {DBV_INT(s.id),      DBV_TEXT(subsidy_status_names[to]),
                          DBV_INT(c->now),    c->who ? DBV_INT(c->who->user_id) : DBV_NULL,
                          DBV_INT(s.version), DBV_NULL};
    if (m->event == SE_APPROVE || m->event == SE_REJECT) {
        sql = "UPDATE subsidies SET status = $2, decided_at = $3, decided_by = $4, amount_approved_fen = $6, "
              "decision_reason = $7, version = version + 1, updated_at = $3 WHERE id = $1 AND version = $5";
        v[5] = m->event == SE_APPROVE ? DBV_INT(m->amount_fen) : DBV_NULL;
    } else {
        sql = "UPDATE subsidies SET status = $2, paid_on = $6, paid_fen = $7, paid_by = $4, "
              "version = version + 1, updated_at = $3 WHERE id = $1 AND version = $5";
        v[5] = DBV_INT(m->paid_on);
    }
    struct db_val all[7];
    memcpy(all, v, sizeof v);
    all[6] = m->event == SE_PAY ? DBV_INT(m->paid_fen) : DBV_TEXT(text_blank(m->reason) ? NULL : m->reason);
    e = db_exec(db, sql, all, 7);
    if (e == ERR_CONFLICT) { /* the unique index: another row of the year and type got there first */
        c->detail = "该机构本年度同类补贴已有其他申请，同一年度同类补贴只能拨付一次";
        return ERR_STATE;
    }
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    e = subsidy_get(db, c->a, s.id, &s);
    if (e != OK) return e;
    json_t *after = subsidy_json_audit(&s);
    if (!text_blank(m->reason)) json_object_set_new(after, "reason", json_string(m->reason));
    return audit_append(db, c->who, arena_printf(c->a, "subsidy.%s", subsidy_event_names[m->event]),
                        "subsidy", s.id, json_text(c->a, subsidy_json_audit(&before)),
                        json_text(c->a, after));
}

/* Runs fn; field errors of a retried attempt do not count. */
static enum err run(struct db *db, db_tx_fn fn, struct sub_op *c, const char **detail, struct subsidy *out)
{
    int before = c->fe->n;
    enum err e = db_tx(db, fn, c);
    if (e != ERR_VALIDATION) c->fe->n = before;
    if (detail) *detail = e == ERR_STATE ? c->detail : NULL;
    if (e != OK) return e;
    return subsidy_get(db, c->a, c->id, out);
}

enum err subsidy_apply(struct db *db, struct arena *a, const struct principal *who,
                       const struct subsidy_apply_in *in, struct field_errors *fe, const char **detail,
                       struct subsidy *out)
{
    int64_t now = clock_now(), today = clock_day_of(now);
    int y, mo, d;
    days_to_date(today, &y, &mo, &d);
    if (detail) *detail = NULL;
    if (in->year < SUPPORT_YEAR_MIN || in->year > y + 1)
        fe_addf(fe, "year", "年度应在 %d 至 %d 之间", SUPPORT_YEAR_MIN, y + 1);
    if (in->type < 0 || in->type >= ST__COUNT)
        fe_add(fe, "type", "补贴类型应为 construction、operating 或 award");
    if (in->amount_fen < 1 || in->amount_fen > SUPPORT_AMOUNT_MAX_FEN)
        fe_add(fe, "amount_fen", "申请金额应在 1 分至 1 亿元之间");
    if (in->places < 0 || in->places > 10000)
        fe_add(fe, "places", "托位数应在 0 至 10000 之间");
    else if (in->type >= 0 && in->type < ST__COUNT && subsidy_needs_places(in->type) && in->places < 1)
        fe_add(fe, "places", "建设补贴和运营补贴须填写托位数");
    fe_check_text(fe, "basis", in->basis, true, "请填写申请依据", SUPPORT_TEXT_MAX);
    if (fe->n) return ERR_VALIDATION;
    struct sub_op c = {.who = who, .a = a, .fe = fe, .in = in, .now = now, .today = today};
    return run(db, apply_tx, &c, detail, out);
}

enum err subsidy_decide(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                        const struct subsidy_move *m, struct field_errors *fe, const char **detail,
                        struct subsidy *out)
{
    int64_t now = clock_now(), today = clock_day_of(now);
    if (detail) *detail = NULL;
    switch (m->event) {
    case SE_APPROVE:
        if (m->amount_fen < 1 || m->amount_fen > SUPPORT_AMOUNT_MAX_FEN)
            fe_add(fe, "amount_fen", "批准金额应在 1 分至 1 亿元之间");
        fe_check_text(fe, "reason", m->reason, false, NULL, SUPPORT_TEXT_MAX);
        break;
    case SE_REJECT:
        fe_check_text(fe, "reason", m->reason, true, "不予批准时必须说明理由", SUPPORT_TEXT_MAX);
        break;
    case SE_PAY:
        if (m->paid_on <= 0)
            fe_add(fe, "paid_on", "请填写拨付日期");
        else if (m->paid_on > today)
            fe_add(fe, "paid_on", "拨付日期不能晚于今天");
        if (m->paid_fen < 1 || m->paid_fen > SUPPORT_AMOUNT_MAX_FEN)
            fe_add(fe, "paid_fen", "拨付金额应在 1 分至 1 亿元之间");
        break;
    default:
        fe_add(fe, "decision", "应为 approve（批准）或 reject（不予批准）");
    }
    if (fe->n) return ERR_VALIDATION;
    struct sub_op c = {.who = who, .a = a, .fe = fe, .m = m, .id = id, .now = now, .today = today};
    return run(db, move_tx, &c, detail, out);
}

/* ---- Totals -------------------------------------------------------------------------------------------- */

static void read_total(struct db_rows *r, struct arena *a, void *item)
{
    struct subsidy_total_row *t = item;
    t->district_code = db_text_dup(r, 0, a);
    t->district_name = db_text_dup(r, 1, a);
    t->type = db_text_dup(r, 2, a);
    t->applications = db_int(r, 3);
    t->approved_count = db_int(r, 4);
    t->paid_count = db_int(r, 5);
    t->applied_fen = db_int(r, 6);
    t->approved_fen = db_int(r, 7);
    t->paid_fen = db_int(r, 8);
}

#define APPROVED_OR_PAID "s.status IN ('approved', 'paid')"

enum err subsidy_totals(struct db *db, struct arena *a, const char *district, int year,
                        struct subsidy_total_row **items, int *n)
{
    struct db_val v[] = {DBV_TEXT(district), DBV_INT(year)};
    *items = NULL;
    *n = 0;
    return db_get_all(
        db, a,
        "SELECT i.district_code, d.name, s.type, COUNT(*), "
        "COALESCE(SUM(CASE WHEN " APPROVED_OR_PAID " THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN s.status = 'paid' THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(s.amount_applied_fen), 0), "
        "COALESCE(SUM(CASE WHEN " APPROVED_OR_PAID " THEN s.amount_approved_fen ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN s.status = 'paid' THEN s.paid_fen ELSE 0 END), 0) " SUB_FROM
        "WHERE s.year = $2 AND (CAST($1 AS TEXT) IS NULL OR i.district_code = $1) "
        "GROUP BY i.district_code, d.name, d.sort, s.type "
        "ORDER BY d.sort, CASE s.type WHEN 'construction' THEN 0 WHEN 'operating' THEN 1 ELSE 2 END",
        v, DB_NPARAMS(v), read_total, sizeof **items, 0, (void **)items, n);
}

static void read_three(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    int64_t *x = item;
    x[0] = db_int(r, 0);
    x[1] = db_int(r, 1);
    x[2] = db_int(r, 2);
}

enum err support_subsidies_total(struct db *db, const char *district, int year, int64_t *approved_fen,
                                 int64_t *paid_fen, int64_t *paid_count)
{
    int64_t x[3] = {0, 0, 0};
    struct db_val v[] = {DBV_TEXT(district), DBV_INT(year)};
    enum err e = db_get_one(db, NULL,
                            "SELECT COALESCE(SUM(CASE WHEN " APPROVED_OR_PAID
                            " THEN s.amount_approved_fen ELSE 0 END), 0), "
                            "COALESCE(SUM(CASE WHEN s.status = 'paid' THEN s.paid_fen ELSE 0 END), 0), "
                            "COALESCE(SUM(CASE WHEN s.status = 'paid' THEN 1 ELSE 0 END), 0) "
                            "FROM subsidies s JOIN institutions i ON i.id = s.institution_id "
                            "WHERE s.year = $2 AND (CAST($1 AS TEXT) IS NULL OR i.district_code = $1)",
                            v, DB_NPARAMS(v), read_three, x);
    if (approved_fen) *approved_fen = x[0];
    if (paid_fen) *paid_fen = x[1];
    if (paid_count) *paid_count = x[2];
    return e;
}

/* ---- Demo ---------------------------------------------------------------------------------------------- */

#define DAY 86400

/* One demo application at day applied, then (by story) a decision and a payment some days later, each as
 * the move would have been made then. */
static enum err demo_subsidy(struct db *db, struct arena *a, int64_t inst, int64_t year, int type,
                             int64_t places, int story, int64_t applied, int64_t today)
{
    struct field_errors fe;
    fe_init(&fe, a);
    static const char *const basis[] = {
        "新建普惠托位，按每新增托位 1 万元申请建设补贴（附建设合同、验收报告）",
        "普惠托育机构运营补贴，按实际收托托位每托位每年 1200 元申请",
        "年度质量评估良好、收费低于指导价，申请以奖代补资金",
    };
    int64_t amount = type == ST_CONSTRUCTION ? places * 1000000
                     : type == ST_OPERATING  ? places * 120000
                                             : 5000000 + places * 50000;
    struct subsidy_apply_in in = {.institution_id = inst,
                                  .year = year,
                                  .type = type,
                                  .amount_fen = amount,
                                  .places = places,
                                  .basis = basis[type]};
    struct sub_op c = {.a = a, .fe = &fe, .in = &in, .now = applied * DAY + 9 * 3600, .today = applied};
    enum err e = apply_tx(db, &c);
    if (e != OK || story == 0) return e;
    int64_t decided = applied + 12 < today ? applied + 12 : today;
    struct subsidy_move m = {.event = story == 3 ? SE_REJECT : SE_APPROVE,
                             .amount_fen = story == 3 ? 0 : amount - (amount / 10) * (story == 2),
                             .reason = story == 3 ? "申报托位数与备案托位数不符，请核实后重新申请"
                                                  : "经审核，符合补贴条件"};
    c = (struct sub_op){
        .a = a, .fe = &fe, .m = &m, .id = c.id, .now = decided * DAY + 10 * 3600, .today = decided};
    e = move_tx(db, &c);
    if (e != OK || story != 2) return e;
    int64_t paid = decided + 20 < today ? decided + 20 : today;
    struct subsidy_move pay = {.event = SE_PAY, .paid_on = paid, .paid_fen = m.amount_fen};
    c = (struct sub_op){
        .a = a, .fe = &fe, .m = &pay, .id = c.id, .now = paid * DAY + 15 * 3600, .today = paid};
    return move_tx(db, &c);
}

enum err subsidy_demo_rows(struct db *db, struct arena *a, const int64_t *inst, const int64_t *places, int n,
                           int64_t today)
{
    int y, mo, d;
    days_to_date(today, &y, &mo, &d);
    enum err e = OK;
    for (int k = 0; k < n && k < 30 && e == OK; k++) {
        int64_t p = places[k] > 0 ? places[k] : 30;
        /* Last year: applied in spring, mostly paid; this year: applied lately, a mix of every state. */
        int64_t last = date_to_days(y - 1, 3, 1) + k * 3;
        int story_last = k % 7 == 6 ? 3 : 2;
        e = demo_subsidy(db, a, inst[k], y - 1, k % 3, p, story_last, last, today);
        if (e == OK && k % 2 == 0) {
            int64_t recent = today - 60 + k;
            e = demo_subsidy(db, a, inst[k], y, (k / 2) % 3, p, (k / 2) % 4, recent, today);
        }
    }
    return e;
}
