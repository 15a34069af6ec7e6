/* Filing (备案) pages: the county's review queue, one filing with its dossier, findings, attachments and the
 * decision form, and the operator's own page with the filing form. Forms post urlencoded bodies; the filing
 * form is turned into exactly the JSON body the API takes, so both paths share one validator and one set of
 * rules (filing_submit). */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/filing/filing.h"
#include "modules/compliance/compliance.h"
#include "modules/filing/filing_store.h"
#include "modules/institution/inst.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define FILINGS_PER_PAGE 50 /* filing_list's page size */
#define FORM_CLASS_ROWS  6
#define NSTAFF           5

static const char *const staff_keys[NSTAFF] = {"director", "caregiver", "health", "security", "cook"};
static const char *const staff_zh[NSTAFF] = {"负责人", "保育人员", "卫生保健人员", "安保人员", "炊事人员"};
static const char *const class_cols[3] = {"type", "capacity", "caregivers"};
static const char *const class_cols_zh[3] = {"班级类型", "人数", "保育人员"};

static int64_t today(void)
{
    return clock_day_of(clock_now());
}

static bool is_status(const struct filing_row *f, const char *status)
{
    return f->status && strcmp(f->status, status) == 0;
}

static void status_badge(struct html *h, const char *status)
{
    if (status && strcmp(status, "approved") == 0)
        html_lit(h, "<span class=\"badge ok\">");
    else if (status && strcmp(status, "returned") == 0)
        html_lit(h, "<span class=\"badge warn\">");
    else if (status && strcmp(status, "submitted") == 0)
        html_lit(h, "<span class=\"badge info\">");
    else
        html_lit(h, "<span class=\"badge\">");
    html_text(h, page_filing_status_zh(status));
    html_lit(h, "</span>");
}

static void due_cell(struct html *h, const struct filing_row *f)
{
    html_date(h, f->due_on);
    if (is_status(f, "submitted") && f->due_on < today())
        html_lit(h, " <span class=\"badge bad\">逾期</span>");
}

/* ---- Shared pieces: findings, attachments, dossier ---- */

/* The findings JSON array [{"rule","severity","message","clause","field"}] as a list, violations first as
 * stored. */
static void findings_list(struct html *h, const char *findings)
{
    json_t *arr = findings ? json_loads(findings, 0, NULL) : NULL;
    size_t i;
    json_t *f;
    if (json_array_size(arr) == 0) {
        html_lit(h, "<p>未发现问题。</p>\n");
        json_decref(arr);
        return;
    }
    html_lit(h, "<ul class=\"findings\">\n");
    json_array_foreach (arr, i, f) {
        const char *sev = json_string_value(json_object_get(f, "severity"));
        const char *clause = json_string_value(json_object_get(f, "clause"));
        const char *field = json_string_value(json_object_get(f, "field"));
        if (sev && strcmp(sev, "violation") == 0)
            html_lit(h, "<li class=\"finding violation\"><span class=\"badge bad\">违规</span> ");
        else
            html_lit(h, "<li class=\"finding warning\"><span class=\"badge warn\">提示</span> ");
        html_text(h, json_string_value(json_object_get(f, "message")));
        if (clause) {
            html_lit(h, "<span class=\"clause\">依据：");
            html_text(h, clause);
            html_lit(h, "</span>");
        }
        if (field) {
            html_lit(h, "<span class=\"clause\">涉及：<code>");
            html_text(h, field);
            html_lit(h, "</code></span>");
        }
        html_lit(h, "</li>\n");
    }
    html_lit(h, "</ul>\n");
    json_decref(arr);
}

