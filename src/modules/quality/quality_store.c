/* Quality assessment: templates, assessments and ratings, and their SQL. Every write is one transaction
 * with its audit entry (and, for a publication, the institution's history). */
#include "core/clock.h"
#include "db/embedded.h"
#include "modules/institution/inst.h"
#include "modules/quality/quality.h"
#include "modules/reference/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *actor_name(const struct principal *who)
{
    return who ? who->username : "system";
}

/* A JSON value as compact text in the arena (j released); "null" when it cannot be written. */
static const char *dump(struct arena *a, json_t *j)
{
    const char *s = json_text(a, j);
    return s ? s : "null";
}

/* ---- Templates ----------------------------------------------------------------------------------------- */

/* The embedded default template (tools/embed.py names it by its path from data/). */
static const struct embedded_file *default_template_file(void)
{
    return embedded_find(QUALITY_DEFAULT_TEMPLATE);
}

/* Parse a stored template body. A stored body was valid when stored: failure here is our own fault. */
static enum err parse_body(struct arena *a, const char *body, struct quality_template *t)
{
    json_t *j = json_loads(body ? body : "", 0, NULL);
    if (!j) return ERR_INTERNAL;
    struct field_errors fe;
    fe_init(&fe, a);
    bool ok = quality_template_parse(j, a, t, &fe);
    json_decref(j);
    return ok ? OK : ERR_INTERNAL;
}

struct seed_ctx {
    struct arena *a;
    const char *body, *title;
    int64_t indicators;
};

static enum err seed_tx(struct db *db, void *p)
{
    struct seed_ctx *c = p;
    int64_t id = 0;
    struct db_val v[] = {DBV_TEXT(c->title), DBV_TEXT(c->body), DBV_INT(c->indicators),
                         DBV_INT(QUALITY_TOTAL_POINTS), DBV_INT(clock_now())};
    /* Two first requests at once: the second finds version 1 taken and inserts nothing. */
    enum err e =
        db_int_query(db,
                     "INSERT INTO quality_templates (version, title, body, indicators, total_points, "
                     "created_at, created_by) VALUES (1, $1, $2, $3, $4, $5, NULL) "
                     "ON CONFLICT (version) DO NOTHING RETURNING id",
                     v, DB_NPARAMS(v), &id);
    if (e == ERR_NOT_FOUND) return OK;
    if (e != OK) return e;
    const char *after = arena_printf(c->a, "{\"source\":\"%s\",\"version\":1}", QUALITY_DEFAULT_TEMPLATE);
    return audit_append(db, NULL, "quality_template.seed", "quality_template", id, NULL, after);
}

/* Store the embedded default as version 1 when there is no template at all. */
static enum err ensure_template(struct db *db, struct arena *a)
{
    int64_t count = 0;
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM quality_templates", NULL, 0, &count);
    if (e != OK || count > 0) return e;
    const struct embedded_file *f = default_template_file();
    if (!f) return ERR_INTERNAL;
    const char *body = arena_strndup(a, (const char *)f->data, f->len);
    struct quality_template t;
    e = parse_body(a, body, &t);
    if (e != OK) return e;
    struct seed_ctx c = {a, body, t.title, t.ninds};
    return db_tx(db, seed_tx, &c);
}

#define TEMPLATE_COLS                                                                                        \
    "t.id, t.version, t.indicators, t.total_points, t.created_at, t.title, u.username, "                     \
    "(SELECT MAX(version) FROM quality_templates) "
#define TEMPLATE_FROM " FROM quality_templates t LEFT JOIN users u ON u.id = t.created_by "

static void read_template(struct db_rows *r, struct arena *a, void *item)
{
    struct quality_template_row *o = item;
    memset(o, 0, sizeof *o);
    o->id = db_int(r, 0);
    o->version = db_int(r, 1);
    o->indicators = db_int(r, 2);
    o->total_points = db_int(r, 3);
    o->created_at = db_int(r, 4);
    o->title = db_text_dup(r, 5, a);
    o->created_by = db_text_dup(r, 6, a);
    o->active = db_int(r, 7) == o->version;
}

/* TEMPLATE_COLS, then t.body. */
static void read_template_body(struct db_rows *r, struct arena *a, void *item)
{
    read_template(r, a, item);
    ((struct quality_template_row *)item)->body = db_text_dup(r, 8, a);
}

