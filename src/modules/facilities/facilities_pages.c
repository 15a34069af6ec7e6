/* Facilities pages: the officials' page /dash/facilities (coverage per district with the 2025 goal, late
 * projects flagged 逾期, the registers of communities, residential projects and mother-and-baby rooms with
 * forms to add, edit and advance them) and the portal's /mother-baby-rooms (open rooms only, no personal
 * data). Forms post into the same store functions as the API; a refused form is shown again with its values
 * and every field's error. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/facilities/facilities.h"
#include "modules/institution/inst.h"

#include <stdlib.h>
#include <string.h>

/* The state of one rendering: the request, the districts, and the form that was posted (NULL on a GET) whose
 * values are shown again. */
struct dash {
    struct req *r;
    struct district *d;
    int nd;
    const char *posted;
};

static const char *num(struct req *r, int64_t v)
{
    return arena_printf(r->a, "%lld", (long long)v);
}

static const char *day_text(struct req *r, int64_t d)
{
    if (!d) return "";
    char *s = arena_alloc(r->a, 11);
    return date_format(d, s);
}

/* The value of a field of form: what was posted when this form was posted, else dflt. */
static const char *fv(const struct dash *c, const char *form, const char *name, const char *dflt)
{
    if (c->posted && strcmp(c->posted, form) == 0) {
        const char *v = req_form(c->r, name);
        return v ? v : "";
    }
    return dflt;
}

static void form_open(struct html *h, struct req *r, const char *action, const char *label)
{
    html_lit(h, "<form method=\"post\"");
    html_attr(h, "action", action);
    if (label) html_attr(h, "aria-label", label);
    html_lit(h, ">\n");
    page_csrf(h, r);
}

static void hidden(struct html *h, const char *name, const char *value)
{
    html_lit(h, "<input type=\"hidden\"");
    html_attr(h, "name", name);
    html_attr(h, "value", value);
    html_lit(h, ">");
}

/* A labelled input in a .field div; id unique on the page. */
static void input(struct html *h, const char *id, const char *name, const char *label, const char *type,
                  const char *value, bool required)
{
    html_lit(h, "<div class=\"field\"><label");
    html_attr(h, "for", id);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label><input");
    html_attr(h, "type", type);
    html_attr(h, "id", id);
    html_attr(h, "name", name);
    if (value && *value) html_attr(h, "value", value);
    if (required) html_lit(h, " required");
    html_lit(h, "></div>\n");
}

/* A labelled <select> of names (Chinese labels zh), with an empty option labelled any when not NULL. */
static void select_names(struct html *h, const char *id, const char *name, const char *label,
                         const char *const *names, const char *const *zh, const char *selected,
                         const char *any)
{
    html_lit(h, "<div class=\"field\"><label");
    html_attr(h, "for", id);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label><select");
    html_attr(h, "id", id);
    html_attr(h, "name", name);
    html_lit(h, ">");
    if (any) page_option(h, "", any, !selected || !*selected);
    for (int i = 0; names[i]; i++)
        page_option(h, names[i], zh[i], selected && strcmp(selected, names[i]) == 0);
    html_lit(h, "</select></div>\n");
}

static void select_district(struct html *h, const struct dash *c, const char *id, const char *name,
                            const char *label, const char *selected, const char *any)
{
    html_lit(h, "<div class=\"field\"><label");
    html_attr(h, "for", id);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label><select");
    html_attr(h, "id", id);
    html_attr(h, "name", name);
    html_lit(h, ">");
    page_district_options(h, c->d, c->nd, selected, any);
    html_lit(h, "</select></div>\n");
}

static void submit(struct html *h, const char *label)
{
    html_lit(h, "<p><button type=\"submit\">");
    html_text(h, label);
    html_lit(h, "</button></p>\n</form>\n");
}

/* Whether the signed-in official may write in district. */
static bool writer(const struct req *r, const char *district)
{
    unsigned role = r->who ? r->who->role : 0;
    if (role != ROLE_ADMIN && role != ROLE_CITY && role != ROLE_COUNTY) return false;
    return facilities_may_write(role, r->who->district, district);
}

static void share(struct html *h, struct req *r, int64_t with, int64_t total)
{
    int pm = coverage_permille(with, total);
    if (pm < 0) {
        html_lit(h, "—");
        return;
    }
    const char *pct = arena_printf(r->a, "%d.%d%%", pm / 10, pm % 10);
    html_lit(h, "<meter class=\"fac-share\" min=\"0\" max=\"1000\"");
    html_attr(h, "value", num(r, pm));
    html_lit(h, " low=\"600\" high=\"999\" optimum=\"1000\" aria-hidden=\"true\">");
    html_text(h, pct);
    html_lit(h, "</meter> ");
    html_text(h, pct);
}

/* ---- Coverage ------------------------------------------------------------------------------------------ */

