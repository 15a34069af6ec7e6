/* Officials' pages of quality assessment: the list with due ratings (/dash/quality), starting an assessment
 * for an institution (/dash/quality/new?institution=ID), and one assessment (/dash/quality/{id}) with the
 * scoring form while it is a draft (one labelled number input per indicator) and the publish button. Forms
 * go through the same store functions as the API, so both share one validator. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/institution/inst.h"
#include "modules/quality/quality.h"

#include <stdlib.h>
#include <string.h>

#define QUALITY_PER_PAGE 50

static const char *const list_keys[] = {"district", "level", "status", "due", NULL};

static bool is_assessor(const struct req *r)
{
    return (r->who->role & QUALITY_ASSESSOR_ROLES) != 0;
}

static const char *status_zh(const char *s)
{
    int k = quality_status_from_name(s);
    return k < 0 ? s : quality_status_names_zh[k];
}

static void level_badge(struct html *h, const char *level, bool veto)
{
    bool good = level && (level[0] == 'A' || level[0] == 'B');
    if (good)
        html_lit(h, "<span class=\"badge ok\">");
    else if (level && level[0] == 'D')
        html_lit(h, "<span class=\"badge bad\">");
    else
        html_lit(h, "<span class=\"badge\">");
    html_text(h, level);
    html_lit(h, " 级</span>");
    if (veto) html_lit(h, " <span class=\"badge bad\">基本指标未达标</span>");
}

/* ---- The list ------------------------------------------------------------------------------------------ */

enum err page_quality_list(struct req *r, struct resp *out)
{
    struct quality_filter f = {0};
    const char *scope = page_scope_district(r);
    f.district = req_query(r, "district");
    if (f.district && !*f.district) f.district = NULL;
    if (scope) f.district = scope;
    f.level = req_query(r, "level");
    if (f.level && !*f.level) f.level = NULL;
    f.status = req_query(r, "status");
    if (f.status && !*f.status) f.status = NULL;
    const char *due = req_query(r, "due");
    f.due_only = due && strcmp(due, "1") == 0;
    if (f.level && quality_level_from_name(f.level) < 0) fe_add(&r->fe, "level", "等级应为 A、B、C 或 D");
    if (f.status && quality_status_from_name(f.status) < 0) fe_add(&r->fe, "status", "未知的状态");
    int64_t page = 1;
    if (!page_parse_int(req_query(r, "page"), 1, 100000, 1, &page)) fe_add(&r->fe, "page", "页码无效");
    struct district *ds = NULL;
    int nd = 0;
    enum err e = district_list(r->db, r->a, &ds, &nd);
    if (e != OK) return e;
    if (f.district && !page_district_known(ds, nd, f.district)) fe_add(&r->fe, "district", "未知的区县");
    if (r->fe.n) return ERR_VALIDATION;
    f.page = (int)page;

