/* Public pages: the portal where families find filed childcare institutions, and one institution's public
 * facts. Only filed institutions are shown, and nothing about people or attachments. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/lifecycle/lifecycle.h"
#include "modules/public/disclosure.h"
#include "modules/public/public_search.h"
#include "modules/quality/quality.h"
#include "modules/credit/credit.h"
#include "modules/fees/fees.h"
#include "modules/filing/filing.h"
#include "modules/filing/filing_store.h"
#include "modules/institution/inst.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* The query values the pager keeps. */
static const char *const portal_keys[] = {"district", "service_type", "inclusive", "age_months",
                                          "max_fee",  "vacancy",      NULL};

/* The search as the user gave it: strings echoed back into the form. */
struct portal_query {
    const char *district, *service_type, *inclusive, *age_months, *max_fee, *vacancy;
};

/* Fill f from the query; every bad value goes to fe (shown above the form). */
static void portal_parse(struct req *r, const struct district *ds, int nd, const struct portal_query *q,
                         struct pub_filter *f, int64_t *page)
{
    int64_t v;
    if (q->district && q->district[0]) {
        if (page_district_known(ds, nd, q->district))
            f->district = q->district;
        else
            fe_add(&r->fe, "district", "请选择列表中的区县");
    }
    if (q->service_type && q->service_type[0]) {
        for (int t = 0; t < SVC__COUNT; t++)
            if (strcmp(service_type_names[t], q->service_type) == 0) f->service_type = t;
        if (f->service_type < 0) fe_add(&r->fe, "service_type", "请选择列表中的服务类型");
    }
    if (q->inclusive && q->inclusive[0]) {
        if (strcmp(q->inclusive, "1") == 0 || strcmp(q->inclusive, "0") == 0)
            f->inclusive = q->inclusive[0] == '1';
        else
            fe_add(&r->fe, "inclusive", "请选择全部、普惠或非普惠");
    }
    if (!page_parse_int(q->age_months, 0, 72, -1, &v))
        fe_add(&r->fe, "age_months", "宝宝月龄应为 0 到 72 之间的整数");
    else
        f->age_months = (int)v;
    if (!page_parse_int(q->max_fee, 0, 1000000, -1, &v))
        fe_add(&r->fe, "max_fee", "月费上限应为 0 到 1000000 之间的整数（元）");
    else
        f->max_fee_fen = v < 0 ? -1 : v * 100;
    if (q->vacancy && q->vacancy[0]) {
        if (strcmp(q->vacancy, "1") == 0)
            f->vacancy_types = inst_vacancy_types(f->age_months);
        else
            fe_add(&r->fe, "vacancy", "请勾选或不勾选“只看有空位”");
    }
    if (!page_parse_int(req_query(r, "page"), 1, PUB_PAGE_MAX, 1, page)) fe_add(&r->fe, "page", "页码无效");
    f->page = (int)*page;
    const char *after = req_query(r, "after");
    if (after && after[0]) {
        const char *pg = req_query(r, "page");
        if ((pg && pg[0]) || !pub_cursor_parse(after, false, f))
            fe_add(&r->fe, "after", "翻页链接无效，请从第一页重新查看");
    }
}

