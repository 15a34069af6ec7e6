/* Rectification orders and their SQL. Each move of an order is one transaction that checks the workflow
 * table (rect_rules.c) against the row as it is inside the transaction, writes the order, its event and the
 * audit entry, so a decision and its record cannot come apart. Escalation is never stored: it is computed
 * from the deadline and the clock whenever an order is read. */
#include "modules/filing/filing.h" /* attachment_sniff */
#include "modules/rectification/rectification.h"
#include "modules/reference/settings.h"

#include "core/clock.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX 2000

/* ---- Reading ------------------------------------------------------------------------------------------- */

#define ORDER_COLS                                                                                           \
    "o.id, o.finding_id, o.institution_id, f.inspection_id, o.status, o.deadline_on, o.ordered_at, "         \
    "o.answered_at, o.closed_on, o.requirement, o.reopened, o.version, o.updated_at, i.name, "               \
    "i.district_code, d.name, s.department_code, f.severity, f.clause, f.description, f.found_on"
#define ORDER_FROM                                                                                           \
    " FROM rectification_orders o JOIN inspection_findings f ON f.id = o.finding_id "                        \
    "JOIN inspections s ON s.id = f.inspection_id JOIN institutions i ON i.id = o.institution_id "           \
    "JOIN districts d ON d.code = i.district_code "

int64_t rect_city_days(struct db *db)
{
    int64_t v = settings_get_int(db, RECT_SETTING_CITY_DAYS, RECT_DEFAULT_CITY_DAYS);
    return v < 0 ? RECT_DEFAULT_CITY_DAYS : v;
}

/* The columns of ORDER_COLS into a struct rect_order; the escalation is left to order_escalate. */
static void read_order(struct db_rows *r, struct arena *a, void *item)
{
    struct rect_order *o = item;
    memset(o, 0, sizeof *o);
    o->id = db_int(r, 0);
    o->finding_id = db_int(r, 1);
    o->institution_id = db_int(r, 2);
    o->inspection_id = db_int(r, 3);
    o->status = db_text_dup(r, 4, a);
    o->deadline_on = db_int(r, 5);
    o->ordered_at = db_int(r, 6);
    o->answered_at = db_isnull(r, 7) ? 0 : db_int(r, 7);
    o->closed_on = db_isnull(r, 8) ? 0 : db_int(r, 8);
    o->requirement = db_text_dup(r, 9, a);
    o->reopened = db_int(r, 10);
    o->version = db_int(r, 11);
    o->updated_at = db_int(r, 12);
    o->institution_name = db_text_dup(r, 13, a);
    o->district_code = db_text_dup(r, 14, a);
    o->district_name = db_text_dup(r, 15, a);
    o->department_code = db_text_dup(r, 16, a);
    o->severity = db_text_dup(r, 17, a);
    o->clause = db_text_dup(r, 18, a);
    o->finding_description = db_text_dup(r, 19, a);
    o->found_on = db_int(r, 20);
}

static void order_escalate(struct rect_order *o, int64_t today, int64_t city_days)
{
    int st = rect_status_from_name(o->status);
    o->days_overdue = rect_days_overdue(st, o->deadline_on, today);
    o->overdue = o->days_overdue > 0;
    o->level = rect_escalation(st, o->deadline_on, today, city_days);
}

static enum err order_read(struct db *db, struct arena *a, int64_t id, int64_t today, int64_t city_days,
                           struct rect_order *out)
{
    struct db_val v[] = {DBV_INT(id)};
    enum err e = db_get_one(db, a, "SELECT " ORDER_COLS ORDER_FROM "WHERE o.id = $1", v, 1, read_order, out);
    if (e == OK) order_escalate(out, today, city_days);
    return e;
}

enum err rect_get(struct db *db, struct arena *a, int64_t id, struct rect_order *out)
{
    return order_read(db, a, id, clock_day_of(clock_now()), rect_city_days(db), out);
}

static void read_finding(struct db_rows *r, struct arena *a, void *item)
{
    struct rect_finding *f = item;
    memset(f, 0, sizeof *f);
    f->id = db_int(r, 0);
    f->inspection_id = db_int(r, 1);
    f->institution_id = db_int(r, 2);
    f->found_on = db_int(r, 3);
    f->institution_name = db_text_dup(r, 4, a);
    f->district_code = db_text_dup(r, 5, a);
    f->department_code = db_text_dup(r, 6, a);
    f->severity = db_text_dup(r, 7, a);
    f->clause = db_text_dup(r, 8, a);
    f->description = db_text_dup(r, 9, a);
    f->order_id = db_isnull(r, 10) ? 0 : db_int(r, 10);
}