/* The seven required attachments, each present (with its latest upload) or missing. */
static void attachments_table(struct html *h, const struct filing_row *f, const struct attachment_row *att,
                              int n)
{
    html_lit(
        h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"附件\"><table>\n"
           "<thead><tr><th scope=\"col\">材料</th><th scope=\"col\">状态</th><th scope=\"col\">上传时间</th>"
           "<th scope=\"col\">文件</th></tr></thead>\n<tbody>\n");
    for (int k = 0; k < ATT__COUNT; k++) {
        const struct attachment_row *last = NULL;
        for (int i = 0; i < n; i++)
            if (att[i].kind && strcmp(att[i].kind, attachment_kind_names[k]) == 0 &&
                (!last || att[i].uploaded_at >= last->uploaded_at))
                last = &att[i];
        bool present = (f->attachments & (1u << k)) || last;
        html_lit(h, "<tr><th scope=\"row\">");
        html_text(h, attachment_kind_names_zh[k]);
        if (present)
            html_lit(h, "</th><td><span class=\"badge ok\">已上传</span></td><td>");
        else
            html_lit(h, "</th><td><span class=\"badge bad\">缺少</span></td><td>");
        if (last) {
            html_time(h, last->uploaded_at);
            html_lit(h, "</td><td>");
            html_text(h, last->media_type);
            html_lit(h, "，");
            html_int(h, (last->size + 1023) / 1024);
            html_lit(h, " KB");
        } else {
            html_lit(h, "—</td><td>—");
        }
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

/* The dossier for a reviewer, read through the same validator that accepted it. A dossier that no longer
 * reads (rules changed since) is shown as its JSON text rather than hidden. */
static void dossier_summary(struct html *h, struct arena *a, const char *dossier)
{
    json_t *doc = dossier ? json_loads(dossier, 0, NULL) : NULL;
    struct filing_dossier d;
    struct field_errors fe;
    memset(&d, 0, sizeof d);
    fe_init(&fe, a);
    if (!doc || !filing_parse(doc, a, &d, &fe)) {
        html_lit(h, "<p>材料无法按现行格式读取，原文如下：</p>\n<pre>");
        html_text(h, dossier);
        html_lit(h, "</pre>\n");
        json_decref(doc);
        return;
    }
    html_lit(h, "<dl class=\"facts\">\n<dt>服务类型</dt><dd>");
    page_service_types(h, d.service_types);
    html_lit(h, "</dd>\n<dt>普惠托育</dt><dd>");
    if (d.inclusive)
        html_lit(h, "是");
    else
        html_lit(h, "否");
    html_lit(h, "</dd>\n<dt>室内面积</dt><dd>");
    page_decimal(h, d.indoor_area_m2, 2);
    html_lit(h, " 平方米</dd>\n<dt>室外面积</dt><dd>");
    page_decimal(h, d.outdoor_area_m2, 2);
    html_lit(h, " 平方米</dd>\n<dt>开放时间</dt><dd>");
    html_text(h, d.opening_hours && d.opening_hours[0] ? d.opening_hours : "—");
    html_lit(h, "</dd>\n</dl>\n");

    html_lit(
        h, "<h3>班级</h3>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"班级\"><table>\n"
           "<thead><tr><th scope=\"col\">班级</th><th scope=\"col\">类型</th><th scope=\"col\" class=\"num\">"
           "人数</th><th scope=\"col\" class=\"num\">保育人员</th><th scope=\"col\" class=\"num\">"
           "每名保育人员照护</th></tr></thead>\n<tbody>\n");
    int64_t children = 0, carers = 0;
    for (int i = 0; i < d.nclasses; i++) {
        const struct filing_class *c = &d.classes[i];
        html_lit(h, "<tr><td>第 ");
        html_int(h, i + 1);
        html_lit(h, " 班</td><td>");
        html_text(h, c->type >= 0 && c->type < CLASS__COUNT ? class_type_names_zh[c->type] : "未知");
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, c->capacity);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, c->caregivers);
        html_lit(h, "</td><td class=\"num\">");
        if (c->caregivers > 0)
            page_decimal(h, (double)c->capacity / (double)c->caregivers, 1);
        else
            html_lit(h, "—");
        html_lit(h, "</td></tr>\n");
        children += c->capacity;
        carers += c->caregivers;
    }
    html_lit(h, "</tbody>\n<tfoot><tr><th scope=\"row\" colspan=\"2\">合计</th><td class=\"num\">");
    html_int(h, children);
    html_lit(h, "</td><td class=\"num\">");
    html_int(h, carers);
    html_lit(h, "</td><td></td></tr></tfoot></table></div>\n");

    const int64_t staff[NSTAFF] = {d.staff_director, d.staff_caregiver, d.staff_health, d.staff_security,
                                   d.staff_cook};
    html_lit(h, "<h3>计划配备人员</h3>\n<dl class=\"facts\">\n");
    for (int k = 0; k < NSTAFF; k++) {
        html_lit(h, "<dt>");
        html_text(h, staff_zh[k]);
        html_lit(h, "</dt><dd>");
        html_int(h, staff[k]);
        html_lit(h, " 人</dd>\n");
    }
    html_lit(h, "</dl>\n<h3>收费标准</h3>\n");
    if (d.nfees == 0) {
        html_lit(h, "<p>未填写收费。</p>\n");
    } else {
        html_lit(h,
                 "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"收费标准\"><table>\n"
                 "<thead><tr><th scope=\"col\">服务类型</th><th scope=\"col\" class=\"num\">月收费（元）</th>"
                 "</tr></thead>\n<tbody>\n");
        for (int i = 0; i < d.nfees; i++) {
            int t = d.fees[i].service_type;
            html_lit(h, "<tr><td>");
            html_text(h, t >= 0 && t < SVC__COUNT ? service_type_names_zh[t] : "未知");
            html_lit(h, "</td><td class=\"num\">");
            html_yuan(h, d.fees[i].monthly_fen);
            html_lit(h, "</td></tr>\n");
        }
        html_lit(h, "</tbody></table></div>\n");
    }
    json_decref(doc);
}

/* ---- The review queue ---- */

static const char *const filings_keys[] = {"status", "district", NULL};

enum err page_filings(struct req *r, struct resp *out)
{
    const char *scope = page_scope_district(r);
    const char *status = req_query(r, "status");
    const char *district = scope ? scope : req_query(r, "district");
    const char *want = "submitted"; /* the status passed to the store; NULL for all */
    int64_t page = 1;
    struct district *ds = NULL;
    int nd = 0;
    enum err e = district_list(r->db, r->a, &ds, &nd);
    if (e != OK) return e;
    if (status && strcmp(status, "all") == 0) {
        want = NULL;
    } else if (status && status[0]) {
        int s = filing_status_from_name(status);
        if (s > FS_NONE && s < FS__COUNT)
            want = filing_status_names[s];
        else
            fe_add(&r->fe, "status", "未知的状态");
    }
    if (district && district[0]) {
        if (!page_district_known(ds, nd, district)) fe_add(&r->fe, "district", "未知的区县");
    } else {
        district = NULL;
    }
    if (!page_parse_int(req_query(r, "page"), 1, 100000, 1, &page)) fe_add(&r->fe, "page", "页码无效");
    if (r->fe.n) return ERR_VALIDATION;

