/* Family guidance pages. The portal: /guidance (upcoming events and courses, articles), an event with its
 * sign-up form (CAPTCHA and the per-address limit, as the public complaint form: public forms carry no
 * session CSRF token), an article. The officials' page /dash/guidance: families reached per county, events
 * with their moves, the experts' library and the articles, with creation forms for those who may write; an
 * event's page lists its sign-ups, masked, or in full for the county officials of its district (each such
 * read audit-logged). Forms post into the same store functions as the API. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/cases/cases.h"
#include "modules/guidance/guidance.h"
#include "modules/institution/inst.h"

#include <string.h>

static int this_year(void)
{
    int y, m, d;
    days_to_date(clock_day_of(clock_now()), &y, &m, &d);
    return y;
}

static const char *zh_of(const char *const *names, const char *const *zh, const char *name)
{
    int i = guidance_name_index(names, name);
    return i >= 0 ? zh[i] : "—";
}

static const char *nz(const char *s)
{
    return s && *s ? s : NULL;
}

static const char *id_str(struct req *r, const char *prefix, int64_t id)
{
    return arena_printf(r->a, "%s%lld", prefix, (long long)id);
}

/* A labelled <input>; value shown when not NULL. */
static void field(struct html *h, const char *id, const char *label, const char *type, const char *value,
                  const char *extra_attr_name, const char *extra_attr_value, bool required)
{
    html_lit(h, "<p><label");
    html_attr(h, "for", id);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label> <input");
    html_attr(h, "type", type);
    html_attr(h, "id", id);
    html_attr(h, "name", id);
    if (value) html_attr(h, "value", value);
    if (extra_attr_name && strcmp(extra_attr_name, "maxlength") == 0)
        html_attr(h, "maxlength", extra_attr_value);
    if (extra_attr_name && strcmp(extra_attr_name, "min") == 0) html_attr(h, "min", extra_attr_value);
    if (required) html_lit(h, " required");
    html_lit(h, "></p>\n");
}

static void textarea(struct html *h, const char *id, const char *label, const char *value, int rows,
                     bool required)
{
    html_lit(h, "<p><label");
    html_attr(h, "for", id);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label><br><textarea");
    html_attr(h, "id", id);
    html_attr(h, "name", id);
    html_attr(h, "rows", rows == 8 ? "8" : "3");
    if (required) html_lit(h, " required");
    html_lit(h, ">");
    html_text(h, value);
    html_lit(h, "</textarea></p>\n");
}

static void select_names(struct html *h, const char *id, const char *label, const char *const *names,
                         const char *const *zh, const char *selected)
{
    html_lit(h, "<p><label");
    html_attr(h, "for", id);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label> <select");
    html_attr(h, "id", id);
    html_attr(h, "name", id);
    html_lit(h, ">");
    for (int i = 0; names[i]; i++)
        page_option(h, names[i], zh[i], selected && strcmp(selected, names[i]) == 0);
    html_lit(h, "</select></p>\n");
}

static void form_open(struct html *h, struct req *r, const char *action)
{
    html_lit(h, "<form method=\"post\"");
    html_attr(h, "action", action);
    html_lit(h, ">\n");
    page_csrf(h, r);
}

/* "2026-12-20 09:30–11:00" (the end's day too when it differs). */
static void event_when(struct html *h, const struct gevent *x)
{
    char s[17], t[17];
    guidance_format_time(x->starts_at, s);
    guidance_format_time(x->ends_at, t);
    s[10] = ' ';
    t[10] = ' ';
    html_text(h, s);
    html_lit(h, "–");
    html_text(h, strncmp(s, t, 10) == 0 ? t + 11 : t);
}

/* The body of an article: each non-blank line a paragraph, escaped. */
static void paragraphs(struct html *h, const char *body)
{
    const char *p = body;
    while (p && *p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        size_t k = 0;
        while (k < n && (p[k] == ' ' || p[k] == '\r' || p[k] == '\t'))
            k++;
        if (k < n) {
            size_t m = n;
            while (m > k && (p[m - 1] == '\r' || p[m - 1] == ' '))
                m--;
            html_lit(h, "<p>");
            html_textn(h, p + k, m - k);
            html_lit(h, "</p>\n");
        }
        p = e ? e + 1 : NULL;
    }
}

/* ---- Portal -------------------------------------------------------------------------------------------- */

static void event_card(struct html *h, struct req *r, const struct gevent *x)
{
    html_lit(h, "<li><h3><a");
    html_attr(h, "href", id_str(r, "/guidance/events/", x->id));
    html_lit(h, ">");
    html_text(h, x->title);
    html_lit(h, "</a></h3>\n<p class=\"meta\"><span class=\"badge\">");
    html_text(h, zh_of(gev_kind_names, gev_kind_names_zh, x->kind));
    html_lit(h, "</span> ");
    event_when(h, x);
    html_lit(h, "</p>\n<p>");
    html_text(h, x->district_name);
    html_lit(h, " · ");
    html_text(h, x->venue);
    if (x->expert_name) {
        html_lit(h, " · 主讲：");
        html_text(h, x->expert_name);
        html_lit(h, " ");
        html_text(h, x->expert_title);
    }
    html_lit(h, "</p>\n<p>剩余名额 <strong>");
    html_int(h, guidance_places_left(x->capacity, x->taken));
    html_lit(h, "</strong> / ");
    html_int(h, x->capacity);
    html_lit(h, "</p></li>\n");
}

