/* JSON handlers of quality assessment. Officials see their territory (county officials their district), an
 * operator only its own institution's published assessments; anything else is 404. The public sees an
 * institution's current rating: level, date, due flag and per-category subtotals, never assessors or notes.
 */
#include "core/clock.h"
#include "modules/institution/inst.h"
#include "modules/quality/quality.h"

#include <stdlib.h>
#include <string.h>

/* Whether who may see assessments of an institution in district: operators their own institution only. */
static bool visible(const struct principal *who, const char *district, int64_t inst_id)
{
    if (who->role == ROLE_OPERATOR) return who->institution_id == inst_id;
    return auth_sees_district(who, district);
}

/* ---- Parsing an assessment body ------------------------------------------------------------------------ */

struct body_ctx {
    struct quality_input *in;
};

static void each_assessor(json_t *v, const char *path, int index, struct field_errors *fe, void *p)
{
    struct body_ctx *c = p;
    if (!json_is_string(v)) {
        fe_add(fe, path, "应为字符串");
        return;
    }
    size_t n = utf8_chars(json_string_value(v));
    if (n < 1 || n > 50) {
        fe_add(fe, path, "评估人姓名应为 1 到 50 个字");
        return;
    }
    c->in->assessors[index] = json_string_value(v);
}

static void each_score(json_t *v, const char *path, int index, struct field_errors *fe, void *p)
{
    struct body_ctx *c = p;
    struct quality_score *s = &c->in->scores[index];
    s->points = -1;
    struct jspec spec[] = {
        JS_STRING("indicator", &s->indicator, 1, 20),
        JS_INT("points", &s->points, 0, QUALITY_TOTAL_POINTS),
        {.name = "note",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &s->note,
         .min = 0,
         .max = 500},
        JS_END,
    };
    if (!json_is_object(v)) {
        fe_add(fe, path, "应为对象");
        return;
    }
    jspec_parse(v, spec, path, fe);
    if (s->note && !*s->note) s->note = NULL;
}

/* Parse {assessed_on, assessors, scores[, version]} into *in (strings point into body). Reports every bad
 * field; returns true when none. */
static bool parse_input(struct req *r, json_t *body, struct quality_input *in, int64_t *version)
{
    int before = r->fe.n;
    memset(in, 0, sizeof *in);
    json_t *as = json_object_get(body, "assessors"), *sc = json_object_get(body, "scores");
    size_t na = json_is_array(as) ? json_array_size(as) : 0, ns = json_is_array(sc) ? json_array_size(sc) : 0;
    in->assessors = arena_zalloc(r->a, (na ? na : 1) * sizeof *in->assessors);
    in->scores = arena_zalloc(r->a, (ns ? ns : 1) * sizeof *in->scores);
    in->nassessors = (int)na;
    in->nscores = (int)ns;
    struct body_ctx c = {in};
    struct jspec spec[] = {
        JS_DATE("assessed_on", &in->assessed_on),
        JS_ARRAY("assessors", each_assessor, &c, 1, 10),
        JS_ARRAY("scores", each_score, &c, 1, QUALITY_MAX_INDICATORS_TOTAL),
        JS_INT("version", version, 1, INT64_MAX),
        JS_END,
    };
    if (!version) spec[3] = (struct jspec)JS_END;
    jspec_parse(body, spec, "", &r->fe);
    if (r->fe.n == before && in->assessed_on < date_to_days(2000, 1, 1))
        fe_add(&r->fe, "assessed_on", "评估日期不能早于 2000-01-01");
    return r->fe.n == before;
}

/* ---- JSON ---------------------------------------------------------------------------------------------- */

static json_t *loads_or(const char *text, json_t *dflt)
{
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    if (j) {
        json_decref(dflt);
        return j;
    }
    return dflt;
}

/* An assessment for officials and the operator; with t, the scores in template order with each indicator's
 * text, maximum and basic flag. */