    struct filing_row *items = NULL;
    int n = 0;
    int64_t total = 0;
    e = filing_list(r->db, r->a, want, district, (int)page, &items, &n, &total);
    if (e != OK) return e;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "备案审核");
    html_lit(
        &h,
        "<h1>备案审核</h1>\n<form class=\"panel\" method=\"get\" action=\"/dash/filings\" "
        "aria-label=\"筛选备案\">\n<div class=\"fields\">\n<div class=\"field\"><label for=\"status\">状态"
        "</label><select id=\"status\" name=\"status\">");
    for (int s = FS_SUBMITTED; s < FS__COUNT; s++)
        page_option(&h, filing_status_names[s], filing_status_names_zh[s],
                    want && strcmp(want, filing_status_names[s]) == 0);
    page_option(&h, "all", "全部", !want);
    html_lit(&h, "</select></div>\n");
    if (!scope) {
        html_lit(&h, "<div class=\"field\"><label for=\"district\">区县</label><select id=\"district\" "
                     "name=\"district\">");
        page_district_options(&h, ds, nd, district, "全部区县");
        html_lit(&h, "</select></div>\n");
    }
    html_lit(&h, "</div>\n<button type=\"submit\">筛选</button>\n</form>\n<p role=\"status\">共 ");
    html_int(&h, total);
    html_lit(&h, " 件，按办理期限排序。</p>\n");
    if (n > 0) {
        html_lit(
            &h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"备案列表\"><table>\n"
                "<thead><tr><th scope=\"col\">机构</th><th scope=\"col\">区县</th><th scope=\"col\">版本</th>"
                "<th scope=\"col\">提交日期</th><th scope=\"col\">办理期限</th><th scope=\"col\" "
                "class=\"num\">违规项</th><th scope=\"col\">状态</th><th scope=\"col\">操作</th></tr>"
                "</thead>\n<tbody>\n");
        for (int i = 0; i < n; i++) {
            const struct filing_row *f = &items[i];
            html_lit(&h, "<tr><td>");
            html_text(&h, f->institution_name);
            html_lit(&h, "</td><td>");
            html_text(&h, f->district_name);
            html_lit(&h, "</td><td>第 ");
            html_int(&h, f->version);
            html_lit(&h, " 版</td><td>");
            html_date(&h, clock_day_of(f->submitted_at));
            html_lit(&h, "</td><td>");
            due_cell(&h, f);
            html_lit(&h, "</td><td class=\"num\">");
            html_int(&h, f->violations);
            html_lit(&h, "</td><td>");
            status_badge(&h, f->status);
            html_lit(&h, "</td><td><a href=\"/dash/filings/");
            html_int(&h, f->id);
            html_lit(&h, "\">");
            if (is_status(f, "submitted"))
                html_lit(&h, "审核");
            else
                html_lit(&h, "查看");
            html_lit(&h, "<span class=\"vh\">：");
            html_text(&h, f->institution_name);
            html_lit(&h, " 第 ");
            html_int(&h, f->version);
            html_lit(&h, " 版</span></a></td></tr>\n");
        }
        html_lit(&h, "</tbody></table></div>\n");
    }
    page_pager(&h, r, page, FILINGS_PER_PAGE, total, filings_keys);
    page_end(&h);
    return resp_html(r, out, 200, &h);
}

/* ---- One filing ---- */

/* The decision form, keeping what was posted when it is shown again after a refusal. */
static void decision_form(struct html *h, struct req *r, const struct filing_row *f)
{
    const char *decision = req_form(r, "decision");
    html_lit(h, "<h2 id=\"decide\">审核决定</h2>\n");
    if (f->violations > 0 || (f->attachments & ATT_ALL_REQUIRED) != ATT_ALL_REQUIRED)
        html_lit(h, "<p class=\"notice\">该版本仍有违规项或缺少附件，不能批准备案，只能退回。</p>\n");
    html_lit(h, "<form class=\"panel\" method=\"post\" action=\"/dash/filings/");
    html_int(h, f->id);
    html_lit(h, "/decision\">\n");
    page_csrf(h, r);
    html_lit(
        h, "<fieldset><legend>决定</legend><div class=\"check\">\n"
           "<label for=\"decision_approve\"><input type=\"radio\" id=\"decision_approve\" name=\"decision\" "
           "value=\"approve\"");
    if (decision && strcmp(decision, "approve") == 0) html_lit(h, " checked");
    html_lit(h,
             ">批准备案</label>\n<label for=\"decision_return\"><input type=\"radio\" id=\"decision_return\" "
             "name=\"decision\" value=\"return\"");
    if (decision && strcmp(decision, "return") == 0) html_lit(h, " checked");
    html_lit(h,
             ">退回</label>\n</div></fieldset>\n<div class=\"field\"><label for=\"reason\">退回理由</label>"
             "<textarea id=\"reason\" name=\"reason\" rows=\"4\" aria-describedby=\"reason-hint\">");
    html_text(h, req_form(r, "reason"));
    html_lit(
        h,
        "</textarea><span id=\"reason-hint\" class=\"meta\">退回时必填，机构会看到这段说明。</span></div>\n"
        "<button type=\"submit\">提交决定</button>\n</form>\n");
}

/* The review page of filing r->id[0]. problem (OK for none) is a refused decision to explain above the page,
 * with r->fe's fields; status is the HTTP status to answer with. */
static enum err render_filing(struct req *r, struct resp *out, unsigned status, enum err problem)
{
    struct filing_row f;
    struct attachment_row *att = NULL;
    int natt = 0;
    enum err e = filing_get(r->db, r->a, r->id[0], &f);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, f.district_code)) return ERR_NOT_FOUND;
    e = filing_attachments(r->db, r->a, f.id, &att, &natt);
    if (e != OK) return e;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "备案审核");
    html_lit(&h, "<p><a href=\"/dash/filings\">← 备案审核</a></p>\n<h1>");
    html_text(&h, f.institution_name);
    html_lit(&h, " · 第 ");
    html_int(&h, f.version);
    html_lit(&h, " 版备案材料</h1>\n");
    page_problem_box(&h, r, problem, NULL);
    html_lit(&h, "<dl class=\"facts\">\n<dt>机构</dt><dd><a href=\"/dash/institutions/");
    html_int(&h, f.institution_id);
    html_lit(&h, "\">");
    html_text(&h, f.institution_name);
    html_lit(&h, "</a></dd>\n<dt>区县</dt><dd>");
    html_text(&h, f.district_name);
    html_lit(&h, "</dd>\n<dt>状态</dt><dd>");
    status_badge(&h, f.status);
    html_lit(&h, "</dd>\n<dt>提交时间</dt><dd>");
    html_time(&h, f.submitted_at);
    html_lit(&h, "</dd>\n<dt>办理期限</dt><dd>");
    due_cell(&h, &f);
    html_lit(&h, "</dd>\n");
    if (f.decided_at > 0) {
        html_lit(&h, "<dt>决定时间</dt><dd>");
        html_time(&h, f.decided_at);
        html_lit(&h, "</dd>\n");
    }
    if (f.reason) {
        html_lit(&h, "<dt>退回理由</dt><dd>");
        html_text(&h, f.reason);
        html_lit(&h, "</dd>\n");
    }
    if (f.filing_number) {
        html_lit(&h, "<dt>备案编号</dt><dd>");
        html_text(&h, f.filing_number);
        if (is_status(&f, "approved")) { /* the receipt (module reports) */
            html_lit(&h, " <a href=\"/api/v1/filings/");
            html_int(&h, f.id);
            html_lit(&h, "/receipt.pdf\">下载备案回执（PDF）</a>");
        }
        html_lit(&h, "</dd>\n");
    }
    html_lit(&h, "</dl>\n<h2>备案材料摘要</h2>\n");
    dossier_summary(&h, r->a, f.dossier);
    html_lit(&h, "<h2>审核发现（违规 ");
    html_int(&h, f.violations);
    html_lit(&h, " 项）</h2>\n");
    findings_list(&h, f.findings);
    html_lit(&h, "<h2>附件</h2>\n");
    attachments_table(&h, &f, att, natt);
    if (r->who->role == ROLE_COUNTY && is_status(&f, "submitted")) decision_form(&h, r, &f);
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_filing(struct req *r, struct resp *out)
{
    return render_filing(r, out, 200, OK);
}