static void coverage_row(struct html *h, struct req *r, const char *name, const struct coverage_row *x,
                         int64_t today, bool foot)
{
    html_lit(h, "<tr>");
    if (foot)
        html_lit(h, "<th scope=\"row\">");
    else
        html_lit(h, "<td>");
    html_text(h, name);
    if (foot)
        html_lit(h, "</th>");
    else
        html_lit(h, "</td>");
    html_lit(h, "<td class=\"fac-bar-cell\">");
    share(h, r, x->c.urban_with, x->c.urban);
    html_lit(h, "</td><td class=\"num\">");
    html_int(h, x->c.urban_with);
    html_lit(h, " / ");
    html_int(h, x->c.urban);
    html_lit(h, "</td><td>");
    enum goal_state g = coverage_goal(&x->c, today);
    html_lit(h, "<span class=\"badge ");
    html_text(h, g == GOAL_MET ? "ok" : g == GOAL_MISSED ? "bad" : g == GOAL_ON_TRACK ? "warn" : "info");
    html_lit(h, "\">");
    html_text(h, g == GOAL_MET        ? "已全覆盖"
                 : g == GOAL_MISSED   ? "未达标"
                 : g == GOAL_ON_TRACK ? "推进中"
                                      : "—");
    html_lit(h, "</span></td><td class=\"num\">");
    html_int(h, x->c.rural_with);
    html_lit(h, " / ");
    html_int(h, x->c.rural);
    html_lit(h, "</td><td class=\"num nowrap\">");
    for (int i = 0; i < PS__COUNT; i++) {
        if (i) html_lit(h, " / ");
        html_int(h, x->projects[i]);
    }
    html_lit(h, "</td>");
    html_lit(h, "<td class=\"num\">");
    if (x->late) html_lit(h, "<span class=\"badge bad\">");
    html_int(h, x->late);
    if (x->late) html_lit(h, "</span>");
    html_lit(h, "</td><td class=\"num\">");
    html_int(h, x->rooms_open);
    html_lit(h, "</td></tr>\n");
}

static void coverage_section(struct html *h, struct req *r, const struct coverage_row *rows, int n,
                             int64_t today)
{
    html_lit(h, "<section class=\"panel\" id=\"coverage\">\n<h2>社区托育服务设施覆盖情况</h2>\n");
    page_export_link(h, r, "/api/v1/facilities/coverage");
    html_lit(h,
             "<p class=\"intro\">目标：到 2025 年底，城镇社区基本实现婴幼儿照护服务设施全覆盖；"
             "农村社区以建设婴幼儿早期发展指导中心为重点（另列）。</p>\n"
             "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"覆盖情况\"><table>\n"
             "<thead><tr><th scope=\"col\">区县</th><th scope=\"col\">城镇社区覆盖率</th>"
             "<th scope=\"col\" class=\"num\">城镇社区（有设施 / 总数）</th><th scope=\"col\">2025 目标</th>"
             "<th scope=\"col\" class=\"num\">农村社区（村）（有设施 / 总数）</th>"
             "<th scope=\"col\" class=\"num\">新建居住区（规划中 / 已建成 / 已验收 / 已移交）</th>"
             "<th scope=\"col\" class=\"num\">逾期</th>"
             "<th scope=\"col\" class=\"num\">母婴室（开放）</th></tr></thead>\n<tbody>\n");
    struct coverage_row sum = {0};
    for (int i = 0; i < n; i++) {
        coverage_row(h, r, rows[i].district_name, &rows[i], today, false);
        sum.c.urban += rows[i].c.urban, sum.c.urban_with += rows[i].c.urban_with;
        sum.c.rural += rows[i].c.rural, sum.c.rural_with += rows[i].c.rural_with;
        for (int k = 0; k < PS__COUNT; k++)
            sum.projects[k] += rows[i].projects[k];
        sum.late += rows[i].late, sum.rooms_open += rows[i].rooms_open;
    }
    html_lit(h, "</tbody>\n");
    if (n > 1) {
        html_lit(h, "<tfoot>");
        coverage_row(h, r, "合计", &sum, today, true);
        html_lit(h, "</tfoot>\n");
    }
    html_lit(h, "</table></div>\n<p>");
    html_text(h, coverage_goal_zh(coverage_goal(&sum.c, today)));
    html_lit(h, "</p>\n</section>\n");
}

/* ---- Projects ------------------------------------------------------------------------------------------ */

static void project_step_form(struct html *h, const struct dash *c, const struct project *p, int64_t today)
{
    struct req *r = c->r;
    int from = facilities_name_index(project_status_names, p->status);
    if (from < 0 || from + 1 >= PS__COUNT || !writer(r, p->district_code)) return;
    int to = from + 1;
    const char *fid = arena_printf(r->a, "step-%lld", (long long)p->id);
    bool this_one = c->posted && strcmp(c->posted, "project-status") == 0 && req_form(r, "id") &&
                    strcmp(req_form(r, "id"), num(r, p->id)) == 0;
    form_open(h, r, "/dash/facilities/project-status",
              arena_printf(r->a, "%s：登记为%s", p->name, project_status_names_zh[to]));
    hidden(h, "id", num(r, p->id));
    hidden(h, "version", num(r, p->version));
    hidden(h, "to", project_status_names[to]);
    input(h, arena_printf(r->a, "%s-day", fid), "day", "日期", "date",
          this_one ? req_form(r, "day") : day_text(r, today), true);
    if (to == PS_HANDED_OVER) {
        int dep = project_handover_department(facilities_name_index(facility_form_names, p->facility_form));
        select_names(h, arena_printf(r->a, "%s-to", fid), "handed_to", "接收部门", handed_to_names,
                     handed_to_names_zh, this_one ? req_form(r, "handed_to") : handed_to_names[dep], NULL);
    }
    submit(h, arena_printf(r->a, "登记为%s", project_status_names_zh[to]));
}

