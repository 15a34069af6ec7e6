/* Rectification (整改) pages: the operator's orders with an answer form, the officials' and inspectors' list
 * with overdue and escalation, one order with its history and the verification form, and the order form for
 * a finding. Forms post into the same store functions as the API, so both paths share one set of rules. The
 * answer form is multipart/form-data: its evidence files are stored exactly as the API stores them
 * (rect_evidence_add, which sniffs the bytes) and attached to the answer together with the files uploaded
 * before through POST /api/v1/rectifications/{id}/evidence. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/filing/filing.h" /* attachment_sniff */
#include "modules/institution/inst.h"
#include "modules/rectification/rectification.h"

#include <stdlib.h>
#include <string.h>

static const char *severity_zh(const char *s)
{
    static const char *const names[] = {"low", "medium", "high", "critical"};
    static const char *const zh[] = {"轻微", "一般", "较重", "严重"};
    for (int i = 0; i < 4; i++)
        if (s && strcmp(s, names[i]) == 0) return zh[i];
    return "未知";
}

static const char *status_zh(const char *status)
{
    int s = rect_status_from_name(status);
    return s >= 0 ? rect_status_names_zh[s] : "未知";
}

static const char *event_zh(const char *event)
{
    int e = rect_event_from_name(event);
    return e >= 0 ? rect_event_names_zh[e] : "未知";
}

static void status_badge(struct html *h, const char *status)
{
    int s = rect_status_from_name(status);
    if (s == RS_ACCEPTED)
        html_lit(h, "<span class=\"badge ok\">");
    else if (s == RS_ANSWERED)
        html_lit(h, "<span class=\"badge info\">");
    else
        html_lit(h, "<span class=\"badge warn\">");
    html_text(h, status_zh(status));
    html_lit(h, "</span>");
}

/* The deadline, and when overdue how late and at which level the order is supervised. */
static void deadline_cell(struct html *h, const struct rect_order *o)
{
    html_date(h, o->deadline_on);
    if (!o->overdue) return;
    html_lit(h, " <span class=\"badge bad\">逾期 ");
    html_int(h, o->days_overdue);
    html_lit(h, " 天</span>");
}

static void level_cell(struct html *h, const struct rect_order *o)
{
    if (o->level == RL_CITY)
        html_lit(h, "<span class=\"badge bad\">市级督办</span>");
    else if (o->level == RL_COUNTY)
        html_lit(h, "<span class=\"badge warn\">县级督办</span>");
    else
        html_lit(h, "—");
}

/* The finding an order is about: severity, clause, description, the day it was found. */
static void finding_facts(struct html *h, const char *severity, const char *clause, const char *description,
                          int64_t found_on)
{
    html_lit(h, "<dt>问题等级</dt><dd>");
    html_text(h, severity_zh(severity));
    html_lit(h, "</dd>\n<dt>依据条款</dt><dd>");
    html_text(h, clause);
    html_lit(h, "</dd>\n<dt>检查发现</dt><dd>");
    html_text(h, description);
    html_lit(h, "</dd>\n<dt>发现日期</dt><dd>");
    html_date(h, found_on);
    html_lit(h, "</dd>\n");
}

static void evidence_list(struct html *h, const struct rect_order *o, const struct rect_evidence_row *v,
                          int n)
{
    if (n == 0) {
        html_lit(h, "<p>尚无证明材料。</p>\n");
        return;
    }
    html_lit(h, "<ul>\n");
    for (int i = 0; i < n; i++) {
        html_lit(h, "<li><a href=\"/api/v1/rectifications/");
        html_int(h, o->id);
        html_lit(h, "/evidence/");
        html_int(h, v[i].id);
        html_lit(h, "\">");
        html_text(h, v[i].filename);
        html_lit(h, "</a> <span class=\"meta\">");
        html_text(h, v[i].media_type);
        html_lit(h, "，");
        html_int(h, (v[i].size + 1023) / 1024);
        html_lit(h, " KB，");
        html_time(h, v[i].uploaded_at);
        if (!v[i].event_id) html_lit(h, "，尚未随答复提交");
        html_lit(h, "</span></li>\n");
    }
    html_lit(h, "</ul>\n");
}