static void portal_form(struct html *h, const struct district *ds, int nd, const struct portal_query *q)
{
    html_lit(
        h, "<form class=\"panel\" method=\"get\" action=\"/\" role=\"search\" aria-label=\"查找托育机构\">\n"
           "<div class=\"fields\">\n<div class=\"field\"><label for=\"district\">区县</label>"
           "<select id=\"district\" name=\"district\">");
    page_district_options(h, ds, nd, q->district, "全部区县");
    html_lit(h, "</select></div>\n<div class=\"field\"><label for=\"service_type\">服务类型</label>"
                "<select id=\"service_type\" name=\"service_type\">");
    page_option(h, "", "全部类型", !q->service_type || !q->service_type[0]);
    for (int t = 0; t < SVC__COUNT; t++)
        page_option(h, service_type_names[t], service_type_names_zh[t],
                    q->service_type && strcmp(q->service_type, service_type_names[t]) == 0);
    html_lit(h, "</select></div>\n<div class=\"field\"><label for=\"inclusive\">是否普惠</label>"
                "<select id=\"inclusive\" name=\"inclusive\">");
    page_option(h, "", "全部", !q->inclusive || !q->inclusive[0]);
    page_option(h, "1", "普惠", q->inclusive && strcmp(q->inclusive, "1") == 0);
    page_option(h, "0", "非普惠", q->inclusive && strcmp(q->inclusive, "0") == 0);
    html_lit(h, "</select></div>\n<div class=\"field\"><label for=\"age_months\">宝宝月龄（个月）</label>"
                "<input type=\"text\" id=\"age_months\" name=\"age_months\" inputmode=\"numeric\" "
                "pattern=\"[0-9]*\" maxlength=\"2\" autocomplete=\"off\"");
    html_attr(h, "value", q->age_months);
    html_lit(h,
             "></div>\n<div class=\"field\"><label for=\"max_fee\">月费上限（元）</label>"
             "<input type=\"text\" id=\"max_fee\" name=\"max_fee\" inputmode=\"numeric\" pattern=\"[0-9]*\" "
             "maxlength=\"7\" autocomplete=\"off\"");
    html_attr(h, "value", q->max_fee);
    html_lit(h,
             "></div>\n<div class=\"field\"><label for=\"vacancy\"><input type=\"checkbox\" id=\"vacancy\" "
             "name=\"vacancy\" value=\"1\"");
    if (q->vacancy && strcmp(q->vacancy, "1") == 0) html_lit(h, " checked");
    html_lit(
        h,
        "> 只看有空位（按宝宝月龄）</label></div>\n</div>\n<button type=\"submit\">搜索</button>\n</form>\n");
}

/* Free places by class type, as recorded by the institution; nothing when it has recorded no classes. */
static void portal_vacancies(struct html *h, const struct pub_item *it)
{
    if (!it->vac_known) return;
    html_lit(h, "<p class=\"meta\">空位：");
    bool first = true;
    for (int t = 0; t < CLASS__COUNT; t++) {
        if (!(it->vac_known & (1u << t))) continue;
        if (!first) html_lit(h, "，");
        first = false;
        html_text(h, class_type_names_zh[t]);
        html_lit(h, " ");
        html_int(h, it->vac_free[t]);
    }
    html_lit(h, "</p>\n");
}

static void portal_result(struct html *h, const struct pub_item *it)
{
    const struct institution *in = &it->in;
    html_lit(h, "<li><h3><a href=\"/institutions/");
    html_int(h, in->id);
    html_lit(h, "\">");
    html_text(h, in->name);
    html_lit(h, "</a>");
    if (in->inclusive) html_lit(h, " <span class=\"badge ok\">普惠</span>");
    html_lit(h, "</h3>\n<p class=\"meta\">");
    html_text(h, in->district_name);
    html_lit(h, " · ");
    html_text(h, in->address);
    html_lit(h, "</p>\n<p>服务类型：");
    page_service_types(h, in->service_types);
    html_lit(h, "；托位 ");
    html_int(h, in->places);
    html_lit(h, " 个");
    if (in->min_age_months > 0 || in->max_age_months > 0) {
        html_lit(h, "；招收 ");
        page_ages(h, in->min_age_months, in->max_age_months);
    }
    if (in->fee_min_fen >= 0) {
        html_lit(h, "；月费 ");
        html_yuan(h, in->fee_min_fen);
        html_lit(h, " 元起");
    }
    html_lit(h, "</p>\n");
    portal_vacancies(h, it);
    html_lit(h, "</li>\n");
}

/* One pager link: "?k=v&…" keeping the search, then "page=N" or "after=CURSOR" (NULL for both: the first
 * page). */
static void portal_link(struct html *h, const struct req *r, const char *rel, const char *page,
                        const char *after, const char *label)
{
    html_lit(h, "<a");
    if (rel) html_attr(h, "rel", rel);
    html_lit(h, " href=\"?");
    bool first = true;
    for (int i = 0; portal_keys[i]; i++) {
        const char *v = req_query(r, portal_keys[i]);
        if (!v || !v[0]) continue;
        if (!first) html_lit(h, "&amp;");
        first = false;
        html_url(h, portal_keys[i]);
        html_lit(h, "=");
        html_url(h, v);
    }
    if (page || after) {
        if (!first) html_lit(h, "&amp;");
        if (page)
            html_lit(h, "page=");
        else
            html_lit(h, "after=");
        html_url(h, page ? page : after);
    }
    html_lit(h, "\">");
    html_text(h, label);
    html_lit(h, "</a>");
}

/* The pager under the results. "下一页" continues after the last institution shown (a keyset cursor, cheap at
 * any depth); "上一页" goes back by page number, and a page reached by cursor offers the first page instead,
 * since it does not know its own number. */
