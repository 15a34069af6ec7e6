/* SQL of the registry: institutions, their history, districts and dashboard counts. */
#include "auth/auth.h"
#include "core/clock.h"
#include "modules/compliance/compliance.h"
#include "modules/exchange/exchange.h"
#include "modules/filing/filing.h"
#include "modules/institution/inst.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INST_COLS                                                                                            \
    "i.id, i.uscc, i.name, i.legal_form, i.district_code, d.name, i.address, i.business_scope, "             \
    "i.authority, "                                                                                          \
    "i.registered_on, i.state, i.version, i.created_at, i.updated_at, i.filing_number, i.filed_on, "         \
    "i.current_filing_id, f.status, i.service_types, i.inclusive, i.places, i.min_age_months, "              \
    "i.max_age_months, i.fee_min_fen, i.lat, i.lon, i.provider_kind"
#define INST_FROM                                                                                            \
    " FROM institutions i JOIN districts d ON d.code = i.district_code "                                     \
    "LEFT JOIN filings f ON f.id = i.current_filing_id "
#define NCOLS 27

void inst_read_profile(struct db_rows *r, int col, struct institution *o)
{
    o->service_types = (unsigned)db_int(r, col);
    o->inclusive = db_int(r, col + 1) != 0;
    o->places = db_int(r, col + 2);
    o->min_age_months = db_isnull(r, col + 3) ? 0 : (int)db_int(r, col + 3);
    o->max_age_months = db_isnull(r, col + 4) ? 0 : (int)db_int(r, col + 4);
    o->fee_min_fen = db_isnull(r, col + 5) ? -1 : db_int(r, col + 5);
    o->has_location = !db_isnull(r, col + 6) && !db_isnull(r, col + 7);
    o->lat = o->has_location ? db_real(r, col + 6) : 0;
    o->lon = o->has_location ? db_real(r, col + 7) : 0;
}

static void read_inst(struct db_rows *r, struct arena *a, struct institution *o)
{
    memset(o, 0, sizeof *o);
    o->id = db_int(r, 0);
    o->uscc = db_text_dup(r, 1, a);
    o->name = db_text_dup(r, 2, a);
    o->legal_form = db_text_dup(r, 3, a);
    o->district_code = db_text_dup(r, 4, a);
    o->district_name = db_text_dup(r, 5, a);
    o->address = db_text_dup(r, 6, a);
    o->business_scope = db_text_dup(r, 7, a);
    o->authority = db_text_dup(r, 8, a);
    o->registered_on = db_int(r, 9);
    o->state = db_text_dup(r, 10, a);
    o->version = db_int(r, 11);
    o->created_at = db_int(r, 12);
    o->updated_at = db_int(r, 13);
    o->filing_number = db_text_dup(r, 14, a);
    o->filed_on = db_isnull(r, 15) ? 0 : db_int(r, 15);
    o->current_filing_id = db_isnull(r, 16) ? 0 : db_int(r, 16);
    o->current_filing_status = db_text_dup(r, 17, a);
    inst_read_profile(r, 18, o);
    o->home_based = db_text(r, 26) && strcmp(db_text(r, 26), "home_based") == 0;
}

void inst_filter_init(struct inst_filter *f)
{
    memset(f, 0, sizeof *f);
    f->service_type = -1;
    f->inclusive = -1;
    f->age_months = -1;
    f->max_fee_fen = -1;
    f->page = 1;
    f->per_page = 20;
}

enum err inst_get(struct db *db, struct arena *a, int64_t id, struct institution *out)
{
    struct db_val v[] = {DBV_INT(id)};
    struct db_rows *r = NULL;
    enum err e = db_query(db, "SELECT " INST_COLS INST_FROM "WHERE i.id = $1", v, 1, &r);
    if (e != OK) return e;
    int n = db_next(r);
    if (n == 1) read_inst(r, a, out);
    e = n == 1 ? OK : n == 0 ? ERR_NOT_FOUND : db_rows_err(r);
    db_done(r);
    return e;
}

