/* Meetings, resolutions and notices: their SQL. Every write is one transaction that checks the workflow
 * table (meeting_rules.c) against the row as it is inside the transaction, writes the row, its follow-up and
 * the audit entry together. Overdue is never stored: it is computed from the deadline and the clock when a
 * resolution is read. */
#include "modules/joint/meeting.h"

#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Reading ------------------------------------------------------------------------------------------- */

#define MEETING_COLS                                                                                         \
    "m.id, m.kind, m.title, m.held_on, m.location, m.agenda, m.status, m.year_seq, m.minutes, "              \
    "m.created_at, m.recorded_at, m.version, m.updated_at, "                                                 \
    "(SELECT COUNT(*) FROM resolutions x WHERE x.meeting_id = m.id), "                                       \
    "(SELECT COUNT(*) FROM resolutions x WHERE x.meeting_id = m.id AND x.status = 'open') "

static void read_meeting(struct db_rows *r, struct arena *a, void *item)
{
    struct meeting *m = item;
    memset(m, 0, sizeof *m);
    m->id = db_int(r, 0);
    m->kind = db_text_dup(r, 1, a);
    m->title = db_text_dup(r, 2, a);
    m->held_on = db_int(r, 3);
    m->location = db_text_dup(r, 4, a);
    m->agenda = db_text_dup(r, 5, a);
    m->status = db_text_dup(r, 6, a);
    m->year_seq = db_isnull(r, 7) ? 0 : db_int(r, 7);
    m->minutes = db_text_dup(r, 8, a);
    m->created_at = db_int(r, 9);
    m->recorded_at = db_isnull(r, 10) ? 0 : db_int(r, 10);
    m->version = db_int(r, 11);
    m->updated_at = db_int(r, 12);
    m->nresolutions = db_int(r, 13);
    m->nopen = db_int(r, 14);
}

static void read_unit(struct db_rows *r, struct arena *a, void *item)
{
    struct meeting_unit *u = item;
    u->code = db_text_dup(r, 0, a);
    u->name = db_text_dup(r, 1, a);
    u->attended = db_isnull(r, 2) ? -1 : (int)db_int(r, 2);
}

enum err meeting_get(struct db *db, struct arena *a, int64_t id, struct meeting *out)
{
    struct db_val v[] = {DBV_INT(id)};
    enum err e =
        db_get_one(db, a, "SELECT " MEETING_COLS "FROM meetings m WHERE m.id = $1", v, 1, read_meeting, out);
    if (e != OK) return e;
    return db_get_all(db, a,
                      "SELECT u.code, u.name, t.attended FROM meeting_attendees t JOIN units u ON u.code = "
                      "t.unit_code WHERE t.meeting_id = $1 ORDER BY u.sort, u.code",
                      v, 1, read_unit, sizeof *out->units, 0, (void **)&out->units, &out->nunits);
}

/* A unit sees a meeting it was invited to, and every plenary meeting when it is a member unit. $2: unit. */
#define UNIT_SEES                                                                                            \
    "(EXISTS (SELECT 1 FROM meeting_attendees t WHERE t.meeting_id = m.id AND t.unit_code = $2) OR "         \
    "(m.kind = 'plenary' AND EXISTS (SELECT 1 FROM units u WHERE u.code = $2 AND u.member = 1)))"

enum err meeting_unit_sees(struct db *db, int64_t id, const char *unit, bool *sees)
{
    struct db_val v[] = {DBV_INT(id), DBV_TEXT(unit)};
    int64_t n = 0;
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM meetings m WHERE m.id = $1 AND " UNIT_SEES, v, 2, &n);
    *sees = e == OK && n > 0;
    return e;
}

enum err meeting_list(struct db *db, struct arena *a, const char *unit, struct meeting **items, int *n)
{
    struct db_val v[] = {DBV_INT(0), DBV_TEXT(unit)};
    return db_get_all(db, a,
                      "SELECT " MEETING_COLS "FROM meetings m WHERE CAST($2 AS TEXT) IS NULL OR " UNIT_SEES
                      " ORDER BY m.held_on DESC, m.id DESC LIMIT 200",
                      v, 2, read_meeting, sizeof **items, 200, (void **)items, n);
}

enum err meeting_unit_known(struct db *db, const char *code, bool *known, bool *member)
{
    struct db_val v[] = {DBV_TEXT(code)};
    struct db_rows *rows;
    *known = false;
    if (member) *member = false;
    enum err e = db_query(db, "SELECT member FROM units WHERE code = $1", v, 1, &rows);
    if (e != OK) return e;
    int s = db_next(rows);
    if (s == 1) {
        *known = true;
        if (member) *member = db_int(rows, 0) == 1;
    } else if (s < 0) {
        e = db_rows_err(rows);
    }
    db_done(rows);
    return e;
}

