/* Pages of inspections: the list (/dash/inspections), one inspection with the form to record its results,
 * and the inspector's home (/inspector) with their planned inspections and a form to plan one. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/inspection/inspection.h"
#include "modules/institution/inst.h"

#include <stdio.h>
#include <string.h>

#define LIST_PER_PAGE 50

static const char *zh_of(const char *const *names, const char *const *zh, const char *s)
{
    int i = inspection_name_index(names, s);
    return i >= 0 ? zh[i] : s;
}

static void status_badge(struct html *h, const char *status)
{
    if (status && strcmp(status, "completed") == 0)
        html_lit(h, "<span class=\"badge ok\">");
    else if (status && strcmp(status, "planned") == 0)
        html_lit(h, "<span class=\"badge info\">");
    else
        html_lit(h, "<span class=\"badge\">");
    html_text(h, zh_of(inspection_status_names, inspection_status_names_zh, status));
    html_lit(h, "</span>");
}

static void severity_badge(struct html *h, const char *severity)
{
    if (severity && (strcmp(severity, "critical") == 0 || strcmp(severity, "high") == 0))
        html_lit(h, "<span class=\"badge bad\">");
    else
        html_lit(h, "<span class=\"badge warn\">");
    html_text(h, zh_of(inspection_severity_names, inspection_severity_names_zh, severity));
    html_lit(h, "</span>");
}

static void day_or_dash(struct html *h, int64_t day)
{
    if (day > 0)
        html_date(h, day);
    else
        html_lit(h, "—");
}

/* A table of inspections with links to each. */
static void inspections_table(struct html *h, const struct inspection_row *items, int n, const char *label)
{
    if (n == 0) {
        html_lit(h, "<p>没有符合条件的检查。</p>\n");
        return;
    }
    html_lit(h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\"");
    html_attr(h, "aria-label", label);
    html_lit(h,
             "><table>\n<thead><tr><th scope=\"col\">机构</th><th scope=\"col\">区县</th>"
             "<th scope=\"col\">部门</th><th scope=\"col\">类型</th><th scope=\"col\">计划日期</th>"
             "<th scope=\"col\">检查日期</th><th scope=\"col\">状态</th><th scope=\"col\" class=\"num\">问题"
             "</th><th scope=\"col\">操作</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        const struct inspection_row *x = &items[i];
        html_lit(h, "<tr><td>");
        html_text(h, x->institution_name);
        html_lit(h, "</td><td>");
        html_text(h, x->district_name);
        html_lit(h, "</td><td>");
        html_text(h, x->department_name);
        html_lit(h, "</td><td>");
        html_text(h, zh_of(inspection_kind_names, inspection_kind_names_zh, x->kind));
        html_lit(h, "</td><td>");
        day_or_dash(h, x->planned_on);
        html_lit(h, "</td><td>");
        day_or_dash(h, x->inspected_on);
        html_lit(h, "</td><td>");
        status_badge(h, x->status);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, x->nfindings);
        html_lit(h, "</td><td><a href=\"/dash/inspections/");
        html_int(h, x->id);
        html_lit(h, "\">");
        if (strcmp(x->status, "planned") == 0)
            html_lit(h, "打开");
        else
            html_lit(h, "查看");
        html_lit(h, "<span class=\"vh\">：");
        html_text(h, x->institution_name);
        html_lit(h, " 检查 #");
        html_int(h, x->id);
        html_lit(h, "</span></a></td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

/* <select> of name/id with an "any" option and each name (labelled in Chinese). */
static void enum_select(struct html *h, const char *id, const char *label, const char *const *names,
                        const char *const *zh, const char *selected, const char *any)
{
    html_lit(h, "<div class=\"field\"><label");
    html_attr(h, "for", id);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label><select");
    html_attr(h, "id", id);
    html_attr(h, "name", id);
    html_lit(h, ">");
    if (any) page_option(h, "", any, !selected || !selected[0]);
    for (int i = 0; names[i]; i++)
        page_option(h, names[i], zh[i], selected && strcmp(selected, names[i]) == 0);
    html_lit(h, "</select></div>\n");
}

static const char *const department_names_zh[] = {"卫生健康", "消防救援", "公安",         "市场监管",
                                                  "应急管理", "教育",     "住房城乡建设", NULL};

/* An optional query value: NULL when absent or empty. */
static const char *query_opt(struct req *r, const char *key)
{
    const char *s = req_query(r, key);
    return s && s[0] ? s : NULL;
}

enum err page_inspections(struct req *r, struct resp *out)
{
    struct inspection_filter f;
    inspection_filter_init(&f);
    f.per_page = LIST_PER_PAGE;
    f.department = query_opt(r, "department");
    f.status = query_opt(r, "status");
    f.kind = query_opt(r, "kind");
    const char *from = query_opt(r, "from"), *to = query_opt(r, "to");
    const char *district = query_opt(r, "district");
    bool scoped = r->who->role == ROLE_COUNTY || r->who->role == ROLE_INSPECTOR;
    bool mine = r->who->role == ROLE_INSPECTOR && query_opt(r, "mine");
    if (f.department && !inspection_department_valid(f.department))
        fe_add(&r->fe, "department", "未知的部门");
    if (f.status && inspection_name_index(inspection_status_names, f.status) < 0)
        fe_add(&r->fe, "status", "未知的状态");
    if (f.kind && inspection_name_index(inspection_kind_names, f.kind) < 0)
        fe_add(&r->fe, "kind", "未知的类型");
    if (from && !date_parse(from, &f.from_day)) fe_add(&r->fe, "from", "日期无效");
    if (to && !date_parse(to, &f.to_day)) fe_add(&r->fe, "to", "日期无效");
    int64_t page = 1;
    if (!page_parse_int(req_query(r, "page"), 1, 100000, 1, &page)) fe_add(&r->fe, "page", "页码无效");
    struct district *ds = NULL;
    int nd = 0;
    enum err e = district_list(r->db, r->a, &ds, &nd);
    if (e != OK) return e;
    if (scoped) {
        district = r->who->district;
    } else if (district && !page_district_known(ds, nd, district)) {
        fe_add(&r->fe, "district", "未知的区县");
    }
    if (r->fe.n) return ERR_VALIDATION;
    f.district = district;
    f.page = (int)page;
    if (mine) f.inspector_id = r->who->user_id;
    struct inspection_row *items = NULL;
    int n = 0;
    int64_t total = 0;
    e = inspection_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "监督检查");
    page_export_link(&h, r, "/api/v1/inspections");
    html_lit(&h, "<h1>监督检查</h1>\n<form class=\"panel\" method=\"get\" action=\"/dash/inspections\" "
                 "aria-label=\"筛选检查\">\n<div class=\"fields\">\n");
    enum_select(&h, "department", "部门", inspection_department_codes, department_names_zh, f.department,
                "全部部门");
    enum_select(&h, "status", "状态", inspection_status_names, inspection_status_names_zh, f.status,
                "全部状态");
    enum_select(&h, "kind", "类型", inspection_kind_names, inspection_kind_names_zh, f.kind, "全部类型");
    if (!scoped) {
        html_lit(&h, "<div class=\"field\"><label for=\"district\">区县</label><select id=\"district\" "
                     "name=\"district\">");
        page_district_options(&h, ds, nd, district, "全部区县");
        html_lit(&h, "</select></div>\n");
    }
    html_lit(&h, "<div class=\"field\"><label for=\"from\">起始日期</label><input type=\"date\" id=\"from\" "
                 "name=\"from\"");
    html_attr(&h, "value", from ? from : "");
    html_lit(&h,
             "></div>\n<div class=\"field\"><label for=\"to\">截止日期</label><input type=\"date\" id=\"to\" "
             "name=\"to\"");
    html_attr(&h, "value", to ? to : "");
    html_lit(&h, "></div>\n");
    if (r->who->role == ROLE_INSPECTOR) {
        html_lit(
            &h, "<div class=\"check\"><label for=\"mine\"><input type=\"checkbox\" id=\"mine\" name=\"mine\" "
                "value=\"1\"");
        if (mine) html_lit(&h, " checked");
        html_lit(&h, ">只看我参与的</label></div>\n");
    }
    html_lit(&h, "</div>\n<button type=\"submit\">筛选</button>\n</form>\n<p role=\"status\">共 ");
    html_int(&h, total);
    html_lit(&h, " 次检查，按日期由近及远排序。</p>\n");
    inspections_table(&h, items, n, "检查列表");
    static const char *const keep[] = {"department", "status", "kind", "district",
                                       "from",       "to",     "mine", NULL};
    page_pager(&h, r, page, LIST_PER_PAGE, total, keep);
    page_end(&h);
    return resp_html(r, out, 200, &h);
}

/* ---- One inspection ---------------------------------------------------------------------------------- */

/* The form value posted for key when the page is shown again, else def. */
static const char *posted(struct req *r, const char *key, const char *def)
{
    const char *s = req_form(r, key);
    return s ? s : def;
}

static void results_form(struct html *h, struct req *r, const struct inspection_row *x,
                         const struct checklist_template *t)
{
    char today[11];
    date_format(clock_day_of(clock_now()), today);
    html_lit(h, "<h2 id=\"record\">记录检查结果</h2>\n<form class=\"panel\" method=\"post\" "
                "action=\"/dash/inspections/");
    html_int(h, x->id);
    html_lit(h, "/results\">\n");
    page_csrf(h, r);
    html_lit(h, "<div class=\"field\"><label for=\"inspected_on\">检查日期</label><input type=\"date\" "
                "id=\"inspected_on\" name=\"inspected_on\" required");
    html_attr(h, "value", posted(r, "inspected_on", today));
    html_attr(h, "max", today);
    html_lit(h, "></div>\n<fieldset><legend>检查项（");
    html_text(h, t ? t->title : "检查表");
    html_lit(h, "）</legend>\n");
    for (int i = 0; t && i < t->nitems; i++) {
        const struct checklist_item *it = &t->items[i];
        const char *name = arena_printf(r->a, "item_%s", it->code);
        const char *note = arena_printf(r->a, "note_%s", it->code);
        const char *sel = posted(r, name, "pass");
        html_lit(h, "<div class=\"field\"><label");
        html_attr(h, "for", name);
        html_lit(h, ">");
        html_text(h, it->code);
        html_lit(h, " ");
        html_text(h, it->text);
        html_lit(h, "</label><span class=\"meta\">依据：");
        html_text(h, it->clause);
        html_lit(h, "</span><select");
        html_attr(h, "id", name);
        html_attr(h, "name", name);
        html_lit(h, ">");
        for (int k = 0; inspection_item_result_names[k]; k++)
            page_option(h, inspection_item_result_names[k], inspection_item_result_names_zh[k],
                        strcmp(sel, inspection_item_result_names[k]) == 0);
        html_lit(h, "</select><label");
        html_attr(h, "for", note);
        html_lit(h, ">");
        html_text(h, it->code);
        html_lit(h, " 备注</label><input type=\"text\" maxlength=\"1000\"");
        html_attr(h, "id", note);
        html_attr(h, "name", note);
        html_attr(h, "value", posted(r, note, ""));
        html_lit(h, "></div>\n");
    }
    html_lit(
        h,
        "</fieldset>\n<fieldset><legend>发现的问题（不符合的检查项须记录问题，或在备注中说明原因）</legend>\n"
        "<div class=\"field\"><label for=\"finding_item_code\">对应检查项</label><select "
        "id=\"finding_item_code\" name=\"finding_item_code\">");
    const char *fcode = posted(r, "finding_item_code", "");
    page_option(h, "", "（不对应具体检查项）", !fcode[0]);
    for (int i = 0; t && i < t->nitems; i++)
        page_option(h, t->items[i].code, arena_printf(r->a, "%s %s", t->items[i].code, t->items[i].text),
                    strcmp(fcode, t->items[i].code) == 0);
    html_lit(h,
             "</select></div>\n<div class=\"field\"><label for=\"finding_severity\">严重程度</label><select "
             "id=\"finding_severity\" name=\"finding_severity\">");
    const char *fsev = posted(r, "finding_severity", "");
    page_option(h, "", "（无问题）", !fsev[0]);
    for (int k = 0; inspection_severity_names[k]; k++)
        page_option(h, inspection_severity_names[k], inspection_severity_names_zh[k],
                    strcmp(fsev, inspection_severity_names[k]) == 0);
    html_lit(h,
             "</select></div>\n<div class=\"field\"><label for=\"finding_clause\">违反的条款</label><input "
             "type=\"text\" id=\"finding_clause\" name=\"finding_clause\" maxlength=\"300\"");
    html_attr(h, "value", posted(r, "finding_clause", ""));
    html_lit(h, "></div>\n<div class=\"field\"><label for=\"finding_description\">问题描述</label><textarea "
                "id=\"finding_description\" name=\"finding_description\" rows=\"3\" maxlength=\"2000\" "
                "aria-describedby=\"finding-hint\">");
    html_text(h, posted(r, "finding_description", ""));
    html_lit(
        h,
        "</textarea><span id=\"finding-hint\" "
        "class=\"meta\">不要写入个人姓名或证件号码。问题将在门户网站公示。"
        "</span></div>\n</fieldset>\n<div class=\"field\"><label for=\"summary\">检查小结</label><textarea "
        "id=\"summary\" name=\"summary\" rows=\"3\" maxlength=\"4000\">");
    html_text(h, posted(r, "summary", ""));
    html_lit(h, "</textarea></div>\n<button type=\"submit\">提交检查结果</button>\n</form>\n");
}

static void cancel_form(struct html *h, struct req *r, const struct inspection_row *x)
{
    html_lit(h, "<h2>取消检查</h2>\n<form class=\"panel\" method=\"post\" action=\"/dash/inspections/");
    html_int(h, x->id);
    html_lit(h, "/cancel\">\n");
    page_csrf(h, r);
    html_lit(h,
             "<div class=\"field\"><label for=\"reason\">取消原因</label><input type=\"text\" id=\"reason\" "
             "name=\"reason\" maxlength=\"1000\"></div>\n<button type=\"submit\">取消本次检查</button>\n"
             "</form>\n");
}

static void findings_table(struct html *h, const struct inspection_row *x)
{
    if (x->nfindings_rows == 0) {
        html_lit(h, "<p>未发现问题。</p>\n");
        return;
    }
    html_lit(h,
             "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"发现的问题\"><table>\n"
             "<thead><tr><th scope=\"col\">检查项</th><th scope=\"col\">严重程度</th><th scope=\"col\">条款"
             "</th><th scope=\"col\">描述</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < x->nfindings_rows; i++) {
        const struct inspection_finding_row *f = &x->findings[i];
        html_lit(h, "<tr><td>");
        html_text(h, f->item_code ? f->item_code : "—");
        html_lit(h, "</td><td>");
        severity_badge(h, f->severity);
        html_lit(h, "</td><td>");
        html_text(h, f->clause);
        html_lit(h, "</td><td>");
        html_text(h, f->description);
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

static void items_table(struct html *h, const struct inspection_row *x)
{
    html_lit(
        h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"检查项结果\"><table>\n"
           "<thead><tr><th scope=\"col\">编号</th><th scope=\"col\">检查内容</th><th scope=\"col\">结果</th>"
           "<th scope=\"col\">备注</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < x->nitems; i++) {
        const struct inspection_item_row *it = &x->items[i];
        html_lit(h, "<tr><td>");
        html_text(h, it->code);
        html_lit(h, "</td><td>");
        html_text(h, it->text ? it->text : "—");
        html_lit(h, "</td><td>");
        if (strcmp(it->result, "fail") == 0)
            html_lit(h, "<span class=\"badge bad\">");
        else
            html_lit(h, "<span class=\"badge\">");
        html_text(h, zh_of(inspection_item_result_names, inspection_item_result_names_zh, it->result));
        html_lit(h, "</span></td><td>");
        html_text(h, it->note ? it->note : "");
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

/* Inspection r->id[0] when who may see it (ERR_NOT_FOUND otherwise) and its template (*has_t false when it
 * has none). */
static enum err load_inspection(struct req *r, struct inspection_row *x, struct checklist_template *t,
                                bool *has_t)
{
    *has_t = false;
    enum err e = inspection_get(r->db, r->a, r->id[0], x);
    if (e != OK) return e;
    if (!inspection_visible(r->who, x)) return ERR_NOT_FOUND;
    if (!x->template_id) return OK;
    e = checklist_template_get(r->db, r->a, x->template_id, t);
    *has_t = e == OK;
    return e;
}

/* The page of inspection r->id[0]; problem (OK for none) is a refused move to explain, with r->fe. */
static enum err render_inspection(struct req *r, struct resp *out, unsigned status, enum err problem)
{
    struct inspection_row x;
    struct checklist_template t;
    bool has_t;
    enum err e = load_inspection(r, &x, &t, &has_t);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "监督检查");
    html_lit(&h, "<p><a href=\"/dash/inspections\">← 监督检查</a></p>\n<h1>");
    html_text(&h, x.institution_name);
    html_lit(&h, " · ");
    html_text(&h, x.department_name);
    html_lit(&h, "检查 #");
    html_int(&h, x.id);
    html_lit(&h, "</h1>\n");
    page_problem_box(&h, r, problem, NULL);
    html_lit(&h, "<dl class=\"facts\">\n<dt>机构</dt><dd>");
    if (r->who->role & ROLES_OFFICIALS) {
        html_lit(&h, "<a href=\"/dash/institutions/");
        html_int(&h, x.institution_id);
        html_lit(&h, "\">");
        html_text(&h, x.institution_name);
        html_lit(&h, "</a>");
    } else {
        html_text(&h, x.institution_name);
    }
    html_lit(&h, "</dd>\n<dt>区县</dt><dd>");
    html_text(&h, x.district_name);
    html_lit(&h, "</dd>\n<dt>部门</dt><dd>");
    html_text(&h, x.department_name);
    html_lit(&h, "</dd>\n<dt>类型</dt><dd>");
    html_text(&h, zh_of(inspection_kind_names, inspection_kind_names_zh, x.kind));
    if (x.draw_id) {
        html_lit(&h, "（<a href=\"/draws/");
        html_int(&h, x.draw_id);
        html_lit(&h, "\">抽查 #");
        html_int(&h, x.draw_id);
        html_lit(&h, "</a>）");
    }
    html_lit(&h, "</dd>\n<dt>状态</dt><dd>");
    status_badge(&h, x.status);
    html_lit(&h, "</dd>\n<dt>计划日期</dt><dd>");
    day_or_dash(&h, x.planned_on);
    html_lit(&h, "</dd>\n<dt>检查日期</dt><dd>");
    day_or_dash(&h, x.inspected_on);
    html_lit(&h, "</dd>\n<dt>检查人员</dt><dd>");
    for (int i = 0; i < x.ninspectors; i++) {
        if (i) html_lit(&h, "、");
        html_text(&h, x.inspectors[i].username);
    }
    if (x.ninspectors == 0) html_lit(&h, "—");
    html_lit(&h, "</dd>\n<dt>检查表</dt><dd>");
    if (has_t) {
        html_text(&h, t.title);
        html_lit(&h, "（第 ");
        html_int(&h, t.version);
        html_lit(&h, " 版）");
    } else {
        html_lit(&h, "—");
    }
    html_lit(&h, "</dd>\n");
    if (x.result) {
        html_lit(&h, "<dt>结论</dt><dd>");
        if (strcmp(x.result, "pass") == 0)
            html_lit(&h, "<span class=\"badge ok\">未发现问题</span>");
        else
            html_lit(&h, "<span class=\"badge warn\">发现问题</span>");
        html_lit(&h, "</dd>\n");
    }
    if (x.summary) {
        html_lit(&h, "<dt>");
        html_text(&h, strcmp(x.status, "cancelled") == 0 ? "取消原因" : "小结");
        html_lit(&h, "</dt><dd>");
        html_text(&h, x.summary);
        html_lit(&h, "</dd>\n");
    }
    html_lit(&h, "</dl>\n");
    if (strcmp(x.status, "completed") == 0) {
        html_lit(&h, "<h2>检查项结果</h2>\n");
        items_table(&h, &x);
        html_lit(&h, "<h2>发现的问题</h2>\n");
        findings_table(&h, &x);
    }
    if (inspection_can(r->who, &x, INSP_EV_COMPLETE)) results_form(&h, r, &x, has_t ? &t : NULL);
    if (inspection_can(r->who, &x, INSP_EV_CANCEL)) cancel_form(&h, r, &x);
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_inspection(struct req *r, struct resp *out)
{
    return render_inspection(r, out, 200, OK);
}

/* Turn the results form into the results the store records; bad fields go to r->fe. */
static void parse_results_form(struct req *r, const struct checklist_template *t,
                               struct inspection_results_in *in)
{
    const char *day = req_form(r, "inspected_on");
    if (!day || !date_parse(day, &in->inspected_on))
        fe_add(&r->fe, "inspected_on", "请填写有效的检查日期");
    else if (in->inspected_on > clock_day_of(clock_now()))
        fe_add(&r->fe, "inspected_on", "检查日期不能晚于今天");
    const char *summary = req_form(r, "summary");
    in->summary = summary && summary[strspn(summary, " \t\r\n")] ? summary : NULL;
    int nt = t ? t->nitems : 0;
    in->items = arena_zalloc(r->a, (size_t)(nt + 1) * sizeof *in->items);
    in->nitems = 0;
    for (int i = 0; i < nt; i++) {
        const char *name = arena_printf(r->a, "item_%s", t->items[i].code);
        int res = inspection_name_index(inspection_item_result_names, req_form(r, name));
        if (res < 0) {
            fe_add(&r->fe, name, "请选择符合、不符合或不适用");
            continue;
        }
        const char *note = req_form(r, arena_printf(r->a, "note_%s", t->items[i].code));
        in->items[in->nitems++] =
            (struct inspection_item_in){t->items[i].code, res, note && note[0] ? note : NULL};
    }
    const char *code = req_form(r, "finding_item_code"), *sev = req_form(r, "finding_severity");
    const char *clause = req_form(r, "finding_clause"), *desc = req_form(r, "finding_description");
    bool any = (sev && sev[0]) || (clause && clause[strspn(clause, " \t\r\n")]) ||
               (desc && desc[strspn(desc, " \t\r\n")]);
    in->findings = arena_zalloc(r->a, sizeof *in->findings);
    in->nfindings = 0;
    if (!any) return;
    int s = inspection_name_index(inspection_severity_names, sev);
    if (s < 0) fe_add(&r->fe, "finding_severity", "请选择严重程度");
    if (!clause || !clause[strspn(clause, " \t\r\n")])
        fe_add(&r->fe, "finding_clause", "请填写违反的条款");
    else if (utf8_chars(clause) > 300)
        fe_add(&r->fe, "finding_clause", "条款不超过 300 字");
    if (!desc || !desc[strspn(desc, " \t\r\n")])
        fe_add(&r->fe, "finding_description", "请填写问题描述");
    else if (utf8_chars(desc) > 2000)
        fe_add(&r->fe, "finding_description", "描述不超过 2000 字");
    if (s < 0) return;
    in->findings[0] = (struct inspection_finding_in){code && code[0] ? code : NULL, s, clause, desc};
    in->nfindings = 1;
}

enum err page_inspection_results(struct req *r, struct resp *out)
{
    struct inspection_row x;
    struct checklist_template t;
    bool has_t;
    enum err e = load_inspection(r, &x, &t, &has_t);
    if (e != OK) return e;
    struct inspection_results_in in;
    memset(&in, 0, sizeof in);
    parse_results_form(r, has_t ? &t : NULL, &in);
    if (r->fe.n == 0)
        e = inspection_record_results(r->db, r->a, r->who, x.id, &in, &r->fe);
    else
        e = ERR_VALIDATION;
    if (e == OK) return resp_redirect(r, out, arena_printf(r->a, "/dash/inspections/%lld", (long long)x.id));
    if (e == ERR_VALIDATION || e == ERR_STATE || e == ERR_CONFLICT)
        return render_inspection(r, out, err_status(e), e);
    return e;
}

enum err page_inspection_cancel(struct req *r, struct resp *out)
{
    const char *reason = req_form(r, "reason");
    if (reason && utf8_chars(reason) > 1000) {
        fe_add(&r->fe, "reason", "原因不超过 1000 字");
        return render_inspection(r, out, 422, ERR_VALIDATION);
    }
    enum err e = inspection_cancel(r->db, r->a, r->who, r->id[0], reason);
    if (e == OK)
        return resp_redirect(r, out, arena_printf(r->a, "/dash/inspections/%lld", (long long)r->id[0]));
    if (e == ERR_STATE || e == ERR_CONFLICT) return render_inspection(r, out, err_status(e), e);
    return e;
}

/* ---- The inspector's home ------------------------------------------------------------------------------ */

static enum err render_inspector(struct req *r, struct resp *out, unsigned status, enum err problem)
{
    struct inspection_filter f;
    inspection_filter_init(&f);
    f.inspector_id = r->who->user_id;
    f.status = "planned";
    f.per_page = 200;
    struct inspection_row *planned = NULL, *done = NULL;
    int np = 0, nd = 0;
    int64_t tp = 0, td = 0;
    enum err e = inspection_list(r->db, r->a, &f, &planned, &np, &tp);
    if (e != OK) return e;
    f.status = "completed";
    f.per_page = 10;
    e = inspection_list(r->db, r->a, &f, &done, &nd, &td);
    if (e != OK) return e;
    struct inst_filter inf;
    inst_filter_init(&inf);
    inf.district = r->who->district;
    inf.state = "filed";
    inf.per_page = 100;
    struct institution *insts = NULL;
    int ni = 0;
    int64_t ti = 0;
    e = inst_list(r->db, r->a, &inf, &insts, &ni, &ti);
    if (e != OK) return e;
    const char *dep = inspection_acting_department(r->who);
    struct inspection_inspector_row *peers = NULL;
    int npeers = 0;
    e = inspection_inspectors_of(r->db, r->a, dep, r->who->district, &peers, &npeers);
    if (e != OK) return e;
    const char *dep_name = NULL;
    const char *district_name_s = NULL;
    e = district_name(r->db, r->a, r->who->district ? r->who->district : "", &district_name_s);
    if (e != OK && e != ERR_NOT_FOUND) return e;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "我的检查");
    html_lit(&h, "<h1>我的检查</h1>\n<p class=\"meta\">");
    html_text(&h, district_name_s ? district_name_s : "");
    html_lit(&h, " · ");
    for (int i = 0; inspection_department_codes[i]; i++)
        if (strcmp(inspection_department_codes[i], dep) == 0) dep_name = department_names_zh[i];
    html_text(&h, dep_name ? dep_name : dep);
    html_lit(&h, "部门 · 检查范围：");
    html_text(&h, inspection_department_competence(dep));
    html_lit(&h, "</p>\n");
    page_problem_box(&h, r, problem, err_message_zh(problem));
    html_lit(&h, "<h2>待检查（");
    html_int(&h, tp);
    html_lit(&h, "）</h2>\n");
    inspections_table(&h, planned, np, "待检查");
    html_lit(&h, "<h2>最近完成</h2>\n");
    inspections_table(&h, done, nd, "最近完成的检查");
    html_lit(&h, "<p><a href=\"/dash/inspections?mine=1\">我参与的全部检查</a></p>\n");

    html_lit(&h, "<h2 id=\"plan\">计划一次检查</h2>\n<form class=\"panel\" method=\"post\" "
                 "action=\"/inspector/inspections\">\n");
    page_csrf(&h, r);
    const char *inst_sel = req_form(r, "institution_id");
    html_lit(&h, "<div class=\"field\"><label for=\"institution_id\">机构（本辖区已备案）</label><select "
                 "id=\"institution_id\" name=\"institution_id\" required>");
    page_option(&h, "", "请选择机构", !inst_sel || !inst_sel[0]);
    for (int i = 0; i < ni; i++) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)insts[i].id);
        page_option(&h, id, insts[i].name, inst_sel && strcmp(inst_sel, id) == 0);
    }
    html_lit(&h, "</select></div>\n");
    enum_select(&h, "kind", "检查类型", inspection_kind_names, inspection_kind_names_zh,
                req_form(r, "kind") ? req_form(r, "kind") : "routine", NULL);
    char today[11];
    date_format(clock_day_of(clock_now()), today);
    html_lit(&h, "<div class=\"field\"><label for=\"planned_on\">计划日期</label><input type=\"date\" "
                 "id=\"planned_on\" name=\"planned_on\"");
    html_attr(&h, "value", posted(r, "planned_on", today));
    html_lit(&h, "></div>\n");
    bool others = false;
    for (int i = 0; i < npeers; i++)
        others |= peers[i].user_id != r->who->user_id;
    if (others) {
        html_lit(&h, "<fieldset><legend>同行检查员（本人默认参加）</legend><div class=\"check\">\n");
        for (int i = 0; i < npeers; i++) {
            if (peers[i].user_id == r->who->user_id) continue;
            char id[48];
            snprintf(id, sizeof id, "peer_%lld", (long long)peers[i].user_id);
            html_lit(&h, "<label");
            html_attr(&h, "for", id);
            html_lit(&h, "><input type=\"checkbox\" name=\"inspector\"");
            html_attr(&h, "id", id);
            html_attr(&h, "value", id + 5);
            html_lit(&h, ">");
            html_text(&h, peers[i].username);
            html_lit(&h, "</label>\n");
        }
        html_lit(&h, "</div></fieldset>\n");
    }
    html_lit(&h, "<button type=\"submit\">计划检查</button>\n</form>\n");
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_inspector(struct req *r, struct resp *out)
{
    return render_inspector(r, out, 200, OK);
}

enum err page_inspector_plan(struct req *r, struct resp *out)
{
    int64_t inst_id = 0, planned_on = 0;
    if (!page_parse_int(req_form(r, "institution_id"), 1, INT64_MAX, 0, &inst_id) || inst_id == 0)
        fe_add(&r->fe, "institution_id", "请选择机构");
    int kind = inspection_name_index(inspection_kind_names, req_form(r, "kind"));
    if (kind < 0) fe_add(&r->fe, "kind", "请选择检查类型");
    const char *day = req_form(r, "planned_on");
    if (day && day[0] && !date_parse(day, &planned_on)) fe_add(&r->fe, "planned_on", "日期无效");
    int64_t *ids = arena_zalloc(r->a, (size_t)(r->nform + 1) * sizeof *ids);
    int nids = 0;
    for (int i = 0; i < r->nform; i++) {
        if (strcmp(r->form[i].key, "inspector") != 0) continue;
        int64_t v = 0;
        if (!page_parse_int(r->form[i].value, 1, INT64_MAX, 0, &v) || v == 0)
            fe_add(&r->fe, "inspector", "检查员无效");
        else
            ids[nids++] = v;
    }
    if (r->fe.n) return render_inspector(r, out, 422, ERR_VALIDATION);
    struct inspection_plan_in in = {.kind = kind,
                                    .planned_on = planned_on ? planned_on : clock_day_of(clock_now()),
                                    .inspectors = ids,
                                    .ninspectors = nids};
    int64_t id = 0;
    enum err e = inspection_plan(r->db, r->who, inst_id, &in, &r->fe, &id);
    if (e == ERR_NOT_FOUND) {
        fe_add(&r->fe, "institution_id", "不是本辖区的机构");
        e = ERR_VALIDATION;
    }
    if (e == OK) return resp_redirect(r, out, arena_printf(r->a, "/dash/inspections/%lld", (long long)id));
    if (e == ERR_VALIDATION) return render_inspector(r, out, 422, e);
    return e;
}