/* GET /guidance?district= */
enum err page_guidance(struct req *r, struct resp *out)
{
    const char *district = nz(req_query(r, "district"));
    struct district *ds = NULL;
    int nd = 0;
    enum err e = district_list(r->db, r->a, &ds, &nd);
    if (e != OK) return e;
    if (district && !page_district_known(ds, nd, district)) district = NULL;
    struct gevent_filter f = {.district = district, .upcoming = true, .limit = 60};
    struct gevent *ev;
    int n;
    e = gevent_list(r->db, r->a, &f, &ev, &n);
    if (e != OK) return e;
    struct garticle *ar;
    int na;
    e = garticle_list(r->db, r->a, true, 30, &ar, &na);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "育儿指导");
    html_lit(&h,
             "<h1>育儿指导</h1>\n<p class=\"intro\">市卫健委联合医院、妇幼保健院、高校和社区，"
             "为 0–3 岁婴幼儿家庭免费提供科学育儿指导活动和课程。报名只需家长姓名和手机号，"
             "信息仅供主办单位联系使用，不会公开。</p>\n"
             "<section aria-labelledby=\"upcoming\"><h2 id=\"upcoming\">近期活动和课程</h2>\n"
             "<form method=\"get\" action=\"/guidance\" class=\"panel\"><p><label for=\"district\">所在区县"
             "</label> <select id=\"district\" name=\"district\">");
    page_district_options(&h, ds, nd, district, "全部区县");
    html_lit(&h, "</select> <button type=\"submit\">筛选</button></p></form>\n");
    if (n == 0) {
        html_lit(&h, "<p>近期暂无可报名的活动，请稍后再来看看。</p>\n");
    } else {
        html_lit(&h, "<ul class=\"guidance-list\">\n");
        for (int i = 0; i < n; i++)
            event_card(&h, r, &ev[i]);
        html_lit(&h, "</ul>\n");
    }
    html_lit(&h, "</section>\n<section aria-labelledby=\"articles\"><h2 id=\"articles\">育儿知识</h2>\n");
    if (na == 0)
        html_lit(&h, "<p>暂无文章。</p>\n");
    else {
        html_lit(&h, "<ul class=\"guidance-list\">\n");
        for (int i = 0; i < na; i++) {
            html_lit(&h, "<li><h3><a");
            html_attr(&h, "href", id_str(r, "/guidance/articles/", ar[i].id));
            html_lit(&h, ">");
            html_text(&h, ar[i].title);
            html_lit(&h, "</a></h3><p>");
            html_text(&h, ar[i].summary);
            html_lit(&h, "</p><p class=\"meta\">");
            html_text(&h, ar[i].author_unit);
            html_lit(&h, "</p></li>\n");
        }
        html_lit(&h, "</ul>\n");
    }
    html_lit(&h, "</section>\n");
    page_end(&h);
    return resp_html(r, out, 200, &h);
}