enum err page_filing_decide(struct req *r, struct resp *out)
{
    struct filing_row f;
    enum err e = filing_get(r->db, r->a, r->id[0], &f);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, f.district_code)) return ERR_NOT_FOUND;
    const char *decision = req_form(r, "decision");
    const char *reason = req_form(r, "reason");
    if (reason && !reason[strspn(reason, " \t\r\n")]) reason = NULL;
    struct filing_row row;
    e = filing_decide(r->db, r->a, r->who, f.id, decision ? decision : "", reason, &r->fe, &row);
    if (e == OK) return resp_redirect(r, out, arena_printf(r->a, "/dash/filings/%lld", (long long)f.id));
    if (e == ERR_FILING_VIOLATIONS || e == ERR_FILING_ATTACHMENTS || e == ERR_VALIDATION || e == ERR_STATE)
        return render_filing(r, out, err_status(e), e);
    return e;
}

/* ---- The operator's page and filing form ---- */

/* The inputs of the filing form, in order. */
enum {
    IN_SERVICE_TYPES,
    IN_INCLUSIVE,
    IN_INDOOR,
    IN_OUTDOOR,
    IN_HOURS,
    IN_STAFF,                       /* NSTAFF inputs */
    IN_FEE = IN_STAFF + NSTAFF,     /* one per service type */
    IN_CLASS = IN_FEE + SVC__COUNT, /* FORM_CLASS_ROWS rows of type, capacity, caregivers */
    IN__COUNT = IN_CLASS + 3 * FORM_CLASS_ROWS,
};

/* What the form shows: typed values (or values from the latest dossier) and, after a submission, where each
 * input went in the JSON body so that field errors can be put back next to it. */
struct filing_form {
    unsigned service_types;
    const char *value[IN__COUNT];
    const char *path[IN__COUNT]; /* NULL when the input was left out of the body */
};

/* The form field name (also its id) of input i; arena string. */
static const char *input_name(struct arena *a, int i)
{
    static const char *const fixed[] = {"service_types", "inclusive", "indoor_area_m2", "outdoor_area_m2",
                                        "opening_hours"};
    if (i < IN_STAFF) return fixed[i];
    if (i < IN_FEE) return arena_printf(a, "staff_%s", staff_keys[i - IN_STAFF]);
    if (i < IN_CLASS) return arena_printf(a, "fee_%s", service_type_names[i - IN_FEE]);
    return arena_printf(a, "class_%s_%d", class_cols[(i - IN_CLASS) % 3], (i - IN_CLASS) / 3);
}

static const char *input_label(struct arena *a, int i)
{
    static const char *const fixed[] = {"服务类型", "是否普惠", "室内面积（平方米）", "室外面积（平方米）",
                                        "开放时间"};
    if (i < IN_STAFF) return fixed[i];
    if (i < IN_FEE) return arena_printf(a, "%s（人）", staff_zh[i - IN_STAFF]);
    if (i < IN_CLASS) return arena_printf(a, "%s（元/月）", service_type_names_zh[i - IN_FEE]);
    return arena_printf(a, "第 %d 班 %s", (i - IN_CLASS) / 3 + 1, class_cols_zh[(i - IN_CLASS) % 3]);
}

/* Whether the error field names path or something inside it ("fees[1]" covers "fees[1].monthly_yuan"). */
static bool path_covers(const char *path, const char *field)
{
    size_t n = path ? strlen(path) : 0;
    return n && field && strncmp(field, path, n) == 0 &&
           (field[n] == 0 || field[n] == '.' || field[n] == '[');
}

static const char *input_error(const struct field_errors *fe, const struct filing_form *ff, int i)
{
    for (int k = 0; k < fe->n; k++)
        if (path_covers(ff->path[i], fe->items[k].field)) return fe->items[k].message;
    return NULL;
}

/* A copy of s without surrounding white space; NULL stays NULL. */
static const char *trimmed(struct arena *a, const char *s)
{
    if (!s) return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    return arena_strndup(a, s, n);
}

static bool blank(const char *s)
{
    return !s || !s[0];
}

/* A form string as JSON; a value that is not UTF-8 becomes null, which the validator reports. */
static json_t *form_string(const char *s)
{
    json_t *v = json_string(s);
    return v ? v : json_null();
}

/* A form number as JSON: an integer or a decimal when s is one, else the string itself, so the validator
 * rejects it and names the field. */
static json_t *form_number(const char *s)
{
    const char *p = s[0] == '-' ? s + 1 : s;
    bool dot = false, digits = false;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits = true;
        else if (*p == '.' && !dot)
            dot = true;
        else
            return form_string(s);
    }
    if (!digits) return form_string(s);
    errno = 0;
    if (!dot) {
        long long v = strtoll(s, NULL, 10);
        if (errno == 0) return json_integer(v);
    } else {
        double v = strtod(s, NULL);
        if (errno == 0 && isfinite(v)) return json_real(v);
    }
    return form_string(s);
}