/* The one template row of sql (TEMPLATE_COLS, t.body), seeding the default first; parsed into *t unless t is
 * NULL. */
static enum err template_load(struct db *db, struct arena *a, const char *sql, const struct db_val *v, int nv,
                              struct quality_template_row *row, struct quality_template *t)
{
    enum err e = ensure_template(db, a);
    if (e == OK) e = db_get_one(db, a, sql, v, nv, read_template_body, row);
    if (e != OK || !t) return e;
    e = parse_body(a, row->body, t);
    t->id = row->id;
    t->version = row->version;
    return e;
}

enum err quality_template_active(struct db *db, struct arena *a, struct quality_template *t)
{
    struct quality_template_row row;
    return template_load(db, a,
                         "SELECT " TEMPLATE_COLS ", t.body" TEMPLATE_FROM "ORDER BY t.version DESC LIMIT 1",
                         NULL, 0, &row, t);
}

enum err quality_template_get(struct db *db, struct arena *a, int64_t id, struct quality_template_row *row,
                              struct quality_template *t)
{
    struct db_val v[] = {DBV_INT(id)};
    return template_load(db, a, "SELECT " TEMPLATE_COLS ", t.body" TEMPLATE_FROM "WHERE t.id = $1", v, 1, row,
                         t);
}

enum err quality_template_list(struct db *db, struct arena *a, struct quality_template_row **items, int *n)
{
    enum err e = ensure_template(db, a);
    if (e != OK) return e;
    return db_get_all(db, a, "SELECT " TEMPLATE_COLS TEMPLATE_FROM "ORDER BY t.version DESC", NULL, 0,
                      read_template, sizeof **items, 0, (void **)items, n);
}

struct tcreate_ctx {
    struct arena *a;
    const struct principal *who;
    const char *body;
    const struct quality_template *t;
    int64_t id, version;
};

static enum err tcreate_tx(struct db *db, void *p)
{
    struct tcreate_ctx *c = p;
    enum err e =
        db_int_query(db, "SELECT COALESCE(MAX(version), 0) + 1 FROM quality_templates", NULL, 0, &c->version);
    if (e != OK) return e;
    struct db_val v[] = {DBV_INT(c->version),
                         DBV_TEXT(c->t->title),
                         DBV_TEXT(c->body),
                         DBV_INT(c->t->ninds),
                         DBV_INT(c->t->total_points),
                         DBV_INT(clock_now()),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    e = db_int_query(db,
                     "INSERT INTO quality_templates (version, title, body, indicators, total_points, "
                     "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                     v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    const char *after = dump(c->a, json_pack("{s:I, s:s, s:I}", "version", (json_int_t)c->version, "title",
                                             c->t->title, "indicators", (json_int_t)c->t->ninds));
    return audit_append(db, c->who, "quality_template.create", "quality_template", c->id, NULL, after);
}

enum err quality_template_create(struct db *db, struct arena *a, const struct principal *who, json_t *body,
                                 struct field_errors *fe, struct quality_template_row *out)
{
    struct quality_template t;
    if (!quality_template_parse(body, a, &t, fe)) return ERR_VALIDATION;
    /* Seed first, so that an upload onto an empty table does not take version 1 from under the default. */
    enum err e = ensure_template(db, a);
    if (e != OK) return e;
    struct tcreate_ctx c = {a, who, dump(a, json_incref(body)), &t, 0, 0};
    e = db_tx(db, tcreate_tx, &c);
    if (e != OK) return e;
    return quality_template_get(db, a, c.id, out, NULL);
}

/* ---- Assessments --------------------------------------------------------------------------------------- */

int64_t quality_valid_days(struct db *db)
{
    int64_t d = settings_get_int(db, QUALITY_SETTING_VALID_DAYS, QUALITY_DEFAULT_VALID_DAYS);
    return d > 0 && d <= 36500 ? d : QUALITY_DEFAULT_VALID_DAYS;
}

/* The computed columns of an assessment, as texts for the row. */
struct computed {
    const char *assessors, *subtotals, *vetoes;
    char level[2];
    struct quality_result res;
};

