/* The SQL of family guidance: experts, events, sign-ups (sealed contacts, the capacity checked inside the
 * write transaction), articles, and the families-reached counts. Each write is one transaction with its audit
 * entry; audit entries never hold a guardian's name or phone. */
#include "modules/guidance/guidance.h"

#include "auth/pii.h"
#include "core/clock.h"
#include "modules/institution/inst.h"

#include <jansson.h>

#include <sodium.h>
#include <string.h>

static int64_t int_or(struct db_rows *r, int c, int64_t def)
{
    return db_isnull(r, c) ? def : db_int(r, c);
}

/* The first second of year y and of the next year (CST). */
static void year_range(int year, int64_t *from, int64_t *to)
{
    *from = clock_day_start(date_to_days(year, 1, 1));
    *to = clock_day_start(date_to_days(year + 1, 1, 1));
}

#define LIVE_SIGNUPS(ev)                                                                                     \
    "(SELECT COUNT(*) FROM guidance_signups s WHERE s.event_id = " ev " AND s.cancelled_at IS NULL)"

/* ---- For the county assessment ------------------------------------------------------------------------- */

enum err guidance_families_reached(struct db *db, const char *district, int year, int64_t *n)
{
    int64_t from, to;
    year_range(year, &from, &to);
    struct db_val v[] = {DBV_TEXT(district), DBV_INT(from), DBV_INT(to)};
    *n = 0;
    return db_int_query(
        db,
        "SELECT CAST(COALESCE(SUM(CASE WHEN e.attended IS NOT NULL THEN e.attended "
        "ELSE " LIVE_SIGNUPS("e.id") " END), 0) AS BIGINT) FROM guidance_events e "
                                     "WHERE e.status = 'done' AND e.starts_at >= $2 AND e.starts_at < $3 "
                                     "AND (CAST($1 AS TEXT) IS NULL OR e.district_code = $1)",
        v, DB_NPARAMS(v), n);
}

static void read_district_count(struct db_rows *r, struct arena *a, void *item)
{
    struct district_count *c = item;
    c->code = db_text_dup(r, 0, a);
    c->n = db_int(r, 1);
}

enum err guidance_families_by_district(struct db *db, struct arena *a, int year, struct district_count **rows,
                                       int *n)
{
    int64_t from, to;
    year_range(year, &from, &to);
    struct db_val v[] = {DBV_INT(from), DBV_INT(to)};
    return db_get_all(db, a,
                      "SELECT e.district_code, CAST(COALESCE(SUM(CASE WHEN e.attended IS NOT NULL THEN "
                      "e.attended ELSE " LIVE_SIGNUPS("e.id") " END), 0) AS BIGINT) FROM guidance_events e "
                                                              "WHERE e.status = 'done' AND e.starts_at >= $1 "
                                                              "AND e.starts_at < $2 GROUP BY e.district_code",
                      v, DB_NPARAMS(v), read_district_count, sizeof **rows, 0, (void **)rows, n);
}

static void read_reach(struct db_rows *r, struct arena *a, void *item)
{
    struct greach_row *x = item;
    x->district_code = db_text_dup(r, 0, a);
    x->district_name = db_text_dup(r, 1, a);
    x->events_done = db_int(r, 2);
    x->families = db_int(r, 3);
    x->signups = db_int(r, 4);
}

enum err guidance_reach(struct db *db, struct arena *a, const char *district, int year,
                        struct greach_row **items, int *n, struct greach_row *total)
{
    int64_t from, to;
    year_range(year, &from, &to);
    struct db_val v[] = {DBV_TEXT(district), DBV_INT(from), DBV_INT(to)};
    *items = NULL;
    *n = 0;
    enum err e = db_get_all(db, a,
                            "SELECT d.code, d.name, COUNT(x.id), CAST(COALESCE(SUM(x.reach), 0) AS BIGINT), "
                            "CAST(COALESCE(SUM(x.live), 0) AS BIGINT) FROM districts d LEFT JOIN ("
                            "SELECT e.id, e.district_code, " LIVE_SIGNUPS(
                                "e.id") " AS live, CASE WHEN e.attended IS NOT NULL "
                                        "THEN e.attended ELSE " LIVE_SIGNUPS(
                                            "e.id") " END AS reach FROM guidance_events e "
                                                    "WHERE e.status = 'done' AND e.starts_at >= $2 AND "
                                                    "e.starts_at < $3) x ON x.district_code = d.code "
                                                    "WHERE (CAST($1 AS TEXT) IS NULL OR d.code = $1) GROUP "
                                                    "BY d.code, d.name, d.sort ORDER BY d.sort",
                            v, DB_NPARAMS(v), read_reach, sizeof **items, 64, (void **)items, n);
    if (e != OK) return e;
    memset(total, 0, sizeof *total);
    for (int i = 0; i < *n; i++) {
        total->events_done += (*items)[i].events_done;
        total->families += (*items)[i].families;
        total->signups += (*items)[i].signups;
    }
    return OK;
}

/* ---- Who writes ---------------------------------------------------------------------------------------- */

static bool unit_writer(const struct principal *who)
{
    return who->role == ROLE_UNIT && who->unit &&
           (strcmp(who->unit, "health_commission") == 0 || strcmp(who->unit, "education") == 0);
}

bool guidance_may_write_experts(const struct principal *who)
{
    if (!who) return true;
    return (who->role & (ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY)) || unit_writer(who);
}

bool guidance_may_write_articles(const struct principal *who)
{
    if (!who) return true;
    return (who->role & (ROLE_ADMIN | ROLE_CITY)) || unit_writer(who);
}