enum err meeting_units(struct db *db, struct arena *a, bool members_only, struct meeting_unit **items, int *n)
{
    struct db_val v[] = {DBV_BOOL(members_only)};
    return db_get_all(db, a,
                      "SELECT code, name, CAST(NULL AS BIGINT) FROM units WHERE CAST($1 AS BIGINT) = 0 OR "
                      "member = 1 ORDER BY sort, code",
                      v, 1, read_unit, sizeof **items, 0, (void **)items, n);
}

#define RES_COLS                                                                                             \
    "r.id, r.meeting_id, r.seq, r.deadline_on, r.done_on, r.created_at, r.version, r.updated_at, r.number, " \
    "r.text, r.owner_unit, u.name, r.status, m.title, m.kind, m.held_on "
#define RES_FROM                                                                                             \
    " FROM resolutions r JOIN units u ON u.code = r.owner_unit JOIN meetings m ON m.id = r.meeting_id "

static void read_resolution(struct db_rows *r, struct arena *a, void *item)
{
    struct resolution *x = item;
    memset(x, 0, sizeof *x);
    x->id = db_int(r, 0);
    x->meeting_id = db_int(r, 1);
    x->seq = db_int(r, 2);
    x->deadline_on = db_int(r, 3);
    x->done_on = db_isnull(r, 4) ? 0 : db_int(r, 4);
    x->created_at = db_int(r, 5);
    x->version = db_int(r, 6);
    x->updated_at = db_int(r, 7);
    x->number = db_text_dup(r, 8, a);
    x->text = db_text_dup(r, 9, a);
    x->owner_unit = db_text_dup(r, 10, a);
    x->owner_name = db_text_dup(r, 11, a);
    x->status = db_text_dup(r, 12, a);
    x->meeting_title = db_text_dup(r, 13, a);
    x->meeting_kind = db_text_dup(r, 14, a);
    x->meeting_held_on = db_int(r, 15);
}

static void res_overdue(struct resolution *x, int64_t today)
{
    int st = meeting_name_index(resolution_status_names, x->status);
    x->overdue = resolution_overdue(st, x->deadline_on, today);
    x->days_overdue = resolution_days_overdue(st, x->deadline_on, today);
}

enum err resolution_get(struct db *db, struct arena *a, int64_t id, struct resolution *out)
{
    struct db_val v[] = {DBV_INT(id)};
    enum err e = db_get_one(db, a, "SELECT " RES_COLS RES_FROM "WHERE r.id = $1", v, 1, read_resolution, out);
    if (e == OK) res_overdue(out, clock_day_of(clock_now()));
    return e;
}

enum err resolution_list(struct db *db, struct arena *a, const struct resolution_filter *f,
                         struct resolution **items, int *n)
{
    int64_t today = clock_day_of(clock_now());
    struct db_val v[] = {DBV_TEXT(f->unit), DBV_TEXT(f->status), DBV_BOOL(f->overdue), DBV_INT(today),
                         DBV_INT(f->meeting_id)};
    enum err e = db_get_all(
        db, a,
        "SELECT " RES_COLS RES_FROM "WHERE (CAST($1 AS TEXT) IS NULL OR r.owner_unit = $1) AND (CAST($2 AS "
        "TEXT) IS NULL OR r.status = $2) "
        "AND (CAST($3 AS BIGINT) = 0 OR (r.status = 'open' AND r.deadline_on < $4)) "
        "AND (CAST($5 AS BIGINT) = 0 OR r.meeting_id = $5) "
        "ORDER BY CASE WHEN r.status = 'open' AND r.deadline_on < $4 THEN 0 WHEN r.status = 'open' THEN 1 "
        "ELSE 2 END, r.deadline_on, r.id LIMIT 500",
        v, DB_NPARAMS(v), read_resolution, sizeof **items, 500, (void **)items, n);
    for (int i = 0; i < *n; i++)
        res_overdue(&(*items)[i], today);
    return e;
}

static void read_update(struct db_rows *r, struct arena *a, void *item)
{
    struct resolution_update *u = item;
    u->id = db_int(r, 0);
    u->at = db_int(r, 1);
    u->event = db_text_dup(r, 2, a);
    u->text = db_text_dup(r, 3, a);
    u->unit_code = db_text_dup(r, 4, a);
    u->unit_name = db_text_dup(r, 5, a);
    u->by_name = db_isnull(r, 6) ? "system" : db_text_dup(r, 6, a);
}