static void projects_table(struct html *h, const struct dash *c, const struct project *p, int n, bool forms,
                           int64_t today, const char *label)
{
    html_lit(h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\"");
    html_attr(h, "aria-label", label);
    html_lit(h, "><table>\n<thead><tr><th scope=\"col\">居住区</th><th scope=\"col\">区县</th>"
                "<th scope=\"col\" class=\"num\">户数</th>"
                "<th scope=\"col\" class=\"num\">设施面积（㎡）</th><th scope=\"col\">设置形式</th>"
                "<th scope=\"col\">住宅交付</th><th scope=\"col\">状态</th><th scope=\"col\">进度</th>");
    if (forms) html_lit(h, "<th scope=\"col\">办理</th>");
    html_lit(h, "</tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        const struct project *x = &p[i];
        html_lit(h, "<tr><td class=\"wrap\">");
        html_text(h, x->name);
        html_lit(h, "<br><span class=\"meta\">");
        if (x->community_name) {
            html_text(h, x->community_name);
            html_lit(h, " · ");
        }
        html_text(h, x->developer);
        html_lit(h, "</span></td><td>");
        html_text(h, x->district_name);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, x->homes);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, x->facility_area_m2);
        html_lit(h, "</td><td>");
        html_text(h, facilities_zh(facility_form_names, facility_form_names_zh, x->facility_form));
        html_lit(h, "</td><td class=\"nowrap\">");
        html_date(h, x->housing_delivery_day);
        html_lit(h, "</td><td>");
        html_text(h, facilities_zh(project_status_names, project_status_names_zh, x->status));
        if (x->late != PL_NONE) {
            html_lit(h, " <span class=\"badge bad\">逾期</span><br><span class=\"meta\">");
            html_text(h, project_late_zh(x->late));
            html_lit(h, "</span>");
        }
        html_lit(h, "</td><td class=\"nowrap\">");
        if (x->built_day) {
            html_lit(h, "建成 ");
            html_date(h, x->built_day);
        }
        if (x->accepted_day) {
            html_lit(h, "<br>验收 ");
            html_date(h, x->accepted_day);
        }
        if (x->handed_over_day) {
            html_lit(h, "<br>移交 ");
            html_date(h, x->handed_over_day);
            html_lit(h, "（");
            html_text(h, facilities_zh(handed_to_names, handed_to_names_zh, x->handed_to));
            html_lit(h, "）");
        }
        if (!x->built_day) html_lit(h, "—");
        html_lit(h, "</td>");
        if (forms) {
            html_lit(h, "<td>");
            if (writer(c->r, x->district_code)) {
                html_lit(h, "<a href=\"/dash/facilities?project=");
                html_int(h, x->id);
                html_lit(h, "#project-form\">编辑</a>");
            }
            project_step_form(h, c, x, today);
            html_lit(h, "</td>");
        }
        html_lit(h, "</tr>\n");
    }
    if (!n && forms) html_lit(h, "<tr><td colspan=\"9\">暂无。</td></tr>\n");
    if (!n && !forms) html_lit(h, "<tr><td colspan=\"8\">暂无。</td></tr>\n");
    html_lit(h, "</tbody></table></div>\n");
}

static void project_form(struct html *h, const struct dash *c, const struct project *edit)
{
    struct req *r = c->r;
    const char *f = "project";
    const char *title = edit ? "编辑新建居住区" : "登记新建居住区";
    html_lit(h, "<h3 id=\"project-form\">");
    html_text(h, title);
    html_lit(h, "</h3>\n");
    form_open(h, r, "/dash/facilities/project", title);
    if (edit) {
        hidden(h, "id", num(r, edit->id));
        hidden(h, "version", fv(c, f, "version", num(r, edit->version)));
    }
    html_lit(h, "<div class=\"fields\">\n");
    if (edit) {
        html_lit(h, "<p>区县：");
        html_text(h, edit->district_name);
        html_lit(h, "；状态：");
        html_text(h, facilities_zh(project_status_names, project_status_names_zh, edit->status));
        html_lit(h, "</p>\n");
    } else {
        select_district(h, c, "p-district", "district_code", "区县",
                        fv(c, f, "district_code", page_scope_district(r)), NULL);
    }
    input(h, "p-name", "name", "居住区（项目）名称", "text", fv(c, f, "name", edit ? edit->name : ""), true);
    input(h, "p-developer", "developer", "建设单位", "text",
          fv(c, f, "developer", edit ? edit->developer : ""), true);
    input(h, "p-community", "community_id", "所在社区编号（可选，见社区列表）", "number",
          fv(c, f, "community_id", edit && edit->community_id ? num(r, edit->community_id) : ""), false);
    input(h, "p-homes", "homes", "户数", "number", fv(c, f, "homes", edit ? num(r, edit->homes) : ""), true);
    input(h, "p-area", "facility_area_m2", "配建托育设施面积（㎡）", "number",
          fv(c, f, "facility_area_m2", edit ? num(r, edit->facility_area_m2) : ""), true);
    select_names(h, "p-form", "facility_form", "设置形式", facility_form_names, facility_form_names_zh,
                 fv(c, f, "facility_form", edit ? edit->facility_form : "standalone"), NULL);
    input(h, "p-delivery", "housing_delivery_day", "住宅交付日期", "date",
          fv(c, f, "housing_delivery_day", edit ? day_text(r, edit->housing_delivery_day) : ""), true);
    input(h, "p-note", "note", "备注", "text", fv(c, f, "note", edit && edit->note ? edit->note : ""), false);
    html_lit(h, "</div>\n");
    submit(h, edit ? "保存" : "登记");
}

/* ---- Communities --------------------------------------------------------------------------------------- */

