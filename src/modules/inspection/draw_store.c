/* Random draws and their SQL. A draw is one transaction: it reads the register, ranks it (draw_rules.c),
 * stores the draw with every eligible entry, plans one inspection per drawn institution and appends the audit
 * entry — so a published draw and the inspections it made cannot come apart. */
#include "modules/inspection/draw.h"

#include "core/clock.h"
#include "modules/inspection/inspection.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Reading candidates ------------------------------------------------------------------------------- */

/* A candidate read from the register: columns id, label, district. */
static void read_candidate(struct db_rows *r, struct arena *a, void *item)
{
    struct draw_candidate *t = item;
    t->id = db_int(r, 0);
    t->label = db_text_dup(r, 1, a);
    t->group = db_text_dup(r, 2, a);
}

/* ---- Drawing ------------------------------------------------------------------------------------------ */

struct create_ctx {
    const struct principal *who;
    const struct draw_params *p;
    const char *seed;
    struct arena a;
    int64_t id;
    /* Why the draw was refused (ERR_VALIDATION): */
    int64_t eligible_insts, eligible_inspectors;
    bool too_few_insts, too_few_inspectors;
    const char *short_district; /* a city-wide draw: the district short of inspectors */
};

static enum err store_entries(struct db *db, int64_t draw_id, int kind, const struct draw_candidate *c, int n)
{
    for (int i = 0; i < n; i++) {
        struct db_val v[] = {
            DBV_INT(draw_id),     DBV_TEXT(draw_kind_names[kind]), DBV_INT(c[i].id),    DBV_TEXT(c[i].label),
            DBV_TEXT(c[i].score), DBV_BOOL(c[i].selected),         DBV_TEXT(c[i].group)};
        enum err e = db_exec(db,
                             "INSERT INTO draw_entries (draw_id, kind, ref_id, label, score, selected, "
                             "district_code) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                             v, DB_NPARAMS(v));
        if (e != OK) return e;
    }
    return OK;
}

static enum err create_tx(struct db *db, void *pc)
{
    struct create_ctx *c = pc;
    const struct draw_params *p = c->p;
    c->too_few_insts = c->too_few_inspectors = false;
    c->short_district = NULL;
    struct draw_candidate *insts = NULL, *insp = NULL;
    int ninsts = 0, ninsp = 0;
    struct db_val iv[] = {DBV_TEXT(p->district)};
    enum err e = db_get_all(db, &c->a,
                            "SELECT id, name, district_code FROM institutions WHERE state = 'filed' "
                            "AND (CAST($1 AS TEXT) IS NULL OR district_code = $1) ORDER BY id",
                            iv, 1, read_candidate, sizeof *insts, 0, (void **)&insts, &ninsts);
    if (e != OK) return e;
    struct db_val uv[] = {DBV_TEXT(p->department), DBV_TEXT(p->district)};
    e = db_get_all(db, &c->a,
                   "SELECT id, username, district_code FROM users WHERE role = 'inspector' AND disabled = 0 "
                   "AND COALESCE(department_code, 'health') = $1 "
                   "AND (CAST($2 AS TEXT) IS NULL OR district_code = $2) ORDER BY id",
                   uv, 2, read_candidate, sizeof *insp, 0, (void **)&insp, &ninsp);
    if (e != OK) return e;
    c->eligible_insts = ninsts;
    c->eligible_inspectors = ninsp;
    c->too_few_insts = ninsts < p->institutions;
    c->too_few_inspectors = ninsp < p->per_institution;
    if (c->too_few_insts || c->too_few_inspectors) return ERR_VALIDATION;

    int n = (int)p->institutions, k = (int)p->per_institution;
    draw_rank(c->seed, DRAW_INSTITUTION, insts, ninsts, n);
    draw_rank(c->seed, DRAW_INSPECTOR, insp, ninsp, 0);
    int *assigned = arena_alloc(&c->a, (size_t)n * (size_t)k * sizeof *assigned);
    if (draw_assign_all(insts, ninsts, insp, ninsp, k, assigned, &c->short_district) < 0) {
        c->too_few_inspectors = true;
        return ERR_VALIDATION;
    }

    int64_t now = clock_now();
    struct db_val dv[] = {DBV_TEXT(p->title),
                          DBV_TEXT(p->department),
                          DBV_TEXT(p->district),
                          DBV_TEXT(DRAW_METHOD),
                          DBV_TEXT(c->seed),
                          DBV_INT(n),
                          DBV_INT(k),
                          DBV_INT(ninsts),
                          DBV_INT(ninsp),
                          DBV_INT(p->planned_on),
                          DBV_INT(now),
                          c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    e = db_int_query(
        db,
        "INSERT INTO draws (title, department_code, district_code, method, seed, institutions_wanted, "
        "inspectors_per_institution, eligible_institutions, eligible_inspectors, planned_on, "
        "drawn_at, drawn_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
        "RETURNING id",
        dv, DB_NPARAMS(dv), &c->id);
    if (e != OK) return e;
    e = store_entries(db, c->id, DRAW_INSTITUTION, insts, ninsts);
    if (e == OK) e = store_entries(db, c->id, DRAW_INSPECTOR, insp, ninsp);
    if (e != OK) return e;