enum err resolution_updates(struct db *db, struct arena *a, int64_t id, struct resolution_update **items,
                            int *n)
{
    struct db_val v[] = {DBV_INT(id)};
    return db_get_all(db, a,
                      "SELECT p.id, p.at, p.event, p.text, p.unit_code, u.name, us.username FROM "
                      "resolution_updates p LEFT JOIN units u ON u.code = p.unit_code LEFT JOIN users us ON "
                      "us.id = p.by_user WHERE p.resolution_id = $1 ORDER BY p.id",
                      v, 1, read_update, sizeof **items, 0, (void **)items, n);
}

#define NOTICE_COLS                                                                                          \
    "n.id, n.created_at, n.title, n.body, n.to_all, "                                                        \
    "(SELECT COUNT(*) FROM notice_recipients x WHERE x.notice_id = n.id), "                                  \
    "(SELECT COUNT(*) FROM notice_recipients x WHERE x.notice_id = n.id AND x.read_at IS NOT NULL) "

static void read_notice(struct db_rows *r, struct arena *a, void *item)
{
    struct notice *x = item;
    memset(x, 0, sizeof *x);
    x->id = db_int(r, 0);
    x->created_at = db_int(r, 1);
    x->title = db_text_dup(r, 2, a);
    x->body = db_text_dup(r, 3, a);
    x->to_all = db_int(r, 4) == 1;
    x->nrecipients = db_int(r, 5);
    x->nread = db_int(r, 6);
    x->read_at = db_isnull(r, 7) ? 0 : db_int(r, 7);
    x->read_by = db_text_dup(r, 8, a);
}

/* $1 id (0: any), $2 unit (NULL: the office's view, no receipt), $3 unread only. */
#define NOTICE_SELECT                                                                                        \
    "SELECT " NOTICE_COLS ", c.read_at, us.username FROM notices n "                                         \
    "LEFT JOIN notice_recipients c ON c.notice_id = n.id AND c.unit_code = $2 "                              \
    "LEFT JOIN users us ON us.id = c.read_by "                                                               \
    "WHERE (CAST($1 AS BIGINT) = 0 OR n.id = $1) AND (CAST($2 AS TEXT) IS NULL OR c.unit_code IS NOT NULL) " \
    "AND (CAST($3 AS BIGINT) = 0 OR c.read_at IS NULL) "

enum err notice_list(struct db *db, struct arena *a, const char *unit, bool unread_only,
                     struct notice **items, int *n)
{
    struct db_val v[] = {DBV_INT(0), DBV_TEXT(unit), DBV_BOOL(unit && unread_only)};
    return db_get_all(db, a, NOTICE_SELECT "ORDER BY n.created_at DESC, n.id DESC LIMIT 200", v, 3,
                      read_notice, sizeof **items, 200, (void **)items, n);
}

static void read_receipt(struct db_rows *r, struct arena *a, void *item)
{
    struct notice_receipt *x = item;
    x->unit_code = db_text_dup(r, 0, a);
    x->unit_name = db_text_dup(r, 1, a);
    x->read_at = db_isnull(r, 2) ? 0 : db_int(r, 2);
    x->read_by = db_text_dup(r, 3, a);
}

enum err notice_receipts(struct db *db, struct arena *a, int64_t id, struct notice_receipt **items, int *n)
{
    struct db_val v[] = {DBV_INT(id)};
    return db_get_all(
        db, a,
        "SELECT c.unit_code, u.name, c.read_at, us.username FROM notice_recipients c JOIN units u "
        "ON u.code = c.unit_code LEFT JOIN users us ON us.id = c.read_by WHERE c.notice_id = $1 "
        "ORDER BY u.sort, u.code",
        v, 1, read_receipt, sizeof **items, 0, (void **)items, n);
}

/* ---- Writing ------------------------------------------------------------------------------------------- */

/* The actor bits of who (NULL: the system, which acts for the office). */
static unsigned actor_of(const struct principal *who, const char *owner_unit)
{
    return who ? meeting_actor(who->role, who->unit, owner_unit) : MA_OFFICE;
}

static bool office(const struct principal *who)
{
    return !who || meeting_is_office(who->role, who->unit);
}

static struct db_val user_val(const struct principal *who)
{
    return who && who->user_id ? DBV_INT(who->user_id) : DBV_NULL;
}

/* The first and last day of the year of day. */
static void year_bounds(int64_t day, int64_t *first, int64_t *last)
{
    int y, m, d;
    days_to_date(day, &y, &m, &d);
    *first = date_to_days(y, 1, 1);
    *last = date_to_days(y, 12, 31);
}