static enum err compute(struct arena *a, const struct quality_template *t, const struct quality_input *in,
                        struct field_errors *fe, struct computed *out)
{
    int64_t today = clock_day_of(clock_now());
    if (in->assessed_on > today) fe_add(fe, "assessed_on", "评估日期不能晚于今天");
    if (!quality_score_compute(t, in->scores, in->nscores, a, &out->res, fe) || fe->n) return ERR_VALIDATION;
    json_t *names = json_array();
    for (int i = 0; i < in->nassessors; i++)
        json_array_append_new(names, json_string(in->assessors[i]));
    out->assessors = dump(a, names);
    json_t *subs = json_array();
    for (int i = 0; i < out->res.ncats; i++)
        json_array_append_new(subs,
                              json_pack("{s:s, s:s, s:I, s:I}", "code", out->res.cats[i].code, "name",
                                        out->res.cats[i].name, "points", (json_int_t)out->res.cats[i].points,
                                        "max", (json_int_t)out->res.cats[i].max));
    out->subtotals = dump(a, subs);
    json_t *vetoes = json_array();
    for (int i = 0; i < out->res.nvetoes; i++)
        json_array_append_new(vetoes, json_string(out->res.vetoes[i]));
    out->vetoes = dump(a, vetoes);
    out->level[0] = out->res.level;
    out->level[1] = 0;
    return OK;
}

static enum err insert_scores(struct db *db, int64_t id, const struct quality_input *in)
{
    for (int i = 0; i < in->nscores; i++) {
        struct db_val v[] = {DBV_INT(id), DBV_TEXT(in->scores[i].indicator), DBV_INT(in->scores[i].points),
                             DBV_TEXT(in->scores[i].note)};
        enum err e = db_exec(db,
                             "INSERT INTO quality_scores (assessment_id, indicator, points, note) "
                             "VALUES ($1, $2, $3, $4)",
                             v, DB_NPARAMS(v));
        if (e != OK) return e;
    }
    return OK;
}

static const char *summary(struct arena *a, int64_t inst, const char *status, int64_t assessed_on,
                           const struct computed *c, int64_t template_version)
{
    char day[11];
    return dump(a, json_pack("{s:I, s:s, s:s, s:I, s:s, s:b, s:I}", "institution_id", (json_int_t)inst,
                             "status", status, "assessed_on", date_format(assessed_on, day), "total",
                             (json_int_t)c->res.total, "level", c->level, "veto", c->res.nvetoes > 0,
                             "template_version", (json_int_t)template_version));
}

struct create_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t inst_id;
    const struct quality_template *t;
    const struct quality_input *in;
    const struct computed *c;
    int64_t id;
};