static json_t *assessment_json(const struct quality_assessment *q, const struct quality_template *t,
                               int64_t today, int64_t valid_days)
{
    char d1[11], d2[11];
    json_t *j = json_pack(
        "{s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:I, s:s, s:b, s:I, s:I, s:I, s:s?}", "id",
        (json_int_t)q->id, "institution_id", (json_int_t)q->institution_id, "institution_name",
        q->institution_name, "district_code", q->district_code, "district_name", q->district_name,
        "template_id", (json_int_t)q->template_id, "template_version", (json_int_t)q->template_version,
        "status", q->status, "assessed_on", date_format(q->assessed_on, d1), "total", (json_int_t)q->total,
        "level", q->level, "veto", q->veto, "version", (json_int_t)q->version, "created_at",
        (json_int_t)q->created_at, "updated_at", (json_int_t)q->updated_at, "created_by", q->created_by);
    json_object_set_new(j, "assessors", loads_or(q->assessors, json_array()));
    json_object_set_new(j, "subtotals", loads_or(q->subtotals, json_array()));
    json_object_set_new(j, "vetoes", loads_or(q->vetoes, json_array()));
    json_object_set_new(j, "published_at", q->published_at ? json_integer(q->published_at) : json_null());
    bool published = strcmp(q->status, "published") == 0;
    json_object_set_new(j, "current", json_boolean(published));
    json_object_set_new(j, "due_on",
                        json_string(date_format(quality_due_on(q->assessed_on, valid_days), d2)));
    json_object_set_new(j, "due",
                        json_boolean(published && quality_rating_due(q->assessed_on, today, valid_days)));
    if (!t) return j;
    json_object_set_new(j, "max", json_integer(t->total_points));
    json_t *scores = json_array();
    for (int k = 0; k < t->ninds; k++) {
        const struct quality_indicator *ind = &t->inds[k];
        const struct quality_score *s = quality_score_find(q, ind->code);
        json_array_append_new(
            scores, json_pack("{s:s, s:s, s:s, s:s, s:I, s:b, s:o, s:s?}", "indicator", ind->code, "category",
                              t->cats[ind->category].code, "item", t->items[ind->item].code, "text",
                              ind->text, "max", (json_int_t)ind->points, "basic", ind->basic, "points",
                              s ? json_integer(s->points) : json_null(), "note", s ? s->note : NULL));
    }
    json_object_set_new(j, "scores", scores);
    return j;
}

/* Load an assessment the caller may see (operators: not drafts), with its template. */
static enum err load_visible(struct req *r, int64_t id, struct quality_assessment *q,
                             struct quality_template *t)
{
    enum err e = quality_assessment_get(r->db, r->a, id, q);
    if (e != OK) return e;
    if (!visible(r->who, q->district_code, q->institution_id)) return ERR_NOT_FOUND;
    if (r->who->role == ROLE_OPERATOR && strcmp(q->status, "draft") == 0) return ERR_NOT_FOUND;
    if (!t) return OK;
    struct quality_template_row row;
    return quality_template_get(r->db, r->a, q->template_id, &row, t);
}

static enum err reply_assessment(struct req *r, struct resp *out, unsigned status, int64_t id)
{
    struct quality_assessment q;
    struct quality_template t;
    enum err e = load_visible(r, id, &q, &t);
    if (e != OK) return e;
    int64_t today = clock_day_of(clock_now());
    return resp_json(r, out, status, assessment_json(&q, &t, today, quality_valid_days(r->db)));
}

/* ---- Templates ----------------------------------------------------------------------------------------- */

static json_t *template_row_json(const struct quality_template_row *t)
{
    return json_pack("{s:I, s:I, s:s, s:I, s:I, s:b, s:I, s:s?}", "id", (json_int_t)t->id, "version",
                     (json_int_t)t->version, "title", t->title, "indicators", (json_int_t)t->indicators,
                     "total_points", (json_int_t)t->total_points, "active", t->active, "created_at",
                     (json_int_t)t->created_at, "created_by", t->created_by);
}

enum err quality_api_template_create(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct quality_template_row row;
    e = quality_template_create(r->db, r->a, r->who, body, &r->fe, &row);
    if (e != OK) return e;
    return resp_json(r, out, 201, template_row_json(&row));
}

