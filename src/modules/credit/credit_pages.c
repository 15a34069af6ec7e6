/* The officials' page of institutions' credit records (/dash/credit): filters, the list with a revocation
 * form on each active record, and a form to record one. Forms are turned into the JSON bodies the API takes,
 * so one validator and one store serve both. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/credit/credit.h"
#include "modules/institution/inst.h"

#include <string.h>

#define CREDIT_PAGE_ROWS 50

static const char *const list_keys[] = {"in_force", "kind", "district", NULL};
static const char *const add_fields[] = {"kind",           "source",          "summary",
                                         "authority",      "decision_number", "decided_on",
                                         "publicity_from", "publicity_until", NULL};

static bool may_write(const struct req *r)
{
    return r->who->role & (ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY);
}

/* A form value to put back after a failed post of action; "" otherwise. */
static const char *kept(struct req *r, const char *posted, const char *action, const char *key)
{
    if (!posted || strcmp(posted, action) != 0 || !r->fe.n) return "";
    const char *v = req_form(r, key);
    return v ? v : "";
}

static void input(struct html *h, const char *id, const char *name, const char *label, const char *type,
                  const char *value, int maxlength, bool required)
{
    html_lit(h, "<p><label");
    html_attr(h, "for", id);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label><input");
    html_attr(h, "id", id);
    html_attr(h, "name", name);
    html_attr(h, "type", type);
    if (maxlength > 0) {
        html_lit(h, " maxlength=\"");
        html_int(h, maxlength);
        html_lit(h, "\"");
    }
    if (required) html_lit(h, " required");
    html_attr(h, "value", value);
    html_lit(h, "></p>\n");
}

static void filter_form(struct html *h, struct req *r, const struct district *ds, int nd)
{
    const char *inf = req_query(r, "in_force"), *kind = req_query(r, "kind"),
               *district = req_query(r, "district");
    html_lit(h, "<form class=\"panel\" method=\"get\" action=\"/dash/credit\" aria-label=\"筛选信用记录\">\n"
                "<p><label for=\"f-in-force\">公示状态</label><select id=\"f-in-force\" name=\"in_force\">");
    page_option(h, "", "全部", !inf || !*inf);
    page_option(h, "1", "公示中", inf && strcmp(inf, "1") == 0);
    page_option(h, "0", "不在公示期或已撤销", inf && strcmp(inf, "0") == 0);
    html_lit(h, "</select></p>\n<p><label for=\"f-kind\">类型</label><select id=\"f-kind\" name=\"kind\">");
    page_option(h, "", "全部", !kind || !*kind);
    for (int k = 0; k < CREDIT__COUNT; k++)
        page_option(h, credit_kind_names[k], credit_kind_names_zh[k],
                    kind && strcmp(kind, credit_kind_names[k]) == 0);
    html_lit(h, "</select></p>\n");
    if (!page_scope_district(r)) {
        html_lit(h, "<p><label for=\"f-district\">区县</label><select id=\"f-district\" name=\"district\">");
        page_district_options(h, ds, nd, district, "全市");
        html_lit(h, "</select></p>\n");
    }
    html_lit(h, "<p><button type=\"submit\">筛选</button></p></form>\n");
}

static void record_row(struct html *h, struct req *r, const struct credit_record *c)
{
    html_lit(h, "<tr><td>");
    html_int(h, c->id);
    html_lit(h, "</td><td><a href=\"/dash/institutions/");
    html_int(h, c->institution_id);
    html_lit(h, "\">");
    html_text(h, c->institution_name);
    html_lit(h, "</a><br><span class=\"meta\">");
    html_text(h, c->uscc);
    html_lit(h, "</span></td><td>");
    html_text(h, c->kind >= 0 ? credit_kind_names_zh[c->kind] : "");
    html_lit(h, "</td><td>");
    html_text(h, c->summary);
    html_lit(h, "<br><span class=\"meta\">来源：");
    html_text(h, c->source);
    html_lit(h, "</span></td><td>");
    html_text(h, c->authority);
    html_lit(h, "<br>");
    html_text(h, c->decision_number);
    html_lit(h, "</td><td>");
    html_date(h, c->decided_on);
    html_lit(h, "</td><td>");
    html_date(h, c->publicity_from);
    html_lit(h, " 至 ");
    html_date(h, c->publicity_until);
    html_lit(h, "</td><td>");
    if (c->status == CREDIT_REVOKED) {
        html_lit(h, "<span class=\"badge\">已撤销</span><br><span class=\"meta\">");
        html_text(h, c->revoked_reason);
        html_lit(h, "</span>");
    } else if (c->in_force) {
        html_lit(h, "<span class=\"badge bad\">公示中</span>");
    } else {
        html_lit(h, "<span class=\"badge\">不在公示期</span>");
    }
    html_lit(h, "</td><td>");
    if (c->status == CREDIT_ACTIVE && may_write(r)) {
        html_lit(h, "<form method=\"post\" action=\"/dash/credit\">");
        page_csrf(h, r);
        html_lit(
            h, "<input type=\"hidden\" name=\"action\" value=\"revoke\"><input type=\"hidden\" name=\"id\"");
        html_attr(h, "value", arena_printf(r->a, "%lld", (long long)c->id));
        html_lit(h, "><label");
        html_attr(h, "for", arena_printf(r->a, "reason-%lld", (long long)c->id));
        html_lit(h, ">撤销理由</label> <input");
        html_attr(h, "id", arena_printf(r->a, "reason-%lld", (long long)c->id));
        html_lit(
            h,
            " name=\"reason\" maxlength=\"1000\" required> <button type=\"submit\">撤销（信用修复）</button>"
            "</form>");
    }
    html_lit(h, "</td></tr>\n");
}