    int64_t today = clock_day_of(clock_now()), valid = quality_valid_days(r->db), total = 0;
    struct quality_assessment *items = NULL;
    int n = 0;
    e = quality_assessment_list(r->db, r->a, &f, today, valid, &items, &n, &total);
    if (e != OK) return e;
    struct quality_filter duef = {.district = f.district, .due_only = true};
    int64_t ndue = 0;
    struct quality_assessment *dues = NULL;
    int nd2 = 0;
    e = quality_assessment_list(r->db, r->a, &duef, today, valid, &dues, &nd2, &ndue);
    if (e != OK) return e;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "质量评估");
    html_lit(&h, "<h1>质量评估</h1>\n<p class=\"intro\">评估表依据《托育机构质量评估标准》（WS/T 821—2023）的"
                 "七个类别；评级为机构最近一次已发布的评估，超过 ");
    html_int(&h, valid);
    html_lit(&h, " 天（本地设置）即为“到期需复评”。</p>\n<p role=\"status\">到期需复评：");
    html_int(&h, ndue);
    html_lit(&h, " 家。 <a href=\"/dash/quality?due=1\">只看到期的</a></p>\n");
    if (is_assessor(r)) {
        html_lit(&h,
                 "<form class=\"panel\" method=\"get\" action=\"/dash/quality/new\" aria-label=\"开始评估\">"
                 "<div class=\"field\"><label for=\"institution\">开始新评估：机构编号</label>"
                 "<input id=\"institution\" name=\"institution\" inputmode=\"numeric\" required "
                 "pattern=\"[0-9]+\"></div><button type=\"submit\">开始评估</button></form>\n");
    }
    html_lit(&h, "<form class=\"panel\" method=\"get\" action=\"/dash/quality\" aria-label=\"筛选评估\">\n"
                 "<div class=\"fields\">\n<div class=\"field\"><label for=\"level\">等级</label>"
                 "<select id=\"level\" name=\"level\"><option value=\"\">全部</option>");
    for (int i = 0; quality_level_names[i]; i++)
        page_option(&h, quality_level_names[i], quality_level_names[i],
                    f.level && strcmp(f.level, quality_level_names[i]) == 0);
    html_lit(&h, "</select></div>\n<div class=\"field\"><label for=\"status\">状态</label>"
                 "<select id=\"status\" name=\"status\"><option value=\"\">全部</option>");
    for (int i = 0; quality_status_names[i]; i++)
        page_option(&h, quality_status_names[i], quality_status_names_zh[i],
                    f.status && strcmp(f.status, quality_status_names[i]) == 0);
    html_lit(&h, "</select></div>\n");
    if (!scope) {
        html_lit(&h, "<div class=\"field\"><label for=\"district\">区县</label><select id=\"district\" "
                     "name=\"district\">");
        page_district_options(&h, ds, nd, f.district, "全部区县");
        html_lit(&h, "</select></div>\n");
    }
    html_lit(&h, "<div class=\"field\"><label for=\"due\">到期</label><select id=\"due\" name=\"due\">");
    page_option(&h, "", "全部", !f.due_only);
    page_option(&h, "1", "只看到期需复评", f.due_only);
    html_lit(
        &h,
        "</select></div>\n</div>\n<button type=\"submit\">筛选</button>\n</form>\n<p role=\"status\">共 ");
    html_int(&h, total);
    html_lit(&h, " 次评估，按评估日期从新到旧。</p>\n");
    if (n > 0) {
        html_lit(&h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"评估列表\"><table>\n"
                     "<thead><tr><th scope=\"col\">机构</th><th scope=\"col\">区县</th>"
                     "<th scope=\"col\">评估日期</th><th scope=\"col\" class=\"num\">得分</th>"
                     "<th scope=\"col\">等级</th><th scope=\"col\">状态</th><th scope=\"col\">操作</th></tr>"
                     "</thead>\n<tbody>\n");
        for (int i = 0; i < n; i++) {
            const struct quality_assessment *q = &items[i];
            html_lit(&h, "<tr><td>");
            html_text(&h, q->institution_name);
            html_lit(&h, "</td><td>");
            html_text(&h, q->district_name);
            html_lit(&h, "</td><td>");
            html_date(&h, q->assessed_on);
            html_lit(&h, "</td><td class=\"num\">");
            html_int(&h, q->total);
            html_lit(&h, "</td><td>");
            level_badge(&h, q->level, q->veto);
            html_lit(&h, "</td><td>");
            html_text(&h, status_zh(q->status));
            if (strcmp(q->status, "published") == 0 && quality_rating_due(q->assessed_on, today, valid))
                html_lit(&h, " <span class=\"badge warn\">到期需复评</span>");
            html_lit(&h, "</td><td><a href=\"/dash/quality/");
            html_int(&h, q->id);
            html_lit(&h, "\">");
            if (strcmp(q->status, "draft") == 0 && is_assessor(r))
                html_lit(&h, "评分");
            else
                html_lit(&h, "查看");
            html_lit(&h, "<span class=\"vh\">：");
            html_text(&h, q->institution_name);
            html_lit(&h, "</span></a></td></tr>\n");
        }
        html_lit(&h, "</tbody></table></div>\n");
    }
    page_pager(&h, r, page, QUALITY_PER_PAGE, total, list_keys);
    page_end(&h);
    return resp_html(r, out, 200, &h);
}