struct op {
    const struct principal *who;
    struct arena *a;
    struct field_errors *fe;
    int fe_before;
    int64_t now, today, id;
    /* inputs */
    const struct meeting_new *mn;
    int64_t held_on, deadline_on;
    const char *text, *owner, *minutes, *title, *body;
    const char *const *codes;
    int ncodes;
    bool flag;
};

static struct op op_new(const struct principal *who, struct arena *a, struct field_errors *fe)
{
    int64_t now = clock_now();
    return (struct op){
        .who = who, .a = a, .fe = fe, .fe_before = fe ? fe->n : 0, .now = now, .today = clock_day_of(now)};
}

/* Each attempt of a transaction starts with the field errors it was given (a retried one adds none twice). */
static void fe_rewind(struct op *c)
{
    if (c->fe) c->fe->n = c->fe_before;
}

/* Unknown unit codes of c->codes into fe as field[i]. */
static enum err check_units(struct db *db, struct op *c, const char *field)
{
    for (int i = 0; i < c->ncodes; i++) {
        bool known;
        enum err e = meeting_unit_known(db, c->codes[i], &known, NULL);
        if (e != OK) return e;
        if (!known) fe_addf(c->fe, arena_printf(c->a, "%s[%d]", field, i), "%s", "未知的单位");
    }
    return OK;
}