    json_t *picks = json_array();
    int64_t *ids = arena_alloc(&c->a, (size_t)k * sizeof *ids);
    for (int i = 0, pick = 0; i < ninsts && e == OK; i++) {
        if (!insts[i].selected) continue;
        json_t *who_ids = json_array();
        for (int j = 0; j < k; j++) {
            ids[j] = insp[assigned[pick * k + j]].id;
            json_array_append_new(who_ids, json_integer(ids[j]));
        }
        int64_t inspection_id = 0;
        e = inspection_plan_in_tx(db, c->who, insts[i].id, p->department, "random", p->planned_on, c->id, 0,
                                  ids, k, &inspection_id);
        json_array_append_new(picks,
                              json_pack("{s:I, s:I, s:o}", "institution_id", (json_int_t)insts[i].id,
                                        "inspection_id", (json_int_t)inspection_id, "inspectors", who_ids));
        pick++;
    }
    if (e != OK) {
        json_decref(picks);
        /* The register was read in this transaction, so a refusal here is our bug, not the client's. */
        return e == ERR_VALIDATION ? ERR_INTERNAL : e;
    }
    char pd[11];
    json_t *after =
        json_pack("{s:s, s:s, s:s?, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:o}", "title", p->title, "department",
                  p->department, "district", p->district, "method", DRAW_METHOD, "seed", c->seed,
                  "institutions_wanted", (json_int_t)n, "inspectors_per_institution", (json_int_t)k,
                  "eligible_institutions", (json_int_t)ninsts, "eligible_inspectors", (json_int_t)ninsp,
                  "planned_on", date_format(p->planned_on, pd), "picks", picks);
    char *txt = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(after);
    e = audit_append(db, c->who, "draw.create", "draw", c->id, NULL, txt);
    free(txt);
    return e;
}

enum err draw_create(struct db *db, const struct principal *who, const struct draw_params *p,
                     struct field_errors *fe, int64_t *id)
{
    char seed[DRAW_HEX_LEN + 1];
    if (p->seed) {
        if (!draw_seed_valid(p->seed)) return ERR_INTERNAL;
        memcpy(seed, p->seed, sizeof seed);
    } else {
        /* Chosen once, before the transaction, so that a retried transaction draws with the same seed. */
        unsigned char b[DRAW_HEX_LEN / 2];
        randombytes_buf(b, sizeof b);
        sodium_bin2hex(seed, sizeof seed, b, sizeof b);
    }
    if (p->institutions < 1 || p->institutions > DRAW_MAX_WANTED || p->per_institution < 1 ||
        p->per_institution > DRAW_MAX_PER_INS)
        return ERR_INTERNAL;
    struct create_ctx c = {.who = who, .p = p, .seed = seed};
    arena_init(&c.a, 0);
    enum err e = db_tx(db, create_tx, &c);
    if (e == ERR_VALIDATION) {
        if (c.too_few_insts)
            fe_addf(fe, "institutions", "符合条件的已备案机构只有 %lld 家，少于要抽取的 %lld 家",
                    (long long)c.eligible_insts, (long long)p->institutions);
        if (c.too_few_inspectors && c.short_district)
            fe_addf(fe, "inspectors_per_institution", "区县 %s 符合条件的检查人员少于每家机构所需的 %lld 名",
                    c.short_district, (long long)p->per_institution);
        else if (c.too_few_inspectors)
            fe_addf(fe, "inspectors_per_institution",
                    "符合条件的检查人员只有 %lld 名，少于每家机构所需的 %lld 名",
                    (long long)c.eligible_inspectors, (long long)p->per_institution);
    }
    if (e == OK) *id = c.id;
    arena_free(&c.a);
    return e;
}

/* ---- Reading draws ------------------------------------------------------------------------------------ */

#define DRAW_COLS                                                                                            \
    "d.id, d.title, d.department_code, dp.name, d.district_code, ds.name, d.method, d.seed, "                \
    "d.institutions_wanted, d.inspectors_per_institution, d.eligible_institutions, d.eligible_inspectors, "  \
    "d.planned_on, d.drawn_at FROM draws d JOIN departments dp ON dp.code = d.department_code "              \
    "LEFT JOIN districts ds ON ds.code = d.district_code "

static void read_draw(struct db_rows *r, struct arena *a, void *item)
{
    struct draw_row *o = item;
    memset(o, 0, sizeof *o);
    o->id = db_int(r, 0);
    o->title = db_text_dup(r, 1, a);
    o->department_code = db_text_dup(r, 2, a);
    o->department_name = db_text_dup(r, 3, a);
    o->district_code = db_text_dup(r, 4, a);
    o->district_name = db_text_dup(r, 5, a);
    o->method = db_text_dup(r, 6, a);
    o->seed = db_text_dup(r, 7, a);
    o->institutions_wanted = db_int(r, 8);
    o->inspectors_per_institution = db_int(r, 9);
    o->eligible_institutions = db_int(r, 10);
    o->eligible_inspectors = db_int(r, 11);
    o->planned_on = db_int(r, 12);
    o->drawn_at = db_int(r, 13);
}

enum err draw_list(struct db *db, struct arena *a, const char *district, int64_t before, int limit,
                   struct draw_row **items, int *n)
{
    if (limit < 1) limit = 1;
    struct db_val v[] = {DBV_TEXT(district), DBV_INT(before), DBV_INT(limit)};
    return db_get_all(db, a,
                      "SELECT " DRAW_COLS "WHERE (CAST($1 AS TEXT) IS NULL OR d.district_code = $1 OR "
                      "d.district_code IS NULL) AND (CAST($2 AS BIGINT) <= 0 OR d.id < $2) "
                      "ORDER BY d.id DESC LIMIT $3",
                      v, 3, read_draw, sizeof **items, limit, (void **)items, n);
}

/* An entry of a stored draw: columns ref_id, label, score, selected, district. */
static void read_entry(struct db_rows *r, struct arena *a, void *item)
{
    struct draw_candidate *t = item;
    t->id = db_int(r, 0);
    t->label = db_text_dup(r, 1, a);
    snprintf(t->score, sizeof t->score, "%s", db_text(r, 2) ? db_text(r, 2) : "");
    t->selected = db_int(r, 3) != 0;
    t->group = db_text_dup(r, 4, a);
}

/* The entries of a draw of one kind into *c and *n, sorted by rank, each with the district it had when drawn
 * (so a city-wide draw stays reproducible after an inspector moves). */
static enum err read_entries(struct db *db, struct arena *a, int64_t draw_id, int kind,
                             struct draw_candidate **c, int *n)
{
    struct db_val v[] = {DBV_INT(draw_id), DBV_TEXT(draw_kind_names[kind])};
    enum err e = db_get_all(db, a,
                            "SELECT ref_id, label, score, selected, district_code FROM draw_entries "
                            "WHERE draw_id = $1 AND kind = $2",
                            v, 2, read_entry, sizeof **c, 0, (void **)c, n);
    draw_sort(*c, *n);
    return e;
}

static int by_rank(const void *pa, const void *pb)
{
    const struct draw_candidate *a = *(const struct draw_candidate *const *)pa;
    const struct draw_candidate *b = *(const struct draw_candidate *const *)pb;
    return (a->rank > b->rank) - (a->rank < b->rank);
}

/* The inspection a draw made at an institution: columns id, institution_id, status, inspected_on, result,
 * then the counts of its findings by severity (low to critical). */
struct made_inspection {
    int64_t institution_id;
    struct draw_outcome outcome;
};
static void read_made(struct db_rows *r, struct arena *a, void *item)
{
    struct made_inspection *t = item;
    t->outcome.inspection_id = db_int(r, 0);
    t->institution_id = db_int(r, 1);
    t->outcome.status = db_text_dup(r, 2, a);
    t->outcome.inspected_on = db_isnull(r, 3) ? 0 : db_int(r, 3);
    t->outcome.result = db_text_dup(r, 4, a);
    for (int s = 0; s < 4; s++)
        t->outcome.findings[s] = db_isnull(r, 5 + s) ? 0 : db_int(r, 5 + s);
}

/* An inspector on such an inspection: columns inspection_id, user_id. */
struct made_inspector {
    int64_t inspection_id, user_id;
};
static void read_made_inspector(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    struct made_inspector *t = item;
    t->inspection_id = db_int(r, 0);
    t->user_id = db_int(r, 1);
}

/* The drawn institutions in rank order with their inspections' outcomes and inspectors (as recorded on the
 * inspections, in the inspectors' rank order). */
static enum err read_picks(struct db *db, struct arena *a, struct draw_row *out)
{
    out->picks = arena_zalloc(a, (size_t)(out->ninsts + 1) * sizeof *out->picks);
    for (int i = 0; i < out->ninsts; i++)
        if (out->insts[i].selected) {
            struct draw_pick *p = &out->picks[out->npicks++];
            p->institution = &out->insts[i];
            p->inspectors =
                arena_zalloc(a, (size_t)(out->inspectors_per_institution + 1) * sizeof *p->inspectors);
        }
    struct db_val v[] = {DBV_INT(out->id)};
    struct made_inspection *made;
    int nmade;
    enum err e = db_get_all(
        db, a,
        "SELECT i.id, i.institution_id, i.status, i.inspected_on, i.result, "
        "SUM(CASE WHEN f.severity = 'low' THEN 1 ELSE 0 END), SUM(CASE WHEN f.severity = 'medium' "
        "THEN 1 ELSE 0 "
        "END), SUM(CASE WHEN f.severity = 'high' THEN 1 ELSE 0 END), SUM(CASE WHEN f.severity = "
        "'critical' THEN "
        "1 ELSE 0 END) FROM inspections i LEFT JOIN inspection_findings f ON f.inspection_id = i.id "
        "WHERE i.draw_id = $1 GROUP BY i.id, i.institution_id, i.status, i.inspected_on, i.result "
        "ORDER BY i.id",
        v, 1, read_made, sizeof *made, 0, (void **)&made, &nmade);
    if (e != OK) return e;
    for (int m = 0; m < nmade; m++)
        for (int p = 0; p < out->npicks; p++) {
            struct draw_pick *pk = &out->picks[p];
            if (pk->institution->id == made[m].institution_id && !pk->outcome.inspection_id)
                pk->outcome = made[m].outcome;
        }