static bool is(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static void signup_form(struct html *h, struct req *r, const struct gevent *x)
{
    html_lit(h, "<section aria-labelledby=\"signup\"><h2 id=\"signup\">报名</h2>\n<form method=\"post\" "
                "class=\"panel\"");
    html_attr(h, "action", id_str(r, "/guidance/events/", x->id));
    html_lit(h, ">\n<p><label for=\"guardian_name\">家长姓名</label> <input id=\"guardian_name\" "
                "name=\"guardian_name\" required maxlength=\"50\" autocomplete=\"name\"");
    html_attr(h, "value", req_form(r, "guardian_name") ? req_form(r, "guardian_name") : "");
    html_lit(h, "></p>\n<p><label for=\"guardian_phone\">手机号码（仅用于活动通知，不公开）</label> <input "
                "id=\"guardian_phone\" name=\"guardian_phone\" type=\"tel\" inputmode=\"tel\" required "
                "maxlength=\"20\" autocomplete=\"tel\"");
    html_attr(h, "value", req_form(r, "guardian_phone") ? req_form(r, "guardian_phone") : "");
    html_lit(h, "></p>\n<p><label for=\"children\">参加的婴幼儿人数</label> <select id=\"children\" "
                "name=\"children\">");
    const char *ch = req_form(r, "children");
    page_option(h, "1", "1 名", !ch || is(ch, "1"));
    page_option(h, "2", "2 名", is(ch, "2"));
    page_option(h, "3", "3 名", is(ch, "3"));
    html_lit(h, "</select></p>\n<p><label for=\"child_age_band\">孩子月龄（可不填）</label> <select "
                "id=\"child_age_band\" name=\"child_age_band\">");
    const char *band = req_form(r, "child_age_band");
    page_option(h, "", "（不填）", !nz(band));
    for (int i = 0; guidance_age_names[i]; i++)
        page_option(h, guidance_age_names[i], guidance_age_names_zh[i], is(band, guidance_age_names[i]));
    html_lit(h, "</select></p>\n");
    page_captcha(h, r->a);
    html_lit(h, "<p><button type=\"submit\">提交报名</button></p></form></section>\n");
}

static enum err render_event(struct req *r, struct resp *out, unsigned status, enum err problem)
{
    struct gevent x;
    enum err e = gevent_get(r->db, r->a, r->id[0], &x);
    if (e != OK) return e;
    if (strcmp(x.status, "draft") == 0) return ERR_NOT_FOUND;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, x.title);
    html_lit(&h, "<p><a href=\"/guidance\">← 育儿指导</a></p>\n<h1>");
    html_text(&h, x.title);
    html_lit(&h, "</h1>\n");
    page_problem_box(&h, r, problem, NULL);
    html_lit(&h, "<dl class=\"fields\"><dt>类型</dt><dd>");
    html_text(&h, zh_of(gev_kind_names, gev_kind_names_zh, x.kind));
    html_lit(&h, "</dd><dt>时间</dt><dd>");
    event_when(&h, &x);
    html_lit(&h, "</dd><dt>地点</dt><dd>");
    html_text(&h, x.district_name);
    html_lit(&h, " · ");
    html_text(&h, x.venue);
    html_lit(&h, "（");
    html_text(&h, zh_of(gev_venue_names, gev_venue_names_zh, x.venue_kind));
    html_lit(&h, "）</dd>");
    if (x.expert_name) {
        html_lit(&h, "<dt>主讲专家</dt><dd>");
        html_text(&h, x.expert_name);
        html_lit(&h, "，");
        html_text(&h, x.expert_title);
        html_lit(&h, "，");
        html_text(&h, x.expert_organisation);
        html_lit(&h, "</dd>");
    }
    html_lit(&h, "<dt>名额</dt><dd>剩余 <strong>");
    html_int(&h, guidance_places_left(x.capacity, x.taken));
    html_lit(&h, "</strong> / 共 ");
    html_int(&h, x.capacity);
    html_lit(&h, "</dd><dt>状态</dt><dd>");
    html_text(&h, zh_of(gev_status_names, gev_status_names_zh, x.status));
    html_lit(&h, "</dd></dl>\n");
    if (x.description && *x.description) {
        html_lit(&h, "<section aria-labelledby=\"about\"><h2 id=\"about\">活动介绍</h2>\n");
        paragraphs(&h, x.description);
        html_lit(&h, "</section>\n");
    }
    enum gsu_problem p = guidance_signup_check(guidance_name_index(gev_status_names, x.status), x.starts_at,
                                               clock_now(), x.capacity, x.taken, false);
    if (p == GSU_OK)
        signup_form(&h, r, &x);
    else {
        html_lit(&h, "<p class=\"notice\" role=\"status\">");
        html_text(&h, guidance_signup_problem_zh(p));
        html_lit(&h, "</p>\n");
    }
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_guidance_event(struct req *r, struct resp *out)
{
    return render_event(r, out, 200, OK);
}

/* POST /guidance/events/{id}: the sign-up form. */
enum err page_guidance_event_post(struct req *r, struct resp *out)
{
    struct gsignup_in in = {.guardian_name = req_form(r, "guardian_name"),
                            .guardian_phone = req_form(r, "guardian_phone"),
                            .age_band = -1};
    if (!page_parse_int(req_form(r, "children"), 1, GUIDANCE_CHILDREN_MAX, 0, &in.children) || !in.children)
        fe_add(&r->fe, "children", "参加的婴幼儿人数应为 1 至 3 名");
    const char *band = nz(req_form(r, "child_age_band"));
    if (band && (in.age_band = guidance_name_index(guidance_age_names, band)) < 0)
        fe_add(&r->fe, "child_age_band", "请选择孩子月龄");
    if (in.children) {
        /* Field checks of the store, run here too so that the CAPTCHA's error joins them. */
        char phone[16];
        if (!nz(in.guardian_name)) fe_add(&r->fe, "guardian_name", "请填写家长姓名");
        if (!guidance_phone_normalise(in.guardian_phone, phone))
            fe_add(&r->fe, "guardian_phone", "请填写有效的手机号码");
    }
    enum captcha_result cr;
    enum err e = captcha_check(r->db, req_form(r, "captcha_token"), req_form(r, "captcha_answer"), &cr);
    if (e != OK) return e;
    if (cr != CAPTCHA_OK) fe_add(&r->fe, "captcha", captcha_result_zh(cr));
    if (r->fe.n) return render_event(r, out, 422, ERR_VALIDATION);
    const char *detail = NULL, *ref = NULL;
    e = gsignup_create(r->db, r->a, r->id[0], &in, r->client_ip, &r->fe, &detail, &ref);
    if (e == ERR_THROTTLED) {
        r->error_detail = "同一网络每小时最多报名 10 次、每天最多 30 次，请稍后再试。";
        return render_event(r, out, 429, e);
    }
    if (e == ERR_VALIDATION || e == ERR_STATE || e == ERR_CONFLICT) {
        if (detail) r->error_detail = detail;
        return render_event(r, out, err_status(e), e);
    }
    if (e != OK) return e;
    struct gevent x;
    e = gevent_get(r->db, r->a, r->id[0], &x);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "报名成功");
    html_lit(&h,
             "<h1>报名成功</h1>\n<p class=\"notice\" role=\"status\">请记下报名编号，按时参加活动。"
             "如需取消，请凭报名编号和手机号联系主办单位。</p>\n<dl class=\"fields\"><dt>报名编号</dt><dd>"
             "<strong>");
    html_text(&h, ref);
    html_lit(&h, "</strong></dd><dt>活动</dt><dd>");
    html_text(&h, x.title);
    html_lit(&h, "</dd><dt>时间</dt><dd>");
    event_when(&h, &x);
    html_lit(&h, "</dd><dt>地点</dt><dd>");
    html_text(&h, x.venue);
    html_lit(&h, "</dd></dl>\n<p><a href=\"/guidance\">返回育儿指导</a></p>\n");
    page_end(&h);
    return resp_html(r, out, 201, &h);
}