/* A name fragment for LIKE: \ % _ escaped so that they match themselves on both engines; NULL for none. */
static const char *like_escape(struct arena *a, const char *q)
{
    if (!q || !*q) return NULL;
    char *out = arena_alloc(a, 2 * strlen(q) + 1), *o = out;
    for (; *q; q++) {
        if (*q == '\\' || *q == '%' || *q == '_') *o++ = '\\';
        *o++ = *q;
    }
    *o = 0;
    return out;
}

/* The WHERE of f (alias i) into q: only the filters given, so that a count runs over an index without a test
 * of every parameter on each entry. */
static void list_where(struct db_sqlq *q, struct arena *a, const struct inst_filter *f)
{
    buf_adds(&q->sql, " WHERE 1 = 1");
    if (f->district)
        buf_printf(&q->sql, " AND i.district_code = $%d", db_sqlq_param(q, DBV_TEXT(f->district)));
    if (f->state) buf_printf(&q->sql, " AND i.state = $%d", db_sqlq_param(q, DBV_TEXT(f->state)));
    if (f->service_type >= 0)
        buf_printf(&q->sql, " AND (i.service_types & $%d) <> 0",
                   db_sqlq_param(q, DBV_INT(1 << f->service_type)));
    if (f->inclusive >= 0)
        buf_printf(&q->sql, " AND i.inclusive = $%d", db_sqlq_param(q, DBV_INT(f->inclusive)));
    if (f->age_months >= 0) {
        int k = db_sqlq_param(q, DBV_INT(f->age_months));
        buf_printf(&q->sql, " AND i.min_age_months <= $%d AND i.max_age_months >= $%d", k, k);
    }
    if (f->max_fee_fen >= 0)
        buf_printf(&q->sql, " AND i.fee_min_fen <= $%d", db_sqlq_param(q, DBV_INT(f->max_fee_fen)));
    const char *like = like_escape(a, f->q);
    if (like)
        buf_printf(&q->sql, " AND i.name LIKE '%%' || $%d || '%%' ESCAPE '\\'",
                   db_sqlq_param(q, DBV_TEXT(like)));
    if (f->unfiled_before > 0)
        buf_printf(&q->sql, " AND i.state = 'registered' AND i.registered_on <= $%d",
                   db_sqlq_param(q, DBV_INT(f->unfiled_before)));
    if (f->near) buf_adds(&q->sql, " AND i.lat IS NOT NULL AND i.lon IS NOT NULL");
    if (f->vacancy_types)
        buf_printf(
            &q->sql,
            " AND EXISTS (SELECT 1 FROM classes c WHERE c.institution_id = i.id AND c.closed_on IS NULL "
            "AND ((CASE c.type WHEN 'infant' THEN 1 WHEN 'toddler' THEN 2 WHEN 'older' THEN 4 ELSE 8 END) "
            "& $%d) <> 0 AND c.capacity > (SELECT COUNT(*) FROM children ch WHERE ch.class_id = c.id AND "
            "ch.end_on IS NULL))",
            db_sqlq_param(q, DBV_INT(f->vacancy_types)));
}