static void communities_table(struct html *h, const struct dash *c, const struct community *m, int n)
{
    struct req *r = c->r;
    html_lit(
        h,
        "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"社区（村）\"><table>\n"
        "<thead><tr><th scope=\"col\">编号</th><th scope=\"col\">名称</th><th scope=\"col\">街道（乡镇）</th>"
        "<th scope=\"col\">区县</th><th scope=\"col\">城乡</th><th scope=\"col\">托育设施</th>"
        "<th scope=\"col\">说明</th><th scope=\"col\">办理</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        const struct community *x = &m[i];
        html_lit(h, "<tr><td class=\"num\">");
        html_int(h, x->id);
        html_lit(h, "</td><td>");
        html_text(h, x->name);
        html_lit(h, "</td><td>");
        html_text(h, x->street);
        html_lit(h, "</td><td>");
        html_text(h, x->district_name);
        html_lit(h, "</td><td>");
        html_lit(h, "<span class=\"meta\">");
        html_text(h, facilities_zh(community_kind_names, community_kind_names_zh, x->kind));
        html_lit(h, "</span> ");
        html_text(h, x->urban ? "城镇" : "农村");
        html_lit(h, "</td><td>");
        if (x->has_facility)
            html_lit(h, "<span class=\"badge ok\">有</span>");
        else
            html_lit(h, "<span class=\"badge warn\">无</span>");
        html_lit(h, "</td><td class=\"wrap\">");
        html_text(h, x->facility_note);
        html_lit(h, "</td><td>");
        if (writer(r, x->district_code)) {
            html_lit(h, "<a href=\"/dash/facilities?community=");
            html_int(h, x->id);
            html_lit(h, "#community-form\">编辑</a>");
            form_open(h, r, "/dash/facilities/community-facility",
                      arena_printf(r->a, "%s：%s托育设施", x->name, x->has_facility ? "取消" : "登记有"));
            hidden(h, "id", num(r, x->id));
            hidden(h, "version", num(r, x->version));
            hidden(h, "has_facility", x->has_facility ? "0" : "1");
            html_lit(h, "<button type=\"submit\" class=\"link\">");
            html_text(h, x->has_facility ? "设为无设施" : "设为有设施");
            html_lit(h, "</button></form>");
        }
        html_lit(h, "</td></tr>\n");
    }
    if (!n) html_lit(h, "<tr><td colspan=\"8\">暂无。</td></tr>\n");
    html_lit(h, "</tbody></table></div>\n");
}

static void community_form(struct html *h, const struct dash *c, const struct community *edit)
{
    struct req *r = c->r;
    const char *f = "community";
    html_lit(h, "<h3 id=\"community-form\">");
    html_text(h, edit ? "编辑社区（村）" : "登记社区（村）");
    html_lit(h, "</h3>\n");
    form_open(h, r, "/dash/facilities/community", edit ? "编辑社区（村）" : "登记社区（村）");
    if (edit) {
        hidden(h, "id", num(r, edit->id));
        hidden(h, "version", fv(c, f, "version", num(r, edit->version)));
    }
    html_lit(h, "<div class=\"fields\">\n");
    if (edit) {
        html_lit(h, "<p>区县：");
        html_text(h, edit->district_name);
        html_lit(h, "</p>\n");
    } else {
        select_district(h, c, "c-district", "district_code", "区县",
                        fv(c, f, "district_code", page_scope_district(r)), NULL);
    }
    input(h, "c-code", "code", "代码（统计用区划代码）", "text", fv(c, f, "code", edit ? edit->code : ""),
          true);
    input(h, "c-name", "name", "名称", "text", fv(c, f, "name", edit ? edit->name : ""), true);
    input(h, "c-street", "street", "街道（乡镇）", "text", fv(c, f, "street", edit ? edit->street : ""),
          true);
    select_names(h, "c-kind", "kind", "类型", community_kind_names, community_kind_names_zh,
                 fv(c, f, "kind", edit ? edit->kind : "community"), NULL);
    static const char *const urban_names[] = {"1", "0", NULL};
    static const char *const urban_zh[] = {"城镇", "农村", NULL};
    select_names(h, "c-urban", "urban", "城乡", urban_names, urban_zh,
                 fv(c, f, "urban", edit ? (edit->urban ? "1" : "0") : "1"), NULL);
    static const char *const has_zh[] = {"有托育设施", "无托育设施", NULL};
    select_names(h, "c-has", "has_facility", "托育服务设施", urban_names, has_zh,
                 fv(c, f, "has_facility", edit ? (edit->has_facility ? "1" : "0") : "0"), NULL);
    input(h, "c-note", "facility_note", "设施说明", "text",
          fv(c, f, "facility_note", edit && edit->facility_note ? edit->facility_note : ""), false);
    html_lit(h, "</div>\n");
    submit(h, edit ? "保存" : "登记");
}

/* ---- Rooms --------------------------------------------------------------------------------------------- */

