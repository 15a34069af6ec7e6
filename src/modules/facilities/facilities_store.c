/* The SQL of facilities: communities, residential projects and their workflow, mother-and-baby rooms, the
 * coverage per district and the counts other modules read. Each write is one transaction with its audit
 * entry; the territory rule (facilities_may_write) is checked inside it against the stored row. */
#include "modules/facilities/facilities.h"

#include "core/clock.h"
#include "modules/reference/settings.h"

#include <string.h>

/* The lateness rule of facilities_rules.c as SQL over residential_projects p: $t today, $n the handover
 * days. */
#define LATE_SQL(t, n)                                                                                       \
    "((p.status IN ('planned', 'built') AND p.housing_delivery_day < CAST($" #t " AS BIGINT)) OR "           \
    "(p.status = 'accepted' AND p.accepted_day + CAST($" #n " AS BIGINT) < CAST($" #t " AS BIGINT)))"

static int64_t int_or_0(struct db_rows *r, int c)
{
    return db_isnull(r, c) ? 0 : db_int(r, c);
}

static unsigned op_role(const struct principal *who)
{
    return who ? who->role : 0;
}

static const char *own_district(const struct principal *who)
{
    return who ? who->district : NULL;
}

/* Whether code names one of our districts. */
static enum err district_known(struct db *db, const char *code, bool *known)
{
    struct db_val v[] = {DBV_TEXT(code)};
    int64_t n = 0;
    *known = false;
    if (!code) return OK;
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM districts WHERE code = $1", v, 1, &n);
    if (e == OK) *known = n > 0;
    return e;
}

int64_t facilities_handover_days(struct db *db)
{
    int64_t n = settings_get_int(db, FACILITIES_HANDOVER_DAYS_SETTING, FACILITIES_HANDOVER_DAYS_DEFAULT);
    return n >= 1 ? n : FACILITIES_HANDOVER_DAYS_DEFAULT;
}

/* ---- For other modules --------------------------------------------------------------------------------- */

enum err facilities_coverage(struct db *db, const char *district, int64_t *urban, int64_t *urban_with,
                             int64_t *rural, int64_t *rural_with)
{
    struct db_val v[] = {DBV_TEXT(district)};
    struct db_rows *r;
    int64_t x[4] = {0};
    enum err e = db_query(db,
                          "SELECT COUNT(CASE WHEN urban = 1 THEN 1 END), "
                          "COUNT(CASE WHEN urban = 1 AND has_facility = 1 THEN 1 END), "
                          "COUNT(CASE WHEN urban = 0 THEN 1 END), "
                          "COUNT(CASE WHEN urban = 0 AND has_facility = 1 THEN 1 END) FROM communities "
                          "WHERE (CAST($1 AS TEXT) IS NULL OR district_code = $1)",
                          v, 1, &r);
    if (e != OK) return e;
    int s = db_next(r);
    if (s == 1)
        for (int i = 0; i < 4; i++)
            x[i] = db_int(r, i);
    e = s < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (urban) *urban = x[0];
    if (urban_with) *urban_with = x[1];
    if (rural) *rural = x[2];
    if (rural_with) *rural_with = x[3];
    return e;
}

enum err facilities_late_projects(struct db *db, const char *district, int64_t *n)
{
    struct db_val v[] = {DBV_TEXT(district), DBV_INT(clock_day_of(clock_now())),
                         DBV_INT(facilities_handover_days(db))};
    *n = 0;
    return db_int_query(db,
                        "SELECT COUNT(*) FROM residential_projects p "
                        "WHERE (CAST($1 AS TEXT) IS NULL OR p.district_code = $1) AND " LATE_SQL(2, 3),
                        v, DB_NPARAMS(v), n);
}

/* ---- Communities --------------------------------------------------------------------------------------- */

#define COMMUNITY_COLS                                                                                       \
    "c.id, c.district_code, d.name, c.code, c.name, c.street, c.kind, c.urban, c.has_facility, "             \
    "c.facility_note, c.version, c.created_at, c.updated_at"
#define COMMUNITY_FROM " FROM communities c JOIN districts d ON d.code = c.district_code "

static void read_community(struct db_rows *r, struct arena *a, void *item)
{
    struct community *c = item;
    c->id = db_int(r, 0);
    c->district_code = db_text_dup(r, 1, a);
    c->district_name = db_text_dup(r, 2, a);
    c->code = db_text_dup(r, 3, a);
    c->name = db_text_dup(r, 4, a);
    c->street = db_text_dup(r, 5, a);
    c->kind = db_text_dup(r, 6, a);
    c->urban = db_int(r, 7) != 0;
    c->has_facility = db_int(r, 8) != 0;
    c->facility_note = db_text_dup(r, 9, a);
    c->version = db_int(r, 10);
    c->created_at = db_int(r, 11);
    c->updated_at = db_int(r, 12);
}

enum err community_get(struct db *db, struct arena *a, int64_t id, struct community *out)
{
    struct db_val v[] = {DBV_INT(id)};
    return db_get_one(db, a, "SELECT " COMMUNITY_COLS COMMUNITY_FROM "WHERE c.id = $1", v, 1, read_community,
                      out);
}

#define COMMUNITY_WHERE                                                                                      \
    "WHERE (CAST($1 AS TEXT) IS NULL OR c.district_code = $1) "                                              \
    "AND (CAST($2 AS BIGINT) < 0 OR c.urban = $2) AND (CAST($3 AS BIGINT) < 0 OR c.has_facility = $3) "      \
    "AND (CAST($4 AS TEXT) IS NULL OR c.name LIKE '%' || CAST($4 AS TEXT) || '%') "

