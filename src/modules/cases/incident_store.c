/* Incidents and their SQL. Each write is one transaction with its audit entry; the workflow move is judged by
 * the transition table against the row read inside the same transaction. */
#include "core/clock.h"
#include "modules/institution/inst.h"
#include "modules/cases/cases.h"

#include <stdio.h>
#include <string.h>

/* ---- Shared by the stores ------------------------------------------------------------------------------ */

/* ---- Reading ------------------------------------------------------------------------------------------- */

#define INC_COLS                                                                                             \
    "c.id, c.institution_id, c.occurred_at, c.reported_at, c.children_affected, c.closed_at, c.version, "    \
    "c.deadline_hours, c.late, c.substantiated, i.name, c.district_code, d.name, c.type, c.severity, "       \
    "c.status, c.description, c.actions_taken, c.conclusion"
#define INC_FROM                                                                                             \
    " FROM incidents c JOIN institutions i ON i.id = c.institution_id JOIN districts d ON d.code = "         \
    "c.district_code "

static void read_incident(struct db_rows *r, struct arena *a, void *item)
{
    struct incident_row *o = item;
    memset(o, 0, sizeof *o);
    o->id = db_int(r, 0);
    o->institution_id = db_int(r, 1);
    o->occurred_at = db_int(r, 2);
    o->reported_at = db_int(r, 3);
    o->children_affected = db_int(r, 4);
    o->closed_at = db_isnull(r, 5) ? 0 : db_int(r, 5);
    o->version = db_int(r, 6);
    o->deadline_hours = (int)db_int(r, 7);
    o->late = db_int(r, 8) != 0;
    o->substantiated = db_isnull(r, 9) ? -1 : (int)db_int(r, 9);
    o->institution_name = db_text_dup(r, 10, a);
    o->district_code = db_text_dup(r, 11, a);
    o->district_name = db_text_dup(r, 12, a);
    o->type = db_text_dup(r, 13, a);
    o->severity = db_text_dup(r, 14, a);
    o->status = db_text_dup(r, 15, a);
    o->description = db_text_dup(r, 16, a);
    o->actions_taken = db_text_dup(r, 17, a);
    o->conclusion = db_text_dup(r, 18, a);
}

static void read_note(struct db_rows *r, struct arena *a, void *item)
{
    struct incident_note *o = item;
    o->kind = db_text_dup(r, 0, a);
    o->text = db_text_dup(r, 1, a);
    o->at = db_int(r, 2);
    o->by = db_isnull(r, 3) ? "system" : db_text_dup(r, 3, a);
}

enum err incident_get(struct db *db, struct arena *a, int64_t id, struct incident_row *out)
{
    struct db_val v[] = {DBV_INT(id)};
    enum err e = db_get_one(db, a, "SELECT " INC_COLS INC_FROM "WHERE c.id = $1", v, 1, read_incident, out);
    if (e != OK) return e;
    return db_get_all(
        db, a,
        "SELECT n.kind, n.text, n.at, u.username FROM incident_notes n LEFT JOIN users u ON u.id = "
        "n.by_user WHERE n.incident_id = $1 ORDER BY n.id",
        v, 1, read_note, sizeof *out->notes, 0, (void **)&out->notes, &out->nnotes);
}

#define INC_WHERE                                                                                            \
    "WHERE (CAST($1 AS TEXT) IS NULL OR c.district_code = $1) AND (CAST($2 AS TEXT) IS NULL OR c.type = "    \
    "$2) "                                                                                                   \
    "AND (CAST($3 AS TEXT) IS NULL OR c.severity = $3) AND (CAST($4 AS TEXT) IS NULL OR c.status = $4) "     \
    "AND (CAST($5 AS BIGINT) = 0 OR c.institution_id = $5) AND (CAST($6 AS BIGINT) < 0 OR c.late = $6) "     \
    "AND (CAST($7 AS BIGINT) = 0 OR c.occurred_at >= $7) AND (CAST($8 AS BIGINT) = 0 OR c.occurred_at < "    \
    "$8) "

enum err incident_list(struct db *db, struct arena *a, const struct incident_filter *f,
                       struct incident_row **items, int *n, int64_t *total)
{
    int per = f->per_page > 0 && f->per_page <= 200 ? f->per_page : 50;
    int page = f->page >= 1 && f->page <= 100000 ? f->page : 1;
    struct db_val v[] = {DBV_TEXT(f->district),
                         DBV_TEXT(f->type),
                         DBV_TEXT(f->severity),
                         DBV_TEXT(f->status),
                         DBV_INT(f->institution_id),
                         DBV_INT(f->late),
                         DBV_INT(f->from),
                         DBV_INT(f->to),
                         DBV_INT(per),
                         DBV_INT((int64_t)(page - 1) * per)};
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM incidents c " INC_WHERE, v, 8, total);
    if (e != OK) return e;
    return db_get_all(db, a,
                      "SELECT " INC_COLS INC_FROM INC_WHERE
                      "ORDER BY c.occurred_at DESC, c.id DESC LIMIT $9 OFFSET $10",
                      v, DB_NPARAMS(v), read_incident, sizeof **items, per, (void **)items, n);
}