static enum err create_tx(struct db *db, void *p)
{
    struct create_ctx *c = p;
    struct db_val iv[] = {DBV_INT(c->inst_id)};
    int64_t filed = 0;
    enum err e =
        db_int_query(db, "SELECT CASE WHEN state = 'filed' THEN 1 ELSE 0 END FROM institutions WHERE id = $1",
                     iv, 1, &filed);
    if (e != OK) return e;
    if (!filed) return ERR_STATE;
    int64_t now = clock_now();
    struct db_val v[] = {DBV_INT(c->inst_id),
                         DBV_INT(c->t->id),
                         DBV_INT(c->in->assessed_on),
                         DBV_TEXT(c->c->assessors),
                         DBV_INT(c->c->res.total),
                         DBV_TEXT(c->c->level),
                         DBV_BOOL(c->c->res.nvetoes > 0),
                         DBV_TEXT(c->c->subtotals),
                         DBV_TEXT(c->c->vetoes),
                         DBV_INT(now),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    e = db_int_query(db,
                     "INSERT INTO quality_assessments (institution_id, template_id, status, assessed_on, "
                     "assessors, total, level, veto, subtotals, vetoes, version, created_at, created_by, "
                     "updated_at) VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, 1, $10, $11, $10) "
                     "RETURNING id",
                     v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    e = insert_scores(db, c->id, c->in);
    if (e != OK) return e;
    return audit_append(db, c->who, "quality_assessment.create", "quality_assessment", c->id, NULL,
                        summary(c->a, c->inst_id, "draft", c->in->assessed_on, c->c, c->t->version));
}

enum err quality_assessment_create(struct db *db, struct arena *a, const struct principal *who,
                                   int64_t institution_id, const struct quality_input *in,
                                   struct field_errors *fe, int64_t *id_out)
{
    struct quality_template t;
    enum err e = quality_template_active(db, a, &t);
    if (e != OK) return e;
    struct computed c;
    e = compute(a, &t, in, fe, &c);
    if (e != OK) return e;
    struct create_ctx x = {a, who, institution_id, &t, in, &c, 0};
    e = db_tx(db, create_tx, &x);
    if (e == OK && id_out) *id_out = x.id;
    return e;
}

struct update_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t id, expected_version, inst_id, template_version;
    const struct quality_input *in;
    const struct computed *c;
};

/* What a move of an assessment needs to know of it (check_move). */
struct move {
    int from; /* enum quality_status, -1 unknown */
    int64_t version, inst_id, assessed_on, total;
    const char *level;
    bool veto;
};

static void read_move(struct db_rows *r, struct arena *a, void *item)
{
    struct move *m = item;
    m->from = quality_status_from_name(db_text(r, 0));
    m->version = db_int(r, 1);
    m->inst_id = db_int(r, 2);
    m->assessed_on = db_int(r, 3);
    m->level = db_text_dup(r, 4, a);
    m->total = db_int(r, 5);
    m->veto = db_int(r, 6) != 0;
}

/* An assessment's status, version and result into *m (strings in a), checked against the move wanted. */
static enum err check_move(struct db *db, struct arena *a, int64_t id, int event, const struct principal *who,
                           struct move *m)
{
    struct db_val v[] = {DBV_INT(id)};
    enum err e = db_get_one(db, a,
                            "SELECT status, version, institution_id, assessed_on, level, total, veto "
                            "FROM quality_assessments WHERE id = $1",
                            v, 1, read_move, m);
    if (e != OK) return e;
    /* The command line (demo) acts as the city. */
    if (m->from < 0 || quality_transition(m->from, event, who ? who->role : ROLE_CITY) < 0) return ERR_STATE;
    return OK;
}

static enum err update_tx(struct db *db, void *p)
{
    struct update_ctx *c = p;
    struct move m;
    enum err e = check_move(db, c->a, c->id, QE_EDIT, c->who, &m);
    if (e != OK) return e;
    if (m.version != c->expected_version) return ERR_CONFLICT;
    struct db_val v[] = {DBV_INT(c->id),
                         DBV_INT(c->in->assessed_on),
                         DBV_TEXT(c->c->assessors),
                         DBV_INT(c->c->res.total),
                         DBV_TEXT(c->c->level),
                         DBV_BOOL(c->c->res.nvetoes > 0),
                         DBV_TEXT(c->c->subtotals),
                         DBV_TEXT(c->c->vetoes),
                         DBV_INT(clock_now())};
    e = db_exec(
        db,
        "UPDATE quality_assessments SET assessed_on = $2, assessors = $3, total = $4, level = $5, "
        "veto = $6, subtotals = $7, vetoes = $8, updated_at = $9, version = version + 1 WHERE id = $1",
        v, DB_NPARAMS(v));
    if (e != OK) return e;
    struct db_val dv[] = {DBV_INT(c->id)};
    e = db_exec(db, "DELETE FROM quality_scores WHERE assessment_id = $1", dv, 1);
    if (e == OK) e = insert_scores(db, c->id, c->in);
    if (e != OK) return e;
    return audit_append(db, c->who, "quality_assessment.edit", "quality_assessment", c->id, NULL,
                        summary(c->a, m.inst_id, "draft", c->in->assessed_on, c->c, c->template_version));
}

enum err quality_assessment_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                                   int64_t expected_version, const struct quality_input *in,
                                   struct field_errors *fe)
{
    struct quality_assessment cur;
    enum err e = quality_assessment_get(db, a, id, &cur);
    if (e != OK) return e;
    /* A published assessment is immutable whatever the body says. */
    if (quality_transition(quality_status_from_name(cur.status), QE_EDIT, who ? who->role : ROLE_CITY) < 0)
        return ERR_STATE;
    struct quality_template_row row;
    struct quality_template t;
    e = quality_template_get(db, a, cur.template_id, &row, &t);
    if (e != OK) return e;
    struct computed c;
    e = compute(a, &t, in, fe, &c);
    if (e != OK) return e;
    struct update_ctx x = {a, who, id, expected_version, cur.institution_id, t.version, in, &c};
    return db_tx(db, update_tx, &x);
}

struct publish_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t id;
};