enum err community_list(struct db *db, struct arena *a, const struct community_filter *f,
                        struct community **items, int *n, int64_t *total)
{
    int page = f->page > 0 ? f->page : 1;
    struct db_val v[] = {DBV_TEXT(f->district),       DBV_INT(f->urban),
                         DBV_INT(f->has_facility),    DBV_TEXT(f->q && *f->q ? f->q : NULL),
                         DBV_INT(COMMUNITY_PER_PAGE), DBV_INT((int64_t)(page - 1) * COMMUNITY_PER_PAGE)};
    *items = NULL;
    *n = 0;
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM communities c " COMMUNITY_WHERE, v, 4, total);
    if (e != OK) return e;
    return db_get_all(db, a,
                      "SELECT " COMMUNITY_COLS COMMUNITY_FROM COMMUNITY_WHERE
                      "ORDER BY d.sort, c.street, c.name, c.id LIMIT $5 OFFSET $6",
                      v, DB_NPARAMS(v), read_community, sizeof **items, COMMUNITY_PER_PAGE, (void **)items,
                      n);
}

static const char *community_audit(struct arena *a, const struct community *c)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:I}", "district_code", c->district_code,
                          "code", c->code, "name", c->name, "street", c->street, "kind", c->kind, "urban",
                          c->urban, "has_facility", c->has_facility, "version", (json_int_t)c->version);
    if (j && c->facility_note) json_object_set_new(j, "facility_note", json_string(c->facility_note));
    return json_text(a, j);
}

struct community_op {
    const struct principal *who;
    struct arena *a;
    struct field_errors *fe;
    const struct community_in *in;
    int64_t id, expected_version, now;
    bool facility_only;
};

/* The merged row's field problems into fe. */
static void community_validate(const struct community *c, struct field_errors *fe)
{
    const char *p = community_code_problem(c->code);
    if (p) fe_add(fe, "code", p);
    fe_check_text(fe, "name", c->name, true, "请填写社区（村）名称", FAC_TEXT_MAX);
    fe_check_text(fe, "street", c->street, true, "请填写所属街道（乡镇）", FAC_TEXT_MAX);
    if (facilities_name_index(community_kind_names, c->kind) < 0)
        fe_add(fe, "kind", "类型应为 community（社区）或 village（村）");
    fe_check_text(fe, "facility_note", c->facility_note, false, NULL, FAC_NOTE_MAX);
}

/* Whether another community (not id) has code. */
static enum err code_taken(struct db *db, const char *code, int64_t id, bool *taken)
{
    struct db_val v[] = {DBV_TEXT(code), DBV_INT(id)};
    int64_t n = 0;
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM communities WHERE code = $1 AND id <> $2", v, 2, &n);
    *taken = n > 0;
    return e;
}

static enum err community_create_tx(struct db *db, void *p)
{
    struct community_op *c = p;
    const struct community_in *in = c->in;
    struct community row = {.district_code = in->district_code,
                            .code = in->code,
                            .name = in->name,
                            .street = in->street,
                            .kind = in->kind >= 0 ? community_kind_names[in->kind] : NULL,
                            .urban = in->urban == 1,
                            .has_facility = in->has_facility == 1,
                            .facility_note = text_blank(in->facility_note) ? NULL : in->facility_note};
    bool known;
    enum err e = district_known(db, in->district_code, &known);
    if (e != OK) return e;
    if (!known) fe_add(c->fe, "district_code", "未知的区县");
    community_validate(&row, c->fe);
    if (in->urban < 0) fe_add(c->fe, "urban", "请说明是城镇还是农村");
    if (known && !facilities_may_write(op_role(c->who), own_district(c->who), in->district_code))
        return ERR_FORBIDDEN;
    if (row.code && !community_code_problem(row.code)) {
        bool taken;
        e = code_taken(db, row.code, 0, &taken);
        if (e != OK) return e;
        if (taken) fe_add(c->fe, "code", "该代码已登记");
    }
    if (c->fe->n) return ERR_VALIDATION;
    struct db_val v[] = {DBV_TEXT(row.district_code), DBV_TEXT(row.code),          DBV_TEXT(row.name),
                         DBV_TEXT(row.street),        DBV_TEXT(row.kind),          DBV_BOOL(row.urban),
                         DBV_BOOL(row.has_facility),  DBV_TEXT(row.facility_note), DBV_INT(c->now)};
    e = db_int_query(db,
                     "INSERT INTO communities (district_code, code, name, street, kind, urban, has_facility, "
                     "facility_note, version, created_at, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING id",
                     v, DB_NPARAMS(v), &c->id);
    if (e == ERR_CONFLICT) {
        fe_add(c->fe, "code", "该代码已登记");
        return ERR_VALIDATION;
    }
    if (e != OK) return e;
    struct community after;
    e = community_get(db, c->a, c->id, &after);
    if (e != OK) return e;
    return audit_append(db, c->who, "community.create", "community", c->id, NULL,
                        community_audit(c->a, &after));
}