/* Events: admins and city officials anywhere, county officials in their own district. */
static bool may_write_event(const struct principal *who, const char *district)
{
    if (!who) return true;
    if (who->role & (ROLE_ADMIN | ROLE_CITY)) return true;
    return who->role == ROLE_COUNTY && who->district && district && strcmp(who->district, district) == 0;
}

bool guidance_may_read_contacts(const struct principal *who, const struct gevent *ev)
{
    return who && who->role == ROLE_COUNTY && who->district && strcmp(who->district, ev->district_code) == 0;
}

static json_t *nullable_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* ---- Experts ------------------------------------------------------------------------------------------- */

#define EXPERT_COLS                                                                                          \
    "x.id, x.name, x.title, x.organisation, x.speciality, x.district_code, d.name, x.added_by_unit, "        \
    "x.active, x.version, x.created_at, x.updated_at FROM guidance_experts x "                               \
    "LEFT JOIN districts d ON d.code = x.district_code "

static void read_expert(struct db_rows *r, struct arena *a, void *item)
{
    struct gexpert *x = item;
    x->id = db_int(r, 0);
    x->name = db_text_dup(r, 1, a);
    x->title = db_text_dup(r, 2, a);
    x->organisation = db_text_dup(r, 3, a);
    x->speciality = db_text_dup(r, 4, a);
    x->district_code = db_text_dup(r, 5, a);
    x->district_name = db_text_dup(r, 6, a);
    x->added_by_unit = db_text_dup(r, 7, a);
    x->active = db_int(r, 8) != 0;
    x->version = db_int(r, 9);
    x->created_at = db_int(r, 10);
    x->updated_at = db_int(r, 11);
}

enum err gexpert_get(struct db *db, struct arena *a, int64_t id, struct gexpert *out)
{
    struct db_val v[] = {DBV_INT(id)};
    memset(out, 0, sizeof *out);
    return db_get_one(db, a, "SELECT " EXPERT_COLS "WHERE x.id = $1", v, 1, read_expert, out);
}

enum err gexpert_list(struct db *db, struct arena *a, const char *district, bool active_only,
                      struct gexpert **items, int *n)
{
    struct db_val v[] = {DBV_TEXT(district), DBV_BOOL(active_only)};
    *items = NULL;
    *n = 0;
    return db_get_all(db, a,
                      "SELECT " EXPERT_COLS "WHERE (CAST($1 AS TEXT) IS NULL OR x.district_code = $1 "
                      "OR x.district_code IS NULL) AND (CAST($2 AS BIGINT) = 0 OR x.active = 1) "
                      "ORDER BY x.district_code IS NOT NULL, x.district_code, x.id",
                      v, DB_NPARAMS(v), read_expert, sizeof **items, 500, (void **)items, n);
}

static json_t *expert_audit(const struct gexpert *x)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:b, s:I}", "name", x->name, "title", x->title,
                     "organisation", x->organisation, "speciality", x->speciality, "district_code",
                     nullable_str(x->district_code), "added_by_unit", x->added_by_unit, "active", x->active,
                     "version", (json_int_t)x->version);
}

struct expert_op {
    struct arena *a;
    const struct principal *who;
    int64_t id, now;
    const struct gexpert_in *in;
    struct field_errors *fe;
};

static enum err district_check(struct db *db, struct arena *a, const char *code, struct field_errors *fe)
{
    const char *name;
    enum err e = district_name(db, a, code, &name);
    if (e == ERR_NOT_FOUND) {
        fe_add(fe, "district_code", "未知的区县");
        return OK;
    }
    return e;
}

static enum err expert_tx(struct db *db, void *p)
{
    struct expert_op *c = p;
    const struct gexpert_in *in = c->in;
    const struct principal *who = c->who;
    if (!guidance_may_write_experts(who)) return ERR_FORBIDDEN;
    struct gexpert cur;
    memset(&cur, 0, sizeof cur);
    enum err e;
    if (c->id) {
        e = gexpert_get(db, c->a, c->id, &cur);
        if (e != OK) return e;
        if (who && who->role == ROLE_COUNTY &&
            !(cur.district_code && who->district && strcmp(cur.district_code, who->district) == 0))
            return ERR_FORBIDDEN;
        if (in->expected_version && in->expected_version != cur.version) return ERR_CONFLICT;
    }
    struct gexpert m = cur;
    if (!c->id || in->name_set) m.name = in->name;
    if (!c->id || in->title_set) m.title = in->title;
    if (!c->id || in->organisation_set) m.organisation = in->organisation;
    if (!c->id || in->speciality_set) m.speciality = in->speciality;
    if (!c->id || in->district_set) m.district_code = in->district_code;
    if (!c->id) m.active = true;
    if (in->active >= 0) m.active = in->active != 0;
    int unit = in->unit >= 0 ? in->unit
               : c->id       ? guidance_name_index(guidance_unit_names, cur.added_by_unit)
                             : 0;
    if (who && who->role == ROLE_UNIT) unit = strcmp(who->unit, "education") == 0 ? 1 : 0;
    if (unit < 0) unit = 0;
    m.added_by_unit = guidance_unit_names[unit];
    if (who && who->role == ROLE_COUNTY) {
        if (!c->id && !in->district_set) m.district_code = who->district;
        if (!m.district_code || strcmp(m.district_code, who->district) != 0) return ERR_FORBIDDEN;
    }
    fe_check_text(c->fe, "name", m.name, true, "请填写专家姓名", 50);
    fe_check_text(c->fe, "title", m.title, true, "请填写职称", 50);
    fe_check_text(c->fe, "organisation", m.organisation, true, "请填写所在单位", 100);
    fe_check_text(c->fe, "speciality", m.speciality, true, "请填写专业方向", 200);
    if (m.district_code) {
        e = district_check(db, c->a, m.district_code, c->fe);
        if (e != OK) return e;
    }
    if (c->fe->n) return ERR_VALIDATION;
    struct db_val v[] = {DBV_TEXT(m.name),          DBV_TEXT(m.title),
                         DBV_TEXT(m.organisation),  DBV_TEXT(m.speciality),
                         DBV_TEXT(m.district_code), DBV_TEXT(m.added_by_unit),
                         DBV_BOOL(m.active),        who ? DBV_INT(who->user_id) : DBV_NULL,
                         DBV_INT(c->now),           DBV_INT(c->id),
                         DBV_INT(cur.version)};
    if (!c->id) {
        e = db_int_query(
            db,
            "INSERT INTO guidance_experts (name, title, organisation, speciality, district_code, "
            "added_by_unit, active, created_by, version, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING id",
            v, 9, &c->id);
    } else {
        struct db_val u[] = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[8], v[9], v[10]};
        e = db_exec(db,
                    "UPDATE guidance_experts SET name = $1, title = $2, organisation = $3, speciality = $4, "
                    "district_code = $5, added_by_unit = $6, active = $7, version = version + 1, "
                    "updated_at = $8 WHERE id = $9 AND version = $10",
                    u, DB_NPARAMS(u));
        if (e == OK && db_changes(db) != 1) e = ERR_CONFLICT;
    }
    if (e != OK) return e;
    struct gexpert after;
    e = gexpert_get(db, c->a, c->id, &after);
    if (e != OK) return e;
    return audit_append(db, who, cur.id ? "guidance_expert.update" : "guidance_expert.create",
                        "guidance_expert", c->id, cur.id ? json_text(c->a, expert_audit(&cur)) : NULL,
                        json_text(c->a, expert_audit(&after)));
}