/* ---- The scoring form ---------------------------------------------------------------------------------- */

/* The value to show for indicator code: what was posted, else the draft's score, else empty. */
static const char *score_value(struct req *r, const struct quality_assessment *q, const char *code)
{
    if (r->nform > 0) return req_form(r, arena_printf(r->a, "s_%s", code));
    const struct quality_score *s = quality_score_find(q, code);
    return s ? arena_printf(r->a, "%lld", (long long)s->points) : NULL;
}

static const char *note_value(struct req *r, const struct quality_assessment *q, const char *code)
{
    if (r->nform > 0) return req_form(r, arena_printf(r->a, "n_%s", code));
    const struct quality_score *s = quality_score_find(q, code);
    return s ? s->note : NULL;
}

/* The assessors of a draft as lines of text. */
static const char *assessor_lines(struct req *r, const struct quality_assessment *q)
{
    if (r->nform > 0) return req_form(r, "assessors");
    if (!q) return r->who->display_name ? r->who->display_name : r->who->username;
    json_t *j = json_loads(q->assessors ? q->assessors : "[]", 0, NULL);
    struct buf b = BUF_INIT;
    for (size_t i = 0; json_is_array(j) && i < json_array_size(j); i++) {
        const char *s = json_string_value(json_array_get(j, i));
        if (!s) continue;
        if (b.len) buf_addc(&b, '\n');
        buf_adds(&b, s);
    }
    json_decref(j);
    const char *out = arena_strndup(r->a, b.p ? b.p : "", b.len);
    buf_free(&b);
    return out;
}