/* Read the posted form into ff (values trimmed). */
static void form_from_post(struct req *r, struct filing_form *ff)
{
    memset(ff, 0, sizeof *ff);
    for (int i = 0; i < r->nform; i++)
        if (strcmp(r->form[i].key, "service_types") == 0)
            for (int t = 0; t < SVC__COUNT; t++)
                if (strcmp(r->form[i].value, service_type_names[t]) == 0) ff->service_types |= 1u << t;
    for (int i = IN_INCLUSIVE; i < IN__COUNT; i++)
        ff->value[i] = trimmed(r->a, req_form(r, input_name(r->a, i)));
}

/* Build the API body from the posted form, recording in ff where each input went. Blank inputs are left out
 * (the validator says which are required); blank class rows and fees are skipped. */
static json_t *form_body(struct req *r, struct filing_form *ff)
{
    json_t *body = json_object(), *types = json_array(), *classes = json_array(), *staff = json_object(),
           *fees = json_array();
    const char *const *v = ff->value;
    for (int i = 0; i < r->nform; i++)
        if (strcmp(r->form[i].key, "service_types") == 0)
            json_array_append_new(types, form_string(r->form[i].value));
    json_object_set_new(body, "service_types", types);
    ff->path[IN_SERVICE_TYPES] = "service_types";
    for (int i = IN_INCLUSIVE; i < IN_STAFF; i++)
        ff->path[i] = input_name(r->a, i);
    if (!blank(v[IN_INCLUSIVE]))
        json_object_set_new(body, "inclusive",
                            strcmp(v[IN_INCLUSIVE], "1") == 0   ? json_true()
                            : strcmp(v[IN_INCLUSIVE], "0") == 0 ? json_false()
                                                                : form_string(v[IN_INCLUSIVE]));
    if (!blank(v[IN_INDOOR])) json_object_set_new(body, "indoor_area_m2", form_number(v[IN_INDOOR]));
    if (!blank(v[IN_OUTDOOR])) json_object_set_new(body, "outdoor_area_m2", form_number(v[IN_OUTDOOR]));

    int k = 0;
    for (int row = 0; row < FORM_CLASS_ROWS; row++) {
        const char *const *c = &v[IN_CLASS + 3 * row];
        if (blank(c[0]) && blank(c[1]) && blank(c[2])) continue;
        json_t *obj = json_object();
        if (!blank(c[0])) json_object_set_new(obj, "type", form_string(c[0]));
        if (!blank(c[1])) json_object_set_new(obj, "capacity", form_number(c[1]));
        if (!blank(c[2])) json_object_set_new(obj, "caregivers", form_number(c[2]));
        for (int col = 0; col < 3; col++)
            ff->path[IN_CLASS + 3 * row + col] = arena_printf(r->a, "classes[%d].%s", k, class_cols[col]);
        json_array_append_new(classes, obj);
        k++;
    }
    json_object_set_new(body, "classes", classes);

    for (int i = 0; i < NSTAFF; i++) {
        ff->path[IN_STAFF + i] = arena_printf(r->a, "staff_planned.%s", staff_keys[i]);
        if (!blank(v[IN_STAFF + i])) json_object_set_new(staff, staff_keys[i], form_number(v[IN_STAFF + i]));
    }
    json_object_set_new(body, "staff_planned", staff);

    k = 0;
    for (int t = 0; t < SVC__COUNT; t++) {
        if (blank(v[IN_FEE + t])) continue;
        json_array_append_new(fees, json_pack("{s:s, s:o}", "service_type", service_type_names[t],
                                              "monthly_yuan", form_number(v[IN_FEE + t])));
        ff->path[IN_FEE + t] = arena_printf(r->a, "fees[%d]", k++);
    }
    json_object_set_new(body, "fees", fees);
    if (!blank(v[IN_HOURS])) json_object_set_new(body, "opening_hours", form_string(v[IN_HOURS]));
    return body;
}

/* A number for a form value: at most two decimals, no trailing zeros. */
static const char *decimal_text(struct arena *a, double v)
{
    char *s = arena_printf(a, "%.2f", v);
    char *end = s + strlen(s);
    while (end > s && end[-1] == '0')
        *--end = 0;
    if (end > s && end[-1] == '.') *--end = 0;
    return s;
}