static void rooms_table(struct html *h, const struct dash *c, const struct room *m, int n)
{
    struct req *r = c->r;
    html_lit(h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"母婴室\"><table>\n"
                "<thead><tr><th scope=\"col\">名称</th><th scope=\"col\">所在单位或场所</th>"
                "<th scope=\"col\">区县</th><th scope=\"col\">类型</th><th scope=\"col\">地址</th>"
                "<th scope=\"col\" class=\"num\">面积（㎡）</th><th scope=\"col\">状态</th>"
                "<th scope=\"col\">推动单位</th><th scope=\"col\">启用</th><th scope=\"col\">办理</th>"
                "</tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        const struct room *x = &m[i];
        html_lit(h, "<tr><td>");
        html_text(h, x->name);
        html_lit(h, "</td><td class=\"wrap\">");
        html_text(h, x->organisation);
        html_lit(h, "</td><td>");
        html_text(h, x->district_name);
        html_lit(h, "</td><td>");
        html_text(h, facilities_zh(place_kind_names, place_kind_names_zh, x->place_kind));
        html_lit(h, "</td><td class=\"wrap\">");
        html_text(h, x->address);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, x->area_m2);
        html_lit(h, "</td><td>");
        html_text(h, facilities_zh(room_status_names, room_status_names_zh, x->status));
        html_lit(h, "</td><td>");
        html_text(h, facilities_zh(promoter_names, promoter_names_zh, x->promoted_by));
        html_lit(h, "</td><td class=\"nowrap\">");
        if (x->opened_day)
            html_date(h, x->opened_day);
        else
            html_lit(h, "—");
        html_lit(h, "</td><td>");
        if (writer(r, x->district_code)) {
            html_lit(h, "<a href=\"/dash/facilities?room=");
            html_int(h, x->id);
            html_lit(h, "#room-form\">编辑</a>");
        }
        html_lit(h, "</td></tr>\n");
    }
    if (!n) html_lit(h, "<tr><td colspan=\"10\">暂无。</td></tr>\n");
    html_lit(h, "</tbody></table></div>\n");
}

static void room_form(struct html *h, const struct dash *c, const struct room *edit)
{
    struct req *r = c->r;
    const char *f = "room";
    html_lit(h, "<h3 id=\"room-form\">");
    html_text(h, edit ? "编辑母婴室" : "登记母婴室");
    html_lit(h, "</h3>\n");
    form_open(h, r, "/dash/facilities/room", edit ? "编辑母婴室" : "登记母婴室");
    if (edit) {
        hidden(h, "id", num(r, edit->id));
        hidden(h, "version", fv(c, f, "version", num(r, edit->version)));
    }
    html_lit(h, "<div class=\"fields\">\n");
    if (edit) {
        html_lit(h, "<p>区县：");
        html_text(h, edit->district_name);
        html_lit(h, "</p>\n");
    } else {
        select_district(h, c, "m-district", "district_code", "区县",
                        fv(c, f, "district_code", page_scope_district(r)), NULL);
    }
    input(h, "m-name", "name", "名称", "text", fv(c, f, "name", edit ? edit->name : ""), true);
    input(h, "m-org", "organisation", "所在单位或场所", "text",
          fv(c, f, "organisation", edit ? edit->organisation : ""), true);
    select_names(h, "m-kind", "place_kind", "类型", place_kind_names, place_kind_names_zh,
                 fv(c, f, "place_kind", edit ? edit->place_kind : "workplace"), NULL);
    input(h, "m-address", "address", "地址", "text", fv(c, f, "address", edit ? edit->address : ""), true);
    input(h, "m-area", "area_m2", "面积（㎡）", "number",
          fv(c, f, "area_m2", edit ? num(r, edit->area_m2) : ""), true);
    select_names(h, "m-status", "status", "状态", room_status_names, room_status_names_zh,
                 fv(c, f, "status", edit ? edit->status : "open"), NULL);
    select_names(h, "m-promoter", "promoted_by", "推动单位", promoter_names, promoter_names_zh,
                 fv(c, f, "promoted_by", edit ? edit->promoted_by : "union"), NULL);
    input(h, "m-opened", "opened_day", "启用日期（开放时可空，默认今天）", "date",
          fv(c, f, "opened_day", edit ? day_text(r, edit->opened_day) : ""), false);
    input(h, "m-note", "note", "备注", "text", fv(c, f, "note", edit && edit->note ? edit->note : ""), false);
    html_lit(h, "</div>\n");
    submit(h, edit ? "保存" : "登记");
}

/* ---- The page ------------------------------------------------------------------------------------------ */

/* The filters of the page (each validated; a bad one is ignored). */
struct dash_filter {
    const char *district, *pstatus, *rstatus;
    int urban, has;
};

static void filter_form(struct html *h, const struct dash *c, const struct dash_filter *f)
{
    html_lit(h, "<form method=\"get\" action=\"/dash/facilities\" class=\"panel\" aria-label=\"筛选\">\n"
                "<div class=\"fields\">\n");
    select_district(h, c, "f-district", "district", "区县", f->district, "全市");
    select_names(h, "f-pstatus", "project_status", "居住区状态", project_status_names,
                 project_status_names_zh, f->pstatus, "全部");
    static const char *const ub[] = {"1", "0", NULL};
    static const char *const ub_zh[] = {"城镇", "农村", NULL};
    static const char *const has_zh[] = {"有设施", "无设施", NULL};
    select_names(h, "f-urban", "urban", "城乡", ub, ub_zh,
                 f->urban < 0 ? NULL
                 : f->urban   ? "1"
                              : "0",
                 "全部");
    select_names(h, "f-has", "has_facility", "托育设施", ub, has_zh,
                 f->has < 0 ? NULL
                 : f->has   ? "1"
                            : "0",
                 "全部");
    select_names(h, "f-rstatus", "room_status", "母婴室状态", room_status_names, room_status_names_zh,
                 f->rstatus, "全部");
    html_lit(h, "</div>\n<p><button type=\"submit\">筛选</button></p>\n</form>\n");
}

