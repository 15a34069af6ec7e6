/* The county assessment's SQL: the raw numbers of every indicator per district (one grouped query per
 * source), the per-year settings and the frozen snapshots. Scores are computed in assessment_rules.c. */
#include "modules/assessment/assessment.h"
#include "modules/guidance/guidance.h"
#include "modules/planning/planning.h"
#include "modules/institution/inst.h"
#include "modules/support/support.h"

#include "core/clock.h"

#include <stdio.h>
#include <stddef.h>
#include <string.h>

/* ---- Settings ------------------------------------------------------------------------------------------ */

enum err asm_settings_get(struct db *db, int year, int64_t w[AI__COUNT], double t[AI__COUNT],
                          bool *configured)
{
    for (int i = 0; i < AI__COUNT; i++) {
        w[i] = asm_rules[i].default_weight;
        t[i] = asm_rules[i].default_target;
    }
    *configured = false;
    struct db_val v[] = {DBV_INT(year)};
    struct db_rows *r = NULL;
    enum err e =
        db_query(db, "SELECT indicator, weight, target FROM assessment_settings WHERE year = $1", v, 1, &r);
    if (e != OK) return e;
    int k;
    while ((k = db_next(r)) == 1) {
        int i = asm_indicator_from_code(db_text(r, 0));
        if (i < 0) continue;
        w[i] = db_int(r, 1);
        t[i] = db_real(r, 2);
        *configured = true;
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

struct settings_ctx {
    const struct principal *who;
    int year;
    const int64_t *w;
    const double *t;
    struct arena a;
};

static enum err frozen_check(struct db *db, int year)
{
    struct db_val v[] = {DBV_INT(year)};
    int64_t n = 0;
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM assessment_snapshots WHERE year = $1", v, 1, &n);
    if (e != OK) return e;
    return n > 0 ? ERR_STATE : OK;
}

static enum err settings_tx(struct db *db, void *vctx)
{
    struct settings_ctx *c = vctx;
    enum err e = frozen_check(db, c->year);
    if (e != OK) return e;
    int64_t ow[AI__COUNT];
    double ot[AI__COUNT];
    bool configured;
    e = asm_settings_get(db, c->year, ow, ot, &configured);
    if (e != OK) return e;
    int64_t now = clock_now();
    json_t *before = json_object(), *after = json_object();
    for (int i = 0; i < AI__COUNT && e == OK; i++) {
        struct db_val v[] = {DBV_INT(c->year), DBV_TEXT(asm_rules[i].code),
                             DBV_INT(c->w[i]), DBV_REAL(c->t[i]),
                             DBV_INT(now),     c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
        e = db_exec(
            db,
            "INSERT INTO assessment_settings (year, indicator, weight, target, updated_at, updated_by) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (year, indicator) DO UPDATE SET weight = "
            "excluded.weight, target = excluded.target, updated_at = excluded.updated_at, updated_by = "
            "excluded.updated_by",
            v, DB_NPARAMS(v));
        json_object_set_new(before, asm_rules[i].code,
                            json_pack("{s:I, s:f}", "weight", (json_int_t)ow[i], "target", ot[i]));
        json_object_set_new(after, asm_rules[i].code,
                            json_pack("{s:I, s:f}", "weight", (json_int_t)c->w[i], "target", c->t[i]));
    }
    if (e != OK) {
        json_decref(before);
        json_decref(after);
        return e;
    }
    /* A year never configured had the defaults: no "before" to record. */
    if (!configured) {
        json_decref(before);
        before = NULL;
    }
    return audit_append(db, c->who, "assessment.settings", "assessment_year", c->year,
                        json_text(&c->a, before), json_text(&c->a, after));
}

enum err asm_settings_set(struct db *db, const struct principal *who, int year, const int64_t w[AI__COUNT],
                          const double t[AI__COUNT])
{
    struct settings_ctx c = {.who = who, .year = year, .w = w, .t = t};
    arena_init(&c.a, 4096);
    enum err e = db_tx(db, settings_tx, &c);
    arena_free(&c.a);
    return e;
}

/* ---- Raw numbers --------------------------------------------------------------------------------------- */

static struct asm_row *row_of(struct asm_board *b, const char *district)
{
    int k = code_map_find(&b->map, district);
    return k >= 0 ? &b->rows[k] : NULL;
}

/* Run a grouped query whose first column is a district code, then integer columns; hand each row to fill. */
typedef void (*fill_fn)(struct asm_row *row, struct db_rows *r);
static enum err grouped(struct db *db, struct asm_board *b, const char *sql, const struct db_val *v, int nv,
                        fill_fn fill)
{
    struct db_rows *r = NULL;
    enum err e = db_query(db, sql, v, nv, &r);
    if (e != OK) return e;
    int k;
    while ((k = db_next(r)) == 1) {
        struct asm_row *row = row_of(b, db_text(r, 0));
        if (row) fill(row, r);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

static void fill_institutions(struct asm_row *row, struct db_rows *r)
{
    int64_t filed = db_int(r, 1), registered = db_int(r, 2), places = db_int(r, 3), incl = db_int(r, 4);
    row->c[AI_PLACES].num = places;
    row->c[AI_INCLUSIVE].num = incl;
    row->c[AI_INCLUSIVE].den = places;
    row->c[AI_FILED].num = filed;
    row->c[AI_FILED].den = filed + registered;
    row->c[AI_INSPECTION].den = filed;
}

static void fill_inspected(struct asm_row *row, struct db_rows *r)
{
    row->c[AI_INSPECTION].num = db_int(r, 1);
}

static void fill_rect(struct asm_row *row, struct db_rows *r)
{
    row->c[AI_RECTIFICATION].den = db_int(r, 1);
    row->c[AI_RECTIFICATION].num = db_int(r, 2);
}

static void fill_complaints(struct asm_row *row, struct db_rows *r)
{
    row->c[AI_COMPLAINTS].den = db_int(r, 1);
    row->c[AI_COMPLAINTS].num = db_int(r, 2);
}

static void fill_tasks(struct asm_row *row, struct db_rows *r)
{
    row->c[AI_TASKS].den += db_int(r, 1);
    row->c[AI_TASKS].num += db_int(r, 2);
}

static enum err raw_numbers(struct db *db, struct arena *a, struct asm_board *b)
{
    int64_t first = date_to_days(b->year, 1, 1), last = date_to_days(b->year, 12, 31);
    /* Registry indicators (1–3) count the registry as it stands now: freezing the year keeps them. */
    enum err e = grouped(db, b,
                         "SELECT district_code, "
                         "SUM(CASE WHEN state = 'filed' THEN 1 ELSE 0 END), "
                         "SUM(CASE WHEN state = 'registered' THEN 1 ELSE 0 END), "
                         "SUM(CASE WHEN state = 'filed' THEN places ELSE 0 END), "
                         "SUM(CASE WHEN state = 'filed' AND inclusive = 1 THEN places ELSE 0 END) "
                         "FROM institutions GROUP BY district_code",
                         NULL, 0, fill_institutions);
    if (e != OK) return e;
    struct db_val days[] = {DBV_INT(first), DBV_INT(last)};
    e = grouped(db, b,
                "SELECT i.district_code, COUNT(*) FROM institutions i WHERE i.state = 'filed' AND EXISTS "
                "(SELECT 1 FROM inspections s WHERE s.institution_id = i.id AND s.status = 'completed' AND "
                "s.inspected_on >= $1 AND s.inspected_on <= $2) GROUP BY i.district_code",
                days, 2, fill_inspected);
    if (e != OK) return e;
    e = grouped(db, b,
                "SELECT i.district_code, COUNT(*), SUM(CASE WHEN o.status = 'accepted' AND o.closed_on <= "
                "o.deadline_on THEN 1 ELSE 0 END) FROM rectification_orders o JOIN institutions i ON i.id = "
                "o.institution_id WHERE o.deadline_on >= $1 AND o.deadline_on <= $2 GROUP BY i.district_code",
                days, 2, fill_rect);
    if (e != OK) return e;
    /* Answered on time: before the end of the due day in China time (UTC+8). */
    e = grouped(db, b,
                "SELECT district_code, COUNT(*), SUM(CASE WHEN answered_at IS NOT NULL AND answered_at < "
                "(due_on + 1) * 86400 - 28800 THEN 1 ELSE 0 END) FROM complaints WHERE due_on >= $1 AND "
                "due_on <= $2 GROUP BY district_code",
                days, 2, fill_complaints);
    if (e != OK) return e;
    /* The county's unit: its task reports of the year (drafts are the unit's own, not counted) and the
     * resolutions it owns that fall due in the year. */
    char like[16];
    snprintf(like, sizeof like, "%04d%%", b->year);
    struct db_val lv[] = {DBV_TEXT(like)};
    e = grouped(db, b,
                "SELECT u.division_code, COUNT(*), SUM(CASE WHEN t.status = 'accepted' THEN 1 ELSE 0 END) "
                "FROM task_reports t JOIN units u ON u.code = t.unit_code WHERE u.division_code IS NOT NULL "
                "AND t.status <> 'draft' AND t.period LIKE $1 GROUP BY u.division_code",
                lv, 1, fill_tasks);
    if (e != OK) return e;
    e = grouped(db, b,
                "SELECT u.division_code, COUNT(*), SUM(CASE WHEN x.status = 'done' AND x.done_on <= "
                "x.deadline_on THEN 1 ELSE 0 END) FROM resolutions x JOIN units u ON u.code = x.owner_unit "
                "WHERE u.division_code IS NOT NULL AND x.deadline_on >= $1 AND x.deadline_on <= $2 "
                "GROUP BY u.division_code",
                days, 2, fill_tasks);
    if (e != OK) return e;
    struct district_count *dem = NULL, *fam = NULL;
    int ndem = 0, nfam = 0;
    e = support_demonstrations_by_district(db, a, b->year, &dem, &ndem);
    if (e == OK) e = guidance_families_by_district(db, a, b->year, &fam, &nfam);
    if (e != OK) return e;
    for (int k = 0; k < b->n; k++) {
        b->rows[k].c[AI_DEMONSTRATION].den = 1;
        /* Families reached by family guidance, per 1,000 of the same residents as the places. */
        b->rows[k].c[AI_GUIDANCE].den = b->rows[k].c[AI_PLACES].den;
    }
    for (int i = 0; i < ndem; i++) {
        struct asm_row *row = row_of(b, dem[i].code);
        if (row) row->c[AI_DEMONSTRATION].num = dem[i].n;
    }
    for (int i = 0; i < nfam; i++) {
        struct asm_row *row = row_of(b, fam[i].code);
        if (row) row->c[AI_GUIDANCE].num = fam[i].n;
    }
    return OK;
}

enum err asm_board_load(struct db *db, struct arena *a, int year, struct asm_board *out)
{
    memset(out, 0, sizeof *out);
    out->year = year;
    out->computed_at = clock_now();
    enum err e = asm_settings_get(db, year, out->weights, out->targets, &out->configured);
    if (e != OK) return e;
    struct district *ds = NULL;
    int nd = 0;
    e = district_list(db, a, &ds, &nd);
    if (e != OK) return e;
    out->rows = arena_zalloc(a, (size_t)(nd ? nd : 1) * sizeof *out->rows);
    out->n = nd;
    /* The residents of the year as planning records them (the latest earlier year's, else the census). */
    struct plan_need *need = NULL;
    int nneed = 0;
    e = planning_needs(db, a, year, NULL, &need, &nneed);
    if (e != OK) return e;
    struct code_map needs;
    code_map_build(&needs, a, need, nneed, sizeof *need, offsetof(struct plan_need, code));
    for (int k = 0; k < nd; k++) {
        out->rows[k].district_code = ds[k].code;
        out->rows[k].district_name = ds[k].name;
        int j = code_map_find(&needs, ds[k].code);
        int64_t residents = j >= 0 ? need[j].residents : 0;
        out->rows[k].population = residents > 0 ? residents : ds[k].population;
        /* A district with residents and no institution has 0 places per 1,000: that is data. */
        out->rows[k].c[AI_PLACES].den = out->rows[k].population > 0 ? out->rows[k].population : 0;
    }
    code_map_build(&out->map, a, out->rows, out->n, sizeof *out->rows,
                   offsetof(struct asm_row, district_code));
    struct db_rows *ur = NULL;
    e = db_query(db, "SELECT code, division_code FROM units WHERE division_code IS NOT NULL", NULL, 0, &ur);
    if (e != OK) return e;
    int k;
    while ((k = db_next(ur)) == 1) {
        struct asm_row *row = row_of(out, db_text(ur, 1));
        if (row) row->unit_code = db_text_dup(ur, 0, a);
    }
    e = k < 0 ? db_rows_err(ur) : OK;
    db_done(ur);
    if (e != OK) return e;
    e = raw_numbers(db, a, out);
    if (e != OK) return e;
    asm_board_score(out);
    return OK;
}

/* ---- Snapshots ----------------------------------------------------------------------------------------- */

static void read_snapshot(struct db_rows *r, struct arena *a, void *item)
{
    struct asm_snapshot *s = item;
    s->year = (int)db_int(r, 0);
    s->scoreboard = db_text_dup(r, 1, a);
    s->frozen_at = db_int(r, 2);
    s->frozen_by = db_text_dup(r, 3, a);
}

enum err asm_snapshot_get(struct db *db, struct arena *a, int year, struct asm_snapshot *out)
{
    memset(out, 0, sizeof *out);
    struct db_val v[] = {DBV_INT(year)};
    return db_get_one(db, a,
                      "SELECT s.year, s.scoreboard, s.frozen_at, u.username FROM assessment_snapshots s "
                      "LEFT JOIN users u ON u.id = s.frozen_by WHERE s.year = $1",
                      v, 1, read_snapshot, out);
}

struct snapshot_ctx {
    const struct principal *who;
    int year;
    const char *scoreboard;
    struct arena a;
};

static enum err snapshot_tx(struct db *db, void *vctx)
{
    struct snapshot_ctx *c = vctx;
    enum err e = frozen_check(db, c->year);
    if (e != OK) return e;
    struct db_val v[] = {DBV_INT(c->year), DBV_TEXT(c->scoreboard), DBV_INT(clock_now()),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    e = db_exec(
        db,
        "INSERT INTO assessment_snapshots (year, scoreboard, frozen_at, frozen_by) VALUES ($1, $2, $3, $4)",
        v, DB_NPARAMS(v));
    if (e == ERR_CONFLICT) return ERR_STATE;
    if (e != OK) return e;
    return audit_append(db, c->who, "assessment.freeze", "assessment_year", c->year, NULL,
                        json_text(&c->a, json_pack("{s:i}", "year", c->year)));
}

enum err asm_snapshot_put(struct db *db, const struct principal *who, int year, const char *scoreboard)
{
    struct snapshot_ctx c = {.who = who, .year = year, .scoreboard = scoreboard};
    arena_init(&c.a, 1024);
    enum err e = db_tx(db, snapshot_tx, &c);
    arena_free(&c.a);
    return e;
}

enum err asm_snapshot_years(struct db *db, struct arena *a, int **years, int *n)
{
    *years = arena_alloc(a, 100 * sizeof **years);
    *n = 0;
    struct db_rows *r = NULL;
    enum err e = db_query(db, "SELECT year FROM assessment_snapshots ORDER BY year DESC", NULL, 0, &r);
    if (e != OK) return e;
    int k;
    while ((k = db_next(r)) == 1 && *n < 100)
        (*years)[(*n)++] = (int)db_int(r, 0);
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

enum err asm_scoreboard(struct db *db, struct arena *a, int year, json_t **out)
{
    *out = NULL;
    struct asm_snapshot s;
    enum err e = asm_snapshot_get(db, a, year, &s);
    if (e == OK) {
        json_error_t je;
        json_t *j = json_loads(s.scoreboard, 0, &je);
        if (!json_is_object(j)) {
            json_decref(j);
            return ERR_INTERNAL;
        }
        json_object_set_new(j, "frozen", json_true());
        json_object_set_new(j, "frozen_at", json_integer(s.frozen_at));
        json_object_set_new(j, "frozen_by", s.frozen_by ? json_string(s.frozen_by) : json_null());
        *out = j;
        return OK;
    }
    if (e != ERR_NOT_FOUND) return e;
    struct asm_board b;
    e = asm_board_load(db, a, year, &b);
    if (e != OK) return e;
    *out = asm_board_json(&b, a);
    return OK;
}

/* ---- Demo ---------------------------------------------------------------------------------------------- */

enum err assessment_demo_load(struct db *db, struct arena *a)
{
    int y, m, d;
    days_to_date(clock_day_of(clock_now()), &y, &m, &d);
    int year = y - 1;
    struct asm_snapshot s;
    enum err e = asm_snapshot_get(db, a, year, &s);
    if (e == OK) return OK;
    if (e != ERR_NOT_FOUND) return e;
    struct asm_board b;
    e = asm_board_load(db, a, year, &b);
    if (e != OK) return e;
    const char *text = json_text(a, asm_board_json(&b, a));
    if (!text) return ERR_NOMEM;
    return asm_snapshot_put(db, NULL, year, text);
}