static void scoring_form(struct html *h, struct req *r, const struct quality_template *t,
                         const struct quality_assessment *q, int64_t institution_id)
{
    html_lit(h, "<form class=\"panel\" method=\"post\" action=\"");
    if (q) {
        html_lit(h, "/dash/quality/");
        html_int(h, q->id);
    } else {
        html_lit(h, "/dash/quality");
    }
    html_lit(h, "\" aria-label=\"评分表\">\n");
    page_csrf(h, r);
    if (q) {
        html_lit(h, "<input type=\"hidden\" name=\"version\"");
        html_attr(h, "value", arena_printf(r->a, "%lld", (long long)q->version));
        html_lit(h, ">\n");
    } else {
        html_lit(h, "<input type=\"hidden\" name=\"institution\"");
        html_attr(h, "value", arena_printf(r->a, "%lld", (long long)institution_id));
        html_lit(h, ">\n");
    }
    const char *day = r->nform > 0 ? req_form(r, "assessed_on") : NULL;
    char buf[11];
    if (!day) day = date_format(q ? q->assessed_on : clock_day_of(clock_now()), buf);
    html_lit(h, "<div class=\"fields\"><div class=\"field\"><label for=\"assessed_on\">评估日期</label>"
                "<input id=\"assessed_on\" name=\"assessed_on\" type=\"date\" required");
    html_attr(h, "value", day);
    html_lit(h, "></div>\n<div class=\"field\"><label for=\"assessors\">评估人（每行一人）</label>"
                "<textarea id=\"assessors\" name=\"assessors\" rows=\"3\" required>");
    html_text(h, assessor_lines(r, q));
    html_lit(h, "</textarea></div></div>\n<p class=\"meta\">满分 ");
    html_int(h, t->total_points);
    html_lit(h, " 分。标“基本指标”的项目未得满分即评为 D 级（本系统对标准的解读，待核实）。</p>\n");
    for (int c = 0; c < t->ncats; c++) {
        const struct quality_category *cat = &t->cats[c];
        html_lit(h, "<fieldset><legend>");
        html_text(h, cat->code);
        html_lit(h, " ");
        html_text(h, cat->name);
        html_lit(h, "（");
        html_int(h, cat->points);
        html_lit(h, " 分）</legend>\n");
        for (int ii = 0; ii < cat->nitems; ii++) {
            const struct quality_item *it = &t->items[cat->first_item + ii];
            html_lit(h, "<fieldset><legend>");
            html_text(h, it->code);
            html_lit(h, " ");
            html_text(h, it->name);
            html_lit(h, "</legend><div class=\"fields\">\n");
            for (int k = it->first; k < it->first + it->n; k++) {
                const struct quality_indicator *ind = &t->inds[k];
                const char *sid = arena_printf(r->a, "s_%s", ind->code);
                const char *nid = arena_printf(r->a, "n_%s", ind->code);
                html_lit(h, "<div class=\"field\"><label");
                html_attr(h, "for", sid);
                html_lit(h, ">");
                html_text(h, ind->code);
                html_lit(h, " ");
                html_text(h, ind->text);
                html_lit(h, "（满分 ");
                html_int(h, ind->points);
                html_lit(h, " 分");
                if (ind->basic) html_lit(h, "，基本指标");
                html_lit(h, "）</label>");
                if (ind->clause) {
                    html_lit(h, "<span class=\"meta\">");
                    html_text(h, ind->clause);
                    html_lit(h, "</span>");
                }
                html_lit(h, "<input type=\"number\" min=\"0\" step=\"1\" required");
                html_attr(h, "id", sid);
                html_attr(h, "name", sid);
                html_attr(h, "max", arena_printf(r->a, "%lld", (long long)ind->points));
                const char *v = score_value(r, q, ind->code);
                if (v) html_attr(h, "value", v);
                html_lit(h, "><label class=\"vh\"");
                html_attr(h, "for", nid);
                html_lit(h, ">");
                html_text(h, ind->code);
                html_lit(h, " 备注</label><input placeholder=\"备注（可选）\" maxlength=\"500\"");
                html_attr(h, "id", nid);
                html_attr(h, "name", nid);
                const char *nv = note_value(r, q, ind->code);
                if (nv) html_attr(h, "value", nv);
                html_lit(h, "></div>\n");
            }
            html_lit(h, "</div></fieldset>\n");
        }
        html_lit(h, "</fieldset>\n");
    }
    html_lit(h, "<p><button type=\"submit\">保存草稿</button></p>\n</form>\n");
}

/* Read the scoring form into *in: assessed_on, assessors (one a line), and s_CODE / n_CODE per indicator of
 * t. A field left out is simply not scored (the store then names it); a value that is not a whole number is
 * reported here. */
