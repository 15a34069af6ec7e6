/* Policy support pages: the operator's page (subsidy applications, the plan's promises, the demonstration
 * application) and the officials' page (totals by county and type, queues with decision forms, promises to
 * confirm, demonstrations to evaluate and designate). Forms post into the same store functions as the API,
 * so both paths share one set of rules. Amounts are typed in yuan (元, up to two decimals) and stored in fen.
 */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/support/support.h"

#include <stdlib.h>
#include <string.h>

static const char *zh_of(const char *const *names, const char *const *zh, const char *name)
{
    int i = support_name_index(names, name);
    return i >= 0 ? zh[i] : "未知";
}

static int this_year(void)
{
    int y, m, d;
    days_to_date(clock_day_of(clock_now()), &y, &m, &d);
    return y;
}

/* "1234", "1234.5", "1234.56" yuan → fen; false for anything else (or more than the maximum). */
static bool parse_yuan(const char *s, int64_t *fen)
{
    if (!s || !*s) return false;
    int64_t v = 0;
    int decimals = -1;
    for (const char *p = s; *p; p++) {
        if (*p == '.' && decimals < 0) {
            decimals = 0;
            continue;
        }
        if (*p < '0' || *p > '9' || decimals >= 2 || v > SUPPORT_AMOUNT_MAX_FEN) return false;
        v = v * 10 + (*p - '0');
        if (decimals >= 0) decimals++;
    }
    for (int i = decimals < 0 ? 0 : decimals; i < 2; i++)
        v *= 10;
    *fen = v;
    return decimals != 0 && v <= SUPPORT_AMOUNT_MAX_FEN;
}

/* A labelled <input>: id must be unique on the page. */
static void field(struct html *h, const char *id, const char *name, const char *label, const char *type,
                  const char *value, bool required)
{
    html_lit(h, "<p><label");
    html_attr(h, "for", id);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label> <input");
    html_attr(h, "type", type);
    html_attr(h, "id", id);
    html_attr(h, "name", name);
    if (value) html_attr(h, "value", value);
    if (required) html_lit(h, " required");
    html_lit(h, "></p>\n");
}

static void checkbox(struct html *h, const char *name, const char *label, bool checked)
{
    html_lit(h, "<p><input type=\"checkbox\" value=\"1\"");
    html_attr(h, "id", name);
    html_attr(h, "name", name);
    if (checked) html_lit(h, " checked");
    html_lit(h, "> <label");
    html_attr(h, "for", name);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label></p>\n");
}

static void textarea(struct html *h, const char *id, const char *name, const char *label, bool required)
{
    html_lit(h, "<p><label");
    html_attr(h, "for", id);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label><br><textarea rows=\"3\" cols=\"60\"");
    html_attr(h, "id", id);
    html_attr(h, "name", name);
    if (required) html_lit(h, " required");
    html_lit(h, "></textarea></p>\n");
}

static void form_open(struct html *h, struct req *r, const char *action)
{
    html_lit(h, "<form method=\"post\"");
    html_attr(h, "action", action);
    html_lit(h, ">\n");
    page_csrf(h, r);
}

static void yes_no(struct html *h, bool v)
{
    if (v)
        html_lit(h, "是");
    else
        html_lit(h, "否");
}