static void events_table(struct html *h, const struct rect_event_row *ev, int n)
{
    html_lit(h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"办理记录\"><table>\n"
                "<thead><tr><th scope=\"col\">时间</th><th scope=\"col\">事项</th><th scope=\"col\">说明</th>"
                "<th scope=\"col\">期限</th><th scope=\"col\">办理人</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        html_lit(h, "<tr><td>");
        html_time(h, ev[i].at);
        html_lit(h, "</td><td>");
        html_text(h, event_zh(ev[i].event));
        html_lit(h, "</td><td>");
        html_text(h, ev[i].text ? ev[i].text : "—");
        html_lit(h, "</td><td>");
        if (ev[i].deadline_on)
            html_date(h, ev[i].deadline_on);
        else
            html_lit(h, "—");
        html_lit(h, "</td><td>");
        html_text(h, ev[i].by_name);
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

/* ---- The operator's orders ---- */

/* The first message fe holds for field, or NULL. */
static const char *field_error(const struct field_errors *fe, const char *field)
{
    for (int i = 0; i < fe->n; i++)
        if (strcmp(fe->items[i].field, field) == 0) return fe->items[i].message;
    return NULL;
}

static void answer_form(struct html *h, struct req *r, const struct rect_order *o,
                        const struct rect_evidence_row *v, int nv, bool keep)
{
    html_lit(h, "<form class=\"panel\" method=\"post\" enctype=\"multipart/form-data\" "
                "action=\"/operator/rectifications/");
    html_int(h, o->id);
    html_lit(h, "/answer\">\n");
    page_csrf(h, r);
    html_lit(h, "<input type=\"hidden\" name=\"version\"");
    html_attr(h, "value", arena_printf(r->a, "%lld", (long long)o->version));
    html_lit(h, ">\n<div class=\"field\"><label for=\"text-");
    html_int(h, o->id);
    html_lit(h, "\">整改情况说明</label><textarea id=\"text-");
    html_int(h, o->id);
    html_lit(h, "\" name=\"text\" rows=\"5\" required>");
    if (keep) html_text(h, req_form(r, "text"));
    html_lit(h, "</textarea></div>\n");
    int pending = 0;
    for (int i = 0; i < nv; i++)
        pending += v[i].event_id == 0;
    if (pending) {
        html_lit(h, "<fieldset><legend>随答复提交的证明材料</legend><div class=\"check\">\n");
        for (int i = 0; i < nv; i++) {
            if (v[i].event_id) continue;
            const char *id = arena_printf(r->a, "ev-%lld", (long long)v[i].id);
            html_lit(h, "<label");
            html_attr(h, "for", id);
            html_lit(h, "><input type=\"checkbox\" name=\"evidence_ids\"");
            html_attr(h, "id", id);
            html_attr(h, "value", arena_printf(r->a, "%lld", (long long)v[i].id));
            html_lit(h, " checked>");
            html_text(h, v[i].filename);
            html_lit(h, "</label>\n");
        }
        html_lit(h, "</div></fieldset>\n");
    }
    const char *id = arena_printf(r->a, "evidence-%lld", (long long)o->id);
    const char *hint = arena_printf(r->a, "evidence-%lld-hint", (long long)o->id);
    const char *error = keep ? field_error(&r->fe, "evidence") : NULL;
    html_lit(h, "<div class=\"field\"><label");
    html_attr(h, "for", id);
    html_lit(h, ">整改佐证材料（PDF、JPG、PNG）</label><input type=\"file\" name=\"evidence\" multiple "
                "accept=\"application/pdf,image/jpeg,image/png\"");
    html_attr(h, "id", id);
    if (error) {
        html_lit(h, " aria-invalid=\"true\"");
        html_attr(h, "aria-describedby", arena_printf(r->a, "%s-error %s", id, hint));
    } else {
        html_attr(h, "aria-describedby", hint);
    }
    html_lit(h, "><span class=\"meta\"");
    html_attr(h, "id", hint);
    html_lit(h, ">可选多个文件，合计不超过 10 MB；按文件内容判断类型。</span>");
    if (error) {
        html_lit(h, "<span class=\"field-error\"");
        html_attr(h, "id", arena_printf(r->a, "%s-error", id));
        html_lit(h, ">");
        html_text(h, error);
        html_lit(h, "</span>");
    }
    html_lit(h, "</div>\n<button type=\"submit\">提交整改答复</button>\n</form>\n");
}

static enum err render_operator(struct req *r, struct resp *out, unsigned status, enum err problem,
                                int64_t problem_id)
{
    struct rect_filter f = {.institution_id = r->who->institution_id, .page = 1};
    int64_t page = 1;
    if (!page_parse_int(req_query(r, "page"), 1, 100000, 1, &page)) page = 1;
    f.page = (int)page;
    struct rect_order *items = NULL;
    int n = 0;
    int64_t total = 0;
    enum err e = rect_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "整改通知");
    html_lit(&h, "<h1>整改通知</h1>\n");
    page_problem_box(&h, r, problem, NULL);
    const char *done = req_query(r, "answered");
    if (done && problem == OK)
        html_lit(&h, "<p class=\"notice\" role=\"status\">整改答复已提交，等待检查人员验收。</p>\n");
    html_lit(&h, "<p role=\"status\">共 ");
    html_int(&h, total);
    html_lit(&h, " 份整改通知，按整改期限排序。</p>\n");
    for (int i = 0; i < n; i++) {
        const struct rect_order *o = &items[i];
        struct rect_event_row *ev = NULL;
        struct rect_evidence_row *v = NULL;
        int nev = 0, nv = 0;
        e = rect_events(r->db, r->a, o->id, &ev, &nev);
        if (e == OK) e = rect_evidence(r->db, r->a, o->id, &v, &nv);
        if (e != OK) {
            html_free(&h);
            return e;
        }
        html_lit(&h, "<section class=\"panel\"");
        html_attr(&h, "id", arena_printf(r->a, "order-%lld", (long long)o->id));
        html_lit(&h, ">\n<h2>整改通知 #");
        html_int(&h, o->id);
        html_lit(&h, " ");
        status_badge(&h, o->status);
        html_lit(&h, "</h2>\n<dl class=\"facts\">\n");
        finding_facts(&h, o->severity, o->clause, o->finding_description, o->found_on);
        html_lit(&h, "<dt>整改要求</dt><dd>");
        html_text(&h, o->requirement);
        html_lit(&h, "</dd>\n<dt>整改期限</dt><dd>");
        deadline_cell(&h, o);
        html_lit(&h, "</dd>\n");
        if (o->reopened) {
            html_lit(&h, "<dt>退回次数</dt><dd>");
            html_int(&h, o->reopened);
            html_lit(&h, "</dd>\n");
        }
        if (o->closed_on) {
            html_lit(&h, "<dt>验收日期</dt><dd>");
            html_date(&h, o->closed_on);
            html_lit(&h, "</dd>\n");
        }
        html_lit(&h, "</dl>\n<h3>办理记录</h3>\n");
        events_table(&h, ev, nev);
        html_lit(&h, "<h3>证明材料</h3>\n");
        evidence_list(&h, o, v, nv);
        if (rect_status_from_name(o->status) == RS_OPEN)
            answer_form(&h, r, o, v, nv, problem != OK && problem_id == o->id);
        html_lit(&h, "</section>\n");
    }
    static const char *const keep[] = {NULL};
    page_pager(&h, r, page, RECT_PER_PAGE, total, keep);
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_rect_operator(struct req *r, struct resp *out)
{
    return render_operator(r, out, 200, OK, 0);
}

/* The ids of the checked evidence boxes (at most 20; more are a validation error of the store's size). */
static int form_ids(struct req *r, int64_t **ids)
{
    int n = 0;
    *ids = arena_zalloc(r->a, (size_t)(r->nform ? r->nform : 1) * sizeof **ids);
    for (int i = 0; i < r->nform; i++) {
        if (strcmp(r->form[i].key, "evidence_ids") != 0) continue;
        char *end;
        long long v = strtoll(r->form[i].value, &end, 10);
        (*ids)[n++] = *end || v < 1 ? 0 : v;
    }
    return n;
}

/* The files posted in the answer form's evidence input, with their sniffed media types; a file input left
 * empty (no name, no bytes) is not a file. Every bad file goes into r->fe under "evidence"; returns
 * ERR_UNSUPPORTED_MEDIA (415) when one is not PDF, JPEG or PNG, else ERR_VALIDATION (422) for an empty one,
 * else OK. Nothing is stored here. */
static enum err posted_evidence(struct req *r, const struct req_file ***files, const char ***media, int *n)
{
    enum err e = OK;
    *n = 0;
    *files = arena_alloc(r->a, (size_t)(r->nfiles ? r->nfiles : 1) * sizeof **files);
    *media = arena_alloc(r->a, (size_t)(r->nfiles ? r->nfiles : 1) * sizeof **media);
    for (int i = 0; i < r->nfiles; i++) {
        const struct req_file *f = &r->files[i];
        if (strcmp(f->name, "evidence") != 0 || (!*f->filename && f->len == 0)) continue;
        const char *m = attachment_sniff(f->data, f->len);
        /* Named in messages as it would be stored: the last path component, at most 100 characters. */
        const char *shown = rect_evidence_filename(r->a, f->filename, m);
        if (f->len == 0) {
            fe_add(&r->fe, "evidence", arena_printf(r->a, "文件“%s”内容为空", shown));
            if (e == OK) e = ERR_VALIDATION;
        } else if (!m) {
            fe_add(&r->fe, "evidence",
                   arena_printf(r->a, "文件“%s”不是 PDF、JPEG 或 PNG（按文件内容判断）", shown));
            e = ERR_UNSUPPORTED_MEDIA;
        }
        (*files)[*n] = f;
        (*media)[*n] = m;
        (*n)++;
    }
    return e;
}

enum err page_rect_operator_post(struct req *r, struct resp *out)
{
    struct rect_order o;
    enum err e = rect_get(r->db, r->a, r->id[0], &o);
    if (e != OK) return e;
    if (o.institution_id != r->who->institution_id) return ERR_NOT_FOUND;
    int64_t *ids, version = 0;
    int nids = form_ids(r, &ids), nfiles = 0;
    const struct req_file **files;
    const char **media;
    if (!page_parse_int(req_form(r, "version"), 1, INT64_MAX, 0, &version)) version = 0;
    e = posted_evidence(r, &files, &media, &nfiles);
    if (nids + nfiles > 20) {
        fe_add(&r->fe, nfiles ? "evidence" : "evidence_ids", "一次最多提交 20 份证明材料");
        if (e == OK) e = ERR_VALIDATION;
    }
    /* The files are stored with the answer, in its transaction: a refused answer keeps none of them. */
    struct rect_upload *uploads = arena_alloc(r->a, (size_t)(nfiles ? nfiles : 1) * sizeof *uploads);
    for (int i = 0; i < nfiles && e == OK; i++)
        e = rect_upload_prepare(r->a, rect_evidence_filename(r->a, files[i]->filename, media[i]),
                                files[i]->data, files[i]->len, &uploads[i]);
    if (e == OK)
        e = rect_answer(r->db, r->a, r->who, o.id, req_form(r, "text"), ids, nids, uploads, nfiles, version,
                        &r->fe, &o);
    if (e == OK)
        return resp_redirect(r, out,
                             arena_printf(r->a, "/operator/rectifications?answered=%lld#order-%lld",
                                          (long long)o.id, (long long)o.id));
    if (e == ERR_VALIDATION || e == ERR_STATE || e == ERR_CONFLICT || e == ERR_UNSUPPORTED_MEDIA)
        return render_operator(r, out, err_status(e), e, o.id);
    return e;
}

/* ---- Officials' and inspectors' list ---- */

/* County officials and inspectors see their district only; NULL (all) for the city, admins, auditors. */
static const char *scope_district(const struct req *r)
{
    if (r->who->role == ROLE_COUNTY || r->who->role == ROLE_INSPECTOR)
        return r->who->district ? r->who->district : "";
    return NULL;
}

static const char *const list_keys[] = {"status", "overdue", "level", "district", "institution", NULL};

enum err page_rect_list(struct req *r, struct resp *out)
{
    const char *scope = scope_district(r);
    const char *status = req_query(r, "status"), *overdue = req_query(r, "overdue"),
               *level = req_query(r, "level"), *district = scope ? scope : req_query(r, "district");
    struct rect_filter f = {.page = 1};
    struct district *ds = NULL;
    int nd = 0;
    int64_t page = 1, inst = 0;
    enum err e = district_list(r->db, r->a, &ds, &nd);
    if (e != OK) return e;
    if (status && *status) {
        int s = rect_status_from_name(status);
        if (s > RS_NONE)
            f.status = rect_status_names[s];
        else
            fe_add(&r->fe, "status", "未知的状态");
    }
    if (overdue && *overdue) {
        if (strcmp(overdue, "1") == 0)
            f.overdue = true;
        else if (strcmp(overdue, "0") != 0)
            fe_add(&r->fe, "overdue", "应为 1 或 0");
    }
    if (level && *level) {
        if (strcmp(level, "county") == 0)
            f.level = RL_COUNTY;
        else if (strcmp(level, "city") == 0)
            f.level = RL_CITY;
        else
            fe_add(&r->fe, "level", "未知的督办层级");
    }
    if (district && *district) {
        if (!scope && !page_district_known(ds, nd, district)) fe_add(&r->fe, "district", "未知的区县");
        f.district = district;
    }
    if (!page_parse_int(req_query(r, "institution"), 1, INT64_MAX, 0, &inst))
        fe_add(&r->fe, "institution", "机构编号无效");
    f.institution_id = inst;
    if (!page_parse_int(req_query(r, "page"), 1, 100000, 1, &page)) fe_add(&r->fe, "page", "页码无效");
    f.page = (int)page;
    if (r->fe.n) return ERR_VALIDATION;

    struct rect_order *items = NULL;
    int n = 0;
    int64_t total = 0, county_level = 0, city_level = 0;
    e = rect_list(r->db, r->a, &f, &items, &n, &total);
    if (e == OK)
        e = rect_overdue_counts(r->db, scope ? scope : f.district, clock_day_of(clock_now()), &county_level,
                                &city_level);
    if (e != OK) return e;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "整改督办");
    page_export_link(&h, r, "/api/v1/rectifications");
    html_lit(&h, "<h1>整改督办</h1>\n<p>逾期未整改：县级督办 <strong>");
    html_int(&h, county_level);
    html_lit(&h, "</strong> 件，市级督办 <strong>");
    html_int(&h, city_level);
    html_lit(&h, "</strong> 件（逾期超过 ");
    html_int(&h, rect_city_days(r->db));
    html_lit(&h,
             " 天升级至市级）。</p>\n"
             "<form class=\"panel\" method=\"get\" action=\"/dash/rectifications\" aria-label=\"筛选整改\">\n"
             "<div class=\"fields\">\n<div class=\"field\"><label for=\"status\">状态</label>"
             "<select id=\"status\" name=\"status\">");
    page_option(&h, "", "全部", !f.status);
    for (int s = RS_OPEN; s < RS__COUNT; s++)
        page_option(&h, rect_status_names[s], rect_status_names_zh[s],
                    f.status && strcmp(f.status, rect_status_names[s]) == 0);
    html_lit(&h, "</select></div>\n<div class=\"field\"><label for=\"overdue\">是否逾期</label>"
                 "<select id=\"overdue\" name=\"overdue\">");
    page_option(&h, "", "全部", !f.overdue);
    page_option(&h, "1", "仅逾期", f.overdue);
    html_lit(&h, "</select></div>\n<div class=\"field\"><label for=\"level\">督办层级</label>"
                 "<select id=\"level\" name=\"level\">");
    page_option(&h, "", "全部", f.level == RL_NONE);
    page_option(&h, "county", "县级督办", f.level == RL_COUNTY);
    page_option(&h, "city", "市级督办", f.level == RL_CITY);
    html_lit(&h, "</select></div>\n");
    if (!scope) {
        html_lit(&h, "<div class=\"field\"><label for=\"district\">区县</label><select id=\"district\" "
                     "name=\"district\">");
        page_district_options(&h, ds, nd, f.district, "全部区县");
        html_lit(&h, "</select></div>\n");
    }
    html_lit(&h, "</div>\n<button type=\"submit\">筛选</button>\n</form>\n<p role=\"status\">共 ");
    html_int(&h, total);
    html_lit(&h, " 件，按整改期限排序。</p>\n");
    if (n > 0) {
        html_lit(
            &h,
            "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"整改列表\"><table>\n"
            "<thead><tr><th scope=\"col\">机构</th><th scope=\"col\">区县</th><th scope=\"col\">问题等级</th>"
            "<th scope=\"col\">整改期限</th><th scope=\"col\">状态</th><th scope=\"col\">督办</th>"
            "<th scope=\"col\">操作</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < n; i++) {
            const struct rect_order *o = &items[i];
            html_lit(&h, "<tr><td>");
            html_text(&h, o->institution_name);
            html_lit(&h, "</td><td>");
            html_text(&h, o->district_name);
            html_lit(&h, "</td><td>");
            html_text(&h, severity_zh(o->severity));
            html_lit(&h, "</td><td>");
            deadline_cell(&h, o);
            html_lit(&h, "</td><td>");
            status_badge(&h, o->status);
            html_lit(&h, "</td><td>");
            level_cell(&h, o);
            html_lit(&h, "</td><td><a href=\"/dash/rectifications/");
            html_int(&h, o->id);
            html_lit(&h, "\">");
            if (rect_status_from_name(o->status) == RS_ANSWERED)
                html_lit(&h, "验收");
            else
                html_lit(&h, "查看");
            html_lit(&h, "<span class=\"vh\">：");
            html_text(&h, o->institution_name);
            html_lit(&h, " 整改通知 #");
            html_int(&h, o->id);
            html_lit(&h, "</span></a></td></tr>\n");
        }
        html_lit(&h, "</tbody></table></div>\n");
    }
    page_pager(&h, r, page, RECT_PER_PAGE, total, list_keys);
    page_end(&h);
    return resp_html(r, out, 200, &h);
}

/* ---- Ordering rectification of a finding ---- */

static enum err render_new(struct req *r, struct resp *out, unsigned status, enum err problem,
                           int64_t finding_id)
{
    struct rect_finding f;
    enum err e = rect_finding_get(r->db, r->a, finding_id, &f);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, f.district_code)) return ERR_NOT_FOUND;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "下达整改通知");
    html_lit(&h, "<p><a href=\"/dash/rectifications\">← 整改督办</a></p>\n<h1>下达整改通知</h1>\n");
    page_problem_box(&h, r, problem, NULL);
    html_lit(&h, "<dl class=\"facts\">\n<dt>机构</dt><dd>");
    html_text(&h, f.institution_name);
    html_lit(&h, "</dd>\n");
    finding_facts(&h, f.severity, f.clause, f.description, f.found_on);
    html_lit(&h, "</dl>\n");
    if (f.order_id) {
        html_lit(&h, "<p class=\"notice\">该问题已下达整改通知：<a href=\"/dash/rectifications/");
        html_int(&h, f.order_id);
        html_lit(&h, "\">查看整改通知 #");
        html_int(&h, f.order_id);
        html_lit(&h, "</a></p>\n");
    } else if (rect_may_supervise(r->who->role, r->who->district, r->who->department, f.district_code,
                                  f.department_code)) {
        char dflt[11];
        const char *deadline = problem != OK ? req_form(r, "deadline_on") : NULL;
        if (!deadline) deadline = date_format(clock_day_of(clock_now()) + 30, dflt);
        html_lit(&h, "<form class=\"panel\" method=\"post\" action=\"/dash/rectifications/new\">\n");
        page_csrf(&h, r);
        html_lit(&h, "<input type=\"hidden\" name=\"finding\"");
        html_attr(&h, "value", arena_printf(r->a, "%lld", (long long)f.id));
        html_lit(&h, ">\n<div class=\"field\"><label for=\"deadline_on\">整改期限</label>"
                     "<input type=\"date\" id=\"deadline_on\" name=\"deadline_on\" required "
                     "aria-describedby=\"deadline-hint\"");
        html_attr(&h, "value", deadline);
        html_lit(&h, "><span id=\"deadline-hint\" class=\"meta\">晚于今天，最长 180 天。</span></div>\n"
                     "<div class=\"field\"><label for=\"requirement\">整改要求</label>"
                     "<textarea id=\"requirement\" name=\"requirement\" rows=\"5\" required>");
        if (problem != OK) html_text(&h, req_form(r, "requirement"));
        html_lit(&h, "</textarea></div>\n<button type=\"submit\">下达整改通知</button>\n</form>\n");
    } else {
        html_lit(&h, "<p "
                     "class=\"notice\">"
                     "只有本区县卫生健康部门或作出该检查发现的部门的检查人员可以下达整改通知。</p>\n");
    }
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_rect_new(struct req *r, struct resp *out)
{
    int64_t finding = 0;
    if (!page_parse_int(req_query(r, "finding"), 1, INT64_MAX, 0, &finding) || finding == 0) {
        fe_add(&r->fe, "finding", "请指定检查发现");
        return ERR_VALIDATION;
    }
    return render_new(r, out, 200, OK, finding);
}