enum err gexpert_save(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                      const struct gexpert_in *in, struct field_errors *fe, struct gexpert *out)
{
    struct expert_op c = {.a = a, .who = who, .id = id, .now = clock_now(), .in = in, .fe = fe};
    int before = fe->n;
    enum err e = db_tx(db, expert_tx, &c);
    if (e != ERR_VALIDATION) fe->n = before;
    if (e != OK) return e;
    return gexpert_get(db, a, c.id, out);
}

/* ---- Events -------------------------------------------------------------------------------------------- */

#define EVENT_COLS                                                                                           \
    "e.id, e.title, e.kind, e.venue_kind, e.venue, e.district_code, d.name, e.status, e.description, "       \
    "e.institution_id, i.name, e.starts_at, e.ends_at, e.capacity, e.expert_id, x.name, x.title, "           \
    "x.organisation, e.attended, " LIVE_SIGNUPS(                                                             \
        "e.id") ", e.version, e.created_at, e.updated_at "                                                   \
                "FROM guidance_events e JOIN districts d ON d.code = e.district_code "                       \
                "LEFT JOIN institutions i ON i.id = e.institution_id LEFT JOIN guidance_experts x ON x.id "  \
                "= e.expert_id "

static void read_event(struct db_rows *r, struct arena *a, void *item)
{
    struct gevent *x = item;
    x->id = db_int(r, 0);
    x->title = db_text_dup(r, 1, a);
    x->kind = db_text_dup(r, 2, a);
    x->venue_kind = db_text_dup(r, 3, a);
    x->venue = db_text_dup(r, 4, a);
    x->district_code = db_text_dup(r, 5, a);
    x->district_name = db_text_dup(r, 6, a);
    x->status = db_text_dup(r, 7, a);
    x->description = db_text_dup(r, 8, a);
    x->institution_id = int_or(r, 9, 0);
    x->institution_name = db_text_dup(r, 10, a);
    x->starts_at = db_int(r, 11);
    x->ends_at = db_int(r, 12);
    x->capacity = db_int(r, 13);
    x->expert_id = int_or(r, 14, 0);
    x->expert_name = db_text_dup(r, 15, a);
    x->expert_title = db_text_dup(r, 16, a);
    x->expert_organisation = db_text_dup(r, 17, a);
    x->attended = int_or(r, 18, -1);
    x->taken = db_int(r, 19);
    x->version = db_int(r, 20);
    x->created_at = db_int(r, 21);
    x->updated_at = db_int(r, 22);
}

enum err gevent_get(struct db *db, struct arena *a, int64_t id, struct gevent *out)
{
    struct db_val v[] = {DBV_INT(id)};
    memset(out, 0, sizeof *out);
    return db_get_one(db, a, "SELECT " EVENT_COLS "WHERE e.id = $1", v, 1, read_event, out);
}

enum err gevent_list(struct db *db, struct arena *a, const struct gevent_filter *f, struct gevent **items,
                     int *n)
{
    int64_t from = 0, to = 0;
    if (f->year) year_range(f->year, &from, &to);
    int limit = f->limit > 0 ? f->limit : 200;
    struct db_val v[] = {DBV_TEXT(f->district), DBV_TEXT(f->upcoming ? "published" : f->status),
                         DBV_INT(f->year),      DBV_INT(from),
                         DBV_INT(to),           DBV_INT(f->upcoming ? clock_now() : 0),
                         DBV_BOOL(f->upcoming), DBV_INT(limit)};
    *items = NULL;
    *n = 0;
    return db_get_all(
        db, a,
        "SELECT " EVENT_COLS "WHERE (CAST($1 AS TEXT) IS NULL OR e.district_code = $1) "
        "AND (CAST($2 AS TEXT) IS NULL OR e.status = $2) "
        "AND (CAST($3 AS BIGINT) = 0 OR (e.starts_at >= $4 AND e.starts_at < $5)) "
        "AND e.starts_at >= $6 "
        "ORDER BY CASE WHEN CAST($7 AS BIGINT) = 1 THEN e.starts_at ELSE -e.starts_at END, e.id "
        "LIMIT $8",
        v, DB_NPARAMS(v), read_event, sizeof **items, limit, (void **)items, n);
}