static void subsidy_rows(struct html *h, const struct subsidy *s, int n, bool with_inst)
{
    html_lit(
        h,
        "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"补贴列表\"><table>\n<thead><tr>");
    if (with_inst) html_lit(h, "<th scope=\"col\">机构</th><th scope=\"col\">区县</th>");
    html_lit(h, "<th scope=\"col\">年度</th><th scope=\"col\">类型</th><th scope=\"col\">状态</th>"
                "<th scope=\"col\">托位</th><th scope=\"col\">申请金额（元）</th><th "
                "scope=\"col\">批准金额（元）</th>"
                "<th scope=\"col\">拨付</th><th scope=\"col\">说明</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        html_lit(h, "<tr>");
        if (with_inst) {
            html_lit(h, "<td>");
            html_text(h, s[i].institution_name);
            html_lit(h, "</td><td>");
            html_text(h, s[i].district_name);
            html_lit(h, "</td>");
        }
        html_lit(h, "<td>");
        html_int(h, s[i].year);
        html_lit(h, "</td><td>");
        html_text(h, zh_of(subsidy_type_names, subsidy_type_names_zh, s[i].type));
        html_lit(h, "</td><td>");
        html_text(h, zh_of(subsidy_status_names, subsidy_status_names_zh, s[i].status));
        html_lit(h, "</td><td>");
        html_int(h, s[i].places);
        html_lit(h, "</td><td>");
        html_yuan(h, s[i].amount_applied_fen);
        html_lit(h, "</td><td>");
        if (s[i].decided_at && s[i].amount_approved_fen)
            html_yuan(h, s[i].amount_approved_fen);
        else
            html_lit(h, "—");
        html_lit(h, "</td><td>");
        if (s[i].paid_on) {
            html_date(h, s[i].paid_on);
            html_lit(h, " ");
            html_yuan(h, s[i].paid_fen);
            html_lit(h, " 元");
        } else {
            html_lit(h, "—");
        }
        html_lit(h, "</td><td>");
        html_text(h, s[i].decision_reason ? s[i].decision_reason : s[i].basis);
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

static void type_options(struct html *h)
{
    for (int i = 0; i < ST__COUNT; i++)
        page_option(h, subsidy_type_names[i], subsidy_type_names_zh[i], i == ST_OPERATING);
}

/* ---- The operator's page ------------------------------------------------------------------------------- */

static enum err render_operator(struct req *r, struct resp *out, unsigned status, enum err problem,
                                const char *where)
{
    int64_t inst = r->who->institution_id;
    struct subsidy_filter sf = {.institution_id = inst, .page = 1};
    struct subsidy *subs = NULL;
    struct demonstration *dems = NULL;
    struct dem_filter df = {.institution_id = inst, .page = 1};
    int ns = 0, nd = 0;
    int64_t total;
    struct policy pol;
    enum err e = subsidy_list(r->db, r->a, &sf, &subs, &ns, &total);
    if (e == OK) e = dem_list(r->db, r->a, &df, &dems, &nd, &total);
    if (e == OK) e = policy_get(r->db, r->a, inst, &pol);
    if (e != OK) return e;
    int64_t today = clock_day_of(clock_now());
    char year[8], d[11];
    snprintf(year, sizeof year, "%d", this_year());

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "政策支持");
    html_lit(&h, "<h1>政策支持</h1>\n");
    const char *done = req_query(r, "done");
    if (done && problem == OK) html_lit(&h, "<p class=\"notice\" role=\"status\">已提交。</p>\n");

    html_lit(&h, "<section class=\"panel\" id=\"subsidy\">\n<h2>补贴申请</h2>\n");
    if (where && strcmp(where, "subsidy") == 0) page_problem_box(&h, r, problem, NULL);
    if (ns)
        subsidy_rows(&h, subs, ns, false);
    else
        html_lit(&h, "<p>尚无补贴申请。</p>\n");
    html_lit(&h, "<h3>申请补贴</h3>\n");
    form_open(&h, r, "/operator/support/subsidy");
    field(&h, "s-year", "year", "年度", "number", year, true);
    html_lit(&h, "<p><label for=\"s-type\">补贴类型</label> <select id=\"s-type\" name=\"type\">");
    type_options(&h);
    html_lit(&h, "</select></p>\n");
    field(&h, "s-amount", "amount_yuan", "申请金额（元）", "text", NULL, true);
    field(&h, "s-places", "places", "托位数（建设补贴为新增托位）", "number", NULL, false);
    textarea(&h, "s-basis", "basis", "申请依据", true);
    html_lit(&h, "<p><button type=\"submit\">提交申请</button></p>\n</form>\n</section>\n");

    html_lit(&h, "<section class=\"panel\" id=\"policy\">\n<h2>政策落实情况</h2>\n");
    if (where && strcmp(where, "policy") == 0) page_problem_box(&h, r, problem, NULL);
    if (pol.declared) {
        html_lit(&h, "<p>已落实 ");
        html_int(&h, policy_met_count(pol.utility_residential, pol.liability_until, pol.accident_insurance,
                                      pol.training_subsidy, pol.skill_subsidy, today));
        html_lit(&h, " / 5 项；");
        if (pol.confirmed_on) {
            html_lit(&h, "县级卫生健康部门已于 ");
            html_date(&h, pol.confirmed_on);
            html_lit(&h, " 确认。</p>\n");
        } else {
            html_lit(&h, "待县级卫生健康部门确认。</p>\n");
        }
    } else {
        html_lit(&h, "<p>尚未申报。</p>\n");
    }
    form_open(&h, r, "/operator/support/policy");
    html_lit(&h, "<input type=\"hidden\" name=\"version\"");
    html_attr(&h, "value", arena_printf(r->a, "%lld", (long long)pol.version));
    html_lit(&h, ">\n");
    checkbox(&h, "utility_residential", "用水、用电、用气按居民生活类价格执行", pol.utility_residential);
    checkbox(&h, "accident_insurance", "为每名婴幼儿提供意外伤害保险", pol.accident_insurance);
    checkbox(&h, "training_subsidy", "已申领从业人员职业培训补贴", pol.training_subsidy);
    checkbox(&h, "skill_subsidy", "已申领职业技能鉴定补贴", pol.skill_subsidy);
    field(&h, "liability_until", "liability_until", "责任保险有效期至（YYYY-MM-DD）", "date",
          pol.liability_until ? date_format(pol.liability_until, d) : NULL, false);
    html_lit(&h, "<p><label for=\"p-note\">说明</label><br><textarea id=\"p-note\" name=\"note\" rows=\"2\" "
                 "cols=\"60\">");
    html_text(&h, pol.note);
    html_lit(&h, "</textarea></p>\n<p><button type=\"submit\">保存申报</button></p>\n</form>\n</section>\n");

    html_lit(&h, "<section class=\"panel\" id=\"demonstration\">\n<h2>示范性托育机构</h2>\n");
    if (where && strcmp(where, "demonstration") == 0) page_problem_box(&h, r, problem, NULL);
    if (nd) {
        html_lit(&h, "<ul>\n");
        for (int i = 0; i < nd; i++) {
            html_lit(&h, "<li>");
            html_int(&h, dems[i].year);
            html_lit(&h, " 年度：");
            html_text(&h, zh_of(dem_status_names, dem_status_names_zh, dems[i].status));
            if (dems[i].designated_on) {
                html_lit(&h, "（");
                html_text(&h, zh_of(dem_level_names, dem_level_names_zh, dems[i].level));
                html_lit(&h, "，");
                html_date(&h, dems[i].designated_on);
                html_lit(&h, "，");
                html_text(&h, dems[i].decision_number);
                html_lit(&h, "）");
            }
            if (dems[i].reason) {
                html_lit(&h, "：");
                html_text(&h, dems[i].reason);
            }
            html_lit(&h, "</li>\n");
        }
        html_lit(&h, "</ul>\n");
    }
    form_open(&h, r, "/operator/support/demonstration");
    field(&h, "d-year", "year", "年度", "number", year, true);
    textarea(&h, "d-statement", "statement", "申报说明", true);
    html_lit(&h, "<p><button type=\"submit\">申请认定</button></p>\n</form>\n</section>\n");
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_support_operator(struct req *r, struct resp *out)
{
    return render_operator(r, out, 200, OK, NULL);
}

static bool form_flag(struct req *r, const char *key)
{
    const char *v = req_form(r, key);
    return v && strcmp(v, "1") == 0;
}

enum err page_support_operator_post(struct req *r, struct resp *out)
{
    const char *what = r->seg[0];
    const char *detail = NULL;
    int64_t year = 0;
    enum err e;
    bool yearly = strcmp(what, "subsidy") == 0 || strcmp(what, "demonstration") == 0;
    if (yearly && (!page_parse_int(req_form(r, "year"), SUPPORT_YEAR_MIN, 2100, 0, &year) || !year))
        fe_add(&r->fe, "year", "请填写有效的年度");
    if (strcmp(what, "subsidy") == 0) {
        struct subsidy_apply_in in = {.institution_id = r->who->institution_id, .year = year};
        in.type = support_name_index(subsidy_type_names, req_form(r, "type"));
        if (!parse_yuan(req_form(r, "amount_yuan"), &in.amount_fen))
            fe_add(&r->fe, "amount_yuan", "请填写申请金额（元，最多两位小数）");
        if (!page_parse_int(req_form(r, "places"), 0, 10000, 0, &in.places))
            fe_add(&r->fe, "places", "托位数无效");
        in.basis = req_form(r, "basis");
        struct subsidy s;
        e = r->fe.n ? ERR_VALIDATION : subsidy_apply(r->db, r->a, r->who, &in, &r->fe, &detail, &s);
    } else if (strcmp(what, "demonstration") == 0) {
        struct demonstration m;
        e = r->fe.n ? ERR_VALIDATION
                    : dem_apply(r->db, r->a, r->who, r->who->institution_id, year, req_form(r, "statement"),
                                &r->fe, &detail, &m);
    } else if (strcmp(what, "policy") == 0) {
        int64_t version = 0;
        struct policy in = {.utility_residential = form_flag(r, "utility_residential"),
                            .accident_insurance = form_flag(r, "accident_insurance"),
                            .training_subsidy = form_flag(r, "training_subsidy"),
                            .skill_subsidy = form_flag(r, "skill_subsidy"),
                            .note = req_form(r, "note")};
        if (!page_parse_int(req_form(r, "version"), 0, INT64_MAX, 0, &version))
            fe_add(&r->fe, "version", "版本无效");
        const char *lu = req_form(r, "liability_until");
        if (lu && *lu && !date_parse(lu, &in.liability_until))
            fe_add(&r->fe, "liability_until", "请填写有效的日期（YYYY-MM-DD）");
        struct policy p;
        e = r->fe.n ? ERR_VALIDATION
                    : policy_declare(r->db, r->a, r->who, r->who->institution_id, &in, version, &r->fe, &p);
        if (e == ERR_STATE) detail = "只有已备案的机构才能申报政策落实情况";
    } else {
        return ERR_NOT_FOUND;
    }
    if (detail) r->error_detail = detail;
    if (e == OK) return resp_redirect(r, out, arena_printf(r->a, "/operator/support?done=1#%s", what));
    if (e == ERR_VALIDATION || e == ERR_STATE || e == ERR_CONFLICT || e == ERR_NOT_FOUND)
        return render_operator(r, out, err_status(e), e, what);
    return e;
}

/* ---- The officials' page ------------------------------------------------------------------------------- */

static void totals_table(struct html *h, const struct subsidy_total_row *t, int n)
{
    html_lit(h,
             "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"补贴汇总\"><table>\n"
             "<thead><tr><th scope=\"col\">区县</th><th scope=\"col\">类型</th><th scope=\"col\">申请数</th>"
             "<th scope=\"col\">申请金额（元）</th><th scope=\"col\">批准数</th><th "
             "scope=\"col\">批准金额（元）</th>"
             "<th scope=\"col\">拨付数</th><th scope=\"col\">拨付金额（元）</th></tr></thead>\n<tbody>\n");
    int64_t sum[6] = {0};
    for (int i = 0; i < n; i++) {
        html_lit(h, "<tr><td>");
        html_text(h, t[i].district_name);
        html_lit(h, "</td><td>");
        html_text(h, zh_of(subsidy_type_names, subsidy_type_names_zh, t[i].type));
        html_lit(h, "</td><td>");
        html_int(h, t[i].applications);
        html_lit(h, "</td><td>");
        html_yuan(h, t[i].applied_fen);
        html_lit(h, "</td><td>");
        html_int(h, t[i].approved_count);
        html_lit(h, "</td><td>");
        html_yuan(h, t[i].approved_fen);
        html_lit(h, "</td><td>");
        html_int(h, t[i].paid_count);
        html_lit(h, "</td><td>");
        html_yuan(h, t[i].paid_fen);
        html_lit(h, "</td></tr>\n");
        sum[0] += t[i].applications, sum[1] += t[i].applied_fen, sum[2] += t[i].approved_count;
        sum[3] += t[i].approved_fen, sum[4] += t[i].paid_count, sum[5] += t[i].paid_fen;
    }
    html_lit(h, "</tbody>\n<tfoot><tr><th scope=\"row\" colspan=\"2\">合计</th><td>");
    html_int(h, sum[0]);
    html_lit(h, "</td><td>");
    html_yuan(h, sum[1]);
    html_lit(h, "</td><td>");
    html_int(h, sum[2]);
    html_lit(h, "</td><td>");
    html_yuan(h, sum[3]);
    html_lit(h, "</td><td>");
    html_int(h, sum[4]);
    html_lit(h, "</td><td>");
    html_yuan(h, sum[5]);
    html_lit(h, "</td></tr></tfoot></table></div>\n");
}

static const char *fid(struct req *r, const char *prefix, int64_t id)
{
    return arena_printf(r->a, "%s-%lld", prefix, (long long)id);
}

static void version_input(struct html *h, struct req *r, int64_t version)
{
    html_lit(h, "<input type=\"hidden\" name=\"version\"");
    html_attr(h, "value", arena_printf(r->a, "%lld", (long long)version));
    html_lit(h, ">\n");
}

static void subsidy_item(struct html *h, struct req *r, const struct subsidy *s)
{
    html_lit(h, "<article class=\"panel\"");
    html_attr(h, "id", fid(r, "subsidy", s->id));
    html_lit(h, ">\n<h3>");
    html_text(h, s->institution_name);
    html_lit(h, "：");
    html_int(h, s->year);
    html_lit(h, " 年度");
    html_text(h, zh_of(subsidy_type_names, subsidy_type_names_zh, s->type));
    html_lit(h, "（");
    html_text(h, zh_of(subsidy_status_names, subsidy_status_names_zh, s->status));
    html_lit(h, "）</h3>\n<p>");
    html_text(h, s->district_name);
    html_lit(h, "；托位 ");
    html_int(h, s->places);
    html_lit(h, "；申请 ");
    html_yuan(h, s->amount_applied_fen);
    html_lit(h, " 元");
    if (strcmp(s->status, "approved") == 0) {
        html_lit(h, "；批准 ");
        html_yuan(h, s->amount_approved_fen);
        html_lit(h, " 元");
    }
    html_lit(h, "。</p>\n<p>");
    html_text(h, s->basis);
    html_lit(h, "</p>\n");
    unsigned role = r->who->role;
    if (strcmp(s->status, "applied") == 0 && role == ROLE_COUNTY) {
        form_open(h, r, arena_printf(r->a, "/dash/support/subsidy-decision/%lld", (long long)s->id));
        version_input(h, r, s->version);
        html_lit(h, "<p><label");
        html_attr(h, "for", fid(r, "sd", s->id));
        html_lit(h, ">决定</label> <select");
        html_attr(h, "id", fid(r, "sd", s->id));
        html_lit(h, " name=\"decision\">");
        page_option(h, "approve", "批准", true);
        page_option(h, "reject", "不予批准", false);
        html_lit(h, "</select></p>\n");
        field(h, fid(r, "sa", s->id), "amount_yuan", "批准金额（元）", "text", NULL, false);
        field(h, fid(r, "sr", s->id), "reason", "理由（不予批准时必填）", "text", NULL, false);
        html_lit(h, "<p><button type=\"submit\">提交决定</button></p>\n</form>\n");
    } else if (strcmp(s->status, "approved") == 0 && (role == ROLE_COUNTY || role == ROLE_CITY)) {
        char d[11];
        form_open(h, r, arena_printf(r->a, "/dash/support/subsidy-payment/%lld", (long long)s->id));
        version_input(h, r, s->version);
        field(h, fid(r, "po", s->id), "paid_on", "拨付日期", "date",
              date_format(clock_day_of(clock_now()), d), true);
        field(h, fid(r, "pa", s->id), "paid_yuan", "拨付金额（元）", "text", NULL, true);
        html_lit(h, "<p><button type=\"submit\">登记拨付</button></p>\n</form>\n");
    }
    html_lit(h, "</article>\n");
}

static void dem_item(struct html *h, struct req *r, const struct demonstration *m)
{
    html_lit(h, "<article class=\"panel\"");
    html_attr(h, "id", fid(r, "demonstration", m->id));
    html_lit(h, ">\n<h3>");
    html_text(h, m->institution_name);
    html_lit(h, "：");
    html_int(h, m->year);
    html_lit(h, " 年度（");
    html_text(h, zh_of(dem_status_names, dem_status_names_zh, m->status));
    if (m->score >= 0) {
        html_lit(h, "，评估 ");
        html_int(h, m->score);
        html_lit(h, " 分");
    }
    html_lit(h, "）</h3>\n<p>");
    html_text(h, m->district_name);
    html_lit(h, "：");
    html_text(h, m->statement);
    html_lit(h, "</p>\n");
    unsigned role = r->who->role;
    if (role != ROLE_COUNTY && role != ROLE_CITY) {
        html_lit(h, "</article>\n");
        return;
    }
    form_open(h, r, arena_printf(r->a, "/dash/support/demonstration-decision/%lld", (long long)m->id));
    version_input(h, r, m->version);
    html_lit(h, "<p><label");
    html_attr(h, "for", fid(r, "dd", m->id));
    html_lit(h, ">办理</label> <select");
    html_attr(h, "id", fid(r, "dd", m->id));
    html_lit(h, " name=\"decision\">");
    bool evaluated = strcmp(m->status, "evaluated") == 0;
    page_option(h, "evaluate", "评估", !evaluated);
    if (evaluated) page_option(h, "designate", "认定", true);
    page_option(h, "reject", "不予认定", false);
    html_lit(h, "</select></p>\n");
    field(h, fid(r, "ds", m->id), "score", "评估得分（0–100）", "number", NULL, false);
    field(h, fid(r, "dn", m->id), "note", "评估意见", "text", NULL, false);
    if (evaluated) {
        char d[11];
        html_lit(h, "<input type=\"hidden\" name=\"level\"");
        html_attr(h, "value", role == ROLE_CITY ? "city" : "county");
        html_lit(h, ">\n");
        field(h, fid(r, "don", m->id), "designated_on", role == ROLE_CITY ? "市级认定日期" : "县级认定日期",
              "date", date_format(clock_day_of(clock_now()), d), false);
        field(h, fid(r, "dno", m->id), "decision_number", "认定文号", "text", NULL, false);
    }
    field(h, fid(r, "dr", m->id), "reason", "理由（不予认定时必填）", "text", NULL, false);
    html_lit(h, "<p><button type=\"submit\">提交</button></p>\n</form>\n</article>\n");
}

static enum err render_dash(struct req *r, struct resp *out, unsigned status, enum err problem)
{
    const char *scope = page_scope_district(r);
    int64_t year = this_year();
    if (!page_parse_int(req_query(r, "year"), SUPPORT_YEAR_MIN, 2100, year, &year)) year = this_year();
    struct subsidy_total_row *totals = NULL;
    struct subsidy *applied = NULL, *approved = NULL;
    struct policy *pols = NULL;
    struct demonstration *dems = NULL, *evald = NULL;
    int nt = 0, na = 0, nap = 0, np = 0, nd = 0, ne = 0;
    int64_t t1, t2, t3, t4;
    struct subsidy_filter fa = {.district = scope, .status = "applied", .page = 1};
    struct subsidy_filter fp = {.district = scope, .status = "approved", .page = 1};
    struct dem_filter da = {.district = scope, .status = "applied", .page = 1};
    struct dem_filter de = {.district = scope, .status = "evaluated", .page = 1};
    enum err e = subsidy_totals(r->db, r->a, scope, (int)year, &totals, &nt);
    if (e == OK) e = subsidy_list(r->db, r->a, &fa, &applied, &na, &t1);
    if (e == OK) e = subsidy_list(r->db, r->a, &fp, &approved, &nap, &t2);
    if (e == OK) e = policy_list(r->db, r->a, scope, true, &pols, &np);
    if (e == OK) e = dem_list(r->db, r->a, &da, &dems, &nd, &t3);
    if (e == OK) e = dem_list(r->db, r->a, &de, &evald, &ne, &t4);
    if (e != OK) return e;
    int64_t today = clock_day_of(clock_now());

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "政策支持");
    html_lit(&h, "<h1>政策支持</h1>\n");
    page_problem_box(&h, r, problem, NULL);
    if (req_query(r, "done") && problem == OK)
        html_lit(&h, "<p class=\"notice\" role=\"status\">已办理。</p>\n");

    html_lit(&h, "<section class=\"panel\" id=\"totals\">\n<h2>");
    html_int(&h, year);
    html_lit(&h,
             " 年度补贴汇总（按区县和类型）</h2>\n<form method=\"get\" action=\"/dash/support\"><p><label "
             "for=\"t-year\">年度</label> <input type=\"number\" id=\"t-year\" name=\"year\"");
    html_attr(&h, "value", arena_printf(r->a, "%lld", (long long)year));
    html_lit(&h, "> <button type=\"submit\">查看</button></p></form>\n");
    totals_table(&h, totals, nt);
    html_lit(&h, "</section>\n");

    html_lit(&h, "<section id=\"subsidy-applied\">\n<h2>待审核的补贴申请（");
    html_int(&h, t1);
    html_lit(&h, "）</h2>\n");
    for (int i = 0; i < na; i++)
        subsidy_item(&h, r, &applied[i]);
    html_lit(&h, "</section>\n<section id=\"subsidy-approved\">\n<h2>已批准待拨付（");
    html_int(&h, t2);
    html_lit(&h, "）</h2>\n");
    for (int i = 0; i < nap; i++)
        subsidy_item(&h, r, &approved[i]);
    html_lit(&h, "</section>\n");

    html_lit(&h, "<section class=\"panel\" id=\"policy\">\n<h2>待确认的政策落实申报（");
    html_int(&h, np);
    html_lit(&h, "）</h2>\n");
    if (np) {
        html_lit(&h,
                 "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"政策落实\"><table>\n"
                 "<thead><tr><th scope=\"col\">机构</th><th scope=\"col\">居民水电气价格</th>"
                 "<th scope=\"col\">责任保险有效期</th><th scope=\"col\">意外伤害保险</th>"
                 "<th scope=\"col\">培训补贴</th><th scope=\"col\">鉴定补贴</th><th scope=\"col\">已落实</th>"
                 "<th scope=\"col\">确认</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < np; i++) {
            const struct policy *p = &pols[i];
            html_lit(&h, "<tr><td>");
            html_text(&h, p->institution_name);
            html_lit(&h, "</td><td>");
            yes_no(&h, p->utility_residential);
            html_lit(&h, "</td><td>");
            if (p->liability_until)
                html_date(&h, p->liability_until);
            else
                html_lit(&h, "—");
            html_lit(&h, "</td><td>");
            yes_no(&h, p->accident_insurance);
            html_lit(&h, "</td><td>");
            yes_no(&h, p->training_subsidy);
            html_lit(&h, "</td><td>");
            yes_no(&h, p->skill_subsidy);
            html_lit(&h, "</td><td>");
            html_int(&h, policy_met_count(p->utility_residential, p->liability_until, p->accident_insurance,
                                          p->training_subsidy, p->skill_subsidy, today));
            html_lit(&h, " / 5</td><td>");
            if (r->who->role == ROLE_COUNTY || r->who->role == ROLE_CITY) {
                form_open(
                    &h, r,
                    arena_printf(r->a, "/dash/support/policy-confirm/%lld", (long long)p->institution_id));
                version_input(&h, r, p->version);
                html_lit(&h, "<button type=\"submit\">确认</button></form>");
            } else {
                html_lit(&h, "待确认");
            }
            html_lit(&h, "</td></tr>\n");
        }
        html_lit(&h, "</tbody></table></div>\n");
    }
    html_lit(&h, "</section>\n");

    html_lit(&h, "<section id=\"demonstrations\">\n<h2>示范性托育机构申请（");
    html_int(&h, t3 + t4);
    html_lit(&h, "）</h2>\n");
    for (int i = 0; i < nd; i++)
        dem_item(&h, r, &dems[i]);
    for (int i = 0; i < ne; i++)
        dem_item(&h, r, &evald[i]);
    html_lit(&h, "</section>\n");
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_support_dash(struct req *r, struct resp *out)
{
    return render_dash(r, out, 200, OK);
}

enum err page_support_dash_post(struct req *r, struct resp *out)
{
    const char *what = r->seg[0];
    int64_t id = r->id[1], version = 0; /* r->id[0] is the {code} segment */
    const char *detail = NULL;
    enum err e;
    if (!page_parse_int(req_form(r, "version"), 1, INT64_MAX, 0, &version)) version = 0;
    const char *decision = req_form(r, "decision");
    if (strcmp(what, "subsidy-decision") == 0 || strcmp(what, "subsidy-payment") == 0) {
        struct subsidy s;
        e = subsidy_get(r->db, r->a, id, &s);
        if (e != OK) return e;
        if (!auth_sees_district(r->who, s.district_code)) return ERR_NOT_FOUND;
        struct subsidy_move m = {.expected_version = version, .reason = req_form(r, "reason")};
        if (strcmp(what, "subsidy-decision") == 0) {
            m.event = decision && strcmp(decision, "approve") == 0  ? SE_APPROVE
                      : decision && strcmp(decision, "reject") == 0 ? SE_REJECT
                                                                    : -1;
            const char *a = req_form(r, "amount_yuan");
            if (m.event == SE_APPROVE && !parse_yuan(a, &m.amount_fen))
                fe_add(&r->fe, "amount_yuan", "请填写批准金额（元，最多两位小数）");
        } else {
            m.event = SE_PAY;
            const char *on = req_form(r, "paid_on");
            if (!on || !date_parse(on, &m.paid_on))
                fe_add(&r->fe, "paid_on", "请填写有效的日期（YYYY-MM-DD）");
            if (!parse_yuan(req_form(r, "paid_yuan"), &m.paid_fen))
                fe_add(&r->fe, "paid_yuan", "请填写拨付金额（元，最多两位小数）");
        }
        e = r->fe.n ? ERR_VALIDATION : subsidy_decide(r->db, r->a, r->who, id, &m, &r->fe, &detail, &s);
    } else if (strcmp(what, "policy-confirm") == 0) {
        struct policy p;
        e = policy_get(r->db, r->a, id, &p);
        if (e != OK) return e;
        if (!auth_sees_district(r->who, p.district_code)) return ERR_NOT_FOUND;
        e = policy_confirm(r->db, r->a, r->who, id, version, &p);
        if (e == ERR_STATE) detail = "该机构的申报已确认或尚未申报";
    } else if (strcmp(what, "demonstration-decision") == 0) {
        struct demonstration m;
        e = dem_get(r->db, r->a, id, &m);
        if (e != OK) return e;
        if (!auth_sees_district(r->who, m.district_code)) return ERR_NOT_FOUND;
        struct dem_move mv = {.event = support_name_index(dem_event_names, decision),
                              .score = -1,
                              .note = req_form(r, "note"),
                              .level = support_name_index(dem_level_names, req_form(r, "level")),
                              .decision_number = req_form(r, "decision_number"),
                              .reason = req_form(r, "reason"),
                              .expected_version = version};
        if (mv.event == DE_APPLY) mv.event = -1;
        if (mv.event == DE_EVALUATE && !page_parse_int(req_form(r, "score"), 0, 100, -1, &mv.score))
            fe_add(&r->fe, "score", "评估得分应在 0 至 100 之间");
        const char *on = req_form(r, "designated_on");
        if (mv.event == DE_DESIGNATE && on && *on && !date_parse(on, &mv.designated_on))
            fe_add(&r->fe, "designated_on", "请填写有效的日期（YYYY-MM-DD）");
        e = r->fe.n ? ERR_VALIDATION : dem_decide(r->db, r->a, r->who, id, &mv, &r->fe, &detail, &m);
    } else {
        return ERR_NOT_FOUND;
    }
    if (detail) r->error_detail = detail;
    if (e == OK) return resp_redirect(r, out, "/dash/support?done=1");
    if (e == ERR_VALIDATION || e == ERR_STATE || e == ERR_CONFLICT || e == ERR_FORBIDDEN)
        return render_dash(r, out, err_status(e), e);
    return e;
}
