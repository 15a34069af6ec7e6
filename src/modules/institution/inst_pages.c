/* Officials' pages of the registry: the list of institutions with filters, and one institution with its
 * history and filing versions. County officials see their own district only. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/filing/filing_store.h"
#include "modules/institution/inst.h"
#include "modules/reference/settings.h"

#include <string.h>

#define INST_PER_PAGE 50

static const char *const list_keys[] = {"state", "district", "unfiled", NULL};

static const char *legal_form_zh(const char *lf)
{
    static const struct {
        const char *name, *zh;
    } forms[] = {{"enterprise", "企业"}, {"social_org", "社会组织"}, {"public_institution", "事业单位"}};
    for (size_t i = 0; lf && i < sizeof forms / sizeof forms[0]; i++)
        if (strcmp(forms[i].name, lf) == 0) return forms[i].zh;
    return lf ? lf : "—";
}

static void state_badge(struct html *h, const char *state)
{
    if (state && strcmp(state, "filed") == 0)
        html_lit(h, "<span class=\"badge ok\">");
    else
        html_lit(h, "<span class=\"badge\">");
    html_text(h, page_inst_state_zh(state));
    html_lit(h, "</span>");
}

/* The filter form; county officials get their district as text instead of a choice. */
static void list_form(struct html *h, struct req *r, const struct district *ds, int nd, const char *state,
                      const char *district, const char *scope)
{
    html_lit(h,
             "<form class=\"panel\" method=\"get\" action=\"/dash/institutions\" aria-label=\"筛选机构\">\n"
             "<div class=\"fields\">\n<div class=\"field\"><label for=\"state\">状态</label>"
             "<select id=\"state\" name=\"state\">");
    page_option(h, "", "全部", !state || !state[0]);
    page_option(h, "registered", "已登记未备案", state && strcmp(state, "registered") == 0);
    page_option(h, "filed", "已备案", state && strcmp(state, "filed") == 0);
    page_option(h, "closed", "已注销/停业", state && strcmp(state, "closed") == 0);
    html_lit(h, "</select></div>\n");
    if (!scope) {
        html_lit(h, "<div class=\"field\"><label for=\"district\">区县</label><select id=\"district\" "
                    "name=\"district\">");
        page_district_options(h, ds, nd, district, "全部区县");
        html_lit(h, "</select></div>\n");
    }
    html_lit(h, "</div>\n");
    const char *unfiled = req_query(r, "unfiled");
    if (unfiled && strcmp(unfiled, "1") == 0)
        html_lit(h, "<input type=\"hidden\" name=\"unfiled\" value=\"1\">");
    html_lit(h, "<button type=\"submit\">筛选</button>\n</form>\n");
}

enum err page_institutions(struct req *r, struct resp *out)
{
    const char *scope = page_scope_district(r);
    const char *state = req_query(r, "state");
    const char *district = scope ? scope : req_query(r, "district");
    const char *unfiled = req_query(r, "unfiled");
    int64_t page = 1, today = clock_day_of(clock_now());
    struct district *ds = NULL;
    int nd = 0;
    enum err e = district_list(r->db, r->a, &ds, &nd);
    if (e != OK) return e;

    struct inst_filter f;
    inst_filter_init(&f);
    f.per_page = INST_PER_PAGE;
    if (state && state[0]) {
        if (strcmp(state, "registered") == 0 || strcmp(state, "filed") == 0 || strcmp(state, "closed") == 0)
            f.state = state;
        else
            fe_add(&r->fe, "state", "状态应为 registered、filed 或 closed");
    }
    if (district && district[0]) {
        if (page_district_known(ds, nd, district))
            f.district = district;
        else
            fe_add(&r->fe, "district", "未知的区县");
    }
    bool only_unfiled = unfiled && strcmp(unfiled, "1") == 0;
    if (unfiled && unfiled[0] && !only_unfiled) fe_add(&r->fe, "unfiled", "应为 1");
    int64_t grace = settings_get_int(r->db, SETTING_UNFILED_GRACE_DAYS, DEFAULT_UNFILED_GRACE_DAYS);
    if (only_unfiled) f.unfiled_before = today - grace;
    if (!page_parse_int(req_query(r, "page"), 1, 100000, 1, &page)) fe_add(&r->fe, "page", "页码无效");
    f.page = (int)page;
    if (r->fe.n) return ERR_VALIDATION;