static enum err tx_meeting_create(struct db *db, void *ctx)
{
    struct op *c = ctx;
    fe_rewind(c);
    const struct meeting_new *in = c->mn;
    enum err e = check_units(db, c, "units");
    if (e != OK) return e;
    int64_t first, last, n = 0;
    year_bounds(in->held_on, &first, &last);
    struct db_val yv[] = {DBV_INT(first), DBV_INT(last)};
    e = db_int_query(
        db, "SELECT COUNT(*) FROM meetings WHERE kind = 'plenary' AND held_on >= $1 AND held_on <= $2", yv, 2,
        &n);
    if (e != OK) return e;
    const char *problem = meeting_plenary_problem(in->kind, n);
    if (problem) fe_add(c->fe, "kind", problem);
    if (c->fe->n > c->fe_before) return ERR_VALIDATION;
    struct db_val v[] = {DBV_TEXT(meeting_kind_names[in->kind]),
                         DBV_TEXT(in->title),
                         DBV_INT(in->held_on),
                         DBV_TEXT(in->location),
                         DBV_TEXT(in->agenda),
                         DBV_INT(c->now),
                         user_val(c->who)};
    e = db_int_query(
        db,
        "INSERT INTO meetings (kind, title, held_on, location, agenda, status, created_at, created_by, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, 'planned', $6, $7, $6) RETURNING id",
        v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    if (in->nunits == 0 && in->kind == MK_PLENARY) {
        struct db_val w[] = {DBV_INT(c->id)};
        e = db_exec(db,
                    "INSERT INTO meeting_attendees (meeting_id, unit_code) SELECT $1, code FROM units WHERE "
                    "member = 1",
                    w, 1);
        if (e != OK) return e;
    }
    for (int i = 0; i < in->nunits; i++) {
        struct db_val w[] = {DBV_INT(c->id), DBV_TEXT(in->units[i])};
        e = db_exec(db,
                    "INSERT INTO meeting_attendees (meeting_id, unit_code) VALUES ($1, $2) ON CONFLICT "
                    "(meeting_id, unit_code) DO NOTHING",
                    w, 2);
        if (e != OK) return e;
    }
    char day[11];
    json_t *after = json_pack("{s:s, s:s, s:s, s:i}", "kind", meeting_kind_names[in->kind], "title",
                              in->title, "held_on", date_format(in->held_on, day), "units", in->nunits);
    return audit_append(db, c->who, "meeting.create", "meeting", c->id, NULL, json_text(c->a, after));
}

enum err meeting_create(struct db *db, struct arena *a, const struct principal *who,
                        const struct meeting_new *in, int64_t today, struct field_errors *fe,
                        struct meeting *out)
{
    (void)today;
    if (!office(who)) return ERR_FORBIDDEN;
    struct op c = op_new(who, a, fe);
    c.mn = in;
    c.codes = in->units;
    c.ncodes = in->nunits;
    enum err e = db_tx(db, tx_meeting_create, &c);
    if (e != ERR_VALIDATION) fe->n = c.fe_before;
    if (e != OK) return e;
    return meeting_get(db, a, c.id, out);
}

static enum err tx_meeting_record(struct db *db, void *ctx)
{
    struct op *c = ctx;
    fe_rewind(c);
    struct meeting m;
    enum err e = meeting_get(db, c->a, c->id, &m);
    if (e != OK) return e;
    e = meeting_check(meeting_name_index(meeting_status_names, m.status), MEV_RECORD, actor_of(c->who, NULL),
                      NULL);
    if (e != OK) return e;
    for (int i = 0; i < c->ncodes; i++) {
        bool invited = false;
        for (int j = 0; j < m.nunits && !invited; j++)
            invited = strcmp(m.units[j].code, c->codes[i]) == 0;
        if (!invited) fe_addf(c->fe, arena_printf(c->a, "attended[%d]", i), "%s", "该单位不在参会单位之列");
    }
    if (c->fe->n > c->fe_before) return ERR_VALIDATION;
    int64_t first, last, seq = 0;
    year_bounds(c->held_on, &first, &last);
    struct db_val yv[] = {DBV_INT(first), DBV_INT(last)};
    e = db_int_query(
        db,
        "SELECT COALESCE(MAX(year_seq), 0) FROM meetings WHERE status = 'held' AND held_on >= $1 AND "
        "held_on <= $2",
        yv, 2, &seq);
    if (e != OK) return e;
    struct db_val v[] = {DBV_INT(c->id),  DBV_INT(c->held_on), DBV_TEXT(c->minutes), DBV_INT(seq + 1),
                         DBV_INT(c->now), user_val(c->who),    DBV_INT(m.version)};
    e = db_exec(
        db,
        "UPDATE meetings SET status = 'held', held_on = $2, minutes = $3, year_seq = $4, recorded_at = $5, "
        "recorded_by = $6, updated_at = $5, version = version + 1 WHERE id = $1 AND version = $7",
        v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    struct db_val w[] = {DBV_INT(c->id)};
    e = db_exec(db, "UPDATE meeting_attendees SET attended = 0 WHERE meeting_id = $1", w, 1);
    for (int i = 0; e == OK && i < c->ncodes; i++) {
        struct db_val x[] = {DBV_INT(c->id), DBV_TEXT(c->codes[i])};
        e = db_exec(db, "UPDATE meeting_attendees SET attended = 1 WHERE meeting_id = $1 AND unit_code = $2",
                    x, 2);
    }
    if (e != OK) return e;
    char day[11];
    json_t *after =
        json_pack("{s:s, s:s, s:i, s:I}", "status", "held", "held_on", date_format(c->held_on, day),
                  "attended", c->ncodes, "year_seq", (json_int_t)(seq + 1));
    return audit_append(db, c->who, "meeting.record", "meeting", c->id,
                        json_text(c->a, json_pack("{s:s}", "status", m.status)), json_text(c->a, after));
}

enum err meeting_record(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                        int64_t held_on, const char *minutes, const char *const *attended, int nattended,
                        int64_t today, struct field_errors *fe, struct meeting *out)
{
    (void)today;
    struct op c = op_new(who, a, fe);
    c.id = id;
    c.held_on = held_on;
    c.minutes = minutes;
    c.codes = attended;
    c.ncodes = nattended;
    enum err e = db_tx(db, tx_meeting_record, &c);
    if (e != ERR_VALIDATION) fe->n = c.fe_before;
    if (e != OK) return e;
    return meeting_get(db, a, id, out);
}

static enum err tx_resolution_create(struct db *db, void *ctx)
{
    struct op *c = ctx;
    fe_rewind(c);
    struct meeting m;
    enum err e = meeting_get(db, c->a, c->id, &m);
    if (e != OK) return e;
    e = meeting_check(meeting_name_index(meeting_status_names, m.status), MEV_RESOLVE, actor_of(c->who, NULL),
                      NULL);
    if (e != OK) return e;
    bool known;
    e = meeting_unit_known(db, c->owner, &known, NULL);
    if (e != OK) return e;
    if (!known) fe_add(c->fe, "owner_unit", "未知的单位");
    const char *problem = resolution_deadline_problem(c->deadline_on, m.held_on);
    if (problem) fe_add(c->fe, "deadline_on", problem);
    if (c->fe->n > c->fe_before) return ERR_VALIDATION;
    int64_t seq = 0;
    struct db_val mv[] = {DBV_INT(m.id)};
    e = db_int_query(db, "SELECT COALESCE(MAX(seq), 0) FROM resolutions WHERE meeting_id = $1", mv, 1, &seq);
    if (e != OK) return e;
    seq++;
    const char *number = resolution_number(c->a, m.held_on, m.year_seq, seq);
    struct db_val v[] = {DBV_INT(m.id),      DBV_TEXT(number),        DBV_INT(seq),    DBV_TEXT(c->text),
                         DBV_TEXT(c->owner), DBV_INT(c->deadline_on), DBV_INT(c->now), user_val(c->who)};
    int64_t rid;
    e = db_int_query(
        db,
        "INSERT INTO resolutions (meeting_id, number, seq, text, owner_unit, deadline_on, status, "
        "created_at, created_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $7) "
        "RETURNING id",
        v, DB_NPARAMS(v), &rid);
    if (e != OK) return e;
    c->id = rid;
    char day[11];
    json_t *after = json_pack("{s:s, s:s, s:s, s:I}", "number", number, "owner_unit", c->owner, "deadline_on",
                              date_format(c->deadline_on, day), "meeting_id", (json_int_t)m.id);
    return audit_append(db, c->who, "resolution.create", "resolution", rid, NULL, json_text(c->a, after));
}

enum err resolution_create(struct db *db, struct arena *a, const struct principal *who, int64_t meeting_id,
                           const char *text, const char *owner_unit, int64_t deadline_on,
                           struct field_errors *fe, struct resolution *out)
{
    struct op c = op_new(who, a, fe);
    c.id = meeting_id;
    c.text = text;
    c.owner = owner_unit;
    c.deadline_on = deadline_on;
    enum err e = db_tx(db, tx_resolution_create, &c);
    if (e != ERR_VALIDATION) fe->n = c.fe_before;
    if (e != OK) return e;
    return resolution_get(db, a, c.id, out);
}

/* A follow-up (c->flag: done) or, with c->owner == "reopen", the office's reopening. */
static enum err tx_resolution_move(struct db *db, void *ctx)
{
    struct op *c = ctx;
    struct resolution x;
    enum err e = resolution_get(db, c->a, c->id, &x);
    if (e != OK) return e;
    bool reopen = c->owner && strcmp(c->owner, "reopen") == 0;
    int event = reopen ? MEV_REOPEN : c->flag ? MEV_DONE : MEV_UPDATE, to;
    e = resolution_check(meeting_name_index(resolution_status_names, x.status), event,
                         actor_of(c->who, x.owner_unit), &to);
    if (e != OK) return e;
    struct db_val v[] = {DBV_INT(x.id), DBV_TEXT(resolution_status_names[to]),
                         to == RES_DONE ? DBV_INT(c->today) : DBV_NULL, DBV_INT(c->now), DBV_INT(x.version)};
    e = db_exec(
        db,
        "UPDATE resolutions SET status = $2, done_on = $3, updated_at = $4, version = version + 1 WHERE "
        "id = $1 AND version = $5",
        v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    const char *unit = c->who ? c->who->unit : MEETING_OFFICE_UNIT;
    struct db_val w[] = {DBV_INT(x.id),
                         DBV_TEXT(meeting_event_names[event]),
                         DBV_TEXT(c->text ? c->text : ""),
                         DBV_TEXT(unit),
                         DBV_INT(c->now),
                         user_val(c->who)};
    e = db_exec(
        db,
        "INSERT INTO resolution_updates (resolution_id, event, text, unit_code, at, by_user) VALUES ($1, "
        "$2, $3, $4, $5, $6)",
        w, DB_NPARAMS(w));
    if (e != OK) return e;
    char action[40];
    snprintf(action, sizeof action, "resolution.%s", meeting_event_names[event]);
    return audit_append(db, c->who, action, "resolution", x.id,
                        json_text(c->a, json_pack("{s:s}", "status", x.status)),
                        json_text(c->a, json_pack("{s:s}", "status", resolution_status_names[to])));
}

enum err resolution_follow_up(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                              const char *text, bool done, int64_t today, struct resolution *out)
{
    struct op c = op_new(who, a, NULL);
    c.id = id;
    c.text = text;
    c.flag = done;
    c.today = today;
    enum err e = db_tx(db, tx_resolution_move, &c);
    return e != OK ? e : resolution_get(db, a, id, out);
}

enum err resolution_reopen(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                           const char *text, struct resolution *out)
{
    struct op c = op_new(who, a, NULL);
    c.id = id;
    c.text = text;
    c.owner = "reopen";
    enum err e = db_tx(db, tx_resolution_move, &c);
    return e != OK ? e : resolution_get(db, a, id, out);
}

static enum err notice_read(struct db *db, struct arena *a, int64_t id, const char *unit, struct notice *out)
{
    struct db_val v[] = {DBV_INT(id), DBV_TEXT(unit), DBV_INT(0)};
    return db_get_one(db, a, NOTICE_SELECT, v, 3, read_notice, out);
}

static enum err tx_notice_create(struct db *db, void *ctx)
{
    struct op *c = ctx;
    fe_rewind(c);
    enum err e = check_units(db, c, "units");
    if (e != OK) return e;
    if (c->fe->n > c->fe_before) return ERR_VALIDATION;
    struct db_val v[] = {DBV_TEXT(c->title), DBV_TEXT(c->body), DBV_BOOL(c->flag), DBV_INT(c->now),
                         user_val(c->who)};
    e = db_int_query(
        db,
        "INSERT INTO notices (title, body, to_all, created_at, created_by) VALUES ($1, $2, $3, $4, "
        "$5) RETURNING id",
        v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    if (c->flag) {
        struct db_val w[] = {DBV_INT(c->id)};
        e = db_exec(db,
                    "INSERT INTO notice_recipients (notice_id, unit_code) SELECT $1, code FROM units WHERE "
                    "member = 1 AND office = 0",
                    w, 1);
    }
    for (int i = 0; e == OK && !c->flag && i < c->ncodes; i++) {
        struct db_val w[] = {DBV_INT(c->id), DBV_TEXT(c->codes[i])};
        e = db_exec(db,
                    "INSERT INTO notice_recipients (notice_id, unit_code) VALUES ($1, $2) ON CONFLICT "
                    "(notice_id, unit_code) DO NOTHING",
                    w, 2);
    }
    if (e != OK) return e;
    json_t *after = json_pack("{s:s, s:b, s:i}", "title", c->title, "to_all", c->flag, "units", c->ncodes);
    return audit_append(db, c->who, "notice.create", "notice", c->id, NULL, json_text(c->a, after));
}

enum err notice_create(struct db *db, struct arena *a, const struct principal *who, const char *title,
                       const char *body, bool to_all, const char *const *units, int nunits,
                       struct field_errors *fe, struct notice *out)
{
    if (!office(who)) return ERR_FORBIDDEN;
    struct op c = op_new(who, a, fe);
    c.title = title;
    c.body = body;
    c.flag = to_all;
    c.codes = to_all ? NULL : units;
    c.ncodes = to_all ? 0 : nunits;
    enum err e = db_tx(db, tx_notice_create, &c);
    if (e != ERR_VALIDATION) fe->n = c.fe_before;
    if (e != OK) return e;
    return notice_read(db, a, c.id, NULL, out);
}

static enum err tx_notice_mark(struct db *db, void *ctx)
{
    struct op *c = ctx;
    struct db_val v[] = {DBV_INT(c->id), DBV_TEXT(c->owner), DBV_INT(c->now), user_val(c->who)};
    enum err e = db_exec(db,
                         "UPDATE notice_recipients SET read_at = $3, read_by = $4 WHERE notice_id = $1 AND "
                         "unit_code = $2 AND read_at IS NULL",
                         v, DB_NPARAMS(v));
    if (e != OK || db_changes(db) != 1) return e;
    return audit_append(db, c->who, "notice.read", "notice", c->id, NULL,
                        json_text(c->a, json_pack("{s:s}", "unit", c->owner)));
}

enum err notice_get(struct db *db, struct arena *a, const struct principal *who, int64_t id, const char *unit,
                    bool mark, struct notice *out)
{
    enum err e = notice_read(db, a, id, unit, out);
    if (e != OK || !unit || !mark || out->read_at) return e;
    struct op c = op_new(who, a, NULL);
    c.id = id;
    c.owner = unit;
    e = db_tx(db, tx_notice_mark, &c);
    return e != OK ? e : notice_read(db, a, id, unit, out);
}

/* ---- Demo ---------------------------------------------------------------------------------------------- */

enum err meeting_demo_load(struct db *db, struct arena *a)
{
    struct field_errors fe;
    fe_init(&fe, a);
    int64_t today = clock_day_of(clock_now());
    int y, mo, d;
    days_to_date(today, &y, &mo, &d);
    /* The plenary meeting of this year: early in the year, or 40 days ago in January and February. */
    int64_t held = date_to_days(y, 3, 6);
    if (held > today - 40) held = today - 40;
    static const char *const attended[] = {
        "health_commission", "development_reform",         "education",        "civil_affairs", "finance",
        "human_resources",   "natural_resources_planning", "market_regulation"};
    struct meeting_new pm = {.kind = MK_PLENARY,
                             .title = arena_printf(a, "十堰市托育服务工作联席会议 %d 年第一次全体会议", y),
                             .location = "市卫健委三楼会议室",
                             .agenda =
                                 "一、通报全市托育服务发展和备案情况；二、审议年度工作要点；三、部署普惠托育"
                                 "扩容和安全监管工作。",
                             .held_on = held};
    struct meeting m;
    enum err e = meeting_create(db, a, NULL, &pm, today, &fe, &m);
    int natt = 0;
    const char *codes[8];
    for (int i = 0; i < 8; i++) {
        bool known;
        if (e == OK) e = meeting_unit_known(db, attended[i], &known, NULL);
        if (e == OK && known) codes[natt++] = attended[i];
    }
    if (e == OK)
        e = meeting_record(
            db, a, NULL, m.id, held,
            "会议听取了市卫健委关于全市托育服务发展情况的汇报，审议通过年度工作要点。会议要求各成员"
            "单位按照职责分工，加快普惠托育服务扩容，落实用地、用房、税费和人才政策，强化安全监管，"
            "确保完成每千人口托位数目标。",
            codes, natt, today, &fe, &m);
    struct {
        const char *owner, *text;
        int64_t deadline;
        bool done;
    } items[] = {
        {"health_commission", "牵头制定年度普惠托育服务扩容实施方案，报联席会议审定。", held + 45, true},
        {"education", "指导公办幼儿园新增托班，年内开设托班的幼儿园数量较上年增加。", held + 20, false},
        {"civil_affairs", "依托社区综合服务设施拓展婴幼儿照护服务功能，梳理可用场地清单。", today + 60,
         false},
        {"human_resources", "将保育员、育婴员纳入职业技能培训计划，落实培训补贴政策。", today + 90, false},
        {"county_zhangwan", "张湾区完成托育机构布局规划编制并报市联席会议办公室备案。", today + 30, false},
    };
    for (size_t i = 0; e == OK && i < sizeof items / sizeof items[0]; i++) {
        bool known;
        e = meeting_unit_known(db, items[i].owner, &known, NULL);
        if (e != OK || !known) continue;
        struct resolution x;
        e = resolution_create(db, a, NULL, m.id, items[i].text, items[i].owner, items[i].deadline, &fe, &x);
        if (e == OK && items[i].done)
            e = resolution_follow_up(db, a, NULL, x.id, "实施方案已经联席会议审定印发。", true, held + 30,
                                     &x);
        else if (e == OK && i == 1)
            e = resolution_follow_up(
                db, a, NULL, x.id, "已摸排具备条件的公办幼儿园 12 所，正在制定开班计划。", false, today, &x);
    }
    static const char *const topic_units[] = {"health_commission", "education", "market_regulation",
                                              "fire_rescue"};
    const char *tunits[4];
    int nt = 0;
    for (int i = 0; e == OK && i < 4; i++) {
        bool known;
        e = meeting_unit_known(db, topic_units[i], &known, NULL);
        if (e == OK && known) tunits[nt++] = topic_units[i];
    }
    struct meeting_new tm = {.kind = MK_TOPIC,
                             .title = "托育机构安全监管专题会议",
                             .location = "市卫健委五楼会议室",
                             .agenda = "研究托育机构消防、食品安全联合检查工作安排。",
                             .held_on = today + 14,
                             .units = tunits,
                             .nunits = nt};
    if (e == OK) e = meeting_create(db, a, NULL, &tm, today, &fe, &m);
    struct notice n1, n2;
    if (e == OK)
        e = notice_create(db, a, NULL, "关于报送第一季度托育服务工作进展的通知",
                          "请各成员单位于季度末前报送本单位承担任务的进展情况和佐证材料。", true, NULL, 0,
                          &fe, &n1);
    static const char *const n2units[] = {"education", "civil_affairs", "county_zhangwan"};
    if (e == OK)
        e = notice_create(db, a, NULL, "普惠托育服务扩容工作推进情况通报",
                          "截至目前，全市备案托育机构数量稳步增长，请相关单位加快落实议定事项。", false,
                          n2units, 3, &fe, &n2);
    /* Some units have read the first notice. */
    static const char *const readers[] = {"education", "human_resources", "finance"};
    for (int i = 0; e == OK && i < 3; i++) {
        /* Read by the unit's first officer when it has one (the demo's accounts), else by the system. */
        struct principal reader = {.role = ROLE_UNIT, .unit = readers[i]};
        struct db_val v[] = {DBV_TEXT(readers[i])};
        struct db_rows *rows;
        e = db_query(db, "SELECT id, username FROM users WHERE unit_code = $1 ORDER BY id LIMIT 1", v, 1,
                     &rows);
        if (e != OK) break;
        if (db_next(rows) == 1) {
            reader.user_id = db_int(rows, 0);
            reader.username = db_text_dup(rows, 1, a);
        }
        db_done(rows);
        struct op c = op_new(reader.user_id ? &reader : NULL, a, NULL);
        c.id = n1.id;
        c.owner = readers[i];
        e = db_tx(db, tx_notice_mark, &c);
    }
    if (e == ERR_VALIDATION && fe.n)
        fprintf(stderr, "meeting demo: %s: %s\n", fe.items[0].field, fe.items[0].message);
    return e;
}