enum err inst_list(struct db *db, struct arena *a, const struct inst_filter *f, struct institution **items,
                   int *n, int64_t *total)
{
    int per = f->per_page > 0 && f->per_page <= 100 ? f->per_page : 20;
    int page = f->page > 0 && f->page < 100000 ? f->page : 1;
    *items = arena_alloc(a, (size_t)per * sizeof **items);
    *n = 0;
    struct db_sqlq q = {.sql = BUF_INIT};
    buf_adds(&q.sql, "SELECT COUNT(*) FROM institutions i");
    list_where(&q, a, f);
    enum err e = db_int_query(db, q.sql.p, q.v, q.n, total);
    if (e != OK || *total <= (int64_t)(page - 1) * per) goto done;
    q.sql.len = 0;
    q.n = 0;
    if (f->near) {
        double coslat = cos(f->lat * M_PI / 180.0);
        int la = db_sqlq_param(&q, DBV_REAL(f->lat)), lo = db_sqlq_param(&q, DBV_REAL(f->lon)),
            sc = db_sqlq_param(&q, DBV_REAL(coslat * coslat > 0 ? coslat : 1e-9));
        char dist[160];
        snprintf(dist, sizeof dist,
                 "((i.lat - $%d) * (i.lat - $%d) + (i.lon - $%d) * $%d * (i.lon - $%d) * $%d)", la, la, lo,
                 sc, lo, sc);
        buf_printf(&q.sql, "SELECT " INST_COLS ", %s" INST_FROM, dist);
        list_where(&q, a, f);
        buf_printf(&q.sql, " ORDER BY %s, i.id", dist);
    } else {
        /* The page's ids first, over institutions alone; then their columns. */
        buf_adds(&q.sql, "SELECT " INST_COLS ", 0" INST_FROM "JOIN (SELECT i.id FROM institutions i");
        list_where(&q, a, f);
        buf_adds(&q.sql, " ORDER BY i.id");
    }
    int lim = db_sqlq_param(&q, DBV_INT(per)), off = db_sqlq_param(&q, DBV_INT((int64_t)(page - 1) * per));
    buf_printf(&q.sql, " LIMIT $%d OFFSET $%d", lim, off);
    if (!f->near) buf_adds(&q.sql, ") p ON p.id = i.id ORDER BY i.id");
    struct db_rows *r = NULL;
    e = db_query(db, q.sql.p, q.v, q.n, &r);
    if (e != OK) goto done;
    int k;
    while ((k = db_next(r)) == 1 && *n < per) {
        struct institution *it = &(*items)[(*n)++];
        read_inst(r, a, it);
        /* Squared degrees (longitude scaled) to kilometres: 111.2 km per degree of latitude. */
        if (f->near) it->distance_km = sqrt(db_real(r, NCOLS)) * 111.195;
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
done:
    buf_free(&q.sql);
    return e;
}

enum err inst_history(struct db *db, struct arena *a, int64_t id, struct inst_event **items, int *n)
{
    struct db_val v[] = {DBV_INT(id)};
    int64_t count = 0;
    enum err e =
        db_int_query(db, "SELECT COUNT(*) FROM institution_history WHERE institution_id = $1", v, 1, &count);
    if (e != OK) return e;
    struct db_rows *r = NULL;
    e = db_query(
        db,
        "SELECT at, actor, action, changes FROM institution_history WHERE institution_id = $1 ORDER BY id", v,
        1, &r);
    if (e != OK) return e;
    *items = arena_alloc(a, (size_t)(count + 1) * sizeof **items);
    *n = 0;
    int k;
    while ((k = db_next(r)) == 1 && *n < count) {
        struct inst_event *ev = &(*items)[(*n)++];
        ev->at = db_int(r, 0);
        ev->actor = db_text_dup(r, 1, a);
        ev->action = db_text_dup(r, 2, a);
        ev->changes = db_text_dup(r, 3, a);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

enum err inst_history_add(struct db *db, int64_t id, const char *actor, const char *action,
                          const char *changes)
{
    struct db_val v[] = {DBV_INT(id), DBV_INT(clock_now()), DBV_TEXT(actor), DBV_TEXT(action),
                         DBV_TEXT(changes)};
    enum err e = db_exec(db,
                         "INSERT INTO institution_history (institution_id, at, actor, action, changes) "
                         "VALUES ($1, $2, $3, $4, $5)",
                         v, DB_NPARAMS(v));
    /* The same entry goes to the change feed and the outbox, in this transaction. */
    return e == OK ? feed_emit(db, id, action, changes) : e;
}

/* Every division a deployment can hold: 十堰 has 10, a province about 100, the country about 3,000. */
#define DISTRICTS_MAX 5000

static void read_count(struct db_rows *r, struct arena *a, void *item)
{
    struct inst_count *c = item;
    c->district_code = db_text_dup(r, 0, a);
    c->district_name = db_text_dup(r, 1, a);
    c->registered = db_int(r, 2);
    c->filed = db_int(r, 3);
    c->places = db_int(r, 4);
    c->inclusive_filed = db_int(r, 5);
    c->open_violations = db_int(r, 6);
}

enum err inst_counts(struct db *db, struct arena *a, const char *district, struct inst_count **rows, int *n)
{
    struct db_val v[] = {DBV_TEXT(district)};
    /* Two grouped scans (the registry through its covering index, the open violations through their partial
     * index) joined to the districts, rather than a correlated count per district. A county's figures take
     * the county's index range alone: "$1 IS NULL OR …" would scan the country. */
#define COUNTS_SQL(WHERE_I, AND_I, WHERE_D)                                                                  \
    "SELECT d.code, d.name, COALESCE(c.registered, 0), COALESCE(c.filed, 0), COALESCE(c.places, 0), "        \
    "COALESCE(c.inclusive, 0), COALESCE(v.n, 0) FROM districts d "                                           \
    "LEFT JOIN (SELECT district_code, "                                                                      \
    "SUM(CASE WHEN state = 'registered' THEN 1 ELSE 0 END) AS registered, "                                  \
    "SUM(CASE WHEN state = 'filed' THEN 1 ELSE 0 END) AS filed, "                                            \
    "SUM(CASE WHEN state = 'filed' THEN places ELSE 0 END) AS places, "                                      \
    "SUM(CASE WHEN state = 'filed' AND inclusive = 1 THEN 1 ELSE 0 END) AS inclusive "                       \
    "FROM institutions " WHERE_I " GROUP BY district_code) c "                                               \
    "ON c.district_code = d.code "                                                                           \
    "LEFT JOIN (SELECT i.district_code, COUNT(*) AS n FROM compliance_findings cf JOIN institutions i ON "   \
    "i.id = cf.institution_id WHERE cf.resolved_at IS NULL AND cf.severity = 'violation'" AND_I              \
    " GROUP BY i.district_code) v ON v.district_code = d.code " WHERE_D " ORDER BY d.sort"
    return db_get_all(
        db, a,
        district ? COUNTS_SQL("WHERE district_code = $1", " AND i.district_code = $1", "WHERE d.code = $1")
                 : COUNTS_SQL("", "", ""),
        v, district ? 1 : 0, read_count, sizeof **rows, DISTRICTS_MAX, (void **)rows, n);
#undef COUNTS_SQL
}

static void read_district(struct db_rows *r, struct arena *a, void *item)
{
    struct district *d = item;
    d->code = db_text_dup(r, 0, a);
    d->name = db_text_dup(r, 1, a);
    d->kind = db_text_dup(r, 2, a);
    d->population = db_isnull(r, 3) ? -1 : db_int(r, 3);
    d->version = db_int(r, 4);
}

enum err district_list(struct db *db, struct arena *a, struct district **items, int *n)
{
    return db_get_all(db, a, "SELECT code, name, kind, population, version FROM districts ORDER BY sort",
                      NULL, 0, read_district, sizeof **items, DISTRICTS_MAX, (void **)items, n);
}

enum err district_name(struct db *db, struct arena *a, const char *code, const char **name)
{
    *name = NULL;
    if (!code) return ERR_NOT_FOUND;
    struct db_val v[] = {DBV_TEXT(code)};
    struct db_rows *r = NULL;
    enum err e = db_query(db, "SELECT name FROM districts WHERE code = $1", v, 1, &r);
    if (e != OK) return e;
    int k = db_next(r);
    if (k == 1) *name = db_text_dup(r, 0, a);
    e = k == 1 ? OK : k == 0 ? ERR_NOT_FOUND : db_rows_err(r);
    db_done(r);
    return e;
}

struct edit_ctx {
    const struct principal *who;
    int64_t id, version;
    const struct inst_edit *ed;
};

static enum err edit_tx(struct db *db, void *p)
{
    struct edit_ctx *c = p;
    const struct inst_edit *ed = c->ed;
    struct db_val v[] = {
        DBV_INT(c->id),       DBV_INT(c->version),        DBV_REAL(ed->lat),          DBV_REAL(ed->lon),
        DBV_INT(clock_now()), DBV_BOOL(ed->has_location), DBV_TEXT(ed->provider_kind)};
    enum err e =
        db_exec(db,
                "UPDATE institutions SET "
                "lat = CASE WHEN CAST($6 AS BIGINT) = 1 THEN CAST($3 AS DOUBLE PRECISION) ELSE lat END, "
                "lon = CASE WHEN CAST($6 AS BIGINT) = 1 THEN CAST($4 AS DOUBLE PRECISION) ELSE lon END, "
                "provider_kind = COALESCE(CAST($7 AS TEXT), provider_kind), "
                "updated_at = $5, version = version + 1 WHERE id = $1 AND version = $2",
                v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) {
        int64_t n = 0;
        e = db_int_query(db, "SELECT COUNT(*) FROM institutions WHERE id = $1", v, 1, &n);
        return e != OK ? e : n ? ERR_CONFLICT : ERR_NOT_FOUND;
    }
    json_t *after = json_pack("{s:I}", "version", (json_int_t)c->version + 1);
    if (ed->has_location)
        json_object_set_new(after, "location", json_pack("{s:f, s:f}", "lat", ed->lat, "lon", ed->lon));
    if (ed->provider_kind) json_object_set_new(after, "provider_kind", json_string(ed->provider_kind));
    char *txt = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(9));
    json_decref(after);
    e = inst_history_add(db, c->id, c->who ? c->who->username : "system", "edited", txt);
    if (e == OK) e = audit_append(db, c->who, "institution.edit", "institution", c->id, NULL, txt);
    /* A change of provider kind changes the thresholds that apply (home-based points: 5 children, 1:3). */
    if (e == OK && ed->provider_kind) {
        struct arena a;
        arena_init(&a, 0);
        e = compliance_refresh_in_tx(db, &a, c->id, clock_now());
        arena_free(&a);
    }
    free(txt);
    return e;
}

enum err inst_edit(struct db *db, const struct principal *who, int64_t id, int64_t expected_version,
                   const struct inst_edit *ed)
{
    struct edit_ctx c = {who, id, expected_version, ed};
    return db_tx(db, edit_tx, &c);
}

enum err inst_vacancies(struct db *db, int64_t id, int64_t capacity[4], int64_t enrolled[4], unsigned *known)
{
    struct db_val v[] = {DBV_INT(id)};
    struct db_rows *r = NULL;
    *known = 0;
    for (int t = 0; t < 4; t++)
        capacity[t] = enrolled[t] = 0;
    enum err e = db_query(db,
                          "SELECT c.type, SUM(c.capacity), SUM((SELECT COUNT(*) FROM children ch "
                          "WHERE ch.class_id = c.id AND ch.end_on IS NULL)) FROM classes c "
                          "WHERE c.institution_id = $1 AND c.closed_on IS NULL GROUP BY c.type",
                          v, 1, &r);
    if (e != OK) return e;
    int k;
    while ((k = db_next(r)) == 1) {
        const char *type = db_text(r, 0);
        for (int t = 0; t < 4; t++)
            if (type && strcmp(type, class_type_names[t]) == 0) {
                capacity[t] = db_int(r, 1);
                enrolled[t] = db_int(r, 2);
                *known |= 1u << t;
            }
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

unsigned inst_vacancy_types(int age_months)
{
    unsigned types = 0;
    for (int t = 0; t < CLASS__COUNT; t++) {
        int lo, hi;
        class_type_ages(t, &lo, &hi);
        if (age_months < 0 || (age_months >= lo && age_months <= hi)) types |= 1u << t;
    }
    return types;
}

/* Copies column 0 (a district code, NULL as "") into item, a char[16]. */
static void read_district_code(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    const char *s = db_text(r, 0);
    snprintf(item, 16, "%s", s ? s : "");
}

enum err inst_district_code(struct db *db, int64_t id, char out[16])
{
    struct db_val v[] = {DBV_INT(id)};
    out[0] = 0;
    return db_get_one(db, NULL, "SELECT district_code FROM institutions WHERE id = $1", v, 1,
                      read_district_code, out);
}