enum err rect_finding_get(struct db *db, struct arena *a, int64_t finding_id, struct rect_finding *out)
{
    struct db_val v[] = {DBV_INT(finding_id)};
    return db_get_one(db, a,
                      "SELECT f.id, f.inspection_id, f.institution_id, f.found_on, i.name, i.district_code, "
                      "s.department_code, f.severity, f.clause, f.description, o.id "
                      "FROM inspection_findings f JOIN inspections s ON s.id = f.inspection_id "
                      "JOIN institutions i ON i.id = f.institution_id "
                      "LEFT JOIN rectification_orders o ON o.finding_id = f.id WHERE f.id = $1",
                      v, 1, read_finding, out);
}

/* The FROM and WHERE of f's orders (alias o) into q: only the filters given, and institutions joined only for
 * a district, so that the planner can walk (deadline_on, id) for an unfiltered page, or a county's
 * institutions for a county's. A county-level order is late by 1..city_days days (deadline_on in
 * [today - city_days, today)); a city-level one by more (deadline_on < today - city_days). */
static void list_from_where(struct db_sqlq *q, const struct rect_filter *f, int64_t today, int64_t city_days)
{
    buf_adds(&q->sql, " FROM rectification_orders o");
    if (f->district)
        buf_printf(&q->sql, " JOIN institutions i ON i.id = o.institution_id AND i.district_code = $%d",
                   db_sqlq_param(q, DBV_TEXT(f->district)));
    buf_adds(&q->sql, " WHERE 1 = 1");
    if (f->institution_id)
        buf_printf(&q->sql, " AND o.institution_id = $%d", db_sqlq_param(q, DBV_INT(f->institution_id)));
    if (f->status) buf_printf(&q->sql, " AND o.status = $%d", db_sqlq_param(q, DBV_TEXT(f->status)));
    if (f->overdue || f->level == RL_COUNTY || f->level == RL_CITY) {
        int t = db_sqlq_param(q, DBV_INT(today));
        buf_printf(&q->sql, " AND o.status <> 'accepted' AND o.deadline_on < $%d", t);
    }
    if (f->level == RL_COUNTY)
        buf_printf(&q->sql, " AND o.deadline_on >= $%d", db_sqlq_param(q, DBV_INT(today - city_days)));
    if (f->level == RL_CITY)
        buf_printf(&q->sql, " AND o.deadline_on < $%d", db_sqlq_param(q, DBV_INT(today - city_days)));
}

enum err rect_list(struct db *db, struct arena *a, const struct rect_filter *f, struct rect_order **items,
                   int *n, int64_t *total)
{
    int64_t today = clock_day_of(clock_now()), city_days = rect_city_days(db);
    int page = f->page > 0 ? f->page : 1;
    *items = NULL;
    *n = 0;
    struct db_sqlq q = {.sql = BUF_INIT};
    buf_adds(&q.sql, "SELECT COUNT(*)");
    list_from_where(&q, f, today, city_days);
    enum err e = db_int_query(db, q.sql.p, q.v, q.n, total);
    if (e == OK && *total > (int64_t)(page - 1) * RECT_PER_PAGE) {
        /* The page's ids first, over the filtered tables only; then their columns. */
        q.sql.len = 0;
        q.n = 0;
        buf_adds(&q.sql, "SELECT " ORDER_COLS ORDER_FROM "JOIN (SELECT o.id");
        list_from_where(&q, f, today, city_days);
        int lim = db_sqlq_param(&q, DBV_INT(RECT_PER_PAGE)),
            off = db_sqlq_param(&q, DBV_INT((int64_t)(page - 1) * RECT_PER_PAGE));
        buf_printf(&q.sql,
                   " ORDER BY o.deadline_on, o.id LIMIT $%d OFFSET $%d) p ON p.id = o.id "
                   "ORDER BY o.deadline_on, o.id",
                   lim, off);
        e = db_get_all(db, a, q.sql.p, q.v, q.n, read_order, sizeof **items, RECT_PER_PAGE, (void **)items,
                       n);
    }
    buf_free(&q.sql);
    for (int i = 0; i < *n; i++)
        order_escalate(&(*items)[i], today, city_days);
    return e;
}