static void parse_form(struct req *r, const struct quality_template *t, struct quality_input *in)
{
    memset(in, 0, sizeof *in);
    const char *day = req_form(r, "assessed_on");
    if (!day || !date_parse(day, &in->assessed_on))
        fe_add(&r->fe, "assessed_on", "请填写有效日期（YYYY-MM-DD）");
    const char *who = req_form(r, "assessors");
    char *copy = arena_strdup(r->a, who ? who : "");
    in->assessors = arena_zalloc(r->a, 11 * sizeof *in->assessors);
    for (char *save = NULL, *line = strtok_r(copy, "\r\n", &save); line;
         line = strtok_r(NULL, "\r\n", &save)) {
        while (*line == ' ' || *line == '\t')
            line++;
        size_t len = strlen(line);
        while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
            line[--len] = 0;
        if (!len) continue;
        if (in->nassessors == 10) {
            fe_add(&r->fe, "assessors", "评估人最多 10 位");
            break;
        }
        if (utf8_chars(line) > 50) {
            fe_add(&r->fe, "assessors", "评估人姓名不能超过 50 个字");
            continue;
        }
        in->assessors[in->nassessors++] = line;
    }
    if (!in->nassessors) fe_add(&r->fe, "assessors", "请至少填写一位评估人");
    in->scores = arena_zalloc(r->a, (size_t)(t->ninds ? t->ninds : 1) * sizeof *in->scores);
    for (int k = 0; k < t->ninds; k++) {
        const char *code = t->inds[k].code;
        const char *v = req_form(r, arena_printf(r->a, "s_%s", code));
        if (!v || !*v) continue; /* missing: named by the scoring rules */
        int64_t x;
        if (!page_parse_int(v, 0, QUALITY_TOTAL_POINTS, 0, &x)) {
            fe_addf(&r->fe, arena_printf(r->a, "scores.%s", code), "指标 %s 的得分应为 0 到 %lld 的整数",
                    code, (long long)t->inds[k].points);
            continue;
        }
        const char *note = req_form(r, arena_printf(r->a, "n_%s", code));
        if (note && utf8_chars(note) > 500) {
            fe_addf(&r->fe, arena_printf(r->a, "scores.%s.note", code), "备注不能超过 500 字");
            note = NULL;
        }
        in->scores[in->nscores++] = (struct quality_score){code, x, note && *note ? note : NULL};
    }
}

static void institution_line(struct html *h, const char *name, const char *district, int64_t id)
{
    html_lit(h, "<p class=\"meta\">机构：<a href=\"/dash/institutions/");
    html_int(h, id);
    html_lit(h, "\">");
    html_text(h, name);
    html_lit(h, "</a>（");
    html_text(h, district);
    html_lit(h, "）</p>\n");
}

static enum err render_new(struct req *r, struct resp *out, unsigned status, const struct institution *inst,
                           const struct quality_template *t)
{
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "新建质量评估");
    html_lit(&h, "<h1>新建质量评估</h1>\n");
    institution_line(&h, inst->name, inst->district_name, inst->id);
    html_lit(&h, "<p class=\"meta\">评估表：");
    html_text(&h, t->title);
    html_lit(&h, "（第 ");
    html_int(&h, t->version);
    html_lit(&h, " 版）</p>\n");
    page_field_errors(&h, &r->fe);
    scoring_form(&h, r, t, NULL, inst->id);
    page_end(&h);
    return resp_html(r, out, status, &h);
}

/* The institution whose id is id_text (the query's or the form's "institution"), visible to the official and
 * filed, and the active template to assess it against. */
static enum err start_new(struct req *r, const char *id_text, struct institution *inst,
                          struct quality_template *t)
{
    int64_t id = 0;
    if (!page_parse_int(id_text, 1, INT64_MAX, 0, &id) || !id) {
        fe_add(&r->fe, "institution", "请填写机构编号（正整数）");
        return ERR_VALIDATION;
    }
    enum err e = inst_get(r->db, r->a, id, inst);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, inst->district_code)) return ERR_NOT_FOUND;
    if (!inst->state || strcmp(inst->state, "filed") != 0) {
        r->error_detail = "只能评估已备案的机构";
        return ERR_STATE;
    }
    return quality_template_active(r->db, r->a, t);
}

enum err page_quality_new(struct req *r, struct resp *out)
{
    struct institution inst;
    struct quality_template t;
    enum err e = start_new(r, req_query(r, "institution"), &inst, &t);
    if (e != OK) return e;
    return render_new(r, out, 200, &inst, &t);
}