enum err page_rect_new_post(struct req *r, struct resp *out)
{
    int64_t finding = 0, deadline = 0;
    if (!page_parse_int(req_form(r, "finding"), 1, INT64_MAX, 0, &finding) || finding == 0) {
        fe_add(&r->fe, "finding", "请指定检查发现");
        return ERR_VALIDATION;
    }
    struct rect_finding f;
    enum err e = rect_finding_get(r->db, r->a, finding, &f);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, f.district_code)) return ERR_NOT_FOUND;
    const char *d = req_form(r, "deadline_on");
    if (!d || !date_parse(d, &deadline)) {
        fe_add(&r->fe, "deadline_on", "请填写有效的整改期限（YYYY-MM-DD）");
        deadline = 0;
    }
    struct rect_order o;
    e = r->fe.n ? ERR_VALIDATION
                : rect_order_create(r->db, r->a, r->who, f.id, deadline, req_form(r, "requirement"),
                                    clock_day_of(clock_now()), &r->fe, &o);
    if (e == OK)
        return resp_redirect(r, out, arena_printf(r->a, "/dash/rectifications/%lld", (long long)o.id));
    if (e == ERR_VALIDATION || e == ERR_STATE || e == ERR_FORBIDDEN)
        return render_new(r, out, err_status(e), e, f.id);
    return e;
}