static void read_event(struct db_rows *r, struct arena *a, void *item)
{
    struct rect_event_row *t = item;
    t->id = db_int(r, 0);
    t->at = db_int(r, 1);
    t->deadline_on = db_isnull(r, 2) ? 0 : db_int(r, 2);
    t->event = db_text_dup(r, 3, a);
    t->text = db_text_dup(r, 4, a);
    t->by_name = db_isnull(r, 5) ? "system" : db_text_dup(r, 5, a);
}

enum err rect_events(struct db *db, struct arena *a, int64_t order_id, struct rect_event_row **items, int *n)
{
    struct db_val v[] = {DBV_INT(order_id)};
    return db_get_all(
        db, a,
        "SELECT e.id, e.at, e.deadline_on, e.event, e.text, u.username FROM rectification_events e "
        "LEFT JOIN users u ON u.id = e.by_user WHERE e.order_id = $1 ORDER BY e.id",
        v, 1, read_event, sizeof **items, 0, (void **)items, n);
}

#define EVIDENCE_COLS "v.id, v.event_id, v.uploaded_at, fl.size, v.sha256, v.filename, fl.media_type"
#define EVIDENCE_FROM " FROM rectification_evidence v JOIN files fl ON fl.sha256 = v.sha256 "

static void read_evidence(struct db_rows *r, struct arena *a, void *item)
{
    struct rect_evidence_row *t = item;
    t->id = db_int(r, 0);
    t->event_id = db_isnull(r, 1) ? 0 : db_int(r, 1);
    t->uploaded_at = db_int(r, 2);
    t->size = db_int(r, 3);
    t->sha256 = db_text_dup(r, 4, a);
    t->filename = db_text_dup(r, 5, a);
    t->media_type = db_text_dup(r, 6, a);
}

enum err rect_evidence(struct db *db, struct arena *a, int64_t order_id, struct rect_evidence_row **items,
                       int *n)
{
    struct db_val v[] = {DBV_INT(order_id)};
    return db_get_all(db, a, "SELECT " EVIDENCE_COLS EVIDENCE_FROM "WHERE v.order_id = $1 ORDER BY v.id", v,
                      1, read_evidence, sizeof **items, 0, (void **)items, n);
}

/* An evidence row with its bytes (EVIDENCE_COLS, then fl.data). */
struct evidence_file {
    struct rect_evidence_row row;
    const void *data;
};

static void read_evidence_file(struct db_rows *r, struct arena *a, void *item)
{
    struct evidence_file *f = item;
    read_evidence(r, a, &f->row);
    size_t len = 0;
    const void *p = db_blob(r, 7, &len);
    void *copy = arena_alloc(a, len ? len : 1);
    if (len) memcpy(copy, p, len);
    f->data = copy;
    f->row.size = (int64_t)len;
}

enum err rect_evidence_get(struct db *db, struct arena *a, int64_t order_id, int64_t evidence_id,
                           struct rect_evidence_row *out, const void **data)
{
    struct db_val v[] = {DBV_INT(order_id), DBV_INT(evidence_id)};
    struct evidence_file f;
    enum err e = db_get_one(
        db, a, "SELECT " EVIDENCE_COLS ", fl.data" EVIDENCE_FROM "WHERE v.order_id = $1 AND v.id = $2", v, 2,
        read_evidence_file, &f);
    if (e != OK) return e;
    *out = f.row;
    *data = f.data;
    return OK;
}

/* ---- Moves --------------------------------------------------------------------------------------------- */

/* One move of the workflow, run inside a transaction. now/today are the clock of the move (the demo passes
 * earlier ones). who NULL is the system: the table's roles apply, not a person's territory. */
struct rect_op {
    const struct principal *who;
    struct arena *a;
    struct field_errors *fe;
    int event;
    int64_t order_id, finding_id;
    int64_t deadline_on;
    const char *text; /* requirement (order), description (answer), note or reason (verify) */
    const int64_t *ids;
    int nids;
    const struct rect_upload *uploads; /* answer: files to store as evidence and hand in with it */
    int nuploads;
    int64_t expected_version;
    int64_t now, today;
    int64_t event_id; /* out */
};

static unsigned op_role(const struct rect_op *c)
{
    return c->who ? c->who->role : ROLE_COUNTY | ROLE_INSPECTOR | ROLE_OPERATOR;
}