/* Prefill ff from a stored dossier (read through the validator; left blank when it does not read). */
static void form_from_dossier(struct arena *a, const char *dossier, struct filing_form *ff)
{
    memset(ff, 0, sizeof *ff);
    json_t *doc = dossier ? json_loads(dossier, 0, NULL) : NULL;
    struct filing_dossier d;
    struct field_errors fe;
    memset(&d, 0, sizeof d);
    fe_init(&fe, a);
    if (!doc || !filing_parse(doc, a, &d, &fe)) {
        json_decref(doc);
        return;
    }
    ff->service_types = d.service_types;
    ff->value[IN_INCLUSIVE] = d.inclusive ? "1" : "0";
    ff->value[IN_INDOOR] = decimal_text(a, d.indoor_area_m2);
    ff->value[IN_OUTDOOR] = decimal_text(a, d.outdoor_area_m2);
    ff->value[IN_HOURS] = d.opening_hours ? arena_strdup(a, d.opening_hours) : NULL;
    const int64_t staff[NSTAFF] = {d.staff_director, d.staff_caregiver, d.staff_health, d.staff_security,
                                   d.staff_cook};
    for (int i = 0; i < NSTAFF; i++)
        ff->value[IN_STAFF + i] = arena_printf(a, "%lld", (long long)staff[i]);
    for (int i = 0; i < d.nfees; i++) {
        int t = d.fees[i].service_type;
        int64_t fen = d.fees[i].monthly_fen;
        if (t < 0 || t >= SVC__COUNT) continue;
        ff->value[IN_FEE + t] =
            fen % 100 == 0 ? arena_printf(a, "%lld", (long long)(fen / 100))
                           : arena_printf(a, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
    }
    for (int i = 0; i < d.nclasses && i < FORM_CLASS_ROWS; i++) {
        const struct filing_class *c = &d.classes[i];
        ff->value[IN_CLASS + 3 * i] =
            c->type >= 0 && c->type < CLASS__COUNT ? class_type_names[c->type] : NULL;
        ff->value[IN_CLASS + 3 * i + 1] = arena_printf(a, "%lld", (long long)c->capacity);
        ff->value[IN_CLASS + 3 * i + 2] = arena_printf(a, "%lld", (long long)c->caregivers);
    }
    json_decref(doc);
}

/* Opening of a form field: <div class="field"><label for=id>label</label>. */
static void field_open(struct html *h, const char *id, const char *label)
{
    html_lit(h, "<div class=\"field\"><label");
    html_attr(h, "for", id);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label>");
}

/* The id/name attributes of an input and, when it has an error, the marks that tie the message to it. */
static void input_attrs(struct html *h, struct arena *a, const char *id, const char *error)
{
    html_attr(h, "id", id);
    html_attr(h, "name", id);
    if (error) {
        html_lit(h, " aria-invalid=\"true\"");
        html_attr(h, "aria-describedby", arena_printf(a, "%s-error", id));
    }
}

static void field_close(struct html *h, struct arena *a, const char *id, const char *error)
{
    if (error) {
        html_lit(h, "<span class=\"field-error\"");
        html_attr(h, "id", arena_printf(a, "%s-error", id));
        html_lit(h, ">");
        html_text(h, error);
        html_lit(h, "</span>");
    }
    html_lit(h, "</div>\n");
}

enum input_kind { KIND_INT, KIND_DECIMAL, KIND_TEXT };

/* A labelled text input for input i. Numbers use inputmode rather than type=number, so that whatever was
 * typed can be shown again as it was. */
static void form_input(struct html *h, struct req *r, const struct filing_form *ff, int i,
                       enum input_kind kind)
{
    const char *id = input_name(r->a, i);
    const char *error = input_error(&r->fe, ff, i);
    field_open(h, id, input_label(r->a, i));
    html_lit(h, "<input type=\"text\"");
    if (kind == KIND_INT)
        html_lit(h, " inputmode=\"numeric\" autocomplete=\"off\"");
    else if (kind == KIND_DECIMAL)
        html_lit(h, " inputmode=\"decimal\" autocomplete=\"off\"");
    else
        html_lit(h, " maxlength=\"200\"");
    input_attrs(h, r->a, id, error);
    html_attr(h, "value", ff->value[i]);
    html_lit(h, ">");
    field_close(h, r->a, id, error);
}

/* The class-type select of class row `row`. */
static void class_type_select(struct html *h, struct req *r, const struct filing_form *ff, int row)
{
    int i = IN_CLASS + 3 * row;
    const char *id = input_name(r->a, i);
    const char *error = input_error(&r->fe, ff, i);
    const char *v = ff->value[i];
    field_open(h, id, input_label(r->a, i));
    html_lit(h, "<select");
    input_attrs(h, r->a, id, error);
    html_lit(h, ">");
    page_option(h, "", "（不填）", blank(v));
    for (int t = 0; t < CLASS__COUNT; t++) {
        int lo, hi;
        class_type_ages(t, &lo, &hi);
        page_option(h, class_type_names[t],
                    arena_printf(r->a, "%s（%d–%d 个月）", class_type_names_zh[t], lo, hi),
                    v && strcmp(v, class_type_names[t]) == 0);
    }
    html_lit(h, "</select>");
    field_close(h, r->a, id, error);
}

/* Every field error with a link to its input (or its group), labelled in Chinese. */
static void form_error_summary(struct html *h, struct req *r, const struct filing_form *ff)
{
    static const struct {
        const char *path, *id, *label;
    } groups[] = {{"classes", "classes", "班级"},
                  {"staff_planned", "staff_planned", "计划配备人员"},
                  {"fees", "fees", "收费标准"}};
    html_lit(h, "<div class=\"errors\" role=\"alert\"><h3>备案材料未通过校验，请修改以下内容：</h3><ul>\n");
    for (int k = 0; k < r->fe.n; k++) {
        const char *field = r->fe.items[k].field, *id = NULL, *label = NULL;
        for (int i = 0; i < IN__COUNT && !id; i++)
            if (path_covers(ff->path[i], field)) {
                id = input_name(r->a, i);
                label = input_label(r->a, i);
            }
        for (size_t g = 0; g < sizeof groups / sizeof groups[0] && !id; g++)
            if (path_covers(groups[g].path, field)) {
                id = groups[g].id;
                label = groups[g].label;
            }
        html_lit(h, "<li>");
        if (id) {
            html_lit(h, "<a");
            html_attr(h, "href", arena_printf(r->a, "#%s", id));
            html_lit(h, ">");
            html_text(h, label);
            html_lit(h, "</a>");
        } else {
            html_text(h, field && field[0] ? field : "备案材料");
        }
        html_lit(h, "：");
        html_text(h, r->fe.items[k].message);
        html_lit(h, "</li>\n");
    }
    html_lit(h, "</ul></div>\n");
}

static void filing_form_render(struct html *h, struct req *r, const struct filing_form *ff)
{
    if (r->fe.n) form_error_summary(h, r, ff);
    html_lit(h, "<form class=\"panel\" method=\"post\" action=\"/operator/filing\">\n");
    page_csrf(h, r);

    const char *error = input_error(&r->fe, ff, IN_SERVICE_TYPES);
    html_lit(h, "<fieldset id=\"service_types\"");
    if (error) html_lit(h, " aria-describedby=\"service_types-error\"");
    html_lit(h, "><legend>服务类型</legend><div class=\"check\">\n");
    for (int t = 0; t < SVC__COUNT; t++) {
        const char *id = arena_printf(r->a, "service_types_%s", service_type_names[t]);
        html_lit(h, "<label");
        html_attr(h, "for", id);
        html_lit(h, "><input type=\"checkbox\" name=\"service_types\"");
        html_attr(h, "id", id);
        html_attr(h, "value", service_type_names[t]);
        if (ff->service_types & (1u << t)) html_lit(h, " checked");
        html_lit(h, ">");
        html_text(h, service_type_names_zh[t]);
        html_lit(h, "</label>\n");
    }
    html_lit(h, "</div>");
    if (error) {
        html_lit(h, "<span class=\"field-error\" id=\"service_types-error\">");
        html_text(h, error);
        html_lit(h, "</span>");
    }
    html_lit(h, "</fieldset>\n<fieldset><legend>基本情况</legend><div class=\"fields\">\n");

    const char *incl = ff->value[IN_INCLUSIVE];
    error = input_error(&r->fe, ff, IN_INCLUSIVE);
    field_open(h, "inclusive", input_label(r->a, IN_INCLUSIVE));
    html_lit(h, "<select");
    input_attrs(h, r->a, "inclusive", error);
    html_lit(h, ">");
    page_option(h, "", "请选择", blank(incl));
    page_option(h, "1", "是", incl && strcmp(incl, "1") == 0);
    page_option(h, "0", "否", incl && strcmp(incl, "0") == 0);
    html_lit(h, "</select>");
    field_close(h, r->a, "inclusive", error);
    form_input(h, r, ff, IN_INDOOR, KIND_DECIMAL);
    form_input(h, r, ff, IN_OUTDOOR, KIND_DECIMAL);
    form_input(h, r, ff, IN_HOURS, KIND_TEXT);
    html_lit(h, "</div></fieldset>\n<fieldset id=\"classes\"><legend>班级</legend>\n"
                "<p class=\"meta\">最多填写 6 个班级，不用的行留空。</p>\n");
    for (int row = 0; row < FORM_CLASS_ROWS; row++) {
        html_lit(h, "<div class=\"fields three\">\n");
        class_type_select(h, r, ff, row);
        form_input(h, r, ff, IN_CLASS + 3 * row + 1, KIND_INT);
        form_input(h, r, ff, IN_CLASS + 3 * row + 2, KIND_INT);
        html_lit(h, "</div>\n");
    }
    html_lit(
        h,
        "</fieldset>\n<fieldset id=\"staff_planned\"><legend>计划配备人员</legend><div class=\"fields\">\n");
    for (int i = 0; i < NSTAFF; i++)
        form_input(h, r, ff, IN_STAFF + i, KIND_INT);
    html_lit(h, "</div></fieldset>\n<fieldset id=\"fees\"><legend>收费标准（元/月）</legend>\n"
                "<p class=\"meta\">不提供的服务留空。</p><div class=\"fields\">\n");
    for (int t = 0; t < SVC__COUNT; t++)
        form_input(h, r, ff, IN_FEE + t, KIND_DECIMAL);
    html_lit(h, "</div></fieldset>\n<button type=\"submit\">提交备案</button>\n</form>\n");
}

/* The live compliance of the operator's institution as counts only (no names): the details and the people
 * behind them are on /operator/people. */
static void operator_compliance(struct html *h, struct req *r, int64_t inst_id)
{
    struct open_finding *f = NULL;
    int n = 0;
    if (compliance_open(r->db, r->a, inst_id, &f, &n) != OK) return;
    int64_t counts[3] = {0, 0, 0};
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 3; k++)
            if (strcmp(f[i].severity, cmp_severity_names[k]) == 0) counts[k]++;
    html_lit(h, "<section aria-labelledby=\"compliance\"><h2 id=\"compliance\">合规情况</h2>\n<p>");
    if (n == 0) {
        html_lit(h, "目前没有发现问题。");
    } else {
        html_lit(h, "违规 <strong>");
        html_int(h, counts[0]);
        html_lit(h, "</strong> 项，提示 ");
        html_int(h, counts[1]);
        html_lit(h, " 项，到期提醒 ");
        html_int(h, counts[2]);
        html_lit(h, " 项。");
    }
    html_lit(h, " <a href=\"/operator/people\">查看班级与人员</a></p></section>\n");
}