static json_t *event_audit(struct arena *a, const struct gevent *x)
{
    char s[17], t[17];
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "title", x->title, "kind", x->kind,
                          "venue_kind", x->venue_kind, "venue", x->venue, "district_code", x->district_code,
                          "starts_at", guidance_format_time(x->starts_at, s), "ends_at",
                          guidance_format_time(x->ends_at, t), "capacity", (json_int_t)x->capacity, "status",
                          x->status);
    (void)a;
    if (!j) return json_object();
    json_object_set_new(j, "institution_id",
                        x->institution_id ? json_integer(x->institution_id) : json_null());
    json_object_set_new(j, "expert_id", x->expert_id ? json_integer(x->expert_id) : json_null());
    json_object_set_new(j, "attended", x->attended >= 0 ? json_integer(x->attended) : json_null());
    json_object_set_new(j, "version", json_integer(x->version));
    return j;
}

struct event_op {
    struct arena *a;
    const struct principal *who;
    int64_t id, now;
    const struct gevent_in *in;
    int to;
    int64_t attended, expected_version;
    struct field_errors *fe;
    const char *detail;
};

struct inst_brief {
    const char *district;
};

static void read_inst_brief(struct db_rows *r, struct arena *a, void *item)
{
    ((struct inst_brief *)item)->district = db_text_dup(r, 0, a);
}

/* Field checks of a merged event (cur with the given fields of in applied). */
static enum err event_check(struct db *db, struct arena *a, const struct gevent *m, int kind, int venue_kind,
                            struct field_errors *fe)
{
    fe_check_text(fe, "title", m->title, true, "请填写活动名称", 100);
    fe_check_text(fe, "venue", m->venue, true, "请填写活动地点", 200);
    fe_check_text(fe, "description", m->description, false, NULL, GUIDANCE_TEXT_MAX);
    if (kind < 0) fe_add(fe, "kind", "活动类型应为 event（指导活动）或 course（育儿课程）");
    if (venue_kind < 0)
        fe_add(fe, "venue_kind", "场地类型应为 hospital、community、institution、online 或 other");
    if (m->starts_at <= 0) fe_add(fe, "starts_at", "请填写开始时间");
    if (m->ends_at <= m->starts_at)
        fe_add(fe, "ends_at", "结束时间应晚于开始时间");
    else if (m->ends_at - m->starts_at > GUIDANCE_EVENT_MAX_S)
        fe_add(fe, "ends_at", "一场活动最长 7 天");
    if (m->capacity < 1 || m->capacity > GUIDANCE_CAPACITY_MAX)
        fe_addf(fe, "capacity", "名额应在 1 至 %d 之间", GUIDANCE_CAPACITY_MAX);
    else if (m->capacity < m->taken)
        fe_addf(fe, "capacity", "已有 %lld 个家庭报名，名额不能少于报名数", (long long)m->taken);
    enum err e = OK;
    if (!m->district_code || !*m->district_code)
        fe_add(fe, "district_code", "请选择区县");
    else
        e = district_check(db, a, m->district_code, fe);
    if (e != OK) return e;
    if (m->institution_id) {
        struct inst_brief ib;
        struct db_val v[] = {DBV_INT(m->institution_id)};
        e = db_get_one(db, a, "SELECT district_code FROM institutions WHERE id = $1", v, 1, read_inst_brief,
                       &ib);
        if (e == ERR_NOT_FOUND)
            fe_add(fe, "institution_id", "机构不存在");
        else if (e != OK)
            return e;
        else if (m->district_code && strcmp(ib.district, m->district_code) != 0)
            fe_add(fe, "institution_id", "机构不在活动所在区县");
    }
    if (m->expert_id) {
        int64_t active = 0;
        struct db_val v[] = {DBV_INT(m->expert_id)};
        e = db_int_query(db, "SELECT active FROM guidance_experts WHERE id = $1", v, 1, &active);
        if (e == ERR_NOT_FOUND || (e == OK && !active))
            fe_add(fe, "expert_id", "专家不存在或已停用");
        else if (e != OK)
            return e;
    }
    return OK;
}