/* GET /guidance/articles/{id}: published articles only. */
enum err page_guidance_article(struct req *r, struct resp *out)
{
    struct garticle x;
    enum err e = garticle_get(r->db, r->a, r->id[0], &x);
    if (e != OK) return e;
    if (strcmp(x.status, "published") != 0) return ERR_NOT_FOUND;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, x.title);
    html_lit(&h, "<p><a href=\"/guidance\">← 育儿指导</a></p>\n<article class=\"guidance-article\"><h1>");
    html_text(&h, x.title);
    html_lit(&h, "</h1>\n<p class=\"meta\">");
    html_text(&h, x.author_unit);
    if (x.published_at) {
        html_lit(&h, " · ");
        html_date(&h, clock_day_of(x.published_at));
    }
    html_lit(&h, "</p>\n<p class=\"intro\">");
    html_text(&h, x.summary);
    html_lit(&h, "</p>\n");
    paragraphs(&h, x.body);
    html_lit(&h, "</article>\n");
    page_end(&h);
    return resp_html(r, out, 200, &h);
}

/* ---- Officials ----------------------------------------------------------------------------------------- */

static bool may_write_events(const struct principal *who)
{
    return who->role & (ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY);
}

static bool may_move(const struct principal *who, const struct gevent *x)
{
    if (who->role & (ROLE_ADMIN | ROLE_CITY)) return true;
    return who->role == ROLE_COUNTY && is(who->district, x->district_code);
}

static void reach_section(struct html *h, struct req *r, int year)
{
    struct greach_row *rows, total;
    int n;
    if (guidance_reach(r->db, r->a, page_scope_district(r), year, &rows, &n, &total) != OK) return;
    html_lit(h, "<section aria-labelledby=\"reach\"><h2 id=\"reach\">");
    html_int(h, year);
    html_lit(
        h, " 年家庭指导覆盖</h2>\n<form method=\"get\" action=\"/dash/guidance\"><p><label for=\"year\">年度"
           "</label> <input id=\"year\" name=\"year\" type=\"number\" min=\"2020\" max=\"2100\"");
    html_attr(h, "value", arena_printf(r->a, "%d", year));
    html_lit(h, "> <button type=\"submit\">查看</button></p></form>\n<p class=\"meta\">口径：已结束的活动，"
                "登记了到场家庭数的按到场数计，未登记的按未取消的报名数计。</p>\n"
                "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"覆盖家庭\"><table>\n"
                "<thead><tr><th scope=\"col\">区县</th><th scope=\"col\">已结束活动</th><th scope=\"col\">"
                "报名家庭</th><th scope=\"col\">覆盖家庭</th></tr></thead><tbody>\n");
    for (int i = 0; i < n; i++) {
        html_lit(h, "<tr><th scope=\"row\">");
        html_text(h, rows[i].district_name);
        html_lit(h, "</th><td>");
        html_int(h, rows[i].events_done);
        html_lit(h, "</td><td>");
        html_int(h, rows[i].signups);
        html_lit(h, "</td><td>");
        html_int(h, rows[i].families);
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody><tfoot><tr><th scope=\"row\">合计</th><td>");
    html_int(h, total.events_done);
    html_lit(h, "</td><td>");
    html_int(h, total.signups);
    html_lit(h, "</td><td>");
    html_int(h, total.families);
    html_lit(h, "</td></tr></tfoot></table></div>\n");
    page_export_link(h, r, "/api/v1/guidance/reach");
    html_lit(h, "</section>\n");
}

static void event_actions(struct html *h, struct req *r, const struct gevent *x)
{
    int st = guidance_name_index(gev_status_names, x->status);
    const char *action = id_str(r, "/dash/guidance/event-status/", x->id);
    const char *ver = arena_printf(r->a, "%lld", (long long)x->version);
    if (st == GS_DRAFT) {
        form_open(h, r, action);
        html_lit(h, "<input type=\"hidden\" name=\"status\" value=\"published\">");
        html_lit(h, "<input type=\"hidden\" name=\"version\"");
        html_attr(h, "value", ver);
        html_lit(h, "><button type=\"submit\">发布</button></form>\n");
    }
    if (st == GS_DRAFT || st == GS_PUBLISHED) {
        form_open(h, r, action);
        html_lit(h, "<input type=\"hidden\" name=\"status\" value=\"cancelled\">");
        html_lit(h, "<input type=\"hidden\" name=\"version\"");
        html_attr(h, "value", ver);
        html_lit(h, "><button type=\"submit\">取消活动</button></form>\n");
    }
    if ((st == GS_PUBLISHED && x->starts_at <= clock_now()) || st == GS_DONE) {
        form_open(h, r, action);
        html_lit(h, "<input type=\"hidden\" name=\"status\" value=\"done\">");
        html_lit(h, "<input type=\"hidden\" name=\"version\"");
        html_attr(h, "value", ver);
        const char *fid = id_str(r, "attended-", x->id);
        html_lit(h, "><label");
        html_attr(h, "for", fid);
        html_lit(h, ">到场家庭数（可空）</label> <input type=\"number\" min=\"0\" max=\"100000\"");
        html_attr(h, "id", fid);
        html_lit(h, " name=\"attended\"");
        if (x->attended >= 0) html_attr(h, "value", arena_printf(r->a, "%lld", (long long)x->attended));
        html_lit(h, "> <button type=\"submit\">");
        html_text(h, st == GS_DONE ? "更正到场数" : "标记已结束");
        html_lit(h, "</button></form>\n");
    }
}