/* ---- Reporting ----------------------------------------------------------------------------------------- */

struct report_ctx {
    const struct principal *who;
    int64_t inst_id;
    const struct incident_input *in;
    int64_t reported_at, id;
};

static enum err report_tx(struct db *db, void *p)
{
    struct report_ctx *c = p;
    char district[16];
    enum err e = inst_district_code(db, c->inst_id, district);
    if (e != OK) return e;
    if (incident_transition(IS_NONE, IEV_REPORT, c->who ? c->who->role : ROLE_OPERATOR) != IS_REPORTED)
        return ERR_FORBIDDEN;
    const struct incident_input *in = c->in;
    int hours = incident_deadline_hours(in->type, in->severity);
    bool late = incident_is_late(in->type, in->severity, in->occurred_at, c->reported_at);
    struct db_val v[] = {DBV_INT(c->inst_id),
                         DBV_TEXT(district),
                         DBV_TEXT(incident_type_names[in->type]),
                         DBV_TEXT(incident_severity_names[in->severity]),
                         DBV_INT(in->occurred_at),
                         DBV_INT(c->reported_at),
                         DBV_INT(hours),
                         DBV_BOOL(late),
                         DBV_INT(in->children_affected),
                         DBV_TEXT(in->description),
                         DBV_TEXT(in->actions_taken),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    e = db_int_query(
        db,
        "INSERT INTO incidents (institution_id, district_code, type, severity, occurred_at, "
        "reported_at, deadline_hours, late, children_affected, description, actions_taken, status, "
        "reported_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'reported', "
        "$12, $6) RETURNING id",
        v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    char after[256];
    snprintf(after, sizeof after,
             "{\"children_affected\":%lld,\"institution_id\":%lld,\"late\":%s,\"severity\":\"%s\","
             "\"type\":\"%s\"}",
             (long long)in->children_affected, (long long)c->inst_id, late ? "true" : "false",
             incident_severity_names[in->severity], incident_type_names[in->type]);
    return audit_append(db, c->who, "incident.report", "incident", c->id, NULL, after);
}

enum err incident_report(struct db *db, const struct principal *who, int64_t inst_id,
                         const struct incident_input *in, int64_t reported_at, struct field_errors *fe,
                         int64_t *id)
{
    int64_t now = reported_at ? reported_at : clock_now();
    if (in->type < 0 || in->type >= IT__COUNT) fe_add(fe, "type", "未知的事件类型");
    if (in->severity < 0 || in->severity >= ISEV__COUNT) fe_add(fe, "severity", "未知的严重程度");
    if (in->occurred_at <= 0)
        fe_add(fe, "occurred_at", "请填写发生时间");
    else if (in->occurred_at > now + 300)
        fe_add(fe, "occurred_at", "发生时间不能晚于报告时间");
    else if (in->occurred_at < now - 366LL * 86400)
        fe_add(fe, "occurred_at", "发生时间不能早于一年前");
    if (in->children_affected < 0 || in->children_affected > 1000)
        fe_add(fe, "children_affected", "涉及幼儿人数应为 0–1000");
    if (!in->description || utf8_chars(in->description) < 5 || utf8_chars(in->description) > 4000)
        fe_add(fe, "description", "事件经过应为 5–4000 字");
    if (!in->actions_taken || utf8_chars(in->actions_taken) < 2 || utf8_chars(in->actions_taken) > 4000)
        fe_add(fe, "actions_taken", "已采取的措施应为 2–4000 字");
    if (fe->n) return ERR_VALIDATION;
    struct report_ctx c = {who, inst_id, in, now, 0};
    enum err e = db_tx(db, report_tx, &c);
    if (e == OK && id) *id = c.id;
    return e;
}

/* ---- Following up and closing -------------------------------------------------------------------------- */

struct move_ctx {
    const struct principal *who;
    int64_t id;
    int event;
    const char *text;
    int substantiated;
    struct field_errors *fe;
    int64_t at;
};

/* The workflow state of an incident: indexes into incident_status_names and incident_type_names (-1:
 * unknown). */
struct incident_state {
    int status, type;
};

static void read_state(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    struct incident_state *o = item;
    o->status = cases_name_index(incident_status_names, db_text(r, 0));
    o->type = cases_name_index(incident_type_names, db_text(r, 1));
}

static enum err move_tx(struct db *db, void *p)
{
    struct move_ctx *c = p;
    struct db_val iv[] = {DBV_INT(c->id)};
    struct incident_state cur;
    enum err e =
        db_get_one(db, NULL, "SELECT status, type FROM incidents WHERE id = $1", iv, 1, read_state, &cur);
    if (e != OK) return e;
    int from = cur.status, type = cur.type;
    int to = from < 0 ? -1 : incident_transition(from, c->event, c->who ? c->who->role : ROLE_CITY);
    if (to < 0) return ERR_STATE;
    if (c->event == IEV_CLOSE) {
        if (type == IT_SUSPECTED_ABUSE && c->substantiated < 0)
            fe_add(c->fe, "substantiated", "疑似虐童事件结案时必须说明是否查实");
        if (type != IT_SUSPECTED_ABUSE && c->substantiated >= 0)
            fe_add(c->fe, "substantiated", "只有疑似虐童事件填写是否查实");
        if (c->fe->n) return ERR_VALIDATION;
    }
    int64_t now = c->at ? c->at : clock_now();
    struct db_val nv[] = {DBV_INT(c->id), DBV_TEXT(c->event == IEV_CLOSE ? "close" : "note"),
                          DBV_TEXT(c->text), DBV_INT(now), c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    e = db_exec(
        db, "INSERT INTO incident_notes (incident_id, kind, text, at, by_user) VALUES ($1, $2, $3, $4, $5)",
        nv, DB_NPARAMS(nv));
    if (e != OK) return e;
    if (c->event == IEV_CLOSE) {
        struct db_val v[] = {DBV_INT(c->id), DBV_TEXT(c->text),
                             c->substantiated >= 0 ? DBV_INT(c->substantiated) : DBV_NULL, DBV_INT(now),
                             c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
        e = db_exec(
            db,
            "UPDATE incidents SET status = 'closed', conclusion = $2, substantiated = $3, closed_at = $4, "
            "closed_by = $5, updated_at = $4, version = version + 1 WHERE id = $1",
            v, DB_NPARAMS(v));
    } else {
        struct db_val v[] = {DBV_INT(c->id), DBV_TEXT(incident_status_names[to]), DBV_INT(now)};
        e = db_exec(db,
                    "UPDATE incidents SET status = $2, updated_at = $3, version = version + 1 WHERE id = $1",
                    v, 3);
    }
    if (e != OK) return e;
    char before[64], after[128];
    snprintf(before, sizeof before, "{\"status\":\"%s\"}", incident_status_names[from]);
    snprintf(after, sizeof after, "{\"status\":\"%s\",\"substantiated\":%s}", incident_status_names[to],
             c->substantiated < 0 ? "null"
             : c->substantiated   ? "true"
                                  : "false");
    return audit_append(db, c->who, c->event == IEV_CLOSE ? "incident.close" : "incident.note", "incident",
                        c->id, before, after);
}

enum err incident_follow_up(struct db *db, const struct principal *who, int64_t id, const char *text,
                            int64_t at)
{
    struct move_ctx c = {who,  id, IEV_FOLLOW_UP, text, -1,
                         NULL, at}; /* a note has nothing to refuse by field */
    return db_tx(db, move_tx, &c);
}

enum err incident_close(struct db *db, const struct principal *who, int64_t id, const char *conclusion,
                        int substantiated, int64_t at, struct field_errors *fe)
{
    int before = fe->n;
    struct move_ctx c = {who, id, IEV_CLOSE, conclusion, substantiated, fe, at};
    enum err e = db_tx(db, move_tx, &c);
    if (e != ERR_VALIDATION) fe->n = before; /* errors of a retried attempt do not count */
    return e;
}

/* ---- Public statistics -----------------------------------------------------------------------------------
 */

static void read_stat(struct db_rows *r, struct arena *a, void *item)
{
    struct incident_stat *o = item;
    o->district_code = db_text_dup(r, 0, a);
    o->district_name = db_text_dup(r, 1, a);
    o->serious_injuries = db_int(r, 2);
    o->deaths = db_int(r, 3);
    o->substantiated_abuse = db_int(r, 4);
    o->total = db_int(r, 5);
}

enum err incident_stats(struct db *db, struct arena *a, int year, struct incident_stat **rows, int *n)
{
    int64_t from = clock_day_start(date_to_days(year, 1, 1));
    int64_t to = clock_day_start(date_to_days(year + 1, 1, 1));
    struct db_val v[] = {DBV_INT(from), DBV_INT(to)};
    /* Serious injuries and deaths count as reported; abuse counts only once an official has closed the case
     * as substantiated, as the yearly reports required of US states do. */
    return db_get_all(
        db, a,
        "SELECT d.code, d.name, "
        "COALESCE(SUM(CASE WHEN c.type = 'injury' AND c.severity = 'serious' THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN c.severity = 'death' THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN c.type = 'suspected_abuse' AND c.status = 'closed' AND "
        "c.substantiated = 1 THEN 1 ELSE 0 END), 0), COUNT(c.id) "
        "FROM districts d LEFT JOIN incidents c ON c.district_code = d.code AND c.occurred_at >= $1 "
        "AND c.occurred_at < $2 GROUP BY d.code, d.name, d.sort ORDER BY d.sort",
        v, 2, read_stat, sizeof **rows, 0, (void **)rows, n);
}