static enum err community_update_tx(struct db *db, void *p)
{
    struct community_op *c = p;
    const struct community_in *in = c->in;
    struct community cur;
    enum err e = community_get(db, c->a, c->id, &cur);
    if (e != OK) return e;
    if (!facilities_may_write(op_role(c->who), own_district(c->who), cur.district_code)) return ERR_FORBIDDEN;
    struct community row = cur;
    if (in->code) row.code = in->code;
    if (in->name) row.name = in->name;
    if (in->street) row.street = in->street;
    if (in->kind >= 0) row.kind = community_kind_names[in->kind];
    if (in->urban >= 0) row.urban = in->urban == 1;
    if (in->has_facility >= 0) row.has_facility = in->has_facility == 1;
    if (in->set_note) row.facility_note = text_blank(in->facility_note) ? NULL : in->facility_note;
    community_validate(&row, c->fe);
    if (!c->fe->n && strcmp(row.code, cur.code) != 0) {
        bool taken;
        e = code_taken(db, row.code, c->id, &taken);
        if (e != OK) return e;
        if (taken) fe_add(c->fe, "code", "该代码已登记");
    }
    if (c->fe->n) return ERR_VALIDATION;
    if (c->expected_version != cur.version) return ERR_CONFLICT;
    struct db_val v[] = {
        DBV_INT(c->id),     DBV_TEXT(row.code),  DBV_TEXT(row.name),         DBV_TEXT(row.street),
        DBV_TEXT(row.kind), DBV_BOOL(row.urban), DBV_BOOL(row.has_facility), DBV_TEXT(row.facility_note),
        DBV_INT(c->now),    DBV_INT(cur.version)};
    e = db_exec(db,
                "UPDATE communities SET code = $2, name = $3, street = $4, kind = $5, urban = $6, "
                "has_facility = $7, facility_note = $8, updated_at = $9, version = version + 1 "
                "WHERE id = $1 AND version = $10",
                v, DB_NPARAMS(v));
    if (e == ERR_CONFLICT) {
        fe_add(c->fe, "code", "该代码已登记");
        return ERR_VALIDATION;
    }
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    struct community after;
    e = community_get(db, c->a, c->id, &after);
    if (e != OK) return e;
    return audit_append(db, c->who, c->facility_only ? "community.facility" : "community.update", "community",
                        c->id, community_audit(c->a, &cur), community_audit(c->a, &after));
}

enum err community_create(struct db *db, struct arena *a, const struct principal *who,
                          const struct community_in *in, struct field_errors *fe, struct community *out)
{
    struct community_op c = {.who = who, .a = a, .fe = fe, .in = in, .now = clock_now()};
    enum err e = db_tx(db, community_create_tx, &c);
    if (e != OK) return e;
    return community_get(db, a, c.id, out);
}

enum err community_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                          const struct community_in *in, int64_t expected_version, struct field_errors *fe,
                          struct community *out)
{
    struct community_op c = {.who = who,
                             .a = a,
                             .fe = fe,
                             .in = in,
                             .id = id,
                             .expected_version = expected_version,
                             .now = clock_now()};
    enum err e = db_tx(db, community_update_tx, &c);
    if (e != OK) return e;
    return community_get(db, a, id, out);
}

enum err community_set_facility(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                                bool has_facility, const char *note, int64_t expected_version,
                                struct field_errors *fe, struct community *out)
{
    struct community_in in = {.kind = -1,
                              .urban = -1,
                              .has_facility = has_facility ? 1 : 0,
                              .facility_note = note,
                              .set_note = note != NULL};
    struct community_op c = {.who = who,
                             .a = a,
                             .fe = fe,
                             .in = &in,
                             .id = id,
                             .expected_version = expected_version,
                             .now = clock_now(),
                             .facility_only = true};
    enum err e = db_tx(db, community_update_tx, &c);
    if (e != OK) return e;
    return community_get(db, a, id, out);
}

/* ---- Residential projects ------------------------------------------------------------------------------ */

#define PROJECT_COLS                                                                                         \
    "p.id, p.district_code, d.name, p.community_id, c.name, p.name, p.developer, p.homes, "                  \
    "p.facility_area_m2, p.facility_form, p.status, p.handed_to, p.housing_delivery_day, p.built_day, "      \
    "p.accepted_day, p.handed_over_day, p.note, p.version, p.created_at, p.updated_at"
#define PROJECT_FROM                                                                                         \
    " FROM residential_projects p JOIN districts d ON d.code = p.district_code "                             \
    "LEFT JOIN communities c ON c.id = p.community_id "

static void read_project(struct db_rows *r, struct arena *a, void *item)
{
    struct project *p = item;
    p->id = db_int(r, 0);
    p->district_code = db_text_dup(r, 1, a);
    p->district_name = db_text_dup(r, 2, a);
    p->community_id = int_or_0(r, 3);
    p->community_name = db_text_dup(r, 4, a);
    p->name = db_text_dup(r, 5, a);
    p->developer = db_text_dup(r, 6, a);
    p->homes = db_int(r, 7);
    p->facility_area_m2 = db_int(r, 8);
    p->facility_form = db_text_dup(r, 9, a);
    p->status = db_text_dup(r, 10, a);
    p->handed_to = db_text_dup(r, 11, a);
    p->housing_delivery_day = db_int(r, 12);
    p->built_day = int_or_0(r, 13);
    p->accepted_day = int_or_0(r, 14);
    p->handed_over_day = int_or_0(r, 15);
    p->note = db_text_dup(r, 16, a);
    p->version = db_int(r, 17);
    p->created_at = db_int(r, 18);
    p->updated_at = db_int(r, 19);
}

/* Lateness of items[0..n) for today under the setting. */
static void mark_late(struct db *db, struct project *items, int n)
{
    int64_t today = clock_day_of(clock_now()), days = facilities_handover_days(db);
    for (int i = 0; i < n; i++)
        items[i].late = project_late(facilities_name_index(project_status_names, items[i].status),
                                     items[i].housing_delivery_day, items[i].accepted_day, today, days);
}

