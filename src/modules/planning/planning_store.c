/* Planning storage: the targets (settings), residents and births per district and year, today's places,
 * filed institutions, enrolment and vacancies per district, monthly snapshots for the trends, the births
 * behind the projection, one institution's dashboard figures, and the demo. Each write is one transaction
 * with its audit entry. */
#include "modules/planning/planning.h"

#include "core/clock.h"
#include "modules/institution/inst.h"

#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

/* ---- Settings ------------------------------------------------------------------------------------------ */

#include "modules/reference/settings.h"

void planning_settings_get(struct db *db, struct plan_settings *out)
{
    out->target = settings_get_int(db, PLAN_SETTING_TARGET, PLAN_TARGET_DEFAULT);
    out->year = (int)settings_get_int(db, PLAN_SETTING_TARGET_YEAR, PLAN_TARGET_YEAR_DEFAULT);
    out->target2 = settings_get_int(db, PLAN_SETTING_TARGET2, PLAN_TARGET2_DEFAULT);
    out->year2 = (int)settings_get_int(db, PLAN_SETTING_TARGET2_YEAR, PLAN_TARGET2_YEAR_DEFAULT);
    if (out->target < 1 || out->target > PLAN_TARGET_MAX) out->target = PLAN_TARGET_DEFAULT;
    if (out->target2 < 1 || out->target2 > PLAN_TARGET_MAX) out->target2 = PLAN_TARGET2_DEFAULT;
    if (out->year < PLAN_YEAR_MIN || out->year > PLAN_YEAR_MAX) out->year = PLAN_TARGET_YEAR_DEFAULT;
    if (out->year2 < PLAN_YEAR_MIN || out->year2 > PLAN_YEAR_MAX) out->year2 = PLAN_TARGET2_YEAR_DEFAULT;
}

struct settings_op {
    const struct principal *who;
    const struct plan_settings *in;
    struct plan_settings before;
};

static json_t *settings_json(const struct plan_settings *s)
{
    return json_pack("{s:I, s:i, s:I, s:i}", "target_milli", (json_int_t)s->target, "target_year", s->year,
                     "target2_milli", (json_int_t)s->target2, "target2_year", s->year2);
}

static enum err setting_put(struct db *db, const char *key, int64_t v)
{
    char b[24];
    snprintf(b, sizeof b, "%lld", (long long)v);
    struct db_val p[] = {DBV_TEXT(key), DBV_TEXT(b)};
    return db_exec(db,
                   "INSERT INTO settings (key, value) VALUES ($1, $2) "
                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                   p, 2);
}

static enum err settings_tx(struct db *db, void *p)
{
    struct settings_op *c = p;
    planning_settings_get(db, &c->before);
    enum err e = setting_put(db, PLAN_SETTING_TARGET, c->in->target);
    if (e == OK) e = setting_put(db, PLAN_SETTING_TARGET_YEAR, c->in->year);
    if (e == OK) e = setting_put(db, PLAN_SETTING_TARGET2, c->in->target2);
    if (e == OK) e = setting_put(db, PLAN_SETTING_TARGET2_YEAR, c->in->year2);
    if (e != OK) return e;
    struct arena a;
    arena_init(&a, 0);
    e = audit_append(db, c->who, "planning.settings", "settings", 0, json_text(&a, settings_json(&c->before)),
                     json_text(&a, settings_json(c->in)));
    arena_free(&a);
    return e;
}

enum err planning_settings_set(struct db *db, const struct principal *who, const struct plan_settings *in,
                               struct field_errors *fe)
{
    if (in->target < 1 || in->target > PLAN_TARGET_MAX) fe_add(fe, "target", "目标应在 0.001 至 100 之间");
    if (in->year < PLAN_YEAR_MIN || in->year > PLAN_YEAR_MAX)
        fe_addf(fe, "target_year", "年份应在 %d 至 %d 之间", PLAN_YEAR_MIN, PLAN_YEAR_MAX);
    if (in->target2 < 1 || in->target2 > PLAN_TARGET_MAX) fe_add(fe, "target2", "目标应在 0.001 至 100 之间");
    if (in->year2 < PLAN_YEAR_MIN || in->year2 > PLAN_YEAR_MAX)
        fe_addf(fe, "target2_year", "年份应在 %d 至 %d 之间", PLAN_YEAR_MIN, PLAN_YEAR_MAX);
    else if (in->year2 <= in->year && !fe->n)
        fe_add(fe, "target2_year", "第二目标年份应晚于第一目标年份");
    if (fe->n) return ERR_VALIDATION;
    struct settings_op c = {.who = who, .in = in};
    return db_tx(db, settings_tx, &c);
}