    struct institution *items = NULL;
    int n = 0;
    int64_t total = 0;
    e = inst_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "机构");
    html_lit(&h, "<h1>托育机构</h1>\n");
    page_export_link(&h, r, "/api/v1/institutions");
    list_form(&h, r, ds, nd, state, district, scope);
    if (only_unfiled) {
        html_lit(&h, "<p class=\"notice\">只显示登记超过 ");
        html_int(&h, grace);
        html_lit(&h, " 天仍未备案的机构。<a href=\"/dash/institutions\">显示全部</a></p>\n");
    } else {
        html_lit(&h, "<p><a href=\"/dash/institutions?unfiled=1\">登记未备案（超过");
        html_int(&h, grace);
        html_lit(&h, "天）</a></p>\n");
    }
    html_lit(&h, "<p role=\"status\">共 ");
    html_int(&h, total);
    html_lit(&h, " 家机构。</p>\n");
    if (n > 0) {
        html_lit(&h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"机构列表\"><table>\n"
                     "<thead><tr><th scope=\"col\">机构名称</th><th scope=\"col\">统一社会信用代码</th>"
                     "<th scope=\"col\">区县</th><th scope=\"col\">状态</th><th scope=\"col\">登记日期</th>"
                     "<th scope=\"col\">备案编号</th><th scope=\"col\" class=\"num\">托位</th></tr></thead>\n"
                     "<tbody>\n");
        for (int i = 0; i < n; i++) {
            const struct institution *in = &items[i];
            html_lit(&h, "<tr><td><a href=\"/dash/institutions/");
            html_int(&h, in->id);
            html_lit(&h, "\">");
            html_text(&h, in->name);
            html_lit(&h, "</a></td><td>");
            html_text(&h, in->uscc);
            html_lit(&h, "</td><td>");
            html_text(&h, in->district_name);
            html_lit(&h, "</td><td>");
            state_badge(&h, in->state);
            if (in->state && strcmp(in->state, "registered") == 0 && in->registered_on <= today - grace)
                html_lit(&h, " <span class=\"badge warn\">逾期未备案</span>");
            html_lit(&h, "</td><td>");
            html_date(&h, in->registered_on);
            html_lit(&h, "</td><td>");
            html_text(&h, in->filing_number ? in->filing_number : "—");
            html_lit(&h, "</td><td class=\"num\">");
            html_int(&h, in->places);
            html_lit(&h, "</td></tr>\n");
        }
        html_lit(&h, "</tbody></table></div>\n");
    }
    page_pager(&h, r, page, INST_PER_PAGE, total, list_keys);
    page_end(&h);
    return resp_html(r, out, 200, &h);
}

/* A <dt>/<dd> pair with text (— when NULL). */
static void fact(struct html *h, const char *label, const char *value)
{
    html_lit(h, "<dt>");
    html_text(h, label);
    html_lit(h, "</dt><dd>");
    html_text(h, value && value[0] ? value : "—");
    html_lit(h, "</dd>\n");
}