static void events_section(struct html *h, struct req *r, int year)
{
    struct gevent_filter f = {.district = page_scope_district(r), .year = year, .limit = 300};
    struct gevent *ev;
    int n;
    if (gevent_list(r->db, r->a, &f, &ev, &n) != OK) return;
    html_lit(h, "<section aria-labelledby=\"events\"><h2 id=\"events\">活动和课程</h2>\n");
    page_export_link(h, r, "/api/v1/guidance/events");
    if (n == 0)
        html_lit(h, "<p>本年度暂无活动。</p>\n");
    else {
        html_lit(
            h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"活动列表\"><table>\n"
               "<thead><tr><th scope=\"col\">活动</th><th scope=\"col\">区县</th><th scope=\"col\">时间</th>"
               "<th scope=\"col\">状态</th><th scope=\"col\">报名/名额</th><th scope=\"col\">到场</th>"
               "<th scope=\"col\">操作</th></tr></thead><tbody>\n");
        for (int i = 0; i < n; i++) {
            const struct gevent *x = &ev[i];
            html_lit(h, "<tr><td><a");
            html_attr(h, "href", id_str(r, "/dash/guidance/events/", x->id));
            html_lit(h, ">");
            html_text(h, x->title);
            html_lit(h, "</a><br><span class=\"meta\">");
            html_text(h, zh_of(gev_kind_names, gev_kind_names_zh, x->kind));
            html_lit(h, " · ");
            html_text(h, x->venue);
            html_lit(h, "</span></td><td>");
            html_text(h, x->district_name);
            html_lit(h, "</td><td class=\"nowrap\">");
            event_when(h, x);
            html_lit(h, "</td><td>");
            html_text(h, zh_of(gev_status_names, gev_status_names_zh, x->status));
            html_lit(h, "</td><td>");
            html_int(h, x->taken);
            html_lit(h, " / ");
            html_int(h, x->capacity);
            html_lit(h, "</td><td>");
            if (x->attended >= 0)
                html_int(h, x->attended);
            else
                html_lit(h, "—");
            html_lit(h, "</td><td>");
            if (may_move(r->who, x)) event_actions(h, r, x);
            html_lit(h, "</td></tr>\n");
        }
        html_lit(h, "</tbody></table></div>\n");
    }
    html_lit(h, "</section>\n");
}

static void event_form(struct html *h, struct req *r, bool refill, const struct gexpert *experts, int nx)
{
    struct district *ds = NULL;
    int nd = 0;
    district_list(r->db, r->a, &ds, &nd);
#define V(name) (refill ? req_form(r, name) : NULL)
    html_lit(h, "<section aria-labelledby=\"new-event\"><h2 id=\"new-event\">新建活动（保存为草稿）</h2>\n");
    form_open(h, r, "/dash/guidance/event");
    field(h, "title", "活动名称", "text", V("title"), "maxlength", "100", true);
    select_names(h, "kind", "类型", gev_kind_names, gev_kind_names_zh, V("kind"));
    select_names(h, "venue_kind", "场地类型", gev_venue_names, gev_venue_names_zh, V("venue_kind"));
    field(h, "venue", "地点", "text", V("venue"), "maxlength", "200", true);
    if (r->who->role == ROLE_COUNTY) {
        html_lit(h, "<input type=\"hidden\" name=\"district_code\"");
        html_attr(h, "value", r->who->district);
        html_lit(h, ">\n");
    } else {
        html_lit(h, "<p><label for=\"district_code\">区县</label> <select id=\"district_code\" "
                    "name=\"district_code\" required>");
        page_district_options(h, ds, nd, V("district_code"), "（请选择）");
        html_lit(h, "</select></p>\n");
    }
    field(h, "starts_at", "开始时间", "datetime-local", V("starts_at"), NULL, NULL, true);
    field(h, "ends_at", "结束时间", "datetime-local", V("ends_at"), NULL, NULL, true);
    field(h, "capacity", "名额", "number", V("capacity"), "min", "1", true);
    html_lit(h, "<p><label for=\"expert_id\">主讲专家</label> <select id=\"expert_id\" name=\"expert_id\">");
    page_option(h, "", "（不指定）", true);
    for (int i = 0; i < nx; i++)
        if (experts[i].active)
            page_option(h, arena_printf(r->a, "%lld", (long long)experts[i].id),
                        arena_printf(r->a, "%s（%s，%s）", experts[i].name, experts[i].title,
                                     experts[i].organisation),
                        is(V("expert_id"), arena_printf(r->a, "%lld", (long long)experts[i].id)));
    html_lit(h, "</select></p>\n");
    textarea(h, "description", "活动介绍", V("description"), 3, false);
    html_lit(h, "<p><button type=\"submit\">保存草稿</button></p></form></section>\n");
#undef V
}