enum err page_quality_create(struct req *r, struct resp *out)
{
    struct institution inst;
    struct quality_template t;
    enum err e = start_new(r, req_form(r, "institution"), &inst, &t);
    if (e != OK) return e;
    struct quality_input in;
    parse_form(r, &t, &in);
    int64_t aid = 0;
    if (r->fe.n == 0) {
        e = quality_assessment_create(r->db, r->a, r->who, inst.id, &in, &r->fe, &aid);
        if (e == OK) return resp_redirect(r, out, arena_printf(r->a, "/dash/quality/%lld", (long long)aid));
        if (e != ERR_VALIDATION) return e;
    }
    return render_new(r, out, 422, &inst, &t);
}

/* ---- One assessment ------------------------------------------------------------------------------------ */

static enum err render_one(struct req *r, struct resp *out, unsigned status,
                           const struct quality_assessment *q)
{
    struct quality_template_row row;
    struct quality_template t;
    enum err e = quality_template_get(r->db, r->a, q->template_id, &row, &t);
    if (e != OK) return e;
    int64_t today = clock_day_of(clock_now()), valid = quality_valid_days(r->db);
    bool draft = strcmp(q->status, "draft") == 0;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "质量评估");
    html_lit(&h, "<h1>质量评估：");
    html_text(&h, q->institution_name);
    html_lit(&h, "</h1>\n");
    institution_line(&h, q->institution_name, q->district_name, q->institution_id);
    page_field_errors(&h, &r->fe);
    html_lit(&h, "<dl class=\"facts\"><dt>状态</dt><dd>");
    html_text(&h, status_zh(q->status));
    if (!draft && strcmp(q->status, "published") == 0 && quality_rating_due(q->assessed_on, today, valid))
        html_lit(&h, " <span class=\"badge warn\">到期需复评</span>");
    html_lit(&h, "</dd><dt>评估日期</dt><dd>");
    html_date(&h, q->assessed_on);
    html_lit(&h, "</dd><dt>复评到期日</dt><dd>");
    html_date(&h, quality_due_on(q->assessed_on, valid));
    html_lit(&h, "</dd><dt>得分</dt><dd>");
    html_int(&h, q->total);
    html_lit(&h, " / ");
    html_int(&h, t.total_points);
    html_lit(&h, "</dd><dt>等级</dt><dd>");
    level_badge(&h, q->level, q->veto);
    html_lit(&h, "</dd><dt>评估人</dt><dd>");
    html_text(&h, assessor_lines(r, q));
    html_lit(&h, "</dd><dt>评估表</dt><dd>");
    html_text(&h, t.title);
    html_lit(&h, "（第 ");
    html_int(&h, t.version);
    html_lit(&h, " 版）</dd></dl>\n");

    json_t *subs = json_loads(q->subtotals ? q->subtotals : "[]", 0, NULL);
    html_lit(
        &h, "<h2>分类得分</h2>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"分类得分\">"
            "<table><thead><tr><th scope=\"col\">类别</th><th scope=\"col\" class=\"num\">得分</th>"
            "<th scope=\"col\" class=\"num\">满分</th></tr></thead><tbody>\n");
    for (size_t i = 0; json_is_array(subs) && i < json_array_size(subs); i++) {
        json_t *s = json_array_get(subs, i);
        html_lit(&h, "<tr><td>");
        html_text(&h, json_string_value(json_object_get(s, "name")));
        html_lit(&h, "</td><td class=\"num\">");
        html_int(&h, json_integer_value(json_object_get(s, "points")));
        html_lit(&h, "</td><td class=\"num\">");
        html_int(&h, json_integer_value(json_object_get(s, "max")));
        html_lit(&h, "</td></tr>\n");
    }
    json_decref(subs);
    html_lit(&h, "</tbody></table></div>\n");

    if (draft && is_assessor(r)) {
        html_lit(&h, "<h2>评分</h2>\n");
        scoring_form(&h, r, &t, q, q->institution_id);
        html_lit(&h, "<form class=\"panel\" method=\"post\" action=\"/dash/quality/");
        html_int(&h, q->id);
        html_lit(&h, "/publish\" aria-label=\"发布评估\">");
        page_csrf(&h, r);
        html_lit(&h, "<p>发布后评估结果成为该机构的评级并在门户公开（不含评估人与备注），不能再修改。</p>"
                     "<button type=\"submit\">发布评估结果</button></form>\n");
    } else {
        html_lit(&h, "<h2>各指标得分</h2>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
                     "aria-label=\"各指标得分\"><table><thead><tr><th scope=\"col\">指标</th>"
                     "<th scope=\"col\" class=\"num\">得分</th><th scope=\"col\" class=\"num\">满分</th>"
                     "<th scope=\"col\">备注</th></tr></thead><tbody>\n");
        for (int k = 0; k < t.ninds; k++) {
            const struct quality_indicator *ind = &t.inds[k];
            const struct quality_score *s = quality_score_find(q, ind->code);
            html_lit(&h, "<tr><td>");
            html_text(&h, ind->code);
            html_lit(&h, " ");
            html_text(&h, ind->text);
            if (ind->basic) html_lit(&h, " <span class=\"badge\">基本指标</span>");
            html_lit(&h, "</td><td class=\"num\">");
            if (s) html_int(&h, s->points);
            html_lit(&h, "</td><td class=\"num\">");
            html_int(&h, ind->points);
            html_lit(&h, "</td><td>");
            html_text(&h, s && s->note ? s->note : "");
            html_lit(&h, "</td></tr>\n");
        }
        html_lit(&h, "</tbody></table></div>\n");
    }
    html_lit(&h, "<p><a href=\"/dash/quality\">返回评估列表</a></p>\n");
    page_end(&h);
    return resp_html(r, out, status, &h);
}