static enum err publish_tx(struct db *db, void *p)
{
    struct publish_ctx *c = p;
    struct move m;
    enum err e = check_move(db, c->a, c->id, QE_PUBLISH, c->who, &m);
    if (e != OK) return e;
    /* The rating is the latest assessment: one dated before the current rating cannot replace it. */
    struct db_val lv[] = {DBV_INT(m.inst_id), DBV_INT(m.assessed_on)};
    int64_t later = 0;
    e = db_int_query(db,
                     "SELECT COUNT(*) FROM quality_assessments WHERE institution_id = $1 AND "
                     "status = 'published' AND assessed_on > $2",
                     lv, 2, &later);
    if (e != OK) return e;
    if (later > 0) return ERR_STATE;
    int64_t now = clock_now();
    struct db_val sv[] = {DBV_INT(m.inst_id), DBV_INT(c->id), DBV_INT(now)};
    e = db_exec(db,
                "UPDATE quality_assessments SET status = 'superseded', superseded_by = $2, updated_at = $3, "
                "version = version + 1 WHERE institution_id = $1 AND status = 'published'",
                sv, 3);
    if (e != OK) return e;
    struct db_val v[] = {DBV_INT(c->id), DBV_INT(now), c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    e = db_exec(db,
                "UPDATE quality_assessments SET status = 'published', published_at = $2, published_by = $3, "
                "updated_at = $2, version = version + 1 WHERE id = $1",
                v, DB_NPARAMS(v));
    if (e != OK) return e;
    char d[11];
    const char *after = dump(c->a, json_pack("{s:I, s:s, s:I, s:b, s:s}", "assessment_id", (json_int_t)c->id,
                                             "level", m.level ? m.level : "", "total", (json_int_t)m.total,
                                             "veto", m.veto, "assessed_on", date_format(m.assessed_on, d)));
    e = inst_history_add(db, m.inst_id, actor_name(c->who), "quality_published", after);
    if (e != OK) return e;
    return audit_append(db, c->who, "quality_assessment.publish", "quality_assessment", c->id, NULL, after);
}

enum err quality_assessment_publish(struct db *db, const struct principal *who, int64_t id)
{
    struct arena a;
    arena_init(&a, 0);
    struct publish_ctx c = {&a, who, id};
    enum err e = db_tx(db, publish_tx, &c);
    arena_free(&a);
    return e;
}

#define ASSESS_COLS                                                                                          \
    "a.id, a.institution_id, a.template_id, t.version, a.assessed_on, a.total, a.version, a.created_at, "    \
    "a.updated_at, a.published_at, a.status, a.level, a.assessors, a.subtotals, a.vetoes, a.veto, i.name, "  \
    "i.district_code, d.name, u.username "
#define ASSESS_FROM                                                                                          \
    " FROM quality_assessments a JOIN institutions i ON i.id = a.institution_id JOIN districts d ON "        \
    "d.code = i.district_code JOIN quality_templates t ON t.id = a.template_id LEFT JOIN users u ON u.id = " \
    "a.created_by "

static void read_assessment(struct db_rows *r, struct arena *a, void *item)
{
    struct quality_assessment *o = item;
    memset(o, 0, sizeof *o);
    o->id = db_int(r, 0);
    o->institution_id = db_int(r, 1);
    o->template_id = db_int(r, 2);
    o->template_version = db_int(r, 3);
    o->assessed_on = db_int(r, 4);
    o->total = db_int(r, 5);
    o->version = db_int(r, 6);
    o->created_at = db_int(r, 7);
    o->updated_at = db_int(r, 8);
    o->published_at = db_isnull(r, 9) ? 0 : db_int(r, 9);
    o->status = db_text_dup(r, 10, a);
    o->level = db_text_dup(r, 11, a);
    o->assessors = db_text_dup(r, 12, a);
    o->subtotals = db_text_dup(r, 13, a);
    o->vetoes = db_text_dup(r, 14, a);
    o->veto = db_int(r, 15) != 0;
    o->institution_name = db_text_dup(r, 16, a);
    o->district_code = db_text_dup(r, 17, a);
    o->district_name = db_text_dup(r, 18, a);
    o->created_by = db_text_dup(r, 19, a);
}

static void read_score(struct db_rows *r, struct arena *a, void *item)
{
    struct quality_score *s = item;
    s->indicator = db_text_dup(r, 0, a);
    s->points = db_int(r, 1);
    s->note = db_text_dup(r, 2, a);
}

enum err quality_assessment_get(struct db *db, struct arena *a, int64_t id, struct quality_assessment *out)
{
    struct db_val v[] = {DBV_INT(id)};
    enum err e =
        db_get_one(db, a, "SELECT " ASSESS_COLS ASSESS_FROM "WHERE a.id = $1", v, 1, read_assessment, out);
    if (e != OK) return e;
    return db_get_all(db, a, "SELECT indicator, points, note FROM quality_scores WHERE assessment_id = $1", v,
                      1, read_score, sizeof *out->scores, 0, (void **)&out->scores, &out->nscores);
}

const struct quality_score *quality_score_find(const struct quality_assessment *q, const char *code)
{
    for (int i = 0; q && i < q->nscores; i++)
        if (strcmp(q->scores[i].indicator, code) == 0) return &q->scores[i];
    return NULL;
}

#define ASSESS_WHERE                                                                                         \
    "WHERE (CAST($1 AS TEXT) IS NULL OR i.district_code = $1) AND (CAST($2 AS TEXT) IS NULL OR a.level = "   \
    "$2) AND (CAST($3 AS TEXT) IS NULL OR a.status = $3) AND ($4 = 0 OR (a.status = 'published' AND "        \
    "a.assessed_on <= $5)) AND ($6 = 0 OR a.institution_id = $6) AND ($7 = 0 OR a.status <> 'draft') "

enum err quality_assessment_list(struct db *db, struct arena *a, const struct quality_filter *f,
                                 int64_t today, int64_t valid_days, struct quality_assessment **items, int *n,
                                 int64_t *total)
{
    const int per = 50;
    int page = f->page < 1 || f->page > 100000 ? 1 : f->page;
    struct db_val v[] = {DBV_TEXT(f->district),
                         DBV_TEXT(f->level),
                         DBV_TEXT(f->status),
                         DBV_BOOL(f->due_only),
                         DBV_INT(today - valid_days),
                         DBV_INT(f->institution_id),
                         DBV_BOOL(f->public_only),
                         DBV_INT(per),
                         DBV_INT((int64_t)(page - 1) * per)};
    enum err e = db_int_query(db,
                              "SELECT COUNT(*) FROM quality_assessments a JOIN institutions i ON i.id = "
                              "a.institution_id " ASSESS_WHERE,
                              v, 7, total);
    if (e != OK) return e;
    return db_get_all(db, a,
                      "SELECT " ASSESS_COLS ASSESS_FROM ASSESS_WHERE
                      "ORDER BY a.assessed_on DESC, a.id DESC LIMIT $8 OFFSET $9",
                      v, DB_NPARAMS(v), read_assessment, sizeof **items, per, (void **)items, n);
}

/* ---- The rating ---------------------------------------------------------------------------------------- */

/* a.id, a.level, a.assessed_on, a.veto, a.total, a.subtotals, t.version; the subtotals' JSON read into cats.
 */
static void read_rating(struct db_rows *r, struct arena *a, void *item)
{
    struct quality_rating *o = item;
    o->assessment_id = db_int(r, 0);
    o->level = db_text(r, 1) ? db_text(r, 1)[0] : 'D';
    o->assessed_on = db_int(r, 2);
    o->veto = db_int(r, 3) != 0;
    o->total = db_int(r, 4);
    o->template_version = db_int(r, 6);
    json_t *j = json_loads(db_text(r, 5) ? db_text(r, 5) : "[]", 0, NULL);
    size_t n = json_is_array(j) ? json_array_size(j) : 0;
    o->cats = arena_zalloc(a, (n ? n : 1) * sizeof *o->cats);
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_array_get(j, i);
        struct quality_subtotal *s = &o->cats[o->ncats++];
        const char *code = json_string_value(json_object_get(c, "code"));
        const char *name = json_string_value(json_object_get(c, "name"));
        s->code = arena_strdup(a, code ? code : "");
        s->name = arena_strdup(a, name ? name : "");
        s->points = json_integer_value(json_object_get(c, "points"));
        s->max = json_integer_value(json_object_get(c, "max"));
        o->max += s->max;
    }
    json_decref(j);
}