/* ---- Today's figures per district ---------------------------------------------------------------------- */

struct live {
    const char *code;
    int64_t filed, places, inclusive_places, enrolled, vacancies;
};

static void read_live(struct db_rows *r, struct arena *a, void *item)
{
    struct live *l = item;
    l->code = db_text_dup(r, 0, a);
    l->filed = db_int(r, 1);
    l->places = db_int(r, 2);
    l->inclusive_places = db_int(r, 3);
    l->enrolled = db_int(r, 4);
    l->vacancies = db_int(r, 5);
}

/* Filed institutions, their approved places (普惠: the inclusive flag), the children enrolled on day today
 * and the vacancies (per institution places − enrolled, never below 0, summed) per district. Arena. */
static enum err live_figures(struct db *db, struct arena *a, int64_t today, const char *district,
                             struct live **items, int *n)
{
    struct db_val v[] = {DBV_INT(today), DBV_TEXT(district)};
    *items = NULL;
    *n = 0;
    return db_get_all(
        db, a,
        "SELECT i.district_code, COUNT(*), COALESCE(SUM(i.places), 0), "
        "COALESCE(SUM(CASE WHEN i.inclusive = 1 THEN i.places ELSE 0 END), 0), COALESCE(SUM(e.n), 0), "
        "COALESCE(SUM(CASE WHEN i.places > COALESCE(e.n, 0) THEN i.places - COALESCE(e.n, 0) ELSE 0 END), 0) "
        "FROM institutions i LEFT JOIN (SELECT institution_id, COUNT(*) AS n FROM children "
        "WHERE start_on <= $1 AND (end_on IS NULL OR end_on > $1) GROUP BY institution_id) e "
        "ON e.institution_id = i.id WHERE i.state = 'filed' AND (CAST($2 AS TEXT) IS NULL OR "
        "i.district_code = $2) GROUP BY i.district_code",
        v, DB_NPARAMS(v), read_live, sizeof **items, 0, (void **)items, n);
}

static const struct live *live_of(const struct live *l, int n, const char *code)
{
    for (int i = 0; i < n; i++)
        if (strcmp(l[i].code, code) == 0) return &l[i];
    return NULL;
}

/* ---- The planning table -------------------------------------------------------------------------------- */

struct pop {
    const char *code, *source;
    int year;
    int64_t residents, births, version;
};

static void read_pop(struct db_rows *r, struct arena *a, void *item)
{
    struct pop *p = item;
    p->code = db_text_dup(r, 0, a);
    p->year = (int)db_int(r, 1);
    p->residents = db_int(r, 2);
    p->births = db_isnull(r, 3) ? -1 : db_int(r, 3);
    p->source = db_text_dup(r, 4, a);
    p->version = db_int(r, 5);
}

static void derive(struct plan_row *row, const struct plan_settings *s)
{
    row->needed = plan_needed(row->residents, s->target);
    row->gap = plan_gap(row->needed, row->places);
    row->needed2 = plan_needed(row->residents, s->target2);
    row->gap2 = plan_gap(row->needed2, row->places);
    row->per_1000_milli = plan_per_1000_milli(row->places, row->residents);
    row->inclusive_permille = plan_permille(row->inclusive_places, row->places);
}