    struct made_inspector *ins;
    int nins;
    e = db_get_all(db, a,
                   "SELECT ii.inspection_id, ii.user_id, u.username FROM inspection_inspectors ii "
                   "JOIN inspections i ON i.id = ii.inspection_id JOIN users u ON u.id = ii.user_id "
                   "WHERE i.draw_id = $1 ORDER BY ii.inspection_id, ii.user_id",
                   v, 1, read_made_inspector, sizeof *ins, 0, (void **)&ins, &nins);
    for (int m = 0; m < nins; m++)
        for (int p = 0; p < out->npicks; p++) {
            struct draw_pick *pk = &out->picks[p];
            if (pk->outcome.inspection_id != ins[m].inspection_id ||
                pk->ninspectors >= out->inspectors_per_institution)
                continue;
            const struct draw_candidate *who = NULL;
            for (int j = 0; j < out->ninspectors && !who; j++)
                if (out->inspectors[j].id == ins[m].user_id) who = &out->inspectors[j];
            if (!who) continue; /* added to the inspection later: not part of the draw */
            pk->inspectors[pk->ninspectors++] = who;
        }
    for (int p = 0; p < out->npicks; p++)
        qsort(out->picks[p].inspectors, (size_t)out->picks[p].ninspectors, sizeof *out->picks[p].inspectors,
              by_rank);
    return e;
}

enum err draw_get(struct db *db, struct arena *a, int64_t id, struct draw_row *out)
{
    struct db_val v[] = {DBV_INT(id)};
    enum err e = db_get_one(db, a, "SELECT " DRAW_COLS "WHERE d.id = $1", v, 1, read_draw, out);
    if (e == OK) e = read_entries(db, a, id, DRAW_INSTITUTION, &out->insts, &out->ninsts);
    if (e == OK) e = read_entries(db, a, id, DRAW_INSPECTOR, &out->inspectors, &out->ninspectors);
    if (e == OK) e = read_picks(db, a, out);
    return e;
}

/* ---- Demo --------------------------------------------------------------------------------------------- */

/* A fixed seed: printf '%s' '十堰市卫生健康委员会 托育机构双随机抽查 演示' | sha256sum (any 64 hex digits
 * would do). */
#define DEMO_SEED "f31d9cf7f07e24b387e5e305ae8da4413906648fdce85f2e1b2a895cf7cc556c"

enum err draw_demo_load(struct db *db, struct arena *a)
{
    struct db_val v[] = {DBV_TEXT(DEMO_SEED)};
    int64_t exists = 0;
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM draws WHERE seed = $1", v, 1, &exists);
    if (e != OK || exists) return e;
    int64_t today = clock_day_of(clock_now());
    int y, m, d;
    days_to_date(today, &y, &m, &d);
    static const char *const quarter[] = {"一", "二", "三", "四"};
    struct draw_params p = {
        .title = arena_printf(a, "%d年第%s季度张湾区托育机构卫生健康双随机抽查", y, quarter[(m - 1) / 3]),
        .department = "health",
        .district = "420303",
        .institutions = 5,
        .per_institution = 2,
        .planned_on = today + 14,
        .seed = DEMO_SEED,
    };
    struct field_errors fe;
    fe_init(&fe, a);
    int64_t id = 0;
    return draw_create(db, NULL, &p, &fe, &id);
}
