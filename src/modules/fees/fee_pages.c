/* Fee pages: the operator's schedule (/operator/fees: current fees against the caps, upcoming changes, the
 * whole history, and a form to publish a change) and the officials' guideline caps (/dash/fee-caps). Forms
 * take yuan, as people write prices; they are turned into the JSON bodies the API takes (fen), so one
 * validator and one store serve both. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/fees/fees.h"
#include "modules/filing/filing.h"
#include "modules/institution/inst.h"

#include <stdio.h>
#include <string.h>

/* "2200", "2200.5" or "2200.50" yuan as fen; false for anything else. */
static bool parse_yuan(const char *s, int64_t *fen)
{
    int64_t whole = 0, cents = 0;
    int digits = 0, decimals = -1;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            if (decimals >= 0) {
                if (++decimals > 2) return false;
                cents = cents * 10 + (*s - '0');
            } else {
                if (++digits > 7) return false;
                whole = whole * 10 + (*s - '0');
            }
        } else if (*s == '.' && decimals < 0 && digits > 0) {
            decimals = 0;
        } else {
            return false;
        }
    }
    if (digits == 0 || decimals == 0) return false;
    if (decimals == 1) cents *= 10;
    *fen = whole * 100 + cents;
    return true;
}

static const char *unit_zh(int t)
{
    return t == SVC_HOURLY ? "元/小时" : "元/月";
}

static void notice(struct html *h, const char *text)
{
    if (!text) return;
    html_lit(h, "<p class=\"notice\" role=\"status\">");
    html_text(h, text);
    html_lit(h, "</p>\n");
}

static void date_input(struct html *h, const char *id, const char *name, const char *label, const char *value)
{
    html_lit(h, "<p><label");
    html_attr(h, "for", id);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label><input type=\"date\" required");
    html_attr(h, "id", id);
    html_attr(h, "name", name);
    html_attr(h, "value", value);
    html_lit(h, "></p>\n");
}

/* ---- Operator: /operator/fees -------------------------------------------------------------------------- */

