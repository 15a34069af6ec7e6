/* The pure rules of quality assessment: template validation, scoring (subtotals, vetoes, level), the due
 * date of a rating, and the workflow of an assessment as a transition table. No I/O. */
#include "auth/auth.h"
#include "modules/quality/quality.h"

#include <string.h>

/* ---- Workflow ------------------------------------------------------------------------------------------ */

const char *const quality_status_names[] = {"draft", "published", "superseded", NULL};
const char *const quality_status_names_zh[] = {"草稿", "已发布", "已被新评估取代", NULL};
const char *const quality_level_names[] = {"A", "B", "C", "D", NULL};

/* A draft is edited and published by an assessor (county official within its district, city anywhere); a
 * published assessment is immutable and only ever superseded, when a newer one of the same institution is
 * published (by the same roles). Nothing leaves superseded. */
static const struct quality_transition transitions[] = {
    {QS_DRAFT, QE_EDIT, QS_DRAFT, QUALITY_ASSESSOR_ROLES},
    {QS_DRAFT, QE_PUBLISH, QS_PUBLISHED, QUALITY_ASSESSOR_ROLES},
    {QS_PUBLISHED, QE_SUPERSEDE, QS_SUPERSEDED, QUALITY_ASSESSOR_ROLES},
};

int quality_transition(int from, int event, unsigned role)
{
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
        if (transitions[i].from == from && transitions[i].event == event && (transitions[i].roles & role))
            return transitions[i].to;
    return -1;
}

const struct quality_transition *quality_transitions(int *n)
{
    if (n) *n = (int)(sizeof transitions / sizeof transitions[0]);
    return transitions;
}

static int name_index(const char *const *names, const char *s)
{
    for (int i = 0; s && names[i]; i++)
        if (strcmp(s, names[i]) == 0) return i;
    return -1;
}

int quality_status_from_name(const char *s)
{
    return name_index(quality_status_names, s);
}

int quality_level_from_name(const char *s)
{
    return name_index(quality_level_names, s);
}

/* ---- Levels and due dates ------------------------------------------------------------------------------ */

char quality_level(const int64_t min[3], int64_t total, bool veto)
{
    if (veto) return 'D';
    for (int i = 0; i < 3; i++)
        if (total >= min[i]) return (char)('A' + i);
    return 'D';
}

int64_t quality_due_on(int64_t assessed_on, int64_t valid_days)
{
    return assessed_on + valid_days;
}

bool quality_rating_due(int64_t assessed_on, int64_t today, int64_t valid_days)
{
    return today >= quality_due_on(assessed_on, valid_days);
}

/* ---- Template parsing ---------------------------------------------------------------------------------- */

static const char *const origins[] = {"standard", "placeholder", NULL};

static const char *check_code(const char *s)
{
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '.' ||
              *p == '-' || *p == '_'))
            return "编码只能含字母、数字、点、连字符和下划线";
    return NULL;
}

struct tpl_ctx {
    struct arena *a;
    struct quality_template *t;
    int cap_cats, cap_items, cap_inds;
    int cur_cat, cur_item;
};

static void *grow(struct arena *a, void *p, int n, int *cap, size_t size)
{
    if (n < *cap) return p;
    int ncap = *cap ? *cap * 2 : 8;
    void *q = arena_zalloc(a, (size_t)ncap * size);
    if (n) memcpy(q, p, (size_t)n * size);
    *cap = ncap;
    return q;
}