static void portal_pager(struct html *h, const struct req *r, const struct pub_filter *f,
                         const struct pub_page *pg)
{
    int64_t pages = (pg->total + PUB_PER_PAGE - 1) / PUB_PER_PAGE;
    if (pages <= 1 && !f->has_after) return;
    html_lit(h, "<nav class=\"pager\" aria-label=\"分页\">");
    if (f->has_after) {
        portal_link(h, r, NULL, NULL, NULL, "第一页");
        html_lit(h, "<span>共 ");
        html_int(h, pages);
        html_lit(h, " 页</span>");
    } else {
        if (f->page > 1) {
            char prev[24];
            snprintf(prev, sizeof prev, "%lld", (long long)(f->page - 1 < pages ? f->page - 1 : pages));
            portal_link(h, r, "prev", prev, NULL, "上一页");
        }
        html_lit(h, "<span>第 ");
        html_int(h, f->page);
        html_lit(h, " / ");
        html_int(h, pages);
        html_lit(h, " 页</span>");
    }
    if (pg->more) {
        char next[PUB_CURSOR_MAX];
        pub_cursor_format(&pg->items[pg->n - 1], false, next);
        portal_link(h, r, "next", NULL, next, "下一页");
    }
    html_lit(h, "</nav>\n");
}

enum err page_portal(struct req *r, struct resp *out)
{
    struct district *ds = NULL;
    int nd = 0;
    enum err e = district_list(r->db, r->a, &ds, &nd);
    if (e != OK) return e;
    struct portal_query q = {req_query(r, "district"),  req_query(r, "service_type"),
                             req_query(r, "inclusive"), req_query(r, "age_months"),
                             req_query(r, "max_fee"),   req_query(r, "vacancy")};
    struct pub_filter f;
    pub_filter_init(&f);
    int64_t page = 1;
    portal_parse(r, ds, nd, &q, &f, &page);

    struct pub_page pg = {0};
    if (r->fe.n == 0) {
        e = pub_search(r->db, r->a, &f, &pg);
        if (e != OK) return e;
    }

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "查找托育机构");
    html_lit(&h, "<h1>查找托育机构</h1>\n<p "
                 "class=\"intro\">这里列出已在十堰市各县（市、区）卫生健康部门备案的托育机构，"
                 "为 3 岁以下婴幼儿提供全日托、半日托、计时托和临时托服务。可以按区县、服务类型、是否普惠、"
                 "宝宝月龄和月费筛选；点击机构名称查看备案信息和收费标准。</p>\n");
    if (r->fe.n) {
        html_lit(&h, "<div class=\"errors\" role=\"alert\"><p>请修改以下搜索条件：</p>");
        page_field_errors(&h, &r->fe);
        html_lit(&h, "</div>\n");
    }
    portal_form(&h, ds, nd, &q);
    unsigned status = 422;
    if (r->fe.n == 0) {
        status = 200;
        html_lit(&h, "<h2>搜索结果</h2>\n<p role=\"status\">共找到 ");
        html_int(&h, pg.total);
        html_lit(&h, " 家已备案托育机构。</p>\n");
        if (pg.n > 0) {
            html_lit(&h, "<ul class=\"results\">\n");
            for (int i = 0; i < pg.n; i++)
                portal_result(&h, &pg.items[i]);
            html_lit(&h, "</ul>\n");
        }
        portal_pager(&h, r, &f, &pg);
    }
    page_end(&h);
    return resp_html(r, out, status, &h);
}

/* The fees of an approved dossier ("fees":[{"service_type","monthly_yuan"}]) as a table. Read leniently: the
 * dossier was validated when it was submitted, and a fee that does not read is left out rather than failing
 * the public page. */
static void public_fees(struct html *h, const char *dossier)
{
    json_t *doc = dossier ? json_loads(dossier, 0, NULL) : NULL;
    json_t *fees = json_object_get(doc, "fees");
    size_t i;
    json_t *fee;
    bool any = false;
    json_array_foreach (fees, i, fee) {
        const char *type = json_string_value(json_object_get(fee, "service_type"));
        json_t *yuan = json_object_get(fee, "monthly_yuan");
        int t = -1;
        for (int k = 0; type && k < SVC__COUNT; k++)
            if (strcmp(type, service_type_names[k]) == 0) t = k;
        if (t < 0 || !json_is_number(yuan)) continue;
        if (!any)
            html_lit(
                h,
                "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"收费标准\"><table>\n"
                "<thead><tr><th scope=\"col\">服务类型</th><th scope=\"col\" class=\"num\">月收费（元）</th>"
                "</tr></thead>\n<tbody>\n");
        any = true;
        html_lit(h, "<tr><td>");
        html_text(h, service_type_names_zh[t]);
        html_lit(h, "</td><td class=\"num\">");
        html_yuan(h, llround(json_number_value(yuan) * 100));
        html_lit(h, "</td></tr>\n");
    }
    if (any)
        html_lit(h, "</tbody></table></div>\n");
    else
        html_lit(h, "<p>暂无收费信息。</p>\n");
    json_decref(doc);
}