static enum err event_save_tx(struct db *db, void *p)
{
    struct event_op *c = p;
    const struct gevent_in *in = c->in;
    struct gevent cur;
    memset(&cur, 0, sizeof cur);
    enum err e;
    if (c->id) {
        e = gevent_get(db, c->a, c->id, &cur);
        if (e != OK) return e;
        if (!may_write_event(c->who, cur.district_code)) return ERR_FORBIDDEN;
        if (!guidance_event_editable(guidance_name_index(gev_status_names, cur.status))) {
            c->detail = "活动已取消或已结束，不能再修改";
            return ERR_STATE;
        }
        if (in->expected_version && in->expected_version != cur.version) return ERR_CONFLICT;
    }
    struct gevent m = cur;
    bool create = !c->id;
    if (create || in->title_set) m.title = in->title;
    if (create || in->venue_set) m.venue = in->venue;
    if (create || in->description_set) m.description = in->description ? in->description : "";
    if (create || in->district_set) m.district_code = in->district_code;
    if (create && !in->district_set && c->who && c->who->role == ROLE_COUNTY)
        m.district_code = c->who->district;
    if (create || in->institution_set) m.institution_id = in->institution_id;
    if (create || in->expert_set) m.expert_id = in->expert_id;
    if (create || in->starts_set) m.starts_at = in->starts_at;
    if (create || in->ends_set) m.ends_at = in->ends_at;
    if (create || in->capacity_set) m.capacity = in->capacity;
    int kind = create || in->kind >= 0 ? in->kind : guidance_name_index(gev_kind_names, cur.kind);
    int venue_kind =
        create || in->venue_kind >= 0 ? in->venue_kind : guidance_name_index(gev_venue_names, cur.venue_kind);
    if (m.district_code && !may_write_event(c->who, m.district_code)) return ERR_FORBIDDEN;
    e = event_check(db, c->a, &m, kind, venue_kind, c->fe);
    if (e != OK) return e;
    if (c->fe->n) return ERR_VALIDATION;
    struct db_val v[] = {DBV_TEXT(m.title),
                         DBV_TEXT(gev_kind_names[kind]),
                         DBV_TEXT(gev_venue_names[venue_kind]),
                         DBV_TEXT(m.venue),
                         DBV_TEXT(m.district_code),
                         m.institution_id ? DBV_INT(m.institution_id) : DBV_NULL,
                         DBV_INT(m.starts_at),
                         DBV_INT(m.ends_at),
                         DBV_INT(m.capacity),
                         m.expert_id ? DBV_INT(m.expert_id) : DBV_NULL,
                         DBV_TEXT(m.description),
                         DBV_INT(c->now),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL,
                         DBV_INT(c->id),
                         DBV_INT(cur.version)};
    if (create) {
        e = db_int_query(
            db,
            "INSERT INTO guidance_events (title, kind, venue_kind, venue, district_code, "
            "institution_id, starts_at, ends_at, capacity, expert_id, description, status, "
            "created_by, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
            "$9, $10, $11, 'draft', $13, 1, $12, $12) RETURNING id",
            v, 13, &c->id);
    } else {
        struct db_val u[] = {v[0], v[1], v[2], v[3],  v[4],  v[5],  v[6],
                             v[7], v[8], v[9], v[10], v[11], v[13], v[14]};
        e = db_exec(db,
                    "UPDATE guidance_events SET title = $1, kind = $2, venue_kind = $3, venue = $4, "
                    "district_code = $5, institution_id = $6, starts_at = $7, ends_at = $8, capacity = $9, "
                    "expert_id = $10, description = $11, version = version + 1, updated_at = $12 "
                    "WHERE id = $13 AND version = $14",
                    u, DB_NPARAMS(u));
        if (e == OK && db_changes(db) != 1) e = ERR_CONFLICT;
    }
    if (e != OK) return e;
    struct gevent after;
    e = gevent_get(db, c->a, c->id, &after);
    if (e != OK) return e;
    return audit_append(db, c->who, create ? "guidance_event.create" : "guidance_event.update",
                        "guidance_event", c->id, create ? NULL : json_text(c->a, event_audit(c->a, &cur)),
                        json_text(c->a, event_audit(c->a, &after)));
}

static enum err event_run(struct db *db, db_tx_fn fn, struct event_op *c, const char **detail,
                          struct gevent *out)
{
    int before = c->fe->n;
    enum err e = db_tx(db, fn, c);
    if (e != ERR_VALIDATION) c->fe->n = before;
    if (detail) *detail = e == ERR_STATE ? c->detail : NULL;
    if (e != OK) return e;
    return gevent_get(db, c->a, c->id, out);
}

enum err gevent_save(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                     const struct gevent_in *in, struct field_errors *fe, const char **detail,
                     struct gevent *out)
{
    struct event_op c = {.a = a, .who = who, .id = id, .now = clock_now(), .in = in, .fe = fe};
    return event_run(db, event_save_tx, &c, detail, out);
}