/* ---- One order ---- */

static void verify_form(struct html *h, struct req *r, const struct rect_order *o, bool keep)
{
    char dflt[11];
    const char *deadline = keep ? req_form(r, "deadline_on") : NULL;
    if (!deadline) deadline = date_format(clock_day_of(clock_now()) + 15, dflt);
    html_lit(
        h,
        "<h2 id=\"verify\">验收</h2>\n<form class=\"panel\" method=\"post\" action=\"/dash/rectifications/");
    html_int(h, o->id);
    html_lit(h, "/verify\">\n");
    page_csrf(h, r);
    html_lit(h, "<input type=\"hidden\" name=\"version\"");
    html_attr(h, "value", arena_printf(r->a, "%lld", (long long)o->version));
    html_lit(h, ">\n<div class=\"field\"><label for=\"text\">验收意见或退回理由</label>"
                "<textarea id=\"text\" name=\"text\" rows=\"4\" aria-describedby=\"text-hint\">");
    if (keep) html_text(h, req_form(r, "text"));
    html_lit(
        h, "</textarea><span id=\"text-hint\" class=\"meta\">退回时必填，机构会看到这段说明。</span></div>\n"
           "<div class=\"field\"><label for=\"deadline_on\">新的整改期限（退回时）</label>"
           "<input type=\"date\" id=\"deadline_on\" name=\"deadline_on\"");
    html_attr(h, "value", deadline);
    html_lit(h,
             "></div>\n<button type=\"submit\" name=\"decision\" value=\"accept\">验收通过</button>\n"
             "<button type=\"submit\" name=\"decision\" value=\"reopen\">退回重新整改</button>\n</form>\n");
}