enum err quality_current_rating(struct db *db, struct arena *a, int64_t institution_id, int64_t today,
                                struct quality_rating *out)
{
    memset(out, 0, sizeof *out);
    struct db_val v[] = {DBV_INT(institution_id)};
    enum err e = db_get_one(db, a,
                            "SELECT a.id, a.level, a.assessed_on, a.veto, a.total, a.subtotals, t.version "
                            "FROM quality_assessments a JOIN quality_templates t ON t.id = a.template_id "
                            "WHERE a.institution_id = $1 AND a.status = 'published' "
                            "ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1",
                            v, 1, read_rating, out);
    if (e != OK) return e;
    int64_t valid = quality_valid_days(db);
    out->due_on = quality_due_on(out->assessed_on, valid);
    out->due = quality_rating_due(out->assessed_on, today, valid);
    return OK;
}

/* ---- Demo ---------------------------------------------------------------------------------------------- */

/* Scores that reach total exactly: full points, less deficit taken from non-basic indicators (half of each
 * first, from a starting point that varies), and, with veto, a basic indicator at 0. */
static void demo_scores(const struct quality_template *t, int64_t total, bool veto, unsigned seed,
                        struct quality_score *s)
{
    int64_t deficit = QUALITY_TOTAL_POINTS - total;
    for (int i = 0; i < t->ninds; i++)
        s[i] = (struct quality_score){t->inds[i].code, t->inds[i].points, NULL};
    if (veto)
        for (int i = 0; i < t->ninds; i++)
            if (t->inds[i].basic) {
                deficit -= s[i].points;
                s[i].points = 0;
                s[i].note = "现场未见有效证明材料";
                break;
            }
    for (int pass = 0; pass < 2 && deficit > 0; pass++)
        for (int j = 0; j < t->ninds && deficit > 0; j++) {
            int i = (int)((seed + (unsigned)j * 7u) % (unsigned)t->ninds);
            if (t->inds[i].basic) continue;
            int64_t take = pass == 0 ? (s[i].points + 1) / 2 : s[i].points;
            if (take > deficit) take = deficit;
            s[i].points -= take;
            deficit -= take;
            if (take && !s[i].note) s[i].note = "需改进";
        }
}