enum err quality_api_template_list(struct req *r, struct resp *out)
{
    struct quality_template_row *items;
    int n;
    enum err e = quality_template_list(r->db, r->a, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, template_row_json(&items[i]));
    return resp_json(r, out, 200, json_pack("{s:o}", "items", arr));
}

enum err quality_api_template_get(struct req *r, struct resp *out)
{
    struct quality_template_row row;
    enum err e = quality_template_get(r->db, r->a, r->id[0], &row, NULL);
    if (e != OK) return e;
    json_t *j = template_row_json(&row);
    json_object_set_new(j, "template", loads_or(row.body, json_object()));
    return resp_json(r, out, 200, j);
}

/* ---- Assessments --------------------------------------------------------------------------------------- */

enum err quality_api_create(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = inst_get(r->db, r->a, r->id[0], &inst);
    if (e != OK) return e;
    if (!visible(r->who, inst.district_code, inst.id)) return ERR_NOT_FOUND;
    json_t *body;
    e = req_json(r, &body);
    if (e != OK) return e;
    struct quality_input in;
    if (!parse_input(r, body, &in, NULL)) return ERR_VALIDATION;
    int64_t id = 0;
    e = quality_assessment_create(r->db, r->a, r->who, inst.id, &in, &r->fe, &id);
    if (e == ERR_STATE) r->error_detail = "只能评估已备案的机构";
    if (e != OK) return e;
    return reply_assessment(r, out, 201, id);
}

enum err quality_api_update(struct req *r, struct resp *out)
{
    struct quality_assessment q;
    enum err e = load_visible(r, r->id[0], &q, NULL);
    if (e != OK) return e;
    json_t *body;
    e = req_json(r, &body);
    if (e != OK) return e;
    if (strcmp(q.status, "draft") != 0) {
        r->error_detail = "已发布的评估不能修改；请新建一次评估";
        return ERR_STATE;
    }
    struct quality_input in;
    int64_t version = 0;
    if (!parse_input(r, body, &in, &version)) return ERR_VALIDATION;
    e = quality_assessment_update(r->db, r->a, r->who, q.id, version, &in, &r->fe);
    if (e == ERR_STATE) r->error_detail = "已发布的评估不能修改；请新建一次评估";
    if (e != OK) return e;
    return reply_assessment(r, out, 200, q.id);
}

enum err quality_api_publish(struct req *r, struct resp *out)
{
    struct quality_assessment q;
    enum err e = load_visible(r, r->id[0], &q, NULL);
    if (e != OK) return e;
    e = quality_assessment_publish(r->db, r->who, q.id);
    if (e == ERR_STATE)
        r->error_detail = strcmp(q.status, "draft") == 0 ? "该机构已有评估日期更晚的已发布评估"
                                                         : "只有草稿可以发布；已发布的评估不能再改动";
    if (e != OK) return e;
    return reply_assessment(r, out, 200, q.id);
}

enum err quality_api_get(struct req *r, struct resp *out)
{
    return reply_assessment(r, out, 200, r->id[0]);
}

/* The list's query: district, level, status, due=1, page. Unknown values are 422. */
static bool parse_filter(struct req *r, struct quality_filter *f)
{
    memset(f, 0, sizeof *f);
    f->district = req_query(r, "district");
    if (f->district && !*f->district) f->district = NULL;
    f->level = req_query(r, "level");
    if (f->level && !*f->level) f->level = NULL;
    f->status = req_query(r, "status");
    if (f->status && !*f->status) f->status = NULL;
    const char *due = req_query(r, "due"), *page = req_query(r, "page");
    if (f->level && quality_level_from_name(f->level) < 0) fe_add(&r->fe, "level", "等级应为 A、B、C 或 D");
    if (f->status && quality_status_from_name(f->status) < 0)
        fe_add(&r->fe, "status", "状态应为 draft、published 或 superseded");
    if (due && *due && strcmp(due, "0") != 0 && strcmp(due, "1") != 0) fe_add(&r->fe, "due", "应为 0 或 1");
    f->due_only = due && strcmp(due, "1") == 0;
    int64_t p = 1;
    if (page && *page) {
        char *end;
        long long x = strtoll(page, &end, 10);
        if (*end || x < 1 || x > 100000)
            fe_add(&r->fe, "page", "页码应为 1 到 100000 的整数");
        else
            p = x;
    }
    f->page = (int)p;
    /* A county official sees its own district, whatever it asks for. */
    if (r->who->role == ROLE_COUNTY) f->district = r->who->district;
    return r->fe.n == 0;
}

