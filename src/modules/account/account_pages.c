/* Accounts page for administrators: every account, and a form to create one — notably an operator bound to
 * its institution (GET /dash/users?institution_id=ID comes prefilled from the institution page). */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/reference/departments.h"
#include "modules/institution/inst.h"

#include <stdlib.h>
#include <string.h>

static const char *const role_names[] = {"admin",     "city_official", "county_official",
                                         "registrar", "inspector",     "operator",
                                         "auditor",   "unit_officer",  NULL};

static void render(struct html *h, struct req *r, const char *notice)
{
    page_begin(h, r, "账号管理");
    html_lit(h, "<h1>账号管理</h1>\n");
    if (notice) {
        html_lit(h, "<p class=\"notice\" role=\"status\">");
        html_text(h, notice);
        html_lit(h, "</p>\n");
    }
    page_field_errors(h, &r->fe);

    const char *username = req_form(r, "username"), *role = req_form(r, "role");
    const char *district = req_form(r, "district");
    const char *inst = req_form(r, "institution_id");
    if (!inst) inst = req_query(r, "institution_id");
    if (!role && inst) role = "operator";
    struct district *ds = NULL;
    int nd = 0;
    district_list(r->db, r->a, &ds, &nd);

    html_lit(h, "<section aria-labelledby=\"new-user\"><h2 id=\"new-user\">新建账号</h2>\n"
                "<form method=\"post\" action=\"/dash/users\" class=\"form\">");
    page_csrf(h, r);
    html_lit(h, "<p><label for=\"username\">用户名（小写字母、数字、点、下划线）</label>"
                "<input id=\"username\" name=\"username\" required maxlength=\"64\" autocomplete=\"off\"");
    html_attr(h, "value", username ? username : "");
    html_lit(h, "></p>\n<p><label for=\"role\">角色</label><select id=\"role\" name=\"role\">");
    for (int i = 0; role_names[i]; i++)
        page_option(h, role_names[i], role_name_zh(role_from_name(role_names[i])),
                    role && strcmp(role, role_names[i]) == 0);
    html_lit(h, "</select></p>\n<p><label for=\"district\">区县（县级卫健局、检查员必填）</label>"
                "<select id=\"district\" name=\"district\"><option value=\"\">（无）</option>");
    page_district_options(h, ds, nd, district, NULL);
    html_lit(h, "</select></p>\n<p><label for=\"department\">检查部门（检查员，默认卫生健康）</label>"
                "<select id=\"department\" name=\"department\"><option value=\"\">（无）</option>");
    struct department *deps = NULL;
    int ndep = 0;
    const char *dep = req_form(r, "department");
    if (department_list(r->db, r->a, &deps, &ndep) == OK)
        for (int i = 0; i < ndep; i++)
            page_option(h, deps[i].code, deps[i].name, dep && strcmp(dep, deps[i].code) == 0);
    html_lit(h, "</select></p>\n<p><label for=\"institution_id\">机构编号（托育机构账号必填）</label>"
                "<input id=\"institution_id\" name=\"institution_id\" inputmode=\"numeric\"");
    html_attr(h, "value", inst ? inst : "");
    html_lit(h, "></p>\n<p><label for=\"password\">初始密码（至少 10 位）</label>"
                "<input id=\"password\" name=\"password\" type=\"password\" required minlength=\"10\" "
                "autocomplete=\"new-password\"></p>\n<p><button type=\"submit\">创建账号</button></p></form>"
                "</section>\n");

    struct user_row *u = NULL;
    int n = 0;
    if (user_list(r->db, r->a, &u, &n) == OK) {
        html_lit(h,
                 "<section aria-labelledby=\"users\"><h2 id=\"users\">全部账号</h2>\n<div class=\"scroll\">"
                 "<table><thead><tr><th scope=\"col\">用户名</th><th scope=\"col\">角色</th>"
                 "<th scope=\"col\">区县</th><th scope=\"col\">机构</th><th scope=\"col\">创建时间</th></tr>"
                 "</thead><tbody>\n");
        for (int i = 0; i < n; i++) {
            html_lit(h, "<tr><td>");
            html_text(h, u[i].username);
            html_lit(h, "</td><td>");
            html_text(h, role_name_zh(role_from_name(u[i].role)));
            html_lit(h, "</td><td>");
            html_text(h, u[i].district ? u[i].district : "—");
            html_lit(h, "</td><td>");
            if (u[i].institution_id) {
                html_lit(h, "<a href=\"/dash/institutions/");
                html_int(h, u[i].institution_id);
                html_lit(h, "\">");
                html_int(h, u[i].institution_id);
                html_lit(h, "</a>");
            } else {
                html_lit(h, "—");
            }
            html_lit(h, "</td><td>");
            html_time(h, u[i].created_at);
            html_lit(h, "</td></tr>\n");
        }
        html_lit(h, "</tbody></table></div></section>\n");
    }
    page_end(h);
}

enum err page_users(struct req *r, struct resp *out)
{
    struct html h = {.b = BUF_INIT};
    render(&h, r, NULL);
    return resp_html(r, out, 200, &h);
}

enum err page_users_post(struct req *r, struct resp *out)
{
    const char *username = req_form(r, "username"), *role = req_form(r, "role");
    const char *district = req_form(r, "district"), *inst_s = req_form(r, "institution_id");
    const char *password = req_form(r, "password"), *department = req_form(r, "department");
    const char *unit = req_form(r, "unit");
    if (unit && !*unit) unit = NULL;
    if (district && !*district) district = NULL;
    if (department && !*department) department = NULL;
    int64_t inst = 0;
    if (!page_parse_int(inst_s, 1, INT64_MAX, 0, &inst))
        fe_add(&r->fe, "institution_id", "机构编号应为正整数");
    unsigned rb = role_from_name(role);
    if (!rb) fe_add(&r->fe, "role", "未知角色");
    if ((rb == ROLE_COUNTY || rb == ROLE_INSPECTOR) && !district)
        fe_add(&r->fe, "district", "该角色必须指定区县");
    if (rb && rb != ROLE_COUNTY && rb != ROLE_INSPECTOR && district)
        fe_add(&r->fe, "district", "该角色不指定区县");
    if (rb == ROLE_OPERATOR && !inst) fe_add(&r->fe, "institution_id", "托育机构账号必须绑定机构");
    if (rb && rb != ROLE_OPERATOR && inst) fe_add(&r->fe, "institution_id", "只有托育机构账号绑定机构");
    if (rb && rb != ROLE_INSPECTOR && department) fe_add(&r->fe, "department", "只有检查员账号指定部门");
    if (!password || strlen(password) < 10) fe_add(&r->fe, "password", "密码至少 10 位");
    if (!username || !*username) fe_add(&r->fe, "username", "必填");
    enum err e = OK;
    if (!r->fe.n) {
        e = user_create(r->db, r->who, username, role, district, department, unit, inst, password, NULL);
        if (e == ERR_CONFLICT) fe_add(&r->fe, "username", "用户名已被使用");
        if (e == ERR_VALIDATION) fe_add(&r->fe, "username", "用户名、区县、部门或机构无效");
        if (e != OK && e != ERR_CONFLICT && e != ERR_VALIDATION) return e;
    }
    struct html h = {.b = BUF_INIT};
    if (r->fe.n) {
        render(&h, r, NULL);
        return resp_html(r, out, e == ERR_CONFLICT ? 409 : 422, &h);
    }
    r->nform = 0; /* the form starts empty again */
    render(&h, r, "账号已创建");
    return resp_html(r, out, 201, &h);
}