enum err project_get(struct db *db, struct arena *a, int64_t id, struct project *out)
{
    struct db_val v[] = {DBV_INT(id)};
    enum err e =
        db_get_one(db, a, "SELECT " PROJECT_COLS PROJECT_FROM "WHERE p.id = $1", v, 1, read_project, out);
    if (e == OK) mark_late(db, out, 1);
    return e;
}

#define PROJECT_WHERE                                                                                        \
    "WHERE (CAST($1 AS TEXT) IS NULL OR p.district_code = $1) "                                              \
    "AND (CAST($2 AS TEXT) IS NULL OR p.status = $2) AND (CAST($3 AS BIGINT) = 0 OR " LATE_SQL(4, 5) ") "

enum err project_list(struct db *db, struct arena *a, const struct project_filter *f, struct project **items,
                      int *n, int64_t *total)
{
    int page = f->page > 0 ? f->page : 1;
    struct db_val v[] = {DBV_TEXT(f->district),
                         DBV_TEXT(f->status),
                         DBV_BOOL(f->late_only),
                         DBV_INT(clock_day_of(clock_now())),
                         DBV_INT(facilities_handover_days(db)),
                         DBV_INT(PROJECT_PER_PAGE),
                         DBV_INT((int64_t)(page - 1) * PROJECT_PER_PAGE)};
    *items = NULL;
    *n = 0;
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM residential_projects p " PROJECT_WHERE, v, 5, total);
    if (e != OK) return e;
    e = db_get_all(db, a,
                   "SELECT " PROJECT_COLS PROJECT_FROM PROJECT_WHERE
                   "ORDER BY d.sort, p.housing_delivery_day, p.id LIMIT $6 OFFSET $7",
                   v, DB_NPARAMS(v), read_project, sizeof **items, PROJECT_PER_PAGE, (void **)items, n);
    if (e == OK) mark_late(db, *items, *n);
    return e;
}

static const char *project_audit(struct arena *a, const struct project *p)
{
    char d[11];
    json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:I}", "district_code", p->district_code,
                          "name", p->name, "developer", p->developer, "homes", (json_int_t)p->homes,
                          "facility_area_m2", (json_int_t)p->facility_area_m2, "facility_form",
                          p->facility_form, "status", p->status, "housing_delivery_day",
                          date_format(p->housing_delivery_day, d), "version", (json_int_t)p->version);
    if (!j) return NULL;
    if (p->community_id) json_object_set_new(j, "community_id", json_integer(p->community_id));
    if (p->handed_to) json_object_set_new(j, "handed_to", json_string(p->handed_to));
    if (p->built_day) json_object_set_new(j, "built_day", json_string(date_format(p->built_day, d)));
    if (p->accepted_day) json_object_set_new(j, "accepted_day", json_string(date_format(p->accepted_day, d)));
    if (p->handed_over_day)
        json_object_set_new(j, "handed_over_day", json_string(date_format(p->handed_over_day, d)));
    return json_text(a, j);
}

struct project_op {
    const struct principal *who;
    struct arena *a;
    struct field_errors *fe;
    const struct project_in *in;
    const struct project_move *m;
    int64_t id, expected_version, now, today;
    const char *detail;
};

/* The field problems of a whole project (create, or an update merged with the stored row) into fe; known
 * says whether its district is ours. */
static enum err project_validate(struct db *db, struct arena *a, const struct project_in *in, bool known,
                                 struct field_errors *fe)
{
    fe_check_text(fe, "name", in->name, true, "请填写居住区（项目）名称", FAC_TEXT_MAX);
    fe_check_text(fe, "developer", in->developer, true, "请填写建设单位", FAC_TEXT_MAX);
    fe_check_text(fe, "note", in->note, false, NULL, FAC_NOTE_MAX);
    if (in->homes < 1 || in->homes > FAC_HOMES_MAX) fe_addf(fe, "homes", "户数应为 1 至 %d", FAC_HOMES_MAX);
    if (in->facility_area_m2 < 1 || in->facility_area_m2 > FAC_AREA_MAX)
        fe_addf(fe, "facility_area_m2", "托育设施面积应为 1 至 %d 平方米", FAC_AREA_MAX);
    if (in->facility_form < 0) fe_add(fe, "facility_form", "设置形式应为 standalone 或 with_kindergarten");
    if (in->housing_delivery_day <= 0) fe_add(fe, "housing_delivery_day", "请填写住宅交付日期");
    if (in->community_id > 0) {
        struct community cm;
        enum err e = community_get(db, a, in->community_id, &cm);
        if (e == ERR_NOT_FOUND)
            fe_add(fe, "community_id", "没有这个社区（村）");
        else if (e != OK)
            return e;
        else if (known && strcmp(cm.district_code, in->district_code) != 0)
            fe_add(fe, "community_id", "社区（村）不属于该区县");
    }
    return OK;
}