static void lines_table(struct html *h, const struct fee_view *v, int state, bool with_cap)
{
    html_lit(
        h,
        "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">服务类型</th><th scope=\"col\">收费</th>"
        "<th scope=\"col\">执行日期</th>");
    if (with_cap)
        html_lit(h, "<th scope=\"col\">指导价上限</th><th scope=\"col\">状态</th>");
    else
        html_lit(h, "<th scope=\"col\">登记时间</th>");
    html_lit(h, "</tr></thead><tbody>\n");
    for (int i = 0; i < v->n; i++) {
        const struct fee_line *l = &v->lines[i];
        if (state >= 0 && l->state != state) continue;
        int t = l->service_type;
        html_lit(h, "<tr><td>");
        html_text(h, t >= 0 ? service_type_names_zh[t] : "");
        html_lit(h, "</td><td>");
        html_yuan(h, l->fen);
        html_lit(h, " ");
        html_text(h, unit_zh(t));
        html_lit(h, "</td><td>");
        html_date(h, l->effective_from);
        html_lit(h, "</td><td>");
        if (with_cap) {
            if (l->cap_fen >= 0) {
                html_yuan(h, l->cap_fen);
                html_lit(h, "（");
                html_text(h, fee_cap_kind_names_zh[l->cap_kind]);
                html_lit(h, "）");
            } else {
                html_lit(h, "不适用");
            }
            html_lit(h, "</td><td>");
            if (l->above_cap)
                html_lit(h, "<span class=\"badge bad\">高于指导价</span>");
            else
                html_lit(h, "<span class=\"badge ok\">正常</span>");
        } else {
            html_time(h, l->created_at);
        }
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

static enum err render_operator(struct req *r, struct resp *out, unsigned status, const char *note)
{
    int64_t today = clock_day_of(clock_now());
    struct fee_view v;
    enum err e = fee_view_get(r->db, r->a, r->who->institution_id, today, &v);
    if (e != OK) return e;
    int ncur = 0, nup = 0;
    for (int i = 0; i < v.n; i++) {
        ncur += v.lines[i].state == FEE_CURRENT;
        nup += v.lines[i].state == FEE_UPCOMING;
    }
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "收费标准");
    html_lit(&h,
             "<h1>收费标准</h1>\n<p class=\"meta\">每次调整都保留记录，公众门户显示现行标准和最近调整日期。"
             "普惠性或非营利性机构的收费不得高于所在区县的指导价上限。</p>\n");
    notice(&h, note);
    page_field_errors(&h, &r->fe);
    html_lit(&h, "<section aria-labelledby=\"cur\"><h2 id=\"cur\">现行标准</h2>\n");
    if (ncur)
        lines_table(&h, &v, FEE_CURRENT, true);
    else
        html_lit(&h, "<p>尚未公布收费标准。</p>\n");
    html_lit(&h, "</section>\n");
    if (nup) {
        html_lit(&h, "<section aria-labelledby=\"up\"><h2 id=\"up\">待执行的调整</h2>\n");
        lines_table(&h, &v, FEE_UPCOMING, false);
        html_lit(&h, "</section>\n");
    }

    html_lit(&h, "<section aria-labelledby=\"set\"><h2 id=\"set\">公布或调整收费</h2>\n"
                 "<form method=\"post\" action=\"/operator/fees\" class=\"form\">");
    page_csrf(&h, r);
    html_lit(&h, "<p class=\"meta\">只填写要调整的服务类型；金额以元为单位。</p>\n");
    unsigned types = v.service_types ? v.service_types : (1u << SVC__COUNT) - 1;
    for (int t = 0; t < SVC__COUNT; t++) {
        if (!(types & (1u << t))) continue;
        char id[32], name[32];
        snprintf(id, sizeof id, "fee-%s", service_type_names[t]);
        snprintf(name, sizeof name, "yuan_%s", service_type_names[t]);
        const char *kept = r->fe.n ? req_form(r, name) : NULL;
        html_lit(&h, "<p><label");
        html_attr(&h, "for", id);
        html_lit(&h, ">");
        html_text(&h, service_type_names_zh[t]);
        html_lit(&h, "（");
        html_text(&h, unit_zh(t));
        html_lit(&h, "）</label><input inputmode=\"decimal\" maxlength=\"12\"");
        html_attr(&h, "id", id);
        html_attr(&h, "name", name);
        html_attr(&h, "value", kept ? kept : "");
        html_lit(&h, "></p>\n");
    }
    char d[11];
    const char *from =
        r->fe.n && req_form(r, "effective_from") ? req_form(r, "effective_from") : date_format(today, d);
    date_input(&h, "fee-from", "effective_from", "执行日期（不早于今天）", from);
    html_lit(&h, "<p><button type=\"submit\">公布</button></p></form></section>\n");

    html_lit(&h, "<section aria-labelledby=\"hist\"><h2 id=\"hist\">调整记录</h2>\n");
    if (v.n)
        lines_table(&h, &v, -1, false);
    else
        html_lit(&h, "<p>暂无记录。</p>\n");
    html_lit(&h, "</section>\n");
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_operator_fees(struct req *r, struct resp *out)
{
    return render_operator(r, out, 200, NULL);
}

enum err page_operator_fees_post(struct req *r, struct resp *out)
{
    json_t *items = json_array();
    json_t *body = json_pack("{s:o}", "items", items);
    if (r->json) json_decref(r->json);
    r->json = body;
    const char *from = req_form(r, "effective_from");
    for (int t = 0; t < SVC__COUNT; t++) {
        char name[32];
        snprintf(name, sizeof name, "yuan_%s", service_type_names[t]);
        const char *v = req_form(r, name);
        if (!v || !*v) continue;
        int64_t fen = 0;
        if (!parse_yuan(v, &fen)) {
            fe_add(&r->fe, name, "金额应为元，最多两位小数，如 2200 或 2200.50");
            continue;
        }
        json_t *it =
            json_pack("{s:s, s:I}", "service_type", service_type_names[t], "monthly_fen", (json_int_t)fen);
        if (from && *from) json_object_set_new(it, "effective_from", json_string(from));
        json_array_append_new(items, it);
    }
    if (r->fe.n) return render_operator(r, out, 422, NULL);
    enum err e = fee_set_json(r->db, r->a, r->who, r->who->institution_id, body, &r->fe);
    if (e == ERR_VALIDATION) return render_operator(r, out, 422, NULL);
    if (e != OK) return e;
    return render_operator(r, out, 201, "已公布。");
}

/* ---- Officials: /dash/fee-caps --------------------------------------------------------------------------
 */

static enum err render_caps(struct req *r, struct resp *out, unsigned status, const char *note)
{
    int64_t today = clock_day_of(clock_now());
    const char *hq = req_query(r, "history");
    bool history = hq && strcmp(hq, "1") == 0;
    struct fee_cap_row *items;
    int n;
    struct district *ds = NULL;
    int nd = 0;
    enum err e = fee_cap_list(r->db, r->a, page_scope_district(r), history, today, &items, &n);
    if (e == OK) e = district_list(r->db, r->a, &ds, &nd);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "托育收费指导价");
    html_lit(&h, "<h1>托育收费指导价上限</h1>\n<p "
                 "class=\"meta\">普惠性机构和非营利性机构的现行收费高于所在区县现行上限的，"
                 "列为合规问题（违规）。两类均适用时以较低者为准。</p>\n");
    notice(&h, note);
    page_field_errors(&h, &r->fe);
    html_lit(&h, "<p>");
    if (history)
        html_lit(&h, "<a href=\"/dash/fee-caps\">只看现行和待执行</a>");
    else
        html_lit(&h, "<a href=\"/dash/fee-caps?history=1\">查看全部历史</a>");
    html_lit(&h, "</p>\n");
    if (n == 0) {
        html_lit(&h, "<p>尚未设定指导价上限。</p>\n");
    } else {
        html_lit(&h,
                 "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">区县</th><th "
                 "scope=\"col\">服务类型</th>"
                 "<th scope=\"col\">适用机构</th><th scope=\"col\">上限</th><th scope=\"col\">执行日期</th>"
                 "<th scope=\"col\">依据</th><th scope=\"col\">状态</th></tr></thead><tbody>\n");
        for (int i = 0; i < n; i++) {
            const struct fee_cap_row *c = &items[i];
            html_lit(&h, "<tr><td>");
            html_text(&h, c->district_name);
            html_lit(&h, "</td><td>");
            html_text(&h, c->service_type >= 0 ? service_type_names_zh[c->service_type] : "");
            html_lit(&h, "</td><td>");
            html_text(&h, c->cap_kind >= 0 ? fee_cap_kind_names_zh[c->cap_kind] : "");
            html_lit(&h, "</td><td>");
            html_yuan(&h, c->cap_fen);
            html_lit(&h, " ");
            html_text(&h, unit_zh(c->service_type));
            html_lit(&h, "</td><td>");
            html_date(&h, c->effective_from);
            html_lit(&h, "</td><td>");
            html_text(&h, c->basis);
            html_lit(&h, "</td><td>");
            if (c->current)
                html_lit(&h, "<span class=\"badge ok\">现行</span>");
            else if (c->effective_from > today)
                html_lit(&h, "<span class=\"badge info\">待执行</span>");
            else
                html_lit(&h, "<span class=\"badge\">已被替代</span>");
            html_lit(&h, "</td></tr>\n");
        }
        html_lit(&h, "</tbody></table></div>\n");
    }
    if (r->who->role & (ROLE_CITY | ROLE_COUNTY)) {
        const char *kd = r->fe.n ? req_form(r, "district_code") : NULL;
        html_lit(&h, "<section aria-labelledby=\"add\"><h2 id=\"add\">设定指导价上限</h2>\n"
                     "<form method=\"post\" action=\"/dash/fee-caps\" class=\"form\">");
        page_csrf(&h, r);
        html_lit(
            &h,
            "<p><label for=\"cap-district\">区县</label><select id=\"cap-district\" name=\"district_code\">");
        if (page_scope_district(r)) {
            for (int i = 0; i < nd; i++)
                if (strcmp(ds[i].code, page_scope_district(r)) == 0)
                    page_option(&h, ds[i].code, ds[i].name, true);
        } else {
            page_district_options(&h, ds, nd, kd, NULL);
        }
        html_lit(&h, "</select></p>\n<p><label for=\"cap-type\">服务类型</label><select id=\"cap-type\" "
                     "name=\"service_type\">");
        for (int t = 0; t < SVC__COUNT; t++)
            page_option(&h, service_type_names[t], service_type_names_zh[t], false);
        html_lit(&h, "</select></p>\n<p><label for=\"cap-kind\">适用机构</label><select id=\"cap-kind\" "
                     "name=\"applies_to\">");
        for (int k = 0; k < CAP__COUNT; k++)
            page_option(&h, fee_cap_kind_names[k], fee_cap_kind_names_zh[k], false);
        html_lit(&h, "</select></p>\n<p><label for=\"cap-yuan\">上限（元/月，计时托为元/小时）</label>"
                     "<input id=\"cap-yuan\" name=\"cap_yuan\" inputmode=\"decimal\" maxlength=\"12\" "
                     "required></p>\n");
        char d[11];
        date_input(&h, "cap-from", "effective_from", "执行日期", date_format(today, d));
        html_lit(&h, "<p><label for=\"cap-basis\">依据（价格文件文号）</label>"
                     "<input id=\"cap-basis\" name=\"basis\" maxlength=\"200\" required></p>\n"
                     "<p><button type=\"submit\">设定</button></p></form></section>\n");
    }
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_fee_caps(struct req *r, struct resp *out)
{
    return render_caps(r, out, 200, NULL);
}

enum err page_fee_caps_post(struct req *r, struct resp *out)
{
    json_t *body = json_object();
    if (r->json) json_decref(r->json);
    r->json = body;
    static const char *const keys[] = {"district_code",  "service_type", "applies_to",
                                       "effective_from", "basis",        NULL};
    for (int i = 0; keys[i]; i++) {
        const char *v = req_form(r, keys[i]);
        if (v && *v) json_object_set_new(body, keys[i], json_string(v));
    }
    const char *y = req_form(r, "cap_yuan");
    int64_t fen = 0;
    if (!y || !parse_yuan(y, &fen))
        fe_add(&r->fe, "cap_yuan", "金额应为元，最多两位小数，如 2000 或 2000.50");
    else
        json_object_set_new(body, "cap_fen", json_integer(fen));
    if (r->fe.n) return render_caps(r, out, 422, NULL);
    int64_t id = 0;
    enum err e = fee_cap_add_json(r->db, r->a, r->who, body, &r->fe, &id);
    if (e == ERR_VALIDATION) return render_caps(r, out, 422, NULL);
    if (e == ERR_NOT_FOUND) {
        fe_add(&r->fe, "district_code", "只能为本辖区设定指导价上限");
        return render_caps(r, out, 404, NULL);
    }
    if (e != OK) return e;
    return render_caps(r, out, 201, "已设定；所涉机构的合规状态已同步更新。");
}