enum err planning_table(struct db *db, struct arena *a, int year, const char *district,
                        struct plan_table *out)
{
    memset(out, 0, sizeof *out);
    out->year = year;
    planning_settings_get(db, &out->s);
    struct district *ds = NULL;
    int nd = 0;
    enum err e = district_list(db, a, &ds, &nd);
    if (e != OK) return e;
    bool found = district == NULL;
    for (int k = 0; k < nd; k++)
        if (district && strcmp(ds[k].code, district) == 0) found = true;
    if (!found) return ERR_NOT_FOUND;
    struct pop *pops = NULL;
    int np = 0;
    struct db_val v[] = {DBV_INT(year), DBV_TEXT(district)};
    e = db_get_all(db, a,
                   "SELECT district_code, year, residents, births, source, version FROM district_population "
                   "WHERE year <= $1 AND (CAST($2 AS TEXT) IS NULL OR district_code = $2) "
                   "ORDER BY district_code, year",
                   v, 2, read_pop, sizeof *pops, 0, (void **)&pops, &np);
    if (e != OK) return e;
    struct live *lv = NULL;
    int nl = 0;
    e = live_figures(db, a, clock_day_of(clock_now()), district, &lv, &nl);
    if (e != OK) return e;
    out->rows = arena_zalloc(a, (size_t)(nd ? nd : 1) * sizeof *out->rows);
    /* Row k of the table is district k (kept or not); the kept ones are packed at the end. */
    struct code_map dm;
    code_map_build(&dm, a, ds, nd, sizeof *ds, offsetof(struct district, code));
    for (int k = 0; k < nd; k++) {
        struct plan_row *row = &out->rows[k];
        row->code = ds[k].code;
        row->name = ds[k].name;
        row->residents = ds[k].population > 0 ? ds[k].population : 0;
        row->births = -1;
    }
    /* Rows are by district and year: the last one at or before year wins. */
    for (int i = 0; i < np; i++) {
        int k = code_map_find(&dm, pops[i].code);
        if (k < 0) continue;
        struct plan_row *row = &out->rows[k];
        row->residents = pops[i].residents;
        row->residents_year = pops[i].year;
        row->source = pops[i].source;
        if (pops[i].year == year) {
            row->births = pops[i].births;
            row->version = pops[i].version;
        }
    }
    for (int i = 0; i < nl; i++) {
        int k = code_map_find(&dm, lv[i].code);
        if (k < 0) continue;
        struct plan_row *row = &out->rows[k];
        row->filed = lv[i].filed;
        row->places = lv[i].places;
        row->inclusive_places = lv[i].inclusive_places;
        row->enrolled = lv[i].enrolled;
        row->vacancies = lv[i].vacancies;
    }
    struct plan_row *t = &out->total;
    t->name = "全市";
    t->births = 0;
    t->residents_year = 0;
    bool births_all = true;
    for (int k = 0; k < nd; k++) {
        if (district && strcmp(ds[k].code, district) != 0) continue;
        struct plan_row *row = &out->rows[out->n++];
        if (row != &out->rows[k]) *row = out->rows[k];
        if (!row->residents_year && row->residents > 0) row->source = "2020年第七次全国人口普查";
        derive(row, &out->s);
        t->residents += row->residents;
        if (row->births >= 0)
            t->births += row->births;
        else
            births_all = false;
        t->filed += row->filed;
        t->places += row->places;
        t->inclusive_places += row->inclusive_places;
        t->enrolled += row->enrolled;
        t->vacancies += row->vacancies;
    }
    if (!births_all) t->births = -1;
    derive(t, &out->s);
    if (district) *t = out->rows[0];
    return OK;
}

/* Add row's figures into sum (births stay -1 once one is unknown). */
static void add_row(struct plan_row *sum, const struct plan_row *row)
{
    sum->residents += row->residents;
    sum->births = sum->births < 0 || row->births < 0 ? -1 : sum->births + row->births;
    sum->filed += row->filed;
    sum->places += row->places;
    sum->inclusive_places += row->inclusive_places;
    sum->enrolled += row->enrolled;
    sum->vacancies += row->vacancies;
}

void planning_table_regroup(struct plan_table *t, struct arena *a, const struct area_view *v)
{
    bool grouped = v->level < 6;
    int m = grouped ? v->ngroups : 0;
    struct plan_row *rows = arena_zalloc(a, (size_t)(t->n > 0 ? t->n : 1) * sizeof *rows);
    for (int g = 0; g < m; g++) {
        rows[g].code = v->groups[g].code;
        rows[g].name = v->groups[g].name;
    }
    struct plan_row total = {.name = v->area[0] ? "合计" : t->total.name};
    for (int i = 0; i < t->n; i++) {
        int g = v->group_of[i];
        if (g < 0) continue;
        if (grouped)
            add_row(&rows[g], &t->rows[i]);
        else
            rows[m++] = t->rows[i];
        add_row(&total, &t->rows[i]);
    }
    for (int i = 0; grouped && i < m; i++)
        derive(&rows[i], &t->s);
    derive(&total, &t->s);
    t->rows = rows;
    t->n = m;
    t->total = total;
}