static enum err project_create_tx(struct db *db, void *p)
{
    struct project_op c = *(struct project_op *)p;
    struct project_op *cp = p;
    const struct project_in *in = c.in;
    bool known;
    enum err e = district_known(db, in->district_code, &known);
    if (e != OK) return e;
    if (!known) fe_add(c.fe, "district_code", "未知的区县");
    e = project_validate(db, c.a, in, known, c.fe);
    if (e != OK) return e;
    if (known && !facilities_may_write(op_role(c.who), own_district(c.who), in->district_code))
        return ERR_FORBIDDEN;
    if (c.fe->n) return ERR_VALIDATION;
    struct db_val v[] = {DBV_TEXT(in->district_code),
                         in->community_id > 0 ? DBV_INT(in->community_id) : DBV_NULL,
                         DBV_TEXT(in->name),
                         DBV_TEXT(in->developer),
                         DBV_INT(in->homes),
                         DBV_INT(in->facility_area_m2),
                         DBV_TEXT(facility_form_names[in->facility_form]),
                         DBV_INT(in->housing_delivery_day),
                         DBV_TEXT(text_blank(in->note) ? NULL : in->note),
                         DBV_INT(c.now)};
    e = db_int_query(db,
                     "INSERT INTO residential_projects (district_code, community_id, name, developer, homes, "
                     "facility_area_m2, facility_form, status, housing_delivery_day, note, version, "
                     "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'planned', $8, $9, 1, $10, "
                     "$10) RETURNING id",
                     v, DB_NPARAMS(v), &cp->id);
    if (e != OK) return e;
    struct project after;
    e = project_get(db, c.a, cp->id, &after);
    if (e != OK) return e;
    return audit_append(db, c.who, "residential_project.create", "residential_project", cp->id, NULL,
                        project_audit(c.a, &after));
}