/* The upload form for the attachments of version f (submitted or returned): a kind and one or more files,
 * sent as multipart/form-data to /operator/filing/attachments. */
static void attachment_form(struct html *h, struct req *r, const struct filing_row *f)
{
    html_lit(h, "<h2 id=\"upload\">上传附件</h2>\n<form class=\"panel\" method=\"post\" "
                "action=\"/operator/filing/attachments\" enctype=\"multipart/form-data\">\n");
    page_csrf(h, r);
    html_lit(h, "<input type=\"hidden\" name=\"filing_id\"");
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)f->id);
    html_attr(h, "value", id);
    html_lit(h, ">\n<p><label for=\"attachment_kind\">附件类型</label><select id=\"attachment_kind\" "
                "name=\"kind\" required>");
    const char *kind = req_form(r, "kind");
    for (int k = 0; k < ATT__COUNT; k++)
        page_option(h, attachment_kind_names[k], attachment_kind_names_zh[k],
                    kind && strcmp(kind, attachment_kind_names[k]) == 0);
    html_lit(
        h, "</select></p>\n<p><label for=\"attachment_file\">文件（PDF、JPG、PNG，每个不超过 10 MB）</label>"
           "<input type=\"file\" id=\"attachment_file\" name=\"file\" multiple required "
           "accept=\"application/pdf,image/jpeg,image/png\"></p>\n"
           "<p><button type=\"submit\">上传附件</button></p>\n</form>\n");
}

/* The operator's page. typed (after a refused submission) is shown in the form instead of the latest
 * dossier; status is the HTTP status to answer with; problem (OK: none) is a refused upload to explain. */