static void read_need(struct db_rows *r, struct arena *a, void *item)
{
    struct plan_need *n = item;
    n->code = db_text_dup(r, 0, a);
    int64_t census = db_isnull(r, 1) ? 0 : db_int(r, 1);
    n->residents = db_isnull(r, 2) ? (census > 0 ? census : 0) : db_int(r, 2);
    n->places = db_int(r, 3);
}

enum err planning_needs(struct db *db, struct arena *a, int year, const char *district,
                        struct plan_need **rows, int *n)
{
    struct plan_settings s;
    planning_settings_get(db, &s);
    struct db_val v[] = {DBV_INT(year), DBV_TEXT(district)};
    /* The residents as planning_table reads them: the latest row at or before year, else the census. */
    enum err e = db_get_all(
        db, a,
        "SELECT d.code, d.population, (SELECT p.residents FROM district_population p WHERE p.district_code = "
        "d.code AND p.year <= $1 ORDER BY p.year DESC LIMIT 1), (SELECT COALESCE(SUM(i.places), 0) FROM "
        "institutions i WHERE i.district_code = d.code AND i.state = 'filed') FROM districts d "
        "WHERE CAST($2 AS TEXT) IS NULL OR d.code = $2 ORDER BY d.sort",
        v, 2, read_need, sizeof **rows, 0, (void **)rows, n);
    if (e != OK) return e;
    for (int i = 0; i < *n; i++)
        (*rows)[i].needed = plan_needed((*rows)[i].residents, s.target);
    return OK;
}

enum err planning_needed(struct db *db, const char *district, int year, int64_t *residents, int64_t *needed,
                         int64_t *places)
{
    struct arena a;
    arena_init(&a, 0);
    struct plan_need *rows = NULL;
    int n = 0;
    enum err e = planning_needs(db, &a, year, district, &rows, &n);
    if (e == OK && district && n == 0) e = ERR_NOT_FOUND;
    if (e == OK) {
        struct plan_need t = {0};
        for (int i = 0; i < n; i++) {
            t.residents += rows[i].residents;
            t.places += rows[i].places;
        }
        struct plan_settings s;
        planning_settings_get(db, &s);
        t.needed = plan_needed(t.residents, s.target);
        if (residents) *residents = t.residents;
        if (needed) *needed = t.needed;
        if (places) *places = t.places;
    }
    arena_free(&a);
    return e;
}

/* ---- Residents and births ------------------------------------------------------------------------------ */

struct pop_op {
    const struct principal *who;
    struct arena *a;
    const char *district, *source;
    int year;
    int64_t residents, births, expected_version, now, version;
};

static json_t *pop_json(int64_t residents, int64_t births, const char *source, int64_t version)
{
    json_t *j = json_pack("{s:I, s:s?, s:I}", "residents", (json_int_t)residents, "source", source, "version",
                          (json_int_t)version);
    json_object_set_new(j, "births", births >= 0 ? json_integer(births) : json_null());
    return j;
}

static enum err pop_tx(struct db *db, void *p)
{
    struct pop_op *c = p;
    const char *name;
    enum err e = district_name(db, c->a, c->district, &name);
    if (e != OK) return e;
    if (c->who && c->who->role == ROLE_COUNTY &&
        (!c->who->district || strcmp(c->who->district, c->district) != 0))
        return ERR_FORBIDDEN;
    struct db_val k[] = {DBV_TEXT(c->district), DBV_INT(c->year)};
    struct pop before = {0};
    e = db_get_one(db, c->a,
                   "SELECT district_code, year, residents, births, source, version FROM district_population "
                   "WHERE district_code = $1 AND year = $2",
                   k, 2, read_pop, &before);
    if (e != OK && e != ERR_NOT_FOUND) return e;
    bool existed = e == OK;
    if (c->expected_version && (!existed || before.version != c->expected_version)) return ERR_CONFLICT;
    struct db_val v[] = {DBV_TEXT(c->district),
                         DBV_INT(c->year),
                         DBV_INT(c->residents),
                         c->births >= 0 ? DBV_INT(c->births) : DBV_NULL,
                         DBV_TEXT(c->source && *c->source ? c->source : NULL),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL,
                         DBV_INT(c->now)};
    struct db_rows *r = NULL;
    e = db_query(
        db,
        "INSERT INTO district_population (district_code, year, residents, births, source, updated_by, "
        "created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1) "
        "ON CONFLICT (district_code, year) DO UPDATE SET residents = excluded.residents, "
        "births = excluded.births, source = excluded.source, updated_by = excluded.updated_by, "
        "updated_at = excluded.updated_at, version = district_population.version + 1 "
        "RETURNING id, version",
        v, DB_NPARAMS(v), &r);
    if (e != OK) return e;
    int got = db_next(r);
    int64_t id = got == 1 ? db_int(r, 0) : 0;
    c->version = got == 1 ? db_int(r, 1) : 0;
    e = got == 1 ? OK : got == 0 ? ERR_DB : db_rows_err(r);
    db_done(r);
    if (e != OK) return e;
    return audit_append(
        db, c->who, "planning.population", "district_population", id,
        existed ? json_text(c->a, pop_json(before.residents, before.births, before.source, before.version))
                : NULL,
        json_text(c->a, pop_json(c->residents, c->births, c->source, c->version)));
}