static enum err project_move_tx(struct db *db, void *p)
{
    struct project_op *c = p;
    const struct project_move *m = c->m;
    struct project cur;
    enum err e = project_get(db, c->a, c->id, &cur);
    if (e != OK) return e;
    unsigned role = c->who ? c->who->role : ROLE_CITY; /* the system acts as the city */
    int from = facilities_name_index(project_status_names, cur.status);
    e = project_check(from, m->to, role);
    if (e == OK && !facilities_may_write(role, own_district(c->who), cur.district_code)) e = ERR_FORBIDDEN;
    if (e == ERR_STATE) {
        c->detail = "当前状态不能变更为该状态（顺序：规划中→已建成→已验收→已移交）";
        return ERR_STATE;
    }
    if (e != OK) return e;
    int64_t prev = m->to == PS_BUILT ? 0 : m->to == PS_ACCEPTED ? cur.built_day : cur.accepted_day;
    int form = facilities_name_index(facility_form_names, cur.facility_form);
    if (!project_move_valid(m->to, m->day, prev, m->handed_to, form, c->today, c->fe)) return ERR_VALIDATION;
    if (m->expected_version && m->expected_version != cur.version) return ERR_CONFLICT;
    const char *col = m->to == PS_BUILT ? "built" : m->to == PS_ACCEPTED ? "accepted" : "handed_over";
    struct db_val v[] = {DBV_INT(c->id),  DBV_TEXT(project_status_names[m->to]),
                         DBV_INT(m->day), DBV_TEXT(m->handed_to >= 0 ? handed_to_names[m->handed_to] : NULL),
                         DBV_INT(c->now), DBV_INT(cur.version),
                         DBV_TEXT(col)};
    e = db_exec(
        db,
        "UPDATE residential_projects SET status = $2, "
        "built_day = CASE WHEN CAST($7 AS TEXT) = 'built' THEN CAST($3 AS BIGINT) ELSE built_day END, "
        "accepted_day = CASE WHEN CAST($7 AS TEXT) = 'accepted' THEN CAST($3 AS BIGINT) "
        "ELSE accepted_day END, "
        "handed_over_day = CASE WHEN CAST($7 AS TEXT) = 'handed_over' THEN CAST($3 AS BIGINT) "
        "ELSE handed_over_day END, "
        "handed_to = COALESCE(CAST($4 AS TEXT), handed_to), updated_at = $5, version = version + 1 "
        "WHERE id = $1 AND version = $6",
        v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    struct project after;
    e = project_get(db, c->a, c->id, &after);
    if (e != OK) return e;
    return audit_append(db, c->who, "residential_project.status", "residential_project", c->id,
                        project_audit(c->a, &cur), project_audit(c->a, &after));
}

static enum err project_update_tx(struct db *db, void *p)
{
    struct project_op *c = p;
    const struct project_in *in = c->in;
    struct project cur;
    enum err e = project_get(db, c->a, c->id, &cur);
    if (e != OK) return e;
    if (!facilities_may_write(op_role(c->who), own_district(c->who), cur.district_code)) return ERR_FORBIDDEN;
    int cur_form = facilities_name_index(facility_form_names, cur.facility_form);
    struct project_in row = {.district_code = cur.district_code,
                             .name = in->name ? in->name : cur.name,
                             .developer = in->developer ? in->developer : cur.developer,
                             .note = in->set_note ? (text_blank(in->note) ? NULL : in->note) : cur.note,
                             .community_id = in->set_community ? in->community_id : cur.community_id,
                             .homes = in->homes ? in->homes : cur.homes,
                             .facility_area_m2 =
                                 in->facility_area_m2 ? in->facility_area_m2 : cur.facility_area_m2,
                             .housing_delivery_day = in->housing_delivery_day ? in->housing_delivery_day
                                                                              : cur.housing_delivery_day,
                             .facility_form = in->facility_form >= 0 ? in->facility_form : cur_form};
    e = project_validate(db, c->a, &row, true, c->fe);
    if (e != OK) return e;
    if (row.facility_form != cur_form && strcmp(cur.status, "handed_over") == 0)
        fe_add(c->fe, "facility_form", "已移交的项目不能更改设置形式");
    if (c->fe->n) return ERR_VALIDATION;
    if (c->expected_version != cur.version) return ERR_CONFLICT;
    struct db_val v[] = {DBV_INT(c->id),
                         row.community_id > 0 ? DBV_INT(row.community_id) : DBV_NULL,
                         DBV_TEXT(row.name),
                         DBV_TEXT(row.developer),
                         DBV_INT(row.homes),
                         DBV_INT(row.facility_area_m2),
                         DBV_TEXT(facility_form_names[row.facility_form]),
                         DBV_INT(row.housing_delivery_day),
                         DBV_TEXT(row.note),
                         DBV_INT(c->now),
                         DBV_INT(cur.version)};
    e = db_exec(db,
                "UPDATE residential_projects SET community_id = $2, name = $3, developer = $4, homes = $5, "
                "facility_area_m2 = $6, facility_form = $7, housing_delivery_day = $8, note = $9, "
                "updated_at = $10, version = version + 1 WHERE id = $1 AND version = $11",
                v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    struct project after;
    e = project_get(db, c->a, c->id, &after);
    if (e != OK) return e;
    return audit_append(db, c->who, "residential_project.update", "residential_project", c->id,
                        project_audit(c->a, &cur), project_audit(c->a, &after));
}

enum err project_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                        const struct project_in *in, int64_t expected_version, struct field_errors *fe,
                        struct project *out)
{
    struct project_op c = {.who = who,
                           .a = a,
                           .fe = fe,
                           .in = in,
                           .id = id,
                           .expected_version = expected_version,
                           .now = clock_now()};
    enum err e = db_tx(db, project_update_tx, &c);
    if (e != OK) return e;
    return project_get(db, a, id, out);
}

enum err project_create(struct db *db, struct arena *a, const struct principal *who,
                        const struct project_in *in, struct field_errors *fe, struct project *out)
{
    struct project_op c = {.who = who, .a = a, .fe = fe, .in = in, .now = clock_now()};
    enum err e = db_tx(db, project_create_tx, &c);
    if (e != OK) return e;
    return project_get(db, a, c.id, out);
}

enum err project_move(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                      const struct project_move *m, struct field_errors *fe, const char **detail,
                      struct project *out)
{
    int64_t now = clock_now();
    struct project_op c = {
        .who = who, .a = a, .fe = fe, .m = m, .id = id, .now = now, .today = clock_day_of(now)};
    enum err e = db_tx(db, project_move_tx, &c);
    if (c.detail && detail) *detail = c.detail;
    if (e != OK) return e;
    return project_get(db, a, id, out);
}

/* ---- Mother-and-baby rooms ----------------------------------------------------------------------------- */

#define ROOM_COLS                                                                                            \
    "m.id, m.district_code, d.name, m.name, m.organisation, m.place_kind, m.address, m.area_m2, m.status, "  \
    "m.promoted_by, m.opened_day, m.note, m.version, m.created_at, m.updated_at"
#define ROOM_FROM " FROM mother_baby_rooms m JOIN districts d ON d.code = m.district_code "

static void read_room(struct db_rows *r, struct arena *a, void *item)
{
    struct room *m = item;
    m->id = db_int(r, 0);
    m->district_code = db_text_dup(r, 1, a);
    m->district_name = db_text_dup(r, 2, a);
    m->name = db_text_dup(r, 3, a);
    m->organisation = db_text_dup(r, 4, a);
    m->place_kind = db_text_dup(r, 5, a);
    m->address = db_text_dup(r, 6, a);
    m->area_m2 = db_int(r, 7);
    m->status = db_text_dup(r, 8, a);
    m->promoted_by = db_text_dup(r, 9, a);
    m->opened_day = int_or_0(r, 10);
    m->note = db_text_dup(r, 11, a);
    m->version = db_int(r, 12);
    m->created_at = db_int(r, 13);
    m->updated_at = db_int(r, 14);
}

enum err room_get(struct db *db, struct arena *a, int64_t id, struct room *out)
{
    struct db_val v[] = {DBV_INT(id)};
    return db_get_one(db, a, "SELECT " ROOM_COLS ROOM_FROM "WHERE m.id = $1", v, 1, read_room, out);
}

#define ROOM_WHERE                                                                                           \
    "WHERE (CAST($1 AS TEXT) IS NULL OR m.district_code = $1) "                                              \
    "AND (CAST($2 AS TEXT) IS NULL OR m.status = $2) AND (CAST($3 AS TEXT) IS NULL OR m.place_kind = $3) "

enum err room_list(struct db *db, struct arena *a, const struct room_filter *f, struct room **items, int *n,
                   int64_t *total)
{
    int page = f->page > 0 ? f->page : 1;
    struct db_val v[] = {DBV_TEXT(f->district), DBV_TEXT(f->status), DBV_TEXT(f->place_kind),
                         DBV_INT(ROOM_PER_PAGE), DBV_INT((int64_t)(page - 1) * ROOM_PER_PAGE)};
    *items = NULL;
    *n = 0;
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM mother_baby_rooms m " ROOM_WHERE, v, 3, total);
    if (e != OK) return e;
    return db_get_all(
        db, a, "SELECT " ROOM_COLS ROOM_FROM ROOM_WHERE "ORDER BY d.sort, m.name, m.id LIMIT $4 OFFSET $5", v,
        DB_NPARAMS(v), read_room, sizeof **items, ROOM_PER_PAGE, (void **)items, n);
}

static const char *room_audit(struct arena *a, const struct room *m)
{
    char d[11];
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:I}", "district_code", m->district_code,
                          "name", m->name, "organisation", m->organisation, "place_kind", m->place_kind,
                          "address", m->address, "area_m2", (json_int_t)m->area_m2, "status", m->status,
                          "promoted_by", m->promoted_by, "version", (json_int_t)m->version);
    if (j && m->opened_day) json_object_set_new(j, "opened_day", json_string(date_format(m->opened_day, d)));
    return json_text(a, j);
}