static enum err render_dash(struct req *r, struct resp *out, unsigned status, enum err problem,
                            const char *posted)
{
    struct dash c = {.r = r, .posted = posted};
    enum err e = district_list(r->db, r->a, &c.d, &c.nd);
    if (e != OK) return e;
    struct dash_filter f = {.urban = -1, .has = -1};
    const char *q = req_query(r, "district");
    f.district = q && *q && page_district_known(c.d, c.nd, q) ? q : page_scope_district(r);
    q = req_query(r, "project_status");
    f.pstatus = facilities_name_index(project_status_names, q) >= 0 ? q : NULL;
    q = req_query(r, "room_status");
    f.rstatus = facilities_name_index(room_status_names, q) >= 0 ? q : NULL;
    int64_t v;
    if (page_parse_int(req_query(r, "urban"), 0, 1, -1, &v)) f.urban = (int)v;
    if (page_parse_int(req_query(r, "has_facility"), 0, 1, -1, &v)) f.has = (int)v;

    struct coverage_row *rows;
    int nrows;
    struct project *late, *projects;
    struct community *comms;
    struct room *rooms;
    int nl, np, nc, nr;
    int64_t tl, tp, tc, tr;
    struct project_filter lf = {.district = f.district, .late_only = true, .page = 1};
    struct project_filter pf = {.district = f.district, .status = f.pstatus, .page = 1};
    struct community_filter cf = {.district = f.district, .urban = f.urban, .has_facility = f.has, .page = 1};
    struct room_filter rf = {.district = f.district, .status = f.rstatus, .page = 1};
    e = facilities_coverage_rows(r->db, r->a, f.district, &rows, &nrows);
    if (e == OK) e = project_list(r->db, r->a, &lf, &late, &nl, &tl);
    if (e == OK) e = project_list(r->db, r->a, &pf, &projects, &np, &tp);
    if (e == OK) e = community_list(r->db, r->a, &cf, &comms, &nc, &tc);
    if (e == OK) e = room_list(r->db, r->a, &rf, &rooms, &nr, &tr);
    if (e != OK) return e;
    /* The record being edited: ?community= / ?room=, or the one whose form was refused. */
    struct community ce, *cedit = NULL;
    struct room re, *redit = NULL;
    int64_t id = 0;
    const char *cid =
        posted && strcmp(posted, "community") == 0 ? req_form(r, "id") : req_query(r, "community");
    if (page_parse_int(cid, 1, INT64_MAX, 0, &id) && id && community_get(r->db, r->a, id, &ce) == OK &&
        writer(r, ce.district_code))
        cedit = &ce;
    id = 0;
    const char *rid = posted && strcmp(posted, "room") == 0 ? req_form(r, "id") : req_query(r, "room");
    if (page_parse_int(rid, 1, INT64_MAX, 0, &id) && id && room_get(r->db, r->a, id, &re) == OK &&
        writer(r, re.district_code))
        redit = &re;
    struct project pe, *pedit = NULL;
    id = 0;
    const char *pid = posted && strcmp(posted, "project") == 0 ? req_form(r, "id") : req_query(r, "project");
    if (page_parse_int(pid, 1, INT64_MAX, 0, &id) && id && project_get(r->db, r->a, id, &pe) == OK &&
        writer(r, pe.district_code))
        pedit = &pe;
    int64_t today = clock_day_of(clock_now());
    bool may_write = r->who->role == ROLE_ADMIN || r->who->role == ROLE_CITY || r->who->role == ROLE_COUNTY;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "托育设施");
    html_lit(&h, "<h1>托育服务设施与母婴室</h1>\n");
    page_problem_box(&h, r, problem, NULL);
    if (req_query(r, "done") && problem == OK)
        html_lit(&h, "<p class=\"notice\" role=\"status\">已保存。</p>\n");
    filter_form(&h, &c, &f);
    coverage_section(&h, r, rows, nrows, today);

    html_lit(&h, "<section id=\"late\">\n<h2>逾期的新建居住区配套托育设施（");
    html_int(&h, tl);
    html_lit(&h, "）</h2>\n<p class=\"intro\">住宅已交付而托育设施未同步验收，或验收后 ");
    html_int(&h, facilities_handover_days(r->db));
    html_lit(&h, " 日内未移交县级教育或卫生健康部门的，记为逾期。</p>\n");
    projects_table(&h, &c, late, nl, false, today, "逾期项目");
    html_lit(&h, "</section>\n");

    html_lit(&h, "<section id=\"projects\">\n<h2>新建居住区配套托育设施（");
    html_int(&h, tp);
    html_lit(&h, "）</h2>\n<p class=\"intro\">新建居住区按常住人口规模规划建设托育服务设施，与住宅同步验收、"
                 "同步交付使用；与幼儿园合建的移交县级教育部门，独立设置的移交县级卫生健康部门。</p>\n");
    page_export_link(&h, r, "/api/v1/residential-projects");
    projects_table(&h, &c, projects, np, may_write, today, "新建居住区");
    if (may_write) project_form(&h, &c, pedit);
    html_lit(&h, "</section>\n");

    html_lit(&h, "<section id=\"communities\">\n<h2>社区（村）托育服务设施（");
    html_int(&h, tc);
    html_lit(&h, "）</h2>\n");
    page_export_link(&h, r, "/api/v1/communities");
    communities_table(&h, &c, comms, nc);
    if (tc > nc) html_lit(&h, "<p class=\"meta\">仅显示前 100 个，请按区县或条件筛选。</p>\n");
    if (may_write) community_form(&h, &c, cedit);
    html_lit(&h, "</section>\n");

    html_lit(&h, "<section id=\"rooms\">\n<h2>母婴室（");
    html_int(&h, tr);
    html_lit(&h, "）</h2>\n<p class=\"intro\">工会、妇联推动女职工较多的用人单位和公共场所建设母婴室。"
                 "开放的母婴室在门户网站<a href=\"/mother-baby-rooms\">公布</a>。</p>\n");
    page_export_link(&h, r, "/api/v1/mother-baby-rooms");
    rooms_table(&h, &c, rooms, nr);
    if (tr > nr) html_lit(&h, "<p class=\"meta\">仅显示前 100 个，请按区县或条件筛选。</p>\n");
    if (may_write) room_form(&h, &c, redit);
    html_lit(&h, "</section>\n");
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_facilities_dash(struct req *r, struct resp *out)
{
    return render_dash(r, out, 200, OK, NULL);
}