static void experts_section(struct html *h, struct req *r, const struct gexpert *x, int n, bool refill)
{
    bool w = guidance_may_write_experts(r->who);
    html_lit(h, "<section aria-labelledby=\"experts\"><h2 id=\"experts\">婴幼儿照护服务专家库</h2>\n");
    page_export_link(h, r, "/api/v1/guidance/experts");
    html_lit(h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"专家库\"><table>\n"
                "<thead><tr><th scope=\"col\">姓名</th><th scope=\"col\">职称</th><th scope=\"col\">单位</th>"
                "<th scope=\"col\">专业方向</th><th scope=\"col\">范围</th><th scope=\"col\">入库部门</th>"
                "<th scope=\"col\">状态</th></tr></thead><tbody>\n");
    if (n == 0) html_lit(h, "<tr><td colspan=\"7\">专家库暂无专家。</td></tr>\n");
    for (int i = 0; i < n; i++) {
        html_lit(h, "<tr><td>");
        html_text(h, x[i].name);
        html_lit(h, "</td><td>");
        html_text(h, x[i].title);
        html_lit(h, "</td><td>");
        html_text(h, x[i].organisation);
        html_lit(h, "</td><td>");
        html_text(h, x[i].speciality);
        html_lit(h, "</td><td>");
        html_text(h, x[i].district_name ? x[i].district_name : "全市");
        html_lit(h, "</td><td>");
        html_text(h, zh_of(guidance_unit_names, guidance_unit_names_zh, x[i].added_by_unit));
        html_lit(h, "</td><td>");
        html_text(h, x[i].active ? "在库" : "已停用");
        bool mine = r->who->role != ROLE_COUNTY || is(r->who->district, x[i].district_code);
        if (w && mine) {
            form_open(h, r, id_str(r, "/dash/guidance/expert-active/", x[i].id));
            html_lit(h, "<input type=\"hidden\" name=\"active\"");
            html_attr(h, "value", x[i].active ? "0" : "1");
            html_lit(h, "><button type=\"submit\">");
            html_text(h, x[i].active ? "停用" : "启用");
            html_lit(h, "</button></form>");
        }
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
    if (w) {
#define V(name) (refill ? req_form(r, name) : NULL)
        html_lit(h, "<h3>添加专家</h3>\n");
        form_open(h, r, "/dash/guidance/expert");
        field(h, "name", "姓名", "text", V("name"), "maxlength", "50", true);
        field(h, "expert_title", "职称", "text", V("expert_title"), "maxlength", "50", true);
        field(h, "organisation", "单位", "text", V("organisation"), "maxlength", "100", true);
        field(h, "speciality", "专业方向", "text", V("speciality"), "maxlength", "200", true);
        if (r->who->role != ROLE_COUNTY) {
            struct district *ds = NULL;
            int nd = 0;
            district_list(r->db, r->a, &ds, &nd);
            html_lit(h, "<p><label for=\"expert_district\">范围</label> <select id=\"expert_district\" "
                        "name=\"expert_district\">");
            page_district_options(h, ds, nd, V("expert_district"), "全市");
            html_lit(h, "</select></p>\n");
        }
        if (r->who->role != ROLE_UNIT)
            select_names(h, "added_by_unit", "入库部门", guidance_unit_names, guidance_unit_names_zh,
                         V("added_by_unit"));
        html_lit(h, "<p><button type=\"submit\">加入专家库</button></p></form>\n");
#undef V
    }
    html_lit(h, "</section>\n");
}

static void articles_section(struct html *h, struct req *r, bool refill)
{
    struct garticle *ar;
    int n;
    if (garticle_list(r->db, r->a, false, 200, &ar, &n) != OK) return;
    bool w = guidance_may_write_articles(r->who);
    html_lit(h, "<section aria-labelledby=\"articles\"><h2 id=\"articles\">育儿指导文章</h2>\n");
    page_export_link(h, r, "/api/v1/guidance/articles");
    html_lit(
        h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"文章\"><table>\n"
           "<thead><tr><th scope=\"col\">标题</th><th scope=\"col\">发布单位</th><th scope=\"col\">状态</th>"
           "</tr></thead><tbody>\n");
    if (n == 0) html_lit(h, "<tr><td colspan=\"3\">暂无文章。</td></tr>\n");
    for (int i = 0; i < n; i++) {
        bool pub = is(ar[i].status, "published");
        html_lit(h, "<tr><td>");
        if (pub) {
            html_lit(h, "<a");
            html_attr(h, "href", id_str(r, "/guidance/articles/", ar[i].id));
            html_lit(h, ">");
        }
        html_text(h, ar[i].title);
        if (pub) html_lit(h, "</a>");
        html_lit(h, "</td><td>");
        html_text(h, ar[i].author_unit);
        html_lit(h, "</td><td>");
        html_text(h, pub ? "已发布" : "草稿");
        if (w) {
            form_open(h, r, id_str(r, "/dash/guidance/article-status/", ar[i].id));
            html_lit(h, "<input type=\"hidden\" name=\"status\"");
            html_attr(h, "value", pub ? "draft" : "published");
            html_lit(h, "><button type=\"submit\">");
            html_text(h, pub ? "撤回" : "发布");
            html_lit(h, "</button></form>");
        }
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
    if (w) {
#define V(name) (refill ? req_form(r, name) : NULL)
        html_lit(h, "<h3>写文章（保存为草稿）</h3>\n");
        form_open(h, r, "/dash/guidance/article");
        field(h, "article_title", "标题", "text", V("article_title"), "maxlength", "100", true);
        field(h, "summary", "摘要", "text", V("summary"), "maxlength", "300", true);
        field(h, "author_unit", "发布单位", "text", V("author_unit"), "maxlength", "100", true);
        textarea(h, "body", "正文（每段一行）", V("body"), 8, true);
        html_lit(h, "<p><button type=\"submit\">保存草稿</button></p></form>\n");
#undef V
    }
    html_lit(h, "</section>\n");
}

/* The officials' page; refill names the form whose typed values come back after a refusal. */
static enum err render_dash(struct req *r, struct resp *out, unsigned status, enum err problem,
                            const char *refill)
{
    int64_t year = this_year();
    page_parse_int(req_query(r, "year"), 2020, 2100, this_year(), &year);
    struct gexpert *experts;
    int nx;
    enum err e = gexpert_list(r->db, r->a, page_scope_district(r), false, &experts, &nx);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "家庭指导");
    html_lit(&h, "<h1>家庭科学育儿指导</h1>\n");
    if (problem == OK && req_query(r, "done"))
        html_lit(&h, "<p class=\"notice\" role=\"status\">已保存。</p>\n");
    page_problem_box(&h, r, problem, NULL);
    reach_section(&h, r, (int)year);
    if (r->who->role != ROLE_UNIT) events_section(&h, r, (int)year);
    if (may_write_events(r->who)) event_form(&h, r, is(refill, "event"), experts, nx);
    experts_section(&h, r, experts, nx, is(refill, "expert"));
    articles_section(&h, r, is(refill, "article"));
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_guidance_dash(struct req *r, struct resp *out)
{
    return render_dash(r, out, 200, OK, NULL);
}

static enum err dash_result(struct req *r, struct resp *out, enum err e, const char *detail, const char *form)
{
    if (detail) r->error_detail = detail;
    if (e == OK) return resp_redirect(r, out, "/dash/guidance?done=1");
    if (e == ERR_VALIDATION || e == ERR_STATE || e == ERR_CONFLICT || e == ERR_FORBIDDEN)
        return render_dash(r, out, err_status(e), e, form);
    return e;
}

/* POST /dash/guidance/{event|expert|article}: create. */
enum err page_guidance_dash_post(struct req *r, struct resp *out)
{
    const char *what = r->seg[0];
    const char *detail = NULL;
    enum err e;
    if (strcmp(what, "event") == 0) {
        if (!may_write_events(r->who)) return ERR_FORBIDDEN;
        struct gevent_in in = {.title = req_form(r, "title"),
                               .venue = req_form(r, "venue"),
                               .district_code = nz(req_form(r, "district_code")),
                               .description = req_form(r, "description"),
                               .kind = guidance_name_index(gev_kind_names, req_form(r, "kind")),
                               .venue_kind = guidance_name_index(gev_venue_names, req_form(r, "venue_kind")),
                               .district_set =
                                   nz(req_form(r, "district_code")) || r->who->role != ROLE_COUNTY};
        if (!guidance_parse_time(req_form(r, "starts_at"), &in.starts_at))
            fe_add(&r->fe, "starts_at", "请填写开始时间");
        if (!guidance_parse_time(req_form(r, "ends_at"), &in.ends_at))
            fe_add(&r->fe, "ends_at", "请填写结束时间");
        if (!page_parse_int(req_form(r, "capacity"), 1, GUIDANCE_CAPACITY_MAX, 0, &in.capacity) ||
            !in.capacity)
            fe_addf(&r->fe, "capacity", "名额应在 1 至 %d 之间", GUIDANCE_CAPACITY_MAX);
        if (!page_parse_int(req_form(r, "expert_id"), 1, INT64_MAX, 0, &in.expert_id))
            fe_add(&r->fe, "expert_id", "请选择专家");
        if (r->fe.n) return dash_result(r, out, ERR_VALIDATION, NULL, "event");
        struct gevent x;
        e = gevent_save(r->db, r->a, r->who, 0, &in, &r->fe, &detail, &x);
        return dash_result(r, out, e, detail, "event");
    }
    if (strcmp(what, "expert") == 0) {
        struct gexpert_in in = {.name = req_form(r, "name"),
                                .title = req_form(r, "expert_title"),
                                .organisation = req_form(r, "organisation"),
                                .speciality = req_form(r, "speciality"),
                                .district_code = nz(req_form(r, "expert_district")),
                                .district_set = r->who->role != ROLE_COUNTY,
                                .unit =
                                    guidance_name_index(guidance_unit_names, req_form(r, "added_by_unit")),
                                .active = -1};
        struct gexpert x;
        e = gexpert_save(r->db, r->a, r->who, 0, &in, &r->fe, &x);
        return dash_result(r, out, e, NULL, "expert");
    }
    if (strcmp(what, "article") == 0) {
        struct garticle_in in = {.title = req_form(r, "article_title"),
                                 .summary = req_form(r, "summary"),
                                 .body = req_form(r, "body"),
                                 .author_unit = req_form(r, "author_unit"),
                                 .status = 0};
        struct garticle x;
        e = garticle_save(r->db, r->a, r->who, 0, &in, &r->fe, &x);
        /* The article form names its title article_title: report it under that name. */
        for (int i = 0; i < r->fe.n; i++)
            if (strcmp(r->fe.items[i].field, "title") == 0) r->fe.items[i].field = "article_title";
        return dash_result(r, out, e, NULL, "article");
    }
    return ERR_NOT_FOUND;
}

/* POST /dash/guidance/{event-status|expert-active|article-status}/{id} */
enum err page_guidance_dash_post_id(struct req *r, struct resp *out)
{
    const char *what = r->seg[0];
    int64_t id = r->id[1], version = 0;
    const char *detail = NULL;
    enum err e;
    if (!page_parse_int(req_form(r, "version"), 1, INT64_MAX, 0, &version)) version = 0;
    if (strcmp(what, "event-status") == 0) {
        int to = guidance_name_index(gev_status_names, req_form(r, "status"));
        int64_t attended = -1;
        if (!page_parse_int(req_form(r, "attended"), 0, GUIDANCE_ATTENDED_MAX, -1, &attended))
            fe_addf(&r->fe, "attended", "到场家庭数应在 0 至 %d 之间", GUIDANCE_ATTENDED_MAX);
        if (r->fe.n) return dash_result(r, out, ERR_VALIDATION, NULL, NULL);
        struct gevent x;
        e = gevent_move(r->db, r->a, r->who, id, to, attended, version, &r->fe, &detail, &x);
        return dash_result(r, out, e, detail, NULL);
    }
    if (strcmp(what, "expert-active") == 0) {
        struct gexpert_in in = {.unit = -1, .active = is(req_form(r, "active"), "1") ? 1 : 0};
        struct gexpert x;
        e = gexpert_save(r->db, r->a, r->who, id, &in, &r->fe, &x);
        return dash_result(r, out, e, NULL, NULL);
    }
    if (strcmp(what, "article-status") == 0) {
        struct garticle_in in = {.status = guidance_name_index(garticle_status_names, req_form(r, "status"))};
        if (in.status < 0) fe_add(&r->fe, "status", "状态应为 draft 或 published");
        if (r->fe.n) return dash_result(r, out, ERR_VALIDATION, NULL, NULL);
        struct garticle x;
        e = garticle_save(r->db, r->a, r->who, id, &in, &r->fe, &x);
        return dash_result(r, out, e, NULL, NULL);
    }
    return ERR_NOT_FOUND;
}

/* GET /dash/guidance/events/{id}: the event and its sign-ups. */
enum err page_guidance_dash_event(struct req *r, struct resp *out)
{
    struct gevent x;
    enum err e = gevent_get(r->db, r->a, r->id[0], &x);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, x.district_code)) return ERR_NOT_FOUND;
    bool full = guidance_may_read_contacts(r->who, &x);
    struct gsignup *s;
    int n;
    e = full ? gsignup_list_full(r->db, r->a, r->who, x.id, &s, &n) : gsignup_list(r->db, r->a, x.id, &s, &n);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, x.title);
    html_lit(&h, "<p><a href=\"/dash/guidance\">← 家庭指导</a></p>\n<h1>");
    html_text(&h, x.title);
    html_lit(&h, "</h1>\n<dl class=\"fields\"><dt>区县</dt><dd>");
    html_text(&h, x.district_name);
    html_lit(&h, "</dd><dt>时间</dt><dd>");
    event_when(&h, &x);
    html_lit(&h, "</dd><dt>地点</dt><dd>");
    html_text(&h, x.venue);
    html_lit(&h, "</dd><dt>状态</dt><dd>");
    html_text(&h, zh_of(gev_status_names, gev_status_names_zh, x.status));
    html_lit(&h, "</dd><dt>报名/名额</dt><dd>");
    html_int(&h, x.taken);
    html_lit(&h, " / ");
    html_int(&h, x.capacity);
    html_lit(&h, "</dd><dt>到场家庭</dt><dd>");
    if (x.attended >= 0)
        html_int(&h, x.attended);
    else
        html_lit(&h, "未登记");
    html_lit(&h, "</dd></dl>\n");
    if (may_move(r->who, &x)) event_actions(&h, r, &x);
    html_lit(&h, "<section aria-labelledby=\"signups\"><h2 id=\"signups\">报名家庭</h2>\n<p class=\"meta\">");
    html_text(&h, full ? "本区县官员可见完整联系方式，本次查看已记入审计日志。"
                       : "联系方式已隐去部分信息；活动所在区县的官员可查看完整联系方式。");
    html_lit(&h, "</p>\n");
    if (n == 0)
        html_lit(&h, "<p>暂无报名。</p>\n");
    else {
        html_lit(&h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"报名家庭\"><table>\n"
                     "<thead><tr><th scope=\"col\">报名编号</th><th scope=\"col\">家长</th><th scope=\"col\">"
                     "手机</th><th scope=\"col\">婴幼儿</th><th scope=\"col\">月龄</th><th scope=\"col\">"
                     "报名时间</th><th scope=\"col\">状态</th></tr></thead><tbody>\n");
        for (int i = 0; i < n; i++) {
            html_lit(&h, "<tr><td>");
            html_text(&h, s[i].ref_code);
            html_lit(&h, "</td><td>");
            html_text(&h, full ? s[i].name : s[i].name_masked);
            html_lit(&h, "</td><td>");
            html_text(&h, full ? s[i].phone : s[i].phone_masked);
            html_lit(&h, "</td><td>");
            html_int(&h, s[i].children);
            html_lit(&h, "</td><td>");
            html_text(&h, zh_of(guidance_age_names, guidance_age_names_zh, s[i].child_age_band));
            html_lit(&h, "</td><td>");
            html_time(&h, s[i].created_at);
            html_lit(&h, "</td><td>");
            html_text(&h, s[i].cancelled_at ? "已取消" : "有效");
            html_lit(&h, "</td></tr>\n");
        }
        html_lit(&h, "</tbody></table></div>\n");
    }
    html_lit(&h, "</section>\n");
    page_end(&h);
    return resp_html(r, out, 200, &h);
}