static enum err render_operator(struct req *r, struct resp *out, unsigned status,
                                const struct filing_form *typed, enum err problem)
{
    struct institution in;
    struct filing_row *versions = NULL;
    struct attachment_row *att = NULL;
    int nv = 0, natt = 0;
    if (r->who->institution_id <= 0) return ERR_NOT_FOUND;
    enum err e = inst_get(r->db, r->a, r->who->institution_id, &in);
    if (e == OK) e = filing_versions(r->db, r->a, in.id, &versions, &nv);
    const struct filing_row *latest = nv > 0 ? &versions[0] : NULL;
    if (e == OK && latest) e = filing_attachments(r->db, r->a, latest->id, &att, &natt);
    if (e != OK) return e;
    bool filed = in.state && strcmp(in.state, "filed") == 0;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "我的机构");
    html_lit(&h, "<h1>");
    html_text(&h, in.name);
    html_lit(&h, "</h1>\n<dl class=\"facts\">\n<dt>状态</dt><dd>");
    if (filed)
        html_lit(&h, "<span class=\"badge ok\">已备案</span>");
    else
        html_lit(&h, "<span class=\"badge\">已登记未备案</span>");
    html_lit(&h, "</dd>\n<dt>备案编号</dt><dd>");
    html_text(&h, in.filing_number ? in.filing_number : "—");
    for (int i = 0; filed && i < nv; i++)
        if (is_status(&versions[i], "approved")) { /* the receipt (module reports) */
            html_lit(&h, " <a href=\"/api/v1/filings/");
            html_int(&h, versions[i].id);
            html_lit(&h, "/receipt.pdf\">下载备案回执（PDF）</a>");
            break;
        }
    html_lit(&h, "</dd>\n<dt>统一社会信用代码</dt><dd>");
    html_text(&h, in.uscc);
    html_lit(&h, "</dd>\n<dt>所在区县</dt><dd>");
    html_text(&h, in.district_name);
    html_lit(&h, "</dd>\n<dt>地址</dt><dd>");
    html_text(&h, in.address);
    html_lit(&h, "</dd>\n</dl>\n");
    page_problem_box(&h, r, problem, NULL);
    operator_compliance(&h, r, in.id);
    if (latest && is_status(latest, "returned")) {
        html_lit(&h, "<p class=\"notice\">第 ");
        html_int(&h, latest->version);
        html_lit(&h, " 版备案材料已被退回：");
        html_text(&h, latest->reason);
        html_lit(&h, "</p>\n");
    }
    html_lit(&h, "<h2>备案材料版本</h2>\n");
    page_filing_versions(&h, versions, nv, false, today());
    if (latest) {
        html_lit(&h, "<h2>第 ");
        html_int(&h, latest->version);
        html_lit(&h, " 版审核发现（违规 ");
        html_int(&h, latest->violations);
        html_lit(&h, " 项）</h2>\n");
        findings_list(&h, latest->findings);
        html_lit(&h, "<h2>第 ");
        html_int(&h, latest->version);
        html_lit(&h, " 版附件</h2>\n");
        attachments_table(&h, latest, att, natt);
        if (!filed && (is_status(latest, "submitted") || is_status(latest, "returned")))
            attachment_form(&h, r, latest);
    }
    if (!filed) {
        struct filing_form ff;
        if (typed)
            ff = *typed;
        else
            form_from_dossier(r->a, latest ? latest->dossier : NULL, &ff);
        if (latest)
            html_lit(&h, "<h2>修改并重新提交备案材料</h2>\n<p class=\"meta\">重新提交会生成新的版本；"
                         "表单已按最新一版填好。</p>\n");
        else
            html_lit(&h, "<h2>提交备案材料</h2>\n");
        filing_form_render(&h, r, &ff);
    }
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_operator(struct req *r, struct resp *out)
{
    return render_operator(r, out, 200, NULL, OK);
}

enum err page_operator_filing(struct req *r, struct resp *out)
{
    struct filing_form ff;
    struct filing_row row;
    if (r->who->institution_id <= 0) return ERR_NOT_FOUND;
    form_from_post(r, &ff);
    /* Owned by the request from here on: released with it after the response, like an API body. */
    r->json = form_body(r, &ff);
    enum err e = filing_submit(r->db, r->a, r->who, r->who->institution_id, r->json, &r->fe, &row);
    if (e == OK) return resp_redirect(r, out, "/operator");
    if (e == ERR_VALIDATION) return render_operator(r, out, err_status(e), &ff, OK);
    return e;
}

enum err page_operator_attach(struct req *r, struct resp *out)
{
    int64_t filing_id = 0;
    const char *kind = req_form(r, "kind");
    if (r->who->institution_id <= 0) return ERR_NOT_FOUND;
    if (!page_parse_int(req_form(r, "filing_id"), 1, INT64_MAX, 0, &filing_id) || !filing_id)
        fe_add(&r->fe, "filing_id", "缺少备案材料版本");
    bool known = false;
    for (int k = 0; kind && k < ATT__COUNT; k++)
        known = known || strcmp(kind, attachment_kind_names[k]) == 0;
    if (!known) fe_add(&r->fe, "kind", "请选择附件类型");
    int nfiles = 0;
    for (int i = 0; i < r->nfiles; i++)
        if (strcmp(r->files[i].name, "file") == 0 && r->files[i].len > 0) nfiles++;
    if (!nfiles) fe_add(&r->fe, "file", "请选择要上传的文件");
    struct filing_row f;
    enum err e = r->fe.n ? ERR_VALIDATION : filing_get(r->db, r->a, filing_id, &f);
    /* Another institution's filing is not there, as far as this operator can tell. */
    if (e == OK && f.institution_id != r->who->institution_id) e = ERR_NOT_FOUND;
    for (int i = 0; e == OK && i < r->nfiles; i++) {
        const struct req_file *file = &r->files[i];
        if (strcmp(file->name, "file") != 0 || file->len == 0) continue;
        struct attachment_row row;
        e = filing_attach(r->db, r->a, r->who, f.id, kind, file->data, file->len, &row);
        if (e == ERR_UNSUPPORTED_MEDIA)
            fe_add(&r->fe, "file",
                   arena_printf(r->a, "文件“%s”不是 PDF、JPEG 或 PNG（按文件内容判断）", file->filename));
    }
    if (e == OK) return resp_redirect(r, out, "/operator#upload");
    if (e == ERR_VALIDATION || e == ERR_UNSUPPORTED_MEDIA || e == ERR_STATE)
        return render_operator(r, out, err_status(e), NULL, e);
    return e;
}