static enum err load_one(struct req *r, struct quality_assessment *q)
{
    enum err e = quality_assessment_get(r->db, r->a, r->id[0], q);
    if (e != OK) return e;
    return auth_sees_district(r->who, q->district_code) ? OK : ERR_NOT_FOUND;
}

enum err page_quality(struct req *r, struct resp *out)
{
    struct quality_assessment q;
    enum err e = load_one(r, &q);
    if (e != OK) return e;
    return render_one(r, out, 200, &q);
}

enum err page_quality_save(struct req *r, struct resp *out)
{
    struct quality_assessment q;
    enum err e = load_one(r, &q);
    if (e != OK) return e;
    if (strcmp(q.status, "draft") != 0) {
        r->error_detail = "已发布的评估不能修改；请新建一次评估";
        return ERR_STATE;
    }
    struct quality_template_row row;
    struct quality_template t;
    e = quality_template_get(r->db, r->a, q.template_id, &row, &t);
    if (e != OK) return e;
    int64_t version = 0;
    if (!page_parse_int(req_form(r, "version"), 1, INT64_MAX, 0, &version) || !version)
        fe_add(&r->fe, "version", "缺少版本号，请刷新后重试");
    struct quality_input in;
    parse_form(r, &t, &in);
    if (r->fe.n == 0) {
        e = quality_assessment_update(r->db, r->a, r->who, q.id, version, &in, &r->fe);
        if (e == OK) return resp_redirect(r, out, arena_printf(r->a, "/dash/quality/%lld", (long long)q.id));
        if (e != ERR_VALIDATION) return e;
    }
    return render_one(r, out, 422, &q);
}

enum err page_quality_publish(struct req *r, struct resp *out)
{
    struct quality_assessment q;
    enum err e = load_one(r, &q);
    if (e != OK) return e;
    e = quality_assessment_publish(r->db, r->who, q.id);
    if (e == ERR_STATE)
        r->error_detail =
            strcmp(q.status, "draft") == 0 ? "该机构已有评估日期更晚的已发布评估" : "只有草稿可以发布";
    if (e != OK) return e;
    return resp_redirect(r, out, arena_printf(r->a, "/dash/quality/%lld", (long long)q.id));
}