struct room_op {
    const struct principal *who;
    struct arena *a;
    struct field_errors *fe;
    const struct room_in *in;
    int64_t id, expected_version, now, today;
};

/* May who write a room of district promoted by promoter? Unit officers by their unit, officials by territory.
 */
static bool room_may_write(const struct principal *who, const char *district, const char *promoter)
{
    if (who && who->role == ROLE_UNIT) {
        int p = facilities_unit_promoter(who->unit);
        return p >= 0 && promoter && strcmp(promoter_names[p], promoter) == 0;
    }
    return facilities_may_write(op_role(who), own_district(who), district);
}

static void room_validate(const struct room *m, struct field_errors *fe, int64_t today)
{
    fe_check_text(fe, "name", m->name, true, "请填写母婴室名称", FAC_TEXT_MAX);
    fe_check_text(fe, "organisation", m->organisation, true, "请填写所在单位或场所", FAC_TEXT_MAX);
    fe_check_text(fe, "address", m->address, true, "请填写地址", FAC_TEXT_MAX);
    fe_check_text(fe, "note", m->note, false, NULL, FAC_NOTE_MAX);
    if (facilities_name_index(place_kind_names, m->place_kind) < 0)
        fe_add(fe, "place_kind", "场所类型应为 workplace（用人单位）或 public（公共场所）");
    if (facilities_name_index(room_status_names, m->status) < 0)
        fe_add(fe, "status", "状态应为 planned、open 或 closed");
    if (facilities_name_index(promoter_names, m->promoted_by) < 0)
        fe_add(fe, "promoted_by", "推动单位应为 union、women_federation、health 或 other");
    if (m->area_m2 < 1 || m->area_m2 > 10000) fe_add(fe, "area_m2", "面积应为 1 至 10000 平方米");
    if (m->opened_day > today) fe_add(fe, "opened_day", "启用日期不能晚于今天");
}