static enum err render_detail(struct req *r, struct resp *out, unsigned status, enum err problem)
{
    struct rect_order o;
    enum err e = rect_get(r->db, r->a, r->id[0], &o);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, o.district_code)) return ERR_NOT_FOUND;
    struct rect_event_row *ev = NULL;
    struct rect_evidence_row *v = NULL;
    int nev = 0, nv = 0;
    e = rect_events(r->db, r->a, o.id, &ev, &nev);
    if (e == OK) e = rect_evidence(r->db, r->a, o.id, &v, &nv);
    if (e != OK) return e;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "整改通知");
    html_lit(&h, "<p><a href=\"/dash/rectifications\">← 整改督办</a></p>\n<h1>");
    html_text(&h, o.institution_name);
    html_lit(&h, " · 整改通知 #");
    html_int(&h, o.id);
    html_lit(&h, "</h1>\n");
    page_problem_box(&h, r, problem, NULL);
    /* The registry page is for officials; inspectors get the name alone. */
    bool link = r->who->role & ROLES_OFFICIALS;
    html_lit(&h, "<dl class=\"facts\">\n<dt>机构</dt><dd>");
    if (link) {
        html_lit(&h, "<a href=\"/dash/institutions/");
        html_int(&h, o.institution_id);
        html_lit(&h, "\">");
    }
    html_text(&h, o.institution_name);
    if (link) html_lit(&h, "</a>");
    html_lit(&h, "</dd>\n<dt>区县</dt><dd>");
    html_text(&h, o.district_name);
    html_lit(&h, "</dd>\n<dt>状态</dt><dd>");
    status_badge(&h, o.status);
    html_lit(&h, "</dd>\n");
    finding_facts(&h, o.severity, o.clause, o.finding_description, o.found_on);
    html_lit(&h, "<dt>整改要求</dt><dd>");
    html_text(&h, o.requirement);
    html_lit(&h, "</dd>\n<dt>整改期限</dt><dd>");
    deadline_cell(&h, &o);
    html_lit(&h, "</dd>\n<dt>督办</dt><dd>");
    level_cell(&h, &o);
    html_lit(&h, "</dd>\n<dt>退回次数</dt><dd>");
    html_int(&h, o.reopened);
    html_lit(&h, "</dd>\n");
    if (o.closed_on) {
        html_lit(&h, "<dt>验收日期</dt><dd>");
        html_date(&h, o.closed_on);
        html_lit(&h, "</dd>\n");
    }
    html_lit(&h, "</dl>\n<h2>办理记录</h2>\n");
    events_table(&h, ev, nev);
    html_lit(&h, "<h2>证明材料</h2>\n");
    evidence_list(&h, &o, v, nv);
    if (rect_status_from_name(o.status) == RS_ANSWERED &&
        rect_may_supervise(r->who->role, r->who->district, r->who->department, o.district_code,
                           o.department_code))
        verify_form(&h, r, &o, problem != OK);
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_rect_detail(struct req *r, struct resp *out)
{
    return render_detail(r, out, 200, OK);
}