/* A form's optional integer: absent or "" gives dflt, a bad value bad. */
static int64_t form_int(struct req *r, const char *name, int64_t lo, int64_t hi, int64_t dflt, int64_t bad)
{
    int64_t v;
    return page_parse_int(req_form(r, name), lo, hi, dflt, &v) ? v : bad;
}

/* A form's optional day: absent or "" gives 0; a bad one adds a field error. */
static int64_t form_day(struct req *r, const char *name, const char *msg)
{
    const char *s = req_form(r, name);
    int64_t d = 0;
    if (s && *s && !date_parse(s, &d)) fe_add(&r->fe, name, msg);
    return d;
}

/* POST /dash/facilities/{code}: community, community-facility, project, project-status, room. */
enum err page_facilities_dash_post(struct req *r, struct resp *out)
{
    const char *what = r->seg[0];
    int64_t id = form_int(r, "id", 1, INT64_MAX, 0, -1);
    int64_t version = form_int(r, "version", 1, INT64_MAX, 0, 0);
    enum err e;
    if (id < 0) return ERR_NOT_FOUND;
    if (strcmp(what, "community") == 0) {
        struct community_in in = {
            .district_code = req_form(r, "district_code"),
            .code = req_form(r, "code"),
            .name = req_form(r, "name"),
            .street = req_form(r, "street"),
            .kind = facilities_name_index(community_kind_names, req_form(r, "kind")),
            .urban = (int)form_int(r, "urban", 0, 1, -1, -1),
            .has_facility = (int)form_int(r, "has_facility", 0, 1, 0, 0),
            .facility_note = req_form(r, "facility_note"),
            .set_note = true,
        };
        struct community cm;
        if (id) {
            if (!in.code) in.code = "";
            if (!in.name) in.name = "";
            if (!in.street) in.street = "";
            if (in.kind < 0) fe_add(&r->fe, "kind", "类型应为 community（社区）或 village（村）");
            if (in.urban < 0) fe_add(&r->fe, "urban", "请说明是城镇还是农村");
            e = community_update(r->db, r->a, r->who, id, &in, version, &r->fe, &cm);
        } else {
            e = community_create(r->db, r->a, r->who, &in, &r->fe, &cm);
        }
    } else if (strcmp(what, "community-facility") == 0) {
        struct community cm;
        e = community_set_facility(r->db, r->a, r->who, id, form_int(r, "has_facility", 0, 1, 0, 0) == 1,
                                   NULL, version, &r->fe, &cm);
    } else if (strcmp(what, "project") == 0) {
        int before = r->fe.n;
        int64_t day = form_day(r, "housing_delivery_day", "请填写有效的日期（YYYY-MM-DD）");
        bool bad_day = r->fe.n > before;
        struct project_in in = {
            .district_code = req_form(r, "district_code"),
            .name = req_form(r, "name"),
            .developer = req_form(r, "developer"),
            .note = req_form(r, "note"),
            .community_id = form_int(r, "community_id", 1, INT64_MAX, 0, -1),
            .homes = form_int(r, "homes", 1, FAC_HOMES_MAX, 0, 0),
            .facility_area_m2 = form_int(r, "facility_area_m2", 1, FAC_AREA_MAX, 0, 0),
            .housing_delivery_day = bad_day ? 1 : day, /* 1: a placeholder, the field's error stands */
            .facility_form = facilities_name_index(facility_form_names, req_form(r, "facility_form")),
            .set_community = true,
            .set_note = true,
        };
        if (in.community_id < 0) {
            fe_add(&r->fe, "community_id", "社区编号应为正整数");
            in.community_id = 0;
        }
        struct project p;
        if (id) {
            /* An update keeps what is not given: a form gives every field, so blanks are errors here. */
            if (!in.name) in.name = "";
            if (!in.developer) in.developer = "";
            if (in.homes < 1) fe_addf(&r->fe, "homes", "户数应为 1 至 %d", FAC_HOMES_MAX);
            if (in.facility_area_m2 < 1)
                fe_addf(&r->fe, "facility_area_m2", "托育设施面积应为 1 至 %d 平方米", FAC_AREA_MAX);
            if (in.facility_form < 0)
                fe_add(&r->fe, "facility_form", "设置形式应为 standalone 或 with_kindergarten");
            if (!in.housing_delivery_day) fe_add(&r->fe, "housing_delivery_day", "请填写住宅交付日期");
            e = project_update(r->db, r->a, r->who, id, &in, version, &r->fe, &p);
        } else {
            e = project_create(r->db, r->a, r->who, &in, &r->fe, &p);
        }
    } else if (strcmp(what, "project-status") == 0) {
        const char *ht = req_form(r, "handed_to");
        struct project_move m = {
            .to = facilities_name_index(project_status_names, req_form(r, "to")),
            .day = form_day(r, "day", "请填写有效的日期（YYYY-MM-DD）"),
            .handed_to = ht && *ht ? facilities_name_index(handed_to_names, ht) : -1,
            .expected_version = version,
        };
        if (m.to < 0) fe_add(&r->fe, "to", "未知的状态");
        if (ht && *ht && m.handed_to < 0) fe_add(&r->fe, "handed_to", "接收部门应为 education 或 health");
        if (!m.day && !r->fe.n) m.day = clock_day_of(clock_now());
        const char *detail = NULL;
        struct project p;
        e = r->fe.n ? ERR_VALIDATION : project_move(r->db, r->a, r->who, id, &m, &r->fe, &detail, &p);
        if (detail) r->error_detail = detail;
    } else if (strcmp(what, "room") == 0) {
        const char *note = req_form(r, "note");
        struct room_in in = {
            .district_code = req_form(r, "district_code"),
            .name = req_form(r, "name"),
            .organisation = req_form(r, "organisation"),
            .address = req_form(r, "address"),
            .note = note,
            .place_kind = facilities_name_index(place_kind_names, req_form(r, "place_kind")),
            .status = facilities_name_index(room_status_names, req_form(r, "status")),
            .promoted_by = facilities_name_index(promoter_names, req_form(r, "promoted_by")),
            .area_m2 = form_int(r, "area_m2", 1, 10000, 0, 0),
            .opened_day = form_day(r, "opened_day", "请填写有效的日期（YYYY-MM-DD）"),
            .set_note = true,
            .set_opened_day = true,
        };
        struct room m;
        if (id) {
            if (!in.name) in.name = "";
            if (!in.organisation) in.organisation = "";
            if (!in.address) in.address = "";
            if (in.place_kind < 0)
                fe_add(&r->fe, "place_kind", "场所类型应为 workplace（用人单位）或 public（公共场所）");
            if (in.status < 0) fe_add(&r->fe, "status", "状态应为 planned、open 或 closed");
            if (in.promoted_by < 0)
                fe_add(&r->fe, "promoted_by", "推动单位应为 union、women_federation、health 或 other");
            if (in.area_m2 < 1) fe_add(&r->fe, "area_m2", "面积应为 1 至 10000 平方米");
            e = room_update(r->db, r->a, r->who, id, &in, version, &r->fe, &m);
        } else {
            e = room_create(r->db, r->a, r->who, &in, &r->fe, &m);
        }
    } else {
        return ERR_NOT_FOUND;
    }
    if (e == OK) return resp_redirect(r, out, "/dash/facilities?done=1");
    if (e == ERR_VALIDATION || e == ERR_STATE || e == ERR_CONFLICT || e == ERR_FORBIDDEN)
        return render_dash(r, out, err_status(e), e, what);
    return e;
}