static void inst_facts(struct html *h, const struct institution *in)
{
    html_lit(h, "<dl class=\"facts\">\n");
    fact(h, "统一社会信用代码", in->uscc);
    fact(h, "组织形式", legal_form_zh(in->legal_form));
    fact(h, "所在区县", in->district_name);
    fact(h, "地址", in->address);
    fact(h, "经营范围", in->business_scope);
    fact(h, "登记机关", in->authority);
    html_lit(h, "<dt>登记日期</dt><dd>");
    html_date(h, in->registered_on);
    html_lit(h, "</dd>\n<dt>状态</dt><dd>");
    state_badge(h, in->state);
    html_lit(h, "</dd>\n");
    fact(h, "备案编号", in->filing_number);
    html_lit(h, "<dt>备案日期</dt><dd>");
    if (in->filed_on > 0)
        html_date(h, in->filed_on);
    else
        html_lit(h, "—");
    html_lit(h, "</dd>\n");
    fact(h, "最新备案材料状态",
         in->current_filing_status ? page_filing_status_zh(in->current_filing_status) : NULL);
    html_lit(h, "<dt>服务类型</dt><dd>");
    page_service_types(h, in->service_types);
    html_lit(h, "</dd>\n<dt>普惠托育</dt><dd>");
    if (in->inclusive)
        html_lit(h, "是");
    else
        html_lit(h, "否");
    html_lit(h, "</dd>\n<dt>托位数</dt><dd>");
    html_int(h, in->places);
    html_lit(h, "</dd>\n<dt>招收月龄</dt><dd>");
    page_ages(h, in->min_age_months, in->max_age_months);
    html_lit(h, "</dd>\n<dt>最低月收费</dt><dd>");
    if (in->fee_min_fen >= 0) {
        html_yuan(h, in->fee_min_fen);
        html_lit(h, " 元");
    } else {
        html_lit(h, "—");
    }
    html_lit(h, "</dd>\n<dt>位置</dt><dd>");
    if (in->has_location) {
        page_decimal(h, in->lat, 6);
        html_lit(h, ", ");
        page_decimal(h, in->lon, 6);
    } else {
        html_lit(h, "—");
    }
    html_lit(h, "</dd>\n<dt>记录版本</dt><dd>");
    html_int(h, in->version);
    html_lit(h, "（创建 ");
    html_time(h, in->created_at);
    html_lit(h, "，更新 ");
    html_time(h, in->updated_at);
    html_lit(h, "）</dd>\n</dl>\n");
}

static void inst_history_table(struct html *h, const struct inst_event *ev, int n)
{
    if (n == 0) {
        html_lit(h, "<p>暂无记录。</p>\n");
        return;
    }
    html_lit(h,
             "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"变更记录\"><table>\n"
             "<thead><tr><th scope=\"col\">时间</th><th scope=\"col\">操作人</th><th scope=\"col\">操作</th>"
             "<th scope=\"col\">变更内容</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        html_lit(h, "<tr><td>");
        html_time(h, ev[i].at);
        html_lit(h, "</td><td>");
        html_text(h, ev[i].actor);
        html_lit(h, "</td><td>");
        html_text(h, ev[i].action);
        html_lit(h, "</td><td class=\"wrap\">");
        if (ev[i].changes) {
            html_lit(h, "<code>");
            html_text(h, ev[i].changes);
            html_lit(h, "</code>");
        } else {
            html_lit(h, "—");
        }
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

enum err page_institution(struct req *r, struct resp *out)
{
    struct institution in;
    enum err e = inst_get(r->db, r->a, r->id[0], &in);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, in.district_code)) return ERR_NOT_FOUND;
    struct inst_event *ev = NULL;
    struct filing_row *versions = NULL;
    int nev = 0, nv = 0;
    e = inst_history(r->db, r->a, in.id, &ev, &nev);
    if (e == OK) e = filing_versions(r->db, r->a, in.id, &versions, &nv);
    if (e != OK) return e;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, in.name);
    html_lit(&h, "<p><a href=\"/dash/institutions\">← 机构列表</a></p>\n<h1>");
    html_text(&h, in.name);
    html_lit(&h, "</h1>\n");
    inst_facts(&h, &in);
    if (r->who->role == ROLE_ADMIN) {
        html_lit(&h, "<p><a href=\"/dash/users?institution_id=");
        html_int(&h, in.id);
        html_lit(&h, "\">为该机构开设经办人账号</a></p>\n");
    }
    html_lit(&h, "<h2>备案材料版本</h2>\n");
    page_filing_versions(&h, versions, nv, true, clock_day_of(clock_now()));
    html_lit(&h, "<h2>变更记录</h2>\n");
    inst_history_table(&h, ev, nev);
    page_end(&h);
    return resp_html(r, out, 200, &h);
}