static enum err add_event(struct db *db, struct rect_op *c, int64_t order_id)
{
    struct db_val v[] = {DBV_INT(order_id), DBV_TEXT(rect_event_names[c->event]),
                         DBV_TEXT(c->text), c->deadline_on ? DBV_INT(c->deadline_on) : DBV_NULL,
                         DBV_INT(c->now),   c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    return db_int_query(db,
                        "INSERT INTO rectification_events (order_id, event, text, deadline_on, at, by_user) "
                        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                        v, DB_NPARAMS(v), &c->event_id);
}

static enum err audit_move(struct db *db, struct rect_op *c, int64_t order_id, const char *status_before,
                           const char *status_after, int64_t deadline_on)
{
    char d[11];
    json_t *before = status_before ? json_pack("{s:s}", "status", status_before) : NULL;
    json_t *after =
        json_pack("{s:s, s:s, s:I, s:I}", "status", status_after, "deadline_on", date_format(deadline_on, d),
                  "event_id", (json_int_t)c->event_id, "evidence", (json_int_t)c->nids);
    char *action = arena_printf(c->a, "rectification.%s", rect_event_names[c->event]);
    return audit_append(db, c->who, action, "rectification", order_id, json_text(c->a, before),
                        json_text(c->a, after));
}

static enum err order_tx(struct db *db, void *p)
{
    struct rect_op *c = p;
    struct rect_finding f;
    enum err e = rect_finding_get(db, c->a, c->finding_id, &f);
    if (e != OK) return e;
    unsigned role = op_role(c);
    if (!rect_role_fires(REV_ORDER, role)) return ERR_FORBIDDEN;
    if (c->who &&
        !rect_may_supervise(role, c->who->district, c->who->department, f.district_code, f.department_code))
        return ERR_FORBIDDEN;
    int from = RS_NONE;
    if (f.order_id) {
        struct rect_order o;
        e = order_read(db, c->a, f.order_id, c->today, 0, &o);
        if (e != OK) return e;
        from = rect_status_from_name(o.status);
    }
    int to;
    e = rect_check(from, REV_ORDER, role, &to);
    if (e != OK) return e;
    struct db_val v[] = {DBV_INT(f.id),
                         DBV_INT(f.institution_id),
                         DBV_TEXT(rect_status_names[to]),
                         DBV_INT(c->deadline_on),
                         DBV_TEXT(c->text),
                         DBV_INT(c->now),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    e = db_int_query(db,
                     "INSERT INTO rectification_orders (finding_id, institution_id, status, deadline_on, "
                     "requirement, ordered_at, ordered_by, reopened, version, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 1, $6) RETURNING id",
                     v, DB_NPARAMS(v), &c->order_id);
    if (e == ERR_CONFLICT) return ERR_STATE; /* a concurrent order of the same finding won */
    if (e != OK) return e;
    e = add_event(db, c, c->order_id);
    if (e != OK) return e;
    return audit_move(db, c, c->order_id, NULL, rect_status_names[to], c->deadline_on);
}

/* Reads the order inside the transaction and checks the move: visibility for operators (another
 * institution's order is not found), role, supervision rights, status and version. */
static enum err load_for_move(struct db *db, struct rect_op *c, struct rect_order *o, int *to)
{
    enum err e = order_read(db, c->a, c->order_id, c->today, 0, o);
    if (e != OK) return e;
    unsigned role = op_role(c);
    if (c->who && role == ROLE_OPERATOR && c->who->institution_id != o->institution_id) return ERR_NOT_FOUND;
    if (!rect_role_fires(c->event, role)) return ERR_FORBIDDEN;
    if (c->who && role != ROLE_OPERATOR &&
        !rect_may_supervise(role, c->who->district, c->who->department, o->district_code, o->department_code))
        return ERR_FORBIDDEN;
    e = rect_check(rect_status_from_name(o->status), c->event, role, to);
    if (e != OK) return e;
    if (c->expected_version && c->expected_version != o->version) return ERR_CONFLICT;
    return OK;
}

/* The end of a move of order o to status to: the UPDATE v (its $1 the order's id, its last parameter the
 * version read by load_for_move, so a concurrent move makes it change nothing: ERR_CONFLICT), then the audit
 * entry with the order's deadline after the move. */
static enum err finish_move(struct db *db, struct rect_op *c, const struct rect_order *o, int to,
                            int64_t deadline_on, const char *sql, const struct db_val *v, int nv)
{
    enum err e = db_exec(db, sql, v, nv);
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    return audit_move(db, c, o->id, o->status, rect_status_names[to], deadline_on);
}

/* Store one evidence file of order_id (bytes once per SHA-256 in files) inside the caller's transaction,
 * with its audit entry; *id gets the evidence row. */
static enum err insert_evidence(struct db *db, const struct rect_op *op, int64_t order_id,
                                const struct rect_upload *u, int64_t *id)
{
    struct db_val file[] = {DBV_TEXT(u->sha256), DBV_TEXT(u->media_type), DBV_INT((int64_t)u->n),
                            DBV_BLOB(u->p, u->n), DBV_INT(op->now)};
    enum err e =
        db_exec(db,
                "INSERT INTO files (sha256, media_type, size, data, created_at) VALUES ($1, $2, $3, $4, "
                "$5) ON CONFLICT (sha256) DO NOTHING",
                file, DB_NPARAMS(file));
    if (e != OK) return e;
    struct db_val v[] = {DBV_INT(order_id), DBV_TEXT(u->sha256), DBV_TEXT(u->filename), DBV_INT(op->now),
                         op->who ? DBV_INT(op->who->user_id) : DBV_NULL};
    e = db_int_query(
        db,
        "INSERT INTO rectification_evidence (order_id, sha256, filename, uploaded_at, uploaded_by) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id",
        v, DB_NPARAMS(v), id);
    if (e != OK) return e;
    json_t *after = json_pack("{s:I, s:s, s:s, s:I}", "evidence_id", (json_int_t)*id, "media_type",
                              u->media_type, "sha256", u->sha256, "size", (json_int_t)u->n);
    return audit_append(db, op->who, "rectification.evidence", "rectification", order_id, NULL,
                        json_text(op->a, after));
}

static enum err answer_tx(struct db *db, void *p)
{
    struct rect_op *c = p;
    struct rect_order o;
    int to;
    enum err e = load_for_move(db, c, &o, &to);
    if (e != OK) return e;
    /* Files sent with the answer are stored in the same transaction, so a refused answer keeps none. */
    const int64_t *ids = c->ids;
    int nids = c->nids;
    if (c->nuploads) {
        int64_t *all = arena_alloc(c->a, (size_t)(c->nids + c->nuploads) * sizeof *all);
        for (int i = 0; i < c->nids; i++)
            all[i] = c->ids[i];
        for (int i = 0; i < c->nuploads; i++) {
            e = insert_evidence(db, c, o.id, &c->uploads[i], &all[c->nids + i]);
            if (e != OK) return e;
        }
        ids = all;
        nids += c->nuploads;
    }
    /* Every evidence id must be this order's and not yet part of an answer; all bad ones are reported. */
    for (int i = 0; i < nids; i++) {
        bool dup = false;
        for (int j = 0; j < i; j++)
            dup |= ids[j] == ids[i];
        int64_t found = 0;
        if (!dup) {
            struct db_val v[] = {DBV_INT(ids[i]), DBV_INT(o.id)};
            e = db_int_query(db,
                             "SELECT COUNT(*) FROM rectification_evidence WHERE id = $1 AND order_id = $2 "
                             "AND event_id IS NULL",
                             v, 2, &found);
            if (e != OK) return e;
        }
        if (dup || !found)
            fe_addf(c->fe, arena_printf(c->a, "evidence_ids[%d]", i), "%s",
                    dup ? "证明材料重复" : "证明材料不存在，或已用于之前的答复");
    }
    if (c->fe->n) return ERR_VALIDATION;
    c->deadline_on = 0;
    e = add_event(db, c, o.id);
    if (e != OK) return e;
    for (int i = 0; i < nids; i++) {
        struct db_val v[] = {DBV_INT(ids[i]), DBV_INT(c->event_id)};
        e = db_exec(db, "UPDATE rectification_evidence SET event_id = $2 WHERE id = $1", v, 2);
        if (e != OK) return e;
    }
    struct db_val v[] = {DBV_INT(o.id), DBV_TEXT(rect_status_names[to]), DBV_INT(c->now), DBV_INT(o.version)};
    return finish_move(db, c, &o, to, o.deadline_on,
                       "UPDATE rectification_orders SET status = $2, answered_at = $3, updated_at = $3, "
                       "version = version + 1 WHERE id = $1 AND version = $4",
                       v, DB_NPARAMS(v));
}

static enum err verify_tx(struct db *db, void *p)
{
    struct rect_op *c = p;
    struct rect_order o;
    int to;
    enum err e = load_for_move(db, c, &o, &to);
    if (e != OK) return e;
    bool reopen = c->event == REV_REOPEN;
    if (!reopen) c->deadline_on = 0;
    e = add_event(db, c, o.id);
    if (e != OK) return e;
    int64_t deadline = reopen ? c->deadline_on : o.deadline_on;
    struct db_val v[] = {DBV_INT(o.id),     DBV_TEXT(rect_status_names[to]),
                         DBV_INT(c->now),   reopen ? DBV_NULL : DBV_INT(c->today),
                         DBV_INT(deadline), DBV_INT(reopen ? 1 : 0),
                         DBV_INT(o.version)};
    return finish_move(
        db, c, &o, to, deadline,
        "UPDATE rectification_orders SET status = $2, updated_at = $3, closed_on = $4, deadline_on = $5, "
        "reopened = reopened + $6, version = version + 1 WHERE id = $1 AND version = $7",
        v, DB_NPARAMS(v));
}

/* A move started now by who (NULL: the system), its other fields zero. */
static struct rect_op op_new(const struct principal *who, struct arena *a, struct field_errors *fe, int event)
{
    int64_t now = clock_now();
    return (struct rect_op){
        .who = who, .a = a, .fe = fe, .event = event, .now = now, .today = clock_day_of(now)};
}

/* Runs the move fn in a transaction, then reads the order it made or moved into *out. */
static enum err run_op(struct db *db, db_tx_fn fn, struct rect_op *c, struct rect_order *out)
{
    int before = c->fe->n;
    enum err e = db_tx(db, fn, c);
    if (e != ERR_VALIDATION) c->fe->n = before; /* errors of a retried attempt do not count */
    if (e != OK) return e;
    return rect_get(db, c->a, c->order_id, out);
}

/* A required text of at most TEXT_MAX characters; a problem goes into fe under field. */
static void need_text(struct field_errors *fe, const char *field, const char *s, const char *missing,
                      const char *too_long)
{
    if (text_blank(s))
        fe_add(fe, field, missing);
    else if (utf8_chars(s) > TEXT_MAX)
        fe_add(fe, field, too_long);
}

enum err rect_order_create(struct db *db, struct arena *a, const struct principal *who, int64_t finding_id,
                           int64_t deadline_on, const char *requirement, int64_t today,
                           struct field_errors *fe, struct rect_order *out)
{
    const char *problem = rect_deadline_problem(deadline_on, today);
    if (problem) fe_add(fe, "deadline_on", problem);
    need_text(fe, "requirement", requirement, "请填写整改要求", "整改要求不能超过 2000 字");
    if (fe->n) return ERR_VALIDATION;
    struct rect_op c = op_new(who, a, fe, REV_ORDER);
    c.finding_id = finding_id;
    c.deadline_on = deadline_on;
    c.text = requirement;
    return run_op(db, order_tx, &c, out);
}

enum err rect_upload_prepare(struct arena *a, const char *filename, const void *p, size_t n,
                             struct rect_upload *out)
{
    const char *media = attachment_sniff(p, n);
    if (!media) return ERR_UNSUPPORTED_MEDIA;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, p, n);
    char *hex = arena_alloc(a, 65);
    sodium_bin2hex(hex, 65, h, sizeof h);
    *out = (struct rect_upload){.filename = filename, .media_type = media, .sha256 = hex, .p = p, .n = n};
    return OK;
}

enum err rect_answer(struct db *db, struct arena *a, const struct principal *who, int64_t order_id,
                     const char *text, const int64_t *evidence_ids, int nids,
                     const struct rect_upload *uploads, int nuploads, int64_t expected_version,
                     struct field_errors *fe, struct rect_order *out)
{
    need_text(fe, "text", text, "请填写整改情况说明", "整改情况说明不能超过 2000 字");
    if (fe->n) return ERR_VALIDATION;
    struct rect_op c = op_new(who, a, fe, REV_ANSWER);
    c.order_id = order_id;
    c.text = text;
    c.ids = evidence_ids;
    c.nids = nids;
    c.uploads = uploads;
    c.nuploads = nuploads;
    c.expected_version = expected_version;
    return run_op(db, answer_tx, &c, out);
}

enum err rect_verify(struct db *db, struct arena *a, const struct principal *who, int64_t order_id, int event,
                     const char *text, int64_t deadline_on, int64_t expected_version, struct field_errors *fe,
                     struct rect_order *out)
{
    struct rect_op c = op_new(who, a, fe, event);
    if (event != REV_ACCEPT && event != REV_REOPEN)
        fe_add(fe, "decision", "应为 accept（验收通过）或 reopen（退回重新整改）");
    if (text_blank(text)) text = NULL;
    if (event == REV_REOPEN && !text) fe_add(fe, "text", "退回重新整改时必须说明理由");
    if (text && utf8_chars(text) > TEXT_MAX) fe_add(fe, "text", "说明不能超过 2000 字");
    if (event == REV_REOPEN) {
        const char *problem =
            deadline_on ? rect_deadline_problem(deadline_on, c.today) : "请填写新的整改期限";
        if (problem) fe_add(fe, "deadline_on", problem);
    }
    if (fe->n) return ERR_VALIDATION;
    c.order_id = order_id;
    c.deadline_on = deadline_on;
    c.text = text;
    c.expected_version = expected_version;
    return run_op(db, verify_tx, &c, out);
}

/* ---- Evidence ------------------------------------------------------------------------------------------ */

struct evidence_ctx {
    struct rect_op op;
    struct rect_upload upload;
    int64_t id;
};

static enum err evidence_tx(struct db *db, void *p)
{
    struct evidence_ctx *c = p;
    struct rect_order o;
    int to;
    /* Evidence belongs to an answer: it may be added while the operator may answer. */
    enum err e = load_for_move(db, &c->op, &o, &to);
    if (e != OK) return e;
    return insert_evidence(db, &c->op, o.id, &c->upload, &c->id);
}

enum err rect_evidence_add(struct db *db, struct arena *a, const struct principal *who, int64_t order_id,
                           const char *filename, const void *p, size_t n, struct rect_evidence_row *out)
{
    struct field_errors fe;
    fe_init(&fe, a);
    struct evidence_ctx c = {.op = op_new(who, a, &fe, REV_ANSWER)};
    enum err e = rect_upload_prepare(a, filename, p, n, &c.upload);
    if (e != OK) return e;
    c.op.order_id = order_id;
    e = db_tx(db, evidence_tx, &c);
    if (e != OK) return e;
    *out = (struct rect_evidence_row){.id = c.id,
                                      .uploaded_at = c.op.now,
                                      .size = (int64_t)n,
                                      .sha256 = c.upload.sha256,
                                      .filename = filename,
                                      .media_type = c.upload.media_type};
    return OK;
}

/* ---- Dashboards ---------------------------------------------------------------------------------------- */

/* Two integer columns into int64_t[2]. */
static void read_counts(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    int64_t *counts = item;
    counts[0] = db_int(r, 0);
    counts[1] = db_int(r, 1);
}

enum err rect_overdue_counts(struct db *db, const char *district, int64_t today, int64_t *county_level,
                             int64_t *city_level)
{
    int64_t city_days = rect_city_days(db), counts[2] = {0, 0};
    struct db_val v[] = {DBV_INT(today), DBV_INT(today - city_days), DBV_TEXT(district)};
    /* Institutions are joined only for a district: the whole country counts over an index of orders. */
    enum err e = db_get_one(
        db, NULL,
        district ? "SELECT COALESCE(SUM(CASE WHEN o.deadline_on >= $2 THEN 1 ELSE 0 END), 0), "
                   "COALESCE(SUM(CASE WHEN o.deadline_on < $2 THEN 1 ELSE 0 END), 0) "
                   "FROM rectification_orders o JOIN institutions i ON i.id = o.institution_id "
                   "WHERE o.status <> 'accepted' AND o.deadline_on < $1 AND i.district_code = $3"
                 : "SELECT COALESCE(SUM(CASE WHEN o.deadline_on >= $2 THEN 1 ELSE 0 END), 0), "
                   "COALESCE(SUM(CASE WHEN o.deadline_on < $2 THEN 1 ELSE 0 END), 0) "
                   "FROM rectification_orders o WHERE o.status <> 'accepted' AND o.deadline_on < $1",
        v, district ? 3 : 2, read_counts, counts);
    *county_level = counts[0];
    *city_level = counts[1];
    return e;
}

/* ---- Demo ---------------------------------------------------------------------------------------------- */

#define DAY 86400

struct demo_ctx {
    struct arena *a;
    int64_t today;
    int orders;
};

static const char *demo_requirement(const char *severity)
{
    if (severity && strcmp(severity, "critical") == 0)
        return "立即停止相关活动，消除安全隐患，整改完成前不得恢复；整改后提交整改报告及现场照片。";
    if (severity && strcmp(severity, "high") == 0)
        return "限期整改，完善相关制度并落实到人，提交整改报告及佐证材料。";
    if (severity && strcmp(severity, "medium") == 0) return "对照检查条款逐项整改，提交整改情况说明及照片。";
    return "按检查意见完成整改，提交整改情况说明。";
}

static int64_t demo_min(int64_t x, int64_t y)
{
    return x < y ? x : y;
}

/* One finding's story, chosen by its position k: 0 open within the deadline, 1 answered and waiting,
 * 2 accepted, 3 overdue at county level, 4 overdue at city level, 5 reopened once and open again. Every date
 * follows the rules as if the moves had been made then: ordered the day after the finding, deadlines at most
 * 180 days after the move that set them, nothing after today. A story the finding's age does not allow (an
 * old finding still within its deadline, a recent one long overdue) becomes another: old findings end
 * accepted, recent ones open. */
static enum err demo_one(struct db *db, struct demo_ctx *d, int64_t finding_id, int64_t found_on,
                         const char *severity, int k)
{
    struct field_errors fe;
    fe_init(&fe, d->a);
    const int64_t today = d->today;
    int story = k % 6;
    int64_t start = demo_min(found_on + 1, today), deadline = start + 30 + k % 30;
    if (story == 3 || story == 4) {
        deadline = story == 3 ? today - 3 - k % 5 : today - 25 - k % 20;
        if (start < deadline - 30) start = deadline - 30;
        if (start > deadline - 7) story = 0, deadline = start + 30 + k % 30;
    }
    if (story == 0 || story == 1 || story == 5) {
        /* Still running: ordered within the last month (after a follow-up visit, for an older finding). */
        int64_t recent = today - 20 - k % 10;
        if (found_on < today - 180) {
            story = 2;
        } else {
            if (start < recent) start = recent;
            deadline = start + 30 + k % 30;
        }
    }
    struct rect_op c = {.a = d->a,
                        .fe = &fe,
                        .event = REV_ORDER,
                        .finding_id = finding_id,
                        .deadline_on = deadline,
                        .text = demo_requirement(severity),
                        .now = start * DAY + 3 * 3600,
                        .today = start};
    enum err e = order_tx(db, &c);
    if (e != OK) return e;
    int64_t order_id = c.order_id;
    d->orders++;
    if (story == 0 || story == 3 || story == 4) return OK;
    int64_t answered = demo_min(start + 10 + k % 7, today);
    c = (struct rect_op){.a = d->a,
                         .fe = &fe,
                         .event = REV_ANSWER,
                         .order_id = order_id,
                         .text = "已按要求完成整改：修订管理制度、组织全员培训并复查现场，附整改前后照片。",
                         .now = answered * DAY + 2 * 3600,
                         .today = answered};
    e = answer_tx(db, &c);
    if (e != OK || story == 1) return e;
    int64_t verified = demo_min(answered + 3, today);
    if (story == 2) {
        c = (struct rect_op){.a = d->a,
                             .fe = &fe,
                             .event = REV_ACCEPT,
                             .order_id = order_id,
                             .text = "现场复查，整改到位。",
                             .now = verified * DAY + 6 * 3600,
                             .today = verified};
        return verify_tx(db, &c);
    }
    c = (struct rect_op){.a = d->a,
                         .fe = &fe,
                         .event = REV_REOPEN,
                         .order_id = order_id,
                         .text = "整改材料不完整，缺少培训签到记录，请补充后重新答复。",
                         .deadline_on = verified + 21,
                         .now = verified * DAY + 6 * 3600,
                         .today = verified};
    return verify_tx(db, &c);
}

/* A finding without an order, as the demo needs it. */
struct demo_finding {
    int64_t id, found_on;
    const char *severity;
};

static void read_demo_finding(struct db_rows *r, struct arena *a, void *item)
{
    struct demo_finding *f = item;
    f->id = db_int(r, 0);
    f->found_on = db_int(r, 1);
    f->severity = db_text_dup(r, 2, a);
}

static enum err demo_tx(struct db *db, void *p)
{
    struct demo_ctx *d = p;
    struct demo_finding *rows;
    int n;
    enum err e = db_get_all(db, d->a,
                            "SELECT f.id, f.found_on, f.severity FROM inspection_findings f "
                            "LEFT JOIN rectification_orders o ON o.finding_id = f.id WHERE o.id IS NULL "
                            "ORDER BY f.id",
                            NULL, 0, read_demo_finding, sizeof *rows, 0, (void **)&rows, &n);
    if (e != OK) return e;
    d->orders = 0;
    audit_bulk_begin();
    for (int i = 0; i < n && e == OK; i++)
        if (i % 7 != 6) e = demo_one(db, d, rows[i].id, rows[i].found_on, rows[i].severity, i);
    enum err end = audit_bulk_end(db);
    return e != OK ? e : end;
}

enum err rect_demo_load(struct db *db, struct arena *a)
{
    struct demo_ctx d = {.a = a, .today = clock_day_of(clock_now())};
    return db_tx(db, demo_tx, &d);
}