static const char *dup(struct arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

static void each_indicator(json_t *v, const char *path, int index, struct field_errors *fe, void *p)
{
    (void)index;
    struct tpl_ctx *c = p;
    struct quality_template *t = c->t;
    t->inds = grow(c->a, t->inds, t->ninds, &c->cap_inds, sizeof *t->inds);
    struct quality_indicator *d = &t->inds[t->ninds++];
    memset(d, 0, sizeof *d);
    d->category = c->cur_cat;
    d->item = c->cur_item;
    int origin = 1;
    const char *code = NULL, *text = NULL, *clause = NULL;
    struct jspec spec[] = {
        {.name = "code", .type = JT_STRING, .dst = &code, .min = 1, .max = 20, .check = check_code},
        JS_STRING("text", &text, 1, 500),
        JS_INT("points", &d->points, 1, QUALITY_TOTAL_POINTS),
        {.name = "basic", .type = JT_BOOL, .flags = JS_OPTIONAL, .dst = &d->basic},
        {.name = "clause",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &clause,
         .min = 1,
         .max = 300},
        {.name = "origin", .type = JT_ENUM, .flags = JS_OPTIONAL, .dst = &origin, .values = origins},
        JS_END,
    };
    if (!json_is_object(v)) {
        fe_add(fe, path, "应为对象");
        return;
    }
    jspec_parse(v, spec, path, fe);
    d->code = dup(c->a, code);
    d->text = dup(c->a, text);
    d->clause = dup(c->a, clause);
    d->origin = origins[origin];
}

static void each_item(json_t *v, const char *path, int index, struct field_errors *fe, void *p)
{
    (void)index;
    struct tpl_ctx *c = p;
    struct quality_template *t = c->t;
    t->items = grow(c->a, t->items, t->nitems, &c->cap_items, sizeof *t->items);
    int me = t->nitems++;
    struct quality_item *d = &t->items[me];
    memset(d, 0, sizeof *d);
    d->category = c->cur_cat;
    d->first = t->ninds;
    c->cur_item = me;
    int origin = 1;
    const char *code = NULL, *name = NULL;
    struct jspec spec[] = {
        {.name = "code", .type = JT_STRING, .dst = &code, .min = 1, .max = 20, .check = check_code},
        JS_STRING("name", &name, 1, 100),
        {.name = "origin", .type = JT_ENUM, .flags = JS_OPTIONAL, .dst = &origin, .values = origins},
        JS_ARRAY("indicators", each_indicator, c, 1, QUALITY_MAX_INDICATORS),
        JS_END,
    };
    if (!json_is_object(v)) {
        fe_add(fe, path, "应为对象");
        return;
    }
    jspec_parse(v, spec, path, fe);
    d = &t->items[me];
    d->code = dup(c->a, code);
    d->name = dup(c->a, name);
    d->origin = origins[origin];
    d->n = t->ninds - d->first;
}

static void each_category(json_t *v, const char *path, int index, struct field_errors *fe, void *p)
{
    (void)index;
    struct tpl_ctx *c = p;
    struct quality_template *t = c->t;
    t->cats = grow(c->a, t->cats, t->ncats, &c->cap_cats, sizeof *t->cats);
    int me = t->ncats++;
    struct quality_category *d = &t->cats[me];
    memset(d, 0, sizeof *d);
    d->first_item = t->nitems;
    c->cur_cat = me;
    int origin = 1;
    const char *code = NULL, *name = NULL;
    struct jspec spec[] = {
        {.name = "code", .type = JT_STRING, .dst = &code, .min = 1, .max = 20, .check = check_code},
        JS_STRING("name", &name, 1, 50),
        {.name = "origin", .type = JT_ENUM, .flags = JS_OPTIONAL, .dst = &origin, .values = origins},
        JS_ARRAY("items", each_item, c, 1, QUALITY_MAX_ITEMS),
        JS_END,
    };
    if (!json_is_object(v)) {
        fe_add(fe, path, "应为对象");
        return;
    }
    jspec_parse(v, spec, path, fe);
    d = &t->cats[me];
    d->code = dup(c->a, code);
    d->name = dup(c->a, name);
    d->origin = origins[origin];
    d->nitems = t->nitems - d->first_item;
}

static void each_levels(json_t *v, const char *path, int index, struct field_errors *fe, void *p)
{
    (void)index;
    struct tpl_ctx *c = p;
    struct jspec spec[] = {
        JS_INT("A", &c->t->level_min[0], 1, QUALITY_TOTAL_POINTS),
        JS_INT("B", &c->t->level_min[1], 1, QUALITY_TOTAL_POINTS),
        JS_INT("C", &c->t->level_min[2], 1, QUALITY_TOTAL_POINTS),
        JS_END,
    };
    if (jspec_parse(v, spec, path, fe) &&
        !(c->t->level_min[0] > c->t->level_min[1] && c->t->level_min[1] > c->t->level_min[2]))
        fe_add(fe, path, "等级分数线应满足 A > B > C");
}

/* Report the second and later uses of a code (codes of categories, items and indicators share one space, so
 * that a score's "indicator" can never be mistaken for an item). */
static void check_unique(const struct quality_template *t, struct field_errors *fe)
{
    int n = t->ncats + t->nitems + t->ninds;
    const char **codes = arena_alloc(fe->a, (size_t)(n ? n : 1) * sizeof *codes);
    const char **paths = arena_alloc(fe->a, (size_t)(n ? n : 1) * sizeof *paths);
    int k = 0;
    for (int ci = 0; ci < t->ncats; ci++) {
        const struct quality_category *cat = &t->cats[ci];
        codes[k] = cat->code;
        paths[k++] = arena_printf(fe->a, "categories[%d].code", ci);
        for (int ii = 0; ii < cat->nitems; ii++) {
            const struct quality_item *it = &t->items[cat->first_item + ii];
            codes[k] = it->code;
            paths[k++] = arena_printf(fe->a, "categories[%d].items[%d].code", ci, ii);
            for (int xi = 0; xi < it->n; xi++) {
                codes[k] = t->inds[it->first + xi].code;
                paths[k++] = arena_printf(fe->a, "categories[%d].items[%d].indicators[%d].code", ci, ii, xi);
            }
        }
    }
    for (int i = 0; i < k; i++) {
        if (!codes[i]) continue;
        for (int j = 0; j < i; j++)
            if (codes[j] && strcmp(codes[i], codes[j]) == 0) {
                fe_addf(fe, paths[i], "编码 %s 重复（已用于 %s）", codes[i], paths[j]);
                break;
            }
    }
    for (int i = 0; i < t->ncats; i++)
        for (int j = 0; j < i; j++)
            if (t->cats[i].name && t->cats[j].name && strcmp(t->cats[i].name, t->cats[j].name) == 0) {
                fe_addf(fe, arena_printf(fe->a, "categories[%d].name", i), "类别名称 %s 重复",
                        t->cats[i].name);
                break;
            }
}

bool quality_template_parse(json_t *body, struct arena *a, struct quality_template *t,
                            struct field_errors *fe)
{
    int before = fe->n;
    memset(t, 0, sizeof *t);
    struct tpl_ctx c = {.a = a, .t = t};
    const char *title = NULL, *basis = NULL, *notes = NULL;
    struct jspec spec[] = {
        JS_STRING("title", &title, 1, 200),
        {.name = "basis",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &basis,
         .min = 1,
         .max = 300},
        {.name = "notes",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &notes,
         .min = 1,
         .max = 4000},
        JS_OBJECT("levels", each_levels, &c),
        JS_ARRAY("categories", each_category, &c, 1, QUALITY_MAX_CATEGORIES),
        JS_END,
    };
    jspec_parse(body, spec, "", fe);
    t->title = dup(a, title);
    t->basis = dup(a, basis);
    t->notes = dup(a, notes);
    if (t->ninds > QUALITY_MAX_INDICATORS_TOTAL)
        fe_addf(fe, "categories", "指标总数不能超过 %d 个，当前 %d 个", QUALITY_MAX_INDICATORS_TOTAL,
                t->ninds);
    for (int i = 0; i < t->ninds; i++) {
        t->total_points += t->inds[i].points;
        t->cats[t->inds[i].category].points += t->inds[i].points;
    }
    check_unique(t, fe);
    /* Only when every indicator's points parsed does the sum say something about the template. */
    if (fe->n == before && t->total_points != QUALITY_TOTAL_POINTS)
        fe_addf(fe, "categories", "各指标分值合计应为 %d 分，当前为 %lld 分", QUALITY_TOTAL_POINTS,
                (long long)t->total_points);
    return fe->n == before;
}

int quality_indicator_find(const struct quality_template *t, const char *code)
{
    for (int i = 0; code && i < t->ninds; i++)
        if (t->inds[i].code && strcmp(t->inds[i].code, code) == 0) return i;
    return -1;
}

/* ---- Scoring ------------------------------------------------------------------------------------------- */

bool quality_score_compute(const struct quality_template *t, const struct quality_score *s, int n,
                           struct arena *a, struct quality_result *out, struct field_errors *fe)
{
    int before = fe->n;
    memset(out, 0, sizeof *out);
    int *given = arena_zalloc(a, (size_t)(t->ninds ? t->ninds : 1) * sizeof *given);
    int64_t *points = arena_zalloc(a, (size_t)(t->ninds ? t->ninds : 1) * sizeof *points);
    for (int i = 0; i < n; i++) {
        int k = quality_indicator_find(t, s[i].indicator);
        if (k < 0) {
            fe_addf(fe, arena_printf(fe->a, "scores[%d].indicator", i), "评估模板中没有指标 %s",
                    s[i].indicator ? s[i].indicator : "");
            continue;
        }
        if (given[k]++) {
            fe_addf(fe, arena_printf(fe->a, "scores[%d].indicator", i), "指标 %s 重复评分", t->inds[k].code);
            continue;
        }
        if (s[i].points < 0 || s[i].points > t->inds[k].points) {
            fe_addf(fe, arena_printf(fe->a, "scores[%d].points", i), "指标 %s 的得分应在 0 到 %lld 分之间",
                    t->inds[k].code, (long long)t->inds[k].points);
            continue;
        }
        points[k] = s[i].points;
    }
    for (int k = 0; k < t->ninds; k++)
        if (!given[k])
            fe_addf(fe, arena_printf(fe->a, "scores.%s", t->inds[k].code), "指标 %s 未评分（%s）",
                    t->inds[k].code, t->inds[k].text ? t->inds[k].text : "");
    if (fe->n != before) return false;

    out->ncats = t->ncats;
    out->cats = arena_zalloc(a, (size_t)(t->ncats ? t->ncats : 1) * sizeof *out->cats);
    out->vetoes = arena_zalloc(a, (size_t)(t->ninds ? t->ninds : 1) * sizeof *out->vetoes);
    for (int c = 0; c < t->ncats; c++)
        out->cats[c] = (struct quality_subtotal){t->cats[c].code, t->cats[c].name, 0, 0};
    for (int k = 0; k < t->ninds; k++) {
        const struct quality_indicator *ind = &t->inds[k];
        out->cats[ind->category].points += points[k];
        out->cats[ind->category].max += ind->points;
        out->total += points[k];
        out->max += ind->points;
        /* Our reading of 基本指标 (see quality.h): met only with full points. */
        if (ind->basic && points[k] < ind->points) out->vetoes[out->nvetoes++] = ind->code;
    }
    out->level = quality_level(t->level_min, out->total, out->nvetoes > 0);
    return true;
}