static enum err event_move_tx(struct db *db, void *p)
{
    struct event_op *c = p;
    struct gevent cur;
    enum err e = gevent_get(db, c->a, c->id, &cur);
    if (e != OK) return e;
    if (!may_write_event(c->who, cur.district_code)) return ERR_FORBIDDEN;
    int from = guidance_name_index(gev_status_names, cur.status);
    const char *problem = guidance_event_move_problem(from, c->to, cur.starts_at, c->now);
    if (problem) {
        c->detail = problem;
        return ERR_STATE;
    }
    if (c->expected_version && c->expected_version != cur.version) return ERR_CONFLICT;
    struct db_val v[] = {DBV_INT(c->id), DBV_TEXT(gev_status_names[c->to]),
                         c->to == GS_DONE && c->attended >= 0 ? DBV_INT(c->attended) : DBV_NULL,
                         DBV_INT(c->now), DBV_INT(cur.version)};
    e = db_exec(
        db,
        "UPDATE guidance_events SET status = $2, attended = $3, version = version + 1, updated_at = $4 "
        "WHERE id = $1 AND version = $5",
        v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    struct gevent after;
    e = gevent_get(db, c->a, c->id, &after);
    if (e != OK) return e;
    return audit_append(db, c->who, arena_printf(c->a, "guidance_event.%s", gev_status_names[c->to]),
                        "guidance_event", c->id, json_text(c->a, event_audit(c->a, &cur)),
                        json_text(c->a, event_audit(c->a, &after)));
}

enum err gevent_move(struct db *db, struct arena *a, const struct principal *who, int64_t id, int to,
                     int64_t attended, int64_t expected_version, struct field_errors *fe, const char **detail,
                     struct gevent *out)
{
    if (detail) *detail = NULL;
    if (to < 0 || to >= GS__COUNT || to == GS_DRAFT)
        fe_add(fe, "status", "状态应为 published（发布）、cancelled（取消）或 done（已结束）");
    if (attended >= 0 && to != GS_DONE) fe_add(fe, "attended", "只有标记已结束时才能填写到场家庭数");
    if (attended > GUIDANCE_ATTENDED_MAX)
        fe_addf(fe, "attended", "到场家庭数应在 0 至 %d 之间", GUIDANCE_ATTENDED_MAX);
    if (fe->n) return ERR_VALIDATION;
    struct event_op c = {.a = a,
                         .who = who,
                         .id = id,
                         .now = clock_now(),
                         .to = to,
                         .attended = attended,
                         .expected_version = expected_version,
                         .fe = fe};
    return event_run(db, event_move_tx, &c, detail, out);
}

/* ---- Sign-ups ------------------------------------------------------------------------------------------ */

static const char ref_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

struct signup_op {
    struct arena *a;
    int64_t event_id, now, id;
    const struct gsignup_in *in;
    const char *ref, *phone_hash, *ip_hash, *name_masked, *phone_masked;
    const unsigned char *name_enc, *phone_enc;
    size_t name_len, phone_len;
    const char *detail;
};

struct event_gate {
    const char *status;
    int64_t starts_at, capacity;
};

static void read_gate(struct db_rows *r, struct arena *a, void *item)
{
    struct event_gate *g = item;
    g->status = db_text_dup(r, 0, a);
    g->starts_at = db_int(r, 1);
    g->capacity = db_int(r, 2);
}

static enum err signup_tx(struct db *db, void *p)
{
    struct signup_op *c = p;
    /* Take the event's row lock first (PostgreSQL; SQLite's writer lock is held already) so that two
     * sign-ups for the last place are counted one after the other. */
    struct db_val ev[] = {DBV_INT(c->event_id)};
    enum err e = db_exec(db, "UPDATE guidance_events SET updated_at = updated_at WHERE id = $1", ev, 1);
    if (e != OK) return e;
    struct event_gate g;
    e = db_get_one(db, c->a, "SELECT status, starts_at, capacity FROM guidance_events WHERE id = $1", ev, 1,
                   read_gate, &g);
    if (e != OK) return e;
    if (strcmp(g.status, "draft") == 0) return ERR_NOT_FOUND;
    if (c->ip_hash) {
        int64_t since[2] = {c->now - 3600, c->now - 86400}, count[2] = {0, 0};
        for (int i = 0; i < 2; i++) {
            struct db_val v[] = {DBV_TEXT(c->ip_hash), DBV_INT(since[i])};
            e = db_int_query(db,
                             "SELECT COUNT(*) FROM guidance_signups WHERE ip_hash = $1 AND created_at > $2",
                             v, 2, &count[i]);
            if (e != OK) return e;
        }
        if (count[0] >= GUIDANCE_SIGNUP_HOUR || count[1] >= GUIDANCE_SIGNUP_DAY) return ERR_THROTTLED;
    }
    int64_t taken = 0, dup = 0;
    e = db_int_query(db, "SELECT " LIVE_SIGNUPS("$1"), ev, 1, &taken);
    if (e != OK) return e;
    struct db_val dv[] = {DBV_INT(c->event_id), DBV_TEXT(c->phone_hash)};
    e = db_int_query(db,
                     "SELECT COUNT(*) FROM guidance_signups WHERE event_id = $1 AND phone_hash = $2 "
                     "AND cancelled_at IS NULL",
                     dv, 2, &dup);
    if (e != OK) return e;
    enum gsu_problem pr = guidance_signup_check(guidance_name_index(gev_status_names, g.status), g.starts_at,
                                                c->now, g.capacity, taken, dup > 0);
    c->detail = guidance_signup_problem_zh(pr);
    if (pr != GSU_OK) return ERR_STATE;
    struct db_val v[] = {DBV_INT(c->event_id),
                         DBV_TEXT(c->ref),
                         DBV_BLOB(c->name_enc, c->name_len),
                         DBV_BLOB(c->phone_enc, c->phone_len),
                         DBV_TEXT(c->name_masked),
                         DBV_TEXT(c->phone_masked),
                         DBV_TEXT(c->phone_hash),
                         DBV_INT(c->in->children),
                         c->in->age_band >= 0 ? DBV_TEXT(guidance_age_names[c->in->age_band]) : DBV_NULL,
                         DBV_TEXT(c->ip_hash),
                         DBV_INT(c->now)};
    e = db_int_query(
        db,
        "INSERT INTO guidance_signups (event_id, ref_code, guardian_name_enc, guardian_phone_enc, "
        "name_masked, phone_masked, phone_hash, children, child_age_band, ip_hash, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        v, DB_NPARAMS(v), &c->id);
    if (e == ERR_CONFLICT) { /* the partial unique index: the same phone signed up meanwhile */
        c->detail = guidance_signup_problem_zh(GSU_DUPLICATE);
        return ERR_STATE;
    }
    if (e != OK) return e;
    json_t *after = json_pack("{s:I, s:s, s:I}", "event_id", (json_int_t)c->event_id, "ref_code", c->ref,
                              "children", (json_int_t)c->in->children);
    return audit_append(db, NULL, "guidance_signup.create", "guidance_signup", c->id, NULL,
                        json_text(c->a, after));
}

enum err gsignup_create(struct db *db, struct arena *a, int64_t event_id, const struct gsignup_in *in,
                        const char *client_ip, struct field_errors *fe, const char **detail,
                        const char **ref_out)
{
    if (detail) *detail = NULL;
    char phone[16];
    fe_check_text(fe, "guardian_name", in->guardian_name, true, "请填写家长姓名", 50);
    if (!guidance_phone_normalise(in->guardian_phone, phone))
        fe_add(fe, "guardian_phone", "请填写有效的手机号码");
    if (in->children < 1 || in->children > GUIDANCE_CHILDREN_MAX)
        fe_addf(fe, "children", "参加的婴幼儿人数应为 1 至 %d 名", GUIDANCE_CHILDREN_MAX);
    if (fe->n) return ERR_VALIDATION;
    if (!pii_ready()) return ERR_INTERNAL;
    struct signup_op c = {.a = a, .event_id = event_id, .now = clock_now(), .in = in};
    char *ph = arena_alloc(a, PII_HASH_HEX);
    pii_hash(phone, ph);
    c.phone_hash = ph;
    if (client_ip) {
        char *ih = arena_alloc(a, PII_HASH_HEX);
        pii_hash(client_ip, ih);
        c.ip_hash = ih;
    }
    c.name_enc = pii_seal(a, in->guardian_name, &c.name_len);
    c.phone_enc = pii_seal(a, phone, &c.phone_len);
    c.name_masked = guidance_mask_name(a, in->guardian_name);
    c.phone_masked = pii_mask_phone(a, phone);
    char *ref = arena_alloc(a, 11);
    memcpy(ref, "GD", 2);
    for (int i = 2; i < 10; i++)
        ref[i] = ref_alphabet[randombytes_uniform(sizeof ref_alphabet - 1)];
    ref[10] = 0;
    c.ref = ref;
    enum err e = db_tx(db, signup_tx, &c);
    if (detail && e == ERR_STATE) *detail = c.detail;
    if (e != OK) return e;
    *ref_out = ref;
    return OK;
}

struct cancel_op {
    struct arena *a;
    const char *ref, *phone_hash;
    int64_t now;
};

static enum err cancel_tx(struct db *db, void *p)
{
    struct cancel_op *c = p;
    int64_t id = 0;
    struct db_val v[] = {DBV_TEXT(c->ref), DBV_TEXT(c->phone_hash), DBV_INT(c->now)};
    enum err e =
        db_int_query(db,
                     "UPDATE guidance_signups SET cancelled_at = $3 WHERE ref_code = $1 AND phone_hash = $2 "
                     "AND cancelled_at IS NULL AND event_id IN (SELECT id FROM guidance_events "
                     "WHERE starts_at > $3) RETURNING id",
                     v, DB_NPARAMS(v), &id);
    if (e != OK) return e;
    return audit_append(db, NULL, "guidance_signup.cancel", "guidance_signup", id, NULL,
                        json_text(c->a, json_pack("{s:s}", "ref_code", c->ref)));
}

enum err gsignup_cancel(struct db *db, struct arena *a, const char *ref_code, const char *phone)
{
    char norm[16];
    if (!ref_code || !guidance_phone_normalise(phone, norm)) return ERR_NOT_FOUND;
    if (!pii_ready()) return ERR_INTERNAL;
    char *ph = arena_alloc(a, PII_HASH_HEX);
    pii_hash(norm, ph);
    struct cancel_op c = {.a = a, .ref = ref_code, .phone_hash = ph, .now = clock_now()};
    return db_tx(db, cancel_tx, &c);
}

#define SIGNUP_COLS                                                                                          \
    "id, event_id, ref_code, name_masked, phone_masked, children, child_age_band, created_at, "              \
    "cancelled_at, "                                                                                         \
    "guardian_name_enc, guardian_phone_enc FROM guidance_signups WHERE event_id = $1 ORDER BY id DESC"

static void read_signup(struct db_rows *r, struct arena *a, void *item)
{
    struct gsignup *s = item;
    s->id = db_int(r, 0);
    s->event_id = db_int(r, 1);
    s->ref_code = db_text_dup(r, 2, a);
    s->name_masked = db_text_dup(r, 3, a);
    s->phone_masked = db_text_dup(r, 4, a);
    s->children = db_int(r, 5);
    s->child_age_band = db_text_dup(r, 6, a);
    s->created_at = db_int(r, 7);
    s->cancelled_at = int_or(r, 8, 0);
}

static void read_signup_full(struct db_rows *r, struct arena *a, void *item)
{
    struct gsignup *s = item;
    read_signup(r, a, item);
    size_t len;
    const void *enc = db_blob(r, 9, &len);
    s->name = enc ? pii_open(a, enc, len) : NULL;
    if (!s->name) s->name = "（无法解密）";
    enc = db_blob(r, 10, &len);
    s->phone = enc ? pii_open(a, enc, len) : NULL;
    if (!s->phone) s->phone = "（无法解密）";
}

enum err gsignup_list(struct db *db, struct arena *a, int64_t event_id, struct gsignup **items, int *n)
{
    struct db_val v[] = {DBV_INT(event_id)};
    *items = NULL;
    *n = 0;
    return db_get_all(db, a, "SELECT " SIGNUP_COLS, v, 1, read_signup, sizeof **items, 5000, (void **)items,
                      n);
}

struct full_op {
    struct arena *a;
    const struct principal *who;
    int64_t event_id;
    struct gsignup **items;
    int *n;
};

static enum err full_tx(struct db *db, void *p)
{
    struct full_op *c = p;
    struct gevent ev;
    enum err e = gevent_get(db, c->a, c->event_id, &ev);
    if (e != OK) return e;
    if (!guidance_may_read_contacts(c->who, &ev)) return ERR_FORBIDDEN;
    struct db_val v[] = {DBV_INT(c->event_id)};
    e = db_get_all(db, c->a, "SELECT " SIGNUP_COLS, v, 1, read_signup_full, sizeof **c->items, 5000,
                   (void **)c->items, c->n);
    if (e != OK) return e;
    return audit_append(db, c->who, "guidance_signups.read", "guidance_event", c->event_id, NULL,
                        json_text(c->a, json_pack("{s:i}", "signups", *c->n)));
}

enum err gsignup_list_full(struct db *db, struct arena *a, const struct principal *who, int64_t event_id,
                           struct gsignup **items, int *n)
{
    *items = NULL;
    *n = 0;
    if (!pii_ready()) return ERR_INTERNAL;
    struct full_op c = {.a = a, .who = who, .event_id = event_id, .items = items, .n = n};
    return db_tx(db, full_tx, &c);
}

/* ---- Articles ------------------------------------------------------------------------------------------ */

#define ARTICLE_COLS                                                                                         \
    "id, title, summary, body, author_unit, status, published_at, version, created_at, updated_at "          \
    "FROM guidance_articles "

static void read_article(struct db_rows *r, struct arena *a, void *item)
{
    struct garticle *x = item;
    x->id = db_int(r, 0);
    x->title = db_text_dup(r, 1, a);
    x->summary = db_text_dup(r, 2, a);
    x->body = db_text_dup(r, 3, a);
    x->author_unit = db_text_dup(r, 4, a);
    x->status = db_text_dup(r, 5, a);
    x->published_at = int_or(r, 6, 0);
    x->version = db_int(r, 7);
    x->created_at = db_int(r, 8);
    x->updated_at = db_int(r, 9);
}

enum err garticle_get(struct db *db, struct arena *a, int64_t id, struct garticle *out)
{
    struct db_val v[] = {DBV_INT(id)};
    memset(out, 0, sizeof *out);
    return db_get_one(db, a, "SELECT " ARTICLE_COLS "WHERE id = $1", v, 1, read_article, out);
}

enum err garticle_list(struct db *db, struct arena *a, bool published_only, int limit,
                       struct garticle **items, int *n)
{
    if (limit <= 0) limit = 200;
    struct db_val v[] = {DBV_BOOL(published_only), DBV_INT(limit)};
    *items = NULL;
    *n = 0;
    return db_get_all(db, a,
                      "SELECT " ARTICLE_COLS "WHERE CAST($1 AS BIGINT) = 0 OR status = 'published' "
                      "ORDER BY COALESCE(published_at, created_at) DESC, id DESC LIMIT $2",
                      v, DB_NPARAMS(v), read_article, sizeof **items, limit, (void **)items, n);
}

static json_t *article_audit(const struct garticle *x)
{
    return json_pack("{s:s, s:s, s:s, s:I, s:I}", "title", x->title, "author_unit", x->author_unit, "status",
                     x->status, "body_chars", (json_int_t)utf8_chars(x->body), "version",
                     (json_int_t)x->version);
}

struct article_op {
    struct arena *a;
    const struct principal *who;
    int64_t id, now;
    const struct garticle_in *in;
    struct field_errors *fe;
};

static enum err article_tx(struct db *db, void *p)
{
    struct article_op *c = p;
    const struct garticle_in *in = c->in;
    if (!guidance_may_write_articles(c->who)) return ERR_FORBIDDEN;
    struct garticle cur;
    memset(&cur, 0, sizeof cur);
    enum err e;
    bool create = !c->id;
    if (!create) {
        e = garticle_get(db, c->a, c->id, &cur);
        if (e != OK) return e;
        if (in->expected_version && in->expected_version != cur.version) return ERR_CONFLICT;
    }
    struct garticle m = cur;
    if (create || in->title_set) m.title = in->title;
    if (create || in->summary_set) m.summary = in->summary;
    if (create || in->body_set) m.body = in->body;
    if (create || in->author_set) m.author_unit = in->author_unit;
    int status = in->status >= 0 ? in->status
                 : create        ? 0
                                 : guidance_name_index(garticle_status_names, cur.status);
    if (status < 0) status = 0;
    m.status = garticle_status_names[status];
    if (status == 1 && !m.published_at) m.published_at = c->now;
    fe_check_text(c->fe, "title", m.title, true, "请填写标题", 100);
    fe_check_text(c->fe, "summary", m.summary, true, "请填写摘要", 300);
    fe_check_text(c->fe, "body", m.body, true, "请填写正文", GUIDANCE_BODY_MAX);
    fe_check_text(c->fe, "author_unit", m.author_unit, true, "请填写发布单位", 100);
    if (c->fe->n) return ERR_VALIDATION;
    struct db_val v[] = {DBV_TEXT(m.title),  DBV_TEXT(m.summary),
                         DBV_TEXT(m.body),   DBV_TEXT(m.author_unit),
                         DBV_TEXT(m.status), m.published_at ? DBV_INT(m.published_at) : DBV_NULL,
                         DBV_INT(c->now),    c->who ? DBV_INT(c->who->user_id) : DBV_NULL,
                         DBV_INT(c->id),     DBV_INT(cur.version)};
    if (create) {
        e = db_int_query(
            db,
            "INSERT INTO guidance_articles (title, summary, body, author_unit, status, published_at, "
            "created_by, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $8, 1, $7, "
            "$7) RETURNING id",
            v, 8, &c->id);
    } else {
        struct db_val u[] = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[8], v[9]};
        e = db_exec(db,
                    "UPDATE guidance_articles SET title = $1, summary = $2, body = $3, author_unit = $4, "
                    "status = $5, published_at = $6, version = version + 1, updated_at = $7 "
                    "WHERE id = $8 AND version = $9",
                    u, DB_NPARAMS(u));
        if (e == OK && db_changes(db) != 1) e = ERR_CONFLICT;
    }
    if (e != OK) return e;
    struct garticle after;
    e = garticle_get(db, c->a, c->id, &after);
    if (e != OK) return e;
    return audit_append(db, c->who, create ? "guidance_article.create" : "guidance_article.update",
                        "guidance_article", c->id, create ? NULL : json_text(c->a, article_audit(&cur)),
                        json_text(c->a, article_audit(&after)));
}

enum err garticle_save(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                       const struct garticle_in *in, struct field_errors *fe, struct garticle *out)
{
    struct article_op c = {.a = a, .who = who, .id = id, .now = clock_now(), .in = in, .fe = fe};
    int before = fe->n;
    enum err e = db_tx(db, article_tx, &c);
    if (e != ERR_VALIDATION) fe->n = before;
    if (e != OK) return e;
    return garticle_get(db, a, c.id, out);
}