enum err page_rect_verify_post(struct req *r, struct resp *out)
{
    struct rect_order o;
    enum err e = rect_get(r->db, r->a, r->id[0], &o);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, o.district_code)) return ERR_NOT_FOUND;
    const char *decision = req_form(r, "decision"), *d = req_form(r, "deadline_on");
    int event = decision && strcmp(decision, "accept") == 0   ? REV_ACCEPT
                : decision && strcmp(decision, "reopen") == 0 ? REV_REOPEN
                                                              : -1;
    int64_t deadline = 0, version = 0;
    if (event == REV_REOPEN && d && *d && !date_parse(d, &deadline))
        fe_add(&r->fe, "deadline_on", "请填写有效的日期（YYYY-MM-DD）");
    if (!page_parse_int(req_form(r, "version"), 1, INT64_MAX, 0, &version)) version = 0;
    e = r->fe.n ? ERR_VALIDATION
                : rect_verify(r->db, r->a, r->who, o.id, event, req_form(r, "text"), deadline, version,
                              &r->fe, &o);
    if (e == OK)
        return resp_redirect(r, out, arena_printf(r->a, "/dash/rectifications/%lld", (long long)o.id));
    if (e == ERR_VALIDATION || e == ERR_STATE || e == ERR_CONFLICT || e == ERR_FORBIDDEN)
        return render_detail(r, out, err_status(e), e);
    return e;
}