static enum err render(struct req *r, struct resp *out, unsigned status, const char *posted,
                       const char *notice)
{
    struct credit_filter f;
    memset(&f, 0, sizeof f);
    f.kind = credit_index(credit_kind_names, req_query(r, "kind"));
    const char *inf = req_query(r, "in_force");
    f.in_force = inf && strcmp(inf, "1") == 0 ? 1 : inf && strcmp(inf, "0") == 0 ? 0 : -1;
    const char *district = req_query(r, "district");
    f.district = page_scope_district(r) ? page_scope_district(r) : district && *district ? district : NULL;
    int64_t page = 1;
    if (!page_parse_int(req_query(r, "page"), 1, 100000, 1, &page)) page = 1;
    f.page = page;
    f.per_page = CREDIT_PAGE_ROWS;
    struct credit_record *items;
    int n;
    int64_t total;
    struct district *ds = NULL;
    int nd = 0;
    enum err e = district_list(r->db, r->a, &ds, &nd);
    if (e == OK) e = credit_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "机构信用记录");
    html_lit(&h, "<h1>机构信用记录</h1>\n<p "
                 "class=\"meta\">公示期内的有效记录在公众门户显示；撤销即信用修复，记录保留。"
                 "导出：<a href=\"/api/v1/institution-credit-records/export?format=csv\">CSV</a> · "
                 "<a href=\"/api/v1/institution-credit-records/export?format=json\">JSON</a></p>\n");
    if (notice) {
        html_lit(&h, "<p class=\"notice\" role=\"status\">");
        html_text(&h, notice);
        html_lit(&h, "</p>\n");
    }
    page_field_errors(&h, &r->fe);
    filter_form(&h, r, ds, nd);

    html_lit(&h, "<section aria-labelledby=\"list\"><h2 id=\"list\">记录（共 ");
    html_int(&h, total);
    html_lit(&h, " 条）</h2>\n");
    if (n == 0) {
        html_lit(&h, "<p>暂无记录。</p>\n");
    } else {
        html_lit(
            &h,
            "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">编号</th><th scope=\"col\">机构</th>"
            "<th scope=\"col\">类型</th><th scope=\"col\">事由</th><th scope=\"col\">决定机关与文号</th>"
            "<th scope=\"col\">决定日期</th><th scope=\"col\">公示期</th><th scope=\"col\">状态</th>"
            "<th scope=\"col\">操作</th></tr></thead><tbody>\n");
        for (int i = 0; i < n; i++)
            record_row(&h, r, &items[i]);
        html_lit(&h, "</tbody></table></div>\n");
        page_pager(&h, r, page, CREDIT_PAGE_ROWS, total, list_keys);
    }
    html_lit(&h, "</section>\n");

    if (may_write(r)) {
        html_lit(&h, "<section aria-labelledby=\"add\"><h2 id=\"add\">记录信用信息</h2>\n"
                     "<form method=\"post\" action=\"/dash/credit\" class=\"form\">");
        page_csrf(&h, r);
        html_lit(&h, "<input type=\"hidden\" name=\"action\" value=\"add\">\n");
        input(&h, "c-inst", "institution_id", "机构编号", "number", kept(r, posted, "add", "institution_id"),
              0, true);
        const char *kind = kept(r, posted, "add", "kind");
        html_lit(&h, "<p><label for=\"c-kind\">类型</label><select id=\"c-kind\" name=\"kind\">");
        for (int k = 0; k < CREDIT__COUNT; k++)
            page_option(&h, credit_kind_names[k], credit_kind_names_zh[k],
                        strcmp(kind, credit_kind_names[k]) == 0);
        html_lit(&h, "</select></p>\n");
        input(&h, "c-source", "source", "来源（检查、投诉编号或说明）", "text",
              kept(r, posted, "add", "source"), 200, true);
        html_lit(&h, "<p><label for=\"c-summary\">事由与处理决定（不写个人姓名和号码）</label><textarea "
                     "id=\"c-summary\" "
                     "name=\"summary\" rows=\"3\" maxlength=\"1000\" required>");
        html_text(&h, kept(r, posted, "add", "summary"));
        html_lit(&h, "</textarea></p>\n");
        input(&h, "c-authority", "authority", "决定机关", "text", kept(r, posted, "add", "authority"), 100,
              true);
        input(&h, "c-number", "decision_number", "决定文号", "text",
              kept(r, posted, "add", "decision_number"), 100, true);
        input(&h, "c-decided", "decided_on", "决定日期", "date", kept(r, posted, "add", "decided_on"), 0,
              true);
        input(&h, "c-from", "publicity_from", "公示起始日期（默认为决定日期）", "date",
              kept(r, posted, "add", "publicity_from"), 0, false);
        input(&h, "c-until", "publicity_until", "公示截止日期（默认按类型）", "date",
              kept(r, posted, "add", "publicity_until"), 0, false);
        html_lit(&h, "<p class=\"meta\">");
        html_text(&h, credit_publicity_clause);
        html_lit(&h, "</p>\n<p><button type=\"submit\">记录</button></p></form></section>\n");
    }
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_credit(struct req *r, struct resp *out)
{
    return render(r, out, 200, NULL, NULL);
}