/* ---- Portal -------------------------------------------------------------------------------------------- */

/* GET /mother-baby-rooms?district=&page=: open rooms by district, with place and address only. */
enum err page_mother_baby_rooms(struct req *r, struct resp *out)
{
    struct district *d;
    int nd;
    enum err e = district_list(r->db, r->a, &d, &nd);
    if (e != OK) return e;
    const char *district = req_query(r, "district");
    if (!page_district_known(d, nd, district)) district = NULL;
    int64_t page;
    if (!page_parse_int(req_query(r, "page"), 1, 100000, 1, &page)) page = 1;
    struct room_filter f = {.district = district, .status = "open", .page = (int)page};
    struct room *rooms;
    int n;
    int64_t total;
    e = room_list(r->db, r->a, &f, &rooms, &n, &total);
    if (e != OK) return e;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "母婴室");
    html_lit(&h, "<h1>母婴室</h1>\n<p class=\"intro\">十堰市用人单位和公共场所已开放的母婴室，方便哺乳期妈妈"
                 "哺乳、挤奶和照料婴儿。</p>\n<form method=\"get\" action=\"/mother-baby-rooms\" "
                 "aria-label=\"按区县查找\"><p><label for=\"mb-district\">区县</label> "
                 "<select id=\"mb-district\" name=\"district\">");
    page_district_options(&h, d, nd, district, "全市");
    html_lit(&h, "</select> <button type=\"submit\">查找</button></p></form>\n<p>共 ");
    html_int(&h, total);
    html_lit(&h, " 个开放的母婴室。</p>\n");
    const char *current = NULL;
    for (int i = 0; i < n; i++) {
        const struct room *x = &rooms[i];
        if (!current || strcmp(current, x->district_code) != 0) {
            if (current) html_lit(&h, "</tbody></table></div>\n</section>\n");
            current = x->district_code;
            html_lit(&h, "<section>\n<h2>");
            html_text(&h, x->district_name);
            html_lit(&h, "</h2>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\"");
            html_attr(&h, "aria-label", x->district_name);
            html_lit(
                &h,
                "><table>\n<thead><tr><th scope=\"col\">所在单位或场所</th><th scope=\"col\">地址</th>"
                "<th scope=\"col\">类型</th><th scope=\"col\" class=\"num\">面积（㎡）</th></tr></thead>\n"
                "<tbody>\n");
        }
        html_lit(&h, "<tr><td class=\"wrap\">");
        html_text(&h, x->organisation);
        html_lit(&h, "<br><span class=\"meta\">");
        html_text(&h, x->name);
        html_lit(&h, "</span></td><td class=\"wrap\">");
        html_text(&h, x->address);
        html_lit(&h, "</td><td>");
        html_text(&h, facilities_zh(place_kind_names, place_kind_names_zh, x->place_kind));
        html_lit(&h, "</td><td class=\"num\">");
        html_int(&h, x->area_m2);
        html_lit(&h, "</td></tr>\n");
    }
    if (current) html_lit(&h, "</tbody></table></div>\n</section>\n");
    static const char *const keep[] = {"district", NULL};
    page_pager(&h, r, page, ROOM_PER_PAGE, total, keep);
    page_end(&h);
    return resp_html(r, out, 200, &h);
}