static enum err room_create_tx(struct db *db, void *p)
{
    struct room_op *c = p;
    const struct room_in *in = c->in;
    struct room row = {.district_code = in->district_code,
                       .name = in->name,
                       .organisation = in->organisation,
                       .address = in->address,
                       .note = text_blank(in->note) ? NULL : in->note,
                       .place_kind = in->place_kind >= 0 ? place_kind_names[in->place_kind] : NULL,
                       .status = in->status >= 0 ? room_status_names[in->status] : NULL,
                       .promoted_by = in->promoted_by >= 0 ? promoter_names[in->promoted_by] : NULL,
                       .area_m2 = in->area_m2,
                       .opened_day = in->opened_day};
    if (in->status == MB_OPEN && !row.opened_day) row.opened_day = c->today;
    bool known;
    enum err e = district_known(db, in->district_code, &known);
    if (e != OK) return e;
    if (!known) fe_add(c->fe, "district_code", "未知的区县");
    room_validate(&row, c->fe, c->today);
    if (c->who && c->who->role == ROLE_UNIT) {
        if (facilities_unit_promoter(c->who->unit) < 0) return ERR_FORBIDDEN;
        if (row.promoted_by && !room_may_write(c->who, row.district_code, row.promoted_by))
            fe_add(c->fe, "promoted_by", "只能登记本单位推动建设的母婴室");
    } else if (known && !room_may_write(c->who, row.district_code, row.promoted_by)) {
        return ERR_FORBIDDEN;
    }
    if (c->fe->n) return ERR_VALIDATION;
    struct db_val v[] = {DBV_TEXT(row.district_code),
                         DBV_TEXT(row.name),
                         DBV_TEXT(row.organisation),
                         DBV_TEXT(row.place_kind),
                         DBV_TEXT(row.address),
                         DBV_INT(row.area_m2),
                         DBV_TEXT(row.status),
                         DBV_TEXT(row.promoted_by),
                         row.opened_day ? DBV_INT(row.opened_day) : DBV_NULL,
                         DBV_TEXT(row.note),
                         DBV_INT(c->now)};
    e = db_int_query(db,
                     "INSERT INTO mother_baby_rooms (district_code, name, organisation, place_kind, address, "
                     "area_m2, status, promoted_by, opened_day, note, version, created_at, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11) RETURNING id",
                     v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    struct room after;
    e = room_get(db, c->a, c->id, &after);
    if (e != OK) return e;
    return audit_append(db, c->who, "mother_baby_room.create", "mother_baby_room", c->id, NULL,
                        room_audit(c->a, &after));
}

static enum err room_update_tx(struct db *db, void *p)
{
    struct room_op *c = p;
    const struct room_in *in = c->in;
    struct room cur;
    enum err e = room_get(db, c->a, c->id, &cur);
    if (e != OK) return e;
    if (!room_may_write(c->who, cur.district_code, cur.promoted_by)) return ERR_FORBIDDEN;
    struct room row = cur;
    if (in->name) row.name = in->name;
    if (in->organisation) row.organisation = in->organisation;
    if (in->address) row.address = in->address;
    if (in->set_note) row.note = text_blank(in->note) ? NULL : in->note;
    if (in->place_kind >= 0) row.place_kind = place_kind_names[in->place_kind];
    if (in->status >= 0) row.status = room_status_names[in->status];
    if (in->promoted_by >= 0) row.promoted_by = promoter_names[in->promoted_by];
    if (in->area_m2 > 0) row.area_m2 = in->area_m2;
    if (in->set_opened_day) row.opened_day = in->opened_day;
    if (strcmp(row.status, "open") == 0 && !row.opened_day) row.opened_day = c->today;
    room_validate(&row, c->fe, c->today);
    if (c->who && c->who->role == ROLE_UNIT && !room_may_write(c->who, row.district_code, row.promoted_by))
        fe_add(c->fe, "promoted_by", "只能登记本单位推动建设的母婴室");
    if (c->fe->n) return ERR_VALIDATION;
    if (c->expected_version != cur.version) return ERR_CONFLICT;
    struct db_val v[] = {DBV_INT(c->id),
                         DBV_TEXT(row.name),
                         DBV_TEXT(row.organisation),
                         DBV_TEXT(row.place_kind),
                         DBV_TEXT(row.address),
                         DBV_INT(row.area_m2),
                         DBV_TEXT(row.status),
                         DBV_TEXT(row.promoted_by),
                         row.opened_day ? DBV_INT(row.opened_day) : DBV_NULL,
                         DBV_TEXT(row.note),
                         DBV_INT(c->now),
                         DBV_INT(cur.version)};
    e = db_exec(db,
                "UPDATE mother_baby_rooms SET name = $2, organisation = $3, place_kind = $4, address = $5, "
                "area_m2 = $6, status = $7, promoted_by = $8, opened_day = $9, note = $10, updated_at = $11, "
                "version = version + 1 WHERE id = $1 AND version = $12",
                v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    struct room after;
    e = room_get(db, c->a, c->id, &after);
    if (e != OK) return e;
    return audit_append(db, c->who, "mother_baby_room.update", "mother_baby_room", c->id,
                        room_audit(c->a, &cur), room_audit(c->a, &after));
}

enum err room_create(struct db *db, struct arena *a, const struct principal *who, const struct room_in *in,
                     struct field_errors *fe, struct room *out)
{
    int64_t now = clock_now();
    struct room_op c = {.who = who, .a = a, .fe = fe, .in = in, .now = now, .today = clock_day_of(now)};
    enum err e = db_tx(db, room_create_tx, &c);
    if (e != OK) return e;
    return room_get(db, a, c.id, out);
}

enum err room_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                     const struct room_in *in, int64_t expected_version, struct field_errors *fe,
                     struct room *out)
{
    int64_t now = clock_now();
    struct room_op c = {.who = who,
                        .a = a,
                        .fe = fe,
                        .in = in,
                        .id = id,
                        .expected_version = expected_version,
                        .now = now,
                        .today = clock_day_of(now)};
    enum err e = db_tx(db, room_update_tx, &c);
    if (e != OK) return e;
    return room_get(db, a, id, out);
}

/* ---- Coverage per district ----------------------------------------------------------------------------- */

static void read_coverage_row(struct db_rows *r, struct arena *a, void *item)
{
    struct coverage_row *x = item;
    x->district_code = db_text_dup(r, 0, a);
    x->district_name = db_text_dup(r, 1, a);
    x->c.urban = db_int(r, 2);
    x->c.urban_with = db_int(r, 3);
    x->c.rural = db_int(r, 4);
    x->c.rural_with = db_int(r, 5);
    for (int i = 0; i < PS__COUNT; i++)
        x->projects[i] = db_int(r, 6 + i);
    x->late = db_int(r, 10);
    x->rooms_open = db_int(r, 11);
    x->rooms_total = db_int(r, 12);
}

#define COUNT_COMMUNITIES(cond)                                                                              \
    "(SELECT COUNT(*) FROM communities c WHERE c.district_code = d.code AND " cond "), "
#define COUNT_PROJECTS(status)                                                                               \
    "(SELECT COUNT(*) FROM residential_projects p WHERE p.district_code = d.code AND p.status = '" status    \
    "'), "

enum err facilities_coverage_rows(struct db *db, struct arena *a, const char *district,
                                  struct coverage_row **rows, int *n)
{
    struct db_val v[] = {DBV_TEXT(district), DBV_INT(clock_day_of(clock_now())),
                         DBV_INT(facilities_handover_days(db))};
    *rows = NULL;
    *n = 0;
    return db_get_all(
        db, a,
        "SELECT d.code, d.name, " COUNT_COMMUNITIES("c.urban = 1")
            COUNT_COMMUNITIES("c.urban = 1 AND c.has_facility = 1") COUNT_COMMUNITIES("c.urban = 0")
                COUNT_COMMUNITIES("c.urban = 0 AND c.has_facility = 1") COUNT_PROJECTS("planned")
                    COUNT_PROJECTS("built") COUNT_PROJECTS("accepted")
                        COUNT_PROJECTS("handed_over") "(SELECT COUNT(*) FROM residential_projects p WHERE "
                                                      "p.district_code = d.code AND " LATE_SQL(
                                                          2, 3) "), "
                                                                "(SELECT COUNT(*) FROM mother_baby_rooms m "
                                                                "WHERE m.district_code = d.code AND "
                                                                "m.status = 'open'), "
                                                                "(SELECT COUNT(*) FROM mother_baby_rooms m "
                                                                "WHERE m.district_code = d.code) "
                                                                "FROM districts d WHERE (CAST($1 AS TEXT) IS "
                                                                "NULL OR d.code = $1) ORDER BY d.sort",
        v, DB_NPARAMS(v), read_coverage_row, sizeof **rows, 100, (void **)rows, n);
}