enum err planning_population_put(struct db *db, struct arena *a, const struct principal *who,
                                 const char *district, int year, int64_t residents, int64_t births,
                                 const char *source, int64_t expected_version, struct field_errors *fe,
                                 int64_t *version)
{
    plan_population_check(year, residents, births, source, fe);
    if (fe->n) return ERR_VALIDATION;
    struct pop_op c = {.who = who,
                       .a = a,
                       .district = district,
                       .source = source,
                       .year = year,
                       .residents = residents,
                       .births = births,
                       .expected_version = expected_version,
                       .now = clock_now()};
    enum err e = db_tx(db, pop_tx, &c);
    if (e == OK && version) *version = c.version;
    return e;
}

/* ---- Trends -------------------------------------------------------------------------------------------- */

static void month_fmt(int y, int m, char out[8])
{
    snprintf(out, 8, "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
}

static void month_of_day(int64_t day, char out[8])
{
    int y, m, d;
    days_to_date(day, &y, &m, &d);
    month_fmt(y, m, out);
}

/* The month k months before the month of day (k ≥ 0). */
static void month_back(int64_t day, int k, char out[8])
{
    int y, m, d;
    days_to_date(day, &y, &m, &d);
    int idx = y * 12 + (m - 1) - k;
    month_fmt(idx / 12, idx % 12 + 1, out);
}

static void read_month(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    struct plan_month *m = item;
    const char *s = db_text(r, 0);
    snprintf(m->month, sizeof m->month, "%s", s ? s : "");
    m->filed = db_int(r, 1);
    m->places = db_int(r, 2);
    m->inclusive_places = db_int(r, 3);
    m->enrolled = db_int(r, 4);
    m->vacancies = db_int(r, 5);
}

enum err planning_trends(struct db *db, struct arena *a, const char *district, int months,
                         struct plan_month **items, int *n)
{
    if (months < 1) months = 1;
    if (months > 120) months = 120;
    int64_t today = clock_day_of(clock_now());
    char first[8], cur[8];
    month_back(today, months - 1, first);
    month_of_day(today, cur);
    struct db_val v[] = {DBV_TEXT(first), DBV_TEXT(cur), DBV_TEXT(district)};
    struct plan_month *rec = NULL;
    int nr = 0;
    enum err e = db_get_all(db, a,
                            "SELECT month, SUM(filed_institutions), SUM(places), SUM(inclusive_places), "
                            "SUM(enrolled), SUM(vacancies) FROM planning_snapshots WHERE month >= $1 AND "
                            "month < $2 AND (CAST($3 AS TEXT) IS NULL OR district_code = $3) "
                            "GROUP BY month ORDER BY month",
                            v, DB_NPARAMS(v), read_month, sizeof *rec, 0, (void **)&rec, &nr);
    if (e != OK) return e;
    struct live *lv = NULL;
    int nl = 0;
    e = live_figures(db, a, today, district, &lv, &nl);
    if (e != OK) return e;
    struct plan_month *all = arena_zalloc(a, (size_t)(nr + 1) * sizeof *all);
    if (nr) memcpy(all, rec, (size_t)nr * sizeof *all);
    struct plan_month *now = &all[nr];
    snprintf(now->month, sizeof now->month, "%s", cur);
    now->live = true;
    for (int i = 0; i < nl; i++) {
        now->filed += lv[i].filed;
        now->places += lv[i].places;
        now->inclusive_places += lv[i].inclusive_places;
        now->enrolled += lv[i].enrolled;
        now->vacancies += lv[i].vacancies;
    }
    *items = all;
    *n = nr + 1;
    return OK;
}

struct snap_op {
    const struct principal *who;
    struct arena *a;
    int64_t today, now;
    char month[8];
    int nrows;
};

static enum err snapshot_put(struct db *db, const char *month, const char *code, const struct live *l,
                             int64_t now)
{
    struct db_val v[] = {DBV_TEXT(month),
                         DBV_TEXT(code),
                         DBV_INT(l ? l->filed : 0),
                         DBV_INT(l ? l->places : 0),
                         DBV_INT(l ? l->inclusive_places : 0),
                         DBV_INT(l ? l->enrolled : 0),
                         DBV_INT(l ? l->vacancies : 0),
                         DBV_INT(now)};
    return db_exec(
        db,
        "INSERT INTO planning_snapshots (month, district_code, filed_institutions, places, "
        "inclusive_places, enrolled, vacancies, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT (month, district_code) DO UPDATE SET filed_institutions = "
        "excluded.filed_institutions, places = excluded.places, inclusive_places = "
        "excluded.inclusive_places, enrolled = excluded.enrolled, vacancies = excluded.vacancies, "
        "created_at = excluded.created_at",
        v, DB_NPARAMS(v));
}

static enum err snapshot_tx(struct db *db, void *p)
{
    struct snap_op *c = p;
    struct district *ds = NULL;
    int nd = 0;
    enum err e = district_list(db, c->a, &ds, &nd);
    if (e != OK) return e;
    struct live *lv = NULL;
    int nl = 0;
    e = live_figures(db, c->a, c->today, NULL, &lv, &nl);
    if (e != OK) return e;
    json_t *after = json_object();
    for (int k = 0; k < nd && e == OK; k++) {
        const struct live *l = live_of(lv, nl, ds[k].code);
        e = snapshot_put(db, c->month, ds[k].code, l, c->now);
        json_object_set_new(after, ds[k].code,
                            json_pack("{s:I, s:I, s:I, s:I, s:I}", "filed", (json_int_t)(l ? l->filed : 0),
                                      "places", (json_int_t)(l ? l->places : 0), "inclusive_places",
                                      (json_int_t)(l ? l->inclusive_places : 0), "enrolled",
                                      (json_int_t)(l ? l->enrolled : 0), "vacancies",
                                      (json_int_t)(l ? l->vacancies : 0)));
    }
    c->nrows = nd;
    json_t *j = json_pack("{s:s, s:o}", "month", c->month, "districts", after);
    if (e != OK) {
        json_decref(j);
        return e;
    }
    int64_t id = atoi(c->month) * 100 + atoi(c->month + 5);
    return audit_append(db, c->who, "planning.snapshot", "planning_snapshot", id, NULL, json_text(c->a, j));
}

enum err planning_snapshot_record(struct db *db, const struct principal *who, char month[8])
{
    struct arena a;
    arena_init(&a, 0);
    struct snap_op c = {.who = who, .a = &a, .now = clock_now()};
    c.today = clock_day_of(c.now);
    month_of_day(c.today, c.month);
    enum err e = db_tx(db, snapshot_tx, &c);
    arena_free(&a);
    if (e == OK) memcpy(month, c.month, 8);
    return e;
}

/* ---- Projection ---------------------------------------------------------------------------------------- */

struct births_year {
    int year;
    int64_t births, districts;
};

static void read_births(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    struct births_year *b = item;
    b->year = (int)db_int(r, 0);
    b->births = db_int(r, 1);
    b->districts = db_int(r, 2);
}

enum err planning_projection(struct db *db, struct arena *a, const char *district, int last_year,
                             struct plan_proj_year **items, int *n)
{
    *items = NULL;
    *n = 0;
    struct births_year *b = NULL;
    int nb = 0;
    struct db_val v[] = {DBV_TEXT(district)};
    enum err e = db_get_all(db, a,
                            "SELECT year, SUM(births), COUNT(*) FROM district_population WHERE births IS NOT "
                            "NULL AND (CAST($1 AS TEXT) IS NULL OR district_code = $1) GROUP BY year "
                            "ORDER BY year",
                            v, 1, read_births, sizeof *b, 0, (void **)&b, &nb);
    if (e != OK || nb == 0) return e;
    /* For the city, only the years every recording district recorded: a district missing from one year
     * would read as a fall in births. */
    int64_t most = 0;
    for (int i = 0; i < nb; i++)
        if (b[i].districts > most) most = b[i].districts;
    int *years = arena_alloc(a, (size_t)nb * sizeof *years);
    int64_t *births = arena_alloc(a, (size_t)nb * sizeof *births);
    int m = 0;
    for (int i = 0; i < nb; i++)
        if (b[i].districts == most) {
            years[m] = b[i].year;
            births[m++] = b[i].births;
        }
    *items = arena_zalloc(a, PLAN_PROJ_MAX * sizeof **items);
    *n = plan_project(years, births, m, last_year, *items);
    return OK;
}

/* ---- One institution ----------------------------------------------------------------------------------- */

static void read_inst(struct db_rows *r, struct arena *a, void *item)
{
    struct plan_inst *p = item;
    p->id = db_int(r, 0);
    p->name = db_text_dup(r, 1, a);
    p->district_code = db_text_dup(r, 2, a);
    p->district_name = db_text_dup(r, 3, a);
    p->state = db_text_dup(r, 4, a);
    p->inclusive = db_int(r, 5) != 0;
    p->places = db_int(r, 6);
}

static void read_class(struct db_rows *r, struct arena *a, void *item)
{
    struct plan_class *c = item;
    c->name = db_text_dup(r, 0, a);
    c->type = db_text_dup(r, 1, a);
    c->capacity = db_int(r, 2);
    c->enrolled = db_int(r, 3);
}

struct stay {
    int64_t start, end; /* end 0: still enrolled */
};

static void read_stay(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    struct stay *s = item;
    s->start = db_int(r, 0);
    s->end = db_isnull(r, 1) ? 0 : db_int(r, 1);
}

enum err planning_institution(struct db *db, struct arena *a, int64_t id, struct plan_inst *out)
{
    memset(out, 0, sizeof *out);
    struct db_val v[] = {DBV_INT(id)};
    enum err e =
        db_get_one(db, a,
                   "SELECT i.id, i.name, i.district_code, d.name, i.state, i.inclusive, i.places "
                   "FROM institutions i JOIN districts d ON d.code = i.district_code WHERE i.id = $1",
                   v, 1, read_inst, out);
    if (e != OK) return e;
    int64_t today = clock_day_of(clock_now());
    struct db_val cv[] = {DBV_INT(id), DBV_INT(today)};
    e = db_get_all(db, a,
                   "SELECT c.name, c.type, c.capacity, (SELECT COUNT(*) FROM children ch WHERE ch.class_id = "
                   "c.id AND ch.start_on <= $2 AND (ch.end_on IS NULL OR ch.end_on > $2)) FROM classes c "
                   "WHERE c.institution_id = $1 AND (c.closed_on IS NULL OR c.closed_on > $2) ORDER BY c.id",
                   cv, 2, read_class, sizeof *out->classes, 200, (void **)&out->classes, &out->nclasses);
    if (e != OK) return e;
    struct stay *st = NULL;
    int ns = 0;
    e = db_get_all(db, a, "SELECT start_on, end_on FROM children WHERE institution_id = $1", v, 1, read_stay,
                   sizeof *st, 0, (void **)&st, &ns);
    if (e != OK) return e;
    int y, m, d;
    days_to_date(today, &y, &m, &d);
    for (int k = 0; k < 12; k++) {
        /* The last day of the month 11 − k months back; today for the current month. */
        int idx = y * 12 + (m - 1) - (11 - k);
        int64_t day = k == 11 ? today : date_to_days((idx + 1) / 12, (idx + 1) % 12 + 1, 1) - 1;
        month_back(today, 11 - k, out->months[k]);
        int64_t c = 0;
        for (int i = 0; i < ns; i++)
            if (st[i].start <= day && (st[i].end == 0 || st[i].end > day)) c++;
        out->enrolled_at[k] = c;
    }
    out->enrolled = out->enrolled_at[11];
    out->vacancies = plan_vacancies(out->places, out->enrolled);
    return OK;
}

/* ---- Demo ---------------------------------------------------------------------------------------------- */

/* Residents for the districts without a census figure in districts.population: rough demo estimates, marked
 * as such in the source column (the 2020 census of 丹江口市 and of the two zones is not known here). */
static const struct {
    const char *code;
    int64_t residents;
} demo_estimates[] = {{"420381", 410000}, {"420391", 120000}, {"420392", 52000}};

struct demo_op {
    struct arena *a;
    int64_t today, now;
};

static enum err demo_tx(struct db *db, void *p)
{
    struct demo_op *c = p;
    struct district *ds = NULL;
    int nd = 0;
    enum err e = district_list(db, c->a, &ds, &nd);
    if (e != OK) return e;
    int y0, m0, d0;
    days_to_date(c->today, &y0, &m0, &d0);
    audit_bulk_begin();
    for (int k = 0; k < nd && e == OK; k++) {
        int64_t base = ds[k].population > 0 ? ds[k].population : 0;
        const char *source = "2020年第七次全国人口普查；此后年份为演示推算";
        for (size_t j = 0; j < sizeof demo_estimates / sizeof demo_estimates[0]; j++)
            if (!base && strcmp(demo_estimates[j].code, ds[k].code) == 0) {
                base = demo_estimates[j].residents;
                source = "演示数据（估算）";
            }
        if (!base) continue;
        /* A small fixed variation per district so the lines are not all parallel. */
        int wiggle = (int)(atoi(ds[k].code) % 7) - 3;
        for (int y = 2020; y <= y0 && y <= 2026 && e == OK; y++) {
            int64_t residents = base * (1000 - 4 * (y - 2020)) / 1000;
            /* Births fall from about 1.00% of residents in 2020 to about 0.75% in 2026. */
            int64_t rate = 100 - (25 * (y - 2020) + 3) / 6 + wiggle;
            int64_t births = residents * rate / 10000;
            struct pop_op op = {.a = c->a,
                                .district = ds[k].code,
                                .source =
                                    y == 2020 && ds[k].population > 0 ? "2020年第七次全国人口普查" : source,
                                .year = y,
                                .residents = residents,
                                .births = births,
                                .now = c->now};
            e = pop_tx(db, &op);
        }
    }
    /* 24 monthly snapshots before this month, growing towards today's live figures. */
    struct live *lv = NULL;
    int nl = 0;
    if (e == OK) e = live_figures(db, c->a, c->today, NULL, &lv, &nl);
    static const int season[12] = {10, -25, -10, 0, 5, 5, -15, -30, 15, 20, 15, 10};
    for (int k = 0; k < nd && e == OK; k++) {
        const struct live *l = live_of(lv, nl, ds[k].code);
        if (!l) continue;
        int64_t occ = l->places ? l->enrolled * 1000 / l->places : 0;
        int64_t share = l->places ? l->inclusive_places * 1000 / l->places : 0;
        for (int back = 24; back >= 1 && e == OK; back--) {
            char month[8];
            month_back(c->today, back, month);
            int mon = atoi(month + 5);
            int64_t f = 1000 - 12 * back;
            struct live s = {.code = l->code};
            s.filed = l->filed * f / 1000;
            s.places = l->places * f / 1000;
            int64_t sh = share - 4 * back;
            s.inclusive_places = s.places * (sh > 0 ? sh : 0) / 1000;
            int64_t o = occ - 3 * back + season[(mon + 11) % 12];
            if (o < 0) o = 0;
            if (o > 1000) o = 1000;
            s.enrolled = s.places * o / 1000;
            s.vacancies = s.places - s.enrolled;
            e = snapshot_put(db, month, l->code, &s, c->now);
        }
    }
    if (e == OK)
        e = audit_append(db, NULL, "planning.demo", "planning_snapshot", 0, NULL,
                         "{\"population_years\":\"2020-2026\",\"snapshots\":24}");
    enum err end = audit_bulk_end(db);
    return e != OK ? e : end;
}

enum err planning_demo_load(struct db *db, struct arena *a)
{
    struct demo_op c = {.a = a, .now = clock_now()};
    c.today = clock_day_of(c.now);
    return db_tx(db, demo_tx, &c);
}