static enum err reply_list(struct req *r, struct resp *out, const struct quality_filter *f, json_t *extra)
{
    int64_t today = clock_day_of(clock_now()), valid = quality_valid_days(r->db), total = 0;
    struct quality_assessment *items;
    int n;
    enum err e = quality_assessment_list(r->db, r->a, f, today, valid, &items, &n, &total);
    if (e != OK) {
        json_decref(extra);
        return e;
    }
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, assessment_json(&items[i], NULL, today, valid));
    json_t *j = json_pack("{s:o, s:I, s:I, s:I}", "items", arr, "total", (json_int_t)total, "page",
                          (json_int_t)f->page, "valid_days", (json_int_t)valid);
    if (extra) json_object_update_new(j, extra);
    return resp_json(r, out, 200, j);
}

enum err quality_api_list(struct req *r, struct resp *out)
{
    struct quality_filter f;
    if (!parse_filter(r, &f)) return ERR_VALIDATION;
    return reply_list(r, out, &f, NULL);
}

static json_t *rating_json(const struct quality_rating *q)
{
    char d1[11], d2[11];
    json_t *cats = json_array();
    for (int i = 0; i < q->ncats; i++)
        json_array_append_new(cats, json_pack("{s:s, s:s, s:I, s:I}", "code", q->cats[i].code, "name",
                                              q->cats[i].name, "points", (json_int_t)q->cats[i].points, "max",
                                              (json_int_t)q->cats[i].max));
    char level[2] = {q->level, 0};
    return json_pack("{s:I, s:s, s:s, s:b, s:s, s:I, s:I, s:b, s:I, s:o}", "assessment_id",
                     (json_int_t)q->assessment_id, "level", level, "assessed_on",
                     date_format(q->assessed_on, d1), "due", q->due, "due_on", date_format(q->due_on, d2),
                     "total", (json_int_t)q->total, "max", (json_int_t)q->max, "veto", q->veto,
                     "template_version", (json_int_t)q->template_version, "categories", cats);
}

enum err quality_api_history(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = inst_get(r->db, r->a, r->id[0], &inst);
    if (e != OK) return e;
    if (!visible(r->who, inst.district_code, inst.id)) return ERR_NOT_FOUND;
    struct quality_filter f;
    if (!parse_filter(r, &f)) return ERR_VALIDATION;
    f.institution_id = inst.id;
    f.public_only = r->who->role == ROLE_OPERATOR;
    struct quality_rating q;
    e = quality_current_rating(r->db, r->a, inst.id, clock_day_of(clock_now()), &q);
    if (e != OK && e != ERR_NOT_FOUND) return e;
    json_t *extra = json_pack("{s:I, s:o}", "institution_id", (json_int_t)inst.id, "rating",
                              e == OK ? rating_json(&q) : json_null());
    return reply_list(r, out, &f, extra);
}

enum err quality_api_public_rating(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = inst_get(r->db, r->a, r->id[0], &inst);
    if (e != OK) return e;
    /* The portal shows filed institutions only. */
    if (!inst.state || strcmp(inst.state, "filed") != 0) return ERR_NOT_FOUND;
    struct quality_rating q;
    e = quality_current_rating(r->db, r->a, inst.id, clock_day_of(clock_now()), &q);
    if (e == ERR_NOT_FOUND)
        return resp_json(
            r, out, 200,
            json_pack("{s:I, s:b, s:n}", "institution_id", (json_int_t)inst.id, "rated", 0, "rating"));
    if (e != OK) return e;
    json_t *rating = rating_json(&q);
    json_object_del(rating, "assessment_id");
    return resp_json(
        r, out, 200,
        json_pack("{s:I, s:b, s:o}", "institution_id", (json_int_t)inst.id, "rated", 1, "rating", rating));
}