struct demo_inst {
    int64_t id, registered_on;
};

static void read_demo_inst(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    struct demo_inst *d = item;
    d->id = db_int(r, 0);
    d->registered_on = db_int(r, 1);
}

enum err quality_demo_load(struct db *db, struct arena *a)
{
    struct quality_template t;
    enum err e = quality_template_active(db, a, &t);
    if (e != OK) return e;
    struct demo_inst *insts = NULL;
    int n = 0;
    e = db_get_all(db, a,
                   "SELECT id, registered_on FROM institutions WHERE state = 'filed' ORDER BY id LIMIT 40",
                   NULL, 0, read_demo_inst, sizeof *insts, 40, (void **)&insts, &n);
    if (e != OK) return e;

    static const int64_t totals[] = {96, 84, 72, 55, 92, 81, 66, 88, 63, 98};
    static const char *const names[] = {"王丽", "陈刚", "刘芳", "赵强", "孙敏", "周洁", "吴磊", "郑慧"};
    int64_t today = clock_day_of(clock_now());
    struct quality_score *s = arena_alloc(a, (size_t)(t.ninds ? t.ninds : 1) * sizeof *s);
    for (int i = 0; i < n && e == OK; i++) {
        bool veto = i == 7;
        /* Every fifth institution rated long ago (due), when it existed then; every eighth has an older,
         * superseded assessment before its current one. */
        bool old = i % 5 == 2 && insts[i].registered_on <= today - 1300;
        int64_t day = old ? today - 1100 - (i * 37) % 200 : today - 20 - (i * 53) % 700;
        if (day < insts[i].registered_on) day = insts[i].registered_on;
        int rounds = (i % 8 == 3 && insts[i].registered_on <= today - 1500) ? 2 : 1;
        for (int round = 0; round < rounds && e == OK; round++) {
            int64_t on = rounds == 2 && round == 0 ? today - 1400 : day;
            int64_t total = totals[(i + round * 3) % 10];
            demo_scores(&t, total, veto && round == rounds - 1, (unsigned)i * 11u, s);
            const char *who[2] = {names[i % 8], names[(i + 3) % 8]};
            struct quality_input in = {on, who, 2, s, t.ninds};
            struct field_errors fe;
            fe_init(&fe, a);
            int64_t id = 0;
            e = quality_assessment_create(db, a, NULL, insts[i].id, &in, &fe, &id);
            if (e == OK) e = quality_assessment_publish(db, NULL, id);
        }
    }
    return e;
}