enum err page_credit_post(struct req *r, struct resp *out)
{
    const char *action = req_form(r, "action");
    enum err e;
    struct credit_record c;
    if (action && strcmp(action, "add") == 0) {
        int64_t inst = 0;
        if (!page_parse_int(req_form(r, "institution_id"), 1, INT64_MAX / 2, 0, &inst) || inst == 0) {
            fe_add(&r->fe, "institution_id", "请填写机构编号（正整数）");
            return render(r, out, 422, action, NULL);
        }
        json_t *body = json_object();
        for (int i = 0; add_fields[i]; i++) {
            const char *v = req_form(r, add_fields[i]);
            if (v && *v) json_object_set_new(body, add_fields[i], json_string(v));
        }
        if (r->json) json_decref(r->json);
        r->json = body; /* released with the request; the store borrows its strings */
        e = credit_add_json(r->db, r->a, r->who, inst, body, &r->fe, &c);
        if (e == ERR_NOT_FOUND) {
            fe_add(&r->fe, "institution_id", "没有这个机构，或不在您的辖区");
            return render(r, out, 404, action, NULL);
        }
        if (e == ERR_VALIDATION) return render(r, out, 422, action, NULL);
        if (e != OK) return e;
        return render(r, out, 201, action,
                      arena_printf(r->a, "已记录：%s，%s（编号 %lld）。", c.institution_name,
                                   credit_kind_names_zh[c.kind], (long long)c.id));
    }
    if (action && strcmp(action, "revoke") == 0) {
        int64_t id = 0;
        if (!page_parse_int(req_form(r, "id"), 1, INT64_MAX / 2, 0, &id) || id == 0) return ERR_NOT_FOUND;
        e = credit_get(r->db, r->a, id, &c);
        if (e != OK) return e;
        if (!auth_sees_district(r->who, c.district_code)) return ERR_NOT_FOUND;
        e = credit_revoke(r->db, r->a, r->who, id, req_form(r, "reason"), &r->fe, &c);
        if (e == ERR_VALIDATION) return render(r, out, 422, action, NULL);
        if (e == ERR_STATE) {
            r->fe.n = 0;
            return render(r, out, 409, action, "该记录已撤销。");
        }
        if (e != OK) return e;
        return render(r, out, 200, action, arena_printf(r->a, "已撤销记录 %lld。", (long long)id));
    }
    fe_add(&r->fe, "action", "应为 add（记录）或 revoke（撤销）");
    return render(r, out, 422, action, NULL);
}