/* The quality rating (WS/T 821—2023 assessment): level and date, and whether a new assessment is due. */
static void public_rating(struct html *h, struct req *r, int64_t id, int64_t today)
{
    struct quality_rating q;
    html_lit(h, "<dt>质量评估等级</dt><dd>");
    enum err e = quality_current_rating(r->db, r->a, id, today, &q);
    if (e != OK) {
        if (e == ERR_NOT_FOUND)
            html_lit(h, "尚未评估");
        else
            html_lit(h, "暂时无法读取");
    } else {
        char level[2] = {q.level, 0};
        html_lit(h, "<span class=\"badge info\">");
        html_text(h, level);
        html_lit(h, " 级</span>（");
        html_date(h, q.assessed_on);
        html_lit(h, " 评定）");
        if (q.due) html_lit(h, " <span class=\"badge warn\">评估已过有效期，待复评</span>");
    }
    html_lit(h, "</dd>\n");
}

/* Credit records in force (机构信用记录), with the deciding authority and the publicity period. */
static void public_credit(struct html *h, struct req *r, int64_t id, int64_t today)
{
    struct credit_record *c = NULL;
    int n = 0;
    html_lit(h, "<h2 id=\"credit\">信用记录</h2>\n");
    if (credit_in_force_list(r->db, r->a, id, today, &c, &n) != OK) {
        html_lit(h, "<p>信用记录暂时无法读取，请稍后再试。</p>\n");
        return;
    }
    if (!n) {
        html_lit(h, "<p>无公示期内的不良信用记录。</p>\n");
        return;
    }
    html_lit(h, "<ul class=\"findings\">\n");
    for (int i = 0; i < n; i++) {
        html_lit(h, "<li class=\"finding\"><span class=\"badge bad\">");
        html_text(h, credit_kind_names_zh[c[i].kind]);
        html_lit(h, "</span> ");
        html_text(h, c[i].summary);
        html_lit(h, "<br>");
        html_text(h, c[i].authority);
        if (c[i].decision_number) {
            html_lit(h, " ");
            html_text(h, c[i].decision_number);
        }
        html_lit(h, "，");
        html_date(h, c[i].decided_on);
        html_lit(h, " 作出；公示期至 ");
        html_date(h, c[i].publicity_until);
        html_lit(h, "</li>\n");
    }
    html_lit(h, "</ul>\n");
}

/* The published fee schedule (收费公示) when the institution keeps one in tuoyu: the fees in force, with the
 * day of the last change. Returns false when there is none, so the caller shows the filed fees instead. */
static bool public_fee_schedule(struct html *h, struct req *r, int64_t id, int64_t today)
{
    struct fee_view v;
    if (fee_view_get(r->db, r->a, id, today, &v) != OK) return false;
    bool any = false;
    for (int i = 0; i < v.n; i++) {
        const struct fee_line *l = &v.lines[i];
        if (l->state != FEE_CURRENT || l->service_type < 0 || l->service_type >= SVC__COUNT) continue;
        if (!any)
            html_lit(
                h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"收费标准\"><table>\n"
                   "<thead><tr><th scope=\"col\">服务类型</th><th scope=\"col\" class=\"num\">收费（元）</th>"
                   "<th scope=\"col\">执行日期</th></tr></thead>\n<tbody>\n");
        any = true;
        html_lit(h, "<tr><td>");
        html_text(h, service_type_names_zh[l->service_type]);
        html_lit(h, "</td><td class=\"num\">");
        html_yuan(h, l->fen);
        html_lit(h, "</td><td>");
        html_date(h, l->effective_from);
        html_lit(h, "</td></tr>\n");
    }
    if (!any) return false;
    html_lit(h, "</tbody></table></div>\n");
    if (v.last_changed_on) {
        html_lit(h, "<p class=\"hint\">最近一次调整：");
        html_date(h, v.last_changed_on);
        html_lit(h, "</p>\n");
    }
    return true;
}

/* The supervision record: last inspection, findings of the last three years by severity, with what became of
 * each (rectified, in progress, overdue) and the dates. A reading failure leaves the section out rather than
 * failing the page, and says so. */
static void public_supervision(struct html *h, struct req *r, int64_t id, int64_t today)
{
    struct disclosure d;
    html_lit(h, "<h2 id=\"supervision\">监督检查信息</h2>\n");
    if (disclosure_get(r->db, r->a, id, today, &d) != OK) {
        html_lit(h, "<p>监督信息暂时无法读取，请稍后再试。</p>\n");
        return;
    }
    html_lit(h, "<dl class=\"facts\">\n<dt>最近一次检查</dt><dd>");
    if (d.last_inspection_on) {
        html_date(h, d.last_inspection_on);
        html_lit(h, "（");
        html_text(h, d.last_inspection_department);
        html_lit(h, "）");
    } else {
        html_lit(h, "尚无检查记录");
    }
    html_lit(h, "</dd>\n<dt>近三年检查</dt><dd>");
    html_int(h, d.inspections);
    html_lit(h, " 次</dd>\n<dt>近三年发现问题</dt><dd>");
    int64_t total = 0;
    for (int i = 0; i < SEV__COUNT; i++)
        total += d.by_severity[i];
    html_int(h, total);
    html_lit(h, " 项");
    if (total) {
        html_lit(h, "（");
        bool first = true;
        for (int i = SEV__COUNT - 1; i >= 0; i--) {
            if (!d.by_severity[i]) continue;
            if (!first) html_lit(h, "，");
            first = false;
            html_text(h, severity_names_zh[i]);
            html_lit(h, " ");
            html_int(h, d.by_severity[i]);
        }
        html_lit(h, "）；已整改 ");
        html_int(h, d.by_rect[RECTP_DONE]);
        html_lit(h, " 项，逾期未整改 ");
        html_int(h, d.by_rect[RECTP_OVERDUE]);
        html_lit(h, " 项");
    }
    html_lit(h, "</dd>\n<dt>近三年安全事件</dt><dd>");
    html_int(h, d.incidents);
    html_lit(h, " 起（其中重伤 ");
    html_int(h, d.incidents_serious);
    html_lit(h, " 起，死亡 ");
    html_int(h, d.incidents_deaths);
    html_lit(h, " 起，经查实的虐待 ");
    html_int(h, d.abuse_substantiated);
    html_lit(h, " 起）</dd>\n<dt>近三年家长投诉</dt><dd>");
    html_int(h, d.complaints);
    html_lit(h, " 件（已答复 ");
    html_int(h, d.complaints_answered);
    html_lit(h, " 件，其中按期答复 ");
    html_int(h, d.complaints_on_time);
    html_lit(h, " 件；逾期未答复 ");
    html_int(h, d.complaints_overdue);
    html_lit(h, " 件）</dd>\n</dl>\n");
    if (!d.nfindings) return;
    html_lit(h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"检查发现的问题\"><table>\n"
                "<thead><tr><th scope=\"col\">发现日期</th><th scope=\"col\">严重程度</th>"
                "<th scope=\"col\">检查部门</th><th scope=\"col\">问题</th><th scope=\"col\">依据</th>"
                "<th scope=\"col\">整改情况</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < d.nfindings; i++) {
        const struct disclosed_finding *f = &d.findings[i];
        html_lit(h, "<tr><td>");
        html_date(h, f->found_on);
        html_lit(h, "</td><td><span class=\"sev ");
        html_text(h, severity_names[f->severity]);
        html_lit(h, "\">");
        html_text(h, severity_names_zh[f->severity]);
        html_lit(h, "</span></td><td>");
        html_text(h, f->department);
        html_lit(h, "</td><td>");
        html_text(h, f->description);
        html_lit(h, "</td><td>");
        html_text(h, f->clause);
        html_lit(h, "</td><td data-rect=\"");
        html_text(h, rect_public_names[f->rect]);
        html_lit(h, "\">");
        html_text(h, rect_public_names_zh[f->rect]);
        if (f->rect == RECTP_DONE && f->closed_on) {
            html_lit(h, "（");
            html_date(h, f->closed_on);
            html_lit(h, "）");
        } else if (f->deadline_on && f->rect != RECTP_NONE) {
            html_lit(h, "（期限 ");
            html_date(h, f->deadline_on);
            html_lit(h, "）");
        }
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

enum err page_public_institution(struct req *r, struct resp *out)
{
    struct institution in;
    enum err e = inst_get(r->db, r->a, r->id[0], &in);
    if (e != OK) return e;
    bool closed = in.state && strcmp(in.state, "closed") == 0;
    if (!in.state || (strcmp(in.state, "filed") != 0 && !closed)) return ERR_NOT_FOUND;
    int64_t closed_on = 0;
    if (closed && (e = lifecycle_closed_on(r->db, in.id, &closed_on)) != OK && e != ERR_NOT_FOUND) return e;
    const char *dossier = NULL;
    e = filing_approved_dossier(r->db, r->a, in.id, &dossier);
    if (e != OK && e != ERR_NOT_FOUND) return e;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, in.name);
    html_lit(&h, "<p><a href=\"/\">← 返回查找</a></p>\n<h1>");
    html_text(&h, in.name);
    if (in.inclusive) html_lit(&h, " <span class=\"badge ok\">普惠</span>");
    html_lit(&h, "</h1>\n");
    if (closed) {
        int64_t today = clock_day_of(clock_now());
        html_lit(&h, "<p class=\"notice closed\"><span class=\"badge bad\">");
        if (closed_on > today)
            html_lit(&h, "即将停业");
        else
            html_lit(&h, "已注销/停业");
        html_lit(&h, "</span> ");
        if (closed_on > 0) {
            if (closed_on > today)
                html_lit(&h, "该机构将于 ");
            else
                html_lit(&h, "该机构已于 ");
            html_date(&h, closed_on);
            html_lit(&h, " 停止托育服务。");
        }
        html_lit(&h, "以下为其备案与监督信息的存档。</p>\n");
    }
    html_lit(&h, "<dl class=\"facts\">\n<dt>地址</dt><dd>");
    html_text(&h, in.address);
    html_lit(&h, "</dd>\n<dt>所在区县</dt><dd>");
    html_text(&h, in.district_name);
    html_lit(&h, "</dd>\n<dt>备案编号</dt><dd>");
    html_text(&h, in.filing_number ? in.filing_number : "—");
    html_lit(&h, "</dd>\n<dt>备案日期</dt><dd>");
    if (in.filed_on > 0)
        html_date(&h, in.filed_on);
    else
        html_lit(&h, "—");
    html_lit(&h, "</dd>\n<dt>服务类型</dt><dd>");
    page_service_types(&h, in.service_types);
    html_lit(&h, "</dd>\n<dt>普惠托育</dt><dd>");
    if (in.inclusive)
        html_lit(&h, "是");
    else
        html_lit(&h, "否");
    html_lit(&h, "</dd>\n<dt>招收月龄</dt><dd>");
    page_ages(&h, in.min_age_months, in.max_age_months);
    html_lit(&h, "</dd>\n<dt>托位数</dt><dd>");
    html_int(&h, in.places);
    html_lit(&h, " 个</dd>\n");
    public_rating(&h, r, in.id, clock_day_of(clock_now()));
    html_lit(&h, "</dl>\n");
    struct pub_item vac = {.in = in};
    int64_t cap[4], enr[4];
    if (inst_vacancies(r->db, in.id, cap, enr, &vac.vac_known) == OK)
        for (int t = 0; t < CLASS__COUNT; t++)
            vac.vac_free[t] = cap[t] > enr[t] ? cap[t] - enr[t] : 0;
    else
        vac.vac_known = 0;
    portal_vacancies(&h, &vac);
    if (!closed) { /* module demand: apply for a place here (first choice pre-filled) */
        char apply[64];
        snprintf(apply, sizeof apply, "/apply?institution=%lld", (long long)in.id);
        html_lit(&h, "<p><a");
        html_attr(&h, "href", apply);
        html_lit(&h, ">申请托位</a></p>\n");
    }
    html_lit(&h, "<h2>收费标准</h2>\n");
    if (!public_fee_schedule(&h, r, in.id, clock_day_of(clock_now()))) public_fees(&h, dossier);
    public_supervision(&h, r, in.id, clock_day_of(clock_now()));
    public_credit(&h, r, in.id, clock_day_of(clock_now()));
    html_lit(&h, "<p><a");
    char href[64];
    snprintf(href, sizeof href, "/complaints/new?institution=%lld", (long long)in.id);
    html_attr(&h, "href", href);
    html_lit(&h, ">投诉该机构</a> · <a href=\"/stats/incidents\">各区县安全事件统计</a> · "
                 "<a href=\"/draws\">双随机抽查公示</a></p>\n");
    page_end(&h);
    return resp_html(r, out, 200, &h);
}
